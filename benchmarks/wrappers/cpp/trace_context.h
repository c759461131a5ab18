// SpanContext: this invocation's SERVER span in Zipkin terms: a child of the incoming B3 (X-B3-*) or W3C
// (traceparent) context, or the root of a new trace, plus the headers an outgoing call forwards. A plain value,
// made and used on one handler thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace faaswb::bench {

// Looks a request header up by name (case-insensitive); empty when absent.
using HeaderLookup = std::function<std::string(std::string_view name)>;

struct SpanTimes {
    std::int64_t beginUs = 0; // epoch microseconds
    std::int64_t endUs = 0;
};

class SpanContext {
public:
    explicit SpanContext(const HeaderLookup& header);

    const std::string& traceId() const { return m_traceId; }
    const std::string& spanId() const { return m_spanId; }
    const std::string& parentId() const { return m_parentId; } // empty for a new trace
    bool sampled() const { return m_sampled; }

    // B3 and traceparent naming this span as the parent of whatever the handler calls next.
    std::map<std::string, std::string> outgoingHeaders() const;
    // One span in Zipkin v2 JSON (an element of the array POSTed to /api/v2/spans).
    nlohmann::json toZipkin(const std::string& service, SpanTimes times,
                            const std::map<std::string, std::string>& tags) const;

private:
    bool readB3(const HeaderLookup& header);
    bool readTraceparent(const HeaderLookup& header);

    std::string m_traceId;
    std::string m_spanId;
    std::string m_parentId;
    bool m_sampled = true;
};

std::string randomHex(std::size_t bytes); // lowercase hex from a per-thread generator
std::int64_t epochMicros();

} // namespace faaswb::bench
