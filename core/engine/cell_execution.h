// CellExecution: one cell of a run (deploy -> scenario driver -> traces -> metrics -> teardown), and the CellContext
// its scenario driver works through. Private to core/engine; used by Runner on the runner thread.
#pragma once

#include "engine/runner.h"
#include "engine/scenario_driver.h"
#include "load/load_generator.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace faaswb::engine {

struct CellEnvironment {
    const model::Experiment& experiment;
    platform::Platform& platform;
    const RunnerOptions& options;
    const std::vector<RunObserver*>& observers;
};

class CellExecution final : public CellContext, private load::LoadSink {
public:
    CellExecution(CellEnvironment environment, const CellPlan& plan, const CancellationToken& cancel);
    ~CellExecution() override;

    CellResult execute();

    // CellContext
    const CellPlan& plan() const override { return m_plan; }
    const model::ScenarioConfig& scenario() const override { return *m_plan.scenario; }
    const model::Experiment& experiment() const override { return m_env.experiment; }
    platform::Platform& platform() override { return m_env.platform; }
    const platform::Deployment& deployment() const override { return *m_deployment; }
    CancellationToken& stop() override { return m_stop; }
    void phase(const std::string& name, load::Nanos expected = load::Nanos{0}) override;
    load::RequestSpec request() const override;
    Result<DriveResult> drive(const load::RequestSpec& request, const load::LoadModel& model,
                              const DriveOptions& options) override;
    Result<platform::Deployment> deployExtra(const platform::FunctionSpec& spec) override;
    std::int64_t elapsedMs() const override;
    std::vector<platform::ScaleSample> scaleSamples() const override;
    std::vector<platform::PodMetricsSample> podMetricsSamples() const override;
    std::vector<load::IntervalSnapshot> measuredIntervals() const override;
    analysis::RunMetrics& metrics() override { return m_metrics; }
    void note(const std::string& text) override { m_notes.push_back(text); }

private:
    using Clock = std::chrono::steady_clock;

    void onInterval(const load::IntervalSnapshot& snapshot, std::vector<load::RequestRecord>&& requests) override;

    template <typename F>
    void notify(F&& f) {
        for (auto* observer : m_env.observers)
            f(*observer);
    }

    void announceStart();
    Status deploy();
    void startScaleWatch();
    void startPodMetrics();
    void accumulate(const load::LoadSummary& summary);
    void forwardRequests(std::vector<load::RequestRecord>& requests);
    Status checkHealth();
    std::vector<trace::Span> collectSpans();
    Result<std::vector<trace::Span>> settledSpans();
    analysis::RunMetricsReport reportMetrics(std::span<const trace::Span> spans);
    void teardown();
    CellResult finish(const Status& status, analysis::RunMetricsReport metrics);

    CellEnvironment m_env;
    const CellPlan& m_plan;
    std::unique_ptr<ScenarioDriver> m_driver;
    platform::FunctionSpec m_function;
    CancellationToken m_stop; // user cancellation, or a failed health check
    const CancellationToken& m_userCancel;
    Clock::time_point m_start;
    std::chrono::system_clock::time_point m_wallStart;
    std::optional<platform::Deployment> m_deployment;
    std::vector<platform::Deployment> m_extras;
    std::unique_ptr<platform::ScaleWatch> m_scaleWatch;
    std::jthread m_podMetrics;
    std::optional<load::LoadSummary> m_summary;
    std::optional<Error> m_healthError;
    bool m_platformLost = false; // nothing left to tear down or ask: skip the platform calls that would wait
    analysis::RunMetrics m_metrics;
    std::vector<std::string> m_notes;

    mutable std::mutex m_observedMutex; // guards the three vectors below (watcher, metrics and collector threads)
    std::vector<platform::ScaleSample> m_scale;
    std::vector<platform::PodMetricsSample> m_pods;
    std::vector<load::IntervalSnapshot> m_measured;

    // State of the drive in progress (set on the runner thread before the generator runs; read by the collector).
    std::int64_t m_phaseOffsetMs = 0;
    std::int64_t m_phaseOffsetNs = 0;
    std::uint64_t m_nextSeq = 0;
    int m_intervalIndex = 0;
    bool m_inWarmup = false;
    bool m_keepRecords = false;
    bool m_keepHistograms = false; // of the current drive (DriveOptions::keepHistograms)
    std::vector<load::RequestRecord> m_kept;
    std::optional<std::int64_t> m_firstSuccessMs;
};

} // namespace faaswb::engine
