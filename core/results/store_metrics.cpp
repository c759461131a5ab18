// ResultStore: a run's scenario metrics and threshold outcomes (run_metrics, run_thresholds), and the summary's view
// of stored runs (analysis/summary.h).
#include "results/result_store.h"
#include "results/store_impl.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace faaswb::results {
namespace {

// NaN and infinities are not values a reader can use: stored as NULL, like a metric that is unavailable.
std::optional<double> finite(const std::optional<double>& value) {
    return value && std::isfinite(*value) ? value : std::nullopt;
}

Status insertMetrics(ResultStore::Impl& store, std::int64_t runId, const std::vector<analysis::MetricValue>& metrics) {
    auto insert = store.prepare("INSERT INTO run_metrics (run_id, name, value, unit) VALUES (?1, ?2, ?3, ?4)");
    if (!insert)
        return insert.error();
    for (const auto& metric : metrics) {
        (*insert)->bindInt(1, runId).bindText(2, metric.name).bindOptional(3, finite(metric.value));
        if (auto inserted = (*insert)->bindTextOrNull(4, metric.unit).run(); !inserted)
            return inserted;
    }
    return {};
}

Status insertThresholds(ResultStore::Impl& store, std::int64_t runId,
                        const std::vector<analysis::ThresholdResult>& thresholds) {
    auto insert = store.prepare("INSERT INTO run_thresholds (run_id, expression, metric, value, passed, note) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert)
        return insert.error();
    for (const auto& threshold : thresholds) {
        auto& s = **insert;
        s.bindInt(1, runId).bindText(2, threshold.text).bindText(3, threshold.metric);
        s.bindOptional(4, finite(threshold.value)).bindInt(5, threshold.passed ? 1 : 0);
        if (auto inserted = s.bindTextOrNull(6, threshold.note).run(); !inserted)
            return inserted;
    }
    return {};
}

Status deleteRunMetrics(ResultStore::Impl& store, std::int64_t runId) {
    for (const char* sql :
         {"DELETE FROM run_metrics WHERE run_id = ?1", "DELETE FROM run_thresholds WHERE run_id = ?1"}) {
        auto remove = store.prepare(sql);
        if (!remove)
            return remove.error();
        if (auto removed = (*remove)->bindInt(1, runId).run(); !removed)
            return removed;
    }
    return {};
}

analysis::MetricValue readMetric(const sqlite::Statement& row) {
    return {row.columnText(0), row.columnOptional<double>(1), row.columnText(2)};
}

analysis::ThresholdResult readThreshold(const sqlite::Statement& row) {
    return {row.columnText(0), row.columnText(1), row.columnOptional<double>(2), row.columnInt(3) != 0,
            row.columnText(4)};
}

Result<analysis::RunMetricsReport> readReport(ResultStore::Impl& store, std::int64_t runId) {
    analysis::RunMetricsReport report;
    auto metrics = store.prepare("SELECT name, value, unit FROM run_metrics WHERE run_id = ?1 ORDER BY rowid");
    if (!metrics)
        return metrics.error();
    auto read = (*metrics)->bindInt(1, runId).forEachRow(
        [&](const sqlite::Statement& row) { report.metrics.push_back(readMetric(row)); });
    if (!read)
        return read.error();
    auto thresholds = store.prepare("SELECT expression, metric, value, passed, note FROM run_thresholds "
                                    "WHERE run_id = ?1 ORDER BY rowid");
    if (!thresholds)
        return thresholds.error();
    read = (*thresholds)->bindInt(1, runId).forEachRow([&](const sqlite::Statement& row) {
        report.thresholds.push_back(readThreshold(row));
    });
    if (!read)
        return read.error();
    return report;
}

constexpr std::string_view kSelectSummaryRuns = "SELECT id, scenario, scenario_type, benchmark, language, status, "
                                                "sweep_json, repeat, owner_pid, owner_host FROM runs ";

// Like listRuns: a 'running' run whose writer is gone counts as incomplete.
analysis::SummaryInput readSummaryRun(const sqlite::Statement& row) {
    analysis::SummaryInput run;
    run.runId = row.columnInt(0);
    run.scenario = row.columnText(1);
    run.scenarioType = row.columnText(2);
    run.benchmark = row.columnText(3);
    run.language = row.columnText(4);
    run.status = row.columnText(5);
    run.sweepValues = storedSweepValues(row.columnText(6));
    run.repeat = static_cast<int>(row.columnInt(7));
    if (run.status == "running" && writerIsGone(row.columnInt(8), row.columnText(9)))
        run.status = "incomplete";
    return run;
}

Status selectSummaryRuns(ResultStore::Impl& store, std::vector<std::int64_t> runIds,
                         std::vector<analysis::SummaryInput>& runs) {
    const auto collect = [&](const sqlite::Statement& row) { runs.push_back(readSummaryRun(row)); };
    if (runIds.empty()) {
        auto all = store.prepare(std::string(kSelectSummaryRuns) + "ORDER BY id");
        return all ? (*all)->forEachRow(collect) : Status(all.error());
    }
    std::sort(runIds.begin(), runIds.end());
    runIds.erase(std::unique(runIds.begin(), runIds.end()), runIds.end());
    auto one = store.prepare(std::string(kSelectSummaryRuns) + "WHERE id = ?1");
    if (!one)
        return one.error();
    for (const auto runId : runIds) {
        const auto before = runs.size();
        if (auto read = (*one)->bindInt(1, runId).forEachRow(collect); !read)
            return read;
        if (runs.size() == before)
            return noSuchRun(runId);
    }
    return {};
}

} // namespace

nlohmann::json storedSweepValues(const std::string& sweepJson) {
    auto sweep = sweepJson.empty() ? nlohmann::json() : nlohmann::json::parse(sweepJson, nullptr, false);
    if (sweep.is_object() && sweep.contains("values") && sweep["values"].is_object())
        return sweep["values"];
    return sweep.is_object() ? sweep : nlohmann::json::object();
}

Status ResultStore::addRunMetrics(std::int64_t runId, const analysis::RunMetricsReport& report) {
    return inTransaction([&]() -> Status {
        if (auto exists = requireRun(*m_impl, runId); !exists)
            return exists;
        if (auto removed = deleteRunMetrics(*m_impl, runId); !removed)
            return removed;
        if (auto metrics = insertMetrics(*m_impl, runId, report.metrics); !metrics)
            return metrics;
        return insertThresholds(*m_impl, runId, report.thresholds);
    });
}

Result<analysis::RunMetricsReport> ResultStore::runMetrics(std::int64_t runId) {
    if (auto exists = requireRun(*m_impl, runId); !exists)
        return exists.error();
    return readReport(*m_impl, runId);
}

Result<std::vector<analysis::SummaryInput>> ResultStore::summaryInputs(const std::vector<std::int64_t>& runIds) {
    std::vector<analysis::SummaryInput> runs;
    if (auto selected = selectSummaryRuns(*m_impl, runIds, runs); !selected)
        return selected.error();
    for (auto& run : runs) {
        auto report = readReport(*m_impl, run.runId);
        if (!report)
            return report.error();
        run.metrics = std::move(report->metrics);
        run.thresholds = std::move(report->thresholds);
    }
    return runs;
}

} // namespace faaswb::results
