// ArrivalSchedule: the intended send times of an open-loop load. Arrivals live in "count space": Λ(t), the number
// of arrivals expected by time t, is piecewise quadratic over linear-ramp stages, and the k-th arrival is due at
// Λ⁻¹(k). Immutable after construction, so workers and the collector share one; each worker walks its own share of
// the arrivals with an ArrivalStream, which it owns (not thread-safe). With explicit arrivals (OpenLoop::arrivals,
// trace replay) Λ(t) is the number of given arrivals before t and the k-th arrival is the k-th given time.
#pragma once

#include "load/fast_random.h"
#include "load/load_model.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace faaswb::load {

class ArrivalSchedule {
public:
    // Negative rates count as 0; stages with 0 -> 0 are pauses. Explicit arrivals must be ascending and >= 0
    // (LoadGenerator validates them); the schedule then ends 1 ns after the last one, so [0, duration) holds all.
    explicit ArrivalSchedule(const OpenLoop& shape);

    Nanos duration() const noexcept { return m_duration; }
    double totalCount() const noexcept { return m_totalCount; } // Λ(duration)
    double cumulativeCount(Nanos t) const noexcept;             // Λ(t), 0 before the start, totalCount after the end
    // Λ⁻¹(count): when the count-th arrival (0-based, fractional allowed) is due; nullopt at or past the end.
    std::optional<Nanos> timeOfCount(double count) const noexcept;
    double targetRateAt(Nanos t) const noexcept; // req/s at t (explicit: over the second around t); 0 outside
    double expectedCount(Nanos from, Nanos to) const noexcept;                               // Λ(to) - Λ(from)
    const std::vector<Nanos>* explicitArrivals() const noexcept { return m_explicit.get(); } // nullptr: rate stages

private:
    struct Segment {
        double startSeconds = 0;
        double lengthSeconds = 0;
        double fromRps = 0;
        double slope = 0;      // rps per second
        double startCount = 0; // Λ at the segment's start
        double endCount = 0;
    };
    const Segment* segmentAtTime(double seconds) const noexcept;
    double explicitCountBefore(Nanos t) const noexcept;

    std::shared_ptr<const std::vector<Nanos>> m_explicit;
    std::vector<Segment> m_segments;
    double m_totalCount = 0;
    Nanos m_duration{0};
};

// One worker's arrivals. Deterministic: worker i of N takes arrivals i, i+N, i+2N, ... so the workers together cover
// every arrival exactly once. Poisson: the worker runs its own unit-rate Poisson process in count space with mean
// gap N (so the N workers together have rate 1), seeded from seed + i; mapping it through Λ⁻¹ gives Poisson
// arrivals whose instantaneous rate is the schedule's. Explicit arrivals are always taken deterministically.
class ArrivalStream {
public:
    ArrivalStream(const ArrivalSchedule& schedule, int worker, int workers, bool poisson, std::uint64_t seed);
    std::optional<Nanos> next() noexcept; // the next intended send time since the start; nullopt at the end
    // The schedule-wide index (0, 1, 2, ...) of the arrival next() returned last; nullopt for Poisson arrivals,
    // which have no index shared across workers.
    std::optional<std::uint64_t> lastIndex() const noexcept;

private:
    const ArrivalSchedule* m_schedule;
    double m_count;
    double m_step;
    bool m_poisson;
    SplitMix64 m_random;
    double m_lastCount = -1;
};

} // namespace faaswb::load
