// Background reads and writes of the results browser: each job opens its own ResultStore (one connection per thread)
// and returns plain values (RunInfo, RunDetailData) or an error text. JobTracker hands a job's value back to the UI
// thread and drops it when a newer job of the same tracker started since (hotspot's jobtracker idea).
// Job functions: any thread. JobTracker: UI thread only.
#pragma once

#include "results/result_store.h"
#include "ui/charts/run_series.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QList>
#include <QObject>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>
#include <optional>
#include <type_traits>
#include <utility>

namespace faaswb::ui {

// One stored run, converted to Qt types for the models.
struct RunInfo {
    qint64 id = 0;
    QString experiment, scenario, scenarioType, benchmark, language, platform;
    QString status; // running | complete | cancelled | failed | incomplete
    QString message;
    QString startedAtIso; // as stored (UTC), sortable
    QDateTime startedAt;  // local time; invalid when the stored text does not parse
    quint64 requests = 0, errors = 0, requestsDropped = 0;
    double achievedRps = 0;
    bool hasSummary = false; // false when the run's summary could not be read
    results::RunSummary summary;
    QString sweep;                        // the sweep point, "rate=50, payloadSize=1024"; empty without a sweep
    QString sweepJson;                    // as stored ({"rate":50})
    int repeat = 0;                       // 0-based repetition of the cell
    std::optional<bool> thresholdsPassed; // nullopt: no thresholds (or no metrics stored)
};

// "#12 · warm · 010.sleep · python · local"
QString runLabel(const RunInfo& run);
// Short labels for runs shown together: "#12" plus only the fields (scenario, benchmark, language, platform) that
// differ between the runs, e.g. "#12 · python" and "#13 · nodejs". Legends stay short enough to read.
QStringList distinguishingLabels(const QList<RunInfo>& runs);

struct RunsSnapshot {
    QString error; // non-empty when the database could not be read
    QList<RunInfo> runs;
};

struct RunDetailData {
    QString error;
    RunInfo info;
    RunSeries series;
    analysis::RunMetricsReport metrics; // the run's metrics and threshold outcomes (empty when none were stored)
    QString metricsError;               // non-empty when they could not be read
};

// Read-only: the runs with their summaries (percentiles), newest first as the store lists them.
RunsSnapshot loadRuns(const QString& databasePath);
// Read-only: one run's row, summary and chart series.
RunDetailData loadRunDetail(const QString& databasePath, qint64 runId);
// Read-only, one connection for all: the runs in the given order; a run that cannot be read carries its error.
QList<RunDetailData> loadRunDetails(const QString& databasePath, const QList<qint64>& runIds);
// Read-write: deletes the runs with all their rows. Returns an empty string on success.
QString deleteRuns(const QString& databasePath, const QList<qint64>& runIds);
// Writes summary/intervals/requests/scale CSV files for the runs (all when empty) into `outDir`. Empty on success.
QString exportRunsCsv(const QString& databasePath, const QList<qint64>& runIds, const QString& outDir);

// Runs jobs on the global thread pool. `done` runs on the receiver's thread with the job's value, unless the receiver
// is gone (the watcher is its child) or start()/cancel() was called again in between: stale answers are dropped.
class JobTracker {
public:
    explicit JobTracker(QObject* receiver)
        : m_receiver(receiver) {}

    template <typename Job, typename Done>
    void start(Job job, Done done) {
        using Value = std::invoke_result_t<Job>;
        const quint64 generation = ++m_generation;
        ++m_running;
        auto* watcher = new QFutureWatcher<Value>(m_receiver);
        QObject::connect(watcher, &QFutureWatcherBase::finished, m_receiver,
                         [this, watcher, generation, done = std::move(done)] {
                             watcher->deleteLater();
                             --m_running;
                             if (generation == m_generation)
                                 done(watcher->result());
                         });
        watcher->setFuture(QtConcurrent::run(std::move(job)));
    }
    void cancel() { ++m_generation; }
    bool busy() const { return m_running > 0; }

private:
    QObject* m_receiver;
    quint64 m_generation = 0;
    int m_running = 0;
};

} // namespace faaswb::ui
