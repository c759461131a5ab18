#include "load/transfer.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>
#include <vector>

namespace faaswb::load {
namespace {

constexpr std::string_view kTraceIdHeader = "X-B3-TraceId: ";
constexpr std::string_view kSpanIdHeader = "X-B3-SpanId: ";
constexpr std::size_t kTraceIdDigits = 32;
constexpr std::size_t kSpanIdDigits = 16;

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

void writeHex(std::uint64_t value, char* out) noexcept {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i, value >>= 4)
        out[i] = kDigits[value & 0xf];
}

long curlHttpVersion(HttpVersion version) {
    switch (version) {
    case HttpVersion::Http2:
        return CURL_HTTP_VERSION_2TLS;
    case HttpVersion::Http2PriorKnowledge:
        return CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    case HttpVersion::Http1_1:
        break;
    }
    return CURL_HTTP_VERSION_1_1;
}

std::int64_t timeInfo(CURL* easy, CURLINFO info) {
    curl_off_t value = 0;
    return curl_easy_getinfo(easy, info, &value) == CURLE_OK ? static_cast<std::int64_t>(value) : 0;
}

// Sets options in order and remembers the first failure, so configure() reads as a plain list.
class OptionSetter {
public:
    explicit OptionSetter(CURL* easy)
        : m_easy(easy) {}
    template <class T>
    OptionSetter& operator()(CURLoption option, T value) {
        if (m_failed == CURLE_OK)
            m_failed = curl_easy_setopt(m_easy, option, value);
        return *this;
    }
    CURLcode result() const { return m_failed; }

private:
    CURL* m_easy;
    CURLcode m_failed = CURLE_OK;
};

void setMethod(OptionSetter& set, const RequestSpec& request) {
    if (request.method == "HEAD") {
        set(CURLOPT_NOBODY, 1L);
    } else if (!request.body.empty() || request.method == "POST") {
        // The body is sent from the RequestSpec's own buffer (no copy): the spec outlives every transfer.
        set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        set(CURLOPT_POSTFIELDS, request.body.data());
        if (request.method != "POST")
            set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method != "GET") {
        set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
}

// libcurl 7.88 signs the query string as written, but AWS signs it with its parameters sorted, so an unsorted query
// would be rejected (403). Parameter order means nothing to AWS APIs: send them sorted, then both agree.
std::string sigv4Url(const std::string& url) {
    const auto question = url.find('?');
    if (question == std::string::npos)
        return url;
    const auto fragment = url.find('#', question);
    const std::string query =
        url.substr(question + 1, fragment == std::string::npos ? std::string::npos : fragment - question - 1);
    std::vector<std::string> parameters;
    for (std::size_t start = 0; start <= query.size();) {
        const auto amp = std::min(query.find('&', start), query.size());
        if (amp > start)
            parameters.push_back(query.substr(start, amp - start));
        start = amp + 1;
    }
    std::sort(parameters.begin(), parameters.end());
    std::string sorted = url.substr(0, question + 1);
    for (const auto& parameter : parameters)
        sorted += (sorted.back() == '?' ? "" : "&") + parameter;
    return sorted;
}

// Credentials are handed to libcurl once per easy handle (it copies them), so they cost nothing per request. SigV4
// is computed by libcurl for every request over the exact method, URL, headers and body it sends.
void setAuth(OptionSetter& set, const RequestAuth& auth) {
    switch (auth.kind) {
    case RequestAuth::Kind::Basic:
        set(CURLOPT_USERNAME, auth.username.c_str())(CURLOPT_PASSWORD, auth.secret.c_str());
        set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        break;
    case RequestAuth::Kind::Bearer:
        set(CURLOPT_XOAUTH2_BEARER, auth.secret.c_str())(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER));
        break;
    case RequestAuth::Kind::AwsSigV4:
        set(CURLOPT_USERNAME, auth.username.c_str())(CURLOPT_PASSWORD, auth.secret.c_str());
        set(CURLOPT_AWS_SIGV4, auth.sigv4.c_str());
        break;
    case RequestAuth::Kind::None:
        break;
    }
}

} // namespace

Result<HeaderList> requestHeaders(const RequestSpec& request) {
    HeaderList list;
    for (const auto& [name, value] : request.headers)
        if (!appendHeader(list, name + ": " + value))
            return internalError("out of memory building request headers");
    // Temporary AWS credentials need their session token in a header; libcurl signs every header in the list.
    const RequestAuth& auth = request.auth;
    if (auth.kind == RequestAuth::Kind::AwsSigV4 && !auth.sessionToken.empty() &&
        !appendHeader(list, "X-Amz-Security-Token: " + auth.sessionToken))
        return internalError("out of memory building request headers");
    // libcurl would send "Expect: 100-continue" for large bodies and then wait up to a second for a 100 that many
    // servers never send; that wait would be measured as latency.
    if (!appendHeader(list, "Expect:"))
        return internalError("out of memory building request headers");
    return list;
}

Result<std::unique_ptr<Transfer>> Transfer::create(const RequestSpec& request, curl_slist* sharedHeaders,
                                                   bool traceHeaders) {
    auto transfer = std::make_unique<Transfer>(Private{});
    transfer->m_easy.reset(curl_easy_init());
    if (!transfer->m_easy)
        return internalError("libcurl could not create a transfer handle");
    transfer->m_maxBodyBytes = request.maxResponseBytes;
    transfer->m_keepBody = request.variation && request.variation->wantsResponses();
    transfer->m_headRequest = request.method == "HEAD";
    transfer->m_alwaysBody = request.method == "POST";
    const bool ownHeaders = traceHeaders || request.variation;
    if (ownHeaders) {
        if (Status built = transfer->buildOwnHeaders(request, traceHeaders); !built)
            return built.error();
    }
    const Status configured = transfer->configure(request, ownHeaders ? transfer->m_ownHeaders.get() : sharedHeaders);
    if (!configured)
        return configured.error();
    return transfer;
}

Transfer* Transfer::of(CURL* easy) noexcept {
    void* self = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &self);
    return static_cast<Transfer*>(self);
}

Status Transfer::configure(const RequestSpec& request, curl_slist* headers) {
    OptionSetter set(m_easy.get());
    const std::string url =
        request.auth.kind == RequestAuth::Kind::AwsSigV4 ? sigv4Url(request.url) : request.url; // libcurl copies it
    set(CURLOPT_URL, url.c_str())(CURLOPT_PRIVATE, this)(CURLOPT_NOSIGNAL, 1L)(CURLOPT_TCP_NODELAY, 1L);
    set(CURLOPT_TCP_KEEPALIVE, 1L)(CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    set(CURLOPT_SSL_VERIFYPEER, request.verifyTls ? 1L : 0L)(CURLOPT_SSL_VERIFYHOST, request.verifyTls ? 2L : 0L);
    set(CURLOPT_HTTP_VERSION, curlHttpVersion(request.httpVersion))(CURLOPT_HTTPHEADER, headers);
    set(CURLOPT_USERAGENT, "faas-workbench/" FAASWB_VERSION)(CURLOPT_ERRORBUFFER, m_curlMessage.data());
    set(CURLOPT_WRITEFUNCTION, &Transfer::onBody)(CURLOPT_WRITEDATA, this);
    set(CURLOPT_HEADERFUNCTION, &Transfer::onHeader)(CURLOPT_HEADERDATA, this);
    if (request.maxResponseBytes > 0)
        set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.maxResponseBytes));
    // HTTP/2: wait for a connection that can multiplex rather than opening one per concurrent request.
    if (request.httpVersion != HttpVersion::Http1_1)
        set(CURLOPT_PIPEWAIT, 1L);
    setMethod(set, request);
    // A varied body comes per request (setBody()); the method must not turn into POST when one does.
    if (request.variation && !m_headRequest && !m_alwaysBody)
        set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    setAuth(set, request.auth);
    if (set.result() != CURLE_OK)
        return invalidInput(std::string("libcurl rejected the request options: ") + curl_easy_strerror(set.result()));
    return {};
}

Status Transfer::buildOwnHeaders(const RequestSpec& request, bool traceHeaders) {
    auto list = requestHeaders(request);
    if (!list)
        return list.error();
    m_ownHeaders = std::move(*list);
    if (traceHeaders) {
        if (Status added = addTraceHeaders(); !added)
            return added;
    }
    m_fixedTail = m_ownHeaders.get();
    while (m_fixedTail->next)
        m_fixedTail = m_fixedTail->next;
    return {};
}

// The trace headers get fixed-width placeholder digits once; begin() overwrites the digits in place, which
// libcurl allows because it reads CURLOPT_HTTPHEADER's list only while it builds each request.
Status Transfer::addTraceHeaders() {
    curl_slist* traceId = appendHeader(m_ownHeaders, std::string(kTraceIdHeader) + std::string(kTraceIdDigits, '0'));
    curl_slist* spanId = appendHeader(m_ownHeaders, std::string(kSpanIdHeader) + std::string(kSpanIdDigits, '0'));
    if (!traceId || !spanId || !appendHeader(m_ownHeaders, "X-B3-Sampled: 1"))
        return internalError("out of memory building trace headers");
    m_traceIdDigits = traceId->data + kTraceIdHeader.size();
    m_spanIdDigits = spanId->data + kSpanIdHeader.size();
    return {};
}

Transfer::Varied Transfer::vary(RequestVariation& variation, std::uint64_t index) {
    m_index = index;
    m_requestBody.clear();
    m_extraHeaders.clear();
    if (!variation.prepare(index, m_requestBody, m_extraHeaders))
        return Varied::Exhausted;
    setBody();
    return setExtraHeaders() ? Varied::Ready : Varied::Failed;
}

// The body is sent from the transfer's own buffer (no copy), which stays untouched until the next vary().
void Transfer::setBody() {
    CURL* easy = m_easy.get();
    if (m_headRequest)
        return;
    if (m_requestBody.empty() && !m_alwaysBody) {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L); // a custom method (CURLOPT_CUSTOMREQUEST) stays set
        return;
    }
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(m_requestBody.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, m_requestBody.data());
}

// The extra headers hang off the fixed ones' tail, replaced for every request while the transfer is idle (libcurl
// reads the list only while it builds a request). "Name;" is libcurl's spelling of a header with an empty value:
// "Name:" would remove the header instead.
bool Transfer::setExtraHeaders() {
    curl_slist_free_all(m_fixedTail->next);
    m_fixedTail->next = nullptr;
    std::string line;
    for (const auto& [name, value] : m_extraHeaders) {
        line.assign(name).append(value.empty() ? ";" : ": ").append(value);
        if (!curl_slist_append(m_fixedTail, line.c_str()))
            return false;
    }
    return true;
}

// Only a request that got its whole response has a body to show.
void Transfer::report(RequestVariation& variation, const TransferOutcome& outcome) const {
    const bool answered = outcome.error == ErrorKind::None || outcome.error == ErrorKind::HttpStatus;
    variation.onResponse(m_index, outcome.status, outcome.error,
                         answered ? std::string_view(m_responseBody) : std::string_view{});
}

void Transfer::begin(std::uint64_t seq, std::int64_t intendedNs, std::int64_t sentNs, SplitMix64& random) noexcept {
    m_seq = seq;
    m_intendedNs = intendedNs;
    m_sentNs = sentNs;
    m_bodyBytes = 0;
    m_bodyTooLarge = false;
    m_curlMessage[0] = '\0';
    m_responseBody.clear();
    m_cold.reset();
    m_instance.clear();
    if (!m_traceIdDigits)
        return;
    writeHex(random.next(), m_traceIdDigits);
    writeHex(random.next(), m_traceIdDigits + 16);
    writeHex(random.next(), m_spanIdDigits);
}

TransferOutcome Transfer::finish(CURLcode code, std::int64_t doneNs) const noexcept {
    CURL* easy = m_easy.get();
    TransferOutcome outcome;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    outcome.status = static_cast<int>(status);
    outcome.dnsUs = timeInfo(easy, CURLINFO_NAMELOOKUP_TIME_T);
    outcome.connectUs = timeInfo(easy, CURLINFO_CONNECT_TIME_T);
    outcome.tlsUs = timeInfo(easy, CURLINFO_APPCONNECT_TIME_T);
    outcome.ttfbUs = timeInfo(easy, CURLINFO_STARTTRANSFER_TIME_T);
    outcome.doneNs = doneNs;
    outcome.totalUs = (doneNs - m_sentNs) / 1000;
    outcome.latencyUs = (doneNs - m_intendedNs) / 1000;
    long requestBytes = 0;
    if (code != CURLE_OK)
        curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &requestBytes);
    outcome.error = classifyCurlResult(code, requestBytes > 0, m_bodyTooLarge);
    if (outcome.error == ErrorKind::Reset && isProtocolViolation(m_curlMessage.data()))
        outcome.error = ErrorKind::InvalidResponse;
    if (outcome.error == ErrorKind::None && outcome.status >= 400)
        outcome.error = ErrorKind::HttpStatus;
    return outcome;
}

RequestRecord Transfer::toRecord(const TransferOutcome& outcome) const {
    RequestRecord record;
    record.seq = m_seq;
    record.intendedNs = m_intendedNs;
    record.sentNs = m_sentNs;
    record.dnsUs = outcome.dnsUs;
    record.connectUs = outcome.connectUs;
    record.tlsUs = outcome.tlsUs;
    record.ttfbUs = outcome.ttfbUs;
    record.totalUs = outcome.totalUs;
    record.latencyUs = outcome.latencyUs;
    record.status = outcome.status;
    record.bytes = m_bodyBytes;
    record.error = outcome.error;
    record.cold = m_cold;
    record.instance = m_instance;
    if (m_traceIdDigits)
        record.traceId.assign(m_traceIdDigits, kTraceIdDigits);
    return record;
}

// The body is counted, and kept only for a variation that wants it. Returning less than offered makes libcurl fail
// with CURLE_WRITE_ERROR.
std::size_t Transfer::onBody(char* data, std::size_t size, std::size_t count, void* self) {
    auto* transfer = static_cast<Transfer*>(self);
    transfer->m_bodyBytes += size * count;
    if (transfer->m_maxBodyBytes > 0 && transfer->m_bodyBytes > transfer->m_maxBodyBytes) {
        transfer->m_bodyTooLarge = true;
        return 0;
    }
    if (transfer->m_keepBody)
        transfer->m_responseBody.append(data, size * count);
    return size * count;
}

std::size_t Transfer::onHeader(char* data, std::size_t size, std::size_t count, void* self) {
    static_cast<Transfer*>(self)->onHeaderLine(data, size * count);
    return size * count;
}

void Transfer::onHeaderLine(const char* line, std::size_t length) {
    const std::string_view text(line, length);
    if (startsWithNoCase(text, "HTTP/")) { // a new response (after a 1xx): forget the previous one's headers
        m_instance.clear();
        m_cold.reset();
    } else if (startsWithNoCase(text, "X-Faaswb-Instance:")) {
        m_instance.assign(trimmed(text.substr(std::strlen("X-Faaswb-Instance:"))));
    } else if (startsWithNoCase(text, "X-Faaswb-Cold:")) {
        m_cold = trimmed(text.substr(std::strlen("X-Faaswb-Cold:"))) == "1";
    }
}

} // namespace faaswb::load
