// ChartPanel: one interactive chart with its toolbar — rubber-band and wheel zoom, pan (drag with the middle button or
// Shift), reset (button or double-click), hover tooltips with exact values and units, legend entries that toggle
// their series, linear/log switch, corrected/service-time switch for latency charts, and "Export…" (PNG/SVG/PDF).
// UI thread only.
#pragma once

#include "ui/charts/chart_builder.h"

#include <QWidget>
#include <memory>

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace faaswb::ui {

class ChartPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChartPanel(ChartKind kind, QWidget* parent = nullptr);
    ~ChartPanel() override;

    ChartKind kind() const;
    // Redraws with new data (cheap: call at the dashboard's refresh rate). Keeps zoom unless the user reset it.
    void setRuns(const QList<RunSeries>& runs);
    const QList<RunSeries>& runs() const;
    QChart* chart() const;
    void setOptions(const ChartOptions& options);
    ChartOptions options() const;

public slots:
    void resetZoom();

signals:
    // "Export…" could not write the file (the message says why); the panel also shows it as a tooltip.
    void exportFailed(const QString& message);

private:
    void setupToolbar();
    void exportChart();

    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::ui
