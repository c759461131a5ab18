// The discovery documents of the control API (platform-facts §9): /version, /api, /apis, /apis/<group> and the
// group-version resource lists, in the legacy JSON kubectl accepts. Private to core/localplatform. Pure functions.
#pragma once

#include "localplatform/object_store.h"

#include <optional>
#include <string>

namespace faaswb::localplatform::api {

inline constexpr const char* kMetricsGroup = "metrics.k8s.io";
inline constexpr const char* kMetricsVersion = "v1beta1";

// The document served at `path`, or nullopt when `path` is not a discovery path. `gitVersion` like "v1.31.0-faaswb".
std::optional<Json> discoveryDocument(const std::string& path, const std::string& gitVersion);

} // namespace faaswb::localplatform::api
