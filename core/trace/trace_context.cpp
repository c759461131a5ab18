#include "trace/trace_context.h"

#include <algorithm>
#include <cctype>
#include <random>

namespace faaswb::trace {

namespace {

bool isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isHexOfLength(std::string_view value, std::size_t length) {
    return value.size() == length && std::all_of(value.begin(), value.end(), isHex);
}

bool isAllZero(std::string_view value) {
    return std::all_of(value.begin(), value.end(), [](char c) { return c == '0'; });
}

std::string lower(std::string_view value) {
    std::string out(value);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

// B3 trace ids are 16 or 32 hex; span ids 16 hex; neither may be all zero.
bool validB3TraceId(std::string_view id) {
    return (isHexOfLength(id, 16) || isHexOfLength(id, 32)) && !isAllZero(id);
}
bool validSpanId(std::string_view id) {
    return isHexOfLength(id, 16) && !isAllZero(id);
}

// "1", "d" (debug) and "true" mean sampled, "0" and "false" not; empty defers the decision (we sample).
std::optional<bool> parseSampled(std::string_view value) {
    if (value.empty() || value == "1" || value == "d" || value == "true")
        return true;
    if (value == "0" || value == "false")
        return false;
    return std::nullopt;
}

std::vector<std::string_view> split(std::string_view value, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        auto end = value.find(separator, start);
        parts.push_back(value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos)
            return parts;
        start = end + 1;
    }
}

std::string_view trim(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    return value;
}

std::mt19937_64& engine() {
    thread_local std::mt19937_64 generator = [] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }();
    return generator;
}

// A random non-zero id of `words` 64-bit words as lowercase hex.
std::string randomHex(int words) {
    static constexpr char digits[] = "0123456789abcdef";
    while (true) {
        std::string out;
        out.reserve(std::size_t(words) * 16);
        for (int w = 0; w < words; ++w) {
            auto bits = engine()();
            for (int shift = 60; shift >= 0; shift -= 4)
                out.push_back(digits[(bits >> shift) & 0xf]);
        }
        if (!isAllZero(out))
            return out;
    }
}

} // namespace

std::optional<TraceContext> parseTraceparent(std::string_view value) {
    value = trim(value);
    // version-traceid-parentid-flags; future versions may append fields after the flags.
    auto parts = split(value, '-');
    if (parts.size() < 4 || !isHexOfLength(parts[0], 2) || lower(parts[0]) == "ff")
        return std::nullopt;
    if (parts[0] == "00" && parts.size() != 4)
        return std::nullopt;
    if (!isHexOfLength(parts[1], 32) || isAllZero(parts[1]) || !validSpanId(parts[2]) || !isHexOfLength(parts[3], 2))
        return std::nullopt;
    TraceContext context;
    context.traceId = lower(parts[1]);
    context.spanId = lower(parts[2]);
    context.sampled = (std::stoi(std::string(parts[3]), nullptr, 16) & 1) != 0;
    return context;
}

std::optional<TraceContext> parseB3Single(std::string_view value) {
    value = trim(value);
    auto parts = split(value, '-');
    // A lone sampling decision ("0", "1", "d") carries no ids: nothing to continue.
    if (parts.size() < 2 || parts.size() > 4)
        return std::nullopt;
    if (!validB3TraceId(parts[0]) || !validSpanId(parts[1]))
        return std::nullopt;
    TraceContext context;
    context.traceId = lower(parts[0]);
    context.spanId = lower(parts[1]);
    if (parts.size() >= 3) {
        auto sampled = parseSampled(parts[2]);
        if (!sampled || parts[2].empty())
            return std::nullopt;
        context.sampled = *sampled;
    }
    if (parts.size() == 4) {
        if (!validSpanId(parts[3]))
            return std::nullopt;
        context.parentSpanId = lower(parts[3]);
    }
    return context;
}

std::optional<TraceContext> parseB3Multi(std::string_view traceId, std::string_view spanId,
                                         std::string_view parentSpanId, std::string_view sampled) {
    traceId = trim(traceId);
    spanId = trim(spanId);
    parentSpanId = trim(parentSpanId);
    sampled = trim(sampled);
    if (!validB3TraceId(traceId) || !validSpanId(spanId))
        return std::nullopt;
    if (!parentSpanId.empty() && !validSpanId(parentSpanId))
        return std::nullopt;
    auto decision = parseSampled(lower(sampled));
    if (!decision)
        return std::nullopt;
    TraceContext context;
    context.traceId = lower(traceId);
    context.spanId = lower(spanId);
    context.parentSpanId = lower(parentSpanId);
    context.sampled = *decision;
    return context;
}

std::string newTraceId() {
    return randomHex(2);
}

std::string newSpanId() {
    return randomHex(1);
}

HeaderList propagationHeaders(const std::string& traceId, const std::string& spanId, const std::string& parentSpanId,
                              bool sampled) {
    // W3C needs a 32-hex trace id: a 64-bit B3 id is left-padded with zeros, which is how B3 widens ids too.
    std::string w3cTraceId = traceId.size() < 32 ? std::string(32 - traceId.size(), '0') + traceId : traceId;
    HeaderList headers;
    headers.emplace_back("traceparent", "00-" + w3cTraceId + "-" + spanId + (sampled ? "-01" : "-00"));
    headers.emplace_back("X-B3-TraceId", traceId);
    headers.emplace_back("X-B3-SpanId", spanId);
    if (!parentSpanId.empty())
        headers.emplace_back("X-B3-ParentSpanId", parentSpanId);
    headers.emplace_back("X-B3-Sampled", sampled ? "1" : "0");
    return headers;
}

const std::vector<std::string>& propagationHeaderNames() {
    static const std::vector<std::string> names = {"traceparent",       "X-B3-TraceId", "X-B3-SpanId",
                                                   "X-B3-ParentSpanId", "X-B3-Sampled", "b3"};
    return names;
}

} // namespace faaswb::trace
