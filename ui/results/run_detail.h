// RunDetail: the lower half of the results browser — the current run's title (with its sweep point and repeat), on
// the left its summary table (SummaryModel, one value column), its scenario metrics and its threshold outcomes in
// tabs, on the right every chart kind in tabs. showRun() loads the run in the background; an answer for a run that is
// no longer current is dropped. UI thread only.
#pragma once

#include "ui/results/results_loader.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QTabWidget;
class QTableView;
QT_END_NAMESPACE

namespace faaswb::ui {

class ChartPanel;
class SummaryModel;
class RunMetricsModel;
class ThresholdsModel;

class RunDetail : public QWidget {
    Q_OBJECT
public:
    explicit RunDetail(QWidget* parent = nullptr);
    ~RunDetail() override;

    void showRun(const QString& databasePath, qint64 runId);
    void clear(const QString& note); // no run: empty summary and charts, the note as title
    qint64 runId() const { return m_runId; }
    SummaryModel* summaryModel() const { return m_summary; }
    QTableView* summaryView() const { return m_summaryView; }
    RunMetricsModel* metricsModel() const { return m_metrics; }
    ThresholdsModel* thresholdsModel() const { return m_thresholds; }
    const QList<ChartPanel*>& chartPanels() const { return m_panels; }

signals:
    void loaded(qint64 runId);
    void failed(const QString& error);

private:
    void setupSummary();
    void setupMetrics();
    void setupCharts();
    void apply(const RunDetailData& detail);
    void showMetrics(const RunDetailData& detail);

    JobTracker m_job;
    qint64 m_runId = 0;
    QLabel* m_title = nullptr;
    QTableView* m_summaryView = nullptr;
    SummaryModel* m_summary = nullptr;
    QTabWidget* m_tables = nullptr; // Summary | Metrics | Checks
    RunMetricsModel* m_metrics = nullptr;
    ThresholdsModel* m_thresholds = nullptr;
    QTableView* m_metricsView = nullptr;
    QTableView* m_thresholdsView = nullptr;
    QTabWidget* m_charts = nullptr;
    QList<ChartPanel*> m_panels;
};

} // namespace faaswb::ui
