// The platform going away mid-run: an experiment points at a `faas-workbench local-platform` daemon of its own
// (stateDir), the test SIGKILLs that daemon while the engine drives load, and the run must end as failed with
// "platform lost: ..." within a bounded time, its intervals up to the loss stored. A daemon restarted on the same
// state dir starts clean, and no process of the old daemon's instances is left.
#include "engine/runner.h"
#include "kube/client.h"
#include "kube_waits.h"
#include "localplatform/daemon.h"
#include "platform/local_platform.h"
#include "results/result_store.h"
#include "results/results_writer.h"
#include "scenario_run.h"
#include "testutils.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <csignal>
#include <set>

using namespace faaswb;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::unique_ptr<test::ServerProcess> startDaemon(const QString& stateDir) {
    return test::ServerProcess::start(test::binaryPath(QStringLiteral("faas-workbench")),
                                      {QStringLiteral("local-platform"), QStringLiteral("--state-dir"), stateDir});
}

// One benchmark and one scenario (flow-style YAML) on the daemon of `stateDir`.
model::Experiment experimentOnDaemon(const QString& stateDir, const std::string& name, const std::string& benchmark,
                                     const std::string& scenario) {
    return test::experimentFromText(
        "name: " + name + "\nplatform: local\nplatforms:\n  local: {type: local, stateDir: '" + stateDir.toStdString() +
            "'}\nbenchmarks:\n  - " + benchmark + "\nscenarios:\n  - " + scenario + "\n",
        name + ".yaml");
}

std::set<int> instancePids(const kube::KubeClient& client) {
    std::set<int> pids;
    auto pods = client.list("/api/v1/namespaces/default/pods");
    if (!pods.ok())
        return pids;
    for (const json& pod : (*pods)["items"])
        if (pod["status"].contains("faaswb") && pod["status"]["faaswb"].contains("pid"))
            pids.insert(pod["status"]["faaswb"]["pid"].get<int>());
    return pids;
}

// A `sleep` alone in a process group whose leader (a shell) has exited; the group is appended to `groupsFile` as
// "PGID STARTTIME" (the start time is not checked once the leader is gone). Returns the sleep's pid, 0 on failure.
int startLeftoverGroup(const QString& groupsFile) {
    QProcess shell;
    shell.setChildProcessModifier([] { ::setpgid(0, 0); });
    shell.start(QStringLiteral("/bin/sh"),
                {QStringLiteral("-c"), QStringLiteral("sleep 60 >/dev/null 2>&1 & echo $$ $!")});
    if (!shell.waitForFinished(5000))
        return 0;
    const QList<QByteArray> pids = shell.readAllStandardOutput().trimmed().split(' ');
    const int pgid = pids.value(0).toInt();
    const int child = pids.value(1).toInt();
    QFile file(groupsFile);
    if (child > 0 && pgid > 0 && file.open(QIODevice::Append) && file.write(QByteArray::number(pgid) + " 0\n") > 0)
        return child;
    if (child > 0)
        ::kill(child, SIGKILL);
    return 0;
}

} // namespace

class TestFaultPlatformLost : public QObject {
    Q_OBJECT
private slots:
    void daemonKilledMidRun() {
        QTemporaryDir state;
        QTemporaryDir data;
        QVERIFY(state.isValid() && data.isValid());
        auto daemon = startDaemon(state.path());
        QVERIFY(daemon);
        const auto experiment =
            experimentOnDaemon(state.path(), "fault-platform-lost",
                               "{id: 010.sleep, languages: [cpp], input: {ms: 20}, autoscaling: {minScale: 1}}",
                               "{name: lost, type: warm-latency, rate: 50, duration: 20s}");
        auto platform = platform::createLocalPlatform(*experiment.findPlatform("local"));
        QVERIFY2(platform, platform ? "" : platform.error().message.c_str());
        auto client = test::localDaemonClient(state.path());
        QVERIFY(client);

        const std::string dbPath = data.filePath(QStringLiteral("results.db")).toStdString();
        test::BackgroundRun run(experiment, **platform, dbPath);
        const test::MeasuredIntervals& log = run.intervals();
        results::ResultsWriter& writer = run.writer();

        QVERIFY2(QTest::qWaitFor([&] { return log.measured().size() >= 2; }, 30000), "the load never started");
        const std::set<int> instances = instancePids(*client);
        QVERIFY(!instances.empty());
        ::kill(static_cast<pid_t>(daemon->process().processId()), SIGKILL);
        QVERIFY(daemon->process().waitForFinished(5000));
        const auto lostAt = std::chrono::steady_clock::now();
        const std::size_t intervalsAtLoss = log.measured().size();

        // Well before the 20 s the run was planned for: detection within an interval, then no waiting on the dead
        // platform (span collection and teardown are skipped).
        auto finished = run.finish(10s);
        QVERIFY2(finished, "the run hung after the platform was lost");
        const auto stoppedAfter = std::chrono::steady_clock::now() - lostAt;
        const auto results = std::move(*finished);
        qInfo("run ended %lld ms after the daemon was killed", static_cast<long long>(stoppedAfter / 1ms));
        QVERIFY2(stoppedAfter < 5s, qPrintable(QString::number(stoppedAfter / 1ms)));
        QCOMPARE(results.size(), std::size_t(1));
        const auto& result = results[0];
        QCOMPARE(result.status, engine::RunStatus::Failed);
        QVERIFY2(result.message.rfind("platform lost: ", 0) == 0, result.message.c_str());
        QCOMPARE(engine::exitCodeFor(results), static_cast<int>(ErrorCode::Platform));
        const auto measured = log.measured();
        QVERIFY(measured.size() >= intervalsAtLoss);
        QVERIFY(measured.size() <= intervalsAtLoss + 2); // at most the interval the loss fell in, and a partial one

        // The partial data is stored with the failure.
        QVERIFY(writer.flush());
        const auto runId = writer.runIdForCell(result.cell);
        QVERIFY(runId);
        auto store = results::ResultStore::open(dbPath, true);
        QVERIFY(store);
        const auto row = store->runRow(*runId);
        QVERIFY(row);
        QCOMPARE(row->status, engine::RunStatus::Failed);
        QVERIFY2(row->message.find("platform lost") != std::string::npos, row->message.c_str());
        const auto stored = store->intervals(*runId);
        QVERIFY(stored);
        std::size_t storedMeasured = 0;
        std::uint64_t storedRequests = 0;
        for (const auto& interval : *stored) {
            storedMeasured += interval.warmup ? 0 : 1;
            storedRequests += interval.warmup ? 0 : interval.requests - interval.errors;
        }
        QCOMPARE(storedMeasured, measured.size());
        QVERIFY(storedRequests > 0);
        platform->reset();

        // PDEATHSIG ends the instances with their daemon, but not what they started: a stand-in for such a child is a
        // process left in a group whose leader is gone, listed in the groups file as the supervisor lists its
        // instances. The restarted daemon must end it.
        const int leftover = startLeftoverGroup(state.filePath(QStringLiteral("instance-groups")));
        QVERIFY(leftover > 0);
        QVERIFY(!test::processGone(leftover));

        // A new daemon on the same state dir (its stale state.json names a dead pid) starts with no instances, and
        // none of the old daemon's instance processes is left.
        auto restarted = startDaemon(state.path());
        QVERIFY(restarted);
        auto newState = localplatform::readDaemonState(state.path().toStdString());
        QVERIFY(newState);
        QCOMPARE(newState->pid, static_cast<int>(restarted->process().processId()));
        auto newClient = kube::KubeClient::fromKubeconfig(newState->kubeconfigPath);
        QVERIFY(newClient);
        QVERIFY(instancePids(*newClient).empty());
        const bool allGone = QTest::qWaitFor(
            [&] {
                return std::all_of(instances.begin(), instances.end(), [](int pid) { return test::processGone(pid); });
            },
            5000);
        const bool leftoverGone = QTest::qWaitFor([&] { return test::processGone(leftover); }, 5000);
        for (int pid : instances) // a failed test must not leak them either
            if (!test::processGone(pid))
                ::kill(pid, SIGKILL);
        if (!leftoverGone)
            ::kill(leftover, SIGKILL);
        QVERIFY2(allGone, "an instance of the killed daemon survived");
        QVERIFY2(leftoverGone, "the restarted daemon left an old instance's child running");
    }

    // A daemon that stays stopped (SIGSTOP) answers nothing: after 5 s the run ends as "platform lost", instead of
    // timing out request after request until its planned end.
    void daemonStoppedMidRun() {
        QTemporaryDir state;
        QTemporaryDir data;
        QVERIFY(state.isValid() && data.isValid());
        auto daemon = startDaemon(state.path());
        QVERIFY(daemon);
        const auto experiment = experimentOnDaemon(state.path(), "fault-platform-stopped",
                                                   "{id: 000.noop, languages: [cpp], autoscaling: {minScale: 1}}",
                                                   "{name: stopped, type: warm-latency, rate: 20, duration: 40s}");
        auto platform = platform::createLocalPlatform(*experiment.findPlatform("local"));
        QVERIFY2(platform, platform ? "" : platform.error().message.c_str());
        test::BackgroundRun run(experiment, **platform, data.filePath(QStringLiteral("results.db")).toStdString());
        QVERIFY2(QTest::qWaitFor([&] { return run.intervals().measured().size() >= 2; }, 30000),
                 "the load never started");
        const auto daemonPid = static_cast<pid_t>(daemon->process().processId());
        ::kill(daemonPid, SIGSTOP);
        const auto stoppedAt = std::chrono::steady_clock::now();
        auto finished = run.finish(20s);
        const auto endedAfter = std::chrono::steady_clock::now() - stoppedAt;
        ::kill(daemonPid, SIGCONT); // the fixture's clean-up (SIGTERM) needs it running
        QVERIFY2(finished, "the run hung on the stopped platform");
        qInfo("run ended %lld ms after the daemon was stopped", static_cast<long long>(endedAfter / 1ms));
        QVERIFY2(endedAfter >= 5s && endedAfter < 12s, qPrintable(QString::number(endedAfter / 1ms)));
        QCOMPARE(finished->size(), std::size_t(1));
        const auto& result = finished->front();
        QCOMPARE(result.status, engine::RunStatus::Failed);
        QVERIFY2(result.message.rfind("platform lost: ", 0) == 0 && result.message.find("stopped") != std::string::npos,
                 result.message.c_str());
        platform->reset();
    }
};

QTEST_GUILESS_MAIN(TestFaultPlatformLost)
#include "tst_fault_platform_lost.moc"
