#include "cloud_event.h"

#include "trace_context.h"

#include <algorithm>
#include <cctype>

namespace faaswb::bench {
namespace {

namespace http = boost::beast::http;

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string contentType(const Request& request) {
    const auto value = request[http::field::content_type];
    return std::string(value.data(), value.size());
}

// Attributes in ce-* headers, data in the body (parsed when it is JSON or untyped).
IncomingEvent binaryEvent(const Request& request) {
    nlohmann::json attributes = nlohmann::json::object();
    for (const auto& field : request) {
        const std::string name = lowercase(std::string_view(field.name_string().data(), field.name_string().size()));
        if (name.starts_with("ce-"))
            attributes[name.substr(3)] = std::string(field.value().data(), field.value().size());
    }
    const std::string type = contentType(request);
    if (!type.empty())
        attributes["datacontenttype"] = type;
    IncomingEvent incoming{type.empty() || isJsonType(type) ? parseJson(request.body(), "the CloudEvent data")
                                                            : nlohmann::json(request.body()),
                           EventMode::Binary};
    if (incoming.event.is_object())
        incoming.event["_cloudevent"] = std::move(attributes);
    return incoming;
}

nlohmann::json structuredData(const nlohmann::json& envelope) {
    const auto encoded = envelope.find("data_base64");
    if (encoded == envelope.end())
        return envelope.value("data", nlohmann::json());
    if (!encoded->is_string())
        throw InvalidInput("data_base64 must be a string");
    const std::string raw = decodeBase64(encoded->get<std::string>());
    const std::string type = envelope.value("datacontenttype", std::string());
    return isJsonType(type) ? parseJson(raw, "the CloudEvent data") : nlohmann::json(raw);
}

// One JSON envelope holding the attributes and data (or data_base64).
IncomingEvent structuredEvent(const Request& request) {
    nlohmann::json envelope = parseJson(request.body(), "the CloudEvent");
    if (!envelope.is_object())
        throw InvalidInput("a structured CloudEvent must be a JSON object");
    IncomingEvent incoming{structuredData(envelope), EventMode::Structured};
    envelope.erase("data");
    envelope.erase("data_base64");
    if (incoming.event.is_object())
        incoming.event["_cloudevent"] = std::move(envelope);
    return incoming;
}

int base64Value(char c) {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto position = kAlphabet.find(c);
    return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

} // namespace

std::string mediaType(std::string_view contentType) {
    return lowercase(trim(contentType.substr(0, contentType.find(';'))));
}

bool isJsonType(std::string_view contentType) {
    const std::string media = mediaType(contentType);
    return media == "application/json" || media == "text/json" || media.ends_with("+json");
}

nlohmann::json parseJson(std::string_view text, const std::string& what) {
    if (trim(text).empty())
        return nlohmann::json::object();
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        throw InvalidInput(what + " is not valid JSON: " + error.what());
    }
}

std::string decodeBase64(std::string_view text) {
    std::string decoded;
    decoded.reserve(text.size() * 3 / 4);
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : text) {
        if (c == '=')
            break;
        const int value = base64Value(c);
        if (value < 0)
            throw InvalidInput("data_base64 is not base64");
        buffer = (buffer << 6) | static_cast<unsigned>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            decoded.push_back(static_cast<char>((buffer >> bits) & 0xFFu));
        }
    }
    return decoded;
}

std::string uuid4() {
    std::string hex = randomHex(16);
    hex[12] = '4';                                                   // version 4: random
    hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3]; // variant 10xx (RFC 4122)
    return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' + hex.substr(16, 4) + '-' +
           hex.substr(20);
}

IncomingEvent readEvent(const Request& request) {
    if (request.find("ce-specversion") != request.end())
        return binaryEvent(request);
    if (mediaType(contentType(request)) == kCloudEventsJson)
        return structuredEvent(request);
    return {parseJson(request.body(), "the request body"), EventMode::Plain};
}

nlohmann::json replyAttributes(const std::string& benchmarkId) {
    return {{"specversion", "1.0"},
            {"id", uuid4()},
            {"source", "/faaswb/" + benchmarkId},
            {"type", std::string(kResponseType)}};
}

} // namespace faaswb::bench
