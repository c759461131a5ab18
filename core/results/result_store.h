// ResultStore: the SQLite results database (ARCHITECTURE.md "Results store") — schema migrations on open, batched
// writes of everything a run produces, and the queries the CLI, exporters and results browser need.
// One connection: movable, not copyable, used from one thread at a time (open one store per thread).
#pragma once

#include "analysis/run_metrics.h"
#include "analysis/summary.h"
#include "common/result.h"
#include "engine/run_observer.h"
#include "load/histogram.h"
#include "load/request.h"
#include "load/snapshot.h"
#include "platform/platform.h"
#include "trace/span.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace faaswb::results {

// One run as listed by the CLI and the results browser. Totals cover the measured (non-warm-up) intervals.
struct RunRow {
    std::int64_t id = 0;
    std::int64_t experimentId = 0;
    std::string experiment;
    std::string scenario;
    std::string scenarioType;
    std::string benchmark;
    std::string language;
    std::string platform;
    engine::RunStatus status = engine::RunStatus::Running;
    std::string startedAt;  // ISO-8601 UTC, e.g. 2024-05-01T12:00:00.123Z
    std::string finishedAt; // empty while running, or when the writing process died
    std::string message;    // why it failed, was cancelled or is incomplete
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    double achievedRps = 0;
    std::uint64_t requestsDropped = 0;    // raw request rows the writer could not keep up with (intervals are complete)
    std::string sweep;                    // the run's sweep values as compact JSON ({"rate":50}); empty without a sweep
    int repeat = 0;                       // 0-based repetition
    std::optional<bool> thresholdsPassed; // nullopt: the scenario has no thresholds (or no metrics were stored)
};

// A run's headline numbers, warm-up intervals excluded. Latencies are corrected (from the intended send time).
struct RunSummary {
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    double achievedRps = 0;
    double p50Ms = 0, p90Ms = 0, p99Ms = 0, p999Ms = 0, maxMs = 0;
    std::uint64_t coldStarts = 0;
    double durationSeconds = 0;
};

enum class LatencyKind { Corrected, ServiceTime };

class ResultStore {
public:
    // Creates the file and schema when missing and migrates older schemas. A read-write open also marks as
    // 'incomplete' every 'running' run whose writer process on this host is gone (e.g. it was SIGKILLed); a read-only
    // open only reports such runs as incomplete.
    static Result<ResultStore> open(const std::string& path, bool readOnly = false);
    static int latestSchemaVersion();

    ResultStore(ResultStore&&) noexcept;
    ResultStore& operator=(ResultStore&&) noexcept;
    ResultStore(const ResultStore&) = delete;
    ResultStore& operator=(const ResultStore&) = delete;
    ~ResultStore();

    const std::string& path() const;
    Status checkIntegrity(); // PRAGMA integrity_check
    // Caps SQLite's page cache (16 MiB by default here, for queries over large runs).
    Status limitPageCache(int kib);

    // Writing. Each call is one transaction unless it runs inside inTransaction().
    Result<std::int64_t> addExperiment(const std::string& name, const std::string& yaml);
    Result<std::int64_t> beginRun(std::int64_t experimentId, const engine::RunDescription& run); // status running
    Status appendIntervals(std::int64_t runId, std::span<const load::IntervalSnapshot> intervals);
    Status appendRequests(std::int64_t runId, std::span<const load::RequestRecord> requests);
    Status appendScale(std::int64_t runId, std::span<const platform::ScaleSample> samples);
    Status appendPodMetrics(std::int64_t runId, std::span<const platform::PodMetricsSample> samples);
    Status appendSpans(std::int64_t runId, std::span<const trace::Span> spans);
    Status addDroppedRequests(std::int64_t runId, std::uint64_t count);
    Status addRunMetrics(std::int64_t runId, const analysis::RunMetricsReport& report); // replaces earlier ones
    Status finishRun(std::int64_t runId, engine::RunStatus status, const std::string& message,
                     std::chrono::system_clock::time_point finishedAt);
    Status deleteRun(std::int64_t runId); // with all its rows
    // Runs `body` in one transaction: committed when it returns ok, rolled back otherwise.
    Status inTransaction(const std::function<Status()>& body);

    // Reading.
    Result<std::vector<RunRow>> listRuns();
    Result<RunRow> runRow(std::int64_t runId);
    Result<std::vector<load::IntervalSnapshot>> intervals(std::int64_t runId); // without histograms
    // Streams the intervals in recorded order; with histograms, `latency` and `serviceTime` are decoded.
    Status forEachInterval(std::int64_t runId, const std::function<void(const load::IntervalSnapshot&)>& visit,
                           bool withHistograms = false);
    // Streams the raw requests ordered by seq, one row in memory at a time.
    Status forEachRequest(std::int64_t runId, const std::function<void(const load::RequestRecord&)>& visit);
    Result<std::vector<platform::ScaleSample>> scaleEvents(std::int64_t runId);
    Result<std::vector<platform::PodMetricsSample>> podMetrics(std::int64_t runId);
    Result<std::vector<trace::Span>> spans(std::int64_t runId);
    Result<load::LatencyHistogram> mergedHistogram(std::int64_t runId, bool excludeWarmup = true,
                                                   LatencyKind kind = LatencyKind::Corrected);
    Result<RunSummary> runSummary(std::int64_t runId);
    Result<analysis::RunMetricsReport> runMetrics(std::int64_t runId); // empty when none were stored
    // The summary's view of the runs (all runs when `runIds` is empty), in run id order.
    Result<std::vector<analysis::SummaryInput>> summaryInputs(const std::vector<std::int64_t>& runIds);

    struct Impl;

private:
    explicit ResultStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::results
