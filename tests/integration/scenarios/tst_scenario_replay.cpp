// trace-replay end to end on an embedded local platform through engine::Runner: the requests' intended send times
// are the trace's (an Azure per-minute trace placed equidistantly, and a timestamp file), and the scenario's
// metrics are reported.
#include "engine/runner.h"
#include "model/experiment_loader.h"
#include "scenario_run.h"

#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>

using namespace faaswb;
using namespace std::chrono_literals;

namespace {

using Nanos = std::chrono::nanoseconds;

class ReplayObserver final : public engine::RunObserver {
public:
    void onRequests(int cell, std::span<const load::RequestRecord> records) override {
        std::lock_guard lock(m_mutex);
        for (const auto& record : records)
            intended[cell].push_back(Nanos(record.intendedNs));
    }
    std::map<int, std::vector<Nanos>> intended; // per cell, on the cell's timeline

private:
    std::mutex m_mutex;
};

// The times relative to the first one: the drive starts somewhere on the cell's timeline.
std::vector<Nanos> relative(std::vector<Nanos> times) {
    std::sort(times.begin(), times.end());
    const Nanos first = times.empty() ? Nanos{0} : times.front();
    for (Nanos& time : times)
        time -= first;
    return times;
}

void writeFile(const QString& path, const std::string& text) {
    std::ofstream(path.toStdString()) << text;
}

} // namespace

class TestScenarioReplay : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_state.isValid() && m_files.isValid()); }

    // Two trace minutes (4 and 2 invocations) at timeScale 60 placed equidistantly: 0, 250, 500, 750 ms, then
    // 1000 and 1500 ms. The timestamp file's times stand as written (timeScale 2 halves them).
    void replaysTheTracesTimes() {
        writeFile(m_files.filePath(QStringLiteral("azure.csv")), "HashOwner,HashApp,HashFunction,Trigger,1,2,3\n"
                                                                 "o,a,other,http,9,9,9\n"
                                                                 "o,a,mine,http,4,2,50\n");
        writeFile(m_files.filePath(QStringLiteral("times.csv")), "timestamp\n0\n0.2\n0.2\n0.9\n1.6\n");
        const std::string yaml = "name: replay\nplatform: local\nplatforms:\n  local: {type: local}\n"
                                 "benchmarks:\n  - {id: 000.noop, languages: [cpp]}\n"
                                 "scenarios:\n"
                                 "  - name: azure\n    type: trace-replay\n"
                                 "    trace: {file: azure.csv, function: mine, minutes: 2, timeScale: 60}\n"
                                 "    distribution: equidistant\n"
                                 "  - name: stamps\n    type: trace-replay\n"
                                 "    trace: {file: times.csv, format: timestamps, timeScale: 2}\n";
        const QString experimentFile = m_files.filePath(QStringLiteral("replay.yaml"));
        writeFile(experimentFile, yaml);
        auto loaded = model::loadExperimentFile(experimentFile.toStdString());
        for (const auto& issue : loaded.issues)
            qWarning("%s", issue.format().c_str());
        QVERIFY(loaded.experiment);

        auto platform = test::startLocalPlatform(*loaded.experiment, m_state.path());
        QVERIFY2(platform, platform ? "" : platform.error().message.c_str());
        ReplayObserver observer;
        engine::Runner runner(*loaded.experiment, **platform);
        runner.addObserver(&observer);
        CancellationToken cancel;
        const auto results = runner.run(cancel);
        QCOMPARE(results.size(), std::size_t(2));
        for (const auto& result : results)
            QVERIFY2(result.status == engine::RunStatus::Complete, result.message.c_str());

        const std::vector<Nanos> azureTimes{0ms, 250ms, 500ms, 750ms, 1000ms, 1500ms};
        QCOMPARE(relative(observer.intended[results[0].cell]), azureTimes);
        QCOMPARE(test::metricValue(results[0], "arrivals_scheduled"), std::optional<double>(6));
        QCOMPARE(test::metricValue(results[0], "replayed_seconds"), std::optional<double>(2));
        QCOMPARE(results[0].summary->requests, std::uint64_t(6));

        const std::vector<Nanos> stampTimes{0ms, 100ms, 100ms, 450ms, 800ms};
        QCOMPARE(relative(observer.intended[results[1].cell]), stampTimes);
        QCOMPARE(test::metricValue(results[1], "arrivals_scheduled"), std::optional<double>(5));
        QCOMPARE(test::metricValue(results[1], "replayed_seconds"), std::optional<double>(0.8));
        QVERIFY(test::metricValue(results[1], "p50").value_or(0) > 0);
    }

private:
    QTemporaryDir m_state;
    QTemporaryDir m_files;
};

QTEST_GUILESS_MAIN(TestScenarioReplay)
#include "tst_scenario_replay.moc"
