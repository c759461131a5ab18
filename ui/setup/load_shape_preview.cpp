#include "ui/setup/load_shape_preview.h"

#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>

namespace faaswb::ui {
namespace {

double seconds(model::Nanos duration) {
    return std::chrono::duration<double>(duration).count();
}

// The points of the open-loop schedule: each stage from its start rate to its end rate, steps kept vertical.
QList<QPointF> stagePoints(const std::vector<load::RateStage>& stages, double start) {
    QList<QPointF> points;
    double t = start;
    for (const load::RateStage& stage : stages) {
        points.append({t, stage.fromRps});
        t += seconds(stage.duration);
        points.append({t, stage.toRps});
    }
    return points;
}

} // namespace

LoadShapePreview::LoadShapePreview(QWidget* parent)
    : QChartView(parent)
    , m_warmup(new QLineSeries)
    , m_measured(new QLineSeries)
    , m_time(new QValueAxis)
    , m_rate(new QValueAxis) {
    auto* chart = new QChart;
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    m_warmup->setName(tr("Warm-up (not measured)"));
    m_measured->setName(tr("Measured"));
    chart->addSeries(m_warmup);
    chart->addSeries(m_measured);
    m_time->setTitleText(tr("Time (s)"));
    m_rate->setTitleText(tr("Rate (req/s)"));
    m_time->setLabelFormat(QStringLiteral("%g"));
    m_rate->setLabelFormat(QStringLiteral("%g"));
    chart->addAxis(m_time, Qt::AlignBottom);
    chart->addAxis(m_rate, Qt::AlignLeft);
    for (QLineSeries* series : {m_warmup, m_measured}) {
        series->attachAxis(m_time);
        series->attachAxis(m_rate);
    }
    setChart(chart); // takes ownership
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(260);
    setScenario(std::nullopt);
}

// The chart theme follows the application palette; a theme change resets the series pens, so they are set after it.
void LoadShapePreview::updateTheme() {
    const auto theme = palette().window().color().lightness() < 128 ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (m_themed && chart()->theme() == theme)
        return;
    m_themed = true;
    chart()->setTheme(theme);
    chart()->setBackgroundRoundness(0);
    QPen measured = m_measured->pen();
    measured.setWidthF(2.5);
    m_measured->setPen(measured);
    QPen warm = measured;
    warm.setStyle(Qt::DashLine);
    warm.setColor(theme == QChart::ChartThemeDark ? QColor(0x9a, 0xa0, 0xa6) : QColor(0x80, 0x86, 0x8b));
    m_warmup->setPen(warm);
}

void LoadShapePreview::showMessage(const QString& message) {
    m_warmup->setVisible(false);
    m_warmup->clear();
    m_measured->clear();
    chart()->setTitle(message);
    m_time->setVisible(false);
    m_rate->setVisible(false);
    chart()->legend()->setVisible(false);
}

void LoadShapePreview::setScenario(const std::optional<model::ScenarioConfig>& scenario) {
    updateTheme();
    if (!scenario)
        return showMessage(tr("Load shape: fix the experiment to see the preview"));
    if (scenario->type == model::ScenarioType::ColdStart)
        return showMessage(tr("%1: one request per repetition after scale to zero (no rate schedule)")
                               .arg(QString::fromStdString(scenario->name)));
    if (scenario->connections)
        return showMessage(tr("%1: closed loop of %2 virtual users (the rate follows the latency)")
                               .arg(QString::fromStdString(scenario->name))
                               .arg(*scenario->connections));
    const auto model = scenario->loadModel();
    const auto& stages = std::get<load::OpenLoop>(model.shape).stages;
    const double warmup = seconds(scenario->warmup);
    QList<QPointF> warm;
    if (warmup > 0 && !stages.empty())
        warm = {{0, stages.front().fromRps}, {warmup, stages.front().fromRps}};
    const QList<QPointF> measured = stagePoints(stages, warmup);
    m_warmup->replace(warm);
    m_warmup->setVisible(!warm.isEmpty());
    m_time->setVisible(true);
    m_rate->setVisible(true);
    chart()->legend()->setVisible(!warm.isEmpty()); // one series needs no legend
    m_measured->replace(measured);
    double top = 1;
    for (const QPointF& point : measured)
        top = std::max(top, point.y());
    m_time->setRange(0, std::max(1.0, measured.isEmpty() ? warmup : measured.back().x()));
    m_rate->setRange(0, top * 1.15);
    m_rate->applyNiceNumbers();
    m_time->applyNiceNumbers();
    chart()->setTitle(tr("Load shape of %1 (%2%3)")
                          .arg(QString::fromStdString(scenario->name),
                               QString::fromLatin1(model::scenarioTypeName(scenario->type)),
                               scenario->poisson ? tr(", Poisson arrivals") : QString()));
}

void LoadShapePreview::markStale() {
    const QString suffix = tr(" (last valid shape)");
    if (!chart()->title().endsWith(suffix))
        chart()->setTitle(chart()->title() + suffix);
}

QList<QPointF> LoadShapePreview::points() const {
    return m_measured->points();
}

} // namespace faaswb::ui
