#include "trace/zipkin_json.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

namespace faaswb::trace {

using nlohmann::json;

namespace {

std::string lower(std::string value) {
    std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return value;
}

bool isHexOfLength(const std::string& value, std::initializer_list<std::size_t> lengths) {
    if (std::find(lengths.begin(), lengths.end(), value.size()) == lengths.end())
        return false;
    return std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// 9999-12-31 in microseconds since the epoch. Bounding times and durations by it keeps start + duration (and every
// difference the analysis takes) far from int64 overflow.
constexpr std::int64_t kLatestEpochUs = 253'402'300'799'999'999;

Error fieldError(const std::string& field, const std::string& problem) {
    return invalidInput(field + ": " + problem);
}

// Reads an optional string field; a present non-string value is an error.
Result<std::string> stringField(const json& object, const char* field) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null())
        return std::string();
    if (!it->is_string())
        return fieldError(field, "expected a string");
    return it->get<std::string>();
}

// Zipkin sends integers; some clients send them as decimal strings (OTLP habit). Both are accepted.
Result<std::int64_t> integerField(const json& object, const char* field) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null())
        return std::int64_t{0};
    if (it->is_number_integer() || it->is_number_unsigned())
        return it->get<std::int64_t>();
    if (it->is_number_float()) {
        // Out-of-range doubles (1e300, 3.4e19) have no int64 value; converting them is undefined behaviour.
        const double value = it->get<double>();
        if (value >= -9223372036854775808.0 && value < 9223372036854775808.0)
            return static_cast<std::int64_t>(value);
        return fieldError(field, "integer out of range");
    }
    if (it->is_string()) {
        const auto& text = it->get_ref<const std::string&>();
        std::int64_t value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size())
            return value;
    }
    return fieldError(field, "expected an integer");
}

std::string tagValue(const json& value) {
    if (value.is_string())
        return value.get<std::string>();
    return value.dump();
}

Result<Span> spanFromZipkinObject(const json& object) {
    if (!object.is_object())
        return invalidInput("expected a JSON object");
    Span span;
    auto traceId = stringField(object, "traceId");
    if (!traceId)
        return traceId.error();
    if (!isHexOfLength(*traceId, {16, 32}))
        return fieldError("traceId", "expected 16 or 32 lowercase hex characters");
    span.traceId = lower(*traceId);
    auto id = stringField(object, "id");
    if (!id)
        return id.error();
    if (!isHexOfLength(*id, {16}))
        return fieldError("id", "expected 16 lowercase hex characters");
    span.spanId = lower(*id);
    auto parentId = stringField(object, "parentId");
    if (!parentId)
        return parentId.error();
    if (!parentId->empty() && !isHexOfLength(*parentId, {16}))
        return fieldError("parentId", "expected 16 lowercase hex characters");
    span.parentId = lower(*parentId);
    auto name = stringField(object, "name");
    if (!name)
        return name.error();
    span.name = *name;
    auto kind = stringField(object, "kind");
    if (!kind)
        return kind.error();
    if (!kind->empty() && *kind != "CLIENT" && *kind != "SERVER" && *kind != "PRODUCER" && *kind != "CONSUMER")
        return fieldError("kind", "expected CLIENT, SERVER, PRODUCER or CONSUMER");
    span.kind = *kind;
    auto timestamp = integerField(object, "timestamp");
    if (!timestamp)
        return timestamp.error();
    if (*timestamp < 0 || *timestamp > kLatestEpochUs)
        return fieldError("timestamp", "expected microseconds since the epoch");
    span.startUs = *timestamp;
    auto duration = integerField(object, "duration");
    if (!duration)
        return duration.error();
    if (*duration < 0)
        return fieldError("duration", "must not be negative");
    if (*duration > kLatestEpochUs)
        return fieldError("duration", "longer than any trace can be");
    span.durationUs = std::max<std::int64_t>(1, *duration);
    if (auto it = object.find("localEndpoint"); it != object.end() && !it->is_null()) {
        if (!it->is_object())
            return fieldError("localEndpoint", "expected an object");
        auto service = stringField(*it, "serviceName");
        if (!service)
            return fieldError("localEndpoint.serviceName", "expected a string");
        span.service = *service;
    }
    if (auto it = object.find("tags"); it != object.end() && !it->is_null()) {
        if (!it->is_object())
            return fieldError("tags", "expected an object of strings");
        for (const auto& [key, value] : it->items())
            span.tags[key] = tagValue(value);
    }
    return span;
}

const char* otlpKindName(std::int64_t kind) {
    switch (kind) {
    case 2:
        return "SERVER";
    case 3:
        return "CLIENT";
    case 4:
        return "PRODUCER";
    case 5:
        return "CONSUMER";
    default:
        return ""; // 0 unspecified, 1 internal: Zipkin has no kind for them
    }
}

// An OTLP AnyValue as a tag string: scalars as written, arrays and maps as compact JSON.
std::string otlpValueString(const json& value) {
    if (!value.is_object())
        return tagValue(value);
    if (auto it = value.find("stringValue"); it != value.end())
        return tagValue(*it);
    if (auto it = value.find("boolValue"); it != value.end())
        return it->is_boolean() ? (it->get<bool>() ? "true" : "false") : tagValue(*it);
    if (auto it = value.find("intValue"); it != value.end())
        return tagValue(*it);
    if (auto it = value.find("doubleValue"); it != value.end())
        return tagValue(*it);
    if (auto it = value.find("arrayValue"); it != value.end())
        return it->dump();
    if (auto it = value.find("kvlistValue"); it != value.end())
        return it->dump();
    if (auto it = value.find("bytesValue"); it != value.end())
        return tagValue(*it);
    return std::string();
}

std::map<std::string, std::string> otlpAttributes(const json& attributes) {
    std::map<std::string, std::string> out;
    if (!attributes.is_array())
        return out;
    for (const auto& attribute : attributes) {
        if (!attribute.is_object() || !attribute.contains("key") || !attribute["key"].is_string())
            continue;
        out[attribute["key"].get<std::string>()] =
            attribute.contains("value") ? otlpValueString(attribute["value"]) : "";
    }
    return out;
}

Result<Span> spanFromOtlp(const json& object, const std::string& service) {
    if (!object.is_object())
        return invalidInput("expected a JSON object");
    Span span;
    span.service = service;
    auto traceId = stringField(object, "traceId");
    if (!traceId)
        return traceId.error();
    if (!isHexOfLength(*traceId, {32}))
        return fieldError("traceId", "expected 32 hex characters");
    span.traceId = lower(*traceId);
    auto spanId = stringField(object, "spanId");
    if (!spanId)
        return spanId.error();
    if (!isHexOfLength(*spanId, {16}))
        return fieldError("spanId", "expected 16 hex characters");
    span.spanId = lower(*spanId);
    auto parent = stringField(object, "parentSpanId");
    if (!parent)
        return parent.error();
    if (!parent->empty() && !isHexOfLength(*parent, {16}))
        return fieldError("parentSpanId", "expected 16 hex characters");
    span.parentId = lower(*parent);
    auto name = stringField(object, "name");
    if (!name)
        return name.error();
    span.name = *name;
    auto kind = integerField(object, "kind");
    if (!kind)
        return kind.error();
    span.kind = otlpKindName(*kind);
    auto start = integerField(object, "startTimeUnixNano");
    if (!start)
        return start.error();
    auto end = integerField(object, "endTimeUnixNano");
    if (!end)
        return end.error();
    // fixed64 in OTLP: a negative time is garbage, and rejecting it keeps end - start from overflowing.
    if (*start < 0)
        return fieldError("startTimeUnixNano", "expected a time since the epoch (>= 0)");
    if (*end < 0)
        return fieldError("endTimeUnixNano", "expected a time since the epoch (>= 0)");
    span.startUs = *start / 1000;
    span.durationUs = std::max<std::int64_t>(1, (*end - *start) / 1000);
    span.tags = otlpAttributes(object.value("attributes", json::array()));
    if (auto status = object.find("status"); status != object.end() && status->is_object()) {
        auto code = integerField(*status, "code");
        // Zipkin marks failed spans with an "error" tag carrying the message.
        if (code && *code == 2) {
            auto message = stringField(*status, "message");
            span.tags["error"] = message && !message->empty() ? *message : std::string("error");
        }
        if (code && *code != 0)
            span.tags["otel.status_code"] = *code == 1 ? "OK" : "ERROR";
    }
    return span;
}

std::string indexPrefix(const char* what, std::size_t index) {
    std::ostringstream out;
    out << what << ' ' << index << ": ";
    return out.str();
}

} // namespace

json toZipkinJson(const Span& span) {
    json out = json::object();
    out["traceId"] = span.traceId;
    out["id"] = span.spanId;
    if (!span.parentId.empty())
        out["parentId"] = span.parentId;
    if (!span.name.empty())
        out["name"] = span.name;
    if (!span.kind.empty())
        out["kind"] = span.kind;
    out["timestamp"] = span.startUs;
    out["duration"] = std::max<std::int64_t>(1, span.durationUs);
    if (!span.service.empty())
        out["localEndpoint"] = {{"serviceName", span.service}};
    if (!span.tags.empty())
        out["tags"] = span.tags;
    return out;
}

json toZipkinJson(const std::vector<Span>& spans) {
    json out = json::array();
    for (const auto& span : spans)
        out.push_back(toZipkinJson(span));
    return out;
}

Result<Span> spanFromZipkinJson(const json& span) {
    return spanFromZipkinObject(span);
}

Result<std::vector<Span>> parseZipkinSpans(std::string_view body) {
    json document = json::parse(body.begin(), body.end(), nullptr, false);
    if (document.is_discarded())
        return invalidInput("not valid JSON");
    if (!document.is_array())
        return invalidInput("expected a JSON array of spans");
    std::vector<Span> spans;
    spans.reserve(document.size());
    for (std::size_t i = 0; i < document.size(); ++i) {
        auto span = spanFromZipkinObject(document[i]);
        if (!span)
            return invalidInput(indexPrefix("span", i) + span.error().message);
        spans.push_back(std::move(span).value());
    }
    return spans;
}

Result<std::vector<Span>> parseOtlpJson(std::string_view body) {
    json document = json::parse(body.begin(), body.end(), nullptr, false);
    if (document.is_discarded())
        return invalidInput("not valid JSON");
    if (!document.is_object())
        return invalidInput("expected a JSON object with resourceSpans");
    std::vector<Span> spans;
    const json resourceSpans = document.value("resourceSpans", json::array());
    if (!resourceSpans.is_array())
        return invalidInput("resourceSpans: expected an array");
    for (std::size_t r = 0; r < resourceSpans.size(); ++r) {
        const auto& resource = resourceSpans[r];
        auto prefix = indexPrefix("resourceSpans", r);
        if (!resource.is_object())
            return invalidInput(prefix + "expected an object");
        std::string service;
        if (auto it = resource.find("resource"); it != resource.end() && it->is_object()) {
            auto attributes = otlpAttributes(it->value("attributes", json::array()));
            if (auto name = attributes.find("service.name"); name != attributes.end())
                service = name->second;
        }
        const json scopeSpans = resource.value("scopeSpans", json::array());
        if (!scopeSpans.is_array())
            return invalidInput(prefix + "scopeSpans: expected an array");
        for (std::size_t s = 0; s < scopeSpans.size(); ++s) {
            const json list = scopeSpans[s].is_object() ? scopeSpans[s].value("spans", json::array()) : json();
            if (!list.is_array())
                return invalidInput(prefix + indexPrefix("scopeSpans", s) + "spans: expected an array");
            for (std::size_t i = 0; i < list.size(); ++i) {
                auto span = spanFromOtlp(list[i], service);
                if (!span)
                    return invalidInput(prefix + indexPrefix("scopeSpans", s) + indexPrefix("span", i) +
                                        span.error().message);
                spans.push_back(std::move(span).value());
            }
        }
    }
    return spans;
}

} // namespace faaswb::trace
