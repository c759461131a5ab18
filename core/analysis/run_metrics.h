// RunMetrics: the named numbers one run reports (model/metric_catalog.h names and units), and the outcome of the
// scenario's thresholds against them. A value the platform cannot reveal is nullopt (stored as NULL, shown as
// "n/a"), never 0. Plain values; not thread-safe.
#pragma once

#include "model/experiment.h"

#include <optional>
#include <string>
#include <vector>

namespace faaswb::analysis {

struct MetricValue {
    std::string name;            // catalogue name, with its .suffix for families
    std::optional<double> value; // in `unit`
    std::string unit;            // model::metricUnitName of the catalogue entry
};

class RunMetrics {
public:
    // Sets (or replaces) a metric; the unit comes from the catalogue. Unknown names are a programming error
    // (asserted in debug builds, stored with an empty unit otherwise).
    void set(const std::string& name, std::optional<double> value);
    std::optional<double> get(const std::string& name) const; // nullopt when unset or unknown
    bool has(const std::string& name) const;                  // set, even to nullopt
    const std::vector<MetricValue>& values() const noexcept { return m_values; }

private:
    std::vector<MetricValue> m_values; // in the order set
};

struct ThresholdResult {
    std::string text;            // as written: "p99 < 200ms"
    std::string metric;          // p99
    std::optional<double> value; // the run's value in the metric's unit; nullopt when it was not available
    bool passed = false;         // a threshold on an unavailable metric fails (with `note` saying why)
    std::string note;
};

struct RunMetricsReport {
    std::vector<MetricValue> metrics;
    std::vector<ThresholdResult> thresholds;
    bool thresholdsPassed() const noexcept; // true when there are none
};

// Evaluates each threshold against the metrics (an unavailable metric fails it with a note).
std::vector<ThresholdResult> evaluateThresholds(const std::vector<model::Threshold>& thresholds,
                                                const RunMetrics& metrics);

} // namespace faaswb::analysis
