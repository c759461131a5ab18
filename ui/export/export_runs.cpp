// The CLI's chart exports of stored runs: one file per run and chart kind, or one HTML report of all runs.
#include "results/result_store.h"
#include "ui/export/chart_export.h"
#include "ui/export/export_internal.h"

#include <QDir>
#include <QSaveFile>

namespace faaswb::ui {

namespace {

QString extensionOf(ImageFormat format) {
    switch (format) {
    case ImageFormat::Png:
        return QStringLiteral("png");
    case ImageFormat::Svg:
        return QStringLiteral("svg");
    case ImageFormat::Pdf:
        return QStringLiteral("pdf");
    }
    return {};
}

Result<QList<RunSeries>> loadAll(results::ResultStore& store, const std::vector<std::int64_t>& runIds) {
    QList<RunSeries> runs;
    for (const auto id : runIds) {
        auto series = loadRunSeries(store, id);
        if (!series)
            return series.error();
        runs << std::move(series).value();
    }
    return runs;
}

Status writeImages(const QList<RunSeries>& runs, ImageFormat format, const QDir& dir) {
    for (const auto& run : runs) {
        for (const ChartKind kind : kAllChartKinds) {
            const QString name =
                QStringLiteral("run-%1-%2.%3").arg(run.runId).arg(chartFileStem(kind), extensionOf(format));
            if (auto saved = saveChart(kind, {run}, dir.filePath(name), format); !saved)
                return saved;
        }
    }
    return {};
}

// The report's scenario summary covers the same runs; a database without their metrics just leaves it out.
analysis::SummaryTable scenarioSummary(results::ResultStore& store, const std::vector<std::int64_t>& runIds) {
    auto inputs = store.summaryInputs(runIds);
    return inputs ? analysis::summarize(*inputs) : analysis::SummaryTable{};
}

Status writeReport(const QList<RunSeries>& runs, const analysis::SummaryTable& summary, const QDir& dir) {
    const QString path = dir.filePath(QStringLiteral("report.html"));
    QSaveFile file(path);
    const QByteArray html = htmlReport(runs, summary).toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(html) != html.size() || !file.commit())
        return invalidInput(QStringLiteral("could not write %1: %2").arg(path, file.errorString()).toStdString());
    return {};
}

} // namespace

Status exportRunCharts(results::ResultStore& store, const std::vector<std::int64_t>& runIds, const std::string& format,
                       const std::string& outDir) {
    const QString name = QString::fromStdString(format).trimmed().toLower();
    const auto imageFormat = imageFormatFromName(name);
    if (!imageFormat && name != QLatin1String("html"))
        return invalidInput("unknown export format '" + format + "': choose png, svg, pdf or html");
    if (runIds.empty())
        return invalidInput("no runs to export");
    if (auto app = exportdetail::requireWidgetsApplication(); !app)
        return app;
    const QString dirPath = QString::fromStdString(outDir);
    if (!QDir().mkpath(dirPath))
        return invalidInput("could not create the output directory " + outDir);
    auto runs = loadAll(store, runIds);
    if (!runs)
        return runs.error();
    const QDir dir(dirPath);
    return imageFormat ? writeImages(*runs, *imageFormat, dir)
                       : writeReport(*runs, scenarioSummary(store, runIds), dir);
}

} // namespace faaswb::ui
