#include "localplatform/metric_window.h"

#include <algorithm>
#include <cmath>

namespace faaswb::localplatform {
namespace {

// bucketing.go: the weights of the exponential average must add up to at least weightPrecision, but the decay
// never drops below minExponent, or long windows would degrade into a plain average.
constexpr double kWeightPrecision = 0.9999;
constexpr double kMinExponent = 0.2;
constexpr double kPrecisionScale = 1e6; // six digits

std::int64_t floorDiv(std::int64_t numerator, std::int64_t denominator) {
    std::int64_t quotient = numerator / denominator;
    if (numerator % denominator != 0 && (numerator < 0) != (denominator < 0))
        --quotient;
    return quotient;
}

std::int64_t indexAt(TimePoint time, Nanos granularity) {
    return floorDiv(std::chrono::duration_cast<Nanos>(time.time_since_epoch()).count(), granularity.count());
}

std::size_t slotsFor(Nanos duration, Nanos granularity) {
    const auto slots = (duration.count() + granularity.count() - 1) / granularity.count();
    return static_cast<std::size_t>(std::max<std::int64_t>(1, slots));
}

// The window total is kept incrementally, so subtracting buckets leaves float residue such as 1e-14; truncating to
// six digits (bucketing.go roundToNDigits) keeps that residue from holding a pod through ceil().
double truncateToPrecision(double value) {
    return std::floor(value * kPrecisionScale) / kPrecisionScale;
}

} // namespace

MetricWindow::MetricWindow(Nanos window, Nanos granularity, AggregationAlgorithm algorithm)
    : m_window(window)
    , m_granularity(granularity)
    , m_algorithm(algorithm)
    , m_buckets(slotsFor(window, granularity), 0.0) {
    m_alpha = std::max(kMinExponent, 1 - std::pow(1 - kWeightPrecision, 1.0 / static_cast<double>(m_buckets.size())));
}

std::int64_t MetricWindow::indexOf(TimePoint time) const {
    return indexAt(time, m_granularity);
}

std::size_t MetricWindow::slot(std::int64_t index) const {
    const auto size = static_cast<std::int64_t>(m_buckets.size());
    return static_cast<std::size_t>(((index % size) + size) % size);
}

void MetricWindow::record(TimePoint now, double value) {
    const std::int64_t index = indexOf(now);
    if (!m_lastWrite || index != *m_lastWrite) {
        // A value older than a whole window before the newest write can no longer be in any average.
        if (m_lastWrite && (*m_lastWrite - index) * m_granularity >= m_window)
            return;
        if (!m_firstWrite || *m_firstWrite > index)
            m_firstWrite = index;
        if (!m_lastWrite || index > *m_lastWrite)
            advanceTo(index);
    }
    m_buckets[slot(index)] += value;
    m_windowTotal += value;
}

// Clears the buckets skipped since the last write (missed scrapes count as 0). After a whole window of silence the
// series restarts, so its average is again taken over the time since this first write only.
void MetricWindow::advanceTo(std::int64_t index) {
    if (!m_lastWrite || (index - *m_lastWrite) * m_granularity >= m_window) {
        std::fill(m_buckets.begin(), m_buckets.end(), 0.0);
        m_windowTotal = 0;
        m_firstWrite = index;
    } else {
        for (std::int64_t skipped = *m_lastWrite + 1; skipped <= index; ++skipped) {
            m_windowTotal -= m_buckets[slot(skipped)];
            m_buckets[slot(skipped)] = 0;
        }
    }
    m_lastWrite = index;
}

bool MetricWindow::isEmpty(TimePoint now) const {
    return !m_lastWrite || bucketsSinceLastWrite(indexOf(now)) * m_granularity > m_window;
}

double MetricWindow::average(TimePoint now) const {
    if (!m_lastWrite)
        return 0;
    const std::int64_t index = indexOf(now);
    return m_algorithm == AggregationAlgorithm::Linear ? linearAverage(index) : weightedAverage(index);
}

double MetricWindow::linearAverage(std::int64_t now) const {
    const auto size = static_cast<std::int64_t>(m_buckets.size());
    const std::int64_t written = *m_lastWrite - *m_firstWrite + 1; // inclusive of both ends
    const std::int64_t silent = bucketsSinceLastWrite(now);
    if (silent <= 0)
        return truncateToPrecision(m_windowTotal / static_cast<double>(std::min(written, size)));
    if (silent * m_granularity >= m_window)
        return 0;
    // The buckets after the last write still hold values from a window ago: leave them out, and leave the
    // silent tail out of the count as well.
    double total = m_windowTotal;
    for (std::int64_t stale = *m_lastWrite + 1; stale <= now; ++stale)
        total -= m_buckets[slot(stale)];
    return truncateToPrecision(total / static_cast<double>(std::min(written, size - silent)));
}

double MetricWindow::weightedAverage(std::int64_t now) const {
    if (bucketsSinceLastWrite(now) * m_granularity > m_window)
        return 0;
    std::int64_t count = static_cast<std::int64_t>(m_buckets.size());
    double multiplier = m_alpha;
    if (const std::int64_t silent = bucketsSinceLastWrite(now); silent > 0) {
        // The silent buckets are zeros that still take their share of the weight.
        multiplier *= std::pow(1 - m_alpha, static_cast<double>(silent));
        count -= silent;
    }
    double sum = 0;
    for (std::int64_t back = 0; back < count; ++back) {
        sum += m_buckets[slot(*m_lastWrite - back)] * multiplier;
        multiplier *= 1 - m_alpha;
    }
    return sum;
}

MaxTimeWindow::MaxTimeWindow(Nanos duration, Nanos granularity)
    : m_granularity(granularity)
    , m_entries(slotsFor(duration, granularity)) {}

void MaxTimeWindow::record(TimePoint now, int value) {
    const std::int64_t index = indexAt(now, m_granularity);
    dropSmallerTail(value);
    dropExpiredHead(index);
    // Two records in one slot keep the larger, as Knative does when two ticks share a 2s slot.
    if (m_length > 0 && at(m_length - 1).index == index) {
        value = std::max(value, at(m_length - 1).value);
        --m_length;
    }
    at(m_length) = Entry{index, value};
    ++m_length;
}

int MaxTimeWindow::current() const {
    return m_length == 0 ? 0 : m_entries[m_first].value;
}

// A smaller, older value can never be the maximum again once a larger, newer one is in.
void MaxTimeWindow::dropSmallerTail(int value) {
    while (m_length > 0 && at(m_length - 1).value <= value)
        --m_length;
}

void MaxTimeWindow::dropExpiredHead(std::int64_t index) {
    while (m_length > 0 && index - at(0).index >= static_cast<std::int64_t>(m_entries.size())) {
        m_first = (m_first + 1) % m_entries.size();
        --m_length;
    }
}

} // namespace faaswb::localplatform
