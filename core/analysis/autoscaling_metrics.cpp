// Definitions (all times on the cell timeline, ms; ready = the summed ready count of every revision, a step function
// from each sample until the next, see analysis/ready_steps.h):
//
// - peak stage: the stage with the highest target rate (mean of its from/to rates); the first of equals.
// - steady_pods: the ready count the revision holds over the last 25% of the peak stage: the count held longest there
//   (time-weighted mode; of equal times the larger count). nullopt when no count is known in that window.
// - time_to_steady_pods: from the peak stage's start to the first time T at which ready >= steady_pods and stays so
//   until the stage ends (0 when it already was at the start; time before the first sample counts as below).
//   nullopt when the count is below steady_pods at the stage's end.
// - panic_periods / panic_seconds: the autoscaler is in panic while any revision's latest sample says panic. A period
//   is a maximal run of samples in panic; it ends at the first sample that leaves it, or at the last sample of the
//   cell when none does. Only the part from loadStartMs on counts. nullopt when no sample carries a panic flag.
// - pod_seconds_used: the integral of ready over [loadStartMs, loadEndMs] (where known).
// - pod_seconds_needed: over the measured intervals (clipped to the load), pods needed x interval length, with
//   pods needed = ceil(concurrency / targetPerPod), concurrency = achievedRate x mean service time (Little's law:
//   the time a request spends at the platform; the corrected latency would add the generator's own backlog); the
//   interval's uncorrected p50 stands in when it has no histogram. With targetIsRps: ceil(achievedRate / target).
// - overprovisioning: (used - needed) / needed in %; nullopt when needed is 0.
// - scaleup_p99 / steady_p99: p99 of the corrected latency of the intervals that start before / from the steady time
//   (peak start + time_to_steady_pods), histograms merged.
// - scale_down_seconds: lastPodGoneMs - loadEndMs when observed.
#include "analysis/autoscaling_metrics.h"

#include "analysis/ready_steps.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace faaswb::analysis {
namespace {

constexpr double kSecondsPerMs = 1e-3;

struct StageWindow {
    std::int64_t beginMs = 0;
    std::int64_t endMs = 0;
};

std::optional<StageWindow> peakStage(const std::vector<load::RateStage>& stages, std::int64_t loadStartMs) {
    std::optional<StageWindow> peak;
    double peakRate = -1;
    std::int64_t beginMs = loadStartMs;
    for (const load::RateStage& stage : stages) {
        const auto endMs = beginMs + std::chrono::duration_cast<std::chrono::milliseconds>(stage.duration).count();
        const double rate = (stage.fromRps + stage.toRps) / 2;
        if (rate > peakRate && endMs > beginMs) {
            peakRate = rate;
            peak = StageWindow{beginMs, endMs};
        }
        beginMs = endMs;
    }
    return peak;
}

std::optional<int> steadyPods(const std::vector<ReadyStep>& steps, const StageWindow& peak) {
    std::map<int, std::int64_t> heldMs; // ready count -> time held
    const std::int64_t tailBeginMs = peak.endMs - (peak.endMs - peak.beginMs) / 4;
    forEachReadySegment(steps, tailBeginMs, peak.endMs,
                        [&](std::int64_t begin, std::int64_t end, int ready) { heldMs[ready] += end - begin; });
    std::optional<int> mode;
    std::int64_t longest = 0;
    for (const auto& [ready, ms] : heldMs) { // ascending counts: `>=` lets the larger of equal times win
        if (ms >= longest) {
            longest = ms;
            mode = ready;
        }
    }
    return mode;
}

std::optional<std::int64_t> steadySinceMs(const std::vector<ReadyStep>& steps, const StageWindow& peak, int steady) {
    std::optional<std::int64_t> since; // start of the current run at or above `steady`
    forEachReadySegment(steps, peak.beginMs, peak.endMs, [&](std::int64_t begin, std::int64_t, int ready) {
        if (ready >= steady && !since)
            since = begin;
        else if (ready < steady)
            since.reset();
    });
    return since;
}

struct PanicTime {
    int periods = 0;
    std::int64_t ms = 0;
};

std::optional<PanicTime> panicTime(std::span<const platform::ScaleSample> samples, std::int64_t loadStartMs) {
    std::vector<const platform::ScaleSample*> known;
    std::int64_t lastSampleMs = 0;
    for (const platform::ScaleSample& sample : samples) {
        lastSampleMs = std::max(lastSampleMs, sample.tMs);
        if (sample.panic)
            known.push_back(&sample);
    }
    if (known.empty())
        return std::nullopt;
    std::stable_sort(known.begin(), known.end(), [](auto* a, auto* b) { return a->tMs < b->tMs; });
    std::map<std::string, bool> latest; // revision -> in panic
    std::optional<std::int64_t> since;  // start of the open period
    PanicTime total;
    const auto close = [&](std::int64_t endMs) {
        if (endMs >= loadStartMs && (endMs > loadStartMs || *since >= loadStartMs)) {
            ++total.periods;
            total.ms += endMs - std::max(*since, loadStartMs);
        }
        since.reset();
    };
    for (std::size_t i = 0; i < known.size(); ++i) {
        latest[known[i]->revision] = *known[i]->panic;
        if (i + 1 < known.size() && known[i + 1]->tMs == known[i]->tMs)
            continue; // the state is the one after every sample of this instant
        const bool inPanic = std::any_of(latest.begin(), latest.end(), [](const auto& e) { return e.second; });
        if (inPanic && !since)
            since = known[i]->tMs;
        else if (!inPanic && since)
            close(known[i]->tMs);
    }
    if (since)
        close(std::max(lastSampleMs, *since));
    return total;
}

std::optional<double> podSecondsUsed(const std::vector<ReadyStep>& steps, std::int64_t fromMs, std::int64_t toMs) {
    std::optional<double> podMs;
    forEachReadySegment(steps, fromMs, toMs, [&](std::int64_t begin, std::int64_t end, int ready) {
        podMs = podMs.value_or(0) + static_cast<double>(ready) * static_cast<double>(end - begin);
    });
    if (!podMs)
        return std::nullopt;
    return *podMs * kSecondsPerMs;
}

// Mean time at the platform in seconds: the service-time histogram's mean, else its p50; nullopt when unknown.
std::optional<double> serviceSeconds(const load::IntervalSnapshot& interval) {
    for (const auto& histogram : {interval.serviceTime, interval.latency})
        if (histogram && histogram->totalCount() > 0)
            return histogram->mean() * 1e-6;
    if (interval.uncorrected.p50 > 0)
        return static_cast<double>(interval.uncorrected.p50) * 1e-6;
    return std::nullopt;
}

std::optional<int> podsNeeded(const load::IntervalSnapshot& interval, const AutoscalingInput& input) {
    constexpr double kSlack = 1e-9; // ceil(2.0000000001) must stay 2
    const double rate = interval.achievedRate;
    if (rate <= 0)
        return 0;
    if (input.targetIsRps)
        return static_cast<int>(std::ceil(rate / input.targetPerPod - kSlack));
    const std::optional<double> seconds = serviceSeconds(interval);
    if (!seconds)
        return std::nullopt;
    return static_cast<int>(std::ceil(rate * *seconds / input.targetPerPod - kSlack));
}

std::optional<double> podSecondsNeeded(const AutoscalingInput& input) {
    if (input.intervals.empty() || !(input.targetPerPod > 0))
        return std::nullopt;
    double podMs = 0;
    for (const load::IntervalSnapshot& interval : input.intervals) {
        const std::int64_t begin = std::max(interval.startMs, input.loadStartMs);
        const std::int64_t end = std::min(interval.endMs, input.loadEndMs);
        if (end <= begin)
            continue;
        const std::optional<int> pods = podsNeeded(interval, input);
        if (!pods)
            return std::nullopt;
        podMs += static_cast<double>(*pods) * static_cast<double>(end - begin);
    }
    return podMs * kSecondsPerMs;
}

// p99 (ms) of the corrected latency of the intervals `take` selects, their histograms merged.
template <class Take>
std::optional<double> mergedP99(std::span<const load::IntervalSnapshot> intervals, Take take) {
    std::optional<load::LatencyHistogram> merged;
    for (const load::IntervalSnapshot& interval : intervals) {
        if (!take(interval) || !interval.latency)
            continue;
        if (!merged)
            merged.emplace(interval.latency->lowestDiscernibleValue(), interval.latency->highestTrackableValue(),
                           interval.latency->significantDigits());
        merged->merge(*interval.latency);
    }
    if (!merged || merged->totalCount() == 0)
        return std::nullopt;
    return static_cast<double>(merged->valueAtPercentile(99)) * 1e-3;
}

std::optional<double> seconds(std::optional<std::int64_t> ms) {
    return ms ? std::optional(static_cast<double>(*ms) * kSecondsPerMs) : std::nullopt;
}

// Sets steady_pods and time_to_steady_pods; returns when the count became steady.
std::optional<std::int64_t> addSteadyMetrics(RunMetrics& metrics, const AutoscalingInput& input,
                                             const std::vector<ReadyStep>& steps) {
    const std::optional<StageWindow> peak = peakStage(input.stages, input.loadStartMs);
    const std::optional<int> steady = peak ? steadyPods(steps, *peak) : std::nullopt;
    const std::optional<std::int64_t> steadyMs = steady ? steadySinceMs(steps, *peak, *steady) : std::nullopt;
    metrics.set("time_to_steady_pods", seconds(steadyMs ? std::optional(*steadyMs - peak->beginMs) : std::nullopt));
    metrics.set("steady_pods", steady ? std::optional<double>(*steady) : std::nullopt);
    return steadyMs;
}

void addPanicMetrics(RunMetrics& metrics, const AutoscalingInput& input) {
    const std::optional<PanicTime> panic =
        input.podsSupported ? panicTime(input.scale, input.loadStartMs) : std::nullopt;
    metrics.set("panic_periods", panic ? std::optional<double>(panic->periods) : std::nullopt);
    metrics.set("panic_seconds", seconds(panic ? std::optional(panic->ms) : std::nullopt));
}

void addPodSecondsMetrics(RunMetrics& metrics, const AutoscalingInput& input, const std::vector<ReadyStep>& steps) {
    const std::optional<double> used = podSecondsUsed(steps, input.loadStartMs, input.loadEndMs);
    const std::optional<double> needed = podSecondsNeeded(input);
    metrics.set("pod_seconds_used", used);
    metrics.set("pod_seconds_needed", needed);
    metrics.set("overprovisioning",
                used && needed && *needed > 0 ? std::optional((*used - *needed) / *needed * 100) : std::nullopt);
}

void addLatencySplitMetrics(RunMetrics& metrics, const AutoscalingInput& input, std::optional<std::int64_t> steadyMs) {
    const auto before = [&](const load::IntervalSnapshot& i) { return i.startMs < *steadyMs; };
    const auto after = [&](const load::IntervalSnapshot& i) { return i.startMs >= *steadyMs; };
    metrics.set("scaleup_p99", steadyMs ? mergedP99(input.intervals, before) : std::nullopt);
    metrics.set("steady_p99", steadyMs ? mergedP99(input.intervals, after) : std::nullopt);
}

} // namespace

// Metrics are set in catalogue order.
void addAutoscalingMetrics(RunMetrics& metrics, const AutoscalingInput& input) {
    const std::optional<std::int64_t> firstMs = input.firstSuccessMs;
    metrics.set("time_to_first_response",
                seconds(firstMs ? std::optional(*firstMs - input.loadStartMs) : std::nullopt));
    const std::vector<ReadyStep> steps = input.podsSupported ? readySteps(input.scale) : std::vector<ReadyStep>{};
    const std::optional<std::int64_t> steadyMs = addSteadyMetrics(metrics, input, steps);
    addPanicMetrics(metrics, input);
    addPodSecondsMetrics(metrics, input, steps);
    addLatencySplitMetrics(metrics, input, steadyMs);
    const std::optional<std::int64_t> lastGoneMs = input.podsSupported ? input.lastPodGoneMs : std::nullopt;
    metrics.set("scale_down_seconds",
                seconds(lastGoneMs ? std::optional(*lastGoneMs - input.loadEndMs) : std::nullopt));
}

} // namespace faaswb::analysis
