// Shared by the drivers that run a scenario's own load model (load, autoscaling). Private to core/engine.
#pragma once

#include "engine/scenario_driver.h"

namespace faaswb::engine {

// The warm-up model of a scenario: the measured load's kind at its starting level, for `warmup`.
load::LoadModel warmupModel(const model::ScenarioConfig& scenario);

// The scenario's warm-up (when it has one, not measured), then its load model measured.
Result<DriveResult> warmUpThenMeasure(CellContext& cell, const DriveOptions& measure = {});

} // namespace faaswb::engine
