// The metrics every load-driven run reports, from the load engine's summary, the platform's pod counts and the
// trace breakdown (model/metric_catalog.h, first block). Pure functions.
#pragma once

#include "analysis/run_metrics.h"
#include "load/snapshot.h"
#include "platform/platform.h"
#include "trace/span.h"

#include <span>

namespace faaswb::analysis {

// requests, errors, error_rate, throughput, p50 ... max, mean, cold_starts (latency corrected).
void addLoadMetrics(RunMetrics& metrics, const load::LoadSummary& summary);

// max_pods, mean_pods over [fromMs, toMs] of the cell timeline; nullopt values when `podsSupported` is false or no
// sample carries a ready count.
void addPodMetrics(RunMetrics& metrics, std::span<const platform::ScaleSample> samples, std::int64_t fromMs,
                   std::int64_t toMs, bool podsSupported);

// queue_wait_p50 from the trace breakdown (activator + queue-proxy wait); nullopt without traces.
void addTraceMetrics(RunMetrics& metrics, std::span<const trace::Span> spans, bool tracesSupported);

} // namespace faaswb::analysis
