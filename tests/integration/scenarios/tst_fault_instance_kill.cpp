// A function instance SIGKILLed while the engine drives load through the local platform: the failed requests are
// counted by kind, the instance is replaced, the run completes, and the intervals before and after are stored.
#include "engine/runner.h"
#include "kube/client.h"
#include "kube/knative.h"
#include "kube_waits.h"
#include "localplatform/daemon.h"
#include "results/result_store.h"
#include "results/results_writer.h"
#include "scenario_run.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <csignal>
#include <set>

using namespace faaswb;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// Pid of every pod that is ready, by pod name.
std::map<std::string, int> readyInstances(const kube::KubeClient& client) {
    std::map<std::string, int> pids;
    auto pods = client.list("/api/v1/namespaces/default/pods");
    if (!pods.ok())
        return pids;
    for (const json& pod : (*pods)["items"]) {
        const json& status = pod["status"];
        const bool ready = status.contains("containerStatuses") && !status["containerStatuses"].empty() &&
                           status["containerStatuses"][0].value("ready", false);
        if (ready && status.contains("faaswb") && status["faaswb"].contains("pid"))
            pids[pod["metadata"]["name"].get<std::string>()] = status["faaswb"]["pid"].get<int>();
    }
    return pids;
}

std::uint64_t errorsOf(const load::LoadSummary& summary, load::ErrorKind kind) {
    return summary.errorsByKind[static_cast<std::size_t>(kind)];
}

QString kindsText(const load::LoadSummary& summary) {
    QStringList parts;
    for (int kind = 1; kind < load::kErrorKindCount; ++kind)
        if (summary.errorsByKind[kind] > 0)
            parts << QStringLiteral("%1=%2")
                         .arg(load::errorKindName(static_cast<load::ErrorKind>(kind)))
                         .arg(summary.errorsByKind[kind]);
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestFaultInstanceKill : public QObject {
    Q_OBJECT
private slots:
    void killedInstanceUnderLoad() {
        QTemporaryDir state;
        QTemporaryDir data;
        QVERIFY(state.isValid() && data.isValid());
        // 200 ms requests at 40/s keep about eight in flight over the two instances, so the kill catches some.
        const auto experiment =
            test::experimentFromText("name: fault-instance-kill\nplatform: local\nplatforms:\n  local: {type: local}\n"
                                     "benchmarks:\n  - {id: 010.sleep, languages: [cpp], input: {ms: 200},\n"
                                     "     autoscaling: {minScale: 2, maxScale: 2}}\n"
                                     "scenarios:\n  - {name: kill, type: warm-latency, rate: 40, duration: 7s}\n",
                                     "fault-instance-kill.yaml");
        auto platform = test::startLocalPlatform(experiment, state.path());
        QVERIFY2(platform, platform ? "" : platform.error().message.c_str());
        auto client = test::localDaemonClient(state.path());
        QVERIFY(client);

        const std::string dbPath = data.filePath(QStringLiteral("results.db")).toStdString();
        test::BackgroundRun run(experiment, **platform, dbPath);
        const test::MeasuredIntervals& log = run.intervals();
        results::ResultsWriter& writer = run.writer();

        // Two measured seconds with both instances serving, then the kill.
        QVERIFY2(QTest::qWaitFor([&] { return log.measured().size() >= 2; }, 30000), "the load never started");
        std::map<std::string, int> before;
        QVERIFY2(QTest::qWaitFor([&] { return (before = readyInstances(*client)).size() == 2; }, 10000),
                 "minScale 2 never had two ready instances");
        const int victimPid = before.begin()->second;
        const std::size_t intervalsAtKill = log.measured().size();
        QCOMPARE(::kill(victimPid, SIGKILL), 0);

        // The replacement: two ready instances again, none of them the killed process.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         const auto now = readyInstances(*client);
                         return now.size() == 2 && std::none_of(now.begin(), now.end(), [&](const auto& entry) {
                                    return entry.second == victimPid;
                                });
                     },
                     15000),
                 "the killed instance was not replaced");
        auto finished = run.finish(25s);
        QVERIFY2(finished, "the run hung after the kill");
        const auto results = std::move(*finished);
        QCOMPARE(results.size(), std::size_t(1));
        const auto& result = results[0];
        QVERIFY2(result.status == engine::RunStatus::Complete, result.message.c_str());
        QVERIFY(result.summary);
        const auto& summary = *result.summary;
        qInfo("requests %llu, errors %llu: %s", static_cast<unsigned long long>(summary.requests),
              static_cast<unsigned long long>(summary.errors), qPrintable(kindsText(summary)));
        // The kill shows as failed requests, each of a named kind (no "other"), and only a few of them.
        QVERIFY2(summary.errors >= 1, "killing a busy instance failed no request");
        std::uint64_t byKind = 0;
        for (int kind = 1; kind < load::kErrorKindCount; ++kind)
            byKind += summary.errorsByKind[kind];
        QCOMPARE(byKind, summary.errors);
        QCOMPARE(errorsOf(summary, load::ErrorKind::Other), std::uint64_t(0));
        QVERIFY2(summary.errors * 5 < summary.requests, qPrintable(kindsText(summary)));

        // Before the kill nothing failed; the last measured intervals are served again.
        const auto intervals = log.measured();
        QVERIFY(intervals.size() >= intervalsAtKill + 2);
        for (std::size_t i = 0; i + 1 < intervalsAtKill; ++i)
            QCOMPARE(intervals[i].errors, std::uint64_t(0));
        const auto& last = intervals.back();
        QVERIFY2(last.requests > last.errors, "no request succeeded after the replacement");

        // What the run produced is in the database: status, every interval and the error count.
        QVERIFY(writer.flush());
        const auto runId = writer.runIdForCell(results[0].cell);
        QVERIFY(runId);
        auto store = results::ResultStore::open(dbPath, true);
        QVERIFY(store);
        const auto row = store->runRow(*runId);
        QVERIFY(row);
        QCOMPARE(row->status, engine::RunStatus::Complete);
        QCOMPARE(row->errors, summary.errors);
        const auto stored = store->intervals(*runId);
        QVERIFY(stored);
        std::size_t storedMeasured = 0;
        for (const auto& interval : *stored)
            storedMeasured += interval.warmup ? 0 : 1;
        QCOMPARE(storedMeasured, intervals.size());

        // The platform takes every instance with it.
        const auto after = readyInstances(*client);
        platform->reset();
        QVERIFY(test::processGone(victimPid));
        for (const auto& [pod, pid] : after)
            QVERIFY2(test::processGone(pid), qPrintable(QStringLiteral("instance pid %1 survived").arg(pid)));
    }
};

QTEST_GUILESS_MAIN(TestFaultInstanceKill)
#include "tst_fault_instance_kill.moc"
