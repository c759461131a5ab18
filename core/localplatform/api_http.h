// HTTP-level helpers of the control API: query strings, headers, JSON replies and Kubernetes `Status` bodies.
// Private to core/localplatform. Pure functions; thread-safe.
#pragma once

#include "kube/api_status.h"
#include "localplatform/http_server.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace faaswb::localplatform::api {

std::string percentDecode(std::string_view text); // '+' is a space, as in form-encoded query strings
std::map<std::string, std::string> parseQuery(std::string_view query);      // last value wins
std::string headerValue(const HttpHeaders& headers, std::string_view name); // "" when absent; case-insensitive

// Equal length and content, in time independent of where they differ (the bearer token check).
bool constantTimeEquals(std::string_view a, std::string_view b);

HttpResponse jsonReply(int status, const nlohmann::json& body);
nlohmann::json statusObject(const kube::ApiStatus& status); // kind: Status, status: Failure
HttpResponse statusReply(const kube::ApiStatus& status);
HttpResponse statusReply(int code, std::string reason, std::string message);

} // namespace faaswb::localplatform::api
