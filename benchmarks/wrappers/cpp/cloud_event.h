// Reading a request into the handler's event: a plain JSON body, or a CloudEvent in binary mode (ce-* headers)
// or structured mode (application/cloudevents+json), whose attributes go under "_cloudevent" when the data is an
// object (benchmarks/README.md). Pure functions of the request; safe on any thread. Throw InvalidInput for 400s.
#pragma once

#include "function_api.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

namespace faaswb::bench {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

enum class EventMode { Plain, Binary, Structured };

struct IncomingEvent {
    nlohmann::json event;
    EventMode mode = EventMode::Plain;
};

inline constexpr std::string_view kCloudEventsJson = "application/cloudevents+json";
inline constexpr std::string_view kResponseType = "dev.faaswb.response";

IncomingEvent readEvent(const Request& request);

// The attributes of a reply event: specversion, a fresh id, source /faaswb/<benchmark-id>, type.
nlohmann::json replyAttributes(const std::string& benchmarkId);

// Helpers shared with the host, exposed for tests.
std::string mediaType(std::string_view contentType); // "application/json; charset=utf-8" -> "application/json"
bool isJsonType(std::string_view contentType);       // application/json, text/json, anything +json
nlohmann::json parseJson(std::string_view text, const std::string& what); // {} for blank text
std::string decodeBase64(std::string_view text);                          // throws InvalidInput
std::string uuid4();

} // namespace faaswb::bench
