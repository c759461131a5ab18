// Offscreen chart rendering and report exports, shared by the GUI's Export actions and the CLI (`run --out DIR`,
// `export --format png|svg|pdf|html`). Needs a QApplication, not just a QGuiApplication: QtCharts is built on Qt
// Widgets (the offscreen platform is fine); without one the functions return an error. Call from its thread.
#pragma once

#include "analysis/summary.h"
#include "common/result.h"
#include "ui/charts/chart_builder.h"

#include <QList>
#include <QSize>
#include <QString>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace faaswb::results {
class ResultStore;
}

namespace faaswb::ui {

enum class ImageFormat { Png, Svg, Pdf };
std::optional<ImageFormat> imageFormatFromName(const QString& name); // "png" | "svg" | "pdf"

inline constexpr QSize kExportSize{1200, 700};

// Renders an existing chart (e.g. what a ChartPanel shows, zoom included) to a file.
Status saveChart(QChart& chart, const QString& path, ImageFormat format, QSize size = kExportSize);
// Builds the chart offscreen and saves it.
Status saveChart(ChartKind kind, const QList<RunSeries>& runs, const QString& path, ImageFormat format,
                 const ChartOptions& options = {}, QSize size = kExportSize);
// The chart as an inline <svg> element (for the HTML report).
QString chartSvg(ChartKind kind, const QList<RunSeries>& runs, QSize size = kExportSize);

QString chartSvg(QChart& chart, QSize size = kExportSize);

// A self-contained HTML report (summary tables with units, every chart as inline SVG) of one or more runs; with a
// scenario summary of those runs (analysis::summarize), also its table (medians with 95% CIs per sweep point) and the
// summary chart of each swept or repeated scenario.
QString htmlReport(const QList<RunSeries>& runs);
QString htmlReport(const QList<RunSeries>& runs, const analysis::SummaryTable& summary);

// The CLI's chart exports: for each run, one file per chart kind (`run-<id>-<stem>.<ext>`) for png/svg/pdf, or one
// `report.html` covering all runs for html. Files are written into outDir (created when missing).
Status exportRunCharts(results::ResultStore& store, const std::vector<std::int64_t>& runIds, const std::string& format,
                       const std::string& outDir);

// cli::FrontEnd::exportSummaryCharts: for each scenario of the runs (all runs when empty) with a sweep or repeats, its
// headline metric against the sweep variable with 95% CI bars (workflow-chain over mechanism x payloadSize: the
// medians as grouped bars) as `summary-<scenario>-<metric>.<format>` (png | svg | pdf). Returns the files written.
Result<std::vector<std::string>> exportSummaryCharts(results::ResultStore& store,
                                                     const std::vector<std::int64_t>& runIds, const std::string& format,
                                                     const std::string& outDir);

} // namespace faaswb::ui
