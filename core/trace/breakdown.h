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
//
// Three trace shapes are understood (anything else is skipped):
//
// Local platform: an "ingress" SERVER span with faaswb.activator_wait_us / faaswb.queue_wait_us tags, its
// "queue_proxy" CLIENT child and the function's SERVER span. Cold is the ingress span's faaswb.cold tag. initMs -1.
//
// Knative (platform-facts §4; no "ingress" span, but throttler_try / activator_proxy (activator), queue_proxy (not
// CLIENT: OpenCensus records it without a kind) or kn.queueproxy.proxy, queue_wait or kn.queueproxy.wait). In a trace
// through several services the first hop (the earliest queue-proxy span) is taken.
//   activatorWaitMs  throttler_try's duration; 0 when activator_proxy is there without throttler_try (the activator
//                    proxied and recorded no wait); -1 when no activator span is in the trace (not in the path).
//   queueWaitMs      queue_wait / kn.queueproxy.wait; 0 when the queue-proxy span is there without one (Knative records
//                    no wait span when there is no breaker, e.g. containerConcurrency 0); -1 without a queue-proxy.
//   functionMs       the function's own SERVER span: below the queue-proxy span, not the server span of an activator
//                    or queue-proxy (a span that parents their spans); our wrappers' span (faaswb.cold or
//                    faaswb.instance tag) first. Without a queue-proxy span only our wrappers' span counts.
//   handoverMs       queue-proxy span - function - queue wait, clamped >= 0; -1 unless both spans are there.
//   ingressMs        root span - the first Knative component's time (its server span, the parent of throttler_try or
//                    queue_proxy, or else the extent of its spans), clamped >= 0, when the trace has a root above that
//                    component (a gateway span); -1 otherwise.
//   initMs           -1 (Knative spans do not separate container start-up from the wait).
//   cold             our wrappers' faaswb.cold tag (the function span's first, then any span's) when present: that is
//                    known. Otherwise a trace without throttler_try, or with throttler_try < 1 ms, is warm: no pod can
//                    be started in under 1 ms, and without the activator no pod was started for this request. A longer
//                    throttler_try without the tag may be a cold start or waiting for capacity: coldKnown is false and
//                    breakdownByClass leaves the trace out rather than guess.
//
// OpenWhisk activations (built by the openwhisk adapter from activation records): a root "ow.activation" SERVER span
// with tags faaswb.cold ("1"/"0"), ow.wait_us (waitTime), ow.init_us (initTime, only on a cold start) and
// ow.activation_id, and one "ow.run" child span (the action's run, without init).
//   activatorWaitMs = ow.wait_us; initMs = ow.init_us, or 0 for a warm activation without it (a warm activation had
//   no init; a cold one without it is -1); functionMs = ow.run's duration; queueWaitMs, handoverMs, ingressMs = -1.
//   cold = faaswb.cold; without it, cold when ow.init_us is present (OpenWhisk records initTime only on cold starts).
struct HopTimes {
    double ingressMs = -1;       // the gateway's own time (routing, proxying) outside the waits and the instance
    double activatorWaitMs = -1; // held by the activator: no ready instance / over capacity (cold start wait)
    double queueWaitMs = -1;     // held by the queue-proxy: all containerConcurrency slots busy
    double handoverMs = -1;      // gateway -> instance -> gateway, minus the handler (network, wrapper)
    double functionMs = -1;      // the handler itself (the function's own span)
    double initMs = -1;          // instance start-up inside this request (OpenWhisk initTime)
};

// Median hop times of one request class ("cold" or "warm") over the traces of a run.
struct TraceBreakdown {
    std::string requestClass; // cold | warm
    std::uint64_t traces = 0;
    HopTimes median;
};

// Hop times of one trace (spans sharing a traceId), read as described above. Traces of none of the three shapes
// (e.g. an ingress-less local trace) are skipped.
struct TraceHops {
    std::string traceId;
    bool cold = false;     // see the rules above
    bool coldKnown = true; // false: the trace cannot tell cold from warm (breakdownByClass leaves it out)
    HopTimes hops;
};

std::vector<TraceHops> hopsPerTrace(std::span<const Span> spans);
// One entry per class present, cold first. Traces whose class is unknown (coldKnown false) are left out.
std::vector<TraceBreakdown> breakdownByClass(std::span<const Span> spans);

} // namespace faaswb::trace
