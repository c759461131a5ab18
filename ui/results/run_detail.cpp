#include "ui/results/run_detail.h"

#include "ui/charts/chart_panel.h"
#include "ui/results/results_format.h"
#include "ui/results/run_metrics_model.h"
#include "ui/results/summary_model.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace faaswb::ui {

RunDetail::RunDetail(QWidget* parent)
    : QWidget(parent)
    , m_job(this) {
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("runDetailTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    setupSummary();
    setupMetrics();
    setupCharts();
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_tables);
    splitter->addWidget(m_charts);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(splitter, 1);
    clear(tr("Select a run to see its summary and charts."));
}

RunDetail::~RunDetail() = default;

void RunDetail::setupSummary() {
    m_summary = new SummaryModel(this);
    m_summaryView = new QTableView(this);
    m_summaryView->setObjectName(QStringLiteral("runSummary"));
    m_summaryView->setModel(m_summary);
    m_summaryView->setAlternatingRowColors(true);
    m_summaryView->setSelectionMode(QAbstractItemView::ContiguousSelection);
    m_summaryView->setWordWrap(false);
    m_summaryView->horizontalHeader()->setStretchLastSection(true);
    useCompactRows(*m_summaryView);
    m_summaryView->setMinimumWidth(320);
}

namespace {

QTableView* metricTable(QWidget* parent, const QString& name, QAbstractItemModel* model) {
    auto* view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setAlternatingRowColors(true);
    view->setSelectionMode(QAbstractItemView::ContiguousSelection);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    useCompactRows(*view);
    return view;
}

} // namespace

void RunDetail::setupMetrics() {
    m_metrics = new RunMetricsModel(this);
    m_thresholds = new ThresholdsModel(this);
    m_metricsView = metricTable(this, QStringLiteral("runMetrics"), m_metrics);
    m_thresholdsView = metricTable(this, QStringLiteral("runThresholds"), m_thresholds);
    m_tables = new QTabWidget(this);
    m_tables->setObjectName(QStringLiteral("runTables"));
    m_tables->setDocumentMode(true);
    m_tables->addTab(m_summaryView, tr("Summary"));
    m_tables->addTab(m_metricsView, tr("Metrics"));
    m_tables->addTab(m_thresholdsView, tr("Checks"));
    m_tables->setMinimumWidth(360);
}

void RunDetail::setupCharts() {
    m_charts = new QTabWidget(this);
    m_charts->setObjectName(QStringLiteral("runCharts"));
    m_charts->setDocumentMode(true);
    for (const ChartKind kind : kAllChartKinds) {
        auto* panel = new ChartPanel(kind, m_charts);
        m_panels.push_back(panel);
        m_charts->addTab(panel, chartTitle(kind));
    }
}

void RunDetail::showRun(const QString& databasePath, qint64 runId) {
    m_runId = runId;
    m_title->setText(tr("Run #%1 — loading…").arg(runId));
    m_job.start([databasePath, runId] { return loadRunDetail(databasePath, runId); },
                [this](const RunDetailData& detail) { apply(detail); });
}

void RunDetail::clear(const QString& note) {
    m_job.cancel();
    m_runId = 0;
    m_title->setText(note);
    m_summary->setRuns({});
    showMetrics({});
    for (ChartPanel* panel : std::as_const(m_panels))
        panel->setRuns({});
}

// The Checks tab says the outcome in its title, so a failed threshold shows without opening it.
void RunDetail::showMetrics(const RunDetailData& detail) {
    m_metrics->setMetrics(detail.metrics.metrics);
    m_thresholds->setThresholds(detail.metrics.thresholds, detail.metrics.metrics);
    fitColumnsToContents(*m_metricsView);
    fitColumnsToContents(*m_thresholdsView);
    const int metricsTab = m_tables->indexOf(m_metricsView);
    const int checksTab = m_tables->indexOf(m_thresholdsView);
    m_tables->setTabText(metricsTab, detail.metrics.metrics.empty()
                                         ? tr("Metrics")
                                         : tr("Metrics (%1)").arg(detail.metrics.metrics.size()));
    m_tables->setTabToolTip(metricsTab, detail.metricsError);
    const int total = m_thresholds->rowCount();
    const int failed = m_thresholds->failures();
    m_tables->setTabText(checksTab, total == 0    ? tr("Checks")
                                    : failed == 0 ? tr("Checks: pass")
                                                  : tr("Checks: %1 of %2 FAIL").arg(failed).arg(total));
    m_tables->tabBar()->setTabTextColor(checksTab, total == 0    ? palette().color(QPalette::WindowText)
                                                   : failed == 0 ? betterColor()
                                                                 : worseColor());
}

void RunDetail::apply(const RunDetailData& detail) {
    if (!detail.error.isEmpty()) {
        m_title->setText(detail.error);
        m_summary->setRuns({});
        showMetrics({});
        emit failed(detail.error);
        return;
    }
    const RunInfo& run = detail.info;
    m_title->setText(
        tr("Run %1 — %2, %3")
            .arg(runLabel(run), run.status, run.startedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    m_summary->setRuns({run});
    showMetrics(detail);
    for (ChartPanel* panel : std::as_const(m_panels))
        panel->setRuns({detail.series});
    emit loaded(run.id);
}

} // namespace faaswb::ui
