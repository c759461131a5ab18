// SpanStore: the local platform's bounded in-memory Zipkin store. The gateway and broker add the spans they create;
// POST /api/v2/spans adds what wrappers and any Zipkin client send. Queries follow the Zipkin v2 query API
// (platform-facts §4). When full, the oldest traces are evicted whole. Not thread-safe: the platform thread owns it.
#pragma once

#include "common/result.h"
#include "localplatform/http_server.h"
#include "trace/span.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace faaswb::localplatform {

// Where components report finished spans.
class SpanSink {
public:
    virtual ~SpanSink() = default;
    virtual void add(trace::Span span) = 0;
};

struct TraceQuery {
    std::string serviceName;
    std::string spanName;
    std::string annotationQuery; // "error and http.status_code=500": tag keys or key=value pairs, all required
    std::optional<std::int64_t> minDurationUs;
    std::optional<std::int64_t> maxDurationUs;
    std::optional<std::int64_t> endTsMs;    // default: now
    std::optional<std::int64_t> lookbackMs; // default: endTs (everything)
    std::size_t limit = 10;
};

class SpanStore : public SpanSink {
public:
    explicit SpanStore(std::size_t maxSpans = 200000);

    void add(trace::Span span) override;
    std::vector<std::vector<trace::Span>> traces(const TraceQuery& query) const; // newest first
    std::optional<std::vector<trace::Span>> trace(const std::string& traceId) const;
    std::vector<std::string> services() const;                            // sorted
    std::vector<std::string> spanNames(const std::string& service) const; // sorted
    std::size_t spanCount() const { return m_spanCount; }
    std::uint64_t evictedSpans() const { return m_evicted; }

    // The Zipkin v2 HTTP API: POST /api/v2/spans (JSON; OTLP JSON at POST /v1/traces), GET /api/v2/traces,
    // /api/v2/trace/{id}, /api/v2/services, /api/v2/spans?serviceName=. nullopt when the path is not Zipkin's.
    std::optional<HttpResponse> handle(const HttpRequest& request);

private:
    void evictOldest();

    std::size_t m_maxSpans;
    std::size_t m_spanCount = 0;
    std::uint64_t m_evicted = 0;
    std::map<std::string, std::vector<trace::Span>> m_byTrace; // traceId -> spans
    std::deque<std::string> m_arrival;                         // traceIds in first-seen order
};

} // namespace faaswb::localplatform
