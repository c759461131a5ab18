#include "analysis/summary.h"

#include "model/metric_catalog.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace faaswb::analysis {
namespace {

nlohmann::json sweepOf(const SummaryInput& run) {
    return run.sweepValues.is_object() ? run.sweepValues : nlohmann::json::object();
}

bool sameGroup(const SummaryRow& row, const SummaryInput& run) {
    return row.scenario == run.scenario && row.benchmark == run.benchmark && row.language == run.language &&
           row.sweepValues == sweepOf(run);
}

// ---- metric order: catalogue order, a family's members by suffix in natural order (hop2 < hop10) ----

std::size_t catalogIndex(const std::string& name) {
    const auto catalog = model::metricCatalog();
    const model::MetricInfo* info = model::findMetric(name);
    return info ? static_cast<std::size_t>(info - catalog.data()) : catalog.size(); // unknown names last
}

// Compares digit runs by value and everything else by character, so "hop2" < "hop10".
bool naturalLess(const std::string& a, const std::string& b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
            const std::size_t iEnd = a.find_first_not_of("0123456789", i);
            const std::size_t jEnd = b.find_first_not_of("0123456789", j);
            std::string x = a.substr(i, iEnd - i), y = b.substr(j, jEnd - j);
            x.erase(0, std::min(x.find_first_not_of('0'), x.size()));
            y.erase(0, std::min(y.find_first_not_of('0'), y.size()));
            if (x.size() != y.size())
                return x.size() < y.size();
            if (x != y)
                return x < y;
            i = std::min(iEnd, a.size());
            j = std::min(jEnd, b.size());
            continue;
        }
        if (a[i] != b[j])
            return a[i] < b[j];
        ++i, ++j;
    }
    return a.size() - i < b.size() - j;
}

bool metricLess(const std::string& a, const std::string& b) {
    const std::size_t ia = catalogIndex(a), ib = catalogIndex(b);
    if (ia != ib)
        return ia < ib;
    return naturalLess(a, b);
}

SummaryRow newRow(const SummaryInput& run) {
    SummaryRow row;
    row.scenario = run.scenario;
    row.scenarioType = run.scenarioType;
    row.benchmark = run.benchmark;
    row.language = run.language;
    row.sweepValues = sweepOf(run);
    return row;
}

void addRunToRow(SummaryRow& row, const SummaryInput& run, std::map<std::string, std::vector<double>>& values,
                 std::vector<std::string>& names) {
    const bool thresholdFailed =
        std::any_of(run.thresholds.begin(), run.thresholds.end(), [](const ThresholdResult& t) { return !t.passed; });
    row.thresholdFailures += thresholdFailed ? 1 : 0;
    if (run.status != "complete") {
        ++row.failedRuns;
        return;
    }
    ++row.runs;
    for (const MetricValue& metric : run.metrics) {
        if (std::find(names.begin(), names.end(), metric.name) == names.end())
            names.push_back(metric.name);
        if (metric.value)
            values[metric.name].push_back(*metric.value);
    }
}

// ---- CSV ----

// RFC 4180 as core/results writes it: quoted when holding a comma, quote, CR or LF, or with a leading or trailing
// space (some readers trim those), quotes doubled. (Local: results depends on this room, not the other way.)
std::string csvField(const std::string& text) {
    const bool quote = !text.empty() && (text.find_first_of(",\"\r\n") != std::string::npos || text.front() == ' ' ||
                                         text.back() == ' ');
    if (!quote)
        return text;
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

void writeRow(std::ostream& out, const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i)
        out << (i ? "," : "") << csvField(fields[i]);
    out << "\r\n";
}

// Locale-independent, at most 15 significant digits, no trailing zeros: 100 -> "100", 0.1 + 0.2 -> "0.3".
std::string formatNumber(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 15);
    return std::string(buffer, result.ptr);
}

std::string formatOptional(const std::optional<double>& value) {
    return value ? formatNumber(*value) : std::string();
}

// A sweep value as the YAML had it: strings raw, numbers without trailing zeros.
std::string scalarText(const nlohmann::json& value) {
    switch (value.type()) {
    case nlohmann::json::value_t::string:
        return value.get<std::string>();
    case nlohmann::json::value_t::number_float:
        return formatNumber(value.get<double>());
    case nlohmann::json::value_t::null:
        return {};
    default:
        return value.dump(); // integers, booleans (true/false), lists
    }
}

std::string unitOf(const std::string& metric) {
    const model::MetricInfo* info = model::findMetric(metric);
    return info ? model::metricUnitName(info->unit) : std::string();
}

std::string withUnit(const std::string& column, const std::string& unit) {
    return unit.empty() ? column : column + " [" + unit + "]";
}

void addMetricHeader(std::vector<std::string>& header, const std::string& name) {
    const std::string unit = unitOf(name);
    for (const char* suffix : {"_mean", "_median", "_ci95_low", "_ci95_high", "_median_ci95_low", "_median_ci95_high"})
        header.push_back(withUnit(name + suffix, unit));
    header.push_back(name + "_n");
}

void addMetricCells(std::vector<std::string>& fields, const SummaryRow& row, const std::string& name) {
    const auto found = row.metrics.find(name);
    if (found == row.metrics.end() || found->second.n == 0) {
        fields.insert(fields.end(), 6, std::string());
        fields.push_back("0");
        return;
    }
    const SampleStats& stats = found->second;
    for (const auto& value : {std::optional(stats.mean), std::optional(stats.median), stats.meanCiLow, stats.meanCiHigh,
                              stats.medianCiLow, stats.medianCiHigh})
        fields.push_back(formatOptional(value));
    fields.push_back(std::to_string(stats.n));
}

// ---- pivot ----

// The row's value for a pivot key: a sweep key, or the row's language or benchmark; null when it has none.
nlohmann::json keyValue(const SummaryRow& row, const std::string& key) {
    if (row.sweepValues.contains(key))
        return row.sweepValues.at(key);
    if (key == "language")
        return row.language;
    if (key == "benchmark")
        return row.benchmark;
    return nullptr;
}

std::size_t indexOrAdd(std::vector<nlohmann::json>& values, const nlohmann::json& value) {
    const auto found = std::find(values.begin(), values.end(), value);
    if (found != values.end())
        return static_cast<std::size_t>(found - values.begin());
    values.push_back(value);
    return values.size() - 1;
}

} // namespace

SummaryTable summarize(std::span<const SummaryInput> runs) {
    SummaryTable table;
    std::vector<std::map<std::string, std::vector<double>>> values; // per row: metric -> values of complete runs
    for (const SummaryInput& run : runs) {
        auto row = std::find_if(table.rows.begin(), table.rows.end(), [&](auto& r) { return sameGroup(r, run); });
        if (row == table.rows.end()) {
            table.rows.push_back(newRow(run));
            values.emplace_back();
            row = table.rows.end() - 1;
            for (const auto& item : row->sweepValues.items())
                if (std::find(table.sweepKeys.begin(), table.sweepKeys.end(), item.key()) == table.sweepKeys.end())
                    table.sweepKeys.push_back(item.key());
        }
        addRunToRow(*row, run, values[static_cast<std::size_t>(row - table.rows.begin())], table.metricNames);
    }
    for (std::size_t i = 0; i < table.rows.size(); ++i)
        for (const auto& [name, sample] : values[i])
            table.rows[i].metrics[name] = describeSample(sample);
    std::stable_sort(table.metricNames.begin(), table.metricNames.end(), metricLess);
    return table;
}

void writeSummaryCsv(const SummaryTable& table, std::ostream& out) {
    std::vector<std::string> header{"scenario", "type", "benchmark", "language"};
    header.insert(header.end(), table.sweepKeys.begin(), table.sweepKeys.end());
    header.insert(header.end(), {"runs", "failed_runs", "threshold_failures"});
    for (const std::string& name : table.metricNames)
        addMetricHeader(header, name);
    writeRow(out, header);
    for (const SummaryRow& row : table.rows) {
        std::vector<std::string> fields{row.scenario, row.scenarioType, row.benchmark, row.language};
        for (const std::string& key : table.sweepKeys)
            fields.push_back(row.sweepValues.contains(key) ? scalarText(row.sweepValues.at(key)) : std::string());
        fields.insert(fields.end(), {std::to_string(row.runs), std::to_string(row.failedRuns),
                                     std::to_string(row.thresholdFailures)});
        for (const std::string& name : table.metricNames)
            addMetricCells(fields, row, name);
        writeRow(out, fields);
    }
}

PivotTable pivot(const SummaryTable& table, const std::string& scenario, const std::string& metric,
                 const std::string& rowKey, const std::string& columnKey) {
    PivotTable result{scenario, metric, unitOf(metric), rowKey, columnKey, {}, {}, {}};
    for (const SummaryRow& row : table.rows) {
        const nlohmann::json rowValue = keyValue(row, rowKey);
        const nlohmann::json columnValue = keyValue(row, columnKey);
        if (row.scenario != scenario || rowValue.is_null() || columnValue.is_null())
            continue;
        const std::size_t r = indexOrAdd(result.rowValues, rowValue);
        const std::size_t c = indexOrAdd(result.columnValues, columnValue);
        result.cells.resize(result.rowValues.size());
        for (auto& cells : result.cells)
            cells.resize(result.columnValues.size());
        const auto stats = row.metrics.find(metric);
        // Rows that differ only in another key (a third sweep variable, the language) share a cell: the first wins.
        if (!result.cells[r][c] && stats != row.metrics.end() && stats->second.n > 0)
            result.cells[r][c] = stats->second.median;
    }
    return result;
}

// Layout: a header "<metric> [unit]: <rowKey> \ <columnKey>", then the column values; one line per row value with
// the medians (empty where no complete run exists).
void writePivotCsv(const PivotTable& pivot, std::ostream& out) {
    std::vector<std::string> header{withUnit(pivot.metric, pivot.unit) + ": " + pivot.rowKey + " \\ " +
                                    pivot.columnKey};
    for (const nlohmann::json& value : pivot.columnValues)
        header.push_back(scalarText(value));
    writeRow(out, header);
    for (std::size_t r = 0; r < pivot.rowValues.size(); ++r) {
        std::vector<std::string> fields{scalarText(pivot.rowValues[r])};
        for (const std::optional<double>& cell : pivot.cells[r])
            fields.push_back(formatOptional(cell));
        writeRow(out, fields);
    }
}

} // namespace faaswb::analysis
