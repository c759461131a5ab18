#include "load/schedule.h"

#include <algorithm>
#include <cmath>

namespace faaswb::load {
namespace {

// Divided, not multiplied by 1e-9: division is correctly rounded, so 30 s is exactly 30.0 and 20k rps over it is
// exactly 600000 arrivals, not one more.
// A ramp's Λ at its end can come out a hair above the exact integer (0.5 * slope * length²): without this
// tolerance that would be one arrival too many at the very end.
constexpr double kEndTolerance = 1e-12;

double toSeconds(Nanos t) {
    return static_cast<double>(t.count()) / 1e9;
}
Nanos fromSeconds(double seconds) {
    return Nanos{std::llround(seconds * 1e9)};
}

// Λ within a segment, tau seconds after its start.
double countWithin(double fromRps, double slope, double tau) {
    return fromRps * tau + 0.5 * slope * tau * tau;
}

// Solves fromRps*tau + slope*tau²/2 = delta for tau >= 0. Written as 2Δ / (r0 + sqrt(r0² + 2aΔ)) rather than the
// textbook (-r0 + sqrt(...)) / a: it needs no special case for a flat stage (a = 0) and does not lose precision
// to cancellation when the slope is small.
double tauForCount(double fromRps, double slope, double delta) {
    if (delta <= 0)
        return 0;
    const double root = std::sqrt(std::max(0.0, fromRps * fromRps + 2 * slope * delta));
    return 2 * delta / (fromRps + root);
}

} // namespace

ArrivalSchedule::ArrivalSchedule(const OpenLoop& shape) {
    if (shape.arrivals) {
        m_explicit = shape.arrivals;
        m_totalCount = static_cast<double>(m_explicit->size());
        m_duration = m_explicit->empty() ? Nanos{0} : m_explicit->back() + Nanos{1};
        return;
    }
    double start = 0;
    for (const RateStage& stage : shape.stages) {
        Segment segment;
        segment.startSeconds = start;
        segment.lengthSeconds = std::max(0.0, toSeconds(stage.duration));
        segment.fromRps = std::max(0.0, stage.fromRps);
        const double toRps = std::max(0.0, stage.toRps);
        segment.slope = segment.lengthSeconds > 0 ? (toRps - segment.fromRps) / segment.lengthSeconds : 0;
        segment.startCount = m_totalCount;
        segment.endCount = m_totalCount + countWithin(segment.fromRps, segment.slope, segment.lengthSeconds);
        m_totalCount = segment.endCount;
        start += segment.lengthSeconds;
        m_duration += std::max(Nanos{0}, stage.duration);
        m_segments.push_back(segment);
    }
}

const ArrivalSchedule::Segment* ArrivalSchedule::segmentAtTime(double seconds) const noexcept {
    const auto after = std::upper_bound(m_segments.begin(), m_segments.end(), seconds,
                                        [](double t, const Segment& s) { return t < s.startSeconds; });
    if (after == m_segments.begin())
        return nullptr;
    const Segment* segment = &*std::prev(after);
    return seconds < segment->startSeconds + segment->lengthSeconds ? segment : nullptr;
}

double ArrivalSchedule::explicitCountBefore(Nanos t) const noexcept {
    return static_cast<double>(std::lower_bound(m_explicit->begin(), m_explicit->end(), t) - m_explicit->begin());
}

double ArrivalSchedule::cumulativeCount(Nanos t) const noexcept {
    if (m_explicit)
        return explicitCountBefore(t);
    const double seconds = toSeconds(t);
    if (seconds <= 0)
        return 0;
    const Segment* segment = segmentAtTime(seconds);
    if (!segment)
        return m_totalCount;
    const double tau = seconds - segment->startSeconds;
    return segment->startCount + countWithin(segment->fromRps, segment->slope, tau);
}

std::optional<Nanos> ArrivalSchedule::timeOfCount(double count) const noexcept {
    if (m_explicit) {
        if (count < 0 || count >= m_totalCount)
            return std::nullopt;
        return (*m_explicit)[static_cast<std::size_t>(count)];
    }
    // The first segment whose end lies beyond the count; pauses add nothing to Λ and so are stepped over.
    const auto segment = std::upper_bound(m_segments.begin(), m_segments.end(), count,
                                          [](double c, const Segment& s) { return c < s.endCount; });
    if (count < 0 || segment == m_segments.end() || count >= m_totalCount * (1 - kEndTolerance))
        return std::nullopt;
    const double tau = tauForCount(segment->fromRps, segment->slope, count - segment->startCount);
    return fromSeconds(segment->startSeconds + std::min(tau, segment->lengthSeconds));
}

double ArrivalSchedule::targetRateAt(Nanos t) const noexcept {
    if (m_explicit) {
        if (t < Nanos{0} || t >= m_duration)
            return 0;
        constexpr Nanos kHalfSecond{500'000'000};
        return explicitCountBefore(t + kHalfSecond) - explicitCountBefore(t - kHalfSecond);
    }
    const double seconds = toSeconds(t);
    const Segment* segment = segmentAtTime(seconds);
    return segment ? segment->fromRps + segment->slope * (seconds - segment->startSeconds) : 0;
}

double ArrivalSchedule::expectedCount(Nanos from, Nanos to) const noexcept {
    return std::max(0.0, cumulativeCount(to) - cumulativeCount(from));
}

ArrivalStream::ArrivalStream(const ArrivalSchedule& schedule, int worker, int workers, bool poisson, std::uint64_t seed)
    : m_schedule(&schedule)
    , m_count(worker)
    , m_step(std::max(1, workers))
    , m_poisson(poisson && !schedule.explicitArrivals())
    , m_random(seed + static_cast<std::uint64_t>(worker)) {
    // A Poisson process's first arrival comes one exponential gap after the start, not at it.
    if (m_poisson)
        m_count = m_random.exponential(m_step);
}

std::optional<Nanos> ArrivalStream::next() noexcept {
    const auto due = m_schedule->timeOfCount(m_count);
    if (!due)
        return due;
    m_lastCount = m_count;
    m_count += m_poisson ? m_random.exponential(m_step) : m_step;
    return due;
}

// Deterministic counts are whole numbers (worker + k * workers), exact in a double up to 2^53.
std::optional<std::uint64_t> ArrivalStream::lastIndex() const noexcept {
    if (m_poisson || m_lastCount < 0)
        return std::nullopt;
    return static_cast<std::uint64_t>(m_lastCount);
}

} // namespace faaswb::load
