// Nice axis ranges, series colours and the texts of tooltips and values (see chart_axes.h).
#include "ui/charts/chart_axes.h"

#include <QAbstractSeries>
#include <QGuiApplication>
#include <QPalette>
#include <QXYSeries>
#include <cmath>

namespace faaswb::ui::charts {

QString legendSuffix(const QAbstractSeries& series) {
    return series.property(kSuffixProperty).toString();
}

QString pointToolTip(const QXYSeries& series, QPointF point) {
    const QVariant tip = series.property(kTipProperty);
    if (!tip.isValid())
        return {};
    const QString name = series.name();
    const QString x = formatValue(point.x()), y = formatValue(point.y());
    switch (static_cast<TipKind>(tip.toInt())) {
    case TipKind::LatencyOverTime:
        return QStringLiteral("%1: %2 ms at %3 s").arg(name, y, x);
    case TipKind::HistogramCount:
        return QStringLiteral("%1: %2 requests at %3 ms").arg(name, y, x);
    case TipKind::CdfFraction:
        return QStringLiteral("%1: %2 % of requests ≤ %3 ms").arg(name, formatValue(point.y() * 100), x);
    case TipKind::Rate:
        return QStringLiteral("%1: %2 req/s at %3 s").arg(name, y, x);
    case TipKind::Pods:
        return QStringLiteral("%1: %2 pods at %3 s").arg(name, y, x);
    case TipKind::ColdStart:
        return QStringLiteral("%1 at %2 s").arg(name, x);
    case TipKind::Cpu:
        return QStringLiteral("%1: %2 millicores at %3 s").arg(name, y, x);
    case TipKind::Memory:
        return QStringLiteral("%1: %2 MiB at %3 s").arg(name, y, x);
    case TipKind::None:
        break;
    }
    return {};
}

double niceStep(double span, int targetTicks) {
    if (!(span > 0) || !std::isfinite(span))
        return 1;
    const double raw = span / std::max(targetTicks, 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (raw <= factor * magnitude * (1 + 1e-9))
            return factor * magnitude;
    return 10 * magnitude;
}

std::pair<double, double> niceRange(double min, double max) {
    if (!std::isfinite(min) || !std::isfinite(max))
        return {0, 1};
    if (min > max)
        std::swap(min, max);
    if (max - min < 1e-12) { // a single value still gets a visible range around it
        const double pad = std::abs(max) > 1e-12 ? std::abs(max) * 0.5 : 1;
        min = min >= 0 && min - pad < 0 ? 0 : min - pad;
        max += pad;
    }
    // Rounded to a finer step than the ticks' so the range hugs the data (0..70 s, not 0..80 s).
    const double step = niceStep(max - min, 10);
    return {std::floor(min / step + 1e-9) * step, std::ceil(max / step - 1e-9) * step};
}

std::pair<double, double> niceLogRange(double min, double max) {
    if (!(min > 0) || !std::isfinite(min))
        min = std::max(max / 10, 1e-3);
    if (!(max > 0) || !std::isfinite(max))
        max = 1;
    if (min > max)
        std::swap(min, max);
    double low = std::pow(10.0, std::floor(std::log10(min) + 1e-9));
    double high = std::pow(10.0, std::ceil(std::log10(max) - 1e-9));
    if (high <= low)
        high = low * 10;
    return {low, high};
}

QColor seriesColor(int index) {
    static const QRgb colors[] = {0x4e79a7, 0xf28e2b, 0x59a14f, 0xe15759, 0xb07aa1,
                                  0x76b7b2, 0xedc948, 0xff9da7, 0x9c755f, 0xbab0ac};
    const QColor color(colors[static_cast<std::size_t>(index) % std::size(colors)]);
    return darkPalette() ? color.lighter(115) : color;
}

bool darkPalette() {
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

QString formatValue(double value) {
    const double magnitude = std::abs(value);
    const int decimals = magnitude >= 100 || value == std::round(value) ? 0
                         : magnitude >= 10                              ? 1
                         : magnitude >= 1                               ? 2
                                                                        : 3;
    return QString::number(value, 'f', decimals);
}

} // namespace faaswb::ui::charts
