// EngineBridge: engine callbacks from several threads at once end up as coalesced seriesUpdated signals on the UI
// thread (at most one per refresh per cell), progress carries the phase, and a finished cell delivers its final data.
#include "ui/live/engine_bridge.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>
#include <thread>
#include <vector>

using namespace faaswb;
using namespace std::chrono_literals;

namespace {

constexpr int kIntervals = 30;
constexpr int kScaleSamples = 60;
constexpr int kPodInstants = 20;
constexpr int kSpans = 40;
constexpr auto kRefresh = 50ms;

engine::RunDescription description(int cell) {
    engine::RunDescription run;
    run.cell = cell;
    run.scenario = "warm";
    run.scenarioType = "warm-latency";
    run.benchmark = "010.sleep";
    run.language = cell == 0 ? "cpp" : "python";
    run.platform = "local";
    return run;
}

load::IntervalSnapshot interval(int index) {
    load::IntervalSnapshot snapshot;
    snapshot.index = index;
    snapshot.startMs = index * 1000;
    snapshot.endMs = (index + 1) * 1000;
    snapshot.requests = 100;
    snapshot.sent = 100;
    snapshot.targetRate = 100;
    snapshot.achievedRate = 100;
    auto latency = std::make_shared<load::LatencyHistogram>();
    for (int i = 1; i <= 100; ++i)
        latency->record(i * 100); // 0.1 .. 10 ms
    snapshot.corrected = load::LatencyPercentiles::of(*latency);
    snapshot.uncorrected = snapshot.corrected;
    snapshot.latency = latency;
    snapshot.serviceTime = latency;
    return snapshot;
}

void feedIntervals(engine::RunObserver& bridge) {
    for (int i = 0; i < kIntervals; ++i) {
        bridge.onInterval(0, interval(i));
        std::this_thread::sleep_for(5ms); // the engine's pace, compressed: the feed spans several refresh periods
    }
}

void feedScale(engine::RunObserver& bridge) {
    for (int i = 0; i < kScaleSamples; ++i) {
        platform::ScaleSample sample;
        sample.tMs = i * 500;
        sample.revision = "sleep-cpp-00001";
        sample.desired = 2;
        sample.actual = 2;
        sample.ready = 1 + i % 2;
        sample.pending = 0;
        bridge.onScale(0, sample);
        std::this_thread::sleep_for(2ms);
    }
}

void feedPodMetrics(engine::RunObserver& bridge) {
    for (int i = 0; i < kPodInstants; ++i) {
        std::vector<platform::PodMetricsSample> samples(2);
        for (std::size_t pod = 0; pod < samples.size(); ++pod) {
            samples[pod].tMs = i * 1000;
            samples[pod].pod = "pod-" + std::to_string(pod);
            samples[pod].cpuMillicores = 100;
            samples[pod].memoryBytes = 64 * 1024 * 1024;
        }
        bridge.onPodMetrics(0, samples);
        std::this_thread::sleep_for(6ms);
    }
}

void feedSpans(engine::RunObserver& bridge) {
    std::vector<trace::Span> spans;
    for (int i = 0; i < kSpans; ++i) {
        trace::Span span;
        span.traceId = "trace-" + std::to_string(i);
        span.spanId = "span-" + std::to_string(i);
        span.service = "gateway";
        span.name = "ingress"; // the root hop breakdownByClass looks for
        span.kind = "SERVER";
        span.startUs = 1'700'000'000'000'000 + i * 10'000;
        span.durationUs = 2000;
        spans.push_back(span);
    }
    bridge.onSpans(0, spans);
}

int updatesFor(const QSignalSpy& spy, int cell) {
    int count = 0;
    for (const auto& arguments : spy)
        count += arguments.at(0).toInt() == cell ? 1 : 0;
    return count;
}

} // namespace

class TestEngineBridge : public QObject {
    Q_OBJECT

private slots:
    void concurrentFeedsAreCoalesced() {
        ui::EngineBridge bridge(kRefresh);
        bridge.setCellCount(2);
        bridge.setCapabilities(true, true, true);
        QSignalSpy started(&bridge, &ui::EngineBridge::cellStarted);
        QSignalSpy updates(&bridge, &ui::EngineBridge::seriesUpdated);
        QElapsedTimer clock;
        clock.start();
        bridge.onRunStarted(description(0));
        QTRY_COMPARE(started.count(), 1);
        QCOMPARE(started.first().at(1).toString(), QStringLiteral("warm · 010.sleep · cpp"));

        std::vector<std::jthread> feeders;
        feeders.emplace_back([&bridge] { feedIntervals(bridge); });
        feeders.emplace_back([&bridge] { feedScale(bridge); });
        feeders.emplace_back([&bridge] { feedPodMetrics(bridge); });
        feeders.emplace_back([&bridge] { feedSpans(bridge); });
        // The UI thread keeps running its event loop while the feeders work.
        QTRY_VERIFY_WITH_TIMEOUT(!updates.isEmpty() && !updates.last().at(1).value<ui::RunSeries>().breakdown.empty() &&
                                     updates.last().at(1).value<ui::RunSeries>().requests == kIntervals * 100ull &&
                                     updates.last().at(1).value<ui::RunSeries>().actualPods.size() == kScaleSamples,
                                 10000);
        for (auto& feeder : feeders)
            feeder.join();

        const auto series = updates.last().at(1).value<ui::RunSeries>();
        QCOMPARE(series.label, QStringLiteral("warm · 010.sleep · cpp"));
        QCOMPARE(series.status, QStringLiteral("running"));
        QCOMPARE(series.corrected.p50.size(), kIntervals);
        QCOMPARE(series.achievedRps.size(), kIntervals);
        QVERIFY(series.latency);
        QCOMPARE(series.latency->totalCount(), qint64(kIntervals) * 100);
        QVERIFY(series.scaleSupported && series.podMetricsSupported && series.tracesSupported);
        QVERIFY(series.cpuMillicores.size() >= kPodInstants - 1); // the last instant may still be summing
        QCOMPARE(series.cpuMillicores.first().y(), 200.0);        // two pods of 100 millicores
        QCOMPARE(bridge.series(0).requests, series.requests);

        // Coalescing: never more than one update per refresh period (the first tick comes one period in).
        const double periods = double(clock.elapsed()) / double(kRefresh.count());
        const int emitted = updatesFor(updates, 0);
        QVERIFY2(emitted <= int(periods) + 1,
                 qPrintable(QStringLiteral("%1 updates in %2 refresh periods").arg(emitted).arg(periods)));
        QVERIFY(emitted >= 2); // and it did publish while the feed was going on
        QCOMPARE(updatesFor(updates, 1), 0);
    }

    void progressCarriesThePhase() {
        ui::EngineBridge bridge(kRefresh);
        bridge.setCellCount(2);
        QSignalSpy progress(&bridge, &ui::EngineBridge::progressUpdated);
        bridge.onRunStarted(description(1));
        bridge.onPhase({1, "measure", std::chrono::seconds(6)});
        QTRY_VERIFY(!progress.isEmpty() && progress.last().at(0).value<ui::LiveProgress>().phaseElapsedSec >= 0.1);
        const auto live = progress.last().at(0).value<ui::LiveProgress>();
        QCOMPARE(live.cell, 1);
        QCOMPARE(live.cells, 2);
        QCOMPARE(live.label, QStringLiteral("warm · 010.sleep · python"));
        QCOMPARE(live.phase, QStringLiteral("measure"));
        QCOMPARE(live.phaseExpectedSec, 6.0);
        QVERIFY(live.phaseElapsedSec < 6.0);
        QVERIFY(live.runElapsedSec >= live.phaseElapsedSec);
        QCOMPARE(bridge.progress().phase, QStringLiteral("measure"));
        QCOMPARE(bridge.startedCells(), QList<int>{1});
    }

    // A swept, repeated cell names its sweep point and repetition; its thresholds' outcome arrives before it finishes.
    void sweepPointAndChecksOfACell() {
        ui::EngineBridge bridge(kRefresh);
        QSignalSpy started(&bridge, &ui::EngineBridge::cellStarted);
        QSignalSpy checked(&bridge, &ui::EngineBridge::cellChecked);
        QSignalSpy finished(&bridge, &ui::EngineBridge::cellFinished);
        QList<int> order; // 1 = checked, 2 = finished
        connect(&bridge, &ui::EngineBridge::cellChecked, this, [&order] { order << 1; });
        connect(&bridge, &ui::EngineBridge::cellFinished, this, [&order] { order << 2; });
        engine::RunDescription run = description(0);
        run.sweep = {{"index", 1}, {"values", {{"rate", 50}}}};
        run.repeat = 1;
        run.config = {{"scenario", {{"repeat", 3}}}};
        analysis::RunMetricsReport report;
        report.metrics.push_back({"p99", 12.5, "ms"});
        report.metrics.push_back({"error_rate", 0.0, "%"});
        report.thresholds.push_back({"p99 < 10ms", "p99", 12.5, false, ""});
        report.thresholds.push_back({"error_rate < 1%", "error_rate", 0.0, true, ""});
        std::jthread engine([&] {
            bridge.onRunStarted(run);
            bridge.onRunMetrics(0, report);
            bridge.onRunFinished({0, engine::RunStatus::Complete, "", {}});
        });
        engine.join();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(started.first().at(1).toString(), QStringLiteral("warm · 010.sleep · cpp · rate=50 · repeat 2/3"));
        QCOMPARE(checked.count(), 1);
        QCOMPARE(checked.first().at(1).toInt(), 1); // passed
        QCOMPARE(checked.first().at(2).toInt(), 1); // failed
        QCOMPARE(checked.first().at(3).toString(), QStringLiteral("p99 < 10ms (12.50 ms)"));
        QCOMPARE(order, (QList<int>{1, 2}));
        const ui::LiveProgress live = bridge.progress();
        QCOMPARE(live.sweep, QStringLiteral("rate=50"));
        QCOMPARE(live.repeat, 1);
        QCOMPARE(live.repeats, 3);
        // a scenario without thresholds says nothing about checks
        bridge.onRunMetrics(0, analysis::RunMetricsReport{});
        QVERIFY(!checked.wait(3 * int(kRefresh.count())));
    }

    void finishedCellDeliversItsFinalData() {
        ui::EngineBridge bridge(kRefresh);
        QSignalSpy updates(&bridge, &ui::EngineBridge::seriesUpdated);
        QSignalSpy finished(&bridge, &ui::EngineBridge::cellFinished);
        QSignalSpy progress(&bridge, &ui::EngineBridge::progressUpdated);
        std::jthread engine([&bridge] {
            bridge.onRunStarted(description(0));
            bridge.onInterval(0, interval(0));
            bridge.onRunFinished({0, engine::RunStatus::Cancelled, "cancelled during measurement", {}});
        });
        engine.join();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.first().at(1).toString(), QStringLiteral("cancelled"));
        QCOMPARE(finished.first().at(2).toString(), QStringLiteral("cancelled during measurement"));
        QVERIFY(!updates.isEmpty()); // published before cellFinished
        QCOMPARE(updates.last().at(1).value<ui::RunSeries>().status, QStringLiteral("cancelled"));
        QCOMPARE(bridge.series(0).corrected.p50.size(), 1);
        // No cell runs any more: the refresh timer stops and progress goes quiet.
        QVERIFY(!progress.wait(3 * int(kRefresh.count())));
    }

    void readingASeriesDoesNotSwallowTheUpdate() {
        ui::EngineBridge bridge(kRefresh);
        QSignalSpy started(&bridge, &ui::EngineBridge::cellStarted);
        QSignalSpy updates(&bridge, &ui::EngineBridge::seriesUpdated);
        bridge.onRunStarted(description(0));
        QTRY_COMPARE(started.count(), 1);
        QTRY_COMPARE(updates.count(), 1); // the started cell's (empty) series
        bridge.onInterval(0, interval(0));
        QCOMPARE(bridge.series(0).corrected.p50.size(), 1); // a view pulling the latest data on its own
        QTRY_COMPARE(updates.count(), 2);
        QCOMPARE(updates.last().at(1).value<ui::RunSeries>().corrected.p50.size(), 1);
    }

    void resetForgetsThePreviousRun() {
        ui::EngineBridge bridge(kRefresh);
        QSignalSpy started(&bridge, &ui::EngineBridge::cellStarted);
        bridge.onRunStarted(description(0));
        bridge.reset(); // before the queued notice arrives: it must be dropped
        QVERIFY(!started.wait(2 * int(kRefresh.count())));
        QCOMPARE(bridge.series(0).label, QString());
        QCOMPARE(bridge.cellCount(), 0);
    }
};

QTEST_MAIN(TestEngineBridge)
#include "tst_engine_bridge.moc"
