#include "analysis/summary.h"
#include "cli/commands.h"
#include "common/paths.h"
#include "common/units.h"
#include "model/metric_catalog.h"
#include "results/csv_export.h"
#include "results/result_store.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace faaswb::cli {
namespace {

// The --run ids; `required` makes an empty list an error.
Result<std::vector<std::int64_t>> parseRunIds(const Arguments& args, const std::string& command, bool required) {
    std::vector<std::int64_t> ids;
    for (const auto& text : args.values("run")) {
        std::int64_t id = 0;
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (error != std::errc() || end != text.data() + text.size() || id <= 0)
            return invalidInput(command + ": --run expects a run id (a positive number), got '" + text + "'");
        ids.push_back(id);
    }
    if (ids.empty() && required)
        return invalidInput(command + ": --run ID is required (see 'faas-workbench runs --db PATH')");
    return ids;
}

Result<results::ResultStore> openExisting(const std::string& path) {
    if (!std::filesystem::exists(path))
        return invalidInput("no results database at '" + path + "'");
    return results::ResultStore::open(path, true);
}

Status exportFormat(results::ResultStore& store, const std::vector<std::int64_t>& ids, const std::string& format,
                    const std::string& out) {
    if (format == "csv") {
        if (Status csv = results::exportCsv(store, ids, out); !csv)
            return csv;
        auto scenarios = results::exportScenarioSummary(store, ids, out);
        return scenarios ? Status() : Status(scenarios.error());
    }
    if (format == "hlog") {
        for (const auto id : ids)
            if (Status written = results::exportHlog(store, id, out + "/run-" + std::to_string(id) + ".hlog"); !written)
                return written;
        return {};
    }
    if (format == "png" || format == "svg" || format == "pdf" || format == "html") {
        if (!frontEnd().exportCharts)
            return invalidInput("export: format '" + format +
                                "' needs the chart renderer, which this build lacks; "
                                "use csv or hlog");
        return frontEnd().exportCharts(store, ids, format, out);
    }
    return invalidInput("export: unknown --format '" + format + "'; expected csv, hlog, png, svg, pdf or html");
}

// "2026-11-24T05:34:01.087Z" -> "2026-11-24 05:34:01": a table wants seconds, not the stored precision.
std::string shortTime(const std::string& iso) {
    std::string text = iso.substr(0, 19);
    if (text.size() > 10 && text[10] == 'T')
        text[10] = ' ';
    return text;
}

// {"rate":50,"mechanism":"direct"} -> "rate=50 mechanism=direct"; strings without their quotes.
std::string sweepLabel(const std::string& sweepJson) {
    const auto values = nlohmann::json::parse(sweepJson, nullptr, false);
    if (!values.is_object())
        return sweepJson;
    std::string label;
    for (const auto& [key, value] : values.items())
        label += (label.empty() ? "" : " ") + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    return label;
}

const char* checksLabel(const std::optional<bool>& passed) {
    return passed ? (*passed ? "pass" : "FAIL") : "\u2014"; // an em dash: the run has no thresholds
}

// Cuts `text` to at most `width` bytes without splitting a UTF-8 sequence.
std::string clip(const std::string& text, std::size_t width) {
    if (text.size() <= width)
        return text;
    std::size_t end = width;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return text.substr(0, end);
}

} // namespace

std::string formatMetric(const std::optional<double>& value, const std::string& unit) {
    if (!value || !std::isfinite(*value))
        return "n/a";
    const double v = *value;
    char text[64];
    if (unit == "ms" || unit == "s")
        return formatMicros(unit == "ms" ? v * 1e3 : v * 1e6);
    if (unit == "1/s")
        return formatCount(v) + "/s";
    if (unit == "flag")
        return v != 0 ? "yes" : "no";
    if (unit == "%")
        std::snprintf(text, sizeof text, "%.3g%%", v);
    else if (unit == "count")
        std::snprintf(text, sizeof text, v == std::floor(v) ? "%.0f" : "%.1f", v);
    else if (unit == "ratio")
        std::snprintf(text, sizeof text, "%.2fx", v);
    else if (unit == "MiB")
        std::snprintf(text, sizeof text, "%.0fMiB", v);
    else
        std::snprintf(text, sizeof text, "%.3g%s%s", v, unit.empty() ? "" : " ", unit.c_str());
    return text;
}

int listRuns(const Arguments& args) {
    auto store = openExisting(args.value("db").value_or(defaultDatabasePath()));
    if (!store)
        return fail(store.error());
    auto runs = store->listRuns();
    if (!runs)
        return fail(runs.error());
    std::printf("%5s  %-20s  %-16s  %-14s  %-8s  %-10s  %-10s  %9s  %7s  %9s  %-24s  %3s  %s\n", "ID", "STARTED (UTC)",
                "SCENARIO", "BENCHMARK", "LANGUAGE", "PLATFORM", "STATUS", "REQUESTS", "ERRORS", "REQ/S", "SWEEP",
                "REP", "CHECKS");
    for (const auto& run : *runs)
        std::printf(
            "%5lld  %-20.20s  %-16.16s  %-14.14s  %-8.8s  %-10.10s  %-10.10s  %9llu  %7llu  %9.1f  %-24s  %3d  %s\n",
            static_cast<long long>(run.id), shortTime(run.startedAt).c_str(), run.scenario.c_str(),
            run.benchmark.c_str(), run.language.c_str(), run.platform.c_str(), engine::runStatusName(run.status),
            static_cast<unsigned long long>(run.requests), static_cast<unsigned long long>(run.errors), run.achievedRps,
            clip(run.sweep.empty() ? "-" : sweepLabel(run.sweep), 24).c_str(), run.repeat,
            checksLabel(run.thresholdsPassed));
    return 0;
}

int exportRun(const Arguments& args) {
    for (const char* required : {"db", "format", "out"})
        if (!args.has(required))
            return fail(invalidInput(std::string("export: --") + required + " is required"));
    auto ids = parseRunIds(args, "export", true);
    if (!ids)
        return fail(ids.error());
    auto store = openExisting(*args.value("db"));
    if (!store)
        return fail(store.error());
    const std::string out = *args.value("out");
    std::error_code error;
    std::filesystem::create_directories(out, error);
    if (error)
        return fail(invalidInput("export: cannot create '" + out + "': " + error.message()));
    if (Status exported = exportFormat(*store, *ids, *args.value("format"), out); !exported)
        return fail(exported.error());
    std::printf("exported %zu run(s) as %s into %s\n", ids->size(), args.value("format")->c_str(), out.c_str());
    return 0;
}

namespace {

std::string metricHeading(const std::string& name) {
    const auto* info = model::findMetric(name);
    return info ? name + " [" + model::metricUnitName(info->unit) + "]" : name;
}

// Plain numbers for the table (the unit is in the metric's heading): 4 significant digits, no exponent below 1e6.
std::string tableNumber(const std::optional<double>& value) {
    if (!value || !std::isfinite(*value))
        return "-";
    char text[64];
    std::snprintf(text, sizeof text, std::fabs(*value) >= 1000 ? "%.0f" : "%.4g", *value);
    return text;
}

std::string range(const std::optional<double>& low, const std::optional<double>& high) {
    return low && high ? tableNumber(low) + " .. " + tableNumber(high) : "-";
}

std::string rowTitle(const analysis::SummaryRow& row) {
    std::string title = row.scenario + " \u00b7 " + row.benchmark + " \u00b7 " + row.language;
    if (!row.sweepValues.empty())
        title += " \u00b7 " + sweepLabel(row.sweepValues.dump());
    return title;
}

void printSummaryRow(const analysis::SummaryTable& table, const analysis::SummaryRow& row) {
    std::printf("%s  (%s)\n    %d run(s) aggregated", rowTitle(row).c_str(), row.scenarioType.c_str(), row.runs);
    if (row.failedRuns > 0)
        std::printf(", %d failed or incomplete (left out)", row.failedRuns);
    if (row.thresholdFailures > 0)
        std::printf(", thresholds failed in %d", row.thresholdFailures);
    std::printf("\n");
    if (row.metrics.empty()) {
        std::printf("    no scenario metrics stored for these runs\n\n");
        return;
    }
    std::printf("    %-28s %10s  %-22s %10s  %-22s %3s\n", "METRIC", "MEAN", "95% CI OF MEAN", "MEDIAN",
                "95% CI OF MEDIAN", "N");
    for (const auto& name : table.metricNames) {
        const auto found = row.metrics.find(name);
        if (found == row.metrics.end())
            continue;
        const auto& stats = found->second;
        const bool any = stats.n > 0;
        std::printf("    %-28s %10s  %-22s %10s  %-22s %3d\n", metricHeading(name).c_str(),
                    any ? tableNumber(stats.mean).c_str() : "n/a", range(stats.meanCiLow, stats.meanCiHigh).c_str(),
                    any ? tableNumber(stats.median).c_str() : "n/a",
                    range(stats.medianCiLow, stats.medianCiHigh).c_str(), stats.n);
    }
    std::printf("\n");
}

Status writeSummaryFile(const analysis::SummaryTable& table, const std::string& path) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        return invalidInput("summary: cannot create '" + path + "'");
    analysis::writeSummaryCsv(table, out);
    out.flush();
    return out ? Status() : Status(internalError("summary: cannot write '" + path + "'"));
}

} // namespace

int summarizeRuns(const Arguments& args) {
    auto ids = parseRunIds(args, "summary", false);
    if (!ids)
        return fail(ids.error());
    auto store = openExisting(args.value("db").value_or(defaultDatabasePath()));
    if (!store)
        return fail(store.error());
    auto inputs = store->summaryInputs(*ids);
    if (!inputs)
        return fail(inputs.error());
    const auto table = analysis::summarize(*inputs);
    if (auto out = args.value("out")) {
        if (Status written = writeSummaryFile(table, *out); !written)
            return fail(written.error());
        std::printf("wrote %s: %zu row(s) from %zu run(s)\n", out->c_str(), table.rows.size(), inputs->size());
        return 0;
    }
    if (table.rows.empty())
        std::printf("no runs to summarize\n");
    for (const auto& row : table.rows)
        printSummaryRow(table, row);
    return 0;
}

} // namespace faaswb::cli
