// SummaryPage: the chart controls (scenario, metric, sweep variable, statistic, lines or grouped bars) and the chart.
#include "ui/summary/summary_chart.h"
#include "ui/summary/summary_page_impl.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QToolTip>
#include <QVBoxLayout>

namespace faaswb::ui {
namespace {

enum class ChartKindChoice { Lines, GroupedBars };

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}

QComboBox* combo(const QString& name, const QString& tip) {
    auto* box = new QComboBox;
    box->setObjectName(name);
    box->setToolTip(tip);
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    return box;
}

// Refills a combo, keeping the chosen entry when it is still offered, otherwise `fallback` (or the first).
void refill(QComboBox* box, const std::vector<std::string>& values, const QString& fallback,
            const QString& emptyText = {}) {
    const QString chosen = box->currentData().toString();
    const QSignalBlocker blocker(box);
    box->clear();
    for (const auto& value : values)
        box->addItem(qs(value), qs(value));
    if (values.empty() && !emptyText.isEmpty())
        box->addItem(emptyText, QString());
    int index = box->findData(chosen);
    if (index < 0)
        index = box->findData(fallback);
    box->setCurrentIndex(std::max(index, 0));
}

} // namespace

QWidget* SummaryPage::Impl::buildChartArea() {
    auto* area = new QWidget(q);
    auto* controls = new QHBoxLayout;
    scenario = combo(QStringLiteral("summaryScenario"), SummaryPage::tr("The scenario the chart shows"));
    metric = combo(QStringLiteral("summaryMetric"), SummaryPage::tr("The metric on the y axis"));
    xKey = combo(QStringLiteral("summaryX"), SummaryPage::tr("The sweep variable on the x axis; other sweep variables "
                                                             "become separate lines"));
    statistic = combo(QStringLiteral("summaryStatistic"), SummaryPage::tr("What the points and their 95% CI bars are"));
    statistic->addItem(SummaryPage::tr("auto"), -1);
    statistic->addItem(SummaryPage::tr("median (order-statistic CI)"), static_cast<int>(SummaryStatistic::Median));
    statistic->addItem(SummaryPage::tr("mean (Student-t CI)"), static_cast<int>(SummaryStatistic::Mean));
    chartKind =
        combo(QStringLiteral("summaryChartKind"), SummaryPage::tr("Lines with CI bars, or the medians as "
                                                                  "grouped bars by mechanism and payload size"));
    chartKind->addItem(SummaryPage::tr("grouped bars"), static_cast<int>(ChartKindChoice::GroupedBars));
    chartKind->addItem(SummaryPage::tr("lines with 95% CI"), static_cast<int>(ChartKindChoice::Lines));
    chartKindLabel = new QLabel(SummaryPage::tr("Chart:"));
    const QList<QPair<QString, QWidget*>> fields{{SummaryPage::tr("Scenario:"), scenario},
                                                 {SummaryPage::tr("Metric:"), metric},
                                                 {SummaryPage::tr("x:"), xKey},
                                                 {SummaryPage::tr("Statistic:"), statistic}};
    for (const auto& [label, widget] : fields) {
        controls->addWidget(new QLabel(label));
        controls->addWidget(widget);
        controls->addSpacing(8);
    }
    controls->addWidget(chartKindLabel);
    controls->addWidget(chartKind);
    controls->addStretch(1);
    chartView = new QChartView(new QChart);
    chartView->setObjectName(QStringLiteral("summaryChart"));
    chartView->setRenderHint(QPainter::Antialiasing);
    chartView->setMinimumHeight(280);
    chartNote = new QLabel;
    chartNote->setObjectName(QStringLiteral("summaryChartNote"));
    chartNote->setWordWrap(true);
    chartNote->setForegroundRole(QPalette::PlaceholderText);
    auto* layout = new QVBoxLayout(area);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(chartView, 1);
    layout->addWidget(chartNote);
    QObject::connect(scenario, &QComboBox::currentIndexChanged, q, [this] { onScenarioChanged(); });
    for (QComboBox* box : {metric, xKey, statistic, chartKind})
        QObject::connect(box, &QComboBox::currentIndexChanged, q, [this] { redrawChart(); });
    return area;
}

void SummaryPage::Impl::fillScenarioCombo() {
    {
        const QSignalBlocker blocker(scenario);
        refill(scenario, summaryScenarios(data.table), QString());
    }
    onScenarioChanged();
}

// A new scenario offers its own metrics (its headline one first chosen) and sweep variables.
void SummaryPage::Impl::onScenarioChanged() {
    const std::string name = scenario->currentData().toString().toStdString();
    const analysis::SummaryRow* row = firstRowOf(data.table, name);
    const QString headline = row ? qs(headlineMetric(row->scenarioType)) : QString();
    const bool scenarioChanged = scenario->property("shown").toString() != qs(name);
    scenario->setProperty("shown", qs(name));
    if (scenarioChanged) {
        const QSignalBlocker blocker(metric);
        metric->clear(); // so the headline metric wins over the metric of another scenario
    }
    refill(metric, scenarioMetrics(data.table, name), headline);
    refill(xKey, varyingSweepKeys(data.table, name), QString(), SummaryPage::tr("(no sweep: repeats only)"));
    const bool pivot = hasChainPivot(data.table, name);
    chartKind->setVisible(pivot);
    chartKindLabel->setVisible(pivot);
    redrawChart();
}

void SummaryPage::Impl::redrawChart() {
    QChart& chart = *chartView->chart();
    const std::string name = scenario->currentData().toString().toStdString();
    const std::string metricName = metric->currentData().toString().toStdString();
    if (name.empty() || metricName.empty()) {
        clearSummaryChart(chart, data.table.rows.empty() ? SummaryPage::tr("No summary to chart")
                                                         : SummaryPage::tr("No metric to chart"));
        chartNote->clear();
        return;
    }
    // isHidden, not isVisible: the page itself may not be shown yet
    const bool bars =
        !chartKind->isHidden() && chartKind->currentData().toInt() == static_cast<int>(ChartKindChoice::GroupedBars);
    xKey->setEnabled(!bars);
    statistic->setEnabled(!bars);
    if (bars) {
        populatePivotChart(chart, analysis::pivot(data.table, name, metricName, kPivotRowKey, kPivotColumnKey));
        chartNote->setText(SummaryPage::tr("Medians over the repeats; the table's tooltips give their 95% CIs."));
        return;
    }
    SummaryChartOptions options{name, metricName, xKey->currentData().toString().toStdString(), std::nullopt};
    if (const int chosen = statistic->currentData().toInt(); chosen >= 0)
        options.statistic = static_cast<SummaryStatistic>(chosen);
    const SummaryChartInfo info = populateSummaryChart(chart, data.table, options);
    chartNote->setText(info.note);
    connectTooltips();
}

// Hovering a line shows its nearest point's statistics (QtCharts has no per-point tooltips of its own).
void SummaryPage::Impl::connectTooltips() {
    const auto series = chartView->chart()->series();
    for (QAbstractSeries* item : series) {
        auto* line = qobject_cast<QLineSeries*>(item);
        if (!line)
            continue;
        QObject::connect(line, &QLineSeries::hovered, line, [line](const QPointF& point, bool state) {
            const QString tip = state ? summaryPointToolTip(*line, point) : QString();
            if (tip.isEmpty())
                QToolTip::hideText();
            else
                QToolTip::showText(QCursor::pos(), tip);
        });
    }
}

} // namespace faaswb::ui
