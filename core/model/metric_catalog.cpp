#include "model/metric_catalog.h"

#include <array>

namespace faaswb::model {
namespace {

using enum MetricUnit;
using T = ScenarioType;

constexpr std::array kCold{T::ColdStart, T::PerfCost};
constexpr std::array kPerfCost{T::PerfCost};
constexpr std::array kAutoscaling{T::Autoscaling};
constexpr std::array kBatch{T::Batch};
constexpr std::array kChain{T::WorkflowChain};
constexpr std::array kEventing{T::Eventing};
constexpr std::array kReplay{T::TraceReplay};

constexpr MetricInfo metric(std::string_view name, MetricUnit unit, std::string_view description,
                            std::span<const ScenarioType> types = {}, bool family = false) {
    return MetricInfo{name, unit, description, family, types};
}

// Names are stable: thresholds, summary CSV headers and stored run_metrics rows use them.
constexpr std::array kCatalog{
    // every scenario that sends load (measured phase; latency corrected from the intended send time)
    metric("requests", Count, "requests completed"),
    metric("errors", Count, "requests failed (any kind)"),
    metric("error_rate", Percent, "errors / requests"),
    metric("throughput", PerSecond, "requests completed per second"),
    metric("p50", Milliseconds, "latency median"),
    metric("p90", Milliseconds, "latency 90th percentile"),
    metric("p99", Milliseconds, "latency 99th percentile"),
    metric("p999", Milliseconds, "latency 99.9th percentile"),
    metric("max", Milliseconds, "latency maximum"),
    metric("mean", Milliseconds, "latency mean"),
    metric("cold_starts", Count, "responses that waited for an instance to start"),
    metric("aborted", Count, "requests still unanswered when the drive ended or was stopped (in no latency or error)"),
    metric("max_pods", Count, "most ready pods at once (null: the platform reports no pods)"),
    metric("mean_pods", Count, "time-weighted mean of ready pods"),
    metric("queue_wait_p50", Milliseconds, "median wait in the activator and queue-proxy (from traces)"),
    // cold-start, perf-cost
    metric("cold_start_p50", Milliseconds, "median latency of the forced cold requests", kCold),
    metric("cold_start_p90", Milliseconds, "90th percentile latency of the cold requests", kCold),
    metric("cold_start_mean", Milliseconds, "mean latency of the cold requests", kCold),
    metric("warm_p50", Milliseconds, "median latency of the warm requests after each cold one", kCold),
    metric("warm_mean", Milliseconds, "mean latency of the warm requests", kCold),
    metric("cold_warm_ratio", Ratio, "cold_start_p50 / warm_p50", kCold),
    metric("cold_activator_wait_p50", Milliseconds, "median wait for an instance (traces)", kCold),
    metric("cold_init_p50", Milliseconds, "median process start to ready (traces)", kCold),
    metric("cold_handler_p50", Milliseconds, "median handler time of cold requests (traces)", kCold),
    metric("memory_limit", Mebibytes, "the memory limit asked for", kPerfCost),
    metric("memory_enforced", Flag, "1 when the platform enforced the limit, 0 when it could not", kPerfCost),
    metric("peak_memory", Mebibytes, "largest pod memory seen (pod metrics)", kPerfCost),
    // autoscaling
    metric("time_to_first_response", Seconds, "load start to the first successful response", kAutoscaling),
    metric("time_to_steady_pods", Seconds, "start of the peak stage to reaching its steady pod count", kAutoscaling),
    metric("steady_pods", Count, "ready pods held through the end of the peak stage", kAutoscaling),
    metric("panic_periods", Count, "separate periods the autoscaler spent in panic mode", kAutoscaling),
    metric("panic_seconds", Seconds, "time spent in panic mode", kAutoscaling),
    metric("pod_seconds_used", PodSeconds, "integral of ready pods over the load", kAutoscaling),
    metric("pod_seconds_needed", PodSeconds, "integral of ceil(concurrency / target) over the load", kAutoscaling),
    metric("overprovisioning", Percent, "(used - needed) / needed", kAutoscaling),
    metric("scaleup_p99", Milliseconds, "p99 latency before the steady pod count was reached", kAutoscaling),
    metric("steady_p99", Milliseconds, "p99 latency once the pod count was steady", kAutoscaling),
    metric("scale_down_seconds", Seconds, "end of load to the last pod gone (null: not observed)", kAutoscaling),
    // batch
    metric("records", Count, "records processed", kBatch),
    metric("failed_records", Count, "records in failed batches", kBatch),
    metric("records_per_second", PerSecond, "records / completion time", kBatch),
    metric("completion_seconds", Seconds, "first batch sent to last result written", kBatch),
    metric("sink_rows", Count, "rows written to the sink table", kBatch),
    // workflow-chain
    metric("end_to_end_p50", Milliseconds, "median chain latency, first step received to last step done", kChain),
    metric("end_to_end_p99", Milliseconds, "p99 chain latency", kChain),
    metric("handover_p50", Milliseconds, "median handover latency of one hop (.hop1 = step 1 -> 2)", kChain, true),
    metric("handover_sum_p50", Milliseconds, "sum of the hops' median handovers", kChain),
    // eventing
    metric("events_sent", Count, "CloudEvents accepted by the broker", kEventing),
    metric("events_expected", Count, "events_sent x triggers", kEventing),
    metric("events_delivered", Count, "distinct events the consumers received", kEventing),
    metric("events_lost", Count, "expected - delivered", kEventing),
    metric("events_duplicated", Count, "deliveries of an event id already received", kEventing),
    metric("loss_rate", Percent, "events_lost / events_expected", kEventing),
    metric("delivery_p50", Milliseconds, "median send-to-consumer latency", kEventing),
    metric("delivery_p99", Milliseconds, "p99 send-to-consumer latency", kEventing),
    metric("delivery_mean", Milliseconds, "mean send-to-consumer latency", kEventing),
    // trace-replay
    metric("arrivals_scheduled", Count, "arrivals the trace asked for", kReplay),
    metric("replayed_seconds", Seconds, "length of the replayed schedule", kReplay),
};

} // namespace

const char* metricUnitName(MetricUnit unit) noexcept {
    switch (unit) {
    case Milliseconds:
        return "ms";
    case Seconds:
        return "s";
    case Percent:
        return "%";
    case PerSecond:
        return "1/s";
    case Count:
        return "count";
    case PodSeconds:
        return "pod*s";
    case Mebibytes:
        return "MiB";
    case Ratio:
        return "ratio";
    case Flag:
        return "flag";
    }
    return "";
}

std::span<const MetricInfo> metricCatalog() {
    return kCatalog;
}

const MetricInfo* findMetric(std::string_view name) {
    const auto dot = name.find('.');
    const std::string_view family = name.substr(0, dot);
    for (const MetricInfo& info : kCatalog) {
        if (info.name != family)
            continue;
        if (dot != std::string_view::npos && (!info.family || dot + 1 == name.size()))
            return nullptr;
        return &info;
    }
    return nullptr;
}

} // namespace faaswb::model
