// Autoscaling metrics on synthetic timelines with answers worked out by hand: a step load (10 s at 0 rps, then 20 s
// at 100 rps) whose pods go 0 -> 5 at 14 s into the load, two panic periods of 3 samples, Little's-law pod needs.
#include "analysis/autoscaling_metrics.h"

#include <QtTest>
#include <cmath>

using namespace faaswb;
using namespace faaswb::analysis;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kLoadStartMs = 5000; // the load starts 5 s into the cell (deploy, warm-up before)
constexpr std::int64_t kPeakStartMs = kLoadStartMs + 10'000;
constexpr std::int64_t kLoadEndMs = kLoadStartMs + 30'000;
constexpr std::int64_t kPodsReadyMs = kLoadStartMs + 14'000;

std::shared_ptr<const load::LatencyHistogram> histogramOf(std::int64_t valueUs, std::int64_t count) {
    auto histogram = std::make_shared<load::LatencyHistogram>();
    if (count > 0)
        histogram->record(valueUs, count);
    return histogram;
}

// One second of load at `rate` whose requests took `serviceUs` at the platform and `latencyUs` from intended send.
load::IntervalSnapshot interval(std::int64_t startMs, double rate, std::int64_t serviceUs, std::int64_t latencyUs) {
    load::IntervalSnapshot snapshot;
    snapshot.startMs = startMs;
    snapshot.endMs = startMs + 1000;
    snapshot.targetRate = rate;
    snapshot.achievedRate = rate;
    snapshot.requests = static_cast<std::uint64_t>(rate);
    snapshot.serviceTime = histogramOf(serviceUs, static_cast<std::int64_t>(rate));
    snapshot.latency = histogramOf(latencyUs, static_cast<std::int64_t>(rate));
    return snapshot;
}

// Scale-up intervals (before the pods are ready): 1 s at the platform, 2 s latency; then 100 ms and 50 ms.
std::vector<load::IntervalSnapshot> stepIntervals() {
    std::vector<load::IntervalSnapshot> intervals;
    for (std::int64_t t = kLoadStartMs; t < kLoadEndMs; t += 1000) {
        if (t < kPeakStartMs)
            intervals.push_back(interval(t, 0, 0, 0));
        else if (t < kPodsReadyMs)
            intervals.push_back(interval(t, 100, 1'000'000, 2'000'000));
        else
            intervals.push_back(interval(t, 100, 100'000, 50'000));
    }
    return intervals;
}

bool inPanic(std::int64_t tMs) {
    return (tMs >= 16'000 && tMs <= 18'000) || (tMs >= 25'000 && tMs <= 27'000);
}

// A sample a second, ready 5 from kPodsReadyMs until 40 s; panic in [16 s, 18 s] and [25 s, 27 s] (3 samples each).
std::vector<platform::ScaleSample> stepSamples() {
    std::vector<platform::ScaleSample> samples;
    for (std::int64_t t = 0; t <= 45'000; t += 1000) {
        platform::ScaleSample sample;
        sample.tMs = t;
        sample.revision = "sleep-00001";
        sample.ready = t >= kPodsReadyMs && t < 40'000 ? 5 : 0;
        sample.panic = inPanic(t);
        samples.push_back(sample);
    }
    return samples;
}

AutoscalingInput stepInput(const std::vector<load::IntervalSnapshot>& intervals,
                           const std::vector<platform::ScaleSample>& samples) {
    AutoscalingInput input;
    input.intervals = intervals;
    input.scale = samples;
    input.stages = {load::RateStage{0, 0, 10s}, load::RateStage{100, 100, 20s}};
    input.loadStartMs = kLoadStartMs;
    input.loadEndMs = kLoadEndMs;
    input.firstSuccessMs = kLoadStartMs + 12'500;
    input.lastPodGoneMs = 40'000;
    input.targetPerPod = 7;
    return input;
}

bool near(std::optional<double> value, double expected, double tolerance = 1e-9) {
    return value && std::abs(*value - expected) <= tolerance;
}

QByteArray show(std::optional<double> value) {
    return value ? QByteArray::number(*value, 'g', 12) : QByteArray("nullopt");
}

} // namespace

class TestAutoscalingMetrics : public QObject {
    Q_OBJECT

private slots:
    void stepLoad() {
        const auto intervals = stepIntervals();
        const auto samples = stepSamples();
        RunMetrics metrics;
        addAutoscalingMetrics(metrics, stepInput(intervals, samples));
        QVERIFY2(near(metrics.get("time_to_first_response"), 12.5), show(metrics.get("time_to_first_response")));
        QCOMPARE(metrics.get("steady_pods"), std::optional<double>(5));
        QVERIFY2(near(metrics.get("time_to_steady_pods"), 4), show(metrics.get("time_to_steady_pods")));
        QCOMPARE(metrics.get("panic_periods"), std::optional<double>(2));
        QVERIFY2(near(metrics.get("panic_seconds"), 6), show(metrics.get("panic_seconds"))); // 16..19 s, 25..28 s
        // 5 pods from 19 s to the load's end at 35 s
        QVERIFY2(near(metrics.get("pod_seconds_used"), 80), show(metrics.get("pod_seconds_used")));
        // 4 s at 100/s x ~1 s = 100 concurrent -> ceil(100 / 7) = 15 pods; 16 s at 100/s x 0.1 s -> 2 pods
        QVERIFY2(near(metrics.get("pod_seconds_needed"), 4 * 15 + 16 * 2), show(metrics.get("pod_seconds_needed")));
        QVERIFY2(near(metrics.get("overprovisioning"), (80.0 - 92.0) / 92.0 * 100),
                 show(metrics.get("overprovisioning")));
        // HdrHistogram: 3 significant digits
        QVERIFY2(near(metrics.get("scaleup_p99"), 2000, 2.0), show(metrics.get("scaleup_p99")));
        QVERIFY2(near(metrics.get("steady_p99"), 50, 0.05), show(metrics.get("steady_p99")));
        QVERIFY2(near(metrics.get("scale_down_seconds"), 5), show(metrics.get("scale_down_seconds")));
        QCOMPARE(metrics.values().front().unit, std::string("s"));
    }

    void podsUnsupportedLeavesPodMetricsUnavailable() {
        const auto intervals = stepIntervals();
        auto samples = stepSamples();
        AutoscalingInput input = stepInput(intervals, samples);
        input.podsSupported = false;
        RunMetrics metrics;
        addAutoscalingMetrics(metrics, input);
        for (const char* name :
             {"steady_pods", "time_to_steady_pods", "panic_periods", "panic_seconds", "pod_seconds_used",
              "overprovisioning", "scaleup_p99", "steady_p99", "scale_down_seconds"}) {
            QVERIFY2(metrics.has(name), name);
            QVERIFY2(!metrics.get(name), name);
        }
        QVERIFY(near(metrics.get("pod_seconds_needed"), 92)); // from the load alone
        QVERIFY(near(metrics.get("time_to_first_response"), 12.5));
    }

    void unobservedInputsAreUnavailableNotZero() {
        const auto intervals = stepIntervals();
        auto samples = stepSamples();
        for (auto& sample : samples)
            sample.panic.reset();
        AutoscalingInput input = stepInput(intervals, samples);
        input.firstSuccessMs.reset();
        input.lastPodGoneMs.reset();
        RunMetrics metrics;
        addAutoscalingMetrics(metrics, input);
        for (const char* name : {"time_to_first_response", "panic_periods", "panic_seconds", "scale_down_seconds"})
            QVERIFY2(metrics.has(name) && !metrics.get(name), name);
        QCOMPARE(metrics.get("steady_pods"), std::optional<double>(5));
    }

    void rpsTargetAndRevisionsSummed() {
        // Ramp 0 -> 100 over 10 s, then 100 for 20 s: the step (mean rate 100) is the peak stage. Two revisions hold
        // 2 + 2 pods from 12 s, then the new one 4 from 20 s (the old one 0): ready stays 4.
        std::vector<load::IntervalSnapshot> intervals;
        for (std::int64_t t = 10'000; t < 30'000; t += 1000)
            intervals.push_back(interval(t, 100, 10'000, 10'000));
        std::vector<platform::ScaleSample> samples;
        const auto add = [&](std::int64_t t, const char* revision, int ready) {
            platform::ScaleSample sample;
            sample.tMs = t;
            sample.revision = revision;
            sample.ready = ready;
            samples.push_back(sample);
        };
        add(0, "old", 1);
        add(12'000, "old", 2);
        add(12'000, "new", 2);
        add(20'000, "new", 4);
        add(20'000, "old", 0);
        AutoscalingInput input;
        input.intervals = intervals;
        input.scale = samples;
        input.stages = {load::RateStage{0, 100, 10s}, load::RateStage{100, 100, 20s}};
        input.loadStartMs = 0;
        input.loadEndMs = 30'000;
        input.targetPerPod = 30; // rps per pod: ceil(100 / 30) = 4
        input.targetIsRps = true;
        RunMetrics metrics;
        addAutoscalingMetrics(metrics, input);
        QCOMPARE(metrics.get("steady_pods"), std::optional<double>(4));
        QVERIFY2(near(metrics.get("time_to_steady_pods"), 2), show(metrics.get("time_to_steady_pods")));
        QVERIFY2(near(metrics.get("pod_seconds_needed"), 20 * 4), show(metrics.get("pod_seconds_needed")));
        // 1 pod x 12 s + 4 pods x 18 s
        QVERIFY2(near(metrics.get("pod_seconds_used"), 12 + 72), show(metrics.get("pod_seconds_used")));
        QVERIFY(near(metrics.get("overprovisioning"), 5));
    }

    void countBelowSteadyAtTheEndHasNoSteadyTime() {
        // Peak stage [0, 20 s); its last quarter [15 s, 20 s) holds 5 pods for 4 s, then 3 pods for the last second.
        std::vector<platform::ScaleSample> samples;
        for (auto [t, ready] : {std::pair{0, 1}, {15'000, 5}, {19'000, 3}}) {
            platform::ScaleSample sample;
            sample.tMs = t;
            sample.ready = ready;
            samples.push_back(sample);
        }
        AutoscalingInput input;
        input.scale = samples;
        input.stages = {load::RateStage{50, 50, 20s}};
        input.loadEndMs = 20'000;
        RunMetrics metrics;
        addAutoscalingMetrics(metrics, input);
        QCOMPARE(metrics.get("steady_pods"), std::optional<double>(5));
        QVERIFY(metrics.has("time_to_steady_pods") && !metrics.get("time_to_steady_pods"));
        QVERIFY(!metrics.get("scaleup_p99") && !metrics.get("steady_p99"));
        QVERIFY(!metrics.get("pod_seconds_needed")); // no intervals
    }
};

QTEST_GUILESS_MAIN(TestAutoscalingMetrics)
#include "tst_autoscaling_metrics.moc"
