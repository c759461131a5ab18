// Trace context propagation: B3 (X-B3-TraceId / SpanId / ParentSpanId / Sampled, and the single `b3` header) and
// W3C `traceparent`. The local platform's gateway and broker read the incoming context, start a child span and
// forward both header styles. Pure functions apart from id generation (thread-safe, per-thread random engine).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faaswb::trace {

struct TraceContext {
    std::string traceId;      // 32 lowercase hex (16-hex B3 ids are kept as sent)
    std::string spanId;       // 16 lowercase hex: the caller's span, i.e. the parent of ours
    std::string parentSpanId; // the caller's parent, when B3 sent it
    bool sampled = true;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Reads traceparent first, then b3, then X-B3-*; nullopt when none is present or they are malformed.
// `lookup` returns a header's value by case-insensitive name.
template <class Lookup>
std::optional<TraceContext> extractContext(Lookup&& lookup);
std::optional<TraceContext> parseTraceparent(std::string_view value);
std::optional<TraceContext> parseB3Single(std::string_view value);
std::optional<TraceContext> parseB3Multi(std::string_view traceId, std::string_view spanId,
                                         std::string_view parentSpanId, std::string_view sampled);

std::string newTraceId(); // 32 hex
std::string newSpanId();  // 16 hex

// The headers a hop sends downstream for the span `spanId` in trace `traceId` whose parent is `parentSpanId`:
// traceparent, X-B3-TraceId, X-B3-SpanId, X-B3-ParentSpanId (when non-empty), X-B3-Sampled.
HeaderList propagationHeaders(const std::string& traceId, const std::string& spanId, const std::string& parentSpanId,
                              bool sampled = true);
// The header names propagationHeaders() writes plus `b3`, so a proxy can drop the incoming ones first.
const std::vector<std::string>& propagationHeaderNames();

template <class Lookup>
std::optional<TraceContext> extractContext(Lookup&& lookup) {
    if (auto value = lookup("traceparent"))
        if (auto context = parseTraceparent(*value))
            return context;
    if (auto value = lookup("b3"))
        if (auto context = parseB3Single(*value))
            return context;
    auto traceId = lookup("x-b3-traceid");
    auto spanId = lookup("x-b3-spanid");
    if (!traceId || !spanId)
        return std::nullopt;
    auto parent = lookup("x-b3-parentspanid");
    auto sampled = lookup("x-b3-sampled");
    return parseB3Multi(*traceId, *spanId, parent ? std::string_view(*parent) : std::string_view{},
                        sampled ? std::string_view(*sampled) : std::string_view{});
}

} // namespace faaswb::trace
