#include "analysis/run_metrics.h"

#include "model/metric_catalog.h"

#include <algorithm>
#include <cassert>

namespace faaswb::analysis {
namespace {

std::string unitOf(const std::string& name) {
    const model::MetricInfo* info = model::findMetric(name);
    assert(info && "RunMetrics::set with a metric that is not in the catalogue");
    return info ? model::metricUnitName(info->unit) : std::string();
}

bool compare(double value, model::Threshold::Op op, double limit) {
    switch (op) {
    case model::Threshold::Op::Less:
        return value < limit;
    case model::Threshold::Op::LessEqual:
        return value <= limit;
    case model::Threshold::Op::Greater:
        return value > limit;
    case model::Threshold::Op::GreaterEqual:
        return value >= limit;
    }
    return false;
}

} // namespace

void RunMetrics::set(const std::string& name, std::optional<double> value) {
    auto it = std::find_if(m_values.begin(), m_values.end(), [&](const MetricValue& m) { return m.name == name; });
    if (it != m_values.end()) {
        it->value = value;
        return;
    }
    m_values.push_back({name, value, unitOf(name)});
}

std::optional<double> RunMetrics::get(const std::string& name) const {
    for (const MetricValue& m : m_values)
        if (m.name == name)
            return m.value;
    return std::nullopt;
}

bool RunMetrics::has(const std::string& name) const {
    return std::any_of(m_values.begin(), m_values.end(), [&](const MetricValue& m) { return m.name == name; });
}

bool RunMetricsReport::thresholdsPassed() const noexcept {
    return std::all_of(thresholds.begin(), thresholds.end(), [](const ThresholdResult& t) { return t.passed; });
}

std::vector<ThresholdResult> evaluateThresholds(const std::vector<model::Threshold>& thresholds,
                                                const RunMetrics& metrics) {
    std::vector<ThresholdResult> results;
    results.reserve(thresholds.size());
    for (const model::Threshold& threshold : thresholds) {
        ThresholdResult result{threshold.text, threshold.metric, metrics.get(threshold.metric), false, {}};
        if (result.value)
            result.passed = compare(*result.value, threshold.op, threshold.value);
        else
            result.note = "metric not available on this platform/run";
        results.push_back(std::move(result));
    }
    return results;
}

} // namespace faaswb::analysis
