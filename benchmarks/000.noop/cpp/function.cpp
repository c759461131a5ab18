// 000.noop: answers an empty object; measures the platform and the wrapper, not the function.
#include "function_api.h"

namespace {

nlohmann::json handler(const nlohmann::json&, faaswb::bench::Context&) {
    return nlohmann::json::object();
}

} // namespace

FAASWB_REGISTER_BENCHMARK("000.noop", handler);
