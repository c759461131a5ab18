// OpenWhisk activation records as spans for the per-hop breakdown (platform-facts §6): a root "ow.activation"
// (controller receipt → end: waitTime + duration) and a child "ow.run" (the run after initTime), service
// "openwhisk", tags faaswb.cold, ow.wait_us, ow.init_us (cold only), ow.activation_id, ow.status_code, ow.action.
// Pure functions; thread-safe.
#pragma once

#include "trace/span.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace faaswb::platform {

// 32 lowercase hex: the activation id itself when it is hex (OpenWhisk's are 32), zero-padded when shorter,
// otherwise a hash of it.
std::string activationTraceId(const std::string& activationId);

// The spans of one activation record; empty when the record lacks activationId or start.
std::vector<trace::Span> activationSpans(const nlohmann::json& activation);

} // namespace faaswb::platform
