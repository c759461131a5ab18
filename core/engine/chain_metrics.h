// Workflow-chain measurements (docs/scenarios/workflow-chain.md): one ChainSample per chain invocation, read from
// 700.chain's answer (synchronous mechanisms) or from the steps' function spans (asynchronous ones), and the
// scenario metrics over them. Pure functions; thread-safe.
#pragma once

#include "analysis/run_metrics.h"
#include "common/result.h"
#include "trace/span.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace faaswb::engine::chain {

struct ChainSample {
    double endToEndMs = 0;
    std::vector<double> handoverMs; // steps - 1 entries: [0] is step 1 -> step 2
};

// Step 1's answer to a synchronous chain: {"result": {"hops": [...]}, "begin_us", "end_us"}. Handover i =
// hops[i+1].received_us - hops[i].sent_us; end-to-end = step 1's handler time (it waits for the whole chain).
Result<ChainSample> sampleFromAnswer(std::string_view body, int steps);

// One chain's spans (one trace). Step k is the SERVER span "function" of service stepServices[k]. Handover i =
// start of step i+1's span - start of the first span the platform recorded for step i's outgoing event (a child of
// step i's span: the broker's ingress); end-to-end = end of the last step's span - start of the first step's.
Result<ChainSample> sampleFromTrace(std::span<const trace::Span> trace, const std::vector<std::string>& stepServices);

// end_to_end_p50/p99, handover_p50.hop1..hop(steps-1), handover_sum_p50; nullopt values when there are no samples.
void setChainMetrics(analysis::RunMetrics& metrics, const std::vector<ChainSample>& samples, int steps);

// Linear-interpolated percentile (0..100); nullopt for no values.
std::optional<double> percentile(std::vector<double> values, double p);

} // namespace faaswb::engine::chain
