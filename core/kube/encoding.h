// Byte encodings the Kubernetes API uses: base64 (kubeconfig *-data fields, ExecCredential cluster info) and URL
// query escaping. Private to core/kube. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace faaswb::kube {

// Standard alphabet with padding; whitespace (line breaks in pasted PEM) is skipped. nullopt when malformed —
// callers name the field but never echo the text, which may be a key.
std::optional<std::string> base64Decode(std::string_view text);
std::string base64Encode(std::string_view bytes);

// RFC 3986 percent-encoding of everything but unreserved characters, for query values such as label selectors.
std::string percentEncode(std::string_view text);

} // namespace faaswb::kube
