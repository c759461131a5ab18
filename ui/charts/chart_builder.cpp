// populateChart: picks the kind's ChartSpec builder and applies it; titles, file stems and the shared notes.
#include "ui/charts/chart_builder.h"

#include "ui/charts/chart_specs.h"

#include <QChart>
#include <QSet>
#include <algorithm>
#include <cmath>

namespace faaswb::ui {

QString chartTitle(ChartKind kind) {
    switch (kind) {
    case ChartKind::LatencyHistogram:
        return QStringLiteral("Latency histogram");
    case ChartKind::LatencyCdf:
        return QStringLiteral("Latency CDF");
    case ChartKind::Percentiles:
        return QStringLiteral("Latency percentiles");
    case ChartKind::Throughput:
        return QStringLiteral("Throughput");
    case ChartKind::Pods:
        return QStringLiteral("Pods");
    case ChartKind::TraceBreakdown:
        return QStringLiteral("Trace breakdown");
    case ChartKind::PodResources:
        return QStringLiteral("Pod CPU and memory");
    }
    return {};
}

QString chartFileStem(ChartKind kind) {
    switch (kind) {
    case ChartKind::LatencyHistogram:
        return QStringLiteral("latency-histogram");
    case ChartKind::LatencyCdf:
        return QStringLiteral("latency-cdf");
    case ChartKind::Percentiles:
        return QStringLiteral("latency-percentiles");
    case ChartKind::Throughput:
        return QStringLiteral("throughput");
    case ChartKind::Pods:
        return QStringLiteral("pods");
    case ChartKind::TraceBreakdown:
        return QStringLiteral("trace-breakdown");
    case ChartKind::PodResources:
        return QStringLiteral("pod-resources");
    }
    return {};
}

namespace {

charts::ChartSpec specFor(ChartKind kind, const QList<RunSeries>& runs, const ChartOptions& options) {
    switch (kind) {
    case ChartKind::LatencyHistogram:
        return charts::latencyHistogramSpec(runs, options);
    case ChartKind::LatencyCdf:
        return charts::latencyCdfSpec(runs, options);
    case ChartKind::Percentiles:
        return charts::percentilesSpec(runs, options);
    case ChartKind::Throughput:
        return charts::throughputSpec(runs, options);
    case ChartKind::Pods:
        return charts::podsSpec(runs);
    case ChartKind::TraceBreakdown:
        return charts::traceBreakdownSpec(runs);
    case ChartKind::PodResources:
        return charts::podResourcesSpec(runs);
    }
    return {};
}

// Marks the run label part of series names so a narrow legend can elide it and keep "p99".
void markLegendSuffixes(charts::ChartSpec& spec, const QList<RunSeries>& runs) {
    if (runs.size() < 2)
        return;
    for (charts::SeriesSpec& series : spec.series)
        for (const RunSeries& run : runs)
            if (series.name.startsWith(run.label + QLatin1Char(' ')) &&
                series.name.size() - run.label.size() - 1 > series.legendSuffix.size())
                series.legendSuffix = series.name.mid(run.label.size() + 1);
}

} // namespace

void populateChart(QChart& chart, ChartKind kind, const QList<RunSeries>& runs, const ChartOptions& options) {
    charts::ChartSpec spec = specFor(kind, runs, options);
    markLegendSuffixes(spec, runs);
    if (runs.isEmpty()) {
        spec.note = QStringLiteral("No run selected");
        spec.series.clear();
        spec.bars.reset();
    }
    charts::applySpec(chart, spec, kind);
}

namespace charts {

SeriesSpec lineSpec(const QString& key, const QString& name, const QColor& color, TipKind tip) {
    SeriesSpec spec;
    spec.key = key;
    spec.name = name;
    spec.color = color;
    spec.tip = tip;
    return spec;
}

QString waitingNote(const QList<RunSeries>& runs) {
    const bool live = std::any_of(runs.begin(), runs.end(), [](const RunSeries& run) {
        return run.status.isEmpty() || run.status == QLatin1String("running");
    });
    return live ? QStringLiteral("Waiting for data…") : QStringLiteral("No data recorded");
}

QString unsupportedNote(const QString& what, const QList<RunSeries>& runs) {
    QStringList platforms;
    for (const RunSeries& run : runs)
        if (!platforms.contains(run.platform))
            platforms.append(run.platform.isEmpty() ? QStringLiteral("this platform") : run.platform);
    return QStringLiteral("%1 not available on %2").arg(what, platforms.join(QStringLiteral(", ")));
}

QString titleWithDetail(const QString& title, const QString& detail) {
    return QStringLiteral("%1<br><span style=\"font-weight:normal; font-size:8pt\">%2</span>").arg(title, detail);
}

QString latencyDetail(const ChartOptions& options) {
    return options.serviceTime ? QStringLiteral("(service time)")
                               : QStringLiteral("(corrected, from intended send time)");
}

QString seriesName(const QList<RunSeries>& runs, qsizetype run, const QString& name) {
    if (runs.size() <= 1)
        return name;
    return runs[run].label + QLatin1Char(' ') + name;
}

double runEndSec(const RunSeries& run) {
    double end = 0;
    for (const QList<QPointF>* points : {&run.achievedRps, &run.desiredPods, &run.actualPods, &run.readyPods,
                                         &run.pendingPods, &run.cpuMillicores, &run.memoryMiB})
        if (!points->isEmpty())
            end = std::max(end, points->last().x());
    return end;
}

AxisSpec timeAxis(const QList<RunSeries>& runs) {
    double end = 0;
    for (const RunSeries& run : runs)
        end = std::max(end, runEndSec(run));
    const auto [min, max] = niceRange(0, std::max(end, 1.0));
    return AxisSpec{QStringLiteral("Time since start (s)"), false, min, max};
}

AxisSpec valueAxis(const QString& title, const QList<const QList<QPointF>*>& data, bool log, double minimumMax) {
    double low = INFINITY, high = minimumMax;
    for (const QList<QPointF>* points : data)
        for (const QPointF& p : *points) {
            high = std::max(high, p.y());
            if (p.y() > 0)
                low = std::min(low, p.y());
        }
    if (log) {
        const auto [min, max] = niceLogRange(low, high);
        return AxisSpec{title, true, min, max};
    }
    const auto [min, max] = niceRange(0, high > 0 ? high * 1.05 : 1); // headroom: lines never run along the top
    return AxisSpec{title, false, min, max};
}

QList<QPointF> positiveOnly(const QList<QPointF>& points) {
    QList<QPointF> kept;
    kept.reserve(points.size());
    std::copy_if(points.begin(), points.end(), std::back_inserter(kept), [](const QPointF& p) { return p.y() > 0; });
    return kept;
}

} // namespace charts
} // namespace faaswb::ui
