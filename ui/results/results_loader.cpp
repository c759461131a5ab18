#include "ui/results/results_loader.h"

#include "results/csv_export.h"
#include "results/iso_time.h"
#include "ui/results/results_format.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace faaswb::ui {
namespace {

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}

QDateTime localTime(const std::string& iso) {
    const auto parsed = results::parseIsoUtc(iso);
    if (!parsed)
        return {};
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(parsed->time_since_epoch()).count();
    return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime();
}

RunInfo toRunInfo(const results::RunRow& row) {
    RunInfo run;
    run.id = row.id;
    run.experiment = qs(row.experiment);
    run.scenario = qs(row.scenario);
    run.scenarioType = qs(row.scenarioType);
    run.benchmark = qs(row.benchmark);
    run.language = qs(row.language);
    run.platform = qs(row.platform);
    run.status = QString::fromLatin1(engine::runStatusName(row.status));
    run.message = qs(row.message);
    run.startedAtIso = qs(row.startedAt);
    run.startedAt = localTime(row.startedAt);
    run.requests = row.requests;
    run.errors = row.errors;
    run.requestsDropped = row.requestsDropped;
    run.achievedRps = row.achievedRps;
    run.sweepJson = qs(row.sweep);
    run.sweep = formatSweepJson(row.sweep);
    run.repeat = row.repeat;
    run.thresholdsPassed = row.thresholdsPassed;
    return run;
}

void addSummary(results::ResultStore& store, RunInfo& run) {
    auto summary = store.runSummary(run.id);
    run.hasSummary = summary.ok();
    if (summary)
        run.summary = *summary;
}

// The store's message already names the file.
QString openError(const Error& error) {
    return QStringLiteral("Cannot open the results database: %1").arg(qs(error.message));
}

RunDetailData loadOne(results::ResultStore& store, qint64 runId) {
    RunDetailData data;
    data.info.id = runId;
    auto row = store.runRow(runId);
    if (!row) {
        data.error = QStringLiteral("Run %1: %2").arg(runId).arg(qs(row.error().message));
        return data;
    }
    data.info = toRunInfo(*row);
    addSummary(store, data.info);
    auto series = loadRunSeries(store, runId);
    if (!series) {
        data.error = QStringLiteral("Run %1: %2").arg(runId).arg(qs(series.error().message));
        return data;
    }
    data.series = std::move(*series);
    data.series.label = runLabel(data.info);
    auto metrics = store.runMetrics(runId);
    if (metrics)
        data.metrics = std::move(*metrics);
    else
        data.metricsError = QStringLiteral("Cannot read the run's metrics: %1").arg(qs(metrics.error().message));
    return data;
}

std::vector<std::int64_t> toStd(const QList<qint64>& ids) {
    return {ids.cbegin(), ids.cend()};
}

} // namespace

QString runLabel(const RunInfo& run) {
    QStringList parts{QStringLiteral("#%1").arg(run.id)};
    for (const QString& part : {run.scenario, run.sweep, run.benchmark, run.language, run.platform})
        if (!part.isEmpty())
            parts << part;
    if (run.repeat > 0)
        parts << QStringLiteral("repeat %1").arg(run.repeat + 1);
    return parts.join(QStringLiteral(" · "));
}

QStringList distinguishingLabels(const QList<RunInfo>& runs) {
    const QList<QString RunInfo::*> fields{&RunInfo::scenario, &RunInfo::sweep, &RunInfo::benchmark, &RunInfo::language,
                                           &RunInfo::platform};
    QList<QString RunInfo::*> differing;
    for (const auto field : fields) {
        const bool differs = std::any_of(runs.cbegin(), runs.cend(),
                                         [&](const RunInfo& run) { return run.*field != runs.first().*field; });
        if (differs)
            differing << field;
    }
    QStringList labels;
    for (const RunInfo& run : runs) {
        QStringList parts{QStringLiteral("#%1").arg(run.id)};
        for (const auto field : std::as_const(differing))
            if (!(run.*field).isEmpty())
                parts << run.*field;
        labels << parts.join(QStringLiteral(" · "));
    }
    return labels;
}

RunsSnapshot loadRuns(const QString& databasePath) {
    RunsSnapshot snapshot;
    auto store = results::ResultStore::open(databasePath.toStdString(), true);
    if (!store) {
        snapshot.error = openError(store.error());
        return snapshot;
    }
    auto rows = store->listRuns();
    if (!rows) {
        snapshot.error = QStringLiteral("Cannot list the runs: %1").arg(qs(rows.error().message));
        return snapshot;
    }
    snapshot.runs.reserve(static_cast<qsizetype>(rows->size()));
    for (const auto& row : *rows) {
        snapshot.runs.push_back(toRunInfo(row));
        addSummary(*store, snapshot.runs.back());
    }
    return snapshot;
}

RunDetailData loadRunDetail(const QString& databasePath, qint64 runId) {
    auto store = results::ResultStore::open(databasePath.toStdString(), true);
    if (!store) {
        RunDetailData data;
        data.info.id = runId;
        data.error = openError(store.error());
        return data;
    }
    return loadOne(*store, runId);
}

QList<RunDetailData> loadRunDetails(const QString& databasePath, const QList<qint64>& runIds) {
    QList<RunDetailData> details;
    auto store = results::ResultStore::open(databasePath.toStdString(), true);
    for (const qint64 id : runIds) {
        if (store) {
            details.push_back(loadOne(*store, id));
            continue;
        }
        RunDetailData failed;
        failed.info.id = id;
        failed.error = openError(store.error());
        details.push_back(std::move(failed));
    }
    return details;
}

QString deleteRuns(const QString& databasePath, const QList<qint64>& runIds) {
    auto store = results::ResultStore::open(databasePath.toStdString(), false);
    if (!store)
        return openError(store.error());
    for (const qint64 id : runIds)
        if (auto deleted = store->deleteRun(id); !deleted)
            return QStringLiteral("Cannot delete run %1: %2").arg(id).arg(qs(deleted.error().message));
    return {};
}

QString exportRunsCsv(const QString& databasePath, const QList<qint64>& runIds, const QString& outDir) {
    auto store = results::ResultStore::open(databasePath.toStdString(), true);
    if (!store)
        return openError(store.error());
    if (auto exported = results::exportCsv(*store, toStd(runIds), outDir.toStdString()); !exported)
        return QStringLiteral("CSV export failed: %1").arg(qs(exported.error().message));
    return {};
}

} // namespace faaswb::ui
