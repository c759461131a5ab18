// "Did you mean" suggestions for misspelt keys, flags and names. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faaswb {

std::size_t editDistance(std::string_view a, std::string_view b);
// The closest candidate within edit distance 2 (or one the input is a prefix of), if any.
std::optional<std::string> closestMatch(std::string_view input, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "" — ready to append to a message.
std::string didYouMean(std::string_view input, const std::vector<std::string>& candidates);

} // namespace faaswb
