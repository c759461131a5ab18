// What the end-to-end scenario tests share: an experiment from YAML text, the problems of one that should load, an
// embedded local platform for an experiment, a metric of a run by name, and a source file's text.
#pragma once

#include "engine/runner.h"
#include "model/experiment.h"
#include "platform/platform.h"
#include "results/results_writer.h"

#include <QString>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faaswb::test {

// The experiment; a test's own YAML that does not load is a broken test, so this prints every issue and aborts.
model::Experiment experimentFromText(const std::string& yaml, const std::string& name = "test.yaml");
// Every issue of loading `yaml`, one per line; empty when it loads.
std::string loadProblems(const std::string& yaml, const std::string& name);
// The experiment's `local` platform with an embedded daemon whose state lives in `stateDir`.
Result<std::unique_ptr<platform::Platform>> startLocalPlatform(const model::Experiment& experiment,
                                                               const QString& stateDir);
std::optional<double> metricValue(const analysis::RunMetricsReport& report, std::string_view name);
std::optional<double> metricValue(const engine::CellResult& result, std::string_view name);
QString sourceText(const QString& relativePath); // empty when unreadable
QString firstYamlBlock(const QString& markdown);
// True when `pid` is gone, or a zombie nobody has reaped yet (outside the test's reach once its parent died).
bool processGone(int pid);

// Records the measured (not warm-up) intervals of a run; any thread.
class MeasuredIntervals final : public engine::RunObserver {
public:
    void onInterval(int cell, const load::IntervalSnapshot& snapshot) override;
    std::vector<load::IntervalSnapshot> measured() const;

private:
    mutable std::mutex m_mutex;
    std::vector<load::IntervalSnapshot> m_measured;
}; // the text inside the first ```yaml fence; empty without one

// A run on its own thread, stored into `dbPath` and watched through its measured intervals, for tests that act on
// the platform while the load goes on. Destroying it cancels the run and waits for it.
class BackgroundRun {
public:
    BackgroundRun(const model::Experiment& experiment, platform::Platform& platform, const std::string& dbPath);
    ~BackgroundRun();
    BackgroundRun(const BackgroundRun&) = delete;
    BackgroundRun& operator=(const BackgroundRun&) = delete;

    const MeasuredIntervals& intervals() const { return m_intervals; }
    results::ResultsWriter& writer() { return m_writer; }
    // The results when the run ends within `timeout`; nullopt when it does not (it is then cancelled).
    std::optional<std::vector<engine::CellResult>> finish(std::chrono::seconds timeout);

private:
    results::ResultsWriter m_writer;
    MeasuredIntervals m_intervals;
    engine::Runner m_runner;
    CancellationToken m_cancel;
    std::future<std::vector<engine::CellResult>> m_running;
};

} // namespace faaswb::test
