// SummaryPage::Impl: the widgets and state behind SummaryPage, shared by summary_page.cpp (layout, loading) and
// summary_page_chart.cpp (the chart controls). UI thread only.
#pragma once

#include "ui/results/results_loader.h"
#include "ui/summary/summary_data.h"
#include "ui/summary/summary_page.h"

QT_BEGIN_NAMESPACE
class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
QT_END_NAMESPACE

namespace faaswb::ui {

class SummaryTableModel;

class SummaryPage::Impl {
public:
    explicit Impl(SummaryPage* page);

    // summary_page.cpp
    QWidget* buildTopBar();
    QWidget* buildTable();
    void loadExperiments();
    void applyExperiments(const ExperimentList& list);
    void loadSummary();
    void applySummary(const SummaryData& data);
    void setMessage(const QString& text, bool error);
    void exportCsv();

    // summary_page_chart.cpp
    QWidget* buildChartArea();
    void fillScenarioCombo();
    void onScenarioChanged();
    void redrawChart();
    void connectTooltips();

    SummaryPage* q;
    QString path;
    JobTracker listJob, summaryJob;
    QList<qint64> chosenRuns;    // the "selected runs" source; empty: none offered
    qint64 wantedExperiment = 0; // asked for before the list arrived
    bool wantNewest = false;
    SummaryData data;

    QComboBox* source = nullptr;
    QPushButton* refreshButton = nullptr;
    QPushButton* csvButton = nullptr;
    QLabel* message = nullptr;
    SummaryTableModel* model = nullptr;
    QSortFilterProxyModel* proxy = nullptr;
    QTableView* table = nullptr;
    QComboBox* scenario = nullptr;
    QComboBox* metric = nullptr;
    QComboBox* xKey = nullptr;
    QComboBox* statistic = nullptr;
    QComboBox* chartKind = nullptr;
    QLabel* chartKindLabel = nullptr;
    QChartView* chartView = nullptr;
    QLabel* chartNote = nullptr;
};

} // namespace faaswb::ui
