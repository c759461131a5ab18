// The self-contained HTML report: inline CSS, summary and comparison tables with units, trace medians, and every
// chart as inline SVG — one file that opens anywhere without network access or scripts.
#include "ui/export/chart_export.h"
#include "ui/export/export_internal.h"
#include "ui/export/report_figures.h"
#include "ui/results/results_format.h"
#include "ui/summary/summary_data.h"

#include <QChart>
#include <QDateTime>
#include <QRegularExpression>
#include <QStringList>

namespace faaswb::ui {

namespace {

using exportdetail::Metric;
using exportdetail::RunFigures;

const QString kStyle = QStringLiteral(
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;max-width:1280px;"
    "color:#1d2430;background:#fff;padding:0 16px}"
    "h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d6dbe3;"
    "padding-bottom:4px}.meta{color:#5a6473;font-size:13px;margin-bottom:16px}"
    "table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #d6dbe3;padding:4px 8px}"
    "th{background:#eef1f5;text-align:left;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "td.worse{color:#b42318}td.better{color:#067647}.scroll{overflow-x:auto}"
    "figure{margin:8px 0 24px}figure svg{width:100%;height:auto;max-width:1200px;display:block}"
    ".na{color:#8a94a3}");

QString escaped(const QString& text) {
    return text.toHtmlEscaped();
}

QString cell(const QString& text, const QString& cssClass = {}) {
    return cssClass.isEmpty() ? QStringLiteral("<td>%1</td>").arg(escaped(text))
                              : QStringLiteral("<td class=\"%1\">%2</td>").arg(cssClass, escaped(text));
}

QString headerRow(const QStringList& names) {
    QString row = QStringLiteral("<tr>");
    for (const auto& name : names)
        row += QStringLiteral("<th>%1</th>").arg(escaped(name));
    return row + QStringLiteral("</tr>\n");
}

QString numberCell(const std::optional<double>& value, int decimals) {
    return value ? cell(exportdetail::formatNumber(*value, decimals), QStringLiteral("num"))
                 : cell(QStringLiteral("n/a"), QStringLiteral("num na"));
}

QString summaryTable(const QList<RunFigures>& figures) {
    QStringList names{QStringLiteral("Run"), QStringLiteral("Platform"), QStringLiteral("Status")};
    for (const auto& metric : exportdetail::summaryMetrics())
        names << metric.header;
    QString html = QStringLiteral("<h2>Summary</h2>\n<div class=\"scroll\"><table>\n") + headerRow(names);
    for (const auto& run : figures) {
        html += QStringLiteral("<tr>") + cell(run.label) + cell(run.platform) + cell(run.status);
        for (const auto& metric : exportdetail::summaryMetrics())
            html += numberCell(metric.value(run), metric.decimals);
        html += QStringLiteral("</tr>\n");
    }
    return html + QStringLiteral("</table></div>\n<p class=\"meta\">Latencies are measured from the intended send "
                                 "time (corrected for coordinated omission); warm-up intervals are excluded.</p>\n");
}

// Colours a change by whether it is an improvement: fewer errors and lower latency are better, more req/s is better.
QString changeClass(const Metric& metric, double delta) {
    if (delta == 0 || metric.direction == 0)
        return QStringLiteral("num");
    return (delta > 0) == (metric.direction > 0) ? QStringLiteral("num better") : QStringLiteral("num worse");
}

QString comparisonRow(const Metric& metric, const QList<RunFigures>& figures) {
    const auto base = metric.value(figures.front());
    QString row = QStringLiteral("<tr>") + cell(metric.header) + numberCell(base, metric.decimals);
    for (qsizetype i = 1; i < figures.size(); ++i) {
        const auto value = metric.value(figures[i]);
        row += numberCell(value, metric.decimals);
        if (!value || !base) {
            row += numberCell(std::nullopt, 0) + numberCell(std::nullopt, 0);
            continue;
        }
        const double delta = *value - *base;
        row += cell(exportdetail::formatSigned(delta, metric.decimals), changeClass(metric, delta));
        row += *base == 0 ? numberCell(std::nullopt, 0)
                          : cell(exportdetail::formatSigned(delta / *base * 100.0, 1) + QStringLiteral(" %"),
                                 changeClass(metric, delta));
    }
    return row + QStringLiteral("</tr>\n");
}

QString comparisonTable(const QList<RunFigures>& figures) {
    if (figures.size() < 2)
        return {};
    QStringList names{QStringLiteral("Metric"), figures.front().label + QStringLiteral(" (baseline)")};
    for (qsizetype i = 1; i < figures.size(); ++i)
        names << figures[i].label << QStringLiteral("Δ vs baseline") << QStringLiteral("Change (%)");
    QString html =
        QStringLiteral("<h2>Comparison with the first run</h2>\n<div class=\"scroll\"><table>\n") + headerRow(names);
    for (const auto& metric : exportdetail::summaryMetrics())
        html += comparisonRow(metric, figures);
    return html + QStringLiteral("</table></div>\n");
}

std::optional<double> known(double ms) {
    return ms >= 0 ? std::optional<double>(ms) : std::nullopt;
}

QString breakdownTable(const QList<RunSeries>& runs) {
    QString rows;
    for (const auto& run : runs) {
        for (const auto& entry : run.breakdown) {
            const auto& m = entry.median;
            rows += QStringLiteral("<tr>") + cell(run.label) + cell(QString::fromStdString(entry.requestClass)) +
                    numberCell(double(entry.traces), 0) + numberCell(known(m.ingressMs), 2) +
                    numberCell(known(m.activatorWaitMs), 2) + numberCell(known(m.queueWaitMs), 2) +
                    numberCell(known(m.initMs), 2) + numberCell(known(m.handoverMs), 2) +
                    numberCell(known(m.functionMs), 2) + QStringLiteral("</tr>\n");
        }
    }
    if (rows.isEmpty())
        return {};
    const QStringList names{
        QStringLiteral("Run"),          QStringLiteral("Request class"),       QStringLiteral("Traces"),
        QStringLiteral("Ingress (ms)"), QStringLiteral("Activator wait (ms)"), QStringLiteral("Queue wait (ms)"),
        QStringLiteral("Init (ms)"),    QStringLiteral("Handover (ms)"),       QStringLiteral("Function (ms)")};
    return QStringLiteral("<h2>Trace breakdown (medians)</h2>\n<div class=\"scroll\"><table>\n") + headerRow(names) +
           rows + QStringLiteral("</table></div>\n");
}

// Inline SVGs share one id namespace in the document: give each chart's gradient/clip ids a prefix of its own.
QString withUniqueIds(QString svg, const QString& prefix) {
    static const QRegularExpression ids(QStringLiteral("id=\"([^\"]+)\""));
    svg.replace(ids, QStringLiteral("id=\"") + prefix + QStringLiteral("\\1\""));
    svg.replace(QStringLiteral("url(#"), QStringLiteral("url(#") + prefix);
    svg.replace(QStringLiteral("href=\"#"), QStringLiteral("href=\"#") + prefix);
    return svg;
}

QString chartSections(const QList<RunSeries>& runs) {
    QString html;
    int index = 0;
    for (const ChartKind kind : kAllChartKinds) {
        const QString svg = chartSvg(kind, runs);
        html += QStringLiteral("<section>\n<h2>%1</h2>\n<figure>\n").arg(escaped(chartTitle(kind)));
        html += withUniqueIds(svg, QStringLiteral("c%1-").arg(++index));
        html += QStringLiteral("\n</figure>\n</section>\n");
    }
    return html;
}

QString statsCell(const analysis::SampleStats* stats) {
    if (!stats || stats->n == 0)
        return numberCell(std::nullopt, 0);
    QString text = formatMetric(stats->median);
    if (stats->medianCiLow)
        text += QStringLiteral(" [%1, %2]").arg(formatMetric(stats->medianCiLow), formatMetric(stats->medianCiHigh));
    return cell(text, QStringLiteral("num"));
}

QString scenarioSummaryRow(const analysis::SummaryTable& table, const analysis::SummaryRow& row) {
    QString html = QStringLiteral("<tr>") + cell(QString::fromStdString(row.scenario)) +
                   cell(QString::fromStdString(row.benchmark)) + cell(QString::fromStdString(row.language));
    for (const auto& key : table.sweepKeys)
        html += row.sweepValues.contains(key) ? cell(sweepValueLabel(key, row.sweepValues[key]))
                                              : cell(QStringLiteral("n/a"), QStringLiteral("na"));
    const QString runs = row.failedRuns > 0 ? QStringLiteral("%1 (+%2 failed)").arg(row.runs).arg(row.failedRuns)
                                            : QString::number(row.runs);
    html += cell(runs, QStringLiteral("num")) +
            cell(QString::number(row.thresholdFailures),
                 row.thresholdFailures > 0 ? QStringLiteral("num worse") : QStringLiteral("num"));
    for (const auto& metric : table.metricNames) {
        const auto found = row.metrics.find(metric);
        html += statsCell(found == row.metrics.end() ? nullptr : &found->second);
    }
    return html + QStringLiteral("</tr>\n");
}

QString summaryChartSections(const analysis::SummaryTable& table) {
    QString html;
    int index = 0;
    for (const auto& spec : exportdetail::summaryChartSpecs(table)) {
        QChart chart;
        exportdetail::drawSummaryChart(chart, table, spec);
        html += QStringLiteral("<figure>\n") + withUniqueIds(chartSvg(chart), QStringLiteral("s%1-").arg(++index)) +
                QStringLiteral("\n</figure>\n");
    }
    return html;
}

// Medians over the repeats with their 95% CI, per scenario x benchmark x language x sweep point.
QString scenarioSummary(const analysis::SummaryTable& table) {
    if (table.rows.empty())
        return {};
    QStringList names{QStringLiteral("Scenario"), QStringLiteral("Benchmark"), QStringLiteral("Language")};
    for (const auto& key : table.sweepKeys)
        names << sweepKeyLabel(key);
    names << QStringLiteral("Runs") << QStringLiteral("Failed checks");
    for (const auto& metric : table.metricNames)
        names << metricHeader(metric);
    QString html = QStringLiteral("<h2>Scenario summary</h2>\n<p class=\"meta\">Medians over the repeats of each "
                                  "point, with their 95% confidence interval [low, high] where there are enough runs "
                                  "(6 or more); n/a: not measured.</p>\n<div class=\"scroll\"><table>\n") +
                   headerRow(names);
    for (const auto& row : table.rows)
        html += scenarioSummaryRow(table, row);
    return html + QStringLiteral("</table></div>\n") + summaryChartSections(table);
}

QString titleOf(const QList<RunSeries>& runs) {
    if (runs.size() == 1)
        return QStringLiteral("FaaS Workbench report: ") + runs.front().label;
    return QStringLiteral("FaaS Workbench report: %1 runs").arg(runs.size());
}

} // namespace

QString htmlReport(const QList<RunSeries>& runs) {
    return htmlReport(runs, analysis::SummaryTable{});
}

QString htmlReport(const QList<RunSeries>& runs, const analysis::SummaryTable& summary) {
    QList<RunFigures> figures;
    for (const auto& run : runs)
        figures << exportdetail::figuresOf(run);
    const QString title = titleOf(runs);
    const QString generated = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    QString html = QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                                  "<title>%1</title>\n<style>%2</style>\n</head>\n<body>\n")
                       .arg(escaped(title), kStyle);
    html += QStringLiteral("<h1>%1</h1>\n<div class=\"meta\">Generated %2 by FaaS Workbench</div>\n")
                .arg(escaped(title), escaped(generated));
    if (runs.isEmpty())
        return html + QStringLiteral("<p>No runs selected.</p>\n</body>\n</html>\n");
    html += summaryTable(figures) + scenarioSummary(summary) + comparisonTable(figures) + breakdownTable(runs) +
            chartSections(runs);
    return html + QStringLiteral("</body>\n</html>\n");
}

} // namespace faaswb::ui
