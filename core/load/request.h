// What one request looks like (RequestSpec) and what was measured for it (RequestRecord).
// Plain values; RequestRecords are produced by load workers and handed over in batches, never shared while written.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faaswb::load {

enum class HttpVersion { Http1_1, Http2, Http2PriorKnowledge /* h2c without upgrade */ };

// How a request authenticates, applied by libcurl (so SigV4 signs the exact bytes sent). Holds secrets: never log,
// store or put it into messages.
struct RequestAuth {
    enum class Kind { None, Basic, Bearer, AwsSigV4 };
    Kind kind = Kind::None;
    std::string username;     // Basic: user; AwsSigV4: access key id
    std::string secret;       // Basic: password; Bearer: token; AwsSigV4: secret access key
    std::string sigv4;        // AwsSigV4: CURLOPT_AWS_SIGV4 provider string, e.g. "aws:amz:us-east-1:lambda"
    std::string sessionToken; // AwsSigV4 with temporary credentials: sent as X-Amz-Security-Token (and signed)
};

enum class ErrorKind : std::uint8_t;

// Per-request variation of a RequestSpec (batch records, CloudEvent ids and send times) and a look at each response
// body. Called from load worker threads concurrently: implementations must be thread-safe and quick.
class RequestVariation {
public:
    virtual ~RequestVariation() = default;
    // Just before request `index` is handed to the network (0, 1, 2, ... over the whole drive, each index once, in
    // no particular order across workers): fill in its body (replacing RequestSpec::body) and extra headers
    // (appended to RequestSpec::headers). Return false when there is nothing left to send; the drive then ends
    // once the requests in flight are done.
    virtual bool prepare(std::uint64_t index, std::string& body,
                         std::vector<std::pair<std::string, std::string>>& headers) = 0;
    // Whether onResponse wants the response bodies (kept up to RequestSpec::maxResponseBytes).
    virtual bool wantsResponses() const { return false; }
    // Once request `index` is complete: its status (0 without a response), error kind and body (empty unless
    // wantsResponses() and the whole response arrived, error status or not). Requests aborted when the drain's
    // grace period ends or the drive is cancelled get no call. Open loop with deterministic arrivals: index k is
    // the schedule's k-th arrival; otherwise the indices are handed out in send order.
    virtual void onResponse(std::uint64_t /*index*/, int /*status*/, ErrorKind /*error*/, std::string_view /*body*/) {}
};

struct RequestSpec {
    std::string url;
    std::string method = "GET";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    HttpVersion httpVersion = HttpVersion::Http1_1;
    std::chrono::milliseconds timeout{30'000};
    bool verifyTls = true;                        // turning this off is always an explicit user choice
    std::uint64_t maxResponseBytes = 64ull << 20; // larger responses fail with ErrorKind::TooLarge
    RequestAuth auth;
    std::shared_ptr<RequestVariation> variation; // null: every request is the same
};

// Why a request failed; None for a completed exchange with status < 400.
enum class ErrorKind : std::uint8_t {
    None = 0,
    HttpStatus,     // completed, but status >= 400
    ConnectRefused, // nothing listens there
    ConnectTimeout,
    Timeout, // the per-request timeout passed
    Reset,   // connection reset or closed mid-exchange
    Dns,
    Tls,
    TooLarge,        // response body above RequestSpec::maxResponseBytes
    InvalidResponse, // not HTTP, or malformed
    Other,
};
const char* errorKindName(ErrorKind kind) noexcept; // "http_status", "connect_refused", ... (stable: stored in DB)
constexpr int kErrorKindCount = static_cast<int>(ErrorKind::Other) + 1;

struct RequestRecord {
    std::uint64_t seq = 0;       // unique within a run (worker-interleaved)
    std::int64_t intendedNs = 0; // when the schedule wanted it sent, ns since the run's start
    std::int64_t sentNs = 0;     // when it was actually handed to libcurl
    std::int64_t dnsUs = 0;      // phases as libcurl reports them, cumulative from the start of the transfer
    std::int64_t connectUs = 0;
    std::int64_t tlsUs = 0;
    std::int64_t ttfbUs = 0;
    std::int64_t totalUs = 0;   // service time: sent -> last byte (uncorrected)
    std::int64_t latencyUs = 0; // intended -> last byte (corrected; equals totalUs for closed-loop load)
    int status = 0;             // HTTP status, 0 when no response
    std::uint64_t bytes = 0;    // response body bytes
    ErrorKind error = ErrorKind::None;
    std::optional<bool> cold; // X-Faaswb-Cold when the response carried it
    std::string instance;     // X-Faaswb-Instance when the response carried it
    std::string traceId;      // X-B3-TraceId / traceparent of the request, when sent
};

} // namespace faaswb::load
