#include "localplatform/daemon.h"

#include "common/encoding.h"
#include "common/paths.h"
#include "localplatform/broker.h"
#include "localplatform/control_api.h"
#include "localplatform/controller.h"
#include "localplatform/gateway.h"
#include "localplatform/http_server.h"
#include "localplatform/object_store.h"
#include "localplatform/span_store.h"
#include "localplatform/tls_frontend.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/random.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace faaswb::localplatform {
namespace fs = std::filesystem;
namespace asio = boost::asio;

nlohmann::json toJson(const DaemonState& state) {
    return {{"stateDir", state.stateDir},
            {"kubeconfig", state.kubeconfigPath},
            {"apiUrl", state.apiUrl},
            {"ingressUrl", state.ingressUrl},
            {"brokerUrl", state.brokerUrl},
            {"zipkinUrl", state.zipkinUrl},
            {"token", state.token},
            {"apiPort", state.apiPort},
            {"ingressPort", state.ingressPort},
            {"brokerPort", state.brokerPort},
            {"pid", state.pid},
            {"domain", state.domain},
            {"apiTlsUrl", state.apiTlsUrl},
            {"apiTlsPort", state.apiTlsPort},
            {"caFile", state.caFile}};
}

Result<DaemonState> daemonStateFromJson(const nlohmann::json& json) {
    try {
        DaemonState state;
        state.stateDir = json.at("stateDir").get<std::string>();
        state.kubeconfigPath = json.at("kubeconfig").get<std::string>();
        state.apiUrl = json.at("apiUrl").get<std::string>();
        state.ingressUrl = json.at("ingressUrl").get<std::string>();
        state.brokerUrl = json.at("brokerUrl").get<std::string>();
        state.zipkinUrl = json.at("zipkinUrl").get<std::string>();
        state.token = json.at("token").get<std::string>();
        state.apiPort = json.at("apiPort").get<std::uint16_t>();
        state.ingressPort = json.at("ingressPort").get<std::uint16_t>();
        state.brokerPort = json.at("brokerPort").get<std::uint16_t>();
        state.pid = json.at("pid").get<int>();
        state.domain = json.value("domain", "example.com");
        state.apiTlsUrl = json.value("apiTlsUrl", "");
        state.apiTlsPort = json.value("apiTlsPort", std::uint16_t{0});
        state.caFile = json.value("caFile", "");
        return state;
    } catch (const nlohmann::json::exception& e) {
        return invalidInput(std::string("state.json: ") + e.what());
    }
}

Result<DaemonState> readDaemonState(const std::string& stateDir) {
    const fs::path path = fs::path(stateDir) / "state.json";
    std::ifstream in(path);
    if (!in)
        return platformError("no local platform is running with state dir " + stateDir + " (" + path.string() +
                             " is missing); start one with `faas-workbench local-platform --state-dir " + stateDir +
                             "`");
    const auto json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded())
        return platformError(path.string() + ": not valid JSON");
    auto state = daemonStateFromJson(json);
    if (!state)
        return platformError(state.error().message);
    if (::kill(state->pid, 0) != 0 && errno == ESRCH)
        return platformError("the local platform of " + path.string() + " (pid " + std::to_string(state->pid) +
                             ") is not running any more");
    return state;
}

namespace {

Result<std::string> randomToken() {
    unsigned char bytes[32];
    if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
        return internalError(std::string("getrandom: ") + std::strerror(errno));
    static constexpr char kHex[] = "0123456789abcdef";
    std::string token;
    for (unsigned char byte : bytes) {
        token += kHex[byte >> 4];
        token += kHex[byte & 15];
    }
    return token;
}

std::string defaultStateDir() {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    const std::string base =
        runtime && *runtime ? std::string(runtime) + "/faas-workbench" : "/tmp/faaswb-" + std::to_string(::getuid());
    return base + "/local-" + std::to_string(::getpid());
}

Status makePrivateDir(const fs::path& dir) {
    std::error_code error;
    fs::create_directories(dir, error);
    if (error)
        return platformError("cannot create " + dir.string() + ": " + error.message());
    if (::chmod(dir.c_str(), 0700) != 0)
        return platformError("cannot make " + dir.string() + " private: " + std::strerror(errno));
    return {};
}

// Written to a temporary file created 0600, then renamed, so readers never see a partial or world-readable file.
Status writePrivateFile(const fs::path& path, const std::string& content) {
    const fs::path temporary = path.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return platformError("cannot write " + temporary.string() + ": " + std::strerror(errno));
    const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    ::fchmod(fd, 0600);
    ::close(fd);
    if (!written || ::rename(temporary.c_str(), path.c_str()) != 0)
        return platformError("cannot write " + path.string() + ": " + std::strerror(errno));
    return {};
}

// The TLS port with its certificate as the CA: kubectl and our KubeClient verify it like any cluster's.
std::string kubeconfigText(const DaemonState& state, const std::string& certificatePem) {
    return "apiVersion: v1\nkind: Config\n"
           "clusters:\n- name: faaswb-local\n  cluster:\n    server: " +
           state.apiTlsUrl + "\n    certificate-authority-data: " + base64Encode(certificatePem) +
           "\n"
           "contexts:\n- name: faaswb-local\n  context:\n    cluster: faaswb-local\n    user: faaswb-local\n"
           "    namespace: default\n"
           "current-context: faaswb-local\n"
           "users:\n- name: faaswb-local\n  user:\n    token: " +
           state.token + "\n";
}

} // namespace

class LocalPlatformDaemon::Impl {
public:
    explicit Impl(DaemonOptions daemonOptions)
        : options(std::move(daemonOptions))
        , work(asio::make_work_guard(io))
        , bookmarkTimer(io) {}

    ~Impl() { stop(); }

    Status start();
    void stop();
    void shutdownOnIoThread();
    void scheduleBookmarks();
    void stopExporter();

    DaemonOptions options;
    DaemonState state;
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work;
    SpanStore spans;
    ObjectStore store;
    std::unique_ptr<HttpClient> client;
    std::unique_ptr<SpanExporter> exporter; // after the client it sends with, so it goes first
    std::unique_ptr<Gateway> gateway;
    std::unique_ptr<Broker> broker;
    std::unique_ptr<Controller> controller;
    std::unique_ptr<Supervisor> supervisor;
    std::unique_ptr<ControlApi> api;
    std::unique_ptr<HttpServer> apiServer;
    std::unique_ptr<TlsFrontend> tlsFrontend;
    asio::steady_timer bookmarkTimer;
    std::thread thread;
    int wakePipe[2] = {-1, -1};
    bool stopped = false;
};

Status LocalPlatformDaemon::Impl::start() {
    if (options.stateDir.empty())
        options.stateDir = defaultStateDir();
    if (options.benchmarksRoot.empty())
        options.benchmarksRoot = benchmarksRoot();
    if (options.binDir.empty())
        options.binDir = executableDir();
    if (auto valid = validate(options.autoscaler); !valid)
        return valid;
    const fs::path dir = fs::absolute(options.stateDir);
    if (auto made = makePrivateDir(dir); !made)
        return made;
    if (auto made = makePrivateDir(dir / "logs"); !made)
        return made;
    // A predecessor on this state dir that was killed may have left instance children behind; a live one is left
    // alone (its state.json names a running pid).
    if (!readDaemonState(dir.string()))
        endLeftoverGroups((dir / "instance-groups").string());
    if (options.supervisor.groupsFile.empty())
        options.supervisor.groupsFile = (dir / "instance-groups").string();
    auto token = randomToken();
    if (!token)
        return token.error();
    if (::pipe2(wakePipe, O_CLOEXEC) != 0)
        return internalError(std::string("pipe: ") + std::strerror(errno));

    state.stateDir = dir.string();
    state.kubeconfigPath = (dir / "kubeconfig").string();
    state.token = *token;
    state.pid = ::getpid();
    state.domain = options.domain;

    client = std::make_unique<HttpClient>(io);
    if (!options.spanExportUrl.empty()) {
        auto exporterMade = SpanExporter::create(io, *client, options.spanExportUrl);
        if (!exporterMade)
            return exporterMade.error();
        exporter = std::move(exporterMade).value();
        spans.setExporter(exporter.get());
    }
    gateway = std::make_unique<Gateway>(io, spans, GatewayOptions{.domain = options.domain});
    auto ingressPort = gateway->listen(options.bindAddress, options.ingressPort);
    if (!ingressPort)
        return platformError("ingress gateway: " + ingressPort.error().message);
    broker = std::make_unique<Broker>(io, *client, spans);
    auto brokerPort = broker->listen(options.bindAddress, options.brokerPort);
    if (!brokerPort)
        return platformError("broker: " + brokerPort.error().message);
    state.ingressPort = *ingressPort;
    state.brokerPort = *brokerPort;
    state.ingressUrl = "http://127.0.0.1:" + std::to_string(*ingressPort);
    state.brokerUrl = "http://127.0.0.1:" + std::to_string(*brokerPort);

    // The API server's handler reaches the API through `this`, so the API (which needs the controller, which
    // needs the API port for the instances' ZIPKIN_ENDPOINT) can be built after the port is bound.
    apiServer = std::make_unique<HttpServer>(io, [this](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
        api->handle(std::move(request), std::move(writer));
    });
    auto apiPort = apiServer->listen(options.bindAddress, options.apiPort);
    if (!apiPort)
        return platformError("control API: " + apiPort.error().message);
    state.apiPort = *apiPort;
    state.apiUrl = "http://127.0.0.1:" + std::to_string(*apiPort);
    state.zipkinUrl = state.apiUrl + "/api/v2/spans";

    ControllerConfig config{options.autoscaler, options.benchmarksRoot, options.binDir, state.stateDir,
                            options.domain,     state.ingressUrl,       state.zipkinUrl};
    controller = std::make_unique<Controller>(io, store, *gateway, *broker, config);
    supervisor = std::make_unique<Supervisor>(io, *client, *controller, options.supervisor);
    controller->attach(*supervisor);
    ControlApiHooks hooks;
    hooks.admitService = [this](const Json& service) { return controller->admitService(service); };
    hooks.podMetrics = [this](const std::string& ns) { return controller->podMetrics(ns); };
    hooks.metricsText = [this] { return controller->metricsText(); };
    hooks.schedule = [this](std::chrono::milliseconds delay, std::function<void()> callback) {
        auto timer = std::make_shared<asio::steady_timer>(io, delay);
        timer->async_wait([timer, callback = std::move(callback)](boost::system::error_code error) {
            if (!error)
                callback();
        });
    };
    api = std::make_unique<ControlApi>(store, spans, std::move(hooks), state.token);

    auto identity = makeSelfSignedIdentity();
    if (!identity)
        return identity.error();
    tlsFrontend = std::make_unique<TlsFrontend>(io, *identity);
    auto tlsPort = tlsFrontend->listen(options.bindAddress, options.apiTlsPort, state.apiPort);
    if (!tlsPort)
        return platformError("control API (TLS): " + tlsPort.error().message);
    state.apiTlsPort = *tlsPort;
    state.apiTlsUrl = "https://127.0.0.1:" + std::to_string(*tlsPort);
    state.caFile = (dir / "ca.crt").string();
    if (auto written = writePrivateFile(state.caFile, identity->certificatePem); !written)
        return written;
    if (auto written = writePrivateFile(dir / "kubeconfig", kubeconfigText(state, identity->certificatePem)); !written)
        return written;
    if (auto written = writePrivateFile(dir / "state.json", toJson(state).dump(2) + "\n"); !written)
        return written;
    controller->start();
    scheduleBookmarks();
    thread = std::thread([this] {
        for (;;) {
            try {
                io.run();
                return;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "local platform: %s (continuing)\n", e.what());
            }
        }
    });
    return {};
}

void LocalPlatformDaemon::Impl::scheduleBookmarks() {
    bookmarkTimer.expires_after(std::chrono::seconds(30));
    bookmarkTimer.async_wait([this](boost::system::error_code error) {
        if (error)
            return;
        api->sendBookmarks();
        scheduleBookmarks();
    });
}

// On the io thread, before the client stops: later spans are not sent; failures are worth a line on stderr.
void LocalPlatformDaemon::Impl::stopExporter() {
    if (!exporter)
        return;
    exporter->stop();
    const auto stats = exporter->stats();
    if (stats.failed > 0 || stats.dropped > 0)
        std::fprintf(stderr, "local platform: span export to %s: %llu sent, %llu failed, %llu dropped\n",
                     options.spanExportUrl.c_str(), static_cast<unsigned long long>(stats.sent),
                     static_cast<unsigned long long>(stats.failed), static_cast<unsigned long long>(stats.dropped));
}

// Ends with io.stop(), which ends the io thread: stop() joins it. (A promise/future pair used to say "done" as well;
// libstdc++ waits for a future on a bare futex that ThreadSanitizer cannot see, so every stop was reported as a race
// on the promise's stack slot, and the join already orders everything.)
void LocalPlatformDaemon::Impl::shutdownOnIoThread() {
    bookmarkTimer.cancel();
    gateway->stop();
    broker->stop();
    auto fallback = std::make_shared<asio::steady_timer>(io);
    auto finish = [this, fallback, done = std::make_shared<bool>(false)] {
        if (*done)
            return;
        *done = true;
        fallback->cancel();
        supervisor->killAll();
        apiServer->stop();
        tlsFrontend->stop();
        stopExporter();
        client->stop();
        work.reset();
        io.stop();
    };
    // Instances get their grace period; whatever is left after it (plus a margin) is killed.
    fallback->expires_after(options.supervisor.terminationGrace + std::chrono::seconds(1));
    fallback->async_wait([finish](boost::system::error_code error) {
        if (!error)
            finish();
    });
    controller->shutdown(finish);
}

void LocalPlatformDaemon::Impl::stop() {
    if (stopped)
        return;
    stopped = true;
    if (thread.joinable()) {
        asio::post(io, [this] { shutdownOnIoThread(); });
        thread.join();
    }
    if (supervisor)
        supervisor->killAll();
    if (!state.stateDir.empty()) {
        std::error_code ignored;
        fs::remove(fs::path(state.stateDir) / "state.json", ignored);
        fs::remove(fs::path(state.stateDir) / "instance-groups", ignored);
    }
    for (int& fd : wakePipe)
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
}

Result<std::unique_ptr<LocalPlatformDaemon>> LocalPlatformDaemon::start(DaemonOptions options) {
    auto impl = std::make_unique<Impl>(std::move(options));
    if (auto started = impl->start(); !started) {
        impl->stop();
        return started.error();
    }
    return std::make_unique<LocalPlatformDaemon>(std::move(impl));
}

LocalPlatformDaemon::LocalPlatformDaemon(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}

LocalPlatformDaemon::~LocalPlatformDaemon() {
    stop();
}

const DaemonState& LocalPlatformDaemon::state() const {
    return m_impl->state;
}

void LocalPlatformDaemon::stop() {
    m_impl->stop();
}

void LocalPlatformDaemon::wait() {
    char byte = 0;
    while (::read(m_impl->wakePipe[0], &byte, 1) < 0 && errno == EINTR) {
    }
}

void LocalPlatformDaemon::requestStop() {
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(m_impl->wakePipe[1], &byte, 1);
}

} // namespace faaswb::localplatform
