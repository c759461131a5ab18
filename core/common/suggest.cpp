#include "common/suggest.h"

#include <algorithm>
#include <numeric>

namespace faaswb {

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
        }
    }
    return row[b.size()];
}

std::optional<std::string> closestMatch(std::string_view input, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t bestDistance = 3;
    for (const auto& candidate : candidates) {
        std::size_t distance = editDistance(input, candidate);
        if (input.size() >= 3 && std::string_view(candidate).starts_with(input))
            distance = std::min<std::size_t>(distance, 1);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = candidate;
        }
    }
    return best;
}

std::string didYouMean(std::string_view input, const std::vector<std::string>& candidates) {
    const auto match = closestMatch(input, candidates);
    return match ? " (did you mean '" + *match + "'?)" : std::string();
}

} // namespace faaswb
