// The Summary view's data: which experiments a results DB holds, the scenario summary (analysis::summarize over
// ResultStore::summaryInputs) of an experiment or of chosen runs, and the small questions the table, the chart and the
// exports ask of a SummaryTable (a scenario's sweep variables, its metrics, its headline metric, unit labels).
// Loaders open their own read-only store (any thread); the rest are pure functions.
#pragma once

#include "analysis/summary.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>
#include <string>
#include <vector>

namespace faaswb::ui {

struct ExperimentChoice {
    qint64 id = 0;
    QString name;
    QString startedAt; // the first run's start, as stored (UTC)
    int runs = 0;
};

struct ExperimentList {
    QString error;
    QList<ExperimentChoice> experiments; // newest first
};

struct SummaryData {
    QString error;
    QList<qint64> runIds; // the runs summarised, in id order
    analysis::SummaryTable table;
};

// Read-only.
ExperimentList loadExperiments(const QString& databasePath);
// The summary of one experiment's runs.
SummaryData loadExperimentSummary(const QString& databasePath, qint64 experimentId);
// The summary of the given runs (every run in the database when empty).
SummaryData loadRunsSummary(const QString& databasePath, const QList<qint64>& runIds);

// The scenarios of the table, in row order.
std::vector<std::string> summaryScenarios(const analysis::SummaryTable& table);
const analysis::SummaryRow* firstRowOf(const analysis::SummaryTable& table, const std::string& scenario);
// The scenario's sweep keys that take more than one value (the chart's candidate x variables), in table order.
std::vector<std::string> varyingSweepKeys(const analysis::SummaryTable& table, const std::string& scenario);
// The metrics the scenario's rows have a value for, in table order.
std::vector<std::string> scenarioMetrics(const analysis::SummaryTable& table, const std::string& scenario);
// The one number a scenario type is judged by (p99 for load-like types, cold_start_p50, records_per_second, ...).
std::string headlineMetric(const std::string& scenarioType);
// workflow-chain swept over mechanism x payloadSize: shown as grouped bars of medians.
bool hasChainPivot(const analysis::SummaryTable& table, const std::string& scenario);
inline constexpr char kPivotRowKey[] = "mechanism";
inline constexpr char kPivotColumnKey[] = "payloadSize";

QString metricUnit(const std::string& metric);   // "ms", "%", ... empty when unknown
QString metricHeader(const std::string& metric); // "p99 (ms)", "records (count)"
QString sweepKeyLabel(const std::string& key);   // "rate (req/s)", "payloadSize (bytes)", "memory"
bool isByteSizeKey(const std::string& key);      // payloadSize, benchmark.input.payload_size
// A sweep value for axis labels and table cells: payload sizes in KiB/MiB, the rest as written.
QString sweepValueLabel(const std::string& key, const nlohmann::json& value);

} // namespace faaswb::ui
