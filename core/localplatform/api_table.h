// meta.k8s.io/v1 Table answers for kubectl (platform-facts §9): Knative-like columns for services, revisions and pod
// autoscalers, kubectl's pod columns, NAME/AGE for the rest. Private to core/localplatform. Pure functions.
#pragma once

#include "localplatform/object_store.h"

#include <chrono>
#include <string>
#include <vector>

namespace faaswb::localplatform::api {

enum class IncludeObject { None, Metadata, Object }; // the includeObject query parameter; Metadata is the default

bool wantsTable(const std::string& accept); // Accept names "as=Table"
IncludeObject includeObjectFrom(const std::string& parameter);

// kubectl's HumanDuration ("45s", "3m20s", "5h", "2d3h"); "<unknown>" when `timestamp` is not RFC 3339.
std::string ageOf(const std::string& timestamp, std::chrono::system_clock::time_point now);

Json makeTable(const ResourceType& type, const std::vector<Json>& objects, const std::string& resourceVersion,
               IncludeObject include, std::chrono::system_clock::time_point now);

} // namespace faaswb::localplatform::api
