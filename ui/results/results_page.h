// ResultsPage: the results browser over a SQLite results DB — runs table (sortable; filters by scenario, benchmark,
// language, platform, status), run detail (summary table with units and every chart), delete, and "Compare" for two or
// more selected runs. Queries run off the UI thread (a generation counter drops stale answers). UI thread only.
#pragma once

#include <QWidget>
#include <memory>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
QT_END_NAMESPACE

namespace faaswb::ui {

class ChartPanel;

class ResultsPage : public QWidget {
    Q_OBJECT
public:
    explicit ResultsPage(QWidget* parent = nullptr);
    ~ResultsPage() override;

    void setDatabase(const QString& path); // reloads
    QString database() const;
    QAbstractItemModel* runsModel() const; // the source model (tests run QAbstractItemModelTester on it)
    void selectRuns(const QList<qint64>& runIds);
    QList<qint64> selectedRuns() const;
    // "Delete…" asks before deleting unless turned off (tests).
    void setConfirmDeletes(bool confirm);
    // Writes the runs' CSV files (all runs when empty) into outDir in the background; emits exportFinished.
    void exportCsv(const QList<qint64>& runIds, const QString& outDir);

public slots:
    void refresh();

signals:
    void compareRequested(const QList<qint64>& runIds);
    void summaryRequested(const QList<qint64>& runIds); // "Summarize": the selected runs in the Summary view
    void loaded();                                      // after each (re)load of the runs table
    void detailLoaded(qint64 runId);                    // the run detail (summary and charts) shows this run
    void exportFinished(const QString& error);          // empty on success

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

// ComparePage: two or more runs side by side — overlaid CDFs and histograms (and the other charts), summary table
// with deltas and % change against the first run.
class ComparePage : public QWidget {
    Q_OBJECT
public:
    explicit ComparePage(QWidget* parent = nullptr);
    ~ComparePage() override;

    void setRuns(const QString& databasePath, const QList<qint64>& runIds); // loads off the UI thread
    QList<qint64> runIds() const;
    QAbstractItemModel* summaryModel() const;
    QList<ChartPanel*> chartPanels() const; // LatencyCdf, LatencyHistogram, Percentiles, Throughput

signals:
    void loaded();

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::ui
