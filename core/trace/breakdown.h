// TraceBreakdown: per-hop time of requests through the platform, reduced from Zipkin spans (one trace = one request).
// Pure functions over plain values; thread-safe.
#pragma once

#include "trace/span.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace faaswb::trace {

// The hops of one request, milliseconds. A hop the trace does not reveal is -1 (unknown, shown as missing, not 0).
struct HopTimes {
    double ingressMs = -1;       // the gateway's own time (routing, proxying) outside the waits and the instance
    double activatorWaitMs = -1; // held by the activator: no ready instance / over capacity (cold start wait)
    double queueWaitMs = -1;     // held by the queue-proxy: all containerConcurrency slots busy
    double handoverMs = -1;      // gateway -> instance -> gateway, minus the handler (network, wrapper)
    double functionMs = -1;      // the handler itself (the function's own span)
};

// Median hop times of one request class ("cold" or "warm") over the traces of a run.
struct TraceBreakdown {
    std::string requestClass; // cold | warm
    std::uint64_t traces = 0;
    HopTimes median;
};

// Hop times of one trace (spans sharing a traceId): the ingress SERVER span, its queue_proxy CLIENT child and the
// function's SERVER span. Traces without an ingress span are skipped.
struct TraceHops {
    std::string traceId;
    bool cold = false; // the ingress span's faaswb.cold tag
    HopTimes hops;
};

std::vector<TraceHops> hopsPerTrace(std::span<const Span> spans);
// One entry per class present, cold first.
std::vector<TraceBreakdown> breakdownByClass(std::span<const Span> spans);

} // namespace faaswb::trace
