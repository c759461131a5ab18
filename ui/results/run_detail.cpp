#include "ui/results/run_detail.h"

#include "ui/charts/chart_panel.h"
#include "ui/results/results_format.h"
#include "ui/results/summary_model.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
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
    setupCharts();
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_summaryView);
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
    for (ChartPanel* panel : std::as_const(m_panels))
        panel->setRuns({});
}

void RunDetail::apply(const RunDetailData& detail) {
    if (!detail.error.isEmpty()) {
        m_title->setText(detail.error);
        m_summary->setRuns({});
        emit failed(detail.error);
        return;
    }
    const RunInfo& run = detail.info;
    m_title->setText(
        tr("Run %1 — %2, %3")
            .arg(runLabel(run), run.status, run.startedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    m_summary->setRuns({run});
    for (ChartPanel* panel : std::as_const(m_panels))
        panel->setRuns({detail.series});
    emit loaded(run.id);
}

} // namespace faaswb::ui
