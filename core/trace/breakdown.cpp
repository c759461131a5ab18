#include "trace/breakdown.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>

namespace faaswb::trace {

namespace {

constexpr const char* kIngressName = "ingress";
constexpr const char* kQueueProxyName = "queue_proxy";
constexpr const char* kActivatorWaitTag = "faaswb.activator_wait_us";
constexpr const char* kQueueWaitTag = "faaswb.queue_wait_us";
constexpr const char* kColdTag = "faaswb.cold";
constexpr std::int64_t kNoPodStartUs = 1000; // no cold start completes faster: a shorter throttler_try is warm

using SpanRefs = std::vector<const Span*>;

// The spans of one trace with a by-id index for walking parents.
struct TraceSpans {
    SpanRefs spans;
    std::map<std::string, const Span*> byId;

    explicit TraceSpans(SpanRefs refs)
        : spans(std::move(refs)) {
        for (const auto* span : spans)
            byId.emplace(span->spanId, span);
    }
    const Span* parentOf(const Span& span) const {
        auto found = span.parentId.empty() ? byId.end() : byId.find(span.parentId);
        return found == byId.end() || found->second == &span ? nullptr : found->second;
    }
    // True when `ancestor` is above `span` (bounded walk: ids may form a cycle in a corrupt trace).
    bool isBelow(const Span& span, const Span& ancestor) const {
        const Span* current = parentOf(span);
        for (std::size_t steps = 0; current && steps < spans.size(); ++steps, current = parentOf(*current)) {
            if (current == &ancestor)
                return true;
        }
        return false;
    }
    const Span& root(const Span& span) const {
        const Span* current = &span;
        for (std::size_t steps = 0; parentOf(*current) && steps < spans.size(); ++steps)
            current = parentOf(*current);
        return *current;
    }
};

double toMs(std::int64_t us) {
    return double(us) / 1000.0;
}

double durationMs(const Span* span) {
    return span ? toMs(span->durationUs) : -1;
}

std::int64_t endUs(const Span& span) {
    return span.startUs + span.durationUs;
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

template <typename Match>
const Span* earliest(const SpanRefs& spans, Match match) {
    return pick(spans, {}, match);
}

// A µs tag as ms; -1 when the tag is missing or not a non-negative integer (spans of other platforms).
double usTagMs(const Span& span, const char* tag) {
    auto found = span.tags.find(tag);
    if (found == span.tags.end())
        return -1;
    const auto& text = found->second;
    std::int64_t us = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), us);
    if (error != std::errc() || end != text.data() + text.size() || us < 0)
        return -1;
    return toMs(us);
}

// faaswb.cold as our wrappers and the local gateway write it ("1"/"true", "0"/"false"); nullopt when absent or other.
std::optional<bool> coldTag(const Span& span) {
    auto found = span.tags.find(kColdTag);
    if (found == span.tags.end())
        return std::nullopt;
    if (found->second == "1" || found->second == "true")
        return true;
    if (found->second == "0" || found->second == "false")
        return false;
    return std::nullopt;
}

bool hasWrapperTag(const Span& span) {
    return span.tags.count(kColdTag) > 0 || span.tags.count("faaswb.instance") > 0;
}

// ---- local platform ------------------------------------------------------------------------------------------------

HopTimes localHopsOf(const Span& ingress, const Span* proxy, const Span* function) {
    HopTimes hops;
    hops.activatorWaitMs = usTagMs(ingress, kActivatorWaitTag);
    hops.queueWaitMs = usTagMs(ingress, kQueueWaitTag);
    hops.functionMs = durationMs(function);
    // Clamped at 0: the function's clock is another process's, so its span may overhang by a few µs.
    if (proxy && function)
        hops.handoverMs = std::max(0.0, toMs(proxy->durationUs - function->durationUs));
    if (proxy && hops.activatorWaitMs >= 0 && hops.queueWaitMs >= 0)
        hops.ingressMs =
            std::max(0.0, toMs(ingress.durationUs - proxy->durationUs) - hops.activatorWaitMs - hops.queueWaitMs);
    return hops;
}

TraceHops localTraceHops(const SpanRefs& spans, const Span& ingress) {
    const Span* proxy =
        pick(spans, ingress.spanId, [](const Span& s) { return s.kind == "CLIENT" && s.name == kQueueProxyName; });
    const Span* function = pick(spans, proxy ? proxy->spanId : std::string(),
                                [](const Span& s) { return s.kind == "SERVER" && !isIngress(s); });
    return TraceHops{ingress.traceId, coldTag(ingress).value_or(false), true, localHopsOf(ingress, proxy, function)};
}

// ---- OpenWhisk -----------------------------------------------------------------------------------------------------

TraceHops openWhiskTraceHops(const SpanRefs& spans, const Span& activation) {
    const Span* run = pick(spans, activation.spanId, [](const Span& s) { return s.name == "ow.run"; });
    const bool hasInit = activation.tags.count("ow.init_us") > 0;
    TraceHops result{activation.traceId, coldTag(activation).value_or(hasInit), true, {}};
    result.hops.activatorWaitMs = usTagMs(activation, "ow.wait_us");
    result.hops.initMs = usTagMs(activation, "ow.init_us");
    if (!hasInit && !result.cold)
        result.hops.initMs = 0; // a warm activation had no init; OpenWhisk records initTime only on cold starts
    result.hops.functionMs = durationMs(run);
    return result;
}

// ---- Knative -------------------------------------------------------------------------------------------------------

bool isThrottle(const Span& s) {
    return s.name == "throttler_try";
}
bool isActivatorProxy(const Span& s) {
    return s.name == "activator_proxy";
}
// The local platform's queue_proxy is a CLIENT span; Knative's (OpenCensus, OTel) has no kind or INTERNAL.
bool isQueueProxy(const Span& s) {
    return (s.name == kQueueProxyName && s.kind != "CLIENT") || s.name == "kn.queueproxy.proxy";
}
bool isQueueWait(const Span& s) {
    return s.name == "queue_wait" || s.name == "kn.queueproxy.wait";
}
bool isKnativeComponent(const Span& s) {
    return isThrottle(s) || isActivatorProxy(s) || isQueueProxy(s) || isQueueWait(s);
}

struct KnativeHop {
    const Span* throttle = nullptr;
    const Span* activatorProxy = nullptr;
    const Span* proxy = nullptr;
    const Span* wait = nullptr;
    const Span* function = nullptr;
};

// The server spans of activators and queue-proxies: the parents of their named spans. They are not the function.
std::set<std::string> componentServerIds(const SpanRefs& spans) {
    std::set<std::string> ids;
    for (const auto* span : spans) {
        if (isKnativeComponent(*span) && !span->parentId.empty())
            ids.insert(span->parentId);
    }
    return ids;
}

const Span* knativeFunction(const TraceSpans& trace, const Span* proxy) {
    const auto components = componentServerIds(trace.spans);
    auto candidate = [&](const Span& s) {
        return s.kind == "SERVER" && !isKnativeComponent(s) && !components.count(s.spanId) &&
               (!proxy || trace.isBelow(s, *proxy));
    };
    if (const Span* ours = earliest(trace.spans, [&](const Span& s) { return candidate(s) && hasWrapperTag(s); }))
        return ours;
    if (!proxy)
        return nullptr;
    if (const Span* below = earliest(trace.spans, candidate))
        return below;
    // The client span between queue-proxy and function may not have been exported: our wrapper's span inside the
    // queue-proxy's time is still this hop's function.
    return earliest(trace.spans, [&](const Span& s) {
        return s.kind == "SERVER" && hasWrapperTag(s) && !components.count(s.spanId) && s.startUs >= proxy->startUs &&
               s.startUs <= endUs(*proxy);
    });
}

KnativeHop knativeHop(const TraceSpans& trace) {
    KnativeHop hop;
    hop.proxy = earliest(trace.spans, isQueueProxy);
    // In a chain, a later service's activator is not this hop's: it starts after this hop's queue-proxy.
    auto beforeProxy = [&](const Span& s) { return !hop.proxy || s.startUs <= hop.proxy->startUs; };
    hop.throttle = earliest(trace.spans, [&](const Span& s) { return isThrottle(s) && beforeProxy(s); });
    hop.activatorProxy = earliest(trace.spans, [&](const Span& s) { return isActivatorProxy(s) && beforeProxy(s); });
    if (hop.proxy) {
        // queue_wait is queue_proxy's sibling (≤ 1.18) or its child: either way it belongs to this queue-proxy.
        hop.wait = earliest(trace.spans, [&](const Span& s) {
            return isQueueWait(s) &&
                   (s.parentId == hop.proxy->spanId || (!s.parentId.empty() && s.parentId == hop.proxy->parentId));
        });
    } else {
        hop.wait = earliest(trace.spans, isQueueWait);
    }
    hop.function = knativeFunction(trace, hop.proxy);
    return hop;
}

// The first component's own time: its server span when the trace has it, else the extent of its named spans.
std::pair<const Span*, std::int64_t> firstComponent(const TraceSpans& trace, const KnativeHop& hop) {
    std::vector<const Span*> named;
    for (const Span* s : hop.throttle || hop.activatorProxy ? std::vector{hop.throttle, hop.activatorProxy}
                                                            : std::vector{hop.proxy, hop.wait}) {
        if (s)
            named.push_back(s);
    }
    if (named.empty())
        return {nullptr, 0};
    const Span* first = *std::min_element(named.begin(), named.end(),
                                          [](const Span* a, const Span* b) { return a->startUs < b->startUs; });
    if (const Span* server = trace.parentOf(*first); server && server->service == first->service)
        return {server, server->durationUs};
    std::int64_t begin = first->startUs, end = endUs(*first);
    for (const Span* s : named) {
        begin = std::min(begin, s->startUs);
        end = std::max(end, endUs(*s));
    }
    return {first, end - begin};
}

double knativeIngressMs(const TraceSpans& trace, const KnativeHop& hop) {
    auto [entry, entryUs] = firstComponent(trace, hop);
    if (!entry)
        return -1;
    const Span& root = trace.root(*entry);
    if (&root == entry || isKnativeComponent(root))
        return -1; // no gateway span above the first component
    return std::max(0.0, toMs(root.durationUs - entryUs));
}

// See breakdown.h: our tag when present; warm without a (> 1 ms) throttler_try; otherwise unknown.
void knativeClass(const TraceSpans& trace, const KnativeHop& hop, TraceHops& out) {
    std::optional<bool> tagged = hop.function ? coldTag(*hop.function) : std::nullopt;
    if (!tagged) {
        if (const Span* any = earliest(trace.spans, [](const Span& s) { return coldTag(s).has_value(); }))
            tagged = coldTag(*any);
    }
    if (tagged) {
        out.cold = *tagged;
        return;
    }
    out.cold = false;
    out.coldKnown = !hop.throttle || hop.throttle->durationUs < kNoPodStartUs;
}

TraceHops knativeTraceHops(const TraceSpans& trace) {
    const KnativeHop hop = knativeHop(trace);
    TraceHops result{trace.spans.front()->traceId, false, true, {}};
    auto& hops = result.hops;
    if (hop.throttle)
        hops.activatorWaitMs = durationMs(hop.throttle);
    else if (hop.activatorProxy)
        hops.activatorWaitMs = 0;
    if (hop.wait)
        hops.queueWaitMs = durationMs(hop.wait);
    else if (hop.proxy)
        hops.queueWaitMs = 0;
    hops.functionMs = durationMs(hop.function);
    if (hop.proxy && hop.function) {
        const std::int64_t waitUs = hop.wait ? hop.wait->durationUs : 0;
        hops.handoverMs = std::max(0.0, toMs(hop.proxy->durationUs - hop.function->durationUs - waitUs));
    }
    hops.ingressMs = knativeIngressMs(trace, hop);
    knativeClass(trace, hop, result);
    return result;
}

// ---- dispatch and reduction ----------------------------------------------------------------------------------------

std::optional<TraceHops> traceHops(const SpanRefs& spans) {
    if (const Span* ingress = pick(spans, {}, isIngress))
        return localTraceHops(spans, *ingress);
    if (const Span* activation = earliest(spans, [](const Span& s) { return s.name == "ow.activation"; }))
        return openWhiskTraceHops(spans, *activation);
    if (std::any_of(spans.begin(), spans.end(), [](const Span* s) { return isKnativeComponent(*s); }))
        return knativeTraceHops(TraceSpans(spans));
    return std::nullopt;
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

constexpr double HopTimes::*kHopFields[] = {&HopTimes::ingressMs,  &HopTimes::activatorWaitMs, &HopTimes::queueWaitMs,
                                            &HopTimes::handoverMs, &HopTimes::functionMs,      &HopTimes::initMs};

TraceBreakdown reduceClass(const std::vector<TraceHops>& traces, bool cold) {
    TraceBreakdown result;
    result.requestClass = cold ? "cold" : "warm";
    std::vector<std::vector<double>> values(std::size(kHopFields));
    for (const auto& trace : traces) {
        if (!trace.coldKnown || trace.cold != cold)
            continue;
        ++result.traces;
        for (std::size_t i = 0; i < std::size(kHopFields); ++i)
            values[i].push_back(trace.hops.*kHopFields[i]);
    }
    for (std::size_t i = 0; i < std::size(kHopFields); ++i)
        result.median.*kHopFields[i] = medianOfKnown(std::move(values[i]));
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
            found.emplace_back(earliest(refs, [](const Span&) { return true; })->startUs, std::move(*hops));
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
