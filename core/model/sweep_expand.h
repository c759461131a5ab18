// Sweeps: a scenario's `sweep: {grid|zip: {PATH: [values]}}` (and a perf-cost scenario's `memory` list) expanded
// into SweepPoints. Each point is the file parsed again with the values set into the scenario and the benchmarks,
// read by the normal readers, so a swept value is validated exactly like a written one and its errors point at it.
// Private to core/model; called from one load at a time.
#pragma once

#include "model/experiment_sections.h"

namespace faaswb::model {

inline constexpr std::size_t kMaxSweepPoints = 1000;

// The scenario of the first point with `sweep` filled in; `field` is `scenarios[index]` of the text `reader` holds.
// Problems are reported into `reader`, each once.
ScenarioConfig readSweptScenario(YamlReader& reader, const Field& field, std::size_t index,
                                 const BenchmarkSection& benchmarks);

} // namespace faaswb::model
