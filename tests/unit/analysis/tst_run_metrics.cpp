// RunMetrics (units from the catalogue, replace, unknown = nullopt), threshold evaluation, and the common metrics from
// the load summary, pod counts (time-weighted over several revisions) and traces.
#include "analysis/load_metrics.h"
#include "analysis/run_metrics.h"
#include "model/metric_catalog.h"

#include <QtTest>
#include <cmath>

using namespace faaswb;
using namespace faaswb::analysis;

namespace {

model::Threshold threshold(const std::string& text) {
    auto parsed = model::parseThreshold(text);
    if (!parsed)
        qFatal("threshold %s does not parse", text.c_str());
    return parsed.value();
}

platform::ScaleSample sample(std::int64_t tMs, const std::string& revision, std::optional<int> ready) {
    platform::ScaleSample s;
    s.tMs = tMs;
    s.revision = revision;
    s.ready = ready;
    return s;
}

trace::Span ingressSpan(const std::string& traceId, std::int64_t activatorUs, std::int64_t queueUs) {
    trace::Span span;
    span.traceId = traceId;
    span.spanId = traceId + "-i";
    span.name = "ingress";
    span.kind = "SERVER";
    span.startUs = 1'000'000;
    span.durationUs = 50'000;
    span.tags = {{"faaswb.activator_wait_us", std::to_string(activatorUs)},
                 {"faaswb.queue_wait_us", std::to_string(queueUs)}};
    return span;
}

bool near(std::optional<double> value, double expected) {
    return value && std::abs(*value - expected) < 1e-9;
}

} // namespace

class TestRunMetrics : public QObject {
    Q_OBJECT

private slots:
    void setTakesUnitsFromTheCatalogueAndReplaces() {
        RunMetrics metrics;
        metrics.set("p99", 12.5);
        metrics.set("handover_p50.hop2", 3.0);
        metrics.set("max_pods", std::nullopt);
        metrics.set("p99", 13.0);
        QCOMPARE(metrics.values().size(), std::size_t(3));
        QCOMPARE(metrics.values()[0].unit, std::string("ms"));
        QCOMPARE(metrics.values()[1].unit, std::string("ms"));
        QCOMPARE(metrics.values()[2].unit, std::string("count"));
        QCOMPARE(metrics.get("p99"), std::optional<double>(13.0));
        QVERIFY(metrics.has("max_pods"));
        QVERIFY(!metrics.get("max_pods"));
        QVERIFY(!metrics.has("p50"));
        QVERIFY(!metrics.get("p50"));
    }

    void thresholdsPassFailAndUnavailable() {
        RunMetrics metrics;
        metrics.set("p99", 150.0);
        metrics.set("error_rate", 0.2);
        metrics.set("max_pods", std::nullopt);
        const std::vector<model::Threshold> thresholds{threshold("p99 < 200ms"), threshold("error_rate < 0.1%"),
                                                       threshold("max_pods <= 3"), threshold("p99 >= 150ms"),
                                                       threshold("cold_start_p50 < 1s")};
        const auto results = evaluateThresholds(thresholds, metrics);
        QCOMPARE(results.size(), std::size_t(5));
        QVERIFY(results[0].passed);
        QCOMPARE(results[0].text, std::string("p99 < 200ms"));
        QCOMPARE(results[0].metric, std::string("p99"));
        QCOMPARE(results[0].value, std::optional<double>(150.0));
        QVERIFY(!results[1].passed);
        QVERIFY(results[1].note.empty());
        for (int i : {2, 4}) {
            QVERIFY(!results[i].passed);
            QVERIFY(!results[i].value);
            QCOMPARE(results[i].note, std::string("metric not available on this platform/run"));
        }
        QVERIFY(results[3].passed); // >= on equality

        RunMetricsReport report{metrics.values(), results};
        QVERIFY(!report.thresholdsPassed());
        report.thresholds = {results[0], results[3]};
        QVERIFY(report.thresholdsPassed());
        report.thresholds.clear();
        QVERIFY(report.thresholdsPassed());
    }

    void loadMetricsFromTheSummary() {
        load::LoadSummary summary;
        summary.requests = 200;
        summary.errors = 5;
        summary.coldStarts = 2;
        summary.sent = 203; // 3 never answered
        summary.elapsedSeconds = 10;
        summary.achievedRate = 20;
        for (int i = 1; i <= 100; ++i)
            summary.latency.record(i * 1000, 2); // 1 ms .. 100 ms, twice each
        RunMetrics metrics;
        addLoadMetrics(metrics, summary);
        QCOMPARE(metrics.get("requests"), std::optional<double>(200));
        QCOMPARE(metrics.get("errors"), std::optional<double>(5));
        QVERIFY(near(metrics.get("error_rate"), 2.5));
        QVERIFY(near(metrics.get("throughput"), 20));
        QCOMPARE(metrics.get("cold_starts"), std::optional<double>(2));
        QCOMPARE(metrics.get("aborted"), std::optional<double>(3));
        // HdrHistogram reports the highest equivalent value of the bucket (1 µs resolution up to 2048 µs, 3 digits).
        QVERIFY(near(metrics.get("p50"), summary.latency.valueAtPercentile(50) / 1000.0));
        QVERIFY(std::abs(*metrics.get("p50") - 50) < 0.1);
        QVERIFY(std::abs(*metrics.get("p99") - 99) < 0.1);
        QVERIFY(std::abs(*metrics.get("max") - 100) < 0.1);
        QVERIFY(std::abs(*metrics.get("mean") - 50.5) < 0.1);
        QCOMPARE(metrics.values()[0].unit, std::string("count"));
    }

    void noRequestsLeavesRatesAndLatenciesUnavailable() {
        load::LoadSummary summary;
        RunMetrics metrics;
        addLoadMetrics(metrics, summary);
        QCOMPARE(metrics.get("requests"), std::optional<double>(0));
        for (const char* name : {"error_rate", "throughput", "p50", "p99", "max", "mean"}) {
            QVERIFY2(metrics.has(name), name);
            QVERIFY2(!metrics.get(name), name);
        }
    }

    void podMetricsAreTimeWeightedOverRevisions() {
        // rev-a: 1 pod from 0 s, 3 pods from 4 s; rev-b: 2 pods from 6 s, 0 from 8 s. Window [2 s, 10 s].
        const std::vector<platform::ScaleSample> samples{sample(0, "rev-a", 1),    sample(1000, "rev-a", std::nullopt),
                                                         sample(4000, "rev-a", 3), sample(6000, "rev-b", 2),
                                                         sample(8000, "rev-b", 0), sample(12000, "rev-a", 9)};
        RunMetrics metrics;
        addPodMetrics(metrics, samples, 2000, 10000, true);
        QCOMPARE(metrics.get("max_pods"), std::optional<double>(5));
        // 1 pod x 2 s + 3 x 2 s + 5 x 2 s + 3 x 2 s = 24 pod*s over 8 s
        QVERIFY(near(metrics.get("mean_pods"), 3.0));
    }

    void podMetricsUnavailable() {
        const std::vector<platform::ScaleSample> samples{sample(0, "rev", 2)};
        RunMetrics unsupported;
        addPodMetrics(unsupported, samples, 0, 1000, false);
        QVERIFY(unsupported.has("max_pods") && !unsupported.get("max_pods"));
        QVERIFY(unsupported.has("mean_pods") && !unsupported.get("mean_pods"));
        const std::vector<platform::ScaleSample> unknown{sample(0, "rev", std::nullopt)};
        RunMetrics noCounts;
        addPodMetrics(noCounts, unknown, 0, 1000, true);
        QVERIFY(!noCounts.get("max_pods") && !noCounts.get("mean_pods"));
    }

    void queueWaitIsTheMedianOfActivatorPlusQueueWait() {
        const std::vector<trace::Span> spans{ingressSpan("a", 0, 2000), ingressSpan("b", 5000, 1000),
                                             ingressSpan("c", 0, 0)};
        RunMetrics metrics;
        addTraceMetrics(metrics, spans, true);
        QVERIFY(near(metrics.get("queue_wait_p50"), 2.0));
        RunMetrics unsupported;
        addTraceMetrics(unsupported, spans, false);
        QVERIFY(unsupported.has("queue_wait_p50") && !unsupported.get("queue_wait_p50"));
        RunMetrics empty;
        addTraceMetrics(empty, {}, true);
        QVERIFY(!empty.get("queue_wait_p50"));
    }
};

QTEST_GUILESS_MAIN(TestRunMetrics)
#include "tst_run_metrics.moc"
