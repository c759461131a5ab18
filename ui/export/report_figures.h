// Internals of ui/export: the headline numbers of a run for the report tables (from RunSeries totals and its merged
// latency histogram) and their formatting. Pure functions; any thread.
#pragma once

#include "ui/charts/run_series.h"

#include <QList>
#include <QString>
#include <functional>
#include <optional>

namespace faaswb::ui::exportdetail {

// std::nullopt = not measured (no requests, no histogram), shown as "n/a", never as 0.
struct RunFigures {
    QString label, platform, status;
    std::optional<double> requests, errors, errorPercent, achievedRps;
    std::optional<double> p50Ms, p90Ms, p99Ms, p999Ms, maxMs;
    std::optional<double> durationSec, coldStarts;
};

RunFigures figuresOf(const RunSeries& run);

struct Metric {
    QString header; // with its unit: "p99 (ms)"
    int decimals = 0;
    int direction = 0; // +1 higher is better, -1 lower is better, 0 neutral
    std::function<std::optional<double>(const RunFigures&)> value;
};
// The columns of the summary table (and rows of the comparison), in display order.
const QList<Metric>& summaryMetrics();

QString formatNumber(double value, int decimals); // locale-free, no digit grouping: "1234.50"
QString formatSigned(double value, int decimals); // "+1.50" / "-0.25" / "0.00"

} // namespace faaswb::ui::exportdetail
