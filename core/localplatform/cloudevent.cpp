// The CloudEvents 1.0 HTTP protocol binding (cloudevents/spec http-protocol-binding.md and json-format.md): binary and
// structured mode in both directions. Batched mode is recognised and refused.
#include "localplatform/broker.h"

#include "common/encoding.h"
#include "localplatform/broker_internal.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace faaswb::localplatform {
namespace {

constexpr std::string_view cePrefix = "ce-";
constexpr std::string_view structuredType = "application/cloudevents+json";
constexpr std::string_view batchType = "application/cloudevents-batch+json";
constexpr std::array<std::string_view, 4> requiredAttributes = {"specversion", "id", "source", "type"};
// Members of the JSON format that are not context attributes.
constexpr std::array<std::string_view, 3> payloadMembers = {"data", "data_base64", "datacontenttype"};

std::string lowercase(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && lowercase(text.substr(0, prefix.size())) == prefix;
}

// findHeader() without depending on the HTTP server's translation unit.
std::optional<std::string_view> headerValue(const HttpHeaders& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (key.size() == name.size() && startsWithNoCase(key, name))
            return std::string_view(value);
    return std::nullopt;
}

// "application/cloudevents+json; charset=utf-8" -> "application/cloudevents+json"
std::string mediaType(std::string_view contentType) {
    const auto semicolon = contentType.find(';');
    std::string_view type = contentType.substr(0, semicolon);
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
        type.remove_suffix(1);
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t'))
        type.remove_prefix(1);
    return lowercase(type);
}

bool isJsonMediaType(std::string_view contentType) {
    const std::string type = mediaType(contentType);
    return type.empty() || type == "application/json" || type == "text/json" || type.ends_with("+json");
}

// Attribute names are lowercase ASCII letters and digits (spec "Attribute Naming Convention").
bool isValidAttributeName(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(),
                                        [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

Status checkRequired(const CloudEvent& event) {
    std::string missing;
    for (const auto name : requiredAttributes) {
        const auto found = event.attributes.find(std::string(name));
        if (found == event.attributes.end() || found->second.empty())
            missing += (missing.empty() ? "" : ", ") + std::string(name);
    }
    if (!missing.empty())
        return invalidInput("missing required CloudEvents attribute(s): " + missing);
    const std::string& version = event.attributes.at("specversion");
    if (version != "1.0")
        return invalidInput("unsupported specversion \"" + version + "\" (only 1.0 is supported)");
    return {};
}

Result<CloudEvent> parseBinary(const HttpRequest& request) {
    CloudEvent event;
    for (const auto& [key, value] : request.headers) {
        if (!startsWithNoCase(key, cePrefix))
            continue;
        const std::string name = lowercase(std::string_view(key).substr(cePrefix.size()));
        if (!isValidAttributeName(name))
            return invalidInput("invalid CloudEvents attribute header \"" + key +
                                "\" (names are lowercase letters and digits)");
        // Binary mode carries datacontenttype only in Content-Type; a stray ce-datacontenttype is not an attribute.
        if (name != "datacontenttype")
            event.attributes[name] = percentDecodeHeaderValue(value);
    }
    if (auto contentType = headerValue(request.headers, "content-type"))
        event.dataContentType = std::string(*contentType);
    event.data = request.body;
    if (auto status = checkRequired(event); !status)
        return status.error();
    return event;
}

// A JSON attribute value as a string: strings as is, numbers and booleans (typed extensions) in JSON notation.
Result<std::string> attributeText(const std::string& name, const nlohmann::json& value) {
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number() || value.is_boolean())
        return value.dump();
    return invalidInput("CloudEvents attribute \"" + name + "\" must be a string, number or boolean");
}

Status readStructuredData(const nlohmann::json& object, CloudEvent& event) {
    const bool hasData = object.contains("data");
    const bool hasBase64 = object.contains("data_base64");
    if (hasData && hasBase64)
        return invalidInput("structured event has both data and data_base64");
    if (hasBase64) {
        const auto& encoded = object.at("data_base64");
        auto bytes = encoded.is_string() ? base64Decode(encoded.get<std::string>()) : std::nullopt;
        if (!bytes)
            return invalidInput("data_base64 is not valid base64");
        event.data = std::move(*bytes);
        return {};
    }
    if (!hasData)
        return {};
    const auto& data = object.at("data");
    // JSON data stays JSON; a string under a non-JSON content type is the payload text itself (json-format.md 3.1).
    if (data.is_string() && !isJsonMediaType(event.dataContentType)) {
        event.data = data.get<std::string>();
        return {};
    }
    event.data = data.dump();
    if (event.dataContentType.empty())
        event.dataContentType = "application/json";
    return {};
}

Result<CloudEvent> parseStructured(const HttpRequest& request) {
    nlohmann::json object = nlohmann::json::parse(request.body, nullptr, false);
    if (object.is_discarded())
        return invalidInput("structured event body is not valid JSON");
    if (!object.is_object())
        return invalidInput("structured event body must be a JSON object");
    CloudEvent event;
    for (const auto& [name, value] : object.items()) {
        if (std::find(payloadMembers.begin(), payloadMembers.end(), name) != payloadMembers.end() || value.is_null())
            continue;
        if (!isValidAttributeName(name))
            return invalidInput("invalid CloudEvents attribute name \"" + name +
                                "\" (names are lowercase letters and digits)");
        auto text = attributeText(name, value);
        if (!text)
            return text.error();
        event.attributes[name] = std::move(text.value());
    }
    if (object.contains("datacontenttype")) {
        if (!object.at("datacontenttype").is_string())
            return invalidInput("CloudEvents attribute \"datacontenttype\" must be a string");
        event.dataContentType = object.at("datacontenttype").get<std::string>();
    }
    if (auto status = readStructuredData(object, event); !status)
        return status.error();
    if (auto status = checkRequired(event); !status)
        return status.error();
    return event;
}

HttpRequest postRequest() {
    HttpRequest request;
    request.method = "POST";
    request.target = "/";
    request.path = "/";
    return request;
}

} // namespace

namespace detail {


bool isUtf8Text(std::string_view bytes) {
    std::size_t continuation = 0;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (continuation > 0) {
            if ((byte & 0xC0u) != 0x80u)
                return false;
            --continuation;
        } else if (byte < 0x20 && byte != '\n' && byte != '\r' && byte != '\t') {
            return false;
        } else if (byte >= 0x80) {
            if ((byte & 0xE0u) == 0xC0u)
                continuation = 1;
            else if ((byte & 0xF0u) == 0xE0u)
                continuation = 2;
            else if ((byte & 0xF8u) == 0xF0u)
                continuation = 3;
            else
                return false;
        }
    }
    return continuation == 0;
}

} // namespace detail

std::string percentEncodeHeaderValue(std::string_view value) {
    static constexpr std::string_view hex = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(value.size());
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x21 || byte > 0x7E || c == '"' || c == '%') {
            encoded.push_back('%');
            encoded.push_back(hex[byte >> 4]);
            encoded.push_back(hex[byte & 0x0Fu]);
        } else {
            encoded.push_back(c);
        }
    }
    return encoded;
}

std::string percentDecodeHeaderValue(std::string_view value) {
    std::string decoded;
    decoded.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        const int high = value[i] == '%' && i + 2 < value.size() ? hexDigitValue(value[i + 1]) : -1;
        const int low = high >= 0 ? hexDigitValue(value[i + 2]) : -1;
        if (low < 0) {
            decoded.push_back(value[i]);
            continue;
        }
        decoded.push_back(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return decoded;
}

bool isCloudEventMessage(const HttpHeaders& headers) {
    if (headerValue(headers, "ce-specversion"))
        return true;
    const auto contentType = headerValue(headers, "content-type");
    return contentType && mediaType(*contentType).starts_with("application/cloudevents");
}

Result<CloudEvent> parseCloudEvent(const HttpRequest& request) {
    const auto contentType = headerValue(request.headers, "content-type");
    const std::string type = contentType ? mediaType(*contentType) : std::string();
    if (type == batchType)
        return invalidInput("batched mode is not supported");
    if (type == structuredType)
        return parseStructured(request);
    if (type.starts_with("application/cloudevents"))
        return invalidInput("unsupported event format \"" + type + "\" (only application/cloudevents+json)");
    return parseBinary(request);
}

HttpRequest binaryCloudEventRequest(const CloudEvent& event) {
    HttpRequest request = postRequest();
    for (const auto& [name, value] : event.attributes)
        if (name != "datacontenttype")
            request.headers.emplace_back("ce-" + name, percentEncodeHeaderValue(value));
    if (!event.dataContentType.empty())
        request.headers.emplace_back("Content-Type", event.dataContentType);
    request.body = event.data;
    return request;
}

HttpRequest structuredCloudEventRequest(const CloudEvent& event) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [name, value] : event.attributes)
        object[name] = value;
    if (!event.dataContentType.empty())
        object["datacontenttype"] = event.dataContentType;
    if (!event.data.empty()) {
        const bool json = isJsonMediaType(event.dataContentType);
        nlohmann::json value = json ? nlohmann::json::parse(event.data, nullptr, false)
                                    : nlohmann::json(nlohmann::json::value_t::discarded);
        if (!value.is_discarded())
            object["data"] = std::move(value);
        else if (!json && detail::isUtf8Text(event.data))
            object["data"] = event.data;
        else
            object["data_base64"] = base64Encode(event.data);
    }
    HttpRequest request = postRequest();
    request.headers.emplace_back("Content-Type", std::string(structuredType) + "; charset=utf-8");
    // Attribute values are bytes from headers: replace invalid UTF-8 rather than throw.
    request.body = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return request;
}

} // namespace faaswb::localplatform
