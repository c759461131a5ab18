// autoscaling: load stages (steps, ramps, sines) from zero pods, then the scale-up / steady / scale-down summary
// (analysis/autoscaling_metrics.h) from the pod counts the platform reported while it ran.
#include "analysis/autoscaling_metrics.h"
#include "engine/scenario_load.h"

#include <algorithm>
#include <map>

namespace faaswb::engine {
namespace {

using Millis = std::chrono::milliseconds;

// Where the load really ends: stages that only hold 0 req/s at the end are the scale-down observation window.
std::int64_t loadEndMs(const std::vector<load::RateStage>& stages, std::int64_t startMs) {
    std::int64_t at = startMs;
    std::int64_t end = startMs;
    for (const auto& stage : stages) {
        at += std::chrono::duration_cast<Millis>(stage.duration).count();
        if (stage.fromRps > 0 || stage.toRps > 0)
            end = at;
    }
    return end;
}

// The first time at or after `from` when no revision had a ready pod (the latest sample of each revision counts).
std::optional<std::int64_t> lastPodGone(const std::vector<platform::ScaleSample>& samples, std::int64_t from) {
    std::map<std::string, int> ready;
    for (const auto& sample : samples) {
        if (!sample.ready)
            continue;
        ready[sample.revision] = *sample.ready;
        if (sample.tMs < from)
            continue;
        const bool none = std::all_of(ready.begin(), ready.end(), [](const auto& entry) { return entry.second == 0; });
        if (none)
            return sample.tMs;
    }
    return std::nullopt;
}

// Per-pod capacity as the KPA sees it: target (capped by containerConcurrency) times the utilisation.
void setTarget(analysis::AutoscalingInput& input, const model::BenchmarkConfig& benchmark, int containerConcurrency) {
    const auto& autoscaling = benchmark.autoscaling;
    input.targetIsRps = autoscaling.metric && *autoscaling.metric == "rps";
    double target = autoscaling.target.value_or(input.targetIsRps ? 200.0 : 100.0);
    if (!input.targetIsRps && containerConcurrency > 0)
        target = std::min(target, double(containerConcurrency));
    input.targetPerPod = target * autoscaling.targetUtilizationPercentage.value_or(70.0) / 100.0;
}

class AutoscalingDriver final : public ScenarioDriver {
public:
    Status run(CellContext& cell) override {
        const auto& minScale = cell.plan().benchmark->autoscaling.minScale;
        if (cell.platform().supports(platform::Capability::ForceColdStart) && minScale.value_or(0) == 0) {
            cell.phase("scale to zero");
            if (Status zero = cell.platform().forceColdStart(cell.deployment(), cell.stop()); !zero)
                return zero;
        }
        DriveOptions measure;
        measure.keepHistograms = true; // scaleup_p99 / steady_p99 merge them, split at a time known only at the end
        auto measured = warmUpThenMeasure(cell, measure);
        if (!measured)
            return measured.error();
        m_measured = std::move(measured).value();
        return {};
    }

    void summarize(CellContext& cell, std::span<const trace::Span>) override {
        if (!m_measured)
            return;
        const auto intervals = cell.measuredIntervals();
        const auto samples = cell.scaleSamples();
        const auto model = cell.scenario().loadModel();
        analysis::AutoscalingInput input;
        input.intervals = intervals;
        input.scale = samples;
        if (const auto* open = std::get_if<load::OpenLoop>(&model.shape))
            input.stages = open->stages;
        input.loadStartMs = m_measured->startMs;
        input.loadEndMs = std::min(loadEndMs(input.stages, m_measured->startMs), m_measured->endMs);
        input.firstSuccessMs = m_measured->firstSuccessMs;
        input.lastPodGoneMs = lastPodGone(samples, input.loadEndMs);
        input.podsSupported = cell.platform().supports(platform::Capability::WatchScale);
        setTarget(input, *cell.plan().benchmark, cell.plan().function.containerConcurrency);
        analysis::addAutoscalingMetrics(cell.metrics(), input);
    }

private:
    std::optional<DriveResult> m_measured;
};

} // namespace

std::unique_ptr<ScenarioDriver> makeAutoscalingDriver() {
    return std::make_unique<AutoscalingDriver>();
}

} // namespace faaswb::engine
