#include "ui/live/dashboard_page.h"

#include "common/result.h"
#include "ui/charts/chart_panel.h"
#include "ui/live/engine_bridge.h"
#include "ui/live/experiment_run.h"
#include "ui/results/results_format.h"

#include <QComboBox>
#include <QEvent>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedLayout>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace faaswb::ui {
namespace {

// The live charts first (what moves during a run), the distribution and trace charts below.
constexpr ChartKind kDashboardOrder[] = {ChartKind::Percentiles,   ChartKind::Throughput,       ChartKind::Pods,
                                         ChartKind::PodResources,  ChartKind::LatencyHistogram, ChartKind::LatencyCdf,
                                         ChartKind::TraceBreakdown};
constexpr int kProgressSteps = 1000;
constexpr int kPanelMinimumHeight = 250;

// Sizes the chart panels so two rows fill the visible area: the four live charts read at a glance, the
// distribution and trace charts are a scroll away.
class PanelSizer : public QObject {
public:
    PanelSizer(QScrollArea* scroll, QList<ChartPanel*> panels, QGridLayout* grid)
        : QObject(scroll)
        , m_scroll(scroll)
        , m_panels(std::move(panels))
        , m_grid(grid) {
        scroll->viewport()->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == m_scroll->viewport() && event->type() == QEvent::Resize) {
            const int height = (m_scroll->viewport()->height() - m_grid->verticalSpacing()) / 2;
            for (auto* panel : std::as_const(m_panels))
                panel->setMinimumHeight(std::max(kPanelMinimumHeight, height));
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QScrollArea* m_scroll;
    QList<ChartPanel*> m_panels;
    QGridLayout* m_grid;
};

// "0:07", "12:03", "1:02:03"
QString clockText(double seconds) {
    const auto total = static_cast<qint64>(std::llround(std::max(0.0, seconds)));
    const qint64 h = total / 3600, m = (total / 60) % 60, s = total % 60;
    const QString tail =
        QStringLiteral("%1:%2").arg(m, h > 0 ? 2 : 1, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
    return h > 0 ? QStringLiteral("%1:%2").arg(h).arg(tail) : tail;
}

QString cellText(int cell, int cells, const QString& label) {
    const QString number =
        cells > 0 ? QStringLiteral("Cell %1/%2").arg(cell + 1).arg(cells) : QStringLiteral("Cell %1").arg(cell + 1);
    return label.isEmpty() ? number : number % QStringLiteral(" · ") % label;
}

} // namespace

class DashboardPage::Impl {
public:
    explicit Impl(DashboardPage* page)
        : q(page) {}

    DashboardPage* q;
    QPointer<ExperimentRun> run;
    QPointer<QObject> attachment; // parent of this attachment's connections: deleting it disconnects them
    QStackedLayout* stack = nullptr;
    QLabel* placeholder = nullptr;
    QLabel* cellLabel = nullptr;
    QLabel* phaseLabel = nullptr;
    QProgressBar* progress = nullptr;
    QLabel* timeLabel = nullptr;
    QComboBox* cellPicker = nullptr;
    QPushButton* stopButton = nullptr;
    QLabel* statusLabel = nullptr;
    QList<ChartPanel*> panels;
    int displayed = -1;
    int refreshMs = 0; // 0: the bridge's own default
    int cells = 0;
    bool followLatest = true;
    double runElapsedSec = 0;
    QHash<int, QString> checks; // cell -> "checks: pass" / "checks FAILED: ..." (cells with thresholds)
    QHash<int, bool> checksPassed;

    QWidget* buildTopBar();
    QWidget* buildCharts();
    void showCell(int cell);
    void onStarted();
    void onCellStarted(int cell, const QString& label);
    void onCellChecked(int cell, int passed, int failed, const QString& failures);
    void onCellFinished(int cell, const QString& status, const QString& message);
    void onSeries(int cell, const RunSeries& series);
    void onProgress(const LiveProgress& progress);
    void onFinished(const RunFinish& finish);
    void onPicked(int index);
    void onStop();
};

QWidget* DashboardPage::Impl::buildTopBar() {
    auto* bar = new QFrame;
    bar->setFrameShape(QFrame::StyledPanel);
    auto* rows = new QVBoxLayout(bar);
    auto* first = new QHBoxLayout;
    cellLabel = new QLabel(QStringLiteral("Starting…"));
    QFont bold = cellLabel->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    cellLabel->setFont(bold);
    cellPicker = new QComboBox;
    cellPicker->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    cellPicker->setToolTip(QStringLiteral("Which cell the charts show; follows the running cell unless you pick an "
                                          "earlier one"));
    stopButton = new QPushButton(QStringLiteral("Stop"));
    stopButton->setToolTip(QStringLiteral("Stop the run; what was measured so far stays in the database"));
    first->addWidget(cellLabel, 1);
    first->addWidget(new QLabel(QStringLiteral("Show:")));
    first->addWidget(cellPicker);
    first->addWidget(stopButton);
    auto* second = new QHBoxLayout;
    phaseLabel = new QLabel;
    phaseLabel->setMinimumWidth(180);
    progress = new QProgressBar;
    progress->setRange(0, kProgressSteps);
    progress->setValue(0);
    timeLabel = new QLabel;
    timeLabel->setMinimumWidth(320);
    second->addWidget(phaseLabel);
    second->addWidget(progress, 1);
    second->addWidget(timeLabel);
    rows->addLayout(first);
    rows->addLayout(second);
    QObject::connect(cellPicker, &QComboBox::activated, q, [this](int index) { onPicked(index); });
    QObject::connect(stopButton, &QPushButton::clicked, q, [this] { onStop(); });
    return bar;
}

QWidget* DashboardPage::Impl::buildCharts() {
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* grid = new QWidget;
    auto* layout = new QGridLayout(grid);
    layout->setContentsMargins(0, 0, 0, 0);
    int index = 0;
    for (const ChartKind kind : kDashboardOrder) {
        auto* panel = new ChartPanel(kind);
        panel->setMinimumHeight(kPanelMinimumHeight);
        const bool last = index == int(std::size(kDashboardOrder)) - 1;
        layout->addWidget(panel, index / 2, index % 2, 1, last && index % 2 == 0 ? 2 : 1);
        panels.append(panel);
        ++index;
    }
    scroll->setWidget(grid);
    new PanelSizer(scroll, panels, layout);
    return scroll;
}

void DashboardPage::Impl::showCell(int cell) {
    displayed = cell;
    const QList<RunSeries> runs = run && cell >= 0 ? QList<RunSeries>{run->bridge()->series(cell)} : QList<RunSeries>{};
    for (auto* panel : std::as_const(panels))
        panel->setRuns(runs);
}

void DashboardPage::Impl::onStarted() {
    stack->setCurrentIndex(1);
    cellPicker->clear();
    checks.clear();
    checksPassed.clear();
    statusLabel->setStyleSheet(QString());
    followLatest = true;
    cells = run ? run->bridge()->cellCount() : 0;
    showCell(-1);
    cellLabel->setText(QStringLiteral("Starting the platform…"));
    phaseLabel->clear();
    timeLabel->clear();
    progress->setRange(0, 0);
    stopButton->setEnabled(true);
    stopButton->setText(QStringLiteral("Stop"));
    statusLabel->setText(QStringLiteral("Running — results go to %1").arg(run ? run->databasePath() : QString()));
}

void DashboardPage::Impl::onCellStarted(int cell, const QString& label) {
    cellPicker->addItem(cellText(cell, cells, label), cell);
    if (followLatest || displayed < 0) {
        cellPicker->setCurrentIndex(cellPicker->count() - 1);
        showCell(cell);
    }
    cellLabel->setText(cellText(cell, cells, label));
}

// The outcome goes into the picker entry too, so a failed cell stays findable after later cells started.
void DashboardPage::Impl::onCellChecked(int cell, int passed, int failed, const QString& failures) {
    const QString outcome =
        failed == 0 ? QStringLiteral("checks: pass (%1)").arg(passed)
                    : QStringLiteral("checks FAILED %1 of %2: %3").arg(failed).arg(passed + failed).arg(failures);
    checks.insert(cell, outcome);
    checksPassed.insert(cell, failed == 0);
    const int index = cellPicker->findData(cell);
    if (index < 0)
        return;
    const QString entry = cellPicker->itemText(index);
    cellPicker->setItemText(index, entry % (failed == 0 ? QStringLiteral(" — pass") : QStringLiteral(" — FAIL")));
    cellPicker->setItemData(index, failed == 0 ? betterColor() : worseColor(), Qt::ForegroundRole);
}

void DashboardPage::Impl::onCellFinished(int cell, const QString& status, const QString& message) {
    QString text = QStringLiteral("Cell %1 %2").arg(cell + 1).arg(status);
    if (!message.isEmpty())
        text += QStringLiteral(": ") % message;
    if (checks.contains(cell))
        text += QStringLiteral(" · ") % checks.value(cell);
    statusLabel->setText(text);
    const bool failedChecks = checksPassed.contains(cell) && !checksPassed.value(cell);
    statusLabel->setStyleSheet(failedChecks ? QStringLiteral("color: %1;").arg(worseColor().name()) : QString());
}

void DashboardPage::Impl::onSeries(int cell, const RunSeries& series) {
    if (cell != displayed)
        return;
    const QList<RunSeries> runs{series};
    for (auto* panel : std::as_const(panels))
        panel->setRuns(runs);
}

void DashboardPage::Impl::onProgress(const LiveProgress& live) {
    cells = live.cells;
    runElapsedSec = live.runElapsedSec;
    cellLabel->setText(cellText(live.cell, live.cells, live.label));
    phaseLabel->setText(
        QStringLiteral("Phase: %1").arg(live.phase.isEmpty() ? QStringLiteral("starting") : live.phase));
    QString times = QStringLiteral("Elapsed %1").arg(clockText(live.runElapsedSec));
    if (live.phaseExpectedSec > 0) {
        progress->setRange(0, kProgressSteps);
        const double fraction = std::clamp(live.phaseElapsedSec / live.phaseExpectedSec, 0.0, 1.0);
        progress->setValue(static_cast<int>(fraction * kProgressSteps));
        times += QStringLiteral(" · phase %1 of %2 · %3 remaining")
                     .arg(clockText(live.phaseElapsedSec), clockText(live.phaseExpectedSec),
                          clockText(live.phaseExpectedSec - live.phaseElapsedSec));
    } else {
        progress->setRange(0, 0); // length unknown (deploy, cold starts): a busy indicator
        times += QStringLiteral(" · phase %1").arg(clockText(live.phaseElapsedSec));
    }
    timeLabel->setText(times);
}

void DashboardPage::Impl::onFinished(const RunFinish& finish) {
    stopButton->setEnabled(false);
    stopButton->setText(QStringLiteral("Stop"));
    progress->setRange(0, kProgressSteps);
    const bool thresholdFailed = finish.exitCode == static_cast<int>(ErrorCode::ThresholdFailed);
    progress->setValue(finish.exitCode == 0 || thresholdFailed ? kProgressSteps : progress->value());
    phaseLabel->setText(QStringLiteral("Phase: done"));
    timeLabel->setText(QStringLiteral("Elapsed %1").arg(clockText(runElapsedSec)));
    const auto stored = finish.runIds.size();
    const QString runs = stored == 0   ? QStringLiteral("no run stored")
                         : stored == 1 ? QStringLiteral("run %1 stored").arg(finish.runIds.first())
                                       : QStringLiteral("%1 runs stored").arg(stored);
    const int failedCells = static_cast<int>(std::count(checksPassed.cbegin(), checksPassed.cend(), false));
    QString text =
        finish.exitCode == 0 ? QStringLiteral("Finished — %1").arg(runs)
        : thresholdFailed ? QStringLiteral("Finished — thresholds failed in %1 cell(s) — %2").arg(failedCells).arg(runs)
        : finish.exitCode == 130 ? QStringLiteral("Stopped — %1").arg(runs)
                                 : QStringLiteral("Failed (exit code %1) — %2").arg(finish.exitCode).arg(runs);
    if (!finish.error.isEmpty())
        text += QStringLiteral(": ") % finish.error;
    statusLabel->setText(text);
    statusLabel->setStyleSheet(thresholdFailed ? QStringLiteral("color: %1;").arg(worseColor().name()) : QString());
    statusLabel->setToolTip(finish.summary.trimmed());
}

void DashboardPage::Impl::onPicked(int index) {
    followLatest = index == cellPicker->count() - 1;
    showCell(cellPicker->itemData(index).toInt());
}

void DashboardPage::Impl::onStop() {
    emit q->stopRequested();
    if (run)
        run->stop();
    stopButton->setEnabled(false);
    stopButton->setText(QStringLiteral("Stopping…"));
}

DashboardPage::DashboardPage(QWidget* parent)
    : QWidget(parent)
    , m_impl(std::make_unique<Impl>(this)) {
    auto& d = *m_impl;
    d.stack = new QStackedLayout(this);
    d.placeholder = new QLabel(QStringLiteral("No run yet — open an experiment and press Run"));
    d.placeholder->setAlignment(Qt::AlignCenter);
    d.placeholder->setForegroundRole(QPalette::PlaceholderText); // a hint, quieter than real content
    QFont hint = d.placeholder->font();
    hint.setPointSizeF(hint.pointSizeF() * 1.4);
    d.placeholder->setFont(hint);
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->addWidget(d.buildTopBar());
    layout->addWidget(d.buildCharts(), 1);
    d.statusLabel = new QLabel;
    d.statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d.statusLabel->setWordWrap(true);
    layout->addWidget(d.statusLabel);
    d.stack->addWidget(d.placeholder);
    d.stack->addWidget(content);
    d.stopButton->setEnabled(false);
}

DashboardPage::~DashboardPage() = default;

void DashboardPage::attach(ExperimentRun* run) {
    auto& d = *m_impl;
    delete d.attachment.data();
    d.run = run;
    d.displayed = -1;
    if (!run)
        return;
    d.attachment = new QObject(this);
    QObject* context = d.attachment;
    EngineBridge* bridge = run->bridge();
    if (d.refreshMs > 0)
        bridge->setRefreshInterval(std::chrono::milliseconds(d.refreshMs));
    connect(run, &ExperimentRun::started, context, [&d] { d.onStarted(); });
    connect(run, &ExperimentRun::finished, context, [&d](const RunFinish& finish) { d.onFinished(finish); });
    connect(bridge, &EngineBridge::cellStarted, context,
            [&d](int cell, const QString& label) { d.onCellStarted(cell, label); });
    connect(bridge, &EngineBridge::cellChecked, context,
            [&d](int cell, int passed, int failed, const QString& failures) {
                d.onCellChecked(cell, passed, failed, failures);
            });
    connect(bridge, &EngineBridge::cellFinished, context,
            [&d](int cell, const QString& status, const QString& message) { d.onCellFinished(cell, status, message); });
    connect(bridge, &EngineBridge::seriesUpdated, context,
            [&d](int cell, const RunSeries& series) { d.onSeries(cell, series); });
    connect(bridge, &EngineBridge::progressUpdated, context, [&d](const LiveProgress& live) { d.onProgress(live); });
    if (run->isRunning()) {
        d.onStarted(); // attached mid-run: catch up with the cells already going
        const auto started = bridge->startedCells();
        for (const int cell : started)
            d.onCellStarted(cell, bridge->series(cell).label);
        if (!started.isEmpty())
            d.onProgress(bridge->progress());
    }
}

void DashboardPage::setRefreshInterval(int milliseconds) {
    m_impl->refreshMs = milliseconds;
    if (m_impl->run && milliseconds > 0)
        m_impl->run->bridge()->setRefreshInterval(std::chrono::milliseconds(milliseconds));
}

int DashboardPage::refreshInterval() const {
    auto& d = *m_impl;
    if (d.run)
        return static_cast<int>(d.run->bridge()->refreshInterval().count());
    return d.refreshMs;
}

QList<ChartPanel*> DashboardPage::chartPanels() const {
    return m_impl->panels;
}

int DashboardPage::displayedCell() const {
    return m_impl->displayed;
}

} // namespace faaswb::ui
