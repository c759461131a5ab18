// parseThreshold (model/metric_catalog.h): "p99 < 200ms" -> metric, operator and a value in the metric's unit.
#include "common/suggest.h"
#include "common/units.h"
#include "model/metric_catalog.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

namespace faaswb::model {
namespace {

std::string_view trim(std::string_view text) {
    const auto isSpace = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

bool isMetricChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
}

std::optional<double> plainNumber(std::string_view text) {
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// Up to five catalogue names close to `name` (or sharing its start), closest first.
std::string closeNames(std::string_view name) {
    std::vector<std::pair<std::size_t, std::string>> scored;
    const std::string_view family = name.substr(0, name.find('.'));
    for (const MetricInfo& info : metricCatalog()) {
        const std::size_t distance = editDistance(family, info.name);
        const bool prefix = family.size() >= 2 && info.name.substr(0, family.size()) == family;
        if (distance <= 2 || prefix)
            scored.emplace_back(prefix ? std::min<std::size_t>(distance, 1) : distance, std::string(info.name));
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string names;
    for (std::size_t i = 0; i < scored.size() && i < 5; ++i)
        names += (names.empty() ? "" : ", ") + scored[i].second;
    return names.empty() ? std::string() : " (close: " + names + ")";
}

struct OpSpelling {
    std::string_view text;
    Threshold::Op op;
};

// Longest spellings first, so "<=" is not read as "<" followed by "=".
constexpr OpSpelling kOps[]{{"<=", Threshold::Op::LessEqual},
                            {">=", Threshold::Op::GreaterEqual},
                            {"<", Threshold::Op::Less},
                            {">", Threshold::Op::Greater}};

Result<double> durationValue(std::string_view text, MetricUnit unit) {
    const auto duration = parseDuration(text);
    if (!duration) {
        const std::string hint = plainNumber(text) ? " (a unit is required, e.g. '" + std::string(text) + "ms')" : "";
        return invalidInput("expected a duration such as 200ms or 1.5s, got '" + std::string(text) + "'" + hint);
    }
    const double millis = std::chrono::duration<double, std::milli>(*duration).count();
    return unit == MetricUnit::Milliseconds ? millis : millis / 1000.0;
}

Result<double> percentValue(std::string_view text) {
    const std::string_view number = !text.empty() && text.back() == '%' ? trim(text.substr(0, text.size() - 1)) : text;
    if (const auto value = plainNumber(number))
        return *value;
    return invalidInput("expected a percentage such as 0.1% or 5, got '" + std::string(text) + "'");
}

Result<double> thresholdValue(std::string_view text, const MetricInfo& metric) {
    switch (metric.unit) {
    case MetricUnit::Milliseconds:
    case MetricUnit::Seconds:
        return durationValue(text, metric.unit);
    case MetricUnit::Percent:
        return percentValue(text);
    default:
        if (const auto value = plainNumber(text))
            return *value;
        return invalidInput("expected a number (" + std::string(metric.name) + " is in " + metricUnitName(metric.unit) +
                            "), got '" + std::string(text) + "'");
    }
}

} // namespace

Result<Threshold> parseThreshold(std::string_view text) {
    const std::string_view trimmed = trim(text);
    const std::size_t nameEnd = std::find_if_not(trimmed.begin(), trimmed.end(), isMetricChar) - trimmed.begin();
    const std::string_view name = trimmed.substr(0, nameEnd);
    if (name.empty())
        return invalidInput("expected a threshold such as 'p99 < 200ms' (metric, < <= > or >=, value), got '" +
                            std::string(text) + "'");
    const MetricInfo* metric = findMetric(name);
    if (!metric)
        return invalidInput("unknown metric '" + std::string(name) + "'" + closeNames(name));
    const std::string_view rest = trim(trimmed.substr(nameEnd));
    const auto op = std::find_if(std::begin(kOps), std::end(kOps),
                                 [rest](const OpSpelling& spelling) { return rest.starts_with(spelling.text); });
    if (op == std::end(kOps))
        return invalidInput("expected an operator < <= > or >= after '" + std::string(name) + "', got '" +
                            std::string(rest) + "'");
    const std::string_view valueText = trim(rest.substr(op->text.size()));
    if (valueText.empty())
        return invalidInput("expected a value after '" + std::string(name) + " " + std::string(op->text) + "'");
    const auto value = thresholdValue(valueText, *metric);
    if (!value)
        return value.error();
    return Threshold{std::string(trimmed), std::string(name), op->op, *value};
}

} // namespace faaswb::model
