// The paths of a sweep ("rate", "language", "benchmark.autoscaling.target") checked against what the scenario's type
// and a benchmark entry take. Private to core/model; pure.
#pragma once

#include "common/result.h"
#include "model/experiment_sections.h"

#include <string>
#include <vector>

namespace faaswb::model {

struct SweepPath {
    enum class Target { Scenario, Benchmark, Language };
    Target target = Target::Scenario;
    std::vector<std::string> keys; // below the scenario or benchmark entry; empty for language
};

// The error says why the path cannot be swept, with a "did you mean" for a misspelt key.
Result<SweepPath> parseSweepPath(const std::string& path, ScenarioType type);
// One sets a value the other sets too or sits inside (benchmark.autoscaling and benchmark.autoscaling.target).
bool overlaps(const SweepPath& a, const SweepPath& b);

} // namespace faaswb::model
