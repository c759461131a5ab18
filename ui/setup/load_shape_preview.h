// LoadShapePreview: a small chart of the request rate a scenario schedules over time (warm-up dashed, then the
// measured stages). Closed-loop and cold-start scenarios have no rate schedule: the chart says so instead of drawing
// zeros. UI thread only.
#pragma once

#include "model/experiment.h"

#include <QtCharts/QChartView>
#include <optional>

QT_BEGIN_NAMESPACE
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace faaswb::ui {

class LoadShapePreview : public QChartView {
    Q_OBJECT
public:
    explicit LoadShapePreview(QWidget* parent = nullptr);

    void setScenario(const std::optional<model::ScenarioConfig>& scenario); // nullopt: nothing selected / invalid
    QList<QPointF> points() const;                                          // measured part, for tests
    void markStale(); // keeps the last shape, titled as such, while the experiment has problems

private:
    void showMessage(const QString& message);
    void updateTheme();

    QLineSeries* m_warmup;
    QLineSeries* m_measured;
    QValueAxis* m_time;
    QValueAxis* m_rate;
    bool m_themed = false;
};

} // namespace faaswb::ui
