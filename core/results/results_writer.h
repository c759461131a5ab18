// ResultsWriter: the RunObserver that stores runs in the results database. Callbacks (runner, collector and watcher
// threads) only queue data and never wait for SQLite; the writer's own thread commits the queue at least every
// 250 ms, so a killed process loses about a second at most. Every public method is thread-safe.
#pragma once

#include "common/result.h"
#include "engine/run_observer.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace faaswb::results {

struct WriterOptions {
    // Raw request rows waiting for the writer thread. Beyond this they are dropped and counted (runs.requests_dropped)
    // so memory stays bounded; intervals, scale events and everything else are always kept.
    std::size_t maxQueuedRequests = 500'000;
    std::chrono::milliseconds drainInterval{250};
};

class ResultsWriter final : public engine::RunObserver {
public:
    // Opens its own ResultStore on its writer thread; failures show up in lastError() (call checkWritable first
    // for a clear message before a run starts).
    explicit ResultsWriter(std::string path, WriterOptions options = {});
    ~ResultsWriter() override; // commits everything queued; runs left unfinished are marked incomplete
    ResultsWriter(const ResultsWriter&) = delete;
    ResultsWriter& operator=(const ResultsWriter&) = delete;

    // Whether a run could store its results at `path`: the directory exists and is writable, an existing file is
    // writable and a results database this build can use. The message names the path.
    static Status checkWritable(const std::string& path);

    void onRunStarted(const engine::RunDescription& run) override;
    void onInterval(int cell, const load::IntervalSnapshot& interval) override;
    void onRequests(int cell, std::span<const load::RequestRecord> requests) override;
    void onScale(int cell, const platform::ScaleSample& sample) override;
    void onPodMetrics(int cell, std::span<const platform::PodMetricsSample> samples) override;
    void onSpans(int cell, std::span<const trace::Span> spans) override;
    void onRunMetrics(int cell, const analysis::RunMetricsReport& report) override;
    void onRunFinished(const engine::RunOutcome& outcome) override;

    // Blocks until everything queued before the call is committed; returns lastError().
    Status flush();
    // The first write failure (disk full, I/O error, database unusable). After one, the writer accepts no more data;
    // the runner checks this between phases and stops the run.
    Status lastError() const;
    // The run id of a started cell, waiting briefly until the writer has created its row; nullopt for a cell that
    // was never started or when writing failed.
    std::optional<std::int64_t> runIdForCell(int cell) const;
    std::uint64_t droppedRequests() const;

private:
    class Worker;
    std::unique_ptr<Worker> m_worker;
};

} // namespace faaswb::results
