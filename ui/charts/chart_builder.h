// Chart builders: turn RunSeries into QtCharts charts — the one chart-building code used by the live dashboard, the
// results browser, the compare view and the offscreen exports (CLI `export --format png|svg|html`). UI thread only
// (or the thread that owns an offscreen QChart). QtCharts stays behind this room (ui/charts) so it can be replaced.
#pragma once

#include "ui/charts/run_series.h"

#include <QList>
#include <QString>

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace faaswb::ui {

enum class ChartKind {
    LatencyHistogram, // count per latency bucket, log x axis (ms); one series per run
    LatencyCdf,       // fraction <= latency, log x axis (ms)
    Percentiles,      // p50/p90/p99/max over time (ms vs s)
    Throughput,       // target vs achieved req/s, errors/s by kind, over time
    Pods,             // desired/actual/ready/pending over time, panic periods shaded, cold starts marked
    TraceBreakdown,   // stacked bars per hop (ms) per request class
    PodResources,     // CPU (millicores) and memory (MiB) over time
};
inline constexpr ChartKind kAllChartKinds[] = {
    ChartKind::LatencyHistogram, ChartKind::LatencyCdf,  ChartKind::Percentiles, ChartKind::Throughput, ChartKind::Pods,
    ChartKind::TraceBreakdown,   ChartKind::PodResources};

QString chartTitle(ChartKind kind);    // "Latency histogram"
QString chartFileStem(ChartKind kind); // "latency-histogram" (export file names)

struct ChartOptions {
    bool serviceTime = false; // uncorrected latency instead of corrected (histogram, CDF, percentiles)
    bool logY = false;        // log value axis where it makes sense (histogram counts, percentiles, throughput)
};

// Fills `chart` with `runs` (several runs overlay, e.g. for compare; the live dashboard passes one). When the chart
// already shows the same kind and number of runs, the series data are replaced in place (QXYSeries::replace) so zoom,
// hidden legend entries and axis types survive live updates; otherwise the chart is rebuilt. A run without data for
// this kind (e.g. no pod counts on OpenWhisk) shows a centred "not available on <platform>" note instead of empty axes.
void populateChart(QChart& chart, ChartKind kind, const QList<RunSeries>& runs, const ChartOptions& options = {});

} // namespace faaswb::ui
