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
    const model::BenchmarkConfig* benchmark = nullptr;
    const model::ScenarioConfig* scenario = nullptr;
    std::string language;
    platform::FunctionSpec function;
};

// Cells in experiment order: for each benchmark, for each language, for each scenario.
std::vector<CellPlan> planCells(const model::Experiment& experiment);

// Knative annotations (autoscaling.knative.dev/*) for the configured autoscaling fields; unset fields are omitted.
std::map<std::string, std::string> autoscalingAnnotations(const model::AutoscalingConfig& autoscaling);

// The request the load engine sends to a deployment: URL joined with the benchmark path, JSON body, headers.
load::RequestSpec requestFor(const CellPlan& plan, const platform::Deployment& deployment,
                             const model::Settings& settings);

// The settings recorded with the run (config_json): what was asked for, never credentials.
nlohmann::json describeCell(const CellPlan& plan, const model::Experiment& experiment);

} // namespace faaswb::engine
