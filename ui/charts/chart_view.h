// ChartView (internal to ui/charts): the interactive QChartView of a ChartPanel — rubber-band and wheel zoom around
// the cursor, pan (middle button or Shift + left drag), double-click reset, nearest-point tooltips with units, and
// legend entries that toggle their series. UI thread only.
#pragma once

#include <QChartView>
#include <QFontMetrics>
#include <QLegendMarker>
#include <QPointF>

namespace faaswb::ui::charts {

class ChartView : public QChartView {
    Q_OBJECT
public:
    explicit ChartView(QChart* chart, QWidget* parent = nullptr);

    // Call after every populateChart: connects new legend markers and bar sets, dims markers of hidden series.
    void syncInteractions();
    // The tooltip text for a position in view coordinates (empty when no data point is near); for tests.
    QString toolTipAt(QPoint viewPos) const;

signals:
    void resetRequested();
    void rangeChanged(); // an axis range changed (zoom, pan, reset or new data)

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void toggleSeries(QLegendMarker* marker);
    void connectBarSets();
    void fitLegend();
    void elideRunLabels(const QFontMetrics& metrics, int budget);
    QPointF chartPos(QPoint viewPos) const;

    bool m_panning = false;
    QPoint m_lastPanPos;
};

} // namespace faaswb::ui::charts
