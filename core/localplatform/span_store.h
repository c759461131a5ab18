// SpanStore: the local platform's bounded in-memory Zipkin store. The gateway and broker add the spans they create;
// POST /api/v2/spans adds what wrappers and any Zipkin client send. Queries follow the Zipkin v2 query API
// (platform-facts §4). When full, the oldest traces are evicted whole. With a SpanExporter attached, every span it
// ingests is also forwarded (`local-platform --export-spans URL`). Not thread-safe: the platform thread owns both.
#pragma once

#include "common/result.h"
#include "localplatform/http_server.h"
#include "trace/span.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace faaswb::localplatform {

class HttpClient;

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

struct SpanExportStats {
    std::uint64_t sent = 0;    // spans the receiver accepted (2xx)
    std::uint64_t failed = 0;  // spans in POSTs that failed (connection, non-2xx)
    std::uint64_t dropped = 0; // spans dropped because the receiver could not keep up
};

// Forwards spans to a Zipkin v2 endpoint (POST JSON array) through the platform's asynchronous HttpClient: spans are
// buffered and sent at most every 100 ms or per 500, with a few POSTs in flight, so the platform thread never waits
// for the receiver. Failures are counted, never fatal.
class SpanExporter {
public:
    // InvalidInput unless `url` is http://host[:port]/path.
    static Result<std::unique_ptr<SpanExporter>> create(boost::asio::io_context& io, HttpClient& client,
                                                        const std::string& url);
    ~SpanExporter();
    SpanExporter(const SpanExporter&) = delete;
    SpanExporter& operator=(const SpanExporter&) = delete;

    void add(const trace::Span& span);
    // Sends nothing more (call before the HttpClient stops); buffered spans are dropped.
    void stop();
    SpanExportStats stats() const;

    class State; // defined in span_store.cpp: only create() can make one
    explicit SpanExporter(std::shared_ptr<State> state);

private:
    std::shared_ptr<State> m_state;
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
    // Every span added from now on is also given to `exporter` (null: none). Not owned.
    void setExporter(SpanExporter* exporter) { m_exporter = exporter; }

    // The Zipkin v2 HTTP API: POST /api/v2/spans (JSON; OTLP JSON at POST /v1/traces), GET /api/v2/traces,
    // /api/v2/trace/{id}, /api/v2/services, /api/v2/spans?serviceName=. nullopt when the path is not Zipkin's.
    std::optional<HttpResponse> handle(const HttpRequest& request);

private:
    void evictOldest();
    // The traces `query` selects, newest first, as they are stored (spans in arrival order).
    std::vector<const std::vector<trace::Span>*> matchingTraces(const TraceQuery& query) const;

    std::size_t m_maxSpans;
    SpanExporter* m_exporter = nullptr;
    std::size_t m_spanCount = 0;
    std::uint64_t m_evicted = 0;
    std::map<std::string, std::vector<trace::Span>> m_byTrace; // traceId -> spans
    std::deque<std::string> m_arrival;                         // traceIds in first-seen order
};

} // namespace faaswb::localplatform
