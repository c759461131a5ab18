// The Supervisor against real processes: the C++ and Python wrappers become ready and serve, crashes are reported
// and restarted, terminate() escalates to SIGKILL, exec failures and bad starts are reported with their reason, the
// child gets a minimal environment and no stray fds, and no instance outlives a SIGKILLed supervisor.
#include "localplatform/http_server.h"
#include "localplatform/supervisor.h"
#include "testutils.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <unistd.h>

using namespace faaswb;
using namespace faaswb::localplatform;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Event {
    std::string kind; // ready, crashed, gone, failed
    std::string name;
    std::string reason;
    std::uint16_t port = 0;
    double startupMs = 0;
    int restarts = 0;
};

class Recorder : public SupervisorListener {
public:
    std::vector<Event> events;
    void onInstanceReady(const std::string& name, std::uint16_t port, double startupMs) override {
        events.push_back({"ready", name, {}, port, startupMs, 0});
    }
    void onInstanceCrashed(const std::string& name, const std::string& reason, int restarts) override {
        events.push_back({"crashed", name, reason, 0, 0, restarts});
    }
    void onInstanceGone(const std::string& name) override { events.push_back({"gone", name, {}, 0, 0, 0}); }
    void onInstanceFailed(const std::string& name, const std::string& reason) override {
        events.push_back({"failed", name, reason, 0, 0, 0});
    }
    std::size_t count(const std::string& kind) const {
        return static_cast<std::size_t>(
            std::count_if(events.begin(), events.end(), [&](const Event& event) { return event.kind == kind; }));
    }
    const Event* last(const std::string& kind) const {
        for (auto it = events.rbegin(); it != events.rend(); ++it)
            if (it->kind == kind)
                return &*it;
        return nullptr;
    }
};

bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    while (!done() && Clock::now() < end) {
        if (io.stopped())
            io.restart();
        io.run_for(10ms);
    }
    return done();
}

// Gone, or a zombie nobody reaped yet (e.g. a container's init that does not reap): either way not running.
bool processGone(int pid) {
    if (::kill(pid, 0) != 0)
        return errno == ESRCH;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const auto close = text.rfind(')');
    return close != std::string::npos && text.size() > close + 2 && text[close + 2] == 'Z';
}

bool waitGone(int pid, std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    while (!processGone(pid) && Clock::now() < end)
        QTest::qWait(10);
    return processGone(pid);
}

InstanceCommand shell(const std::string& script) {
    return {"/bin/sh", {"-c", script}};
}

InstanceCommand cppNoop() {
    return {faaswb::test::binaryPath(QStringLiteral("faaswb-function-host")).toStdString(), {"000.noop"}};
}

std::string binDir() {
    return faaswb::test::binaryPath(QString()).toStdString();
}
std::string benchmarks() {
    return faaswb::test::sourcePath(QStringLiteral("benchmarks")).toStdString();
}

std::string readFile(const std::string& path) {
    std::ifstream file(path);
    return std::string((std::istreambuf_iterator<char>(file)), {});
}

struct Harness {
    explicit Harness(SupervisorOptions options = {})
        : supervisor(io, client, recorder, options) {}
    boost::asio::io_context io;
    HttpClient client{io};
    Recorder recorder;
    Supervisor supervisor;

    bool waitFor(const std::string& kind, std::size_t count = 1, std::chrono::milliseconds timeout = 15s) {
        return runUntil(
            io, [&] { return recorder.count(kind) >= count; }, timeout);
    }
    ClientResponse post(std::uint16_t port, const std::string& body) {
        HttpRequest request;
        request.method = "POST";
        request.target = "/";
        request.path = "/";
        request.headers = {{"Content-Type", "application/json"}};
        request.body = body;
        std::optional<ClientResponse> answer;
        client.send("127.0.0.1", port, request, 5000ms, [&](ClientResponse response) { answer = response; });
        runUntil(
            io, [&] { return answer.has_value(); }, 10s);
        return answer.value_or(ClientResponse{ClientErrorKind::Timeout, "no answer", 0, {}, {}});
    }
};

} // namespace

class TestSupervisor : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_logs;
    std::string log(const std::string& name) { return (m_logs.path() + QLatin1Char('/')).toStdString() + name; }

    void requirePython(InstanceCommand& command) {
        auto resolved = resolveLocalImage("local/000.noop:python", benchmarks(), binDir());
        if (!resolved && resolved.error().message.find("runtime not installed") != std::string::npos)
            QSKIP(resolved.error().message.c_str());
        QVERIFY2(resolved.ok(), resolved.ok() ? "" : resolved.error().message.c_str());
        command = *resolved;
    }

    // Starts, waits for ready and checks that the instance answers a POST.
    void startAndServe(Harness& harness, const std::string& name, const InstanceCommand& command) {
        QVERIFY(harness.supervisor.start({name, command, {}, log(name)}).ok());
        QVERIFY2(harness.waitFor("ready"),
                 harness.recorder.events.empty() ? "no event" : harness.recorder.events.back().reason.c_str());
        const Event* ready = harness.recorder.last("ready");
        QCOMPARE(ready->name, name);
        QVERIFY(ready->port > 0);
        QVERIFY(ready->startupMs > 0);
        qInfo("%s: spawn -> ready %.1f ms", name.c_str(), ready->startupMs);
        const ClientResponse response = harness.post(ready->port, "{}");
        QVERIFY2(response.ok(), response.errorMessage.c_str());
        QCOMPARE(response.status, 200);
        QVERIFY2(response.body.find("\"result\"") != std::string::npos, response.body.c_str());
    }

private slots:
    void initTestCase() { QVERIFY(m_logs.isValid()); }

    void cppReadyAndServes() {
        Harness harness;
        startAndServe(harness, "cpp-noop", cppNoop());
        QCOMPARE(harness.supervisor.size(), std::size_t(1));
        QCOMPARE(harness.supervisor.restartCount("cpp-noop"), 0);
    }

    void pythonReadyAndServes() {
        InstanceCommand python;
        requirePython(python);
        Harness harness;
        startAndServe(harness, "python-noop", python);
    }

    void coldStartFigures() {
        std::vector<std::pair<std::string, InstanceCommand>> commands{{"cpp", cppNoop()}};
        if (const auto python = resolveLocalImage("local/000.noop:python", benchmarks(), binDir()))
            commands.emplace_back("python", *python);
        for (const auto& [label, command] : commands) {
            std::vector<double> figures;
            for (int round = 0; round < 5; ++round) {
                Harness harness;
                QVERIFY(harness.supervisor.start({"cold", command, {}, log("cold")}).ok());
                QVERIFY(harness.waitFor("ready"));
                figures.push_back(harness.recorder.last("ready")->startupMs);
            }
            std::sort(figures.begin(), figures.end());
            qInfo("%s 000.noop spawn -> ready over 5 starts: min %.1f ms, median %.1f ms, max %.1f ms", label.c_str(),
                  figures.front(), figures[2], figures.back());
        }
    }

    void crashIsRestarted_data() {
        QTest::addColumn<bool>("pidfd");
        QTest::addRow("pidfd") << true;
        QTest::addRow("polling waitpid") << false;
    }
    void crashIsRestarted() {
        QFETCH(bool, pidfd);
        SupervisorOptions options;
        options.useExitPidfd = pidfd;
        Harness harness(options);
        startAndServe(harness, "crashy", cppNoop());
        const int first = harness.supervisor.pid("crashy").value_or(-1);
        QVERIFY(first > 0);
        QCOMPARE(::kill(first, SIGKILL), 0);
        QVERIFY(harness.waitFor("crashed"));
        const Event* crashed = harness.recorder.last("crashed");
        QVERIFY2(crashed->reason.find("killed by signal 9") != std::string::npos, crashed->reason.c_str());
        QCOMPARE(crashed->restarts, 0); // restarts so far
        QCOMPARE(harness.supervisor.restartCount("crashy"), 1);
        QVERIFY(harness.waitFor("ready", 2));
        QCOMPARE(harness.recorder.events.back().kind, std::string("ready"));
        QCOMPARE(harness.supervisor.restartCount("crashy"), 1);
        const int second = harness.supervisor.pid("crashy").value_or(-1);
        QVERIFY(second > 0 && second != first);
        const ClientResponse response = harness.post(harness.recorder.last("ready")->port, "{}");
        QCOMPARE(response.status, 200);
    }

    void terminateEndsTheProcess_data() { crashIsRestarted_data(); }
    void terminateEndsTheProcess() {
        QFETCH(bool, pidfd);
        SupervisorOptions options;
        options.useExitPidfd = pidfd;
        Harness harness(options);
        startAndServe(harness, "short", cppNoop());
        const int pid = harness.supervisor.pid("short").value_or(-1);
        harness.supervisor.terminate("short");
        QVERIFY(harness.waitFor("gone"));
        QCOMPARE(harness.recorder.last("gone")->name, std::string("short"));
        QCOMPARE(::kill(pid, 0), -1);
        QCOMPARE(errno, ESRCH);
        QCOMPARE(harness.supervisor.size(), std::size_t(0));
        QVERIFY(!harness.supervisor.pid("short"));
        QCOMPARE(harness.recorder.count("crashed"), std::size_t(0));
    }

    void terminateDuringStartup() {
        Harness harness;
        QVERIFY(harness.supervisor
                    .start({"early", shell("sleep 0.2; echo listening on 127.0.0.1:1; sleep 100"), {}, log("early")})
                    .ok());
        const int pid = harness.supervisor.pid("early").value_or(-1);
        harness.supervisor.terminate("early");
        QVERIFY(harness.waitFor("gone"));
        QCOMPARE(harness.recorder.count("ready"), std::size_t(0));
        QVERIFY(processGone(pid));
    }

    void terminateDuringBackoff() {
        Harness harness;
        QVERIFY(harness.supervisor.start({"flappy", shell("exit 1"), {}, log("flappy")}).ok());
        QVERIFY(harness.waitFor("crashed"));
        harness.supervisor.terminate("flappy");
        QVERIFY(harness.waitFor("gone"));
        QCOMPARE(harness.supervisor.size(), std::size_t(0));
    }

    void sigtermIgnoredGetsSigkill() {
        SupervisorOptions options;
        options.terminationGrace = 300ms;
        Harness harness(options);
        // The marker tells us the trap is set before we signal.
        QVERIFY(harness.supervisor
                    .start({"stubborn",
                            shell("trap '' TERM; echo trapped >&2; while :; do sleep 0.05; done"),
                            {},
                            log("stubborn")})
                    .ok());
        QVERIFY(runUntil(
            harness.io, [&] { return readFile(log("stubborn")).find("trapped") != std::string::npos; }, 5s));
        const int pid = harness.supervisor.pid("stubborn").value_or(-1);
        const auto begin = Clock::now();
        harness.supervisor.terminate("stubborn");
        QVERIFY(harness.waitFor("gone", 1, 5s));
        const auto elapsed = Clock::now() - begin;
        QVERIFY2(elapsed >= 300ms, std::to_string(std::chrono::duration<double, std::milli>(elapsed).count()).c_str());
        QVERIFY(processGone(pid));
    }

    void missingProgramFails_data() {
        QTest::addColumn<QString>("program");
        QTest::addRow("absolute") << "/nonexistent/faaswb-program";
        QTest::addRow("on PATH") << "faaswb-no-such-program";
    }
    void missingProgramFails() {
        QFETCH(QString, program);
        Harness harness;
        QVERIFY(harness.supervisor.start({"ghost", {program.toStdString(), {}}, {}, log("ghost")}).ok());
        QVERIFY(harness.waitFor("failed", 1, 5s));
        const std::string reason = harness.recorder.last("failed")->reason;
        QVERIFY2(reason.find(program.toStdString()) != std::string::npos, reason.c_str());
        QVERIFY2(reason.find("No such file or directory") != std::string::npos, reason.c_str());
        QCOMPARE(harness.recorder.count("crashed"), std::size_t(0));
        QCOMPARE(harness.supervisor.size(), std::size_t(0));
    }

    void exitCodeAndGivingUp() {
        SupervisorOptions options;
        options.maxRestarts = 2;
        Harness harness(options);
        QVERIFY(harness.supervisor.start({"three", shell("exit 3"), {}, log("three")}).ok());
        QVERIFY(harness.waitFor("failed", 1, 5s));
        QCOMPARE(harness.recorder.count("crashed"), std::size_t(2));
        QCOMPARE(harness.recorder.events[0].reason, std::string("exited with code 3"));
        QCOMPARE(harness.recorder.events[0].restarts, 0);
        QCOMPARE(harness.recorder.events[1].restarts, 1);
        const std::string reason = harness.recorder.last("failed")->reason;
        QVERIFY2(reason.find("exited with code 3") != std::string::npos, reason.c_str());
        QVERIFY2(reason.find("after 2 restarts") != std::string::npos, reason.c_str());
        QCOMPARE(harness.supervisor.size(), std::size_t(0));
    }

    void notReadyInTime_data() {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("reason");
        QTest::addRow("no port line") << "sleep 100"
                                      << "no 'listening on 127.0.0.1:PORT' line on stdout within 300 ms";
        QTest::addRow("never healthy") << "echo listening on 127.0.0.1:1; sleep 100"
                                       << "GET /healthz did not answer 200 within 300 ms";
        QTest::addRow("wrong first line") << "echo hello world; sleep 100"
                                          << "not 'listening on 127.0.0.1:PORT' but "
                                             "'hello world'";
    }
    void notReadyInTime() {
        QFETCH(QString, script);
        QFETCH(QString, reason);
        SupervisorOptions options;
        options.readinessTimeout = 300ms;
        options.maxRestarts = 0;
        Harness harness(options);
        QVERIFY(harness.supervisor.start({"slow", shell(script.toStdString()), {}, log("slow")}).ok());
        const int pid = harness.supervisor.pid("slow").value_or(-1);
        QVERIFY(harness.waitFor("failed", 1, 5s));
        const QString failed = QString::fromStdString(harness.recorder.last("failed")->reason);
        QVERIFY2(failed.contains(reason), qPrintable(failed));
        QVERIFY(processGone(pid));
    }

    void environmentLogAndDescriptors() {
        qputenv("FAASWB_SUPERVISOR_SECRET", "leaked");
        const int stray = ::open("/dev/null", O_RDONLY); // deliberately without O_CLOEXEC
        QVERIFY(stray > 2);
        Harness harness;
        const std::string script = "echo to-stderr >&2; echo listening on 127.0.0.1:1; echo after-port-line;"
                                   "echo \"env PORT=$PORT FOO=$FOO SECRET=${FAASWB_SUPERVISOR_SECRET-unset}\";"
                                   "if [ -e /proc/$$/fd/" +
                                   std::to_string(stray) +
                                   " ]; then echo stray-open; else echo stray-closed; fi;"
                                   "if read line; then echo stdin-data; else echo stdin-empty; fi; sleep 100";
        QVERIFY(harness.supervisor.start({"env", shell(script), {{"FOO", "bar"}}, log("env")}).ok());
        ::close(stray);
        qunsetenv("FAASWB_SUPERVISOR_SECRET");
        QVERIFY(runUntil(
            harness.io, [&] { return readFile(log("env")).find("stdin-") != std::string::npos; }, 5s));
        harness.supervisor.terminate("env");
        QVERIFY(harness.waitFor("gone"));
        const QString text = QString::fromStdString(readFile(log("env")));
        QVERIFY2(text.contains(QLatin1String("to-stderr")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("after-port-line")), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("listening on")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("env PORT=0 FOO=bar SECRET=unset")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("stray-closed")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("stdin-empty")), qPrintable(text));
    }

    void duplicateNameRejected() {
        Harness harness;
        QVERIFY(harness.supervisor.start({"twin", shell("sleep 100"), {}, log("twin")}).ok());
        const Status second = harness.supervisor.start({"twin", shell("sleep 100"), {}, log("twin")});
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code, ErrorCode::InvalidInput);
        const int pid = harness.supervisor.pid("twin").value_or(-1);
        harness.supervisor.killAll();
        QCOMPARE(harness.supervisor.size(), std::size_t(0));
        QVERIFY(processGone(pid));
    }

    void usageFromProc() {
        Harness harness;
        startAndServe(harness, "measured", cppNoop());
        const auto usage = harness.supervisor.usage("measured");
        QVERIFY(usage.has_value());
        QVERIFY(usage->cpuSeconds >= 0);
        QVERIFY(usage->workingSetBytes > 0);
        QVERIFY(!harness.supervisor.usage("unknown"));
    }

    void destructorKillsInstances() {
        int pid = -1;
        {
            Harness harness;
            startAndServe(harness, "scoped", cppNoop());
            pid = harness.supervisor.pid("scoped").value_or(-1);
        }
        QVERIFY(pid > 0);
        QVERIFY(processGone(pid));
    }

    void noOrphansWhenSupervisorIsKilled() {
        QProcess driver;
        driver.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        driver.start(QStringLiteral(SUPERVISOR_ORPHAN_DRIVER),
                     {QString::fromStdString(binDir()), QString::fromStdString(benchmarks())});
        QVERIFY(driver.waitForStarted(5000));
        QByteArray line;
        while (!line.contains('\n') && driver.waitForReadyRead(20000))
            line += driver.readAll();
        QVERIFY2(line.startsWith("pids "), line.constData());
        std::istringstream fields(line.mid(5).toStdString());
        int first = 0;
        int second = 0;
        fields >> first >> second;
        QVERIFY(first > 0 && second > 0);
        QVERIFY(!processGone(first) && !processGone(second));
        ::kill(static_cast<pid_t>(driver.processId()), SIGKILL);
        QVERIFY(driver.waitForFinished(5000));
        const bool firstGone = waitGone(first, 5000ms);
        const bool secondGone = waitGone(second, 5000ms);
        for (int pid : {first, second}) // survivors must not outlive the failed test either
            if (!processGone(pid))
                ::kill(pid, SIGKILL);
        QVERIFY2(firstGone, "first instance survived its supervisor");
        QVERIFY2(secondGone, "second instance survived its supervisor");
    }
};

QTEST_GUILESS_MAIN(TestSupervisor)
#include "tst_supervisor.moc"
