// EngineBridge: the GUI's RunObserver. Engine callbacks (runner, collector, watcher threads) only feed per-cell
// RunSeriesBuilders under a short lock; a timer on the UI thread publishes changed cells at a fixed refresh rate
// (default 5 Hz, settable) as queued signals. The load workers never wait for the UI. Construct and connect on the UI
// thread.
#pragma once

#include "engine/run_observer.h"
#include "ui/charts/run_series.h"

#include <QObject>
#include <chrono>
#include <memory>

namespace faaswb::ui {

struct LiveProgress {
    int cell = 0;    // 0-based, as everywhere in the engine and the bridge
    int cells = 0;   // cells in the experiment (0 when unknown)
    QString label;   // "warm · 010.sleep · python · rate=50 · repeat 2/3"
    QString sweep;   // the running cell's sweep point, "rate=50, payloadSize=1024"; empty without a sweep
    int repeat = 0;  // 0-based repetition of the running cell
    int repeats = 0; // repetitions of its scenario (0 when unknown)
    QString phase;   // deploy | warmup | measure | cold-start 3/10 | teardown
    double phaseElapsedSec = 0;
    double phaseExpectedSec = 0; // 0 when unknown
    double runElapsedSec = 0;
};

class EngineBridge : public QObject, public engine::RunObserver {
    Q_OBJECT
public:
    explicit EngineBridge(std::chrono::milliseconds refresh = std::chrono::milliseconds(200),
                          QObject* parent = nullptr);
    ~EngineBridge() override;

    // How often changed cells are published (UI thread; takes effect at once, also mid-run). Settings ▸ Live refresh.
    void setRefreshInterval(std::chrono::milliseconds refresh);
    std::chrono::milliseconds refreshInterval() const;

    // Forgets every cell of a previous run (UI thread, between runs).
    void reset();
    void setCellCount(int cells); // any thread
    int cellCount() const;        // 0 when unknown
    // Which charts the platform can fill (Platform::supports); the rest say "not available". Any thread, before the
    // first cell starts.
    void setCapabilities(bool scale, bool podMetrics, bool traces);

    // RunObserver (any thread; never blocks on the UI).
    void onRunStarted(const engine::RunDescription& run) override;
    void onPhase(const engine::PhaseInfo& phase) override;
    void onInterval(int cell, const load::IntervalSnapshot& interval) override;
    void onScale(int cell, const platform::ScaleSample& sample) override;
    void onPodMetrics(int cell, std::span<const platform::PodMetricsSample> samples) override;
    void onSpans(int cell, std::span<const trace::Span> spans) override;
    void onRunMetrics(int cell, const analysis::RunMetricsReport& report) override;
    void onRunFinished(const engine::RunOutcome& outcome) override;

    // UI thread: the latest series of a cell (empty RunSeries when unknown).
    RunSeries series(int cell) const;
    // Any thread: the progress as progressUpdated would carry it now.
    LiveProgress progress() const;
    // UI thread: the cells whose cellStarted was delivered, in order (for a view attached mid-run).
    QList<int> startedCells() const;

signals:
    void cellStarted(int cell, const QString& label);
    void seriesUpdated(int cell, const faaswb::ui::RunSeries& series); // at most once per refresh per cell
    void progressUpdated(const faaswb::ui::LiveProgress& progress);    // once per refresh while running
    // Before cellFinished, for a cell whose scenario has thresholds: how many held and which failed, as
    // "p99 < 200ms (312.40 ms); error_rate < 1% (n/a: ...)" (empty when all held).
    void cellChecked(int cell, int passed, int failed, const QString& failures);
    void cellFinished(int cell, const QString& status, const QString& message);

private:
    class State;
    std::unique_ptr<State> m_state;
    void publish(); // UI thread, from the refresh timer
};

} // namespace faaswb::ui

Q_DECLARE_METATYPE(faaswb::ui::RunSeries)
Q_DECLARE_METATYPE(faaswb::ui::LiveProgress)
