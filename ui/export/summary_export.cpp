// The scenario summary charts for files (`run --out DIR`, cli::FrontEnd::exportSummaryCharts) and the HTML report.
#include "results/result_store.h"
#include "ui/export/chart_export.h"
#include "ui/export/export_internal.h"
#include "ui/summary/summary_chart.h"
#include "ui/summary/summary_data.h"

#include <QChart>
#include <QDir>
#include <QRegularExpression>
#include <algorithm>
#include <memory>

namespace faaswb::ui {

namespace exportdetail {

namespace {

// A chart says something about a scenario once it has more than one run per cell or more than one point.
bool worthAChart(const analysis::SummaryTable& table, const std::string& scenario) {
    int rows = 0;
    for (const auto& row : table.rows)
        if (row.scenario == scenario) {
            ++rows;
            if (row.runs > 1)
                return true;
        }
    return rows > 1;
}

} // namespace

std::vector<SummaryChartSpec> summaryChartSpecs(const analysis::SummaryTable& table) {
    std::vector<SummaryChartSpec> specs;
    for (const auto& scenario : summaryScenarios(table)) {
        if (!worthAChart(table, scenario))
            continue;
        const auto metrics = scenarioMetrics(table, scenario);
        if (metrics.empty())
            continue;
        const std::string headline = headlineMetric(firstRowOf(table, scenario)->scenarioType);
        const bool hasHeadline = std::find(metrics.cbegin(), metrics.cend(), headline) != metrics.cend();
        specs.push_back({scenario, hasHeadline ? headline : metrics.front(), hasChainPivot(table, scenario)});
    }
    return specs;
}

void drawSummaryChart(QChart& chart, const analysis::SummaryTable& table, const SummaryChartSpec& spec) {
    if (spec.pivot)
        populatePivotChart(chart, analysis::pivot(table, spec.scenario, spec.metric, kPivotRowKey, kPivotColumnKey));
    else
        populateSummaryChart(chart, table, {spec.scenario, spec.metric, {}, std::nullopt});
}

QString summaryChartStem(const SummaryChartSpec& spec) {
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    QString scenario = QString::fromStdString(spec.scenario);
    scenario.replace(unsafe, QStringLiteral("-"));
    return QStringLiteral("summary-%1-%2").arg(scenario, QString::fromStdString(spec.metric));
}

} // namespace exportdetail

Result<std::vector<std::string>> exportSummaryCharts(results::ResultStore& store,
                                                     const std::vector<std::int64_t>& runIds, const std::string& format,
                                                     const std::string& outDir) {
    const QString name = QString::fromStdString(format).trimmed().toLower();
    const auto imageFormat = imageFormatFromName(name);
    if (!imageFormat)
        return invalidInput("unknown summary chart format '" + format + "': choose png or svg");
    if (auto app = exportdetail::requireWidgetsApplication(); !app)
        return app.error();
    auto inputs = store.summaryInputs(runIds);
    if (!inputs)
        return inputs.error();
    const analysis::SummaryTable table = analysis::summarize(*inputs);
    const QString dirPath = QString::fromStdString(outDir);
    if (!QDir().mkpath(dirPath))
        return invalidInput("could not create the output directory " + outDir);
    std::vector<std::string> written;
    for (const auto& spec : exportdetail::summaryChartSpecs(table)) {
        auto chart = std::make_unique<QChart>();
        exportdetail::drawSummaryChart(*chart, table, spec);
        const QString path = QDir(dirPath).filePath(exportdetail::summaryChartStem(spec) + QLatin1Char('.') + name);
        if (auto saved = saveChart(*chart, path, *imageFormat); !saved)
            return saved.error();
        written.push_back(path.toStdString());
    }
    return written;
}

} // namespace faaswb::ui
