// The Summary view's charts, shared by the page and the exports (`run --out`, HTML report): one metric of a scenario
// against a sweep variable with 95% confidence-interval bars (one line per benchmark · language · other sweep value),
// and a pivot as grouped bars (the workflow-chain medians by mechanism x payload size). QtCharts has no error-bar
// series, so each bar is a small QLineSeries (cap, stem, cap) hidden from the legend. UI thread only.
#pragma once

#include "analysis/summary.h"

#include <QPointF>
#include <QString>
#include <optional>
#include <string>

QT_BEGIN_NAMESPACE
class QChart;
class QXYSeries;
QT_END_NAMESPACE

namespace faaswb::ui {

enum class SummaryStatistic { Median, Mean };

struct SummaryChartOptions {
    std::string scenario;
    std::string metric;
    std::string xKey; // a sweep key; empty: the scenario's first varying key (or one point per group without one)
    // nullopt: the median with its CI when every point has one (n >= 6), otherwise the mean with its t interval.
    std::optional<SummaryStatistic> statistic;
};

struct SummaryChartInfo {
    SummaryStatistic statistic = SummaryStatistic::Median;
    int points = 0;          // plotted points over all lines
    int pointsWithoutCi = 0; // of them, without an interval (too few runs)
    QString note;            // what the reader should know (empty when nothing)
};

// Rebuilds `chart` (every series and axis replaced).
SummaryChartInfo populateSummaryChart(QChart& chart, const analysis::SummaryTable& table,
                                      const SummaryChartOptions& options);
void populatePivotChart(QChart& chart, const analysis::PivotTable& pivot);
// No data: every series and axis removed, `title` shown.
void clearSummaryChart(QChart& chart, const QString& title);

// The tooltip of a plotted point ("rate 50 req/s: median 12.3 ms, 95% CI [...]"); empty for other points.
QString summaryPointToolTip(const QXYSeries& series, QPointF point);

QString statisticName(SummaryStatistic statistic); // "median" | "mean"

} // namespace faaswb::ui
