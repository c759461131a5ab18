// Internal to ui/charts: one ChartSpec builder per ChartKind (pure functions of the runs), and the notes shared by
// them ("not available on <platform>", "Waiting for data…"). UI thread (they read the application palette).
#pragma once

#include "ui/charts/chart_axes.h"

namespace faaswb::ui::charts {

ChartSpec latencyHistogramSpec(const QList<RunSeries>& runs, const ChartOptions& options);
ChartSpec latencyCdfSpec(const QList<RunSeries>& runs, const ChartOptions& options);
ChartSpec percentilesSpec(const QList<RunSeries>& runs, const ChartOptions& options);
ChartSpec throughputSpec(const QList<RunSeries>& runs, const ChartOptions& options);
ChartSpec podsSpec(const QList<RunSeries>& runs);
ChartSpec podResourcesSpec(const QList<RunSeries>& runs);
ChartSpec traceBreakdownSpec(const QList<RunSeries>& runs);

SeriesSpec lineSpec(const QString& key, const QString& name, const QColor& color, TipKind tip);

// "Waiting for data…" while a run is live, "No data recorded" for a finished one.
QString waitingNote(const QList<RunSeries>& runs);
// "<what> not available on <platforms of the runs>".
QString unsupportedNote(const QString& what, const QList<RunSeries>& runs);
// Title with a second, smaller line (HTML; QChart titles render rich text).
QString titleWithDetail(const QString& title, const QString& detail);
QString latencyDetail(const ChartOptions& options); // "(service time)" or "(corrected, from intended send time)"
// Series name: the plain name for one run, "<label> <name>" when several overlay.
QString seriesName(const QList<RunSeries>& runs, qsizetype run, const QString& name);
// Largest x of the run's time series (intervals, scale samples, pod metrics), seconds.
double runEndSec(const RunSeries& run);
// Automatic x range of time charts: 0 .. the latest data.
AxisSpec timeAxis(const QList<RunSeries>& runs);
// Automatic value axis over the points' y (from 0, or decades when log).
AxisSpec valueAxis(const QString& title, const QList<const QList<QPointF>*>& data, bool log, double minimumMax = 0);
// Points with y > 0 only (log axes cannot show zero).
QList<QPointF> positiveOnly(const QList<QPointF>& points);

} // namespace faaswb::ui::charts
