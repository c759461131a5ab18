#include "engine/runner.h"

#include "engine/cell_execution.h"
#include "engine/cell_plan.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

namespace faaswb::engine {

// A trace belongs to a cell when its first span started after the cell did.
void keepTracesStartedSince(std::vector<trace::Span>& spans, std::chrono::system_clock::time_point since) {
    const auto sinceUs = std::chrono::duration_cast<std::chrono::microseconds>(since.time_since_epoch()).count();
    std::unordered_map<std::string, std::int64_t> firstStart;
    for (const auto& span : spans) {
        auto [entry, inserted] = firstStart.try_emplace(span.traceId, span.startUs);
        if (!inserted)
            entry->second = std::min(entry->second, span.startUs);
    }
    std::erase_if(spans, [&](const trace::Span& span) { return firstStart[span.traceId] < sinceUs; });
}
Runner::Runner(const model::Experiment& experiment, platform::Platform& platform, RunnerOptions options)
    : m_experiment(experiment)
    , m_platform(platform)
    , m_options(std::move(options)) {}

void Runner::addObserver(RunObserver* observer) {
    m_observers.push_back(observer);
}

std::vector<CellResult> Runner::run(const CancellationToken& cancel) {
    std::vector<CellResult> results;
    const auto cells = planCells(m_experiment);
    for (const auto& plan : cells) {
        if (cancel.isCancelled())
            break;
        CellExecution execution({m_experiment, m_platform, m_options, m_observers}, plan, cancel);
        results.push_back(execution.execute());
    }
    return results;
}

int exitCodeFor(const std::vector<CellResult>& results, bool cancelled) {
    int code = 0;
    bool thresholdFailed = false;
    for (const auto& result : results) {
        if (result.status == RunStatus::Cancelled)
            return static_cast<int>(ErrorCode::Cancelled);
        const bool allFailed =
            result.summary && result.summary->requests > 0 && result.summary->errors == result.summary->requests;
        if (result.status == RunStatus::Failed || allFailed)
            code = static_cast<int>(ErrorCode::Platform);
        thresholdFailed = thresholdFailed || !result.metrics.thresholdsPassed();
    }
    // Stopped before the first cell began (e.g. during the platform's start-up): nothing ran, still a cancel.
    if (cancelled && results.empty())
        return static_cast<int>(ErrorCode::Cancelled);
    if (code == 0 && thresholdFailed)
        return static_cast<int>(ErrorCode::ThresholdFailed);
    return code;
}

} // namespace faaswb::engine
