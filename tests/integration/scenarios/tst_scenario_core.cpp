// The load-driven scenarios end to end on an embedded local platform: their summary metrics are present, consistent
// and sane, sweeps and repeats make one run each, and thresholds decide the exit code.
#include "engine/runner.h"
#include "scenario_run.h"

#include <QTemporaryDir>
#include <QtTest>
#include <limits>
#include <mutex>

using namespace faaswb;

namespace {

class MetricsObserver final : public engine::RunObserver {
public:
    void onRunStarted(const engine::RunDescription& d) override {
        std::lock_guard lock(m_mutex);
        started.push_back(d);
    }
    void onRunMetrics(int, const analysis::RunMetricsReport& report) override {
        std::lock_guard lock(m_mutex);
        reports.push_back(report);
    }
    void onScale(int, const platform::ScaleSample& sample) override {
        std::lock_guard lock(m_mutex);
        if (sample.ready) {
            maxReady = std::max(maxReady, *sample.ready);
            readyAfterMax = *sample.ready < maxReady ? std::min(readyAfterMax, *sample.ready) : readyAfterMax;
        }
    }
    std::vector<engine::RunDescription> started;
    std::vector<analysis::RunMetricsReport> reports;
    int maxReady = 0;
    int readyAfterMax = std::numeric_limits<int>::max(); // the fewest ready pods seen after the most

private:
    std::mutex m_mutex;
};

// Present in the report, even when its value is null (not measurable on this platform).
bool hasMetric(const analysis::RunMetricsReport& report, const std::string& name) {
    return std::any_of(report.metrics.begin(), report.metrics.end(), [&](const auto& m) { return m.name == name; });
}

model::Experiment experimentFrom(const std::string& benchmarks, const std::string& scenarios) {
    const std::string yaml = "name: scenario-core\nplatform: local\n"
                             "platforms:\n  local: {type: local, autoscaler: {stable-window: 6s, "
                             "scale-to-zero-grace-period: 1s}}\n"
                             "benchmarks:\n" +
                             benchmarks + "scenarios:\n" + scenarios;
    return test::experimentFromText(yaml, "scenario-core.yaml");
}

} // namespace

class TestScenarioCore : public QObject {
    Q_OBJECT

    struct Outcome {
        std::vector<engine::CellResult> results;
        std::unique_ptr<MetricsObserver> observer = std::make_unique<MetricsObserver>();
    };

    Outcome run(const model::Experiment& experiment) {
        Outcome outcome;
        engine::Runner runner(experiment, *m_platform);
        runner.addObserver(outcome.observer.get());
        CancellationToken cancel;
        outcome.results = runner.run(cancel);
        return outcome;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_state.isValid());
        auto created =
            test::startLocalPlatform(experimentFrom("  - {id: 000.noop, languages: [cpp]}\n",
                                                    "  - {name: w, type: warm-latency, rate: 1, duration: 1s}\n"),
                                     m_state.path());
        QVERIFY2(created, created ? "" : created.error().message.c_str());
        m_platform = std::move(created).value();
    }

    // A grid of two rates x two repeats: four runs, each with its sweep values and repeat, each with the common
    // metrics; a threshold no run can meet fails every run and the exit code says so.
    void sweepRepeatsAndThresholds() {
        const auto experiment =
            experimentFrom("  - {id: 000.noop, languages: [cpp]}\n",
                           "  - {name: warm, type: warm-latency, rate: 10, duration: 1s, repeat: 2,\n"
                           "     sweep: {grid: {rate: [20, 40]}}, thresholds: ['p99 < 1us', 'error_rate < 50%']}\n");
        const auto outcome = run(experiment);
        QCOMPARE(outcome.results.size(), std::size_t(4));
        QCOMPARE(outcome.observer->started.size(), std::size_t(4));
        QCOMPARE(outcome.observer->started[0].sweep["values"]["rate"].get<double>(), 20.0);
        QCOMPARE(outcome.observer->started[1].repeat, 1);
        QCOMPARE(outcome.observer->started[2].sweep["values"]["rate"].get<double>(), 40.0);
        for (const auto& result : outcome.results) {
            QCOMPARE(result.status, engine::RunStatus::Complete);
            QVERIFY(test::metricValue(result.metrics, "p50").value_or(0) > 0);
            QCOMPARE(test::metricValue(result.metrics, "error_rate").value_or(-1), 0.0);
            QVERIFY(test::metricValue(result.metrics, "max_pods").value_or(0) >= 1);
            QCOMPARE(result.metrics.thresholds.size(), std::size_t(2));
            QVERIFY(!result.metrics.thresholds[0].passed); // no request takes under a microsecond
            QVERIFY(result.metrics.thresholds[1].passed);
        }
        // 40 req/s for 1 s measures about twice the requests of 20 req/s.
        QVERIFY(test::metricValue(outcome.results[2].metrics, "requests").value_or(0) >
                1.5 * test::metricValue(outcome.results[0].metrics, "requests").value_or(0));
        QCOMPARE(engine::exitCodeFor(outcome.results), static_cast<int>(ErrorCode::ThresholdFailed));
        QCOMPARE(outcome.observer->reports.size(), std::size_t(4));
    }

    // The Python wrapper's first request imports and starts the interpreter: cold is slower than warm, and the
    // local platform's traces split the cold requests into the wait for an instance and the handler.
    void coldStartComparesColdAndWarm() {
        const auto experiment = experimentFrom("  - {id: 000.noop, languages: [python]}\n",
                                               "  - {name: cold, type: cold-start, repetitions: 2, warmRequests: 3}\n");
        const auto outcome = run(experiment);
        QCOMPARE(outcome.results.size(), std::size_t(1));
        const auto& result = outcome.results[0];
        QVERIFY2(result.status == engine::RunStatus::Complete, result.message.c_str());
        const auto cold = test::metricValue(result.metrics, "cold_start_p50");
        const auto warm = test::metricValue(result.metrics, "warm_p50");
        QVERIFY(cold && warm);
        QVERIFY2(*cold > *warm, qPrintable(QString("cold %1 ms, warm %2 ms").arg(*cold).arg(*warm)));
        QVERIFY(test::metricValue(result.metrics, "cold_warm_ratio").value_or(0) > 1);
        QCOMPARE(test::metricValue(result.metrics, "requests").value_or(0), 8.0); // 2 x (1 cold + 3 warm)
        const auto wait = test::metricValue(result.metrics, "cold_activator_wait_p50");
        QVERIFY2(wait && *wait > 0, "the gateway's trace shows the cold requests waiting for an instance");
        QVERIFY(*wait < *cold);
        QVERIFY(hasMetric(result.metrics, "cold_init_p50")); // null on local (not separated from the wait)
        QVERIFY(test::metricValue(result.metrics, "cold_handler_p50").value_or(-1) >= 0);
    }

    // containerConcurrency 1 at 4x what one instance can serve fans out to several pods and queues meanwhile.
    void concurrencyOneFansOut() {
        const auto experiment =
            experimentFrom("  - {id: 010.sleep, languages: [cpp], input: {ms: 50}, autoscaling: {maxScale: 8}}\n",
                           "  - {name: cc1, type: concurrency-one, rate: 80, duration: 6s}\n");
        const auto outcome = run(experiment);
        QCOMPARE(outcome.results.size(), std::size_t(1));
        const auto& result = outcome.results[0];
        QVERIFY2(result.status == engine::RunStatus::Complete, result.message.c_str());
        QCOMPARE(outcome.observer->started[0].config["function"]["containerConcurrency"].get<int>(), 1);
        QVERIFY2(test::metricValue(result.metrics, "max_pods").value_or(0) >= 2,
                 qPrintable(QString::number(test::metricValue(result.metrics, "max_pods").value_or(0))));
        QVERIFY(test::metricValue(result.metrics, "queue_wait_p50").has_value());
    }

    // Scale-down while the load goes on: the pods leaving finish what the gateway sent them before they get SIGTERM.
    // Cutting them gave a 502 on most scale-downs.
    void scaleDownUnderLoadLosesNoRequest() {
        const auto experiment = experimentFrom(
            "  - {id: 010.sleep, languages: [cpp], input: {ms: 50}, autoscaling: {target: 1, maxScale: 10}}\n",
            "  - name: down\n    type: autoscaling\n    stages:\n"
            "      - {rate: 150, for: 6s}\n      - {rate: 50, for: 10s}\n");
        const auto outcome = run(experiment);
        QCOMPARE(outcome.results.size(), std::size_t(1));
        const auto& result = outcome.results[0];
        QVERIFY2(result.status == engine::RunStatus::Complete, result.message.c_str());
        QVERIFY2(outcome.observer->maxReady >= 2, qPrintable(QString::number(outcome.observer->maxReady)));
        QVERIFY2(outcome.observer->readyAfterMax < outcome.observer->maxReady, "the revision never scaled down");
        QVERIFY(result.summary && result.summary->requests > 500);
        QCOMPARE(result.summary->errors, std::uint64_t(0));
    }

    // A step from zero: the first response, the scale-up and the return to zero are all measured.
    void autoscalingSummary() {
        const auto experiment = experimentFrom(
            "  - {id: 010.sleep, languages: [cpp], input: {ms: 20}, autoscaling: {target: 2, maxScale: 10}}\n",
            "  - name: step\n    type: autoscaling\n    stages:\n"
            "      - {rate: 200, for: 8s}\n      - {rate: 0, for: 12s}\n");
        const auto outcome = run(experiment);
        QCOMPARE(outcome.results.size(), std::size_t(1));
        const auto& m = outcome.results[0].metrics;
        QVERIFY2(outcome.results[0].status == engine::RunStatus::Complete, outcome.results[0].message.c_str());
        const auto first = test::metricValue(m, "time_to_first_response");
        QVERIFY(first && *first > 0 && *first < 5);
        QVERIFY(test::metricValue(m, "max_pods").value_or(0) >= 2);
        QVERIFY(test::metricValue(m, "pod_seconds_used").value_or(0) > 0);
        QVERIFY(test::metricValue(m, "pod_seconds_needed").value_or(0) > 0);
        const auto down = test::metricValue(m, "scale_down_seconds");
        QVERIFY2(down && *down > 0 && *down <= 12, "scaled to zero within the silent stage");
        QVERIFY(hasMetric(m, "panic_periods") && hasMetric(m, "steady_p99") && hasMetric(m, "scaleup_p99"));
        // Once the pod count became steady, the latency is split there and measured from the intervals' histograms,
        // which only this scenario keeps after the observers saw them. (A busy machine may never settle in 8 s.)
        if (test::metricValue(m, "time_to_steady_pods"))
            QVERIFY2(test::metricValue(m, "scaleup_p99") || test::metricValue(m, "steady_p99"),
                     "no latency histogram reached the autoscaling summary");
    }

    // perf-cost: one cold-start run per memory limit, each saying which limit it ran with, how much memory the pods
    // used and whether the platform enforced the limit (here, with no cgroup v2 memory controller, a note says why
    // not; where it is enforced, memory_enforced is 1).
    void perfCostRunsEachMemoryLimit() {
        const auto experiment = experimentFrom(
            "  - {id: 030.memory, languages: [python], input: {mb: 8}}\n",
            "  - {name: mem, type: perf-cost, memory: [96Mi, 192Mi], repetitions: 1, warmRequests: 2}\n");
        const auto outcome = run(experiment);
        QCOMPARE(outcome.results.size(), std::size_t(2));
        const double limits[] = {96, 192};
        for (std::size_t i = 0; i < 2; ++i) {
            const auto& result = outcome.results[i];
            QVERIFY2(result.status == engine::RunStatus::Complete, result.message.c_str());
            QCOMPARE(test::metricValue(result.metrics, "memory_limit").value_or(0), limits[i]);
            QCOMPARE(outcome.observer->started[i].config["function"]["memory"].get<std::string>(),
                     i == 0 ? std::string("96Mi") : std::string("192Mi"));
            QVERIFY(test::metricValue(result.metrics, "cold_start_p50").value_or(0) > 0);
            const auto enforced = test::metricValue(result.metrics, "memory_enforced");
            QVERIFY2(enforced.has_value(), "the local platform always says whether it enforced the limit");
            if (*enforced == 0)
                QVERIFY2(result.message.find("not enforceable here") != std::string::npos, result.message.c_str());
            const auto peak = test::metricValue(result.metrics, "peak_memory");
            QVERIFY2(!peak || (*peak > 0 && *peak < 4096), "pod memory in MiB when sampled");
        }
    }

    void cleanupTestCase() { m_platform.reset(); }

private:
    QTemporaryDir m_state;
    std::unique_ptr<platform::Platform> m_platform;
};

QTEST_GUILESS_MAIN(TestScenarioCore)
#include "tst_scenario_core.moc"
