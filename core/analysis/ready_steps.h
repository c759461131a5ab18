// The ready pod count of a cell as a step function of time: per time, the sum over revisions of each revision's latest
// known ready count (samples without a ready count change nothing). Internal to the analysis room. Pure functions.
#pragma once

#include "platform/platform.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace faaswb::analysis {

struct ReadyStep {
    std::int64_t tMs = 0; // from here until the next step
    int ready = 0;
};

// Ascending in time, one step per distinct sample time; empty when no sample carries a ready count.
std::vector<ReadyStep> readySteps(std::span<const platform::ScaleSample> samples);

// Calls f(beginMs, endMs, ready) for each piece of [fromMs, toMs) where the count is known (from the first step on),
// in time order, skipping empty pieces.
template <class F>
void forEachReadySegment(const std::vector<ReadyStep>& steps, std::int64_t fromMs, std::int64_t toMs, F&& f) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const std::int64_t begin = std::max(steps[i].tMs, fromMs);
        const std::int64_t end = i + 1 < steps.size() ? std::min(steps[i + 1].tMs, toMs) : toMs;
        if (end > begin)
            f(begin, end, steps[i].ready);
    }
}

} // namespace faaswb::analysis
