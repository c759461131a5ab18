// Byte encodings the Kubernetes API uses: base64 (kubeconfig *-data fields, ExecCredential cluster info) and URL
// query escaping. Private to core/kube. Pure functions; thread-safe.
#pragma once

#include "common/encoding.h"

#include <optional>
#include <string>
#include <string_view>

namespace faaswb::kube {

using faaswb::base64Decode; // common/encoding.h
using faaswb::base64Encode;

// RFC 3986 percent-encoding of everything but unreserved characters, for query values such as label selectors.
std::string percentEncode(std::string_view text);

} // namespace faaswb::kube
