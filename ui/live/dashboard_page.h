// DashboardPage: the live view of a running experiment — progress (cell, phase, elapsed, remaining), Stop, and the
// charts (histogram, CDF, percentiles, throughput, pods, trace breakdown, pod CPU/memory) fed by an EngineBridge at
// its refresh rate. After the run it keeps showing the last data. UI thread only.
#pragma once

#include <QWidget>
#include <memory>

namespace faaswb::ui {

class ExperimentRun;
class ChartPanel;

class DashboardPage : public QWidget {
    Q_OBJECT
public:
    explicit DashboardPage(QWidget* parent = nullptr);
    ~DashboardPage() override;

    void attach(ExperimentRun* run); // not owned
    // The live redraw period, handed to the attached run's EngineBridge (now and on every later attach).
    void setRefreshInterval(int milliseconds);
    int refreshInterval() const;
    QList<ChartPanel*> chartPanels() const;
    int displayedCell() const; // -1 before the first cell starts

signals:
    void stopRequested();

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::ui
