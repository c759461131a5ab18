// Autoscaling summary (issue 7 §4) from a run's measured intervals, pod counts and load stages: time to first
// response, time to the steady pod count, panic periods, pod-seconds used vs needed, latency during scale-up vs
// steady state, scale-down timing. Pure function; every input is on the cell timeline (ms since the cell began).
#pragma once

#include "analysis/run_metrics.h"
#include "load/load_model.h"
#include "load/snapshot.h"
#include "platform/platform.h"

#include <optional>
#include <span>

namespace faaswb::analysis {

struct AutoscalingInput {
    std::span<const load::IntervalSnapshot> intervals; // measured intervals (startMs/endMs on the cell timeline)
    std::span<const platform::ScaleSample> scale;      // every sample of the cell, in time order
    std::vector<load::RateStage> stages;               // the measured schedule
    std::int64_t loadStartMs = 0;                      // when the measured load began
    std::int64_t loadEndMs = 0;                        // when it ended
    std::optional<std::int64_t> firstSuccessMs;        // first successful response (cell timeline)
    std::optional<std::int64_t> lastPodGoneMs;         // first time after loadEndMs with 0 ready pods, if observed
    // Per-pod capacity used for "needed" pods: the revision's target (concurrency, or rps with metric rps) times the
    // target utilisation; Knative's defaults (concurrency 100, 70%) when unset.
    double targetPerPod = 70;
    bool targetIsRps = false;
    bool podsSupported = true; // false: pod metrics are nullopt
};

void addAutoscalingMetrics(RunMetrics& metrics, const AutoscalingInput& input);

} // namespace faaswb::analysis
