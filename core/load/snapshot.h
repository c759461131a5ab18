// IntervalSnapshot: what the load engine publishes once per interval, and LoadSummary: the whole run.
// Immutable values once published; histograms are shared read-only between observers.
#pragma once

#include "load/histogram.h"
#include "load/request.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>

namespace faaswb::load {

struct LatencyPercentiles {
    std::int64_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0; // microseconds
    static LatencyPercentiles of(const LatencyHistogram& histogram);
};

struct IntervalSnapshot {
    int index = 0;            // 0, 1, 2, ...
    std::int64_t startMs = 0; // since the start of the load
    std::int64_t endMs = 0;
    std::uint64_t requests = 0; // completed in this interval (successes and failures)
    std::uint64_t errors = 0;
    std::array<std::uint64_t, kErrorKindCount> errorsByKind{};
    std::map<int, std::uint64_t> statusCounts; // HTTP status -> count (0 = no response)
    std::uint64_t sent = 0;                    // requests handed to the network in this interval
    std::uint64_t bytes = 0;
    std::uint64_t coldStarts = 0;    // responses with X-Faaswb-Cold: 1
    double targetRate = 0;           // mean scheduled rate over the interval, req/s (0 for closed loop)
    double achievedRate = 0;         // completed / interval length, req/s
    std::uint64_t behind = 0;        // scheduled but not yet sent at the end of the interval
    bool generatorSaturated = false; // the generator could not keep up with its schedule this interval
    bool warmup = false;             // set by the runner for warm-up intervals (excluded from summaries)
    LatencyPercentiles corrected;    // from intended send time
    LatencyPercentiles uncorrected;  // service time
    std::shared_ptr<const LatencyHistogram> latency;     // corrected, this interval only
    std::shared_ptr<const LatencyHistogram> serviceTime; // uncorrected, this interval only
};

struct LoadSummary {
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    std::array<std::uint64_t, kErrorKindCount> errorsByKind{};
    std::uint64_t bytes = 0;
    std::uint64_t coldStarts = 0;
    std::uint64_t sent = 0; // requests handed to the network
    double elapsedSeconds = 0;
    double targetRate = 0; // mean scheduled rate (0 for closed loop)
    double achievedRate = 0;
    bool cancelled = false;
    bool generatorSaturated = false; // in any interval
    LatencyHistogram latency;        // corrected, whole run
    LatencyHistogram serviceTime;    // uncorrected, whole run

    // Sent, but still unanswered when the drain's grace period ended or the drive was cancelled. They were never
    // measured to completion, so they are in neither `requests` nor `errors`, but a run must not hide them. Every
    // request sent either completed (in some interval) or was aborted: the last publish follows the workers' last.
    std::uint64_t aborted() const { return sent > requests ? sent - requests : 0; }
};

} // namespace faaswb::load
