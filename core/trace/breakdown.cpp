#include "trace/breakdown.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

namespace faaswb::trace {

namespace {

constexpr const char* kIngressName = "ingress";
constexpr const char* kQueueProxyName = "queue_proxy";
constexpr const char* kActivatorWaitTag = "faaswb.activator_wait_us";
constexpr const char* kQueueWaitTag = "faaswb.queue_wait_us";

using SpanRefs = std::vector<const Span*>;

double toMs(std::int64_t us) {
    return double(us) / 1000.0;
}

bool isIngress(const Span& span) {
    return span.kind == "SERVER" && span.name == kIngressName;
}

// The earliest span matching `match`, preferring one whose parent is `parentId` when that is given.
template <typename Match>
const Span* pick(const SpanRefs& spans, const std::string& parentId, Match match) {
    const Span* best = nullptr;
    const Span* bestChild = nullptr;
    for (const auto* span : spans) {
        if (!match(*span))
            continue;
        if (!best || span->startUs < best->startUs)
            best = span;
        if (!parentId.empty() && span->parentId == parentId && (!bestChild || span->startUs < bestChild->startUs))
            bestChild = span;
    }
    return bestChild ? bestChild : best;
}

// A wait tag in µs as ms; -1 when the tag is missing or not a non-negative integer (spans of other platforms).
double waitTagMs(const Span& ingress, const char* tag) {
    auto found = ingress.tags.find(tag);
    if (found == ingress.tags.end())
        return -1;
    const auto& text = found->second;
    std::int64_t us = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), us);
    if (error != std::errc() || end != text.data() + text.size() || us < 0)
        return -1;
    return toMs(us);
}

bool isColdTag(const Span& ingress) {
    auto found = ingress.tags.find("faaswb.cold");
    return found != ingress.tags.end() && (found->second == "1" || found->second == "true");
}

HopTimes hopsOf(const Span& ingress, const Span* proxy, const Span* function) {
    HopTimes hops;
    hops.activatorWaitMs = waitTagMs(ingress, kActivatorWaitTag);
    hops.queueWaitMs = waitTagMs(ingress, kQueueWaitTag);
    if (function)
        hops.functionMs = toMs(function->durationUs);
    // Clamped at 0: the function's clock is another process's, so its span may overhang by a few µs.
    if (proxy && function)
        hops.handoverMs = std::max(0.0, toMs(proxy->durationUs - function->durationUs));
    if (proxy && hops.activatorWaitMs >= 0 && hops.queueWaitMs >= 0)
        hops.ingressMs =
            std::max(0.0, toMs(ingress.durationUs - proxy->durationUs) - hops.activatorWaitMs - hops.queueWaitMs);
    return hops;
}

std::optional<TraceHops> traceHops(const SpanRefs& spans) {
    const Span* ingress = pick(spans, {}, isIngress);
    if (!ingress)
        return std::nullopt;
    const Span* proxy =
        pick(spans, ingress->spanId, [](const Span& s) { return s.kind == "CLIENT" && s.name == kQueueProxyName; });
    const Span* function = pick(spans, proxy ? proxy->spanId : std::string(),
                                [ingress](const Span& s) { return s.kind == "SERVER" && !isIngress(s); });
    return TraceHops{ingress->traceId, isColdTag(*ingress), hopsOf(*ingress, proxy, function)};
}

// The median of the known (>= 0) values; -1 when there are none.
double medianOfKnown(std::vector<double> values) {
    std::erase_if(values, [](double v) { return v < 0; });
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    const auto middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
}

TraceBreakdown reduceClass(const std::vector<TraceHops>& traces, bool cold) {
    TraceBreakdown result;
    result.requestClass = cold ? "cold" : "warm";
    std::vector<double> ingress, activator, queue, handover, function;
    for (const auto& trace : traces) {
        if (trace.cold != cold)
            continue;
        ++result.traces;
        ingress.push_back(trace.hops.ingressMs);
        activator.push_back(trace.hops.activatorWaitMs);
        queue.push_back(trace.hops.queueWaitMs);
        handover.push_back(trace.hops.handoverMs);
        function.push_back(trace.hops.functionMs);
    }
    result.median = {medianOfKnown(std::move(ingress)), medianOfKnown(std::move(activator)),
                     medianOfKnown(std::move(queue)), medianOfKnown(std::move(handover)),
                     medianOfKnown(std::move(function))};
    return result;
}

} // namespace

std::vector<TraceHops> hopsPerTrace(std::span<const Span> spans) {
    std::map<std::string, SpanRefs> byTrace;
    for (const auto& span : spans)
        byTrace[span.traceId].push_back(&span);
    std::vector<std::pair<std::int64_t, TraceHops>> found;
    for (const auto& [id, refs] : byTrace) {
        if (auto hops = traceHops(refs))
            found.emplace_back(pick(refs, {}, isIngress)->startUs, std::move(*hops));
    }
    // In request order, so callers can plot hops over the run.
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<TraceHops> result;
    result.reserve(found.size());
    for (auto& entry : found)
        result.push_back(std::move(entry.second));
    return result;
}

std::vector<TraceBreakdown> breakdownByClass(std::span<const Span> spans) {
    const auto traces = hopsPerTrace(spans);
    std::vector<TraceBreakdown> result;
    for (bool cold : {true, false}) {
        auto reduced = reduceClass(traces, cold);
        if (reduced.traces > 0)
            result.push_back(std::move(reduced));
    }
    return result;
}

} // namespace faaswb::trace
