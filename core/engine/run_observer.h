// RunObserver: receives everything a run produces. Called from the runner, collector and watcher threads; an
// observer must return quickly (queue and process elsewhere) and never touches load-worker state.
#pragma once

#include "analysis/run_metrics.h"
#include "load/request.h"
#include "load/snapshot.h"
#include "platform/platform.h"
#include "trace/span.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

namespace faaswb::engine {

// One cell of the experiment: benchmark x language x scenario. `cell` numbers the runs of one experiment execution.
struct RunDescription {
    int cell = 0;
    std::string experimentName;
    std::string experimentYaml;
    std::string scenario;
    std::string scenarioType;
    std::string benchmark;
    std::string language;
    std::string platform;
    nlohmann::json config = nlohmann::json::object();      // the resolved scenario/benchmark settings
    nlohmann::json environment = nlohmann::json::object(); // PlatformInfo, host, versions
    // The sweep point of this run: {"index": i, "values": {"rate": 50, ...}}; null when the scenario has no sweep.
    nlohmann::json sweep;
    int repeat = 0; // 0-based repetition of the cell (scenario `repeat`)
    std::chrono::system_clock::time_point startedAt;
};

enum class RunStatus { Running, Complete, Cancelled, Failed, Incomplete };
const char* runStatusName(RunStatus status) noexcept; // running|complete|cancelled|failed|incomplete

struct PhaseInfo {
    int cell = 0;
    std::string phase;                    // deploy | warmup | measure | cold-start 3/10 | teardown
    std::chrono::nanoseconds expected{0}; // expected length, 0 when unknown
};

struct RunOutcome {
    int cell = 0;
    RunStatus status = RunStatus::Complete;
    std::string message; // why it failed or was cancelled
    std::chrono::system_clock::time_point finishedAt;
};

class RunObserver {
public:
    virtual ~RunObserver() = default;
    virtual void onRunStarted(const RunDescription&) {}
    virtual void onPhase(const PhaseInfo&) {}
    virtual void onInterval(int /*cell*/, const load::IntervalSnapshot&) {}
    virtual void onRequests(int /*cell*/, std::span<const load::RequestRecord>) {}
    virtual void onScale(int /*cell*/, const platform::ScaleSample&) {}
    virtual void onPodMetrics(int /*cell*/, std::span<const platform::PodMetricsSample>) {}
    virtual void onSpans(int /*cell*/, std::span<const trace::Span>) {}
    // Once per cell, before onRunFinished: the scenario's metrics and its thresholds' outcome (also for failed or
    // cancelled cells, with what was measured).
    virtual void onRunMetrics(int /*cell*/, const analysis::RunMetricsReport&) {}
    virtual void onRunFinished(const RunOutcome&) {}
};

} // namespace faaswb::engine
