// Transfer: one reusable request slot of a load worker — a CURL easy handle whose options are set once for the
// run's RequestSpec, and what is measured while its current request runs. Re-adding the same easy handle to the
// worker's multi handle sends the next request, so nothing is allocated per request and keep-alive connections in
// the multi handle's cache are reused. With a RequestVariation each request gets its own body and extra headers
// (vary()) and, when asked for, its response body is kept. Owned and used by one worker thread.
#pragma once

#include "common/result.h"
#include "load/curl_handles.h"
#include "load/fast_random.h"
#include "load/request.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace faaswb::load {

// The result of one finished request. totalUs and latencyUs come from the worker's own clock (handed to libcurl ->
// seen finished), not CURLINFO_TOTAL_TIME: libcurl stamps its timers with a clock reading it caches across a whole
// curl_multi_perform pass, so with many transfers per pass its totals can miss most of the time a request waited.
struct TransferOutcome {
    ErrorKind error = ErrorKind::None;
    int status = 0;
    std::int64_t dnsUs = 0, connectUs = 0, tlsUs = 0, ttfbUs = 0; // as libcurl reports them
    std::int64_t doneNs = 0;    // when the worker saw it finish, ns since the start of the run
    std::int64_t totalUs = 0;   // sent -> done (uncorrected)
    std::int64_t latencyUs = 0; // intended -> done (corrected)
};

// The spec's headers plus the ones every request needs, as one libcurl list.
Result<HeaderList> requestHeaders(const RequestSpec& request);

class Transfer {
    struct Private {
        explicit Private() = default;
    };

public:
    explicit Transfer(Private) {}
    // sharedHeaders: the worker's header list, used when the transfer needs no list of its own (no trace headers,
    // no variation); must outlive the transfer.
    static Result<std::unique_ptr<Transfer>> create(const RequestSpec& request, curl_slist* sharedHeaders,
                                                    bool traceHeaders);
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    CURL* easy() const noexcept { return m_easy.get(); }
    static Transfer* of(CURL* easy) noexcept;

    // Resets the per-request state; with trace headers, writes a fresh trace id into them.
    void begin(std::uint64_t seq, std::int64_t intendedNs, std::int64_t sentNs, SplitMix64& random) noexcept;
    TransferOutcome finish(CURLcode code, std::int64_t doneNs) const noexcept;
    RequestRecord toRecord(const TransferOutcome& outcome) const;

    // With a RequestVariation, before begin(): asks it for request `index`'s body and extra headers and sets them.
    enum class Varied { Ready, Exhausted, Failed /* out of memory */ };
    Varied vary(RequestVariation& variation, std::uint64_t index);
    // With a RequestVariation, once the request finished: hands it the outcome (and the body after a response).
    void report(RequestVariation& variation, const TransferOutcome& outcome) const;

    std::uint64_t seq() const noexcept { return m_seq; }
    std::int64_t intendedNs() const noexcept { return m_intendedNs; }
    std::int64_t sentNs() const noexcept { return m_sentNs; }
    std::uint64_t bodyBytes() const noexcept { return m_bodyBytes; }
    std::optional<bool> cold() const noexcept { return m_cold; }

    bool busy = false;          // added to the multi handle
    std::int64_t readyAtNs = 0; // closed loop: when this virtual user may send again (think time)

private:
    Status configure(const RequestSpec& request, curl_slist* headers);
    Status buildOwnHeaders(const RequestSpec& request, bool traceHeaders);
    Status addTraceHeaders();
    bool setExtraHeaders();
    void setBody();
    void onHeaderLine(const char* line, std::size_t length);
    static std::size_t onBody(char* data, std::size_t size, std::size_t count, void* self);
    static std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* self);

    EasyHandle m_easy;
    HeaderList m_ownHeaders; // with trace headers or a variation: per transfer, changed in place for every request
    curl_slist* m_fixedTail = nullptr; // the last of m_ownHeaders' fixed headers; a variation's extras follow it
    char* m_traceIdDigits = nullptr;
    char* m_spanIdDigits = nullptr;
    std::uint64_t m_maxBodyBytes = 0;
    bool m_keepBody = false; // the variation wants response bodies
    bool m_headRequest = false;
    bool m_alwaysBody = false; // POST sends a body even when it is empty

    // A variation's request; capacity kept between requests.
    std::uint64_t m_index = 0;
    std::string m_requestBody;
    std::vector<std::pair<std::string, std::string>> m_extraHeaders;
    std::string m_responseBody;

    std::uint64_t m_seq = 0;
    std::int64_t m_intendedNs = 0;
    std::int64_t m_sentNs = 0;
    std::uint64_t m_bodyBytes = 0;
    bool m_bodyTooLarge = false;
    std::optional<bool> m_cold;
    std::string m_instance; // capacity kept between requests
    // libcurl's message for the last failure: a bad chunked encoding shares CURLE_RECV_ERROR with a reset, and only
    // the message tells them apart.
    std::array<char, CURL_ERROR_SIZE> m_curlMessage{};
};

} // namespace faaswb::load
