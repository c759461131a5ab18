// Internals of ui/export shared by its .cpp files: a chart built offscreen at the export size. UI thread only.
#pragma once

#include "analysis/summary.h"
#include "common/result.h"
#include "ui/charts/chart_builder.h"

#include <QGraphicsScene>
#include <QSize>
#include <string>
#include <vector>

namespace faaswb::ui::exportdetail {

// QtCharts charts are QGraphicsWidgets: without a QApplication (a QGuiApplication is not enough) constructing one
// crashes, so every entry point checks first.
Status requireWidgetsApplication();

// A fresh QChart filled by populateChart, laid out at `size` in a scene of its own (no view, no animation).
class OffscreenChart {
public:
    OffscreenChart(ChartKind kind, const QList<RunSeries>& runs, const ChartOptions& options, QSize size);
    ~OffscreenChart();
    OffscreenChart(const OffscreenChart&) = delete;
    OffscreenChart& operator=(const OffscreenChart&) = delete;

    QChart& chart() { return *m_chart; }

private:
    QGraphicsScene m_scene;
    QChart* m_chart; // owned by m_scene
};

// The summary charts of a table: one per scenario with a sweep or repeats, of its headline metric (or its first
// metric when the headline one is missing); workflow-chain over mechanism x payloadSize as grouped bars.
struct SummaryChartSpec {
    std::string scenario;
    std::string metric;
    bool pivot = false;
};
std::vector<SummaryChartSpec> summaryChartSpecs(const analysis::SummaryTable& table);
void drawSummaryChart(QChart& chart, const analysis::SummaryTable& table, const SummaryChartSpec& spec);
// summary-<scenario>-<metric> with anything but letters, digits, '.', '_' and '-' replaced by '-'.
QString summaryChartStem(const SummaryChartSpec& spec);

} // namespace faaswb::ui::exportdetail
