// Headline numbers of a run for the HTML report, from the RunSeries the charts draw, so tables and charts agree.
#include "ui/export/report_figures.h"

#include <cmath>

namespace faaswb::ui::exportdetail {

namespace {

std::optional<double> percentileMs(const RunSeries& run, double percentile) {
    if (!run.latency || run.latency->totalCount() == 0)
        return std::nullopt;
    return double(run.latency->valueAtPercentile(percentile)) / 1000.0;
}

} // namespace

RunFigures figuresOf(const RunSeries& run) {
    RunFigures f;
    f.label = run.label;
    f.platform = run.platform;
    f.status = run.status;
    f.requests = double(run.requests);
    f.errors = double(run.errors);
    if (run.requests > 0)
        f.errorPercent = double(run.errors) / double(run.requests) * 100.0;
    if (run.durationSec > 0) {
        f.achievedRps = double(run.requests) / run.durationSec;
        f.durationSec = run.durationSec;
    }
    f.p50Ms = percentileMs(run, 50);
    f.p90Ms = percentileMs(run, 90);
    f.p99Ms = percentileMs(run, 99);
    f.p999Ms = percentileMs(run, 99.9);
    if (run.latency && run.latency->totalCount() > 0)
        f.maxMs = double(run.latency->max()) / 1000.0;
    f.coldStarts = double(run.coldStarts);
    return f;
}

const QList<Metric>& summaryMetrics() {
    using F = RunFigures;
    static const QList<Metric> metrics{
        {QStringLiteral("Requests"), 0, 0, [](const F& f) { return f.requests; }},
        {QStringLiteral("Errors"), 0, -1, [](const F& f) { return f.errors; }},
        {QStringLiteral("Errors (%)"), 2, -1, [](const F& f) { return f.errorPercent; }},
        {QStringLiteral("Achieved (req/s)"), 1, +1, [](const F& f) { return f.achievedRps; }},
        {QStringLiteral("p50 (ms)"), 2, -1, [](const F& f) { return f.p50Ms; }},
        {QStringLiteral("p90 (ms)"), 2, -1, [](const F& f) { return f.p90Ms; }},
        {QStringLiteral("p99 (ms)"), 2, -1, [](const F& f) { return f.p99Ms; }},
        {QStringLiteral("p99.9 (ms)"), 2, -1, [](const F& f) { return f.p999Ms; }},
        {QStringLiteral("Max (ms)"), 2, -1, [](const F& f) { return f.maxMs; }},
        {QStringLiteral("Duration (s)"), 1, 0, [](const F& f) { return f.durationSec; }},
        {QStringLiteral("Cold starts"), 0, -1, [](const F& f) { return f.coldStarts; }},
    };
    return metrics;
}

QString formatNumber(double value, int decimals) {
    return QString::number(value, 'f', decimals);
}

QString formatSigned(double value, int decimals) {
    if (std::abs(value) < 0.5 * std::pow(10.0, -decimals))
        value = 0; // no "-0.00"
    const QString text = formatNumber(value, decimals);
    return value > 0 ? QStringLiteral("+") + text : text;
}

} // namespace faaswb::ui::exportdetail
