// 010.sleep: sleeps for `ms` milliseconds (0..600000), then answers; an I/O-bound function that holds a slot.
// The host runs each call on a thread of its own, so concurrent sleeps overlap (wrappers/cpp/handler_pool.h).
#include "function_api.h"

#include <chrono>
#include <thread>

namespace {

nlohmann::json handler(const nlohmann::json& event, faaswb::bench::Context&) {
    const std::int64_t ms = faaswb::bench::integerField(event, "ms", 0, 600'000);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return {{"slept_ms", ms}};
}

} // namespace

FAASWB_REGISTER_BENCHMARK("010.sleep", handler);
