// cold-start and perf-cost (SeBS cold mode): N times force a cold start, send one request, then `warmRequests` warm
// ones; the summary compares the cold and warm latency distributions and breaks the cold requests down by hop where
// the platform's traces reveal it. perf-cost runs the same at each memory limit of its sweep and reports whether the
// platform enforced the limit and how much memory the pods used.
#include "engine/chain_metrics.h" // chain::percentile
#include "engine/scenario_driver.h"
#include "kube/quantity.h"
#include "trace/breakdown.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_set>

namespace faaswb::engine {
namespace {

std::optional<double> mean(const std::vector<double>& values) {
    if (values.empty())
        return std::nullopt;
    return std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
}

// A hop of the cold traces: median of the known (>= 0) values; nullopt when no trace revealed it.
std::optional<double> medianHop(const std::vector<trace::TraceHops>& traces, double trace::HopTimes::*hop) {
    std::vector<double> known;
    for (const auto& trace : traces)
        if (trace.hops.*hop >= 0)
            known.push_back(trace.hops.*hop);
    return chain::percentile(std::move(known), 50);
}

load::LoadModel sequentialRequests(std::uint64_t count, std::chrono::milliseconds timeout) {
    load::LoadModel model = load::LoadModel::virtualUsers(1, (timeout + std::chrono::seconds(1)) * count);
    model.maxRequests = count;
    return model;
}

class ColdStartDriver final : public ScenarioDriver {
public:
    Status run(CellContext& cell) override {
        if (!cell.platform().supports(platform::Capability::ForceColdStart))
            return Error{ErrorCode::Platform, std::string(model::scenarioTypeName(cell.scenario().type)) +
                                                  " scenario '" + cell.scenario().name +
                                                  "' needs a platform that can force cold starts; platform '" +
                                                  cell.experiment().platform + "' cannot"};
        const int repetitions = cell.scenario().repetitions;
        const int warm = cell.scenario().coldStart.warmRequests;
        const load::RequestSpec request = cell.request();
        for (int i = 1; i <= repetitions; ++i) {
            cell.phase("cold-start " + std::to_string(i) + "/" + std::to_string(repetitions));
            if (Status cold = cell.platform().forceColdStart(cell.deployment(), cell.stop()); !cold)
                return cold;
            if (Status one = measure(cell, request, 1, m_cold); !one)
                return one;
            if (warm > 0)
                if (Status rest = measure(cell, request, std::uint64_t(warm), m_warm); !rest)
                    return rest;
        }
        return {};
    }

    void summarize(CellContext& cell, std::span<const trace::Span> spans) override {
        auto& metrics = cell.metrics();
        const auto cold = latencies(m_cold);
        const auto warm = latencies(m_warm);
        metrics.set("cold_start_p50", chain::percentile(cold, 50));
        metrics.set("cold_start_p90", chain::percentile(cold, 90));
        metrics.set("cold_start_mean", mean(cold));
        metrics.set("warm_p50", chain::percentile(warm, 50));
        metrics.set("warm_mean", mean(warm));
        const auto coldMedian = metrics.get("cold_start_p50");
        const auto warmMedian = metrics.get("warm_p50");
        metrics.set("cold_warm_ratio", coldMedian && warmMedian && *warmMedian > 0
                                           ? std::optional<double>(*coldMedian / *warmMedian)
                                           : std::nullopt);
        summarizeTraces(metrics, spans);
        if (cell.scenario().type == model::ScenarioType::PerfCost)
            summarizeMemory(cell);
    }

private:
    static std::vector<double> latencies(const std::vector<load::RequestRecord>& records) {
        std::vector<double> ms;
        for (const auto& record : records)
            if (record.error == load::ErrorKind::None)
                ms.push_back(double(record.latencyUs) / 1000.0);
        return ms;
    }

    static Status measure(CellContext& cell, const load::RequestSpec& request, std::uint64_t count,
                          std::vector<load::RequestRecord>& into) {
        auto result = cell.drive(request, sequentialRequests(count, request.timeout), keptDrive());
        if (!result)
            return result.error();
        // The load engine stops waiting for the last request of a fixed count after a short drain; a slow cold
        // start can end there unrecorded. Say so rather than summarise fewer requests without a word.
        if (result->records.size() < count)
            cell.note(std::to_string(count - result->records.size()) + " of " + std::to_string(count) +
                      " requests got no answer before the load engine stopped waiting; they are not in the summary");
        into.insert(into.end(), result->records.begin(), result->records.end());
        return {};
    }

    // The hops of the forced-cold requests' traces (by the trace id each request carried).
    void summarizeTraces(analysis::RunMetrics& metrics, std::span<const trace::Span> spans) const {
        std::unordered_set<std::string> coldTraces;
        for (const auto& record : m_cold)
            if (!record.traceId.empty())
                coldTraces.insert(record.traceId);
        std::vector<trace::TraceHops> cold;
        for (auto& trace : trace::hopsPerTrace(spans))
            if (coldTraces.contains(trace.traceId))
                cold.push_back(std::move(trace));
        metrics.set("cold_activator_wait_p50", medianHop(cold, &trace::HopTimes::activatorWaitMs));
        metrics.set("cold_init_p50", medianHop(cold, &trace::HopTimes::initMs));
        metrics.set("cold_handler_p50", medianHop(cold, &trace::HopTimes::functionMs));
    }

    static void summarizeMemory(CellContext& cell) {
        auto& metrics = cell.metrics();
        std::optional<double> limit;
        if (const auto& memory = cell.plan().function.memory)
            if (auto bytes = kube::parseQuantity(*memory))
                limit = *bytes / (1024.0 * 1024.0);
        metrics.set("memory_limit", limit);
        const auto& enforced = cell.deployment().memoryEnforced;
        if (enforced && !*enforced)
            cell.note(cell.deployment().memoryNote.empty() ? "memory limit not enforced by the platform"
                                                           : cell.deployment().memoryNote);
        metrics.set("memory_enforced", enforced ? std::optional<double>(*enforced ? 1.0 : 0.0) : std::nullopt);
        std::optional<double> peak;
        for (const auto& sample : cell.podMetricsSamples())
            if (sample.memoryBytes)
                peak = std::max(peak.value_or(0.0), double(*sample.memoryBytes) / (1024.0 * 1024.0));
        metrics.set("peak_memory", peak);
    }

    std::vector<load::RequestRecord> m_cold;
    std::vector<load::RequestRecord> m_warm;
};

} // namespace

std::unique_ptr<ScenarioDriver> makeColdStartDriver() {
    return std::make_unique<ColdStartDriver>();
}

} // namespace faaswb::engine
