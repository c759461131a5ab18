// The run metrics every scenario reports (docs/scenarios.md "Metrics"): name, unit and which scenario types produce
// them. Thresholds are validated against this list, the summary CSV and the GUI label columns from it. Metric names
// may carry a `.suffix` for per-item families (handover_p50.hop2): the family is the part before the dot.
#pragma once

#include "common/result.h"
#include "model/experiment.h"

#include <span>
#include <string_view>

namespace faaswb::model {

enum class MetricUnit { Milliseconds, Seconds, Percent, PerSecond, Count, PodSeconds, Mebibytes, Ratio, Flag };
const char* metricUnitName(MetricUnit unit) noexcept; // "ms", "s", "%", "1/s", "count", "pod*s", "MiB", "ratio", "flag"

struct MetricInfo {
    std::string_view name;
    MetricUnit unit;
    std::string_view description;
    bool family = false; // takes a `.suffix` (per hop, per trigger)
    // Scenario types that report it; empty = every type that sends load.
    std::span<const ScenarioType> types;
};

std::span<const MetricInfo> metricCatalog();
// The entry for `name` (or its family before the first '.'); null when unknown.
const MetricInfo* findMetric(std::string_view name);

// Parses "p99 < 200ms": a catalogue metric, an operator (< <= > >=) and a value in a unit the metric takes
// (durations such as 200ms or 1.5s for ms and s metrics, "0.1%" or a plain number for %, plain numbers otherwise),
// converted to the metric's unit. The error says what is wrong and lists close metric names.
Result<Threshold> parseThreshold(std::string_view text);

} // namespace faaswb::model
