// Charts over time: throughput (target vs achieved, errors/s), pods (panic shaded, cold starts marked), pod CPU and
// memory on two value axes.
#include "ui/charts/chart_specs.h"

#include <algorithm>

namespace faaswb::ui::charts {
namespace {

// Pod counts hold until the next sample: drawn as steps, the last value carried to the run's newest data.
QList<QPointF> steps(const QList<QPointF>& points, double endSec) {
    QList<QPointF> out;
    out.reserve(points.size() * 2 + 1);
    for (qsizetype i = 0; i < points.size(); ++i) {
        if (i > 0)
            out.append(QPointF(points[i].x(), points[i - 1].y()));
        out.append(points[i]);
    }
    if (!out.isEmpty() && endSec > out.last().x())
        out.append(QPointF(endSec, out.last().y()));
    return out;
}

// One area for all panic periods: a comb of rectangles from 0 to `height`.
QList<QPointF> panicComb(const QList<TimeRange>& periods, double height) {
    QList<QPointF> points;
    for (const TimeRange& period : periods) {
        points.append(QPointF(period.startSec, 0));
        points.append(QPointF(period.startSec, height));
        points.append(QPointF(period.endSec, height));
        points.append(QPointF(period.endSec, 0));
    }
    return points;
}

QList<QPointF> coldStartMarks(const QList<double>& times) {
    QList<QPointF> points;
    for (double t : times)
        if (points.isEmpty() || points.last().x() != t)
            points.append(QPointF(t, 0));
    return points;
}

bool allZero(const QList<QPointF>& points) {
    return std::all_of(points.begin(), points.end(), [](const QPointF& p) { return p.y() == 0; });
}

void addThroughputRun(ChartSpec& spec, const QList<RunSeries>& runs, qsizetype i, bool logY) {
    const RunSeries& run = runs[i];
    const bool single = runs.size() == 1;
    auto points = [logY](const QList<QPointF>& source) { return logY ? positiveOnly(source) : source; };
    SeriesSpec achieved =
        lineSpec(QStringLiteral("achieved#%1").arg(i), seriesName(runs, i, QStringLiteral("achieved")),
                 seriesColor(single ? 0 : static_cast<int>(i)), TipKind::Rate);
    achieved.points = points(run.achievedRps);
    spec.series.append(achieved);
    // Drawn after "achieved" so the dashed target stays visible where the two coincide (the usual case).
    if (!allZero(run.targetRps)) { // closed-loop load has no target
        SeriesSpec target = lineSpec(QStringLiteral("target#%1").arg(i), seriesName(runs, i, QStringLiteral("target")),
                                     single ? seriesColor(9) : seriesColor(static_cast<int>(i)), TipKind::Rate);
        target.style = Qt::DashLine;
        target.points = points(run.targetRps);
        spec.series.append(target);
    }
    static const int errorColors[] = {3, 1, 4, 8, 7, 6};
    int k = 0;
    for (auto it = run.errorRps.begin(); it != run.errorRps.end(); ++it, ++k) {
        const QString name = QStringLiteral("errors/s ") + it.key();
        SeriesSpec errors = lineSpec(QStringLiteral("err-%1#%2").arg(it.key()).arg(i), seriesName(runs, i, name),
                                     seriesColor(single ? errorColors[k % 6] : static_cast<int>(i)), TipKind::Rate);
        errors.style = single ? Qt::SolidLine : Qt::DotLine;
        errors.points = points(*it);
        spec.series.append(errors);
    }
}

void addPodsRun(ChartSpec& spec, const QList<RunSeries>& runs, qsizetype i, double height) {
    const RunSeries& run = runs[i];
    const bool single = runs.size() == 1;
    const double end = runEndSec(run);
    struct Line {
        const char* name;
        const QList<QPointF>* points;
        int color;
        Qt::PenStyle style;
    };
    const Line lines[] = {{"desired", &run.desiredPods, 9, Qt::DashLine},
                          {"actual", &run.actualPods, 0, Qt::SolidLine},
                          {"ready", &run.readyPods, 2, Qt::DashDotLine},
                          {"pending", &run.pendingPods, 1, Qt::DotLine}};
    for (const Line& line : lines) {
        const QString name = QString::fromLatin1(line.name);
        SeriesSpec series = lineSpec(name + QLatin1Char('#') + QString::number(i), seriesName(runs, i, name),
                                     seriesColor(single ? line.color : static_cast<int>(i)), TipKind::Pods);
        series.style = single && line.style != Qt::DashLine ? Qt::SolidLine : line.style;
        series.points = steps(*line.points, end);
        spec.series.append(series);
    }
    if (!run.panicPeriods.isEmpty()) {
        SeriesSpec panic = lineSpec(QStringLiteral("panic#%1").arg(i), seriesName(runs, i, QStringLiteral("panic")),
                                    seriesColor(single ? 3 : static_cast<int>(i)), TipKind::None);
        panic.type = SeriesType::Area;
        panic.points = panicComb(run.panicPeriods, height);
        spec.series.prepend(panic); // behind the lines
    }
    if (!run.coldStartSec.isEmpty()) {
        SeriesSpec cold = lineSpec(QStringLiteral("cold#%1").arg(i), seriesName(runs, i, QStringLiteral("cold start")),
                                   seriesColor(single ? 4 : static_cast<int>(i)), TipKind::ColdStart);
        cold.type = SeriesType::Scatter;
        cold.points = coldStartMarks(run.coldStartSec);
        spec.series.append(cold);
    }
}

bool anyScaleData(const RunSeries& run) {
    return !run.desiredPods.isEmpty() || !run.actualPods.isEmpty() || !run.readyPods.isEmpty() ||
           !run.pendingPods.isEmpty();
}

} // namespace

ChartSpec throughputSpec(const QList<RunSeries>& runs, const ChartOptions& options) {
    ChartSpec spec;
    spec.title = QStringLiteral("Throughput");
    QList<const QList<QPointF>*> data;
    for (qsizetype i = 0; i < runs.size(); ++i)
        addThroughputRun(spec, runs, i, options.logY);
    for (const SeriesSpec& series : spec.series)
        data.append(&series.points);
    if (std::all_of(runs.begin(), runs.end(), [](const RunSeries& run) { return run.achievedRps.isEmpty(); })) {
        spec.note = waitingNote(runs);
        return spec;
    }
    spec.x = timeAxis(runs);
    spec.y = valueAxis(QStringLiteral("Throughput (req/s)"), data, options.logY);
    return spec;
}

ChartSpec podsSpec(const QList<RunSeries>& runs) {
    ChartSpec spec;
    spec.title = QStringLiteral("Pods");
    if (std::none_of(runs.begin(), runs.end(), [](const RunSeries& run) { return run.scaleSupported; })) {
        spec.note = unsupportedNote(QStringLiteral("Pod counts"), runs);
        return spec;
    }
    if (std::none_of(runs.begin(), runs.end(), anyScaleData)) {
        spec.note = waitingNote(runs);
        return spec;
    }
    QList<const QList<QPointF>*> data;
    for (const RunSeries& run : runs)
        data << &run.desiredPods << &run.actualPods << &run.readyPods << &run.pendingPods;
    spec.x = timeAxis(runs);
    spec.y = valueAxis(QStringLiteral("Pods (count)"), data, false, 4);
    for (qsizetype i = 0; i < runs.size(); ++i)
        if (runs[i].scaleSupported)
            addPodsRun(spec, runs, i, spec.y.max);
    return spec;
}

ChartSpec podResourcesSpec(const QList<RunSeries>& runs) {
    ChartSpec spec;
    spec.title = QStringLiteral("Pod CPU and memory");
    if (std::none_of(runs.begin(), runs.end(), [](const RunSeries& run) { return run.podMetricsSupported; })) {
        spec.note = unsupportedNote(QStringLiteral("Pod CPU and memory"), runs);
        return spec;
    }
    QList<const QList<QPointF>*> cpu, memory;
    const bool single = runs.size() == 1;
    for (qsizetype i = 0; i < runs.size(); ++i) {
        SeriesSpec cpuLine = lineSpec(QStringLiteral("cpu#%1").arg(i), seriesName(runs, i, QStringLiteral("CPU")),
                                      seriesColor(single ? 0 : static_cast<int>(i)), TipKind::Cpu);
        cpuLine.points = runs[i].cpuMillicores;
        SeriesSpec memLine = lineSpec(QStringLiteral("mem#%1").arg(i), seriesName(runs, i, QStringLiteral("memory")),
                                      seriesColor(single ? 1 : static_cast<int>(i)), TipKind::Memory);
        memLine.style = Qt::DashLine;
        memLine.points = runs[i].memoryMiB;
        memLine.rightAxis = true;
        spec.series << cpuLine << memLine;
        cpu.append(&runs[i].cpuMillicores);
        memory.append(&runs[i].memoryMiB);
    }
    const auto empty = [](const QList<QPointF>* points) { return points->isEmpty(); };
    if (std::all_of(cpu.begin(), cpu.end(), empty) && std::all_of(memory.begin(), memory.end(), empty)) {
        spec.note = waitingNote(runs);
        spec.series.clear();
        return spec;
    }
    spec.x = timeAxis(runs);
    spec.y = valueAxis(QStringLiteral("CPU (millicores)"), cpu, false);
    spec.y2 = valueAxis(QStringLiteral("Memory (MiB)"), memory, false);
    return spec;
}

} // namespace faaswb::ui::charts
