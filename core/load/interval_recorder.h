// IntervalRecorder: one load worker's measurements for the current interval, and the "sample and recycle" swap
// of HdrHistogram_c's hdr_interval_recorder.c. The worker writes into the active IntervalData under a mutex that
// only the collector ever contends for, once per interval, and only for a pointer swap; merging happens after.
// update() is for the owning worker thread; sample() and recycle() are for the collector thread.
#pragma once

#include "load/histogram.h"
#include "load/request.h"

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

namespace faaswb::load {

struct IntervalData {
    static constexpr std::int64_t kNothingDue = std::numeric_limits<std::int64_t>::max();
    static constexpr std::size_t kStatusSlots = 1000; // HTTP status codes are three digits

    LatencyHistogram latency;     // corrected: intended send time -> done
    LatencyHistogram serviceTime; // uncorrected: sent -> done
    std::uint64_t completed = 0;
    std::uint64_t errors = 0;
    std::uint64_t sent = 0;
    std::uint64_t bytes = 0;
    std::uint64_t coldStarts = 0;
    std::array<std::uint64_t, kErrorKindCount> errorsByKind{};
    std::array<std::uint64_t, kStatusSlots> statusCounts{};
    std::vector<RequestRecord> records;
    // A gauge, not a counter: the intended send time (ns since the start) of the worker's oldest scheduled request
    // not yet sent, as of the worker's last update; kNothingDue when nothing is waiting. Carried across samples.
    std::int64_t nextUnsentNs = kNothingDue;

    void clearCounts() noexcept; // everything but the gauge
};

class IntervalRecorder {
public:
    IntervalRecorder();

    template <class F>
    void update(F&& write) {
        std::lock_guard lock(m_mutex);
        write(*m_active);
    }

    // Swaps in the recycled (empty) data and returns what the worker recorded since the last sample.
    std::unique_ptr<IntervalData> sample();
    // Hands back a sampled IntervalData once merged, to be emptied and reused for the next sample.
    void recycle(std::unique_ptr<IntervalData> data);

private:
    std::mutex m_mutex;
    std::unique_ptr<IntervalData> m_active; // guarded by m_mutex
    std::unique_ptr<IntervalData> m_spare;  // collector thread only
};

} // namespace faaswb::load
