// applySpec and its helpers: rebuild or update a QChart from a ChartSpec, keeping zoom and hidden series.
#include "ui/charts/chart_axes.h"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QFont>
#include <QGraphicsSimpleTextItem>
#include <QGuiApplication>
#include <QHorizontalStackedBarSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPalette>
#include <QScatterSeries>
#include <QSet>
#include <QValueAxis>
#include <cmath>

namespace faaswb::ui::charts {
namespace {

const QString kStateName = QStringLiteral("faaswbChartState");

struct AxisRole {
    QAbstractAxis* axis = nullptr;
    AxisSpec spec; // its automatic range as last applied
};

// What applySpec built, kept as a child object of the chart so it lives and dies with it.
class ChartState : public QObject {
public:
    explicit ChartState(QChart& chart)
        : QObject(&chart) {
        setObjectName(kStateName);
    }
    QString signature;
    QString note;
    QGraphicsSimpleTextItem* noteItem = nullptr;
    QList<QAbstractSeries*> series; // in spec order
    QList<QString> keys;
    QList<QBarSet*> barSets;
    AxisRole x, y, y2;
};

ChartState* findState(const QChart& chart) {
    return static_cast<ChartState*>(chart.findChild<QObject*>(kStateName, Qt::FindDirectChildrenOnly));
}

QColor textColor() {
    return QGuiApplication::palette().color(QPalette::Text);
}
QColor baseColor() {
    return QGuiApplication::palette().color(QPalette::Base);
}

QColor mixed(const QColor& a, const QColor& b, double weightOfA) {
    const double w = std::clamp(weightOfA, 0.0, 1.0);
    return QColor::fromRgbF(static_cast<float>(a.redF() * w + b.redF() * (1 - w)),
                            static_cast<float>(a.greenF() * w + b.greenF() * (1 - w)),
                            static_cast<float>(a.blueF() * w + b.blueF() * (1 - w)));
}

QFont smallFont(int pointSize, bool bold = false) {
    QFont font = QGuiApplication::font();
    font.setPointSize(pointSize);
    font.setBold(bold);
    return font;
}

QString signatureOf(const ChartSpec& spec, ChartKind kind) {
    QString s = QString::number(static_cast<int>(kind)) + (darkPalette() ? QStringLiteral("d") : QStringLiteral("l"));
    s += QLatin1Char('|') + spec.note + QLatin1Char('|') + QString::number(spec.x.log) + QString::number(spec.y.log);
    s += spec.y2 ? QStringLiteral("y2") : QString();
    for (const SeriesSpec& series : spec.series)
        s += QLatin1Char('|') + series.key + QString::number(static_cast<int>(series.type)) +
             QString::number(series.rightAxis);
    if (spec.bars) {
        s += QLatin1Char('|') + spec.bars->categories.join(QLatin1Char(','));
        for (const BarSpec::Set& set : spec.bars->sets)
            s += QLatin1Char('|') + set.name;
    }
    return s;
}

// Decimals that show every tick of `step` exactly (2.5 needs one).
QString labelFormatFor(double step) {
    int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
    const double scaled = step * std::pow(10.0, decimals);
    if (std::abs(scaled - std::round(scaled)) > 1e-6)
        ++decimals;
    return QStringLiteral("%.") + QString::number(std::min(decimals, 6)) + QStringLiteral("f");
}

void tuneTicks(QValueAxis* axis, qreal min, qreal max) {
    const double step = niceStep(max - min, 5);
    axis->setTickInterval(step);
    axis->setLabelFormat(labelFormatFor(step));
}

void styleAxis(QAbstractAxis* axis, const QString& title) {
    const QColor text = textColor();
    axis->setTitleText(title);
    axis->setTitleFont(smallFont(8));
    axis->setTitleBrush(text);
    axis->setLabelsFont(smallFont(8));
    axis->setLabelsBrush(text);
    axis->setGridLinePen(QPen(mixed(text, baseColor(), 0.16), 1));
    axis->setMinorGridLinePen(QPen(mixed(text, baseColor(), 0.07), 1));
    axis->setLinePen(QPen(mixed(text, baseColor(), 0.45), 1));
}

QAbstractAxis* makeValueAxis(const AxisSpec& spec, QObject* context) {
    if (spec.log) {
        auto* axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setMinorTickCount(-1);
        styleAxis(axis, spec.title);
        return axis;
    }
    auto* axis = new QValueAxis;
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    // Ticks follow the range so labels stay round while zooming.
    QObject::connect(axis, &QValueAxis::rangeChanged, context,
                     [axis](qreal min, qreal max) { tuneTicks(axis, min, max); });
    tuneTicks(axis, spec.min, spec.max);
    styleAxis(axis, spec.title);
    return axis;
}

double axisMin(const QAbstractAxis* axis) {
    if (const auto* log = qobject_cast<const QLogValueAxis*>(axis))
        return log->min();
    if (const auto* value = qobject_cast<const QValueAxis*>(axis))
        return value->min();
    return 0;
}

double axisMax(const QAbstractAxis* axis) {
    if (const auto* log = qobject_cast<const QLogValueAxis*>(axis))
        return log->max();
    if (const auto* value = qobject_cast<const QValueAxis*>(axis))
        return value->max();
    return 0;
}

bool sameValue(double a, double b) {
    return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
}

bool roleZoomed(const AxisRole& role) {
    if (!role.axis || qobject_cast<QBarCategoryAxis*>(role.axis))
        return false;
    return !sameValue(axisMin(role.axis), role.spec.min) || !sameValue(axisMax(role.axis), role.spec.max);
}

void setRange(QAbstractAxis* axis, double min, double max) {
    if (axis && !qobject_cast<QBarCategoryAxis*>(axis))
        axis->setRange(min, max);
}

// Keeps a zoomed range (the axis no longer shows the last automatic range); otherwise follows the data.
void updateRole(AxisRole& role, const AxisSpec& spec) {
    if (!roleZoomed(role))
        setRange(role.axis, spec.min, spec.max);
    role.spec = spec;
}

void styleChart(QChart& chart, const QString& title) {
    chart.setTheme(darkPalette() ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart.setBackgroundBrush(baseColor());
    chart.setBackgroundPen(Qt::NoPen);
    chart.setBackgroundRoundness(0);
    chart.setPlotAreaBackgroundVisible(false);
    chart.setMargins(QMargins(2, 2, 2, 2));
    chart.setTitleFont(smallFont(10, true));
    chart.setTitleBrush(textColor());
    chart.setTitle(title);
    QLegend* legend = chart.legend();
    legend->setAlignment(Qt::AlignBottom);
    legend->setFont(smallFont(8));
    legend->setLabelColor(textColor());
    legend->setShowToolTips(true);
    legend->setMarkerShape(QLegend::MarkerShapeRectangle); // lines and scatters take theirs in useSeriesShapes()
}

QAbstractSeries* makeSeries(const SeriesSpec& spec) {
    QPen pen(spec.color, spec.width, spec.style);
    pen.setCapStyle(Qt::RoundCap);
    if (spec.type == SeriesType::Area) {
        auto* upper = new QLineSeries;
        upper->replace(spec.points);
        auto* area = new QAreaSeries(upper);
        upper->setParent(area); // QAreaSeries does not own its edges
        QColor fill = spec.color;
        fill.setAlpha(darkPalette() ? 70 : 50);
        area->setBrush(fill);
        QColor edge = spec.color;
        edge.setAlpha(130);
        area->setPen(QPen(edge, 1));
        area->setName(spec.name);
        area->setProperty(kSuffixProperty, spec.legendSuffix);
        return area;
    }
    QXYSeries* series = nullptr;
    if (spec.type == SeriesType::Scatter) {
        auto* scatter = new QScatterSeries;
        scatter->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
        scatter->setMarkerSize(13);
        scatter->setBorderColor(mixed(spec.color, baseColor(), 0.6));
        scatter->setColor(spec.color);
        series = scatter;
    } else {
        series = new QLineSeries;
        series->setPen(pen);
        series->setPointsVisible(spec.points.size() == 1); // a single point would draw nothing
    }
    series->setName(spec.name);
    series->replace(spec.points);
    series->setProperty(kTipProperty, static_cast<int>(spec.tip));
    series->setProperty(kSuffixProperty, spec.legendSuffix);
    return series;
}

void replacePoints(QAbstractSeries* series, const SeriesSpec& spec) {
    if (auto* area = qobject_cast<QAreaSeries*>(series)) {
        area->upperSeries()->replace(spec.points);
    } else if (auto* xy = qobject_cast<QXYSeries*>(series)) {
        xy->replace(spec.points);
        if (spec.type == SeriesType::Line)
            xy->setPointsVisible(spec.points.size() == 1);
    }
    if (series->name() != spec.name)
        series->setName(spec.name);
}

void placeNote(QChart& chart, QGraphicsSimpleTextItem* item) {
    const QRectF area = chart.plotArea().isValid() && chart.plotArea().width() > 10 ? chart.plotArea() : chart.rect();
    const QRectF box = item->boundingRect();
    item->setPos(area.center() - QPointF(box.width() / 2, box.height() / 2));
}

void showNote(QChart& chart, ChartState& state, const QString& note) {
    state.note = note;
    state.noteItem = new QGraphicsSimpleTextItem(note, &chart);
    state.noteItem->setFont(smallFont(11));
    QColor color = textColor();
    color.setAlpha(210);
    state.noteItem->setBrush(color);
    state.noteItem->setZValue(100);
    chart.legend()->hide();
    placeNote(chart, state.noteItem);
}

void clearChart(QChart& chart, ChartState& state) {
    chart.removeAllSeries();
    const QList<QAbstractAxis*> axes = chart.axes();
    for (QAbstractAxis* axis : axes) {
        chart.removeAxis(axis);
        delete axis;
    }
    delete state.noteItem;
    state.noteItem = nullptr;
    state.note.clear();
    state.series.clear();
    state.keys.clear();
    state.barSets.clear();
    state.x = state.y = state.y2 = AxisRole{};
}

// Line and scatter entries show their line or marker; areas and bars keep a filled rectangle.
void useSeriesShapes(QChart& chart) {
    const QList<QLegendMarker*> markers = chart.legend()->markers();
    for (QLegendMarker* marker : markers)
        if (marker->type() == QLegendMarker::LegendMarkerTypeXY)
            marker->setShape(QLegend::MarkerShapeFromSeries);
}

// Horizontal bars put the first category at the bottom; reversed, they read top-down in the spec's order.
QList<qreal> reversed(QList<qreal> values) {
    std::reverse(values.begin(), values.end());
    return values;
}

void buildBars(QChart& chart, ChartState& state, const ChartSpec& spec) {
    auto* bars = new QHorizontalStackedBarSeries;
    for (const BarSpec::Set& setSpec : spec.bars->sets) {
        auto* set = new QBarSet(setSpec.name);
        set->append(reversed(setSpec.values));
        set->setColor(setSpec.color);
        set->setBorderColor(baseColor());
        bars->append(set);
        state.barSets.append(set);
    }
    bars->setBarWidth(0.6);
    chart.addSeries(bars);
    state.series.append(bars);
    auto* categories = new QBarCategoryAxis;
    QStringList names = spec.bars->categories;
    std::reverse(names.begin(), names.end());
    categories->append(names);
    styleAxis(categories, spec.y.title);
    categories->setGridLineVisible(false);
    chart.addAxis(categories, Qt::AlignLeft);
    bars->attachAxis(categories);
    state.y = AxisRole{categories, spec.y};
}

void buildXY(QChart& chart, ChartState& state, const ChartSpec& spec) {
    state.y = AxisRole{makeValueAxis(spec.y, &state), spec.y};
    chart.addAxis(state.y.axis, Qt::AlignLeft);
    if (spec.y2) {
        state.y2 = AxisRole{makeValueAxis(*spec.y2, &state), *spec.y2};
        state.y2.axis->setGridLineVisible(false); // one grid (the left axis') is enough
        state.y2.axis->setMinorGridLineVisible(false);
        chart.addAxis(state.y2.axis, Qt::AlignRight);
    }
    for (const SeriesSpec& seriesSpec : spec.series) {
        QAbstractSeries* series = makeSeries(seriesSpec);
        chart.addSeries(series);
        series->attachAxis(state.x.axis);
        series->attachAxis(seriesSpec.rightAxis && state.y2.axis ? state.y2.axis : state.y.axis);
        state.series.append(series);
        state.keys.append(seriesSpec.key);
    }
}

struct Carried {
    QSet<QString> hidden;
    std::optional<std::pair<double, double>> x, y, y2;
};

Carried carryOver(const ChartState& state) {
    Carried carried;
    for (qsizetype i = 0; i < state.keys.size(); ++i)
        if (!state.series[i]->isVisible())
            carried.hidden.insert(state.keys[i]);
    auto keep = [](const AxisRole& role) -> std::optional<std::pair<double, double>> {
        if (!roleZoomed(role))
            return std::nullopt;
        return std::make_pair(axisMin(role.axis), axisMax(role.axis));
    };
    carried.x = keep(state.x);
    carried.y = keep(state.y);
    carried.y2 = keep(state.y2);
    return carried;
}

void applyCarried(ChartState& state, const Carried& carried, const ChartSpec& spec) {
    auto apply = [](AxisRole& role, const std::optional<std::pair<double, double>>& range, bool wasLog) {
        const bool isLog = qobject_cast<QLogValueAxis*>(role.axis) != nullptr;
        if (range && isLog == wasLog && (!isLog || range->first > 0))
            setRange(role.axis, range->first, range->second);
    };
    apply(state.x, carried.x, spec.x.log);
    apply(state.y, carried.y, spec.y.log);
    apply(state.y2, carried.y2, spec.y2 && spec.y2->log);
    for (qsizetype i = 0; i < state.keys.size(); ++i)
        if (carried.hidden.contains(state.keys[i]))
            state.series[i]->setVisible(false);
}

void rebuild(QChart& chart, ChartState& state, const ChartSpec& spec, ChartKind kind) {
    const Carried carried = carryOver(state);
    clearChart(chart, state);
    styleChart(chart, spec.title);
    state.signature = signatureOf(spec, kind);
    if (!spec.note.isEmpty()) {
        showNote(chart, state, spec.note);
        return;
    }
    chart.legend()->show();
    state.x = AxisRole{makeValueAxis(spec.x, &state), spec.x};
    chart.addAxis(state.x.axis, Qt::AlignBottom);
    if (spec.bars) {
        buildBars(chart, state, spec);
        state.series.first()->attachAxis(state.x.axis);
    } else {
        buildXY(chart, state, spec);
    }
    setRange(state.x.axis, spec.x.min, spec.x.max);
    setRange(state.y.axis, spec.y.min, spec.y.max);
    if (spec.y2)
        setRange(state.y2.axis, spec.y2->min, spec.y2->max);
    applyCarried(state, carried, spec);
    useSeriesShapes(chart);
}

void updateInPlace(QChart& chart, ChartState& state, const ChartSpec& spec) {
    if (chart.title() != spec.title)
        chart.setTitle(spec.title);
    if (spec.bars) {
        for (qsizetype s = 0; s < spec.bars->sets.size(); ++s) {
            const QList<qreal> values = reversed(spec.bars->sets[s].values);
            for (qsizetype i = 0; i < values.size(); ++i)
                state.barSets[s]->replace(i, values[i]);
        }
    } else {
        for (qsizetype i = 0; i < spec.series.size(); ++i)
            replacePoints(state.series[i], spec.series[i]);
    }
    updateRole(state.x, spec.x);
    if (!spec.bars)
        updateRole(state.y, spec.y);
    if (spec.y2)
        updateRole(state.y2, *spec.y2);
}

} // namespace

void applySpec(QChart& chart, const ChartSpec& spec, ChartKind kind) {
    ChartState* state = findState(chart);
    if (!state) {
        state = new ChartState(chart);
        QObject::connect(&chart, &QChart::plotAreaChanged, state, [&chart, state] {
            if (state->noteItem)
                placeNote(chart, state->noteItem);
        });
    }
    if (state->signature != signatureOf(spec, kind))
        rebuild(chart, *state, spec, kind);
    else if (spec.note.isEmpty())
        updateInPlace(chart, *state, spec);
    else if (chart.title() != spec.title)
        chart.setTitle(spec.title);
}

void resetChartZoom(QChart& chart) {
    ChartState* state = findState(chart);
    if (!state)
        return;
    for (AxisRole* role : {&state->x, &state->y, &state->y2})
        setRange(role->axis, role->spec.min, role->spec.max);
}

bool chartZoomed(const QChart& chart) {
    const ChartState* state = findState(chart);
    return state && (roleZoomed(state->x) || roleZoomed(state->y) || roleZoomed(state->y2));
}

QString chartNote(const QChart& chart) {
    const ChartState* state = findState(chart);
    return state ? state->note : QString();
}

} // namespace faaswb::ui::charts
