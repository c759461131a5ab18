// The shape of the load: open-loop arrival schedules (constant, steps, linear ramps, Poisson) or closed-loop
// virtual users, and the knobs of the generator that drives it. Plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

namespace faaswb::load {

using Nanos = std::chrono::nanoseconds;

// One stage of an open-loop schedule: the target rate moves linearly from fromRps to toRps over `duration`
// (a step when they are equal). A stage with 0 -> 0 is a pause.
struct RateStage {
    double fromRps = 0;
    double toRps = 0;
    Nanos duration{0};
};

struct OpenLoop {
    std::vector<RateStage> stages;
    bool poisson = false; // exponential inter-arrival times with the same instantaneous rate
    // Explicit intended send times since the start, ascending (trace replay). When set, `stages` and `poisson` are
    // ignored: the schedule is exactly these arrivals, and its duration ends at the last one (1 ns after it, so
    // that [0, duration) holds every arrival). Worker i of N sends arrivals i, i+N, ... The initializer lets
    // `OpenLoop{stages, poisson}` omit it without -Wmissing-field-initializers.
    std::shared_ptr<const std::vector<Nanos>> arrivals = nullptr;
};

struct ClosedLoop {
    int virtualUsers = 1;
    Nanos thinkTime{0};
    Nanos duration{0};
};

struct LoadModel {
    std::variant<OpenLoop, ClosedLoop> shape;
    std::optional<std::uint64_t> maxRequests; // stop after this many requests were sent (fixed request count)

    Nanos duration() const; // total scheduled duration (sum of stages, or the closed-loop duration)
    static LoadModel constantRate(double rps, Nanos duration);
    static LoadModel virtualUsers(int users, Nanos duration, Nanos thinkTime = Nanos{0});
};

struct LoadOptions {
    int threads = 0;                           // load worker threads; 0 = one per core
    int connections = 0;                       // open loop: max in-flight requests over all workers (0 = 1024)
    Nanos interval = std::chrono::seconds(1);  // IntervalSnapshot period
    std::size_t maxRequestRecords = 1'000'000; // raw per-request records handed out per run (0 = none)
    std::uint64_t seed = 0x5eed;               // Poisson arrivals; fixed so runs are repeatable
    bool sendTraceHeaders = false;             // add B3 headers with a fresh trace id per request
};

} // namespace faaswb::load
