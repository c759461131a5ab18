// Latency charts: histogram and CDF over log-spaced latency bins (ms), percentiles over time.
#include "ui/charts/chart_specs.h"

#include <QMap>
#include <algorithm>
#include <cmath>

namespace faaswb::ui::charts {
namespace {

constexpr int kHistogramBinsPerDecade = 20;
constexpr int kCdfPointsPerDecade = 50;
constexpr double kMinLatencyMs = 0.001; // 1 us: the histogram's resolution

const load::LatencyHistogram* histogramOf(const RunSeries& run, const ChartOptions& options) {
    const auto& histogram = options.serviceTime ? run.serviceTime : run.latency;
    return histogram && histogram->totalCount() > 0 ? histogram.get() : nullptr;
}

double binEdge(int bin, int perDecade) {
    return std::pow(10.0, static_cast<double>(bin) / perDecade);
}
int binOf(double ms, int perDecade) {
    return static_cast<int>(std::floor(std::log10(ms) * perDecade + 1e-9));
}

// The HDR buckets are far finer than a chart can show; counts are regrouped into equal-width bins on the log axis
// (each HDR bucket by its midpoint) so bar heights compare.
QMap<int, double> regroup(const load::LatencyHistogram& histogram) {
    QMap<int, double> bins;
    histogram.forEachBucket([&](std::int64_t low, std::int64_t high, std::int64_t count) {
        const double midMs = std::max(static_cast<double>(low + high) / 2000.0, kMinLatencyMs);
        bins[binOf(midMs, kHistogramBinsPerDecade)] += static_cast<double>(count);
    });
    return bins;
}

// Step outline of the bins (empty bins between filled ones drop to `floor`).
QList<QPointF> stepOutline(const QMap<int, double>& bins, double floor) {
    QList<QPointF> points;
    if (bins.isEmpty())
        return points;
    const int first = bins.firstKey(), last = bins.lastKey();
    points.append(QPointF(binEdge(first, kHistogramBinsPerDecade), floor));
    for (int bin = first; bin <= last; ++bin) {
        const double count = std::max(bins.value(bin, 0), floor);
        points.append(QPointF(binEdge(bin, kHistogramBinsPerDecade), count));
        points.append(QPointF(binEdge(bin + 1, kHistogramBinsPerDecade), count));
    }
    points.append(QPointF(binEdge(last + 1, kHistogramBinsPerDecade), floor));
    return points;
}

// Histograms cover the measured phase only: a live run still in its warm-up says so rather than "waiting".
QString noHistogramNote(const QList<RunSeries>& runs) {
    const bool warmingUp = std::any_of(runs.begin(), runs.end(), [](const RunSeries& run) {
        return !run.achievedRps.isEmpty() && run.status == QLatin1String("running");
    });
    return warmingUp ? QStringLiteral("Warm-up: the distribution starts with the measured phase") : waitingNote(runs);
}

AxisSpec latencyXAxis(double minMs, double maxMs) {
    const auto [min, max] = niceLogRange(std::max(minMs, kMinLatencyMs), std::max(maxMs, kMinLatencyMs));
    return AxisSpec{QStringLiteral("Latency (ms)"), true, min, max};
}

QList<QPointF> cdfPoints(const load::LatencyHistogram& histogram) {
    const double minMs = std::max(static_cast<double>(histogram.min()) / 1000.0, kMinLatencyMs);
    const double maxMs = std::max(static_cast<double>(histogram.max()) / 1000.0, minMs);
    QList<QPointF> points;
    const int first = binOf(minMs, kCdfPointsPerDecade), last = binOf(maxMs, kCdfPointsPerDecade) + 1;
    for (int bin = first; bin <= last; ++bin) {
        const double edgeMs = std::min(binEdge(bin, kCdfPointsPerDecade), maxMs);
        points.append(QPointF(edgeMs, histogram.fractionAtOrBelow(static_cast<std::int64_t>(edgeMs * 1000.0))));
        if (edgeMs >= maxMs)
            break;
    }
    return points;
}

// One series per run with a histogram, drawn by `toPoints`, and the shared log latency axis over all of them.
// False (with the chart's "no histogram" note set) when no run has one yet.
template <typename ToPoints>
bool addDistributionSeries(ChartSpec& spec, const QList<RunSeries>& runs, const ChartOptions& options,
                           const QString& idPattern, TipKind tip, ToPoints toPoints) {
    double minMs = INFINITY, maxMs = 0;
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const load::LatencyHistogram* histogram = histogramOf(runs[i], options);
        if (!histogram)
            continue;
        SeriesSpec series = lineSpec(idPattern.arg(i), runs[i].label, seriesColor(static_cast<int>(i)), tip);
        series.points = toPoints(*histogram);
        minMs = std::min(minMs, series.points.first().x());
        maxMs = std::max(maxMs, series.points.last().x());
        spec.series.append(series);
    }
    if (spec.series.isEmpty()) {
        spec.note = noHistogramNote(runs);
        return false;
    }
    spec.x = latencyXAxis(minMs, maxMs);
    return true;
}

} // namespace

ChartSpec latencyHistogramSpec(const QList<RunSeries>& runs, const ChartOptions& options) {
    ChartSpec spec;
    spec.title = titleWithDetail(QStringLiteral("Latency histogram"), latencyDetail(options));
    const double floor = options.logY ? 0.5 : 0; // log axes cannot show empty bins at 0
    if (!addDistributionSeries(spec, runs, options, QStringLiteral("hist#%1"), TipKind::HistogramCount,
                               [floor](const load::LatencyHistogram& h) { return stepOutline(regroup(h), floor); }))
        return spec;
    QList<const QList<QPointF>*> data;
    for (const SeriesSpec& series : spec.series)
        data.append(&series.points);
    spec.y = valueAxis(QStringLiteral("Requests (count)"), data, options.logY);
    if (options.logY)
        spec.y.min = std::max(spec.y.min, 1.0); // empty bins sit on the floor below the axis, not on a line at 0.5
    return spec;
}

ChartSpec latencyCdfSpec(const QList<RunSeries>& runs, const ChartOptions& options) {
    ChartSpec spec;
    spec.title = titleWithDetail(QStringLiteral("Latency CDF"), latencyDetail(options));
    if (!addDistributionSeries(spec, runs, options, QStringLiteral("cdf#%1"), TipKind::CdfFraction,
                               [](const load::LatencyHistogram& h) { return cdfPoints(h); }))
        return spec;
    spec.y = AxisSpec{QStringLiteral("Fraction of requests ≤ latency"), false, 0, 1};
    return spec;
}

ChartSpec percentilesSpec(const QList<RunSeries>& runs, const ChartOptions& options) {
    ChartSpec spec;
    spec.title = titleWithDetail(QStringLiteral("Latency percentiles"), latencyDetail(options));
    struct Line {
        const char* name;
        QList<QPointF> PercentileSeries::*points;
        Qt::PenStyle multiRunStyle;
    };
    static const Line lines[] = {{"p50", &PercentileSeries::p50, Qt::SolidLine},
                                 {"p90", &PercentileSeries::p90, Qt::DashLine},
                                 {"p99", &PercentileSeries::p99, Qt::DashDotLine},
                                 {"max", &PercentileSeries::max, Qt::DotLine}};
    QList<const QList<QPointF>*> data;
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const PercentileSeries& source = options.serviceTime ? runs[i].uncorrected : runs[i].corrected;
        for (int l = 0; l < 4; ++l) {
            const QString name = QString::fromLatin1(lines[l].name);
            const QList<QPointF>& points = source.*lines[l].points;
            data.append(&points);
            const QColor color = runs.size() == 1 ? seriesColor(l) : seriesColor(static_cast<int>(i));
            SeriesSpec series = lineSpec(name + QLatin1Char('#') + QString::number(i), seriesName(runs, i, name), color,
                                         TipKind::LatencyOverTime);
            series.style = runs.size() == 1 ? Qt::SolidLine : lines[l].multiRunStyle;
            series.points = options.logY ? positiveOnly(points) : points;
            spec.series.append(series);
        }
    }
    if (std::all_of(data.begin(), data.end(), [](const QList<QPointF>* points) { return points->isEmpty(); })) {
        spec.note = waitingNote(runs);
        return spec;
    }
    spec.x = timeAxis(runs);
    spec.y = valueAxis(QStringLiteral("Latency (ms)"), data, options.logY);
    return spec;
}

} // namespace faaswb::ui::charts
