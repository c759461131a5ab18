// RunSeriesBuilder and loadRunSeries: exact points from synthetic engine values, warm-up exclusion, panic periods,
// bounded history keeping the peaks, capability flags, and a round trip through a temporary ResultStore.
#include "results/result_store.h"
#include "ui/charts/run_series.h"

#include <QTemporaryDir>
#include <QTest>
#include <chrono>

using namespace faaswb;
using faaswb::ui::RunSeries;
using faaswb::ui::RunSeriesBuilder;

namespace {

load::IntervalSnapshot interval(int index, std::int64_t p50Us, std::int64_t p99Us, bool warmup = false) {
    load::IntervalSnapshot s;
    s.index = index;
    s.startMs = index * 1000;
    s.endMs = (index + 1) * 1000;
    s.requests = 10;
    s.targetRate = 10;
    s.achievedRate = 9.5;
    s.warmup = warmup;
    s.corrected = {p50Us, p50Us * 2, p99Us, p99Us, p99Us * 3};
    s.uncorrected = {p50Us / 2, p50Us, p99Us / 2, p99Us / 2, p99Us};
    auto latency = std::make_shared<load::LatencyHistogram>();
    auto service = std::make_shared<load::LatencyHistogram>();
    latency->record(p50Us, 9);
    latency->record(p99Us, 1);
    service->record(p50Us / 2, 10);
    s.latency = latency;
    s.serviceTime = service;
    return s;
}

platform::ScaleSample scale(std::int64_t tMs, int pods, std::optional<bool> panic) {
    platform::ScaleSample s;
    s.tMs = tMs;
    s.revision = "fn-00001";
    s.desired = pods;
    s.actual = pods;
    s.ready = pods;
    s.pending = 0;
    s.panic = panic;
    return s;
}

platform::PodMetricsSample pod(std::int64_t tMs, const char* name, std::optional<double> cpu,
                               std::optional<std::int64_t> memoryMiB) {
    platform::PodMetricsSample s;
    s.tMs = tMs;
    s.pod = name;
    s.cpuMillicores = cpu;
    if (memoryMiB)
        s.memoryBytes = *memoryMiB * 1024 * 1024;
    return s;
}

} // namespace

class TestRunSeries : public QObject {
    Q_OBJECT
private slots:
    void intervalsBecomePoints() {
        RunSeriesBuilder builder;
        builder.addInterval(interval(0, 2000, 9000));
        builder.addInterval(interval(1, 3000, 12000));
        const RunSeries& s = builder.series();
        QCOMPARE(s.corrected.p50, (QList<QPointF>{{1, 2.0}, {2, 3.0}}));
        QCOMPARE(s.corrected.p99, (QList<QPointF>{{1, 9.0}, {2, 12.0}}));
        QCOMPARE(s.corrected.max, (QList<QPointF>{{1, 27.0}, {2, 36.0}}));
        QCOMPARE(s.uncorrected.p50, (QList<QPointF>{{1, 1.0}, {2, 1.5}}));
        QCOMPARE(s.targetRps, (QList<QPointF>{{1, 10}, {2, 10}}));
        QCOMPARE(s.achievedRps, (QList<QPointF>{{1, 9.5}, {2, 9.5}}));
        QCOMPARE(s.requests, quint64(20));
        QCOMPARE(s.durationSec, 2.0);
    }

    // No responses, no latency: the percentile lines skip the interval instead of dropping to 0 ms.
    void intervalWithoutResponsesAddsNoLatencyPoint() {
        RunSeriesBuilder builder;
        builder.addInterval(interval(0, 2000, 9000));
        load::IntervalSnapshot idle;
        idle.index = 1;
        idle.startMs = 1000;
        idle.endMs = 2000;
        idle.targetRate = 10;
        builder.addInterval(idle);
        builder.addInterval(interval(2, 3000, 12000));
        const RunSeries& s = builder.series();
        QCOMPARE(s.corrected.p50, (QList<QPointF>{{1, 2.0}, {3, 3.0}}));
        QCOMPARE(s.uncorrected.max.size(), 2);
        QCOMPARE(s.achievedRps, (QList<QPointF>{{1, 9.5}, {2, 0}, {3, 9.5}}));
    }

    void errorRatesOnlyForKindsWithErrors() {
        RunSeriesBuilder builder;
        builder.addInterval(interval(0, 1000, 2000));
        load::IntervalSnapshot failing = interval(1, 1000, 2000);
        failing.startMs = 1000;
        failing.endMs = 1500; // half a second: 3 errors are 6 errors/s
        failing.errors = 3;
        failing.errorsByKind[static_cast<std::size_t>(load::ErrorKind::Timeout)] = 3;
        builder.addInterval(failing);
        builder.addInterval(interval(2, 1000, 2000));
        const RunSeries& s = builder.series();
        QCOMPARE(s.errorRps.keys(), QStringList{QStringLiteral("timeout")});
        QCOMPARE(s.errorRps.value(QStringLiteral("timeout")), (QList<QPointF>{{1.5, 6.0}, {3, 0}}));
        QCOMPARE(s.errors, quint64(3));
    }

    void warmupIsExcludedFromHistogramsAndTotals() {
        RunSeriesBuilder builder;
        builder.addInterval(interval(0, 100'000, 200'000, true));
        builder.addInterval(interval(1, 100'000, 200'000, true));
        builder.addInterval(interval(2, 2000, 4000));
        const RunSeries& s = builder.series();
        QCOMPARE(s.measuredFromSec, 2.0);
        QVERIFY(s.latency);
        QCOMPARE(s.latency->totalCount(), 10);
        QVERIFY(s.latency->max() < 5000);
        QCOMPARE(s.serviceTime->totalCount(), 10);
        QCOMPARE(s.requests, quint64(10));
        QCOMPARE(s.durationSec, 1.0);
        QCOMPARE(s.corrected.p50.size(), 3); // the time series still show the warm-up
    }

    void publishedHistogramIsNotModifiedLater() {
        RunSeriesBuilder builder;
        builder.addInterval(interval(0, 2000, 4000));
        const RunSeries copy = builder.series();
        builder.addInterval(interval(1, 2000, 4000));
        QCOMPARE(copy.latency->totalCount(), 10);
        QCOMPARE(builder.series().latency->totalCount(), 20);
    }

    void panicPeriodsOpenAndClose() {
        RunSeriesBuilder builder;
        builder.setStatus(QStringLiteral("running"));
        builder.addScale(scale(1000, 1, false));
        builder.addScale(scale(2000, 2, true));
        builder.addScale(scale(3000, 4, true));
        builder.addScale(scale(4000, 4, false));
        builder.addScale(scale(5000, 3, std::nullopt)); // no panic information: nothing changes
        builder.addScale(scale(6000, 3, true));
        builder.addScale(scale(7000, 3, std::nullopt));
        QCOMPARE(builder.series().panicPeriods.size(), 2);
        QCOMPARE(builder.series().panicPeriods[1].endSec, 7.0); // open: lasts to the newest data
        builder.addInterval(interval(8, 1000, 2000));           // ends at 9 s
        builder.setStatus(QStringLiteral("complete"));
        builder.addScale(scale(10000, 0, std::nullopt)); // after the end: the period stays closed
        const RunSeries& s = builder.series();
        QCOMPARE(s.panicPeriods.size(), 2);
        QCOMPARE(s.panicPeriods[0].startSec, 2.0);
        QCOMPARE(s.panicPeriods[0].endSec, 4.0);
        QCOMPARE(s.panicPeriods[1].startSec, 6.0);
        QCOMPARE(s.panicPeriods[1].endSec, 9.0);
        QCOMPARE(s.desiredPods.first(), QPointF(1, 1));
        QCOMPARE(s.actualPods[2], QPointF(3, 4));
        QCOMPARE(s.pendingPods.size(), 8);
    }

    void downsamplingKeepsTheMaximum() {
        RunSeriesBuilder builder(4);
        for (int i = 0; i < 9; ++i) {
            load::IntervalSnapshot s = interval(i, 1000, 2000);
            s.achievedRate = i == 3 ? 50 : 1;
            builder.addInterval(s);
        }
        const QList<QPointF>& points = builder.series().achievedRps;
        QVERIFY2(points.size() <= 4, qPrintable(QString::number(points.size())));
        QVERIFY(points.size() >= 2);
        QVERIFY(points.contains(QPointF(4, 50))); // the spike survives with its time
        QCOMPARE(points.last(), QPointF(9, 1));   // the newest point is kept as is
        for (qsizetype i = 1; i < points.size(); ++i)
            QVERIFY(points[i - 1].x() < points[i].x());
    }

    void podMetricsAreSummedPerInstant() {
        RunSeriesBuilder builder;
        const std::vector<platform::PodMetricsSample> first{pod(1000, "a", 100, 10), pod(1000, "b", 50, 20)};
        const std::vector<platform::PodMetricsSample> later{pod(1000, "c", 25, std::nullopt),
                                                            pod(2000, "a", 30, std::nullopt)};
        builder.addPodMetrics(first);
        QCOMPARE(builder.series().cpuMillicores, (QList<QPointF>{{1, 150}}));
        builder.addPodMetrics(later); // a third pod of the same instant arrives late
        const RunSeries& s = builder.series();
        QCOMPARE(s.cpuMillicores, (QList<QPointF>{{1, 175}, {2, 30}}));
        QCOMPARE(s.memoryMiB, (QList<QPointF>{{1, 30}}));
    }

    void capabilitiesDefaultOffAndFollowData() {
        RunSeriesBuilder builder;
        QVERIFY(!builder.series().scaleSupported);
        QVERIFY(!builder.series().podMetricsSupported);
        QVERIFY(!builder.series().tracesSupported);
        builder.addScale(scale(1000, 1, std::nullopt));
        QVERIFY(builder.series().scaleSupported);
        QVERIFY(!builder.series().podMetricsSupported);
        const std::vector<platform::PodMetricsSample> samples{pod(1000, "a", 1, 1)};
        builder.addPodMetrics(samples);
        QVERIFY(builder.series().podMetricsSupported);
        builder.addSpans({});
        QVERIFY(!builder.series().tracesSupported);
        trace::Span span;
        span.traceId = "t1";
        span.spanId = "s1";
        span.kind = "SERVER";
        span.service = "activator-service";
        span.durationUs = 1000;
        const std::vector<trace::Span> spans{span};
        builder.addSpans(spans);
        QVERIFY(builder.series().tracesSupported);
        RunSeriesBuilder declared;
        declared.setCapabilities(true, false, true);
        QVERIFY(declared.series().scaleSupported);
        QVERIFY(!declared.series().podMetricsSupported);
        QVERIFY(declared.series().tracesSupported);
    }

    void loadsAStoredRun() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto store = results::ResultStore::open(dir.filePath(QStringLiteral("results.db")).toStdString());
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        auto experiment = store->addExperiment("exp", "name: exp\n");
        QVERIFY(experiment.ok());
        engine::RunDescription description;
        description.experimentName = "exp";
        description.scenario = "warm";
        description.scenarioType = "warm-latency";
        description.benchmark = "010.sleep";
        description.language = "python";
        description.platform = "local";
        description.startedAt = std::chrono::system_clock::now();
        auto runId = store->beginRun(*experiment, description);
        QVERIFY(runId.ok());
        const std::vector<load::IntervalSnapshot> intervals{interval(0, 50'000, 90'000, true), interval(1, 2000, 9000),
                                                            interval(2, 3000, 12000)};
        QVERIFY(store->appendIntervals(*runId, intervals).ok());
        const std::vector<platform::ScaleSample> samples{scale(500, 1, false), scale(1500, 2, true),
                                                         scale(2500, 2, false)};
        QVERIFY(store->appendScale(*runId, samples).ok());
        QVERIFY(store->finishRun(*runId, engine::RunStatus::Complete, "", std::chrono::system_clock::now()).ok());

        auto loaded = ui::loadRunSeries(*store, *runId);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        const RunSeries& s = *loaded;
        QCOMPARE(s.label, QStringLiteral("warm · 010.sleep · python"));
        QCOMPARE(s.scenarioType, QStringLiteral("warm-latency"));
        QCOMPARE(s.platform, QStringLiteral("local"));
        QCOMPARE(s.status, QStringLiteral("complete"));
        QCOMPARE(s.runId, *runId);
        QCOMPARE(s.corrected.p50, (QList<QPointF>{{1, 50.0}, {2, 2.0}, {3, 3.0}}));
        QCOMPARE(s.measuredFromSec, 1.0);
        QVERIFY(s.latency);
        QCOMPARE(s.latency->totalCount(), 20);
        QVERIFY(s.latency->max() < 50'000);
        QCOMPARE(s.requests, quint64(20));
        QVERIFY(s.scaleSupported);
        QCOMPARE(s.desiredPods, (QList<QPointF>{{0.5, 1}, {1.5, 2}, {2.5, 2}}));
        QCOMPARE(s.panicPeriods.size(), 1);
        QCOMPARE(s.panicPeriods[0].startSec, 1.5);
        QCOMPARE(s.panicPeriods[0].endSec, 2.5);
        QVERIFY(!s.podMetricsSupported);
        QVERIFY(!ui::loadRunSeries(*store, *runId + 100).ok());
    }
};

QTEST_GUILESS_MAIN(TestRunSeries)
#include "tst_run_series.moc"
