// Time windows of the KPA: MetricWindow, a ring of fixed-width buckets averaged over a window (Knative's
// TimedFloat64Buckets and WeightedFloat64Buckets, pkg/autoscaler/aggregation/bucketing.go), and MaxTimeWindow, the
// running maximum of the last N seconds behind scale-down-delay (pkg/autoscaler/aggregation/max/window.go).
// Plain values, no clock reads: every call takes the time. Thread-compatible.
#pragma once

#include "localplatform/autoscaler_config.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace faaswb::localplatform {

class MetricWindow {
public:
    // window / granularity buckets, rounded up (60s / 1s = 60).
    explicit MetricWindow(Nanos window, Nanos granularity = kBucketSize,
                          AggregationAlgorithm algorithm = AggregationAlgorithm::Linear);

    // Adds value to the bucket of `now`; values of the same bucket add up (scraper + activator totals).
    void record(TimePoint now, double value);
    // Linear: sum of the valid buckets / their count (a young series counts only since its first write; gaps are 0).
    // Weighted-exponential: newest bucket weighted alpha, each older one (1 - alpha) times less.
    double average(TimePoint now) const;
    // True when nothing was written for more than the window (the scraper's ErrNoData condition).
    bool isEmpty(TimePoint now) const;

    Nanos window() const { return m_window; }
    std::size_t bucketCount() const { return m_buckets.size(); }
    // The weighted-exponential decay: max(0.2, 1 - (1 - 0.9999)^(1 / buckets)).
    double smoothingCoefficient() const { return m_alpha; }

private:
    std::int64_t indexOf(TimePoint time) const;
    std::size_t slot(std::int64_t index) const;
    void advanceTo(std::int64_t index);
    double linearAverage(std::int64_t now) const;
    double weightedAverage(std::int64_t now) const;
    std::int64_t bucketsSinceLastWrite(std::int64_t now) const { return now - *m_lastWrite; }

    Nanos m_window;
    Nanos m_granularity;
    AggregationAlgorithm m_algorithm;
    double m_alpha;
    std::vector<double> m_buckets;
    double m_windowTotal = 0; // sum of all buckets, stale ones included until they are cleared or subtracted
    std::optional<std::int64_t> m_firstWrite; // bucket indices (time / granularity)
    std::optional<std::int64_t> m_lastWrite;
};

// Maximum of the values recorded in the last `duration` (ceil(duration / granularity) slots), kept with the
// ascending-minima algorithm so record() is amortised O(1).
class MaxTimeWindow {
public:
    explicit MaxTimeWindow(Nanos duration, Nanos granularity = kTickInterval);

    void record(TimePoint now, int value);
    // The maximum over the window as of the last record(); 0 before any record.
    int current() const;

private:
    struct Entry {
        std::int64_t index = 0;
        int value = 0;
    };
    Entry& at(std::size_t offset) { return m_entries[(m_first + offset) % m_entries.size()]; }
    void dropSmallerTail(int value);
    void dropExpiredHead(std::int64_t index);

    Nanos m_granularity;
    std::vector<Entry> m_entries; // ring buffer; values descend from m_first
    std::size_t m_first = 0;
    std::size_t m_length = 0;
};

} // namespace faaswb::localplatform
