// Span: one Zipkin v2 span, as the platform's trace API returns it. Plain value.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace faaswb::trace {

struct Span {
    std::string traceId;
    std::string spanId;
    std::string parentId; // empty for a root span
    std::string service;  // localEndpoint.serviceName
    std::string name;
    std::string kind;         // CLIENT, SERVER, PRODUCER, CONSUMER or empty
    std::int64_t startUs = 0; // epoch microseconds (Zipkin "timestamp")
    std::int64_t durationUs = 0;
    std::map<std::string, std::string> tags;
};

} // namespace faaswb::trace
