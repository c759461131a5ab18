// ChartView: zoom, pan, tooltips and legend toggling on top of QChartView.
#include "ui/charts/chart_view.h"

#include "ui/charts/chart_axes.h"

#include <QAbstractBarSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCursor>
#include <QFontMetrics>
#include <QLegend>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QResizeEvent>
#include <QToolTip>
#include <QValueAxis>
#include <QWheelEvent>
#include <QXYSeries>
#include <algorithm>
#include <cmath>

namespace faaswb::ui::charts {
namespace {

const char* const kConnectedProperty = "faaswbConnected";
constexpr double kHoverRadiusPx = 12;

// Marks `object` as wired; returns false when it already was (markers and bar sets survive in-place updates).
bool firstTime(QObject* object) {
    if (object->property(kConnectedProperty).toBool())
        return false;
    object->setProperty(kConnectedProperty, true);
    return true;
}

QColor dimmed(QColor color, bool dim) {
    if (dim)
        color.setAlphaF(color.alphaF() * 0.3f);
    return color;
}

// A hidden series keeps its legend entry, dimmed and struck out, so it can be shown again.
void dimMarker(QLegendMarker* marker, QLegend* legend, bool dim) {
    marker->setVisible(true); // QtCharts hides the marker together with its series
    marker->setLabelBrush(dimmed(legend->labelColor(), dim));
    QBrush brush = marker->brush();
    if (brush.style() != Qt::NoBrush) {
        QColor color = brush.color();
        if (!marker->property("faaswbAlpha").isValid())
            marker->setProperty("faaswbAlpha", color.alphaF());
        const float alpha = marker->property("faaswbAlpha").toFloat();
        color.setAlphaF(dim ? alpha * 0.25f : alpha);
        brush.setColor(color);
        marker->setBrush(brush);
    }
    QFont font = marker->font();
    font.setStrikeOut(dim);
    marker->setFont(font);
}

} // namespace

ChartView::ChartView(QChart* chart, QWidget* parent)
    : QChartView(chart, parent) {
    setRenderHint(QPainter::Antialiasing);
    setRubberBand(QChartView::RectangleRubberBand);
    setMouseTracking(true);
    setFrameShape(QFrame::NoFrame);
}

void ChartView::syncInteractions() {
    const QList<QLegendMarker*> markers = chart()->legend()->markers();
    for (QLegendMarker* marker : markers) {
        if (firstTime(marker))
            connect(marker, &QLegendMarker::clicked, this, [this, marker] { toggleSeries(marker); });
        if (marker->type() != QLegendMarker::LegendMarkerTypeBar)
            dimMarker(marker, chart()->legend(), !marker->series()->isVisible());
    }
    connectBarSets();
    const QList<QAbstractAxis*> axes = chart()->axes();
    for (QAbstractAxis* axis : axes) {
        if (!firstTime(axis))
            continue;
        if (auto* value = qobject_cast<QValueAxis*>(axis))
            connect(value, &QValueAxis::rangeChanged, this, &ChartView::rangeChanged);
        else if (auto* log = qobject_cast<QLogValueAxis*>(axis))
            connect(log, &QLogValueAxis::rangeChanged, this, &ChartView::rangeChanged);
    }
    fitLegend();
}

// A legend under a small chart elides its entries to "d…"; when they do not fit in one row it moves to the right,
// where entries stack (exports and large charts keep it at the bottom, and so do charts with a right value axis,
// whose title the legend would cover).
void ChartView::fitLegend() {
    QLegend* legend = chart()->legend();
    const QFontMetrics metrics(legend->font());
    const QList<QLegendMarker*> markers = legend->markers();
    if (markers.isEmpty())
        return;
    int needed = 0;
    for (QLegendMarker* marker : markers)
        needed += metrics.horizontalAdvance(marker->type() == QLegendMarker::LegendMarkerTypeBar
                                                ? marker->label()           // one entry per bar set
                                                : marker->series()->name()) // not the label elided below
                  + metrics.height() + 18;
    const QList<QAbstractAxis*> axes = chart()->axes(Qt::Vertical);
    const bool rightAxis = std::any_of(axes.begin(), axes.end(),
                                       [](const QAbstractAxis* axis) { return axis->alignment() == Qt::AlignRight; });
    const bool fits = needed <= width() - 24;
    const Qt::Alignment alignment = fits || rightAxis ? Qt::AlignBottom : Qt::AlignRight;
    if (legend->alignment() != alignment)
        legend->setAlignment(alignment);
    const double maxWidth = std::max(120.0, width() * 0.38);
    legend->setMaximumWidth(alignment == Qt::AlignRight ? maxWidth : QWIDGETSIZE_MAX);
    const int budget = fits ? QWIDGETSIZE_MAX
                       : alignment == Qt::AlignRight
                           ? static_cast<int>(maxWidth) - metrics.height() - 40
                           : (width() - 24) / static_cast<int>(markers.size()) - metrics.height() - 24;
    elideRunLabels(metrics, budget);
}

// Entries of overlaid runs ("<run label> p99") keep their suffix: the run label is elided in the middle.
void ChartView::elideRunLabels(const QFontMetrics& metrics, int budget) {
    const QList<QLegendMarker*> markers = chart()->legend()->markers();
    for (QLegendMarker* marker : markers) {
        const QString suffix = legendSuffix(*marker->series());
        const QString name = marker->series()->name();
        if (suffix.isEmpty() || !name.endsWith(suffix))
            continue;
        QString label = name;
        if (metrics.horizontalAdvance(name) > budget) {
            const QString run = name.left(name.size() - suffix.size() - 1);
            const int runBudget = budget - metrics.horizontalAdvance(QLatin1Char(' ') + suffix);
            label = metrics.elidedText(run, Qt::ElideMiddle, std::max(runBudget, 24)) + QLatin1Char(' ') + suffix;
        }
        if (marker->label() != label)
            marker->setLabel(label);
    }
}

void ChartView::resizeEvent(QResizeEvent* event) {
    QChartView::resizeEvent(event);
    fitLegend();
}

void ChartView::toggleSeries(QLegendMarker* marker) {
    if (marker->type() == QLegendMarker::LegendMarkerTypeBar)
        return; // a stacked bar without one of its hops would misstate the total
    QAbstractSeries* series = marker->series();
    series->setVisible(!series->isVisible());
    dimMarker(marker, chart()->legend(), !series->isVisible());
}

void ChartView::connectBarSets() {
    const QList<QAbstractSeries*> all = chart()->series();
    for (QAbstractSeries* series : all) {
        auto* bars = qobject_cast<QAbstractBarSeries*>(series);
        if (!bars)
            continue;
        const QList<QBarSet*> sets = bars->barSets();
        for (QBarSet* set : sets) {
            if (!firstTime(set))
                continue;
            connect(set, &QBarSet::hovered, this, [this, set](bool status, int index) {
                if (!status) {
                    QToolTip::hideText();
                    return;
                }
                QString category;
                const QList<QAbstractAxis*> axes = chart()->axes(Qt::Vertical);
                for (QAbstractAxis* axis : axes)
                    if (auto* categories = qobject_cast<QBarCategoryAxis*>(axis))
                        category = categories->at(index);
                QToolTip::showText(
                    QCursor::pos(),
                    QStringLiteral("%1: %2 ms (%3)").arg(set->label(), formatValue(set->at(index)), category), this);
            });
        }
    }
}

QPointF ChartView::chartPos(QPoint viewPos) const {
    return chart()->mapFromScene(mapToScene(viewPos));
}

QString ChartView::toolTipAt(QPoint viewPos) const {
    const QPointF pos = chartPos(viewPos);
    if (!chart()->plotArea().adjusted(-kHoverRadiusPx, -kHoverRadiusPx, kHoverRadiusPx, kHoverRadiusPx).contains(pos))
        return {};
    double best = kHoverRadiusPx;
    QString text;
    const QList<QAbstractSeries*> all = chart()->series();
    for (QAbstractSeries* abstract : all) {
        auto* series = qobject_cast<QXYSeries*>(abstract);
        if (!series || !series->isVisible() || series->count() == 0)
            continue;
        const QList<QPointF> points = series->points();
        const double x = chart()->mapToValue(pos, series).x();
        const auto it = std::lower_bound(points.begin(), points.end(), x,
                                         [](const QPointF& p, double value) { return p.x() < value; });
        const qsizetype at = it - points.begin();
        for (qsizetype i = std::max<qsizetype>(0, at - 2); i < std::min(points.size(), at + 2); ++i) {
            const QPointF screen = chart()->mapToPosition(points[i], series);
            const double distance = std::hypot(screen.x() - pos.x(), screen.y() - pos.y());
            if (std::isfinite(distance) && distance < best) {
                best = distance;
                text = pointToolTip(*series, points[i]);
            }
        }
    }
    return text;
}

void ChartView::mousePressEvent(QMouseEvent* event) {
    const bool pan = event->button() == Qt::MiddleButton ||
                     (event->button() == Qt::LeftButton && event->modifiers().testFlag(Qt::ShiftModifier));
    if (!pan) {
        QChartView::mousePressEvent(event);
        return;
    }
    m_panning = true;
    m_lastPanPos = event->position().toPoint();
    setCursor(Qt::ClosedHandCursor);
    event->accept();
}

void ChartView::mouseMoveEvent(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    if (m_panning) {
        const QPoint delta = pos - m_lastPanPos;
        chart()->scroll(-delta.x(), delta.y());
        m_lastPanPos = pos;
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
    const QString text = event->buttons() == Qt::NoButton ? toolTipAt(pos) : QString();
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void ChartView::mouseReleaseEvent(QMouseEvent* event) {
    if (m_panning) {
        m_panning = false;
        unsetCursor();
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void ChartView::mouseDoubleClickEvent(QMouseEvent* event) {
    emit resetRequested();
    event->accept();
}

// Zooms around the cursor: the point under it stays where it is.
void ChartView::wheelEvent(QWheelEvent* event) {
    const QRectF plot = chart()->plotArea();
    const QPointF pos = chartPos(event->position().toPoint());
    if (!plot.contains(pos) || event->angleDelta().y() == 0) {
        QChartView::wheelEvent(event);
        return;
    }
    const double factor = event->angleDelta().y() > 0 ? 0.8 : 1.25;
    const QRectF target(pos.x() - (pos.x() - plot.left()) * factor, pos.y() - (pos.y() - plot.top()) * factor,
                        plot.width() * factor, plot.height() * factor);
    chart()->zoomIn(target);
    event->accept();
}

void ChartView::leaveEvent(QEvent* event) {
    QToolTip::hideText();
    QChartView::leaveEvent(event);
}

} // namespace faaswb::ui::charts
