// ChartPanel: a toolbar (reset zoom, log scale, service time, export) over an interactive ChartView.
#include "ui/charts/chart_panel.h"

#include "ui/charts/chart_axes.h"
#include "ui/charts/chart_view.h"
#include "ui/export/chart_export.h"

#include <QChart>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

namespace faaswb::ui {
namespace {

bool isLatencyKind(ChartKind kind) {
    return kind == ChartKind::LatencyHistogram || kind == ChartKind::LatencyCdf || kind == ChartKind::Percentiles;
}

bool hasLogOption(ChartKind kind) {
    return kind == ChartKind::LatencyHistogram || kind == ChartKind::Percentiles || kind == ChartKind::Throughput;
}

QToolButton* toolButton(const QString& text, const QString& toolTip, QWidget* parent, bool checkable = false) {
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(toolTip);
    button->setCheckable(checkable);
    button->setAutoRaise(true);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

} // namespace

class ChartPanel::Impl {
public:
    ChartKind kind;
    QList<RunSeries> runs;
    ChartOptions options;
    charts::ChartView* view = nullptr;
    QToolButton* reset = nullptr;
    QToolButton* log = nullptr;
    QToolButton* serviceTime = nullptr;
    QToolButton* exportButton = nullptr;

    void redraw() {
        populateChart(*view->chart(), kind, runs, options);
        view->syncInteractions();
        updateResetButton();
    }
    // Enabled only while the user's zoom or pan hides part of the data.
    void updateResetButton() { reset->setEnabled(charts::chartZoomed(*view->chart())); }
};

ChartPanel::ChartPanel(ChartKind kind, QWidget* parent)
    : QWidget(parent)
    , m_impl(std::make_unique<Impl>()) {
    m_impl->kind = kind;
    auto* chart = new QChart;
    m_impl->view = new charts::ChartView(chart, this);
    connect(m_impl->view, &charts::ChartView::resetRequested, this, &ChartPanel::resetZoom);
    setupToolbar();
    connect(m_impl->view, &charts::ChartView::rangeChanged, this, [this] { m_impl->updateResetButton(); });
    setMinimumSize(280, 220);
    m_impl->redraw();
}

ChartPanel::~ChartPanel() = default;

void ChartPanel::setupToolbar() {
    Impl& d = *m_impl;
    d.reset = toolButton(tr("Reset zoom"), tr("Show all data again (or double-click the chart)"), this);
    d.log = toolButton(tr("Log scale"), tr("Logarithmic value axis"), this, true);
    d.serviceTime =
        toolButton(tr("Service time"),
                   tr("Latency from the actual send time instead of the intended one (uncorrected)"), this, true);
    d.exportButton = toolButton(tr("Export…"), tr("Save this chart as PNG, SVG or PDF"), this);
    d.log->setVisible(hasLogOption(d.kind));
    d.serviceTime->setVisible(isLatencyKind(d.kind));
    connect(d.reset, &QToolButton::clicked, this, &ChartPanel::resetZoom);
    connect(d.log, &QToolButton::toggled, this, [this](bool on) {
        ChartOptions next = m_impl->options;
        next.logY = on;
        setOptions(next);
    });
    connect(d.serviceTime, &QToolButton::toggled, this, [this](bool on) {
        ChartOptions next = m_impl->options;
        next.serviceTime = on;
        setOptions(next);
    });
    connect(d.exportButton, &QToolButton::clicked, this, &ChartPanel::exportChart);
    auto* toolbar = new QHBoxLayout;
    toolbar->setContentsMargins(2, 0, 2, 0);
    toolbar->setSpacing(2);
    for (QToolButton* button : {d.reset, d.log, d.serviceTime})
        toolbar->addWidget(button);
    toolbar->addStretch(1);
    toolbar->addWidget(d.exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(toolbar);
    layout->addWidget(d.view, 1);
}

ChartKind ChartPanel::kind() const {
    return m_impl->kind;
}

void ChartPanel::setRuns(const QList<RunSeries>& runs) {
    m_impl->runs = runs;
    m_impl->redraw();
}

const QList<RunSeries>& ChartPanel::runs() const {
    return m_impl->runs;
}

QChart* ChartPanel::chart() const {
    return m_impl->view->chart();
}

void ChartPanel::setOptions(const ChartOptions& options) {
    m_impl->options = options;
    const QSignalBlocker logBlocker(m_impl->log), serviceBlocker(m_impl->serviceTime);
    m_impl->log->setChecked(options.logY);
    m_impl->serviceTime->setChecked(options.serviceTime);
    m_impl->redraw();
}

ChartOptions ChartPanel::options() const {
    return m_impl->options;
}

void ChartPanel::resetZoom() {
    charts::resetChartZoom(*m_impl->view->chart());
    m_impl->updateResetButton();
}

void ChartPanel::exportChart() {
    QString filter;
    QString path =
        QFileDialog::getSaveFileName(this, tr("Export chart"), chartFileStem(m_impl->kind) + QStringLiteral(".png"),
                                     tr("PNG image (*.png);;SVG image (*.svg);;PDF document (*.pdf)"), &filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += filter.contains(QLatin1String("svg"))   ? QStringLiteral(".svg")
                : filter.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf")
                                                        : QStringLiteral(".png");
    const std::optional<ImageFormat> format = imageFormatFromName(QFileInfo(path).suffix().toLower());
    const Status saved = format ? saveChart(*m_impl->view->chart(), path, *format)
                                : Status(invalidInput("unknown image format (use .png, .svg or .pdf)"));
    if (!saved) {
        const QString message = tr("Could not export the chart: %1").arg(QString::fromStdString(saved.error().message));
        QToolTip::showText(m_impl->exportButton->mapToGlobal(QPoint(0, m_impl->exportButton->height())), message,
                           m_impl->exportButton);
        emit exportFailed(message);
    }
}

} // namespace faaswb::ui
