// Internal to ui/charts: the chart description the kind builders produce (ChartSpec), the one function that applies it
// to a QChart (rebuild or in-place update, zoom kept), nice axis ranges, colours and tooltip texts. UI thread only.
#pragma once

#include "ui/charts/chart_builder.h"

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <optional>

QT_BEGIN_NAMESPACE
class QChart;
class QAbstractSeries;
class QXYSeries;
QT_END_NAMESPACE

namespace faaswb::ui::charts {

// Dynamic properties applySpec sets on the series it creates (read by tooltips and the legend).
inline constexpr char kTipProperty[] = "faaswbTip";
inline constexpr char kSuffixProperty[] = "faaswbLegendSuffix";

// What a hovered point means, for its tooltip ("p99: 12.3 ms at 14 s").
enum class TipKind { LatencyOverTime, HistogramCount, CdfFraction, Rate, Pods, ColdStart, Cpu, Memory, None };

enum class SeriesType { Line, Scatter, Area };

struct SeriesSpec {
    QString key;  // stable identity across updates ("p99#0"); a changed key set rebuilds the chart
    QString name; // legend text
    SeriesType type = SeriesType::Line;
    QColor color;
    Qt::PenStyle style = Qt::SolidLine;
    qreal width = 1.8;
    QList<QPointF> points; // for Area: the upper edge (the lower edge is y = 0)
    bool rightAxis = false;
    TipKind tip = TipKind::None;
    // With several runs the name is "<run label> <suffix>"; a narrow legend elides the run label, never the suffix.
    QString legendSuffix;
};

struct AxisSpec {
    QString title; // with its unit: "Latency (ms)"
    bool log = false;
    double min = 0, max = 1; // the automatic ("reset zoom") range, already nice
};

struct BarSpec {
    struct Set {
        QString name;
        QColor color;
        QList<qreal> values; // one per category
    };
    QStringList categories;
    QList<Set> sets;
};

struct ChartSpec {
    QString title;
    QString note; // non-empty: only this centred note, no axes
    AxisSpec x, y;
    std::optional<AxisSpec> y2;
    QList<SeriesSpec> series;
    std::optional<BarSpec> bars; // horizontal stacked bars: x is the value axis, y the categories
};

// Applies `spec`: in place (same series objects, QXYSeries::replace) when the chart shows the same structure,
// otherwise rebuilt. Either way an axis range the user zoomed stays and hidden series stay hidden.
void applySpec(QChart& chart, const ChartSpec& spec, ChartKind kind);

// Restores the automatic ranges of the last applied spec.
void resetChartZoom(QChart& chart);
bool chartZoomed(const QChart& chart);
// The centred note shown instead of data ("Pod counts not available on local"), empty when none.
QString chartNote(const QChart& chart);
// Tooltip text of a data point of a series built by applySpec; empty when the series has no tooltips.
QString pointToolTip(const QXYSeries& series, QPointF point);
// The suffix of a series built from a SeriesSpec with legendSuffix ("p99"), empty otherwise.
QString legendSuffix(const QAbstractSeries& series);

// Nice ranges: rounded to 1/2/2.5/5 x 10^k steps (linear) or to decades (log), never empty or inverted.
std::pair<double, double> niceRange(double min, double max);
std::pair<double, double> niceLogRange(double min, double max);
double niceStep(double span, int targetTicks);

// Colours that read on light and dark backgrounds (Tableau 10).
QColor seriesColor(int index);
bool darkPalette();
QString formatValue(double value);

} // namespace faaswb::ui::charts
