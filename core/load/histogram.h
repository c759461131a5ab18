// LatencyHistogram: HdrHistogram-layout log-linear histogram of microsecond latencies (1 us .. 1 h, 3 significant
// digits by default). record() is O(1) and never allocates. Not thread-safe: each load worker owns its own and the
// collector merges them (see IntervalRecorder).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace faaswb::load {

class LatencyHistogram {
public:
    static constexpr std::int64_t kDefaultLowest = 1;              // 1 us
    static constexpr std::int64_t kDefaultHighest = 3'600'000'000; // 1 h in us
    static constexpr int kDefaultSignificantDigits = 3;

    // Arguments outside HdrHistogram's valid ranges (lowest >= 1, highest >= 2 * lowest, 1..5 digits) are clamped.
    explicit LatencyHistogram(std::int64_t lowestDiscernible = kDefaultLowest,
                              std::int64_t highestTrackable = kDefaultHighest,
                              int significantDigits = kDefaultSignificantDigits);

    // Values above highestTrackable are clamped to it (and counted); values below 0 are clamped to 0.
    void record(std::int64_t value, std::int64_t count = 1) noexcept;
    // Adds other's counts; both must have the same layout (same constructor arguments). Returns false otherwise.
    bool merge(const LatencyHistogram& other);
    void reset() noexcept;

    std::int64_t totalCount() const noexcept { return m_totalCount; }
    std::int64_t min() const noexcept; // 0 when empty
    std::int64_t max() const noexcept; // 0 when empty; the highest equivalent value of the largest recorded bucket
    double mean() const noexcept;
    double stddev() const noexcept;
    // percentile in [0,100]; HdrHistogram semantics (value at or below which `percentile` % of values fall,
    // reported as the highest equivalent value of the bucket). 0 when empty.
    std::int64_t valueAtPercentile(double percentile) const noexcept;
    // Fraction of recorded values <= value, in [0,1] (for CDF plots).
    double fractionAtOrBelow(std::int64_t value) const noexcept;

    // Layout, for encoders (HdrHistogram log format) and tests.
    std::int64_t lowestDiscernibleValue() const noexcept { return m_lowest; }
    std::int64_t highestTrackableValue() const noexcept { return m_highest; }
    int significantDigits() const noexcept { return m_significantDigits; }
    std::size_t countsLength() const noexcept { return m_counts.size(); }
    std::int64_t countAtIndex(std::size_t index) const noexcept { return m_counts[index]; }
    void addAtIndex(std::size_t index, std::int64_t count) noexcept; // for decoders; keeps totals and min/max
    std::int64_t valueFromIndex(std::size_t index) const noexcept;   // lowest value of the bucket at index
    std::int64_t highestEquivalentValue(std::int64_t value) const noexcept;
    std::int64_t lowestEquivalentValue(std::int64_t value) const noexcept;
    std::size_t indexForValue(std::int64_t value) const noexcept;

    // Calls f(lowestValueOfBucket, highestEquivalentValue, count) for every non-empty bucket, ascending.
    void forEachBucket(const std::function<void(std::int64_t, std::int64_t, std::int64_t)>& f) const;

private:
    int bucketIndexOf(std::int64_t value) const noexcept;
    std::size_t indexOf(std::int64_t value) const noexcept; // value must already be in [0, highest]
    std::int64_t equivalentRangeSize(std::int64_t value) const noexcept;
    std::int64_t medianEquivalentValue(std::int64_t value) const noexcept;
    std::size_t indexReachingCount(std::int64_t count) const noexcept;
    template <class F>
    void forEachNonEmpty(F&& f) const {
        for (std::size_t i = 0; i < m_counts.size(); ++i)
            if (m_counts[i] != 0)
                f(i, m_counts[i]);
    }

    std::int64_t m_lowest;
    std::int64_t m_highest;
    int m_significantDigits;
    int m_unitMagnitude = 0;
    int m_subBucketHalfCountMagnitude = 0;
    std::int32_t m_subBucketCount = 0;
    std::int32_t m_subBucketHalfCount = 0;
    std::int64_t m_subBucketMask = 0;
    std::int32_t m_bucketCount = 0;
    std::int64_t m_totalCount = 0;
    std::int64_t m_minValue = INT64_MAX;
    std::int64_t m_maxValue = 0;
    std::vector<std::int64_t> m_counts;
};

} // namespace faaswb::load
