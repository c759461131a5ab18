// SummaryPage: the scenario summary of an experiment (or of runs chosen in the results browser) — a table with one row
// per scenario x benchmark x language x sweep point (medians over the repeats, 95% CIs in the tooltips, units in the
// headers) and a chart of one metric against the sweep variable with 95% CI bars, or for workflow-chain sweeps over
// mechanism x payloadSize the medians as grouped bars. Reads off the UI thread; stale answers are dropped.
// UI thread only.
#pragma once

#include <QWidget>
#include <memory>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
class QChart;
QT_END_NAMESPACE

namespace faaswb::ui {

class SummaryPage : public QWidget {
    Q_OBJECT
public:
    explicit SummaryPage(QWidget* parent = nullptr);
    ~SummaryPage() override;

    void setDatabase(const QString& path); // lists its experiments and shows the newest (or the one shown before)
    QString database() const;
    void showExperiment(qint64 experimentId);
    void showNewestExperiment();
    void showRuns(const QList<qint64>& runIds); // the runs chosen elsewhere (the results browser's selection)
    QAbstractItemModel* tableModel() const;     // the source model (SummaryTableModel)
    QChart* chart() const;
    QList<qint64> summarizedRuns() const;

public slots:
    void refresh();

signals:
    void loaded(); // the table and the chart show a new answer (or its error)

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::ui
