#include "analysis/load_metrics.h"

#include "analysis/ready_steps.h"
#include "trace/breakdown.h"

#include <algorithm>
#include <vector>

namespace faaswb::analysis {
namespace {

constexpr double kMsPerUs = 1e-3;

std::optional<double> latencyMs(const load::LatencyHistogram& histogram, double percentile) {
    if (histogram.totalCount() == 0)
        return std::nullopt;
    return static_cast<double>(histogram.valueAtPercentile(percentile)) * kMsPerUs;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

struct PodStats {
    std::optional<double> max;
    std::optional<double> mean;
};

// Time-weighted over the part of [fromMs, toMs] where the count is known (from the first sample on). An empty window
// takes the count in effect at its single point.
PodStats podStats(const std::vector<ReadyStep>& steps, std::int64_t fromMs, std::int64_t toMs) {
    PodStats stats;
    double area = 0;
    std::int64_t knownMs = 0;
    const std::int64_t windowEnd = std::max(toMs, fromMs + 1);
    forEachReadySegment(steps, fromMs, windowEnd, [&](std::int64_t begin, std::int64_t end, int ready) {
        stats.max = std::max(stats.max.value_or(0), static_cast<double>(ready));
        const std::int64_t length = std::min(end, toMs) - begin;
        area += static_cast<double>(ready) * static_cast<double>(std::max<std::int64_t>(length, 0));
        knownMs += std::max<std::int64_t>(length, 0);
    });
    if (knownMs > 0)
        stats.mean = area / static_cast<double>(knownMs);
    else
        stats.mean = stats.max;
    return stats;
}

} // namespace

void addLoadMetrics(RunMetrics& metrics, const load::LoadSummary& summary) {
    const auto requests = static_cast<double>(summary.requests);
    metrics.set("requests", requests);
    metrics.set("errors", static_cast<double>(summary.errors));
    metrics.set("error_rate", summary.requests == 0
                                  ? std::nullopt
                                  : std::optional(100.0 * static_cast<double>(summary.errors) / requests));
    metrics.set("throughput", summary.elapsedSeconds > 0 ? std::optional(summary.achievedRate) : std::nullopt);
    const load::LatencyHistogram& latency = summary.latency;
    metrics.set("p50", latencyMs(latency, 50));
    metrics.set("p90", latencyMs(latency, 90));
    metrics.set("p99", latencyMs(latency, 99));
    metrics.set("p999", latencyMs(latency, 99.9));
    metrics.set("max", latency.totalCount() == 0 ? std::nullopt
                                                 : std::optional(static_cast<double>(latency.max()) * kMsPerUs));
    metrics.set("mean", latency.totalCount() == 0 ? std::nullopt : std::optional(latency.mean() * kMsPerUs));
    metrics.set("cold_starts", static_cast<double>(summary.coldStarts));
    metrics.set("aborted", static_cast<double>(summary.aborted()));
}

void addPodMetrics(RunMetrics& metrics, std::span<const platform::ScaleSample> samples, std::int64_t fromMs,
                   std::int64_t toMs, bool podsSupported) {
    PodStats stats;
    if (podsSupported)
        stats = podStats(readySteps(samples), fromMs, toMs);
    metrics.set("max_pods", stats.max);
    metrics.set("mean_pods", stats.mean);
}

void addTraceMetrics(RunMetrics& metrics, std::span<const trace::Span> spans, bool tracesSupported) {
    std::vector<double> waits;
    if (tracesSupported) {
        for (const trace::TraceHops& trace : trace::hopsPerTrace(spans)) {
            const trace::HopTimes& hops = trace.hops;
            // -1 = that component was not in the path (no wait there); a trace that shows neither tells nothing.
            if (hops.activatorWaitMs < 0 && hops.queueWaitMs < 0)
                continue;
            waits.push_back(std::max(0.0, hops.activatorWaitMs) + std::max(0.0, hops.queueWaitMs));
        }
    }
    metrics.set("queue_wait_p50", waits.empty() ? std::nullopt : std::optional(median(std::move(waits))));
}

} // namespace faaswb::analysis
