// CellPlan: one (benchmark x language x scenario) cell of an experiment, with the function to deploy and the
// request to send, derived from the experiment. Pure functions; thread-safe.
#pragma once

#include "load/request.h"
#include "model/experiment.h"
#include "platform/platform.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace faaswb::engine {

struct CellPlan {
    int cell = 0;
    // With a sweep these point at the sweep point's copies (values applied); they live in the Experiment.
    const model::BenchmarkConfig* benchmark = nullptr;
    const model::ScenarioConfig* scenario = nullptr;
    std::string scenarioName; // the scenario as written (a sweep point's copy has the same name)
    std::string language;
    const model::SweepPoint* sweepPoint = nullptr; // null without a sweep
    int repeat = 0;                                // 0-based, < scenario `repeat`
    platform::FunctionSpec function;
};

// Cells in experiment order: for each benchmark, for each language, for each scenario, for each sweep point (whose
// benchmark copy lists that language), for each repetition.
std::vector<CellPlan> planCells(const model::Experiment& experiment);

// Knative annotations (autoscaling.knative.dev/*) for the configured autoscaling fields; unset fields are omitted.
std::map<std::string, std::string> autoscalingAnnotations(const model::AutoscalingConfig& autoscaling);

// The request the load engine sends to a deployment: URL joined with the benchmark path, JSON body, headers.
load::RequestSpec requestFor(const CellPlan& plan, const platform::Deployment& deployment,
                             const model::Settings& settings);

// The settings recorded with the run (config_json): what was asked for, never credentials.
nlohmann::json describeCell(const CellPlan& plan, const model::Experiment& experiment);

} // namespace faaswb::engine
