// Byte and text encodings several rooms need: base64 (kubeconfig *-data, CloudEvents data_base64, certificates),
// hex digits and ASCII case-insensitive comparison (HTTP header names, percent-encoding). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace faaswb {

// Standard alphabet with padding; whitespace (line breaks in pasted PEM) is skipped. nullopt when malformed —
// callers name the field but never echo the text, which may be a key.
std::optional<std::string> base64Decode(std::string_view text);
std::string base64Encode(std::string_view bytes);

// 0-15 for a hex digit of either case, -1 otherwise.
int hexDigitValue(char c);
// ASCII case-insensitive equality (header names, tokens such as "close").
bool equalsIgnoringCase(std::string_view a, std::string_view b);

} // namespace faaswb
