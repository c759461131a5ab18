// ComparePage: runs side by side — a header naming the runs (the first is the baseline), the summary table with
// deltas and % change, and the latency and throughput charts with every run overlaid.
#include "ui/charts/chart_panel.h"
#include "ui/results/results_format.h"
#include "ui/results/results_loader.h"
#include "ui/results/results_page.h"
#include "ui/results/summary_model.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace faaswb::ui {
namespace {

constexpr ChartKind kCompareCharts[] = {ChartKind::LatencyCdf, ChartKind::LatencyHistogram, ChartKind::Percentiles,
                                        ChartKind::Throughput};

QString runLine(const RunInfo& run, bool baseline) {
    const QString started = run.startedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    const QColor color = statusColor(run.status);
    const QString status = color.isValid()
                               ? QStringLiteral("<span style=\"color:%1\">%2</span>").arg(color.name(), run.status)
                               : run.status;
    QString line = QStringLiteral("<b>%1</b> — %2, %3").arg(runLabel(run).toHtmlEscaped(), status, started);
    if (!run.message.isEmpty())
        line += QStringLiteral(": ") + run.message.toHtmlEscaped();
    return baseline ? line + ComparePage::tr(" <i>(baseline)</i>") : line;
}

} // namespace

class ComparePage::Impl {
public:
    explicit Impl(ComparePage* page)
        : q(page)
        , job(page) {}

    void setupHeader();
    void setupSummary();
    void setupBody();
    void setupLayout();
    void load();
    void apply(const QList<RunDetailData>& details);
    void showRuns(const QList<RunInfo>& runs, QList<RunSeries> series);
    void showPlaceholder(const QString& text);
    void fillRemoveMenu(const QList<RunInfo>& runs);
    void fitSummary();

    ComparePage* q;
    QString path;
    QList<qint64> ids;
    JobTracker job;
    QLabel* header = nullptr;
    QToolButton* removeButton = nullptr;
    QLabel* message = nullptr;
    QStackedWidget* stack = nullptr;
    QLabel* placeholder = nullptr;
    QSplitter* body = nullptr;
    QTableView* summaryView = nullptr;
    SummaryModel* summary = nullptr;
    QList<ChartPanel*> panels;
};

void ComparePage::Impl::setupHeader() {
    header = new QLabel(q);
    header->setObjectName(QStringLiteral("compareHeader"));
    header->setTextFormat(Qt::RichText);
    header->setWordWrap(true);
    header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    removeButton = new QToolButton(q);
    removeButton->setObjectName(QStringLiteral("removeRunButton"));
    removeButton->setText(ComparePage::tr("Remove run"));
    removeButton->setPopupMode(QToolButton::InstantPopup);
    removeButton->setMenu(new QMenu(removeButton));
    message = new QLabel(q);
    message->setObjectName(QStringLiteral("compareMessage"));
    message->setWordWrap(true);
    message->hide();
}

void ComparePage::Impl::setupSummary() {
    summary = new SummaryModel(q);
    summary->setTextRows(false); // platform, status and message are in the header lines: more room for the charts
    summaryView = new QTableView(q);
    summaryView->setObjectName(QStringLiteral("compareSummary"));
    summaryView->setModel(summary);
    summaryView->setAlternatingRowColors(true);
    summaryView->setWordWrap(false);
    summaryView->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    useCompactRows(*summaryView);
}

// Top: the summary table and, beside it, the runs' names. Below: the charts, 2 x 2.
void ComparePage::Impl::setupBody() {
    auto* side = new QVBoxLayout;
    side->addWidget(header);
    side->addWidget(message);
    side->addWidget(removeButton, 0, Qt::AlignLeft);
    side->addStretch(1);
    auto* top = new QWidget(q);
    auto* topLayout = new QHBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(summaryView, 3);
    topLayout->addLayout(side, 2);
    auto* charts = new QWidget(q);
    auto* grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    for (const ChartKind kind : kCompareCharts) {
        auto* panel = new ChartPanel(kind, charts);
        grid->addWidget(panel, static_cast<int>(panels.size()) / 2, static_cast<int>(panels.size()) % 2);
        panels.push_back(panel);
    }
    body = new QSplitter(Qt::Vertical, q);
    body->addWidget(top);
    body->addWidget(charts);
    body->setStretchFactor(1, 1);
    body->setChildrenCollapsible(false);
}

void ComparePage::Impl::setupLayout() {
    placeholder = new QLabel(ComparePage::tr("Select two or more runs on the Results page and press Compare."), q);
    placeholder->setObjectName(QStringLiteral("comparePlaceholder"));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setWordWrap(true);
    stack = new QStackedWidget(q);
    stack->addWidget(body);
    stack->addWidget(placeholder);
    auto* layout = new QVBoxLayout(q);
    layout->addWidget(stack, 1);
}

// The summary shows whole (no scrolling for a few runs); the charts get the rest of the height.
void ComparePage::Impl::fitSummary() {
    summaryView->resizeColumnsToContents();
    const QSize size = tableContentSize(*summaryView);
    summaryView->setMaximumWidth(size.width());
    const bool scrolls = size.width() > summaryView->width() && summaryView->isVisible();
    const int height = size.height() + (scrolls ? summaryView->horizontalScrollBar()->sizeHint().height() : 0);
    summaryView->setMinimumHeight(height);
    body->setSizes({height, std::max(body->height() - height, height)});
}

void ComparePage::Impl::load() {
    header->setText(ComparePage::tr("Loading %n run(s)…", "", static_cast<int>(ids.size())));
    job.start([databasePath = path, runIds = ids] { return loadRunDetails(databasePath, runIds); },
              [this](const QList<RunDetailData>& details) { apply(details); });
}

void ComparePage::Impl::apply(const QList<RunDetailData>& details) {
    QList<RunInfo> runs;
    QList<RunSeries> series;
    QStringList errors;
    for (const RunDetailData& detail : details) {
        if (!detail.error.isEmpty()) {
            errors << detail.error;
            continue;
        }
        runs << detail.info;
        series << detail.series;
    }
    message->setText(errors.join(QLatin1Char('\n')));
    message->setStyleSheet(QStringLiteral("color: %1;").arg(worseColor().name()));
    message->setVisible(!errors.isEmpty());
    showRuns(runs, series);
    if (runs.isEmpty())
        showPlaceholder(ComparePage::tr("None of the runs could be loaded.") + QLatin1Char('\n') + message->text());
    emit q->loaded();
}

void ComparePage::Impl::showRuns(const QList<RunInfo>& runs, QList<RunSeries> series) {
    summary->setRuns(runs);
    fitSummary();
    const QStringList labels = distinguishingLabels(runs);
    for (qsizetype i = 0; i < series.size(); ++i)
        series[i].label = labels.value(i);
    for (ChartPanel* panel : std::as_const(panels))
        panel->setRuns(series);
    fillRemoveMenu(runs);
    QStringList lines;
    for (const RunInfo& run : runs)
        lines << runLine(run, lines.isEmpty() && runs.size() > 1);
    header->setText(ComparePage::tr("Comparing %n run(s):", "", static_cast<int>(runs.size())) +
                    QStringLiteral("<br>") + lines.join(QStringLiteral("<br>")));
    stack->setCurrentWidget(body);
}

void ComparePage::Impl::showPlaceholder(const QString& text) {
    placeholder->setText(text);
    header->setText(ComparePage::tr("Compare runs"));
    stack->setCurrentWidget(placeholder);
}

// Removing is offered while more than two runs remain, so the page always compares something.
void ComparePage::Impl::fillRemoveMenu(const QList<RunInfo>& runs) {
    QMenu* menu = removeButton->menu();
    menu->clear();
    for (const RunInfo& run : runs) {
        const qint64 id = run.id;
        menu->addAction(runLabel(run), q, [this, id] {
            QList<qint64> remaining = ids;
            remaining.removeAll(id);
            q->setRuns(path, remaining);
        });
    }
    removeButton->setEnabled(runs.size() > 2);
}

ComparePage::ComparePage(QWidget* parent)
    : QWidget(parent)
    , m_impl(std::make_unique<Impl>(this)) {
    m_impl->setupHeader();
    m_impl->setupSummary();
    m_impl->setupBody();
    m_impl->setupLayout();
    m_impl->removeButton->setEnabled(false);
    m_impl->showPlaceholder(m_impl->placeholder->text());
}

// The children go first, while the Impl their connections call into is still alive.
ComparePage::~ComparePage() {
    qDeleteAll(findChildren<QObject*>(Qt::FindDirectChildrenOnly));
}

void ComparePage::setRuns(const QString& databasePath, const QList<qint64>& runIds) {
    m_impl->path = databasePath;
    m_impl->ids = runIds;
    if (runIds.isEmpty()) {
        m_impl->job.cancel();
        m_impl->summary->setRuns({});
        for (ChartPanel* panel : std::as_const(m_impl->panels))
            panel->setRuns({});
        m_impl->showPlaceholder(tr("Select two or more runs on the Results page and press Compare."));
        emit loaded();
        return;
    }
    m_impl->load();
}

QList<qint64> ComparePage::runIds() const {
    return m_impl->ids;
}

QAbstractItemModel* ComparePage::summaryModel() const {
    return m_impl->summary;
}

QList<ChartPanel*> ComparePage::chartPanels() const {
    return m_impl->panels;
}

} // namespace faaswb::ui
