#include "ui/summary/summary_chart.h"

#include "ui/charts/chart_axes.h"
#include "ui/results/results_format.h"
#include "ui/summary/summary_data.h"
#include "ui/summary/summary_table_model.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QGuiApplication>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPalette>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <map>

namespace faaswb::ui {
namespace {

const char kTipsProperty[] = "faaswbSummaryTips"; // QStringList, one per point of a centre line

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}

QColor textColor() {
    return QGuiApplication::palette().color(QPalette::Text);
}

QColor mixedWithBase(const QColor& color, double weight) {
    const QColor base = QGuiApplication::palette().color(QPalette::Base);
    return QColor::fromRgbF(static_cast<float>(color.redF() * weight + base.redF() * (1 - weight)),
                            static_cast<float>(color.greenF() * weight + base.greenF() * (1 - weight)),
                            static_cast<float>(color.blueF() * weight + base.blueF() * (1 - weight)));
}

QFont chartFont(int pointSize, bool bold = false) {
    QFont font = QGuiApplication::font();
    font.setPointSize(pointSize);
    font.setBold(bold);
    return font;
}

// The chart deletes the graphics of removed series and axes later (deleteLater): hidden first, they never show up
// in a grab or an export made before the event loop runs again.
void clearChart(QChart& chart) {
    const auto series = chart.series();
    for (QAbstractSeries* item : series)
        item->setVisible(false);
    chart.removeAllSeries();
    const auto axes = chart.axes();
    for (QAbstractAxis* axis : axes) {
        axis->setVisible(false);
        chart.removeAxis(axis);
        delete axis;
    }
}

void styleChart(QChart& chart, const QString& title) {
    chart.setTheme(charts::darkPalette() ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart.setBackgroundBrush(QGuiApplication::palette().color(QPalette::Base));
    chart.setBackgroundPen(Qt::NoPen);
    chart.setBackgroundRoundness(0);
    chart.setPlotAreaBackgroundVisible(false);
    chart.setMargins(QMargins(6, 6, 6, 6));
    chart.setAnimationOptions(QChart::NoAnimation);
    chart.setTitleFont(chartFont(10, true));
    chart.setTitleBrush(textColor());
    chart.setTitle(title);
    chart.legend()->setAlignment(Qt::AlignBottom);
    chart.legend()->setFont(chartFont(9));
    chart.legend()->setLabelColor(textColor());
}

void styleAxis(QAbstractAxis* axis, const QString& title) {
    axis->setTitleText(title);
    axis->setTitleFont(chartFont(9));
    axis->setTitleBrush(textColor());
    axis->setLabelsFont(chartFont(9));
    axis->setLabelsBrush(textColor());
    axis->setGridLinePen(QPen(mixedWithBase(textColor(), 0.16), 1));
    axis->setMinorGridLinePen(QPen(mixedWithBase(textColor(), 0.07), 1));
    axis->setLinePen(QPen(mixedWithBase(textColor(), 0.45), 1));
}

// Decimals that show every tick of a nice step exactly.
QString labelFormat(double step) {
    const int decimals = std::clamp(-static_cast<int>(std::floor(std::log10(step) + 1e-9)), 0, 6);
    return QStringLiteral("%.") + QString::number(decimals) + QStringLiteral("f");
}

QValueAxis* valueAxis(double min, double max, const QString& title) {
    const auto [low, high] = charts::niceRange(min, max);
    auto* axis = new QValueAxis;
    const double step = charts::niceStep(high - low, 6);
    axis->setRange(low, high);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(step);
    axis->setLabelFormat(labelFormat(step));
    styleAxis(axis, title);
    return axis;
}

struct PlotPoint {
    double x = 0;
    double centre = 0;
    std::optional<double> low, high;
    QString tip;
};

struct Line {
    QString name;
    std::vector<PlotPoint> points;
};

// How the x variable is drawn: numbers on a value (or log) axis, anything else (and byte sizes, shown as KiB/MiB)
// as evenly spaced categories in sweep order.
struct XScale {
    bool categorical = true;
    bool log = false;
    std::vector<nlohmann::json> values; // categories in order, or the numbers seen
    double position(const nlohmann::json& value) const {
        if (!categorical)
            return value.get<double>();
        const auto found = std::find(values.cbegin(), values.cend(), value);
        return static_cast<double>(found - values.cbegin());
    }
};

std::vector<const analysis::SummaryRow*> rowsOf(const analysis::SummaryTable& table, const std::string& scenario) {
    std::vector<const analysis::SummaryRow*> rows;
    for (const auto& row : table.rows)
        if (row.scenario == scenario)
            rows.push_back(&row);
    return rows;
}

nlohmann::json xValueOf(const analysis::SummaryRow& row, const std::string& key) {
    return !key.empty() && row.sweepValues.contains(key) ? row.sweepValues[key] : nlohmann::json();
}

XScale xScaleOf(const std::vector<const analysis::SummaryRow*>& rows, const std::string& key) {
    XScale scale;
    bool numeric = !key.empty() && !isByteSizeKey(key);
    for (const auto* row : rows) {
        const nlohmann::json value = xValueOf(*row, key);
        numeric = numeric && value.is_number();
        if (std::find(scale.values.cbegin(), scale.values.cend(), value) == scale.values.cend())
            scale.values.push_back(value);
    }
    scale.categorical = !numeric;
    if (numeric) {
        double low = 1e300, high = -1e300;
        for (const auto& value : scale.values) {
            low = std::min(low, value.get<double>());
            high = std::max(high, value.get<double>());
        }
        scale.log = low > 0 && high / low >= 50;
    }
    return scale;
}

// Benchmark, language and the other varying sweep values: only the parts that differ between the lines.
QString groupName(const analysis::SummaryRow& row, const std::vector<std::string>& otherKeys, bool withBenchmark,
                  bool withLanguage) {
    QStringList parts;
    if (withBenchmark)
        parts << qs(row.benchmark);
    if (withLanguage)
        parts << qs(row.language);
    for (const auto& key : otherKeys)
        if (row.sweepValues.contains(key))
            parts << qs(key) + QLatin1Char('=') + sweepValueLabel(key, row.sweepValues[key]);
    return parts.join(QStringLiteral(" · "));
}

std::optional<SummaryStatistic> allHaveMedianCi(const std::vector<const analysis::SummaryRow*>& rows,
                                                const std::string& metric) {
    for (const auto* row : rows) {
        const auto found = row->metrics.find(metric);
        if (found != row->metrics.end() && found->second.n > 0 && !found->second.medianCiLow)
            return SummaryStatistic::Mean;
    }
    return SummaryStatistic::Median;
}

PlotPoint pointOf(const analysis::SampleStats& stats, SummaryStatistic statistic, double x) {
    PlotPoint point;
    point.x = x;
    if (statistic == SummaryStatistic::Median) {
        point.centre = stats.median;
        point.low = stats.medianCiLow;
        point.high = stats.medianCiHigh;
    } else {
        point.centre = stats.mean;
        point.low = stats.meanCiLow;
        point.high = stats.meanCiHigh;
        // With few repeats the t interval of a latency can reach below zero; a quantity that never was negative is
        // drawn from 0 (the tooltip and the table keep the computed interval).
        if (point.low && stats.min >= 0)
            point.low = std::max(*point.low, 0.0);
    }
    return point;
}

std::vector<Line> buildLines(const std::vector<const analysis::SummaryRow*>& rows, const analysis::SummaryTable& table,
                             const SummaryChartOptions& options, SummaryStatistic statistic, const XScale& scale) {
    std::vector<std::string> otherKeys = varyingSweepKeys(table, options.scenario);
    otherKeys.erase(std::remove(otherKeys.begin(), otherKeys.end(), options.xKey), otherKeys.end());
    const auto differs = [&](std::string analysis::SummaryRow::*field) {
        return std::any_of(rows.cbegin(), rows.cend(), [&](const auto* row) { return row->*field != rows[0]->*field; });
    };
    const bool withBenchmark = differs(&analysis::SummaryRow::benchmark);
    const bool withLanguage = differs(&analysis::SummaryRow::language);
    std::vector<Line> lines;
    const QString unit = metricUnit(options.metric);
    for (const auto* row : rows) {
        const auto found = row->metrics.find(options.metric);
        if (found == row->metrics.end() || found->second.n == 0)
            continue;
        const QString name = groupName(*row, otherKeys, withBenchmark, withLanguage);
        auto line = std::find_if(lines.begin(), lines.end(), [&](const Line& l) { return l.name == name; });
        if (line == lines.end())
            line = lines.insert(lines.end(), Line{name, {}});
        const nlohmann::json x = xValueOf(*row, options.xKey);
        PlotPoint point = pointOf(found->second, statistic, scale.position(x));
        const QString where = options.xKey.empty() ? QString()
                                                   : qs(options.xKey) + QLatin1Char('=') +
                                                         sweepValueLabel(options.xKey, x) + QStringLiteral(": ");
        point.tip = (name.isEmpty() ? QString() : name + QLatin1Char('\n')) + where + statsToolTip(found->second, unit);
        line->points.push_back(point);
    }
    for (Line& line : lines)
        std::sort(line.points.begin(), line.points.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
    return lines;
}

// Half the width of an error bar's caps, in x units.
double capHalfWidth(const XScale& scale, double x) {
    if (scale.categorical)
        return 0.07;
    double low = 1e300, high = -1e300;
    for (const auto& value : scale.values) {
        low = std::min(low, value.get<double>());
        high = std::max(high, value.get<double>());
    }
    if (scale.log)
        return x * (std::pow(high / low, 0.012) - 1);
    return high > low ? (high - low) * 0.012 : std::max(std::abs(x) * 0.05, 0.05);
}

QLineSeries* errorBar(const PlotPoint& point, double halfWidth, const QColor& color) {
    const double l = point.x - halfWidth, r = point.x + halfWidth;
    auto* bar = new QLineSeries;
    bar->replace(QList<QPointF>{{l, *point.low},
                                {r, *point.low},
                                {point.x, *point.low},
                                {point.x, *point.high},
                                {l, *point.high},
                                {r, *point.high}});
    bar->setPen(QPen(color, 1.4));
    return bar;
}

QAbstractAxis* makeXAxis(const XScale& scale, const std::string& key, double minX, double maxX) {
    const QString title = key.empty() ? QStringLiteral("Runs") : sweepKeyLabel(key);
    if (scale.categorical) {
        auto* axis = new QCategoryAxis;
        axis->setStartValue(-0.5);
        for (std::size_t i = 0; i < scale.values.size(); ++i)
            axis->append(key.empty() ? QStringLiteral("all runs") : sweepValueLabel(key, scale.values[i]),
                         static_cast<double>(i) + 0.5);
        axis->setRange(-0.5, static_cast<double>(scale.values.size()) - 0.5);
        axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
        styleAxis(axis, title);
        axis->setGridLineVisible(false);
        return axis;
    }
    if (scale.log) {
        auto* axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setMinorTickCount(-1);
        const auto [low, high] = charts::niceLogRange(minX / 1.3, maxX * 1.3);
        axis->setRange(low, high);
        styleAxis(axis, title);
        return axis;
    }
    const double pad = maxX > minX ? (maxX - minX) * 0.06 : std::max(std::abs(minX) * 0.1, 1.0);
    return valueAxis(minX - pad, maxX + pad, title);
}

void attach(QChart& chart, QAbstractSeries* series, QAbstractAxis* x, QAbstractAxis* y) {
    chart.addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
}

QString chartTitle(const SummaryChartOptions& options, SummaryStatistic statistic) {
    QString title =
        QStringLiteral("%1: %2 %3 with 95% CI").arg(qs(options.scenario), qs(options.metric), statisticName(statistic));
    if (!options.xKey.empty())
        title += QStringLiteral(" vs %1").arg(qs(options.xKey));
    return title;
}

void drawLines(QChart& chart, const std::vector<Line>& lines, const XScale& scale, QAbstractAxis* x, QAbstractAxis* y) {
    int index = 0;
    for (const Line& line : lines) {
        const QColor color = charts::seriesColor(index++);
        for (const PlotPoint& point : line.points)
            if (point.low && point.high) {
                QLineSeries* bar = errorBar(point, capHalfWidth(scale, point.x), color);
                attach(chart, bar, x, y);
                for (QLegendMarker* marker : chart.legend()->markers(bar))
                    marker->setVisible(false);
            }
        auto* centre = new QLineSeries;
        QList<QPointF> points;
        QStringList tips;
        for (const PlotPoint& point : line.points) {
            points << QPointF(point.x, point.centre);
            tips << point.tip;
        }
        centre->replace(points);
        centre->setName(line.name);
        centre->setPen(QPen(color, 2.2));
        centre->setPointsVisible(true);
        centre->setMarkerSize(7);
        centre->setProperty(kTipsProperty, tips);
        attach(chart, centre, x, y);
    }
}

} // namespace

void clearSummaryChart(QChart& chart, const QString& title) {
    clearChart(chart);
    styleChart(chart, title);
}

QString statisticName(SummaryStatistic statistic) {
    return statistic == SummaryStatistic::Median ? QStringLiteral("median") : QStringLiteral("mean");
}

SummaryChartInfo populateSummaryChart(QChart& chart, const analysis::SummaryTable& table,
                                      const SummaryChartOptions& requested) {
    SummaryChartOptions options = requested;
    if (options.xKey.empty()) {
        const auto keys = varyingSweepKeys(table, options.scenario);
        options.xKey = keys.empty() ? std::string() : keys.front();
    }
    const auto rows = rowsOf(table, options.scenario);
    SummaryChartInfo info;
    info.statistic = options.statistic.value_or(*allHaveMedianCi(rows, options.metric));
    clearChart(chart);
    styleChart(chart, chartTitle(options, info.statistic));
    const XScale scale = xScaleOf(rows, options.xKey);
    const std::vector<Line> lines = buildLines(rows, table, options, info.statistic, scale);
    double minX = 1e300, maxX = -1e300, minY = 0, maxY = 0;
    for (const Line& line : lines)
        for (const PlotPoint& point : line.points) {
            ++info.points;
            info.pointsWithoutCi += point.low ? 0 : 1;
            minX = std::min(minX, point.x);
            maxX = std::max(maxX, point.x);
            minY = std::min({minY, point.centre, point.low.value_or(point.centre)});
            maxY = std::max({maxY, point.centre, point.high.value_or(point.centre)});
        }
    if (info.points == 0) {
        info.note = QStringLiteral("No complete run of %1 has %2").arg(qs(options.scenario), qs(options.metric));
        chart.setTitle(chart.title() + QStringLiteral("<br><small>") + info.note + QStringLiteral("</small>"));
        return info;
    }
    if (info.pointsWithoutCi > 0)
        info.note = QStringLiteral("%1 of %2 points have no interval: the %3's 95% CI needs %4 runs per point")
                        .arg(info.pointsWithoutCi)
                        .arg(info.points)
                        .arg(statisticName(info.statistic), info.statistic == SummaryStatistic::Median
                                                                ? QStringLiteral("at least 6")
                                                                : QStringLiteral("2 or more"));
    QAbstractAxis* x = makeXAxis(scale, options.xKey, minX, maxX);
    QValueAxis* y = valueAxis(minY, maxY * 1.05, metricHeader(options.metric));
    chart.addAxis(x, Qt::AlignBottom);
    chart.addAxis(y, Qt::AlignLeft);
    drawLines(chart, lines, scale, x, y);
    chart.legend()->setVisible(lines.size() > 1 || !lines.front().name.isEmpty());
    return info;
}

void populatePivotChart(QChart& chart, const analysis::PivotTable& pivot) {
    clearChart(chart);
    styleChart(chart, QStringLiteral("%1: %2 median by %3 and %4")
                          .arg(qs(pivot.scenario), qs(pivot.metric), qs(pivot.rowKey), qs(pivot.columnKey)));
    QStringList categories;
    for (const auto& value : pivot.columnValues)
        categories << sweepValueLabel(pivot.columnKey, value);
    auto* series = new QBarSeries;
    double maxY = 0;
    QStringList missing;
    for (std::size_t row = 0; row < pivot.rowValues.size(); ++row) {
        auto* set =
            new QBarSet(qs(pivot.rowKey) + QLatin1Char('=') + sweepValueLabel(pivot.rowKey, pivot.rowValues[row]));
        set->setColor(charts::seriesColor(static_cast<int>(row)));
        set->setBorderColor(charts::seriesColor(static_cast<int>(row)));
        set->setLabelColor(textColor());
        for (std::size_t column = 0; column < pivot.columnValues.size(); ++column) {
            const auto& cell = pivot.cells.at(row).at(column);
            // QBarSet has no gaps: a missing cell is drawn as no bar and named below the title, never read as 0.
            set->append(cell.value_or(0));
            maxY = std::max(maxY, cell.value_or(0));
            if (!cell)
                missing << sweepValueLabel(pivot.rowKey, pivot.rowValues[row]) + QLatin1Char('/') +
                               categories.value(static_cast<qsizetype>(column));
        }
        series->append(set);
    }
    series->setLabelsVisible(pivot.rowValues.size() * pivot.columnValues.size() <= 24);
    series->setLabelsFormat(QStringLiteral("@value"));
    series->setLabelsPrecision(3);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    if (!missing.isEmpty())
        chart.setTitle(chart.title() + QStringLiteral("<br><small>n/a (no complete run): ") +
                       missing.join(QStringLiteral(", ")) + QStringLiteral("</small>"));
    chart.addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(categories);
    styleAxis(x, sweepKeyLabel(pivot.columnKey));
    x->setGridLineVisible(false);
    QValueAxis* y = valueAxis(0, maxY * 1.12, metricHeader(pivot.metric));
    chart.addAxis(x, Qt::AlignBottom);
    chart.addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    chart.legend()->setVisible(true);
}

// The hovered position lies anywhere on the line: the point nearest in x answers.
QString summaryPointToolTip(const QXYSeries& series, QPointF point) {
    const QStringList tips = series.property(kTipsProperty).toStringList();
    const QList<QPointF> points = series.points();
    qsizetype nearest = -1;
    for (qsizetype i = 0; i < points.size() && i < tips.size(); ++i)
        if (nearest < 0 || std::abs(points[i].x() - point.x()) < std::abs(points[nearest].x() - point.x()))
            nearest = i;
    return nearest < 0 ? QString() : tips[nearest];
}

} // namespace faaswb::ui
