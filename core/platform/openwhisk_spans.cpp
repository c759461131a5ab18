#include "platform/openwhisk_spans.h"

#include "platform/openwhisk_action.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace faaswb::platform {
namespace {

using nlohmann::json;

std::uint64_t fnv1a(const std::string& text, std::uint64_t seed) {
    std::uint64_t hash = seed;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    return hash;
}

std::string hex16(std::uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

bool isHex(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

// Span ids must be non-zero 16 hex and differ within the trace; a hash of the activation id and the span's role.
std::string spanId(const std::string& activationId, const char* role) {
    const std::uint64_t hash = fnv1a(activationId + "/" + role, 0xcbf29ce484222325ull);
    return hex16(hash == 0 ? 1 : hash);
}

std::int64_t integerOr(const json& value, std::int64_t fallback) {
    return value.is_number() ? value.get<std::int64_t>() : fallback;
}

std::int64_t annotationMs(const json& activation, const char* key, std::int64_t fallback) {
    const auto value = annotationValue(activation, key);
    return value ? integerOr(*value, fallback) : fallback;
}

// response.statusCode (0 success, 1 application error, 2 developer error, 3 internal error), from the status text
// when a record carries only that.
std::string statusCode(const json& activation) {
    const auto found = activation.find("response");
    if (found == activation.end() || !found->is_object())
        return "";
    const json& response = *found;
    if (response.contains("statusCode") && response["statusCode"].is_number())
        return std::to_string(response["statusCode"].get<std::int64_t>());
    const std::string status = jsonText(response, "status");
    if (status == "success")
        return "0";
    if (status == "application error")
        return "1";
    if (status == "action developer error")
        return "2";
    return status == "whisk internal error" ? "3" : "";
}

trace::Span baseSpan(const std::string& traceId, const std::string& activationId, const char* role) {
    trace::Span span;
    span.traceId = traceId;
    span.spanId = spanId(activationId, role);
    span.service = "openwhisk";
    span.kind = "SERVER";
    span.tags["ow.activation_id"] = activationId;
    return span;
}

struct Timing {
    std::int64_t startMs = 0;
    std::int64_t durationMs = 0;
    std::int64_t waitMs = 0;
    std::int64_t initMs = 0;
    bool cold = false;
};

// The record's times in ms; nullopt without activationId or start. Missing waitTime counts as 0.
std::optional<Timing> timingOf(const json& activation) {
    if (!activation.is_object() || !activation.contains("activationId") || !activation["activationId"].is_string() ||
        !activation.contains("start") || !activation["start"].is_number())
        return std::nullopt;
    Timing timing;
    timing.startMs = activation["start"].get<std::int64_t>();
    const std::int64_t endMs = integerOr(activation.contains("end") ? activation["end"] : json(), timing.startMs);
    timing.durationMs =
        integerOr(activation.contains("duration") ? activation["duration"] : json(), endMs - timing.startMs);
    timing.waitMs = std::max<std::int64_t>(0, annotationMs(activation, "waitTime", 0));
    timing.cold = annotationValue(activation, "initTime").has_value();
    timing.initMs = timing.cold ? std::max<std::int64_t>(0, annotationMs(activation, "initTime", 0)) : 0;
    return timing;
}

// Controller receipt to the end: the wait for a container, then init (cold only) and run.
trace::Span rootSpan(const std::string& traceId, const std::string& id, const Timing& timing) {
    trace::Span root = baseSpan(traceId, id, "activation");
    root.name = "ow.activation";
    root.startUs = (timing.startMs - timing.waitMs) * 1000;
    root.durationUs = std::max<std::int64_t>(1, (timing.waitMs + timing.durationMs) * 1000);
    root.tags["faaswb.cold"] = timing.cold ? "1" : "0";
    root.tags["ow.wait_us"] = std::to_string(timing.waitMs * 1000);
    if (timing.cold)
        root.tags["ow.init_us"] = std::to_string(timing.initMs * 1000);
    return root;
}

} // namespace

std::string activationTraceId(const std::string& activationId) {
    std::string lower = activationId;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (isHex(lower) && lower.size() <= 32)
        return std::string(32 - lower.size(), '0') + lower;
    return hex16(fnv1a(activationId, 0xcbf29ce484222325ull)) + hex16(fnv1a(activationId, 0x84222325cbf29ce4ull));
}

std::vector<trace::Span> activationSpans(const json& activation) {
    const auto timing = timingOf(activation);
    if (!timing)
        return {};
    const std::string id = activation["activationId"].get<std::string>();
    const std::string traceId = activationTraceId(id);
    trace::Span root = rootSpan(traceId, id, *timing);
    root.tags["ow.status_code"] = statusCode(activation);
    root.tags["ow.action"] = jsonText(activation, "name");
    // On a cold start OpenWhisk moves `start` back by initTime, so `duration` holds init + run.
    trace::Span run = baseSpan(traceId, id, "run");
    run.parentId = root.spanId;
    run.name = "ow.run";
    run.startUs = (timing->startMs + timing->initMs) * 1000;
    run.durationUs = std::max<std::int64_t>(1, (timing->durationMs - timing->initMs) * 1000);
    return {root, run};
}

} // namespace faaswb::platform
