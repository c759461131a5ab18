// Experiment summaries (issue 7 "Across all scenarios"): runs grouped by scenario x benchmark x language x sweep
// point, each metric aggregated over the group's repetitions (analysis/stats.h), pivots of one metric over two
// sweep variables (the workflow-chain table), and their CSV. Pure functions.
#pragma once

#include "analysis/run_metrics.h"
#include "analysis/stats.h"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <span>
#include <string>
#include <vector>

namespace faaswb::analysis {

// One stored run as the summary sees it.
struct SummaryInput {
    std::int64_t runId = 0;
    std::string scenario;
    std::string scenarioType;
    std::string benchmark;
    std::string language;
    std::string status;                                    // complete | failed | cancelled | incomplete
    nlohmann::json sweepValues = nlohmann::json::object(); // path -> value; empty without a sweep
    int repeat = 0;
    std::vector<MetricValue> metrics;
    std::vector<ThresholdResult> thresholds;
};

struct SummaryRow {
    std::string scenario;
    std::string scenarioType;
    std::string benchmark;
    std::string language;
    nlohmann::json sweepValues = nlohmann::json::object();
    int runs = 0;       // complete runs aggregated
    int failedRuns = 0; // failed/cancelled/incomplete runs of the group (not aggregated)
    int thresholdFailures = 0;
    std::map<std::string, SampleStats> metrics; // over the complete runs that have a value
};

struct SummaryTable {
    std::vector<std::string> sweepKeys;   // union over rows, in first-seen order
    std::vector<std::string> metricNames; // union over rows: catalogue order, families by suffix
    std::vector<SummaryRow> rows;         // in first-seen order of the runs
};

SummaryTable summarize(std::span<const SummaryInput> runs);

// Columns: scenario, type, benchmark, language, <sweep keys>, runs, failed_runs, threshold_failures, then per metric
// `<name>_mean [unit]`, `_median`, `_ci95_low`, `_ci95_high` (Student-t of the mean), `_median_ci95_low`,
// `_median_ci95_high`, `_n`. Empty cells for unavailable values. RFC 4180 quoting.
void writeSummaryCsv(const SummaryTable& table, std::ostream& out);

// One metric's median per (rowKey value x columnKey value) for one scenario, e.g. handover_sum_p50 by mechanism x
// payloadSize. Values are nullopt where no complete run exists.
struct PivotTable {
    std::string scenario;
    std::string metric;
    std::string unit;
    std::string rowKey;
    std::string columnKey;
    std::vector<nlohmann::json> rowValues;
    std::vector<nlohmann::json> columnValues;
    std::vector<std::vector<std::optional<double>>> cells; // [row][column]
};
PivotTable pivot(const SummaryTable& table, const std::string& scenario, const std::string& metric,
                 const std::string& rowKey, const std::string& columnKey);
void writePivotCsv(const PivotTable& pivot, std::ostream& out);

} // namespace faaswb::analysis
