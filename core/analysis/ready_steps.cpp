#include "analysis/ready_steps.h"

#include <map>
#include <string>

namespace faaswb::analysis {

std::vector<ReadyStep> readySteps(std::span<const platform::ScaleSample> samples) {
    std::vector<const platform::ScaleSample*> known;
    for (const platform::ScaleSample& sample : samples)
        if (sample.ready)
            known.push_back(&sample);
    std::stable_sort(known.begin(), known.end(), [](auto* a, auto* b) { return a->tMs < b->tMs; });
    std::map<std::string, int> latest; // revision -> its latest ready count
    std::vector<ReadyStep> steps;
    for (const platform::ScaleSample* sample : known) {
        latest[sample->revision] = *sample->ready;
        int total = 0;
        for (const auto& entry : latest)
            total += entry.second;
        if (!steps.empty() && steps.back().tMs == sample->tMs)
            steps.back().ready = total; // several revisions sampled at one time: one step
        else
            steps.push_back({sample->tMs, total});
    }
    return steps;
}

} // namespace faaswb::analysis
