// Security checks on a running local platform (issue 8, "Security"): every listening socket of this process and its
// children (the embedded daemon with two instances, an OTLP receiver, faaswb-target and the three language wrappers)
// is bound to loopback; instances see none of the parent's secrets; image references cannot leave the benchmarks
// root; a server told to bind elsewhere says so on stderr.
#include "../benchmarks/wrapper_support.h"
#include "kube/client.h"
#include "kube/knative.h"
#include "kube_waits.h"
#include "localplatform/daemon.h"
#include "platform/trace_source.h"
#include "test_daemon.h"
#include "testutils.h"

#include <QTemporaryDir>
#include <QtTest>
#include <arpa/inet.h>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace faaswb;
using namespace faaswb::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSecretValue = "s3cr3t-faaswb-security-test";

// /proc/net/tcp prints each 32-bit word of the address as the host-order value of the kernel's network-order word,
// so reading the words back as host integers restores the original bytes.
std::string decodeProcAddress(const std::string& hex) {
    char text[INET6_ADDRSTRLEN] = {};
    if (hex.size() == 8) {
        in_addr address{};
        address.s_addr = static_cast<std::uint32_t>(std::stoul(hex, nullptr, 16));
        return inet_ntop(AF_INET, &address, text, sizeof text) ? text : "?";
    }
    if (hex.size() != 32)
        return "?";
    in6_addr address{};
    for (int word = 0; word < 4; ++word) {
        const auto value = static_cast<std::uint32_t>(std::stoul(hex.substr(word * 8, 8), nullptr, 16));
        std::memcpy(&address.s6_addr[word * 4], &value, 4);
    }
    return inet_ntop(AF_INET6, &address, text, sizeof text) ? text : "?";
}

bool isLoopback(const std::string& address) {
    return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

struct Listener {
    std::string address;
    unsigned port = 0;
    std::string inode;
};

// LISTEN (state 0A) rows of /proc/net/tcp or tcp6.
std::vector<Listener> listeners(const char* table) {
    std::vector<Listener> result;
    std::ifstream in(table);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
        const auto colon = local.find(':');
        if (state != "0A" || colon == std::string::npos)
            continue;
        result.push_back({decodeProcAddress(local.substr(0, colon)),
                          static_cast<unsigned>(std::stoul(local.substr(colon + 1), nullptr, 16)), inode});
    }
    return result;
}

// The socket inodes among a process's open descriptors.
std::set<std::string> socketInodes(int pid) {
    std::set<std::string> inodes;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
        const std::string target = fs::read_symlink(entry.path(), error).string();
        if (!error && target.starts_with("socket:[") && target.ends_with("]"))
            inodes.insert(target.substr(8, target.size() - 9));
    }
    return inodes;
}

// Every process below `root`, from the parent field of /proc/<pid>/stat (after the parenthesised command name).
std::set<int> descendants(int root) {
    std::multimap<int, int> children;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0])))
            continue;
        std::ifstream statFile(entry.path() / "stat");
        std::string text;
        std::getline(statFile, text);
        const auto commandEnd = text.rfind(')');
        if (commandEnd == std::string::npos)
            continue;
        std::istringstream rest(text.substr(commandEnd + 1));
        std::string state;
        int parent = 0;
        rest >> state >> parent;
        children.emplace(parent, std::stoi(name));
    }
    std::set<int> found;
    std::vector<int> pending{root};
    while (!pending.empty()) {
        const int pid = pending.back();
        pending.pop_back();
        for (auto [it, end] = children.equal_range(pid); it != end; ++it)
            if (found.insert(it->second).second)
                pending.push_back(it->second);
    }
    return found;
}

// Starts a wrapper, waits for its "listening on" line, stops it and returns everything it wrote to stderr.
QString stderrOfServer(const WrapperCommand& command, const std::map<QString, QString>& extra) {
    QProcess process;
    process.setProcessEnvironment(wrapperEnvironment(extra));
    process.start(command.program, command.args);
    if (!process.waitForStarted(10000))
        return QStringLiteral("did not start");
    QByteArray out;
    QDeadlineTimer deadline(10s);
    while (!out.contains("listening on") && !deadline.hasExpired() && process.state() == QProcess::Running)
        if (process.waitForReadyRead(200))
            out += process.readAllStandardOutput();
    process.terminate();
    process.waitForFinished(5000);
    return out.contains("listening on") ? QString::fromUtf8(process.readAllStandardError())
                                        : QStringLiteral("no listening line: ") + QString::fromUtf8(out);
}

std::string readProcFile(int pid, const char* name) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/" + name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json noopService(const std::string& name, const std::string& language) {
    kube::KnativeServiceSpec spec;
    spec.name = name;
    spec.image = "local/000.noop:" + language;
    spec.annotations = {{"autoscaling.knative.dev/min-scale", "1"}};
    return kube::knativeService(spec);
}

} // namespace

class TestSecurityListeners : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<platform::OtlpReceiver> m_otlp;
    std::unique_ptr<localplatform::LocalPlatformDaemon> m_daemon;
    std::optional<kube::KubeClient> m_client;
    std::vector<std::unique_ptr<ServerProcess>> m_servers; // started by the test itself, with its environment

    std::set<int> serverPids() const {
        std::set<int> pids;
        for (const auto& server : m_servers) {
            const int pid = static_cast<int>(server->process().processId());
            pids.insert(pid);
            pids.merge(descendants(pid));
        }
        return pids;
    }

    // The daemon's instances: this process's descendants that the test did not start itself.
    std::set<int> instancePids() const {
        std::set<int> pids = descendants(static_cast<int>(::getpid()));
        for (const int pid : serverPids())
            pids.erase(pid);
        return pids;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // Secrets of the kind a user's shell holds; nothing the daemon starts may inherit them.
        qputenv("AWS_SECRET_ACCESS_KEY", kSecretValue);
        qputenv("FAASWB_TEST_SECRET", kSecretValue);
        auto otlp = platform::OtlpReceiver::start("127.0.0.1:0");
        QVERIFY2(otlp.ok(), otlp.ok() ? "" : otlp.error().message.c_str());
        m_otlp = std::move(*otlp);
        auto options = testDaemonOptions(m_dir.path() + "/state");
        options.spanExportUrl = "http://" + m_otlp->address() + "/api/v2/spans";
        options.supervisor.terminationGrace = 1000ms;
        auto daemon = localplatform::LocalPlatformDaemon::start(std::move(options));
        QVERIFY2(daemon.ok(), daemon.ok() ? "" : daemon.error().message.c_str());
        m_daemon = std::move(*daemon);
        auto client = kube::KubeClient::fromKubeconfig(m_daemon->state().kubeconfigPath);
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().message.c_str());
        m_client = std::move(*client);
        QVERIFY(!deployServiceAndWait(*m_client, noopService("noop-cpp", "cpp")).is_null());
        QVERIFY(!deployServiceAndWait(*m_client, noopService("noop-python", "python")).is_null());

        auto target = ServerProcess::start(binaryPath(QStringLiteral("faaswb-target")), {"--port", "0"});
        QVERIFY(target);
        m_servers.push_back(std::move(target));
        for (const QString& language : {QStringLiteral("cpp"), QStringLiteral("python"), QStringLiteral("nodejs")}) {
            const WrapperCommand command = wrapperCommand(language, QStringLiteral("000.noop"));
            if (!command.missing.isEmpty()) {
                qWarning("%s wrapper not checked: %s", qPrintable(language), qPrintable(command.missing));
                continue;
            }
            auto wrapper = ServerProcess::start(command.program, command.args, wrapperEnvironment());
            QVERIFY2(wrapper, qPrintable(language));
            m_servers.push_back(std::move(wrapper));
        }
    }

    void cleanupTestCase() {
        m_servers.clear();
        m_client.reset();
        if (m_daemon)
            m_daemon->stop();
        qunsetenv("AWS_SECRET_ACCESS_KEY");
        qunsetenv("FAASWB_TEST_SECRET");
    }

    // The decoder is what tells loopback from everything else, so it is checked on rows of both kinds.
    void decodesProcAddresses() {
        QCOMPARE(decodeProcAddress("0100007F"), std::string("127.0.0.1"));
        QCOMPARE(decodeProcAddress("00000000"), std::string("0.0.0.0"));
        QCOMPARE(decodeProcAddress("0101A8C0"), std::string("192.168.1.1"));
        QCOMPARE(decodeProcAddress("00000000000000000000000001000000"), std::string("::1"));
        QCOMPARE(decodeProcAddress("00000000000000000000000000000000"), std::string("::"));
        QCOMPARE(decodeProcAddress("0000000000000000FFFF00000100007F"), std::string("::ffff:127.0.0.1"));
        QVERIFY(isLoopback("127.0.0.1") && isLoopback("::1") && isLoopback("::ffff:127.0.0.1"));
        QVERIFY(!isLoopback("0.0.0.0") && !isLoopback("::") && !isLoopback("192.168.1.1"));
    }

    void everyListenerIsOnLoopback() {
        const int self = static_cast<int>(::getpid());
        std::map<std::string, int> owner; // socket inode -> pid
        std::set<int> pids = descendants(self);
        pids.insert(self);
        for (const int pid : pids)
            for (const std::string& inode : socketInodes(pid))
                owner.emplace(inode, pid);
        const std::set<int> instances = instancePids();

        std::set<unsigned> ours;
        int instanceListeners = 0;
        for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"})
            for (const Listener& listener : listeners(table)) {
                const auto found = owner.find(listener.inode);
                if (found == owner.end())
                    continue;
                ours.insert(listener.port);
                instanceListeners += instances.contains(found->second) ? 1 : 0;
                const std::string where = readProcFile(found->second, "comm");
                QVERIFY2(isLoopback(listener.address), qPrintable(QStringLiteral("pid %1 (%2) listens on %3:%4")
                                                                      .arg(found->second)
                                                                      .arg(QString::fromStdString(where).trimmed())
                                                                      .arg(QString::fromStdString(listener.address))
                                                                      .arg(listener.port)));
            }
        // Not vacuous: every server the test started is among the listeners found.
        const auto& state = m_daemon->state();
        std::vector<unsigned> expected{state.apiPort, state.apiTlsPort, state.ingressPort, state.brokerPort};
        const std::string otlp = m_otlp->address();
        expected.push_back(static_cast<unsigned>(std::stoul(otlp.substr(otlp.rfind(':') + 1))));
        for (const auto& server : m_servers)
            expected.push_back(static_cast<unsigned>(server->port()));
        for (const unsigned port : expected)
            QVERIFY2(ours.contains(port),
                     qPrintable(QStringLiteral("port %1 not found among our listeners").arg(port)));
        QVERIFY2(instanceListeners >= 2, qPrintable(QStringLiteral("%1 instance listeners").arg(instanceListeners)));
    }

    void instancesSeeNoParentSecrets() {
        const std::set<int> instances = instancePids();
        QVERIFY2(instances.size() >= 2, qPrintable(QStringLiteral("%1 instances").arg(instances.size())));
        for (const int pid : instances) {
            const std::string environment = readProcFile(pid, "environ");
            QVERIFY2(!environment.empty(), qPrintable(QStringLiteral("pid %1: no environment read").arg(pid)));
            QVERIFY2(environment.find("PORT=") != std::string::npos, qPrintable(QStringLiteral("pid %1").arg(pid)));
            for (const char* leak : {"AWS_SECRET_ACCESS_KEY=", "FAASWB_TEST_SECRET=", kSecretValue})
                QVERIFY2(environment.find(leak) == std::string::npos,
                         qPrintable(QStringLiteral("pid %1 has %2 in its environment").arg(pid).arg(leak)));
            QVERIFY(readProcFile(pid, "cmdline").find(kSecretValue) == std::string::npos);
        }
    }

    void imageReferencesCannotEscape_data() {
        QTest::addColumn<QString>("image");
        QTest::addColumn<QString>("message");
        QTest::addRow("dot-dot id") << "local/../../etc:python"
                                    << "must be a folder name";
        QTest::addRow("dot-dot id alone") << "local/..:cpp"
                                          << "must be a folder name";
        QTest::addRow("dot-dot language") << "local/000.noop:../../../bin/sh"
                                          << "must be one of";
        QTest::addRow("absolute id") << "local//etc/passwd:cpp"
                                     << "must be a folder name";
        QTest::addRow("relative path image") << "local-pathetc:python"
                                             << "is not a local image";
        QTest::addRow("dot-dot path image") << "local-path/tmp/../etc:python"
                                            << "expected local-path<absolute";
    }

    void imageReferencesCannotEscape() {
        QFETCH(QString, image);
        QFETCH(QString, message);
        kube::KnativeServiceSpec spec;
        spec.name = "escape";
        spec.image = image.toStdString();
        const auto created = m_client->create(kube::knativeServicesPath("default"), kube::knativeService(spec));
        QVERIFY(!created.ok());
        QCOMPARE(created.status().httpCode, 422);
        QVERIFY2(created.status().message.find(message.toStdString()) != std::string::npos,
                 created.status().message.c_str());
    }

    // A SeBS directory is the user's own, but its function file must not be a symlink out of it.
    void symlinkOutOfSebsDirectoryIsRefused() {
        const fs::path base = m_dir.path().toStdString();
        const fs::path sebs = base / "sebs" / "999.escape";
        fs::create_directories(sebs / "python");
        std::ofstream(sebs / "config.json") << R"({"timeout": 10, "memory": 128, "languages": ["python"]})";
        std::ofstream(base / "outside.py") << "def handler(event):\n    return {}\n";
        fs::create_symlink(base / "outside.py", sebs / "python" / "function.py");
        kube::KnativeServiceSpec spec;
        spec.name = "escape-link";
        spec.image = "local-path" + sebs.string() + ":python";
        const auto created = m_client->create(kube::knativeServicesPath("default"), kube::knativeService(spec));
        QVERIFY(!created.ok());
        QCOMPARE(created.status().httpCode, 422);
        QVERIFY2(created.status().message.find("outside") != std::string::npos, created.status().message.c_str());
    }

    // HOST (wrappers) is the explicit choice to bind elsewhere; 127.0.0.2 stays on this machine but is not the
    // default, so it must draw the warning without exposing anything. The default draws none.
    void bindingElsewhereWarns() {
        for (const QString& language : {QStringLiteral("cpp"), QStringLiteral("python"), QStringLiteral("nodejs")}) {
            const WrapperCommand command = wrapperCommand(language, QStringLiteral("000.noop"));
            if (!command.missing.isEmpty())
                continue;
            const QString elsewhere = stderrOfServer(command, {{QStringLiteral("HOST"), QStringLiteral("127.0.0.2")}});
            QVERIFY2(elsewhere.contains(QLatin1String("warning: HOST=127.0.0.2")),
                     qPrintable(language + ": " + elsewhere));
            const QString byDefault = stderrOfServer(command, {});
            QVERIFY2(!byDefault.contains(QLatin1String("warning")), qPrintable(language + ": " + byDefault));
        }
    }

    void localPlatformBindWarns() {
        QProcess process;
        process.start(binaryPath(QStringLiteral("faas-workbench")),
                      {"local-platform", "--bind", "127.0.0.2", "--state-dir", m_dir.path() + "/bound"});
        QVERIFY(process.waitForStarted());
        process.setReadChannel(QProcess::StandardError);
        QString errors;
        QDeadlineTimer deadline(20s);
        while (!errors.contains(QLatin1String("warning")) && !deadline.hasExpired() &&
               process.state() == QProcess::Running) {
            process.waitForReadyRead(200);
            errors += QString::fromUtf8(process.readAllStandardError());
        }
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            QVERIFY(process.waitForFinished(10000));
        }
        errors += QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(errors.contains(QLatin1String("warning: listening on 127.0.0.2")), qPrintable(errors));
    }
};

QTEST_GUILESS_MAIN(TestSecurityListeners)
#include "tst_security_listeners.moc"
