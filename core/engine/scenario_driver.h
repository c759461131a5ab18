// ScenarioDriver: what one scenario type does inside a cell, after the runner deployed the cell's function and
// before it collects traces and tears down (docs/scenarios.md). The runner implements CellContext; drivers call it
// from the runner thread only. One driver object per cell.
#pragma once

#include "analysis/run_metrics.h"
#include "common/cancellation.h"
#include "common/result.h"
#include "engine/cell_plan.h"
#include "load/load_model.h"
#include "load/request.h"
#include "load/snapshot.h"
#include "model/experiment.h"
#include "platform/platform.h"
#include "trace/span.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace faaswb::engine {

struct DriveOptions {
    bool warmup = false;      // intervals flagged warm-up, requests not stored, not in the summary or metrics
    bool keepRecords = false; // return this drive's request records to the driver (small drives only)
    // measuredIntervals() keep this drive's per-interval histograms, for a summarize() that merges them. Off by
    // default: two histograms take ~380 KB an interval, which grew a 30-minute run by 680 MB.
    bool keepHistograms = false;
    std::optional<int> threads; // load worker threads; default: the scenario's `threads`, else the settings'
};
inline DriveOptions warmupDrive() {
    DriveOptions options;
    options.warmup = true;
    return options;
}
inline DriveOptions keptDrive() {
    DriveOptions options;
    options.keepRecords = true;
    return options;
}

struct DriveResult {
    load::LoadSummary summary;
    std::vector<load::RequestRecord> records; // with keepRecords: every completed request, on the cell timeline
    std::int64_t startMs = 0;                 // cell timeline
    std::int64_t endMs = 0;
    std::optional<std::int64_t> firstSuccessMs; // first response with status < 400 (cell timeline)
};

class CellContext {
public:
    virtual ~CellContext() = default;
    virtual const CellPlan& plan() const = 0;
    virtual const model::ScenarioConfig& scenario() const = 0; // == *plan().scenario
    virtual const model::Experiment& experiment() const = 0;
    virtual platform::Platform& platform() = 0;
    virtual const platform::Deployment& deployment() const = 0; // the cell's function, deployed
    // The cell's stop token: the user's cancel or a failed health check. Long waits use stop().waitFor().
    virtual CancellationToken& stop() = 0;
    // Progress shown by the CLI and GUI ("cold-start 3/10", "batch 120/1467").
    virtual void phase(const std::string& name, load::Nanos expected = load::Nanos{0}) = 0;
    // The request the cell's function gets: its URL, routing and auth headers, the benchmark's input as the body.
    virtual load::RequestSpec request() const = 0;
    // Drives `model` with `request` through the load engine. Intervals and request records reach the observers on
    // the cell's timeline; measured drives add to the cell's LoadSummary (the common metrics), even when they end
    // early. A user cancel returns ErrorCode::Cancelled (the cell ends cancelled with what it measured).
    virtual Result<DriveResult> drive(const load::RequestSpec& request, const load::LoadModel& model,
                                      const DriveOptions& options) = 0;
    // Deploys another function for this cell (chain steps, event consumers); removed at teardown with the cell's
    // own (unless --keep-deployed). Its pods are not watched.
    virtual Result<platform::Deployment> deployExtra(const platform::FunctionSpec& spec) = 0;
    virtual std::int64_t elapsedMs() const = 0; // since the cell began (the timeline of intervals and scale samples)
    virtual std::vector<platform::ScaleSample> scaleSamples() const = 0;           // so far, in time order
    virtual std::vector<platform::PodMetricsSample> podMetricsSamples() const = 0; // so far
    // So far; with histograms only from drives with DriveOptions::keepHistograms (observers always get them).
    virtual std::vector<load::IntervalSnapshot> measuredIntervals() const = 0;
    // A remark stored with the run's outcome message (e.g. "memory limit not enforceable here: ..."), shown in the
    // results even when the run completes.
    virtual void note(const std::string& text) = 0;
    // Scenario metrics; the runner adds the common ones (analysis/load_metrics.h) after the driver's summarize().
    virtual analysis::RunMetrics& metrics() = 0;
};

class ScenarioDriver {
public:
    virtual ~ScenarioDriver() = default;
    // Before the cell's function is deployed (concurrency-one sets containerConcurrency 1, perf-cost the memory).
    virtual void prepare(platform::FunctionSpec& /*function*/) {}
    // After the deploy: the scenario's load. An error ends the cell as failed, keeping what was measured.
    virtual Status run(CellContext& cell) = 0;
    // After the spans of the cell were collected (empty when the platform has no traces): scenario metrics.
    virtual void summarize(CellContext& /*cell*/, std::span<const trace::Span> /*spans*/) {}
    // Extra clean-up before the runner removes the deployments (eventing objects, temporary files).
    virtual void teardown(CellContext& /*cell*/) {}
};

std::unique_ptr<ScenarioDriver> makeScenarioDriver(const model::ScenarioConfig& scenario);

// One factory per driver file (scenario_*.cpp).
std::unique_ptr<ScenarioDriver> makeLoadDriver();        // warm-latency, concurrency-one, load
std::unique_ptr<ScenarioDriver> makeAutoscalingDriver(); // autoscaling
std::unique_ptr<ScenarioDriver> makeColdStartDriver();   // cold-start, perf-cost
std::unique_ptr<ScenarioDriver> makeBatchDriver();
std::unique_ptr<ScenarioDriver> makeChainDriver();
std::unique_ptr<ScenarioDriver> makeEventingDriver();
std::unique_ptr<ScenarioDriver> makeReplayDriver();

} // namespace faaswb::engine
