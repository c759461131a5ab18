#include "load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace faaswb::load {
namespace {

// HdrHistogram accepts 1..5 digits; more would need counts arrays too large to be useful.
constexpr int kMinSignificantDigits = 1;
constexpr int kMaxSignificantDigits = 5;

int floorLog2(std::int64_t value) {
    return 63 - std::countl_zero(static_cast<std::uint64_t>(value));
}

// Smallest m with 2^m >= value: the power-of-two sub-bucket count that resolves 2*10^digits distinct values.
int ceilLog2(std::int64_t value) {
    return value <= 1 ? 0 : floorLog2(value - 1) + 1;
}

std::int64_t powerOfTen(int exponent) {
    std::int64_t result = 1;
    for (int i = 0; i < exponent; ++i)
        result *= 10;
    return result;
}

// Number of power-of-two buckets needed so that highest is trackable (HdrHistogram's buckets_needed_to_cover_value).
std::int32_t bucketsToCover(std::int64_t highest, std::int32_t subBucketCount, int unitMagnitude) {
    std::int64_t smallestUntrackable = std::int64_t{subBucketCount} << unitMagnitude;
    std::int32_t buckets = 1;
    while (smallestUntrackable <= highest) {
        if (smallestUntrackable > std::numeric_limits<std::int64_t>::max() / 2)
            return buckets + 1;
        smallestUntrackable <<= 1;
        ++buckets;
    }
    return buckets;
}

} // namespace

LatencyHistogram::LatencyHistogram(std::int64_t lowestDiscernible, std::int64_t highestTrackable, int significantDigits)
    : m_significantDigits(std::clamp(significantDigits, kMinSignificantDigits, kMaxSignificantDigits)) {
    m_subBucketHalfCountMagnitude = ceilLog2(2 * powerOfTen(m_significantDigits)) - 1;
    // HdrHistogram's own limit (unit magnitude + half-count magnitude <= 61): beyond it the index shifts overflow.
    const std::int64_t largestLowest = (std::int64_t{1} << (62 - m_subBucketHalfCountMagnitude)) - 1;
    m_lowest = std::clamp<std::int64_t>(lowestDiscernible, 1, largestLowest);
    m_highest = std::max(highestTrackable, 2 * m_lowest);
    m_unitMagnitude = floorLog2(m_lowest);
    m_subBucketCount = std::int32_t{1} << (m_subBucketHalfCountMagnitude + 1);
    m_subBucketHalfCount = m_subBucketCount / 2;
    m_subBucketMask = (std::int64_t{m_subBucketCount} - 1) << m_unitMagnitude;
    m_bucketCount = bucketsToCover(m_highest, m_subBucketCount, m_unitMagnitude);
    m_counts.assign(static_cast<std::size_t>(m_bucketCount + 1) * static_cast<std::size_t>(m_subBucketHalfCount), 0);
}

// The hot path: a clamp, one count-leading-zeros and two shifts. Values are clamped first so the index is always in
// range without a bounds check.
void LatencyHistogram::record(std::int64_t value, std::int64_t count) noexcept {
    value = std::clamp<std::int64_t>(value, 0, m_highest);
    m_counts[indexOf(value)] += count;
    m_totalCount += count;
    m_minValue = std::min(m_minValue, value);
    m_maxValue = std::max(m_maxValue, value);
}

bool LatencyHistogram::merge(const LatencyHistogram& other) {
    if (m_lowest != other.m_lowest || m_highest != other.m_highest || m_significantDigits != other.m_significantDigits)
        return false;
    std::transform(m_counts.begin(), m_counts.end(), other.m_counts.begin(), m_counts.begin(), std::plus<>{});
    m_totalCount += other.m_totalCount;
    m_minValue = std::min(m_minValue, other.m_minValue);
    m_maxValue = std::max(m_maxValue, other.m_maxValue);
    return true;
}

void LatencyHistogram::reset() noexcept {
    std::fill(m_counts.begin(), m_counts.end(), 0);
    m_totalCount = 0;
    m_minValue = INT64_MAX;
    m_maxValue = 0;
}

std::int64_t LatencyHistogram::min() const noexcept {
    return m_totalCount == 0 ? 0 : lowestEquivalentValue(m_minValue);
}

std::int64_t LatencyHistogram::max() const noexcept {
    return m_totalCount == 0 ? 0 : highestEquivalentValue(m_maxValue);
}

double LatencyHistogram::mean() const noexcept {
    if (m_totalCount == 0)
        return 0;
    double sum = 0;
    forEachNonEmpty([&](std::size_t index, std::int64_t count) {
        sum += static_cast<double>(medianEquivalentValue(valueFromIndex(index))) * static_cast<double>(count);
    });
    return sum / static_cast<double>(m_totalCount);
}

double LatencyHistogram::stddev() const noexcept {
    if (m_totalCount == 0)
        return 0;
    const double average = mean();
    double squares = 0;
    forEachNonEmpty([&](std::size_t index, std::int64_t count) {
        const double deviation = static_cast<double>(medianEquivalentValue(valueFromIndex(index))) - average;
        squares += deviation * deviation * static_cast<double>(count);
    });
    return std::sqrt(squares / static_cast<double>(m_totalCount));
}

// As HdrHistogram's Java implementation: one ulp is taken off the percentile so that floating-point round-off
// (99.9 * 1000 = 99900.00000000001) cannot push the ceiling into the next count and thus the next bucket.
std::int64_t LatencyHistogram::valueAtPercentile(double percentile) const noexcept {
    if (m_totalCount == 0)
        return 0;
    const double requested = std::clamp(std::nextafter(percentile, -1.0), 0.0, 100.0);
    const auto countAtPercentile =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(requested * m_totalCount / 100.0)));
    const std::int64_t value = valueFromIndex(indexReachingCount(countAtPercentile));
    return percentile <= 0.0 ? lowestEquivalentValue(value) : highestEquivalentValue(value);
}

double LatencyHistogram::fractionAtOrBelow(std::int64_t value) const noexcept {
    if (m_totalCount == 0 || value < 0)
        return 0;
    const std::size_t last = indexForValue(value);
    std::int64_t below = 0;
    for (std::size_t i = 0; i <= last; ++i)
        below += m_counts[i];
    return static_cast<double>(below) / static_cast<double>(m_totalCount);
}

void LatencyHistogram::addAtIndex(std::size_t index, std::int64_t count) noexcept {
    if (index >= m_counts.size() || count <= 0)
        return;
    const std::int64_t value = valueFromIndex(index);
    m_counts[index] += count;
    m_totalCount += count;
    m_minValue = std::min(m_minValue, value);
    m_maxValue = std::max(m_maxValue, value);
}

std::int64_t LatencyHistogram::valueFromIndex(std::size_t index) const noexcept {
    auto bucketIndex = static_cast<std::int32_t>(index >> m_subBucketHalfCountMagnitude) - 1;
    auto subBucketIndex = static_cast<std::int32_t>(index & (m_subBucketHalfCount - 1)) + m_subBucketHalfCount;
    // Bucket 0 is the only one whose lower half is populated: its first half-count slots sit before bucket 1.
    if (bucketIndex < 0) {
        subBucketIndex -= m_subBucketHalfCount;
        bucketIndex = 0;
    }
    return std::int64_t{subBucketIndex} << (bucketIndex + m_unitMagnitude);
}

std::int64_t LatencyHistogram::highestEquivalentValue(std::int64_t value) const noexcept {
    // Subtract first: for a highest trackable value near INT64_MAX, lowest + range itself would overflow.
    return lowestEquivalentValue(value) + (equivalentRangeSize(value) - 1);
}

std::int64_t LatencyHistogram::lowestEquivalentValue(std::int64_t value) const noexcept {
    const int bucketIndex = bucketIndexOf(value);
    return (value >> (bucketIndex + m_unitMagnitude)) << (bucketIndex + m_unitMagnitude);
}

std::size_t LatencyHistogram::indexForValue(std::int64_t value) const noexcept {
    return indexOf(std::clamp<std::int64_t>(value, 0, m_highest));
}

void LatencyHistogram::forEachBucket(const std::function<void(std::int64_t, std::int64_t, std::int64_t)>& f) const {
    forEachNonEmpty([&](std::size_t index, std::int64_t count) {
        const std::int64_t lowest = valueFromIndex(index);
        f(lowest, highestEquivalentValue(lowest), count);
    });
}

int LatencyHistogram::bucketIndexOf(std::int64_t value) const noexcept {
    // OR-ing in the mask makes every value below the first bucket's top look like it belongs to bucket 0.
    const int pow2Ceiling = 64 - std::countl_zero(static_cast<std::uint64_t>(value | m_subBucketMask));
    return pow2Ceiling - m_unitMagnitude - (m_subBucketHalfCountMagnitude + 1);
}

std::size_t LatencyHistogram::indexOf(std::int64_t value) const noexcept {
    const int bucketIndex = bucketIndexOf(value);
    const auto subBucketIndex = static_cast<std::int32_t>(value >> (bucketIndex + m_unitMagnitude));
    const std::int64_t bucketBase = std::int64_t{bucketIndex + 1} << m_subBucketHalfCountMagnitude;
    return static_cast<std::size_t>(bucketBase + subBucketIndex - m_subBucketHalfCount);
}

std::int64_t LatencyHistogram::equivalentRangeSize(std::int64_t value) const noexcept {
    const int bucketIndex = bucketIndexOf(value);
    const std::int64_t subBucketIndex = value >> (bucketIndex + m_unitMagnitude);
    const int adjustedBucket = subBucketIndex >= m_subBucketCount ? bucketIndex + 1 : bucketIndex;
    return std::int64_t{1} << (m_unitMagnitude + adjustedBucket);
}

std::int64_t LatencyHistogram::medianEquivalentValue(std::int64_t value) const noexcept {
    return lowestEquivalentValue(value) + (equivalentRangeSize(value) >> 1);
}

std::size_t LatencyHistogram::indexReachingCount(std::int64_t count) const noexcept {
    std::int64_t seen = 0;
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        seen += m_counts[i];
        if (seen >= count)
            return i;
    }
    return m_counts.size() - 1;
}

} // namespace faaswb::load
