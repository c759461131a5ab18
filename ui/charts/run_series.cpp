// RunSeriesBuilder and loadRunSeries: engine values in, bounded chart series out (see run_series.h).
#include "ui/charts/run_series.h"

#include "engine/run_observer.h"
#include "results/result_store.h"

#include <algorithm>

namespace faaswb::ui {
namespace {

double msToSec(std::int64_t ms) {
    return static_cast<double>(ms) / 1000.0;
}
double usToMs(std::int64_t us) {
    return static_cast<double>(us) / 1000.0;
}
QString fromStd(const std::string& text) {
    return QString::fromStdString(text);
}

// Merges neighbour pairs (keeping the point with the larger y, so spikes survive) until the list fits maxPoints.
// The last point is never merged: live updates may still rewrite it (pod metrics of the newest instant).
void bound(QList<QPointF>& points, int maxPoints) {
    while (points.size() > std::max(maxPoints, 2)) {
        QList<QPointF> merged;
        merged.reserve(points.size() / 2 + 1);
        const qsizetype pairable = points.size() - 1;
        for (qsizetype i = 0; i + 1 < pairable; i += 2)
            merged.append(points[i + 1].y() > points[i].y() ? points[i + 1] : points[i]);
        if (pairable % 2 != 0)
            merged.append(points[pairable - 1]);
        merged.append(points.last());
        points = std::move(merged);
    }
}

void append(QList<QPointF>& points, double x, double y, int maxPoints) {
    points.append(QPointF(x, y));
    bound(points, maxPoints);
}

void appendPercentiles(PercentileSeries& series, double x, const load::LatencyPercentiles& p, int maxPoints) {
    append(series.p50, x, usToMs(p.p50), maxPoints);
    append(series.p90, x, usToMs(p.p90), maxPoints);
    append(series.p99, x, usToMs(p.p99), maxPoints);
    append(series.max, x, usToMs(p.max), maxPoints);
}

// Copy-on-write merge: a RunSeries handed to another thread may still share the previous histogram, so it is only
// modified in place while nobody but the builder (its member and its own RunSeries) holds it.
void mergeInto(std::shared_ptr<load::LatencyHistogram>& target,
               std::shared_ptr<const load::LatencyHistogram>& published,
               const std::shared_ptr<const load::LatencyHistogram>& source) {
    if (!source)
        return;
    if (!target) {
        target = std::make_shared<load::LatencyHistogram>(*source);
    } else {
        if (target.use_count() > 2)
            target = std::make_shared<load::LatencyHistogram>(*target);
        target->merge(*source);
    }
    published = target;
}

} // namespace

RunSeriesBuilder::RunSeriesBuilder(int maxPoints)
    : m_maxPoints(std::max(maxPoints, 2)) {}

void RunSeriesBuilder::setDescription(const QString& label, const QString& scenarioType, const QString& platform) {
    m_series.label = label;
    m_series.scenarioType = scenarioType;
    m_series.platform = platform;
}

void RunSeriesBuilder::setRunId(qint64 runId) {
    m_series.runId = runId;
}

void RunSeriesBuilder::setStatus(const QString& status) {
    m_series.status = status;
    if (status != QLatin1String("running") && m_panicOpen) {
        extendPanic(m_lastSec); // the run's end closes a panic period still open
        m_panicOpen = false;
    }
}

void RunSeriesBuilder::setCapabilities(bool scale, bool podMetrics, bool traces) {
    m_series.scaleSupported = scale;
    m_series.podMetricsSupported = podMetrics;
    m_series.tracesSupported = traces;
}

void RunSeriesBuilder::addInterval(const load::IntervalSnapshot& interval) {
    const double x = msToSec(interval.endMs);
    if (interval.requests > 0) { // no responses, no latency: a gap in the line, not a point at 0
        appendPercentiles(m_series.corrected, x, interval.corrected, m_maxPoints);
        appendPercentiles(m_series.uncorrected, x, interval.uncorrected, m_maxPoints);
    }
    append(m_series.targetRps, x, interval.targetRate, m_maxPoints);
    append(m_series.achievedRps, x, interval.achievedRate, m_maxPoints);
    addErrorRates(interval, x);
    for (std::uint64_t i = 0; i < interval.coldStarts && m_series.coldStartSec.size() < m_maxPoints; ++i)
        m_series.coldStartSec.append(x);
    extendPanic(x);
    if (interval.warmup) {
        m_series.measuredFromSec = std::max(m_series.measuredFromSec, x);
        return;
    }
    m_series.requests += interval.requests;
    m_series.errors += interval.errors;
    m_series.coldStarts += interval.coldStarts;
    m_series.durationSec += msToSec(interval.endMs - interval.startMs);
    mergeInto(m_latency, m_series.latency, interval.latency);
    mergeInto(m_serviceTime, m_series.serviceTime, interval.serviceTime);
}

// A kind gets a series from its first error on; from then every interval adds a point (zeros included) so the line
// shows when the errors stopped.
void RunSeriesBuilder::addErrorRates(const load::IntervalSnapshot& interval, double x) {
    const double seconds = std::max(msToSec(interval.endMs - interval.startMs), 1e-3);
    for (int kind = 0; kind < load::kErrorKindCount; ++kind) {
        const QString name = QString::fromLatin1(load::errorKindName(static_cast<load::ErrorKind>(kind)));
        const std::uint64_t count = interval.errorsByKind[static_cast<std::size_t>(kind)];
        auto it = m_series.errorRps.find(name);
        if (it == m_series.errorRps.end() && count == 0)
            continue;
        if (it == m_series.errorRps.end())
            it = m_series.errorRps.insert(name, {});
        append(*it, x, static_cast<double>(count) / seconds, m_maxPoints);
    }
}

void RunSeriesBuilder::addScale(const platform::ScaleSample& sample) {
    m_series.scaleSupported = true;
    const double x = msToSec(sample.tMs);
    auto add = [&](QList<QPointF>& points, const std::optional<int>& value) {
        if (value)
            append(points, x, *value, m_maxPoints);
    };
    add(m_series.desiredPods, sample.desired);
    add(m_series.actualPods, sample.actual);
    add(m_series.readyPods, sample.ready);
    add(m_series.pendingPods, sample.pending);
    extendPanic(x);
    if (!sample.panic)
        return;
    if (*sample.panic && !m_panicOpen) {
        m_series.panicPeriods.append(TimeRange{x, x});
        m_panicOpen = true;
    } else if (!*sample.panic) {
        m_panicOpen = false;
    }
}

// An open panic period lasts until the newest data (scale sample or interval) of the run.
void RunSeriesBuilder::extendPanic(double x) {
    m_lastSec = std::max(m_lastSec, x);
    if (m_panicOpen && !m_series.panicPeriods.isEmpty())
        m_series.panicPeriods.last().endSec = std::max(m_series.panicPeriods.last().endSec, x);
}

// Samples of one instant (same tMs, one per pod) are summed into one point; the newest instant's point is rewritten
// as further pods of it arrive, so no instant is held back waiting for the next one.
void RunSeriesBuilder::addPodMetrics(std::span<const platform::PodMetricsSample> samples) {
    for (const platform::PodMetricsSample& sample : samples) {
        m_series.podMetricsSupported = true;
        if (sample.tMs != m_podInstantMs) {
            m_podInstantMs = sample.tMs;
            m_cpuSum = m_memSum = 0;
            m_haveCpu = m_haveMem = false;
        }
        if (sample.cpuMillicores) {
            m_cpuSum += *sample.cpuMillicores;
            publishPodPoint(m_series.cpuMillicores, m_haveCpu, m_cpuSum);
        }
        if (sample.memoryBytes) {
            m_memSum += static_cast<double>(*sample.memoryBytes) / (1024.0 * 1024.0);
            publishPodPoint(m_series.memoryMiB, m_haveMem, m_memSum);
        }
    }
}

void RunSeriesBuilder::publishPodPoint(QList<QPointF>& points, bool& published, double sum) {
    const double x = msToSec(m_podInstantMs);
    if (published && !points.isEmpty())
        points.last().setY(sum);
    else
        append(points, x, sum, m_maxPoints);
    published = true;
}

void RunSeriesBuilder::addSpans(std::span<const trace::Span> spans) {
    if (spans.empty())
        return;
    m_series.tracesSupported = true;
    m_spans.insert(m_spans.end(), spans.begin(), spans.end());
    m_series.breakdown = trace::breakdownByClass(m_spans);
}

Result<RunSeries> loadRunSeries(results::ResultStore& store, qint64 runId) {
    auto row = store.runRow(runId);
    if (!row)
        return row.error();
    RunSeriesBuilder builder;
    builder.setDescription(fromStd(row->scenario) + QStringLiteral(" · ") + fromStd(row->benchmark) +
                               QStringLiteral(" · ") + fromStd(row->language),
                           fromStd(row->scenarioType), fromStd(row->platform));
    builder.setRunId(runId);
    builder.setStatus(QStringLiteral("running")); // until the data are in: keeps open panic periods extending
    Status status = store.forEachInterval(
        runId, [&](const load::IntervalSnapshot& interval) { builder.addInterval(interval); }, true);
    if (!status)
        return status.error();
    auto scale = store.scaleEvents(runId);
    if (!scale)
        return scale.error();
    for (const platform::ScaleSample& sample : *scale)
        builder.addScale(sample);
    auto pods = store.podMetrics(runId);
    if (!pods)
        return pods.error();
    builder.addPodMetrics(*pods);
    auto spans = store.spans(runId);
    if (!spans)
        return spans.error();
    builder.addSpans(*spans);
    builder.setStatus(QString::fromLatin1(engine::runStatusName(row->status)));
    return builder.series();
}

} // namespace faaswb::ui
