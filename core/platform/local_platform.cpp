#include "platform/local_platform.h"

#include "kube/client.h"
#include "localplatform/supervisor_process.h"
#include "platform/knative_adapter.h"
#include "platform/knative_eventing.h"

#include <chrono>
#include <optional>
#include <string>

namespace faaswb::platform {

namespace {

Result<localplatform::DaemonState> connect(const model::PlatformConfig& config, localplatform::DaemonOptions& options,
                                           std::unique_ptr<localplatform::LocalPlatformDaemon>& daemon) {
    if (!config.stateDir.empty())
        return localplatform::readDaemonState(config.stateDir);
    auto autoscaler = localplatform::autoscalerDefaultsFromMap(config.autoscaler);
    if (!autoscaler)
        return invalidInput("platform '" + config.name + "': autoscaler: " + autoscaler.error().message);
    options.autoscaler = *autoscaler;
    auto started = localplatform::LocalPlatformDaemon::start(std::move(options));
    if (!started)
        return platformError("cannot start the local platform: " + started.error().message);
    daemon = std::move(started).value();
    return daemon->state();
}

PlatformInfo describeLocal(const model::PlatformConfig& config, const localplatform::DaemonState& state,
                           const KnativeAdapterOptions& options, std::string version) {
    PlatformInfo info;
    info.kind = "local";
    info.version = std::move(version);
    info.nodes = 1;
    info.details = {{"name", config.name},
                    {"apiUrl", state.apiUrl},
                    {"ingressUrl", state.ingressUrl},
                    {"namespace", options.namespaceName},
                    {"embedded", options.daemon != nullptr},
                    {"autoscaler", config.autoscaler},
                    {"traces", options.traces ? nlohmann::json(options.traces->describe()) : nlohmann::json()}};
    if (!options.daemon)
        info.details["stateDir"] = state.stateDir;
    return info;
}

// How long a stopped daemon (SIGSTOP, a debugger) may stay stopped before the platform counts as lost: a short
// pause the user resumes is not worth failing a run for, a frozen platform is.
constexpr auto kStoppedDaemonLimit = std::chrono::seconds(5);

// A daemon of its own (stateDir): its process going away (or staying stopped) is the platform going away. An
// embedded daemon lives as long as this process, so it needs no check. Called once per interval, from one thread.
std::function<Status()> daemonLiveness(const localplatform::DaemonState& state) {
    using Clock = std::chrono::steady_clock;
    return [pid = state.pid, stateDir = state.stateDir,
            stoppedSince = std::optional<Clock::time_point>()]() mutable -> Status {
        if (pid <= 0)
            return {};
        const std::string daemon =
            "the local platform daemon (pid " + std::to_string(pid) + ", state dir " + stateDir + ")";
        // A killed daemon stays a zombie until its parent reaps it; for the platform it is as gone as a vanished pid.
        const std::optional<char> phase = localplatform::detail::processState(pid);
        if (!phase || *phase == 'Z' || *phase == 'X')
            return platformError("platform lost: " + daemon + " is gone");
        if (*phase != 'T' && *phase != 't') {
            stoppedSince.reset();
            return {};
        }
        const auto now = Clock::now();
        if (!stoppedSince)
            stoppedSince = now;
        if (now - *stoppedSince < kStoppedDaemonLimit)
            return {};
        return platformError("platform lost: " + daemon + " has been stopped (SIGSTOP or a debugger) for " +
                             std::to_string(kStoppedDaemonLimit.count()) + " s and answers nothing");
    };
}

// The daemon's own Zipkin query API, unless the experiment asked for an OTLP receiver (the daemon then exports its
// spans there when started with spanExportUrl).
Result<std::unique_ptr<TraceSource>> localTraces(const model::PlatformConfig& config, const kube::KubeClient& client) {
    if (config.otlpReceiver.empty())
        return kubeZipkinTraceSource(client);
    auto receiver = OtlpReceiver::start(config.otlpReceiver);
    if (!receiver)
        return Error{receiver.error().code,
                     "platform '" + config.name + "': otlpReceiver: " + receiver.error().message};
    return std::unique_ptr<TraceSource>(std::move(receiver).value());
}

KnativeAdapterOptions localOptions(const model::PlatformConfig& config, const localplatform::DaemonState& state) {
    KnativeAdapterOptions options;
    options.platformName = config.name;
    options.namespaceName = config.namespaceName;
    options.cluster = "the local platform at " + state.apiUrl;
    options.imageTemplate = config.images;
    options.localImages = true;
    options.useAddressUrl = true;
    options.ingress = state.ingressUrl;
    options.removeTimeout = std::chrono::seconds(30);
    if (config.deployTimeout)
        options.deployTimeout = std::chrono::duration_cast<std::chrono::milliseconds>(*config.deployTimeout);
    if (config.coldStartTimeout)
        options.coldStartTimeout = std::chrono::duration_cast<std::chrono::milliseconds>(*config.coldStartTimeout);
    return options;
}

} // namespace

Result<std::unique_ptr<Platform>> createLocalPlatform(const model::PlatformConfig& config) {
    // A named value: GCC 12 -O2 misreports the temporary's strings as maybe-uninitialized.
    localplatform::DaemonOptions defaults;
    return createLocalPlatform(config, std::move(defaults));
}

Result<std::unique_ptr<Platform>> createLocalPlatform(const model::PlatformConfig& config,
                                                      localplatform::DaemonOptions daemonOptions) {
    std::unique_ptr<localplatform::LocalPlatformDaemon> daemon;
    auto state = connect(config, daemonOptions, daemon);
    if (!state)
        return state.error();
    auto client = kube::KubeClient::fromKubeconfig(state->kubeconfigPath);
    if (!client)
        return platformError("local platform kubeconfig " + state->kubeconfigPath + ": " + client.error().message);
    kube::CallOptions call;
    call.timeout = std::chrono::seconds(5);
    auto version = client->version(call);
    if (!version)
        return platformError("the local platform at " + state->apiUrl + " does not answer: " + version.error().message);
    auto traces = localTraces(config, *client);
    if (!traces)
        return traces.error();
    KnativeAdapterOptions options = localOptions(config, *state);
    if (!daemon)
        options.liveness = daemonLiveness(*state);
    options.daemon = std::move(daemon);
    options.traces = std::move(traces).value();
    KnativeEventingOptions eventing;
    eventing.namespaceName = options.namespaceName;
    eventing.readyTimeout = options.deployTimeout;
    options.eventingImpl = makeKnativeEventing(*client, eventing);
    options.info = describeLocal(config, *state, options, version->value("gitVersion", ""));
    return std::unique_ptr<Platform>(std::make_unique<KnativeAdapter>(std::move(*client), std::move(options)));
}

} // namespace faaswb::platform
