// SplitMix64: a tiny, fast, seedable PRNG (Steele, Lea & Flood 2014) for Poisson gaps and trace ids.
// Private to core/load. Not thread-safe: each load worker owns its own generators.
#pragma once

#include <cmath>
#include <cstdint>

namespace faaswb::load {

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) noexcept
        : m_state(seed) {}

    std::uint64_t next() noexcept {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    // Exponentially distributed with the given mean; 1 - u keeps log's argument in (0, 1].
    double exponential(double mean) noexcept { return -mean * std::log(1.0 - uniform()); }

private:
    std::uint64_t m_state;
};

} // namespace faaswb::load
