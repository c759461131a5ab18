// TraceSource: where a platform adapter gets the spans of a run — a Zipkin v2 query API, or the workbench's own OTLP
// receiver that functions export to while the run lasts. Both give the same trace::Span model, so the per-hop
// breakdown (trace/breakdown.h) does not care where spans came from.
// spans() is called from the runner thread; an OtlpReceiver collects on its own I/O thread and is thread-safe.
#pragma once

#include "common/result.h"
#include "platform/platform.h"
#include "trace/span.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace faaswb::platform {

class TraceSource {
public:
    virtual ~TraceSource() = default;
    // Spans whose start lies in the window (a little slack either side is fine; the caller filters by trace).
    virtual Result<std::vector<trace::Span>> spans(const TimeWindow& window) = 0;
    // "zipkin http://127.0.0.1:9411" or "otlp receiver 127.0.0.1:4318", for the run's environment record.
    virtual std::string describe() const = 0;
};

struct ZipkinQueryOptions {
    std::string serviceName; // empty: every service (GET /api/v2/services, then one query per service)
    int limit = 10000;       // traces per query
    bool verifyTls = true;
    std::chrono::milliseconds timeout{30000};
};

// GET {baseUrl}/api/v2/traces?serviceName=&endTs=&lookback=&limit= (platform-facts §4). baseUrl is the Zipkin root,
// e.g. http://127.0.0.1:9411. InvalidInput when the URL is not http(s).
Result<std::unique_ptr<TraceSource>> zipkinTraceSource(const std::string& baseUrl, ZipkinQueryOptions options = {});
// GET {baseUrl}/api/v2/trace/{traceId}: one trace's spans; NotFound-style Platform error when Zipkin answers 404.
Result<std::vector<trace::Span>> fetchZipkinTrace(const std::string& baseUrl, const std::string& traceId,
                                                  const ZipkinQueryOptions& options = {});

// Listens on `address` ("127.0.0.1:4318"; port 0 = ephemeral) from creation until destroyed and keeps the spans
// POSTed to /v1/traces (OTLP/HTTP JSON) and /api/v2/spans (Zipkin v2 JSON), bounded (oldest dropped first).
// Binding to a non-loopback address is refused unless allowRemote (then a warning goes to stderr).
class OtlpReceiver : public TraceSource {
public:
    static Result<std::unique_ptr<OtlpReceiver>> start(const std::string& address, bool allowRemote = false,
                                                       std::size_t maxSpans = 1'000'000);
    // The address actually bound, "127.0.0.1:PORT".
    virtual std::string address() const = 0;
    // Spans received so far (for progress and tests).
    virtual std::size_t received() const = 0;
};

} // namespace faaswb::platform
