#include "ui/summary/summary_data.h"

#include "model/metric_catalog.h"
#include "results/result_store.h"
#include "ui/results/results_format.h"

#include <algorithm>
#include <map>
#include <set>

namespace faaswb::ui {
namespace {

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}

Result<results::ResultStore> openStore(const QString& databasePath) {
    return results::ResultStore::open(databasePath.toStdString(), true);
}

QString openError(const Error& error) {
    return QStringLiteral("Cannot open the results database: %1").arg(qs(error.message));
}

SummaryData summarizeRuns(results::ResultStore& store, const std::vector<std::int64_t>& ids) {
    SummaryData data;
    auto inputs = store.summaryInputs(ids);
    if (!inputs) {
        data.error = QStringLiteral("Cannot read the runs' metrics: %1").arg(qs(inputs.error().message));
        return data;
    }
    for (const auto& input : *inputs)
        data.runIds << input.runId;
    data.table = analysis::summarize(*inputs);
    return data;
}

} // namespace

ExperimentList loadExperiments(const QString& databasePath) {
    ExperimentList list;
    auto store = openStore(databasePath);
    if (!store) {
        list.error = openError(store.error());
        return list;
    }
    auto runs = store->listRuns();
    if (!runs) {
        list.error = QStringLiteral("Cannot list the runs: %1").arg(qs(runs.error().message));
        return list;
    }
    std::map<std::int64_t, ExperimentChoice> byId;
    for (const auto& run : *runs) {
        ExperimentChoice& choice = byId[run.experimentId];
        choice.id = run.experimentId;
        choice.name = qs(run.experiment);
        ++choice.runs;
        if (choice.startedAt.isEmpty() || qs(run.startedAt) < choice.startedAt)
            choice.startedAt = qs(run.startedAt);
    }
    for (auto it = byId.rbegin(); it != byId.rend(); ++it)
        list.experiments << it->second;
    return list;
}

SummaryData loadExperimentSummary(const QString& databasePath, qint64 experimentId) {
    auto store = openStore(databasePath);
    if (!store)
        return {openError(store.error()), {}, {}};
    auto runs = store->listRuns();
    if (!runs)
        return {QStringLiteral("Cannot list the runs: %1").arg(qs(runs.error().message)), {}, {}};
    std::vector<std::int64_t> ids;
    for (const auto& run : *runs)
        if (run.experimentId == experimentId)
            ids.push_back(run.id);
    if (ids.empty())
        return {QStringLiteral("Experiment %1 has no runs in %2").arg(experimentId).arg(databasePath), {}, {}};
    std::sort(ids.begin(), ids.end());
    return summarizeRuns(*store, ids);
}

SummaryData loadRunsSummary(const QString& databasePath, const QList<qint64>& runIds) {
    auto store = openStore(databasePath);
    if (!store)
        return {openError(store.error()), {}, {}};
    return summarizeRuns(*store, {runIds.cbegin(), runIds.cend()});
}

std::vector<std::string> summaryScenarios(const analysis::SummaryTable& table) {
    std::vector<std::string> scenarios;
    for (const auto& row : table.rows)
        if (std::find(scenarios.cbegin(), scenarios.cend(), row.scenario) == scenarios.cend())
            scenarios.push_back(row.scenario);
    return scenarios;
}

const analysis::SummaryRow* firstRowOf(const analysis::SummaryTable& table, const std::string& scenario) {
    const auto found = std::find_if(table.rows.cbegin(), table.rows.cend(),
                                    [&](const analysis::SummaryRow& row) { return row.scenario == scenario; });
    return found == table.rows.cend() ? nullptr : &*found;
}

std::vector<std::string> varyingSweepKeys(const analysis::SummaryTable& table, const std::string& scenario) {
    std::vector<std::string> keys;
    for (const auto& key : table.sweepKeys) {
        std::set<std::string> values;
        for (const auto& row : table.rows)
            if (row.scenario == scenario && row.sweepValues.contains(key))
                values.insert(row.sweepValues[key].dump());
        if (values.size() > 1)
            keys.push_back(key);
    }
    return keys;
}

std::vector<std::string> scenarioMetrics(const analysis::SummaryTable& table, const std::string& scenario) {
    std::vector<std::string> metrics;
    for (const auto& name : table.metricNames) {
        const bool present = std::any_of(table.rows.cbegin(), table.rows.cend(), [&](const analysis::SummaryRow& row) {
            const auto found = row.metrics.find(name);
            return row.scenario == scenario && found != row.metrics.end() && found->second.n > 0;
        });
        if (present)
            metrics.push_back(name);
    }
    return metrics;
}

std::string headlineMetric(const std::string& scenarioType) {
    if (scenarioType == "cold-start" || scenarioType == "perf-cost")
        return "cold_start_p50";
    if (scenarioType == "autoscaling")
        return "pod_seconds_used"; // the cost side of the scaling trade-off; steady_p99 is its latency side
    if (scenarioType == "batch")
        return "records_per_second";
    if (scenarioType == "workflow-chain")
        return "handover_sum_p50";
    if (scenarioType == "eventing")
        return "delivery_p50";
    return "p99"; // warm-latency, concurrency-one, load, trace-replay
}

bool hasChainPivot(const analysis::SummaryTable& table, const std::string& scenario) {
    const analysis::SummaryRow* row = firstRowOf(table, scenario);
    if (!row || row->scenarioType != "workflow-chain")
        return false;
    const auto keys = varyingSweepKeys(table, scenario);
    const auto has = [&](const char* key) { return std::find(keys.cbegin(), keys.cend(), key) != keys.cend(); };
    return has(kPivotRowKey) && has(kPivotColumnKey);
}

QString metricUnit(const std::string& metric) {
    const model::MetricInfo* info = model::findMetric(metric);
    return info ? QString::fromLatin1(model::metricUnitName(info->unit)) : QString();
}

QString metricHeader(const std::string& metric) {
    const QString unit = metricUnit(metric);
    return unit.isEmpty() ? qs(metric) : QStringLiteral("%1 (%2)").arg(qs(metric), unit);
}

QString sweepKeyLabel(const std::string& key) {
    const std::string tail = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
    static const std::map<std::string, const char*> units{{"rate", "req/s"},
                                                          {"workMs", "ms"},
                                                          {"batchSize", "records"},
                                                          {"duration", "time"},
                                                          {"containerConcurrency", "requests"}};
    const auto unit = units.find(tail);
    return unit == units.end() ? qs(key) : QStringLiteral("%1 (%2)").arg(qs(key), QLatin1String(unit->second));
}

bool isByteSizeKey(const std::string& key) {
    const std::string tail = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
    return tail == "payloadSize" || tail == "payload_size";
}

QString sweepValueLabel(const std::string& key, const nlohmann::json& value) {
    if (!isByteSizeKey(key) || !value.is_number())
        return formatSweepValue(value);
    const double bytes = value.get<double>();
    const auto scaled = [&](double unit, const char* name) -> QString { // QString: a QStringBuilder would dangle
        const double amount = bytes / unit;
        return QString::number(amount, 'g', amount >= 100 ? 4 : 3) + QLatin1Char(' ') + QLatin1String(name);
    };
    if (bytes >= 1024.0 * 1024.0)
        return scaled(1024.0 * 1024.0, "MiB");
    if (bytes >= 1024.0)
        return scaled(1024.0, "KiB");
    return scaled(1.0, "B");
}

} // namespace faaswb::ui
