// Runner: executes an experiment on a platform, cell by cell (deploy -> warm-up -> measure -> collect -> teardown),
// publishing everything to RunObservers. run() blocks the calling thread (the "runner thread"); observers are called
// from it and from the load collector and platform watcher threads.
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "engine/run_observer.h"
#include "load/snapshot.h"
#include "model/experiment.h"
#include "platform/platform.h"

#include <functional>
#include <optional>
#include <vector>

namespace faaswb::engine {

struct RunnerOptions {
    bool keepDeployed = false;
    // Checked between phases and at every interval; an error stops the run cleanly as failed (e.g. the results
    // writer lost its disk).
    std::function<Status()> healthCheck;
};

struct CellResult {
    int cell = 0;
    std::string label; // "warm · 000.noop · python"
    RunStatus status = RunStatus::Complete;
    std::string message;
    std::optional<load::LoadSummary> summary; // measured phase only (warm-up excluded)
    analysis::RunMetricsReport metrics;       // scenario metrics and threshold outcomes
};

// The command line's exit code for a finished experiment: 130 when a cell was cancelled (or `cancelled` and nothing
// ran), 3 when a cell failed or every request of a cell failed, 4 when every cell ran but a threshold failed, else 0.
// Shared by the CLI and the GUI.
int exitCodeFor(const std::vector<CellResult>& results, bool cancelled = false);

// Drops the spans of traces whose first span started before `since` (a trace source's slack brings the previous
// cell's last requests along).
void keepTracesStartedSince(std::vector<trace::Span>& spans, std::chrono::system_clock::time_point since);

class Runner {
public:
    Runner(const model::Experiment& experiment, platform::Platform& platform, RunnerOptions options = {});

    void addObserver(RunObserver* observer); // not owned; must outlive run()
    // Runs every cell. Failures of one cell do not stop the next; cancellation stops everything.
    std::vector<CellResult> run(const CancellationToken& cancel);

private:
    const model::Experiment& m_experiment;
    platform::Platform& m_platform;
    RunnerOptions m_options;
    std::vector<RunObserver*> m_observers;
};

} // namespace faaswb::engine
