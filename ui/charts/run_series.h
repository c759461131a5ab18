// RunSeries: the aggregated, bounded chart data of one run (one cell) — built live from engine callbacks by the
// EngineBridge or from a stored run by loadRunSeries(), drawn by the chart builders in chart_builder.h.
// RunSeries is a plain value (copy it to hand it between threads); RunSeriesBuilder is not thread-safe.
#pragma once

#include "common/result.h"
#include "load/histogram.h"
#include "load/snapshot.h"
#include "platform/platform.h"
#include "trace/breakdown.h"
#include "trace/span.h"

#include <QList>
#include <QMap>
#include <QPointF>
#include <QString>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace faaswb::results {
class ResultStore;
}

namespace faaswb::ui {

// Latency percentiles over time, one point per interval: x = seconds since the run's start, y = milliseconds.
struct PercentileSeries {
    QList<QPointF> p50, p90, p99, max;
};

struct TimeRange {
    double startSec = 0;
    double endSec = 0;
};

struct RunSeries {
    QString label;              // "warm · 010.sleep · python"
    QString scenarioType;       // warm-latency, autoscaling, ...
    QString platform;           // platform name
    qint64 runId = 0;           // 0 while live and not (yet) stored
    QString status;             // running | complete | cancelled | failed | incomplete
    double measuredFromSec = 0; // end of warm-up; intervals before it are excluded from histogram/CDF/summary

    // Per interval (x = seconds since the run's start).
    PercentileSeries corrected;             // from the intended send time
    PercentileSeries uncorrected;           // service time
    QList<QPointF> targetRps, achievedRps;  // req/s
    QMap<QString, QList<QPointF>> errorRps; // error kind name ("http_status", "timeout", ...) -> errors/s
    QList<double> coldStartSec;             // one entry per cold start, at its interval's end

    // Platform scale samples; empty lists with scaleSupported == false mean "not available on this platform".
    bool scaleSupported = false;
    QList<QPointF> desiredPods, actualPods, readyPods, pendingPods;
    QList<TimeRange> panicPeriods;

    // Summed over the run's pods; podMetricsSupported == false means "not available".
    bool podMetricsSupported = false;
    QList<QPointF> cpuMillicores, memoryMiB;

    // Measured (non-warm-up) intervals merged; null before the first measured interval.
    std::shared_ptr<const load::LatencyHistogram> latency;     // corrected, microseconds
    std::shared_ptr<const load::LatencyHistogram> serviceTime; // uncorrected, microseconds

    bool tracesSupported = false;
    std::vector<trace::TraceBreakdown> breakdown; // per request class

    // Totals over the measured intervals.
    quint64 requests = 0, errors = 0, coldStarts = 0;
    double durationSec = 0; // of the measured intervals
};

// Accumulates engine data into a RunSeries. Time series keep at most `maxPoints` points each: beyond that, neighbouring
// points are merged pairwise keeping the larger value, so spikes survive (heaptrack's rule).
class RunSeriesBuilder {
public:
    explicit RunSeriesBuilder(int maxPoints = 2000);

    void setDescription(const QString& label, const QString& scenarioType, const QString& platform);
    void setRunId(qint64 runId);
    void setStatus(const QString& status);
    void setCapabilities(bool scale, bool podMetrics, bool traces);

    void addInterval(const load::IntervalSnapshot& interval); // histograms, when present, are merged if measured
    void addScale(const platform::ScaleSample& sample);
    void addPodMetrics(std::span<const platform::PodMetricsSample> samples); // samples of one or more instants
    void addSpans(std::span<const trace::Span> spans);                       // recomputes the breakdown

    const RunSeries& series() const { return m_series; }

private:
    void addErrorRates(const load::IntervalSnapshot& interval, double x);
    void extendPanic(double x);
    void publishPodPoint(QList<QPointF>& points, bool& published, double sum);

    int m_maxPoints;
    RunSeries m_series;
    // Shared with m_series (as const); copied before a merge when a published RunSeries still holds it.
    std::shared_ptr<load::LatencyHistogram> m_latency, m_serviceTime;
    std::vector<trace::Span> m_spans;
    bool m_panicOpen = false; // the last panicPeriods entry is still open
    double m_lastSec = 0;     // newest data time seen (closes an open panic period at the run's end)
    // pod metrics of the newest instant, summed over its pods (one sample per pod and instant)
    qint64 m_podInstantMs = -1;
    double m_cpuSum = 0, m_memSum = 0;
    bool m_haveCpu = false, m_haveMem = false; // that instant's point is already in the series
};

// Reads a stored run (intervals with histograms, scale events, pod metrics, spans) into a RunSeries. Call on the
// thread that owns the store.
Result<RunSeries> loadRunSeries(results::ResultStore& store, qint64 runId);

} // namespace faaswb::ui
