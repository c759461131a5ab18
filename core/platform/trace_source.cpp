// The Zipkin v2 query client (platform-facts §4): blocking libcurl GETs on the caller's (runner) thread.
#include "platform/trace_source.h"

#include "load/curl_handles.h"
#include "trace/zipkin_json.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

namespace faaswb::platform {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxBodyBytes = 512u << 20;          // a day of traces is tens of MiB; more is a runaway answer
constexpr std::chrono::milliseconds kSlack{5000};          // spans are stamped by other clocks than ours
constexpr std::chrono::milliseconds kMinSplitWindow{1000}; // below this a full answer is not split further
constexpr int kMaxSplitDepth = 10;

struct HttpAnswer {
    long status = 0;
    std::string body;
};

struct BodySink {
    std::string body;
    bool tooLarge = false;
};

std::size_t appendBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<BodySink*>(user);
    const std::size_t bytes = size * count;
    if (sink->body.size() + bytes > kMaxBodyBytes) {
        sink->tooLarge = true;
        return 0; // makes curl fail with CURLE_WRITE_ERROR
    }
    sink->body.append(data, bytes);
    return bytes;
}

// The URL without user:password@, which must never reach a message.
std::string redactUrl(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos)
        return url;
    const auto hostStart = scheme + 3;
    const auto at = url.find('@', hostStart);
    if (at == std::string::npos || at > url.find('/', hostStart))
        return url;
    return url.substr(0, hostStart) + "(credentials redacted)@" + url.substr(at + 1);
}

std::string trimSlash(std::string url) {
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url;
}

std::string percentEncode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string transferError(CURLcode code, const BodySink& sink, std::chrono::milliseconds timeout) {
    if (code == CURLE_OPERATION_TIMEDOUT)
        return "timed out after " + std::to_string(timeout.count()) +
               " ms (raise the trace query timeout, or query a shorter window)";
    if (sink.tooLarge)
        return "answer larger than " + std::to_string(kMaxBodyBytes >> 20) + " MiB (lower the query limit)";
    std::string message = curl_easy_strerror(code);
    if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST)
        message += " (is Zipkin running and reachable at this address?)";
    if (code == CURLE_PEER_FAILED_VERIFICATION)
        message += " (the server's certificate is not trusted; set verifyTls: false only for test clusters)";
    return message;
}

// One GET on the caller's thread. Errors say "GET <path>: <reason>"; the caller prefixes the redacted base URL.
Result<HttpAnswer> httpGet(const std::string& base, const std::string& path, const ZipkinQueryOptions& options) {
    if (auto initialised = load::ensureCurlInitialised(); !initialised)
        return initialised.error();
    load::EasyHandle easy(curl_easy_init());
    load::HeaderList headers;
    if (!easy || !load::appendHeader(headers, "Accept: application/json"))
        return internalError("out of memory starting an HTTP request");
    BodySink sink;
    const std::string url = base + path;
    const auto timeoutMs = std::max<long>(1, long(options.timeout.count()));
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, timeoutMs);
    curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(timeoutMs, 10000));
    curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_ACCEPT_ENCODING, ""); // Zipkin gzips large answers when asked
    curl_easy_setopt(easy.get(), CURLOPT_SSL_VERIFYPEER, options.verifyTls ? 1L : 0L);
    curl_easy_setopt(easy.get(), CURLOPT_SSL_VERIFYHOST, options.verifyTls ? 2L : 0L);
    if (const CURLcode code = curl_easy_perform(easy.get()); code != CURLE_OK)
        return platformError("GET " + path + ": " + transferError(code, sink, options.timeout));
    HttpAnswer answer;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &answer.status);
    answer.body = std::move(sink.body);
    return answer;
}

std::string statusError(const std::string& path, const HttpAnswer& answer) {
    std::string excerpt = answer.body.substr(0, 200);
    std::replace(excerpt.begin(), excerpt.end(), '\n', ' ');
    return "GET " + path + " answered HTTP " + std::to_string(answer.status) + (excerpt.empty() ? "" : ": " + excerpt);
}

// GET that must answer 200 with a JSON body.
Result<json> getJson(const std::string& base, const std::string& path, const ZipkinQueryOptions& options) {
    auto answer = httpGet(base, path, options);
    if (!answer)
        return answer.error();
    if (answer->status != 200)
        return platformError(statusError(path, *answer));
    json parsed = json::parse(answer->body, nullptr, false);
    if (parsed.is_discarded())
        return platformError("GET " + path + ": the answer is not JSON");
    return parsed;
}

// Appends the spans of an array of traces (each an array of Zipkin spans), skipping traces already seen.
Status appendTraces(const json& traces, std::set<std::string>& seen, std::vector<trace::Span>& out) {
    if (!traces.is_array())
        return invalidInput("expected a JSON array of traces");
    for (std::size_t t = 0; t < traces.size(); ++t) {
        if (!traces[t].is_array())
            return invalidInput("trace " + std::to_string(t) + ": expected a JSON array of spans");
        std::vector<trace::Span> spans;
        for (std::size_t s = 0; s < traces[t].size(); ++s) {
            auto span = trace::spanFromZipkinJson(traces[t][s]);
            if (!span)
                return invalidInput("trace " + std::to_string(t) + ": span " + std::to_string(s) + ": " +
                                    span.error().message);
            spans.push_back(std::move(*span));
        }
        if (!spans.empty() && !seen.insert(spans.front().traceId).second)
            continue; // the same trace answered for another service
        std::move(spans.begin(), spans.end(), std::back_inserter(out));
    }
    return {};
}

std::int64_t epochMs(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

class ZipkinTraceSource : public TraceSource {
public:
    ZipkinTraceSource(std::string base, ZipkinQueryOptions options)
        : m_base(trimSlash(std::move(base)))
        , m_options(std::move(options)) {}

    Result<std::vector<trace::Span>> spans(const TimeWindow& window) override {
        auto services = servicesToQuery();
        if (!services)
            return failed(services.error());
        const std::int64_t endMs = epochMs(window.to + kSlack);
        const std::int64_t lookbackMs = std::max<std::int64_t>(0, endMs - epochMs(window.from - kSlack));
        std::set<std::string> seen;
        std::vector<trace::Span> out;
        for (const auto& service : *services) {
            if (auto status = queryWindow(service, endMs, lookbackMs, 0, seen, out); !status)
                return failed(status.error());
        }
        return out;
    }

    std::string describe() const override { return "zipkin " + redactUrl(m_base); }

private:
    Error failed(const Error& error) const {
        return {error.code, "zipkin " + redactUrl(m_base) + ": " + error.message};
    }

    Result<std::vector<std::string>> servicesToQuery() const {
        if (!m_options.serviceName.empty())
            return std::vector<std::string>{m_options.serviceName};
        auto names = getJson(m_base, "/api/v2/services", m_options);
        if (!names)
            return names.error();
        if (!names->is_array() ||
            !std::all_of(names->begin(), names->end(), [](const json& n) { return n.is_string(); }))
            return platformError("GET /api/v2/services: expected a JSON array of service names");
        return names->get<std::vector<std::string>>();
    }

    std::string tracesPath(const std::string& service, std::int64_t endMs, std::int64_t lookbackMs) const {
        return "/api/v2/traces?serviceName=" + percentEncode(service) + "&endTs=" + std::to_string(endMs) +
               "&lookback=" + std::to_string(lookbackMs) + "&limit=" + std::to_string(m_options.limit);
    }

    // Zipkin answers the newest `limit` traces of the window; a full answer may hide older ones, so the window is
    // halved until answers fit (or the window is too short to split).
    Status queryWindow(const std::string& service, std::int64_t endMs, std::int64_t lookbackMs, int depth,
                       std::set<std::string>& seen, std::vector<trace::Span>& out) const {
        const std::string path = tracesPath(service, endMs, lookbackMs);
        auto traces = getJson(m_base, path, m_options);
        if (!traces)
            return traces.error();
        const bool full = traces->is_array() && m_options.limit > 0 && traces->size() >= std::size_t(m_options.limit);
        if (full && lookbackMs > kMinSplitWindow.count() && depth < kMaxSplitDepth) {
            const std::int64_t half = lookbackMs / 2;
            if (auto newer = queryWindow(service, endMs, half, depth + 1, seen, out); !newer)
                return newer;
            return queryWindow(service, endMs - half, lookbackMs - half, depth + 1, seen, out);
        }
        if (auto appended = appendTraces(*traces, seen, out); !appended)
            return platformError("GET " + path + ": " + appended.error().message);
        return {};
    }

    std::string m_base;
    ZipkinQueryOptions m_options;
};

bool isHexId(const std::string& id) {
    return (id.size() == 16 || id.size() == 32) &&
           std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

} // namespace

Result<std::unique_ptr<TraceSource>> zipkinTraceSource(const std::string& baseUrl, ZipkinQueryOptions options) {
    if (auto valid = load::validateUrl(baseUrl); !valid)
        return invalidInput("zipkin: " + redactUrl(valid.error().message));
    if (options.limit <= 0)
        return invalidInput("zipkin " + redactUrl(baseUrl) + ": limit must be positive");
    return std::unique_ptr<TraceSource>(std::make_unique<ZipkinTraceSource>(baseUrl, std::move(options)));
}

Result<std::vector<trace::Span>> fetchZipkinTrace(const std::string& baseUrl, const std::string& traceId,
                                                  const ZipkinQueryOptions& options) {
    if (auto valid = load::validateUrl(baseUrl); !valid)
        return invalidInput("zipkin: " + redactUrl(valid.error().message));
    const std::string base = trimSlash(baseUrl);
    const std::string prefix = "zipkin " + redactUrl(base) + ": ";
    if (!isHexId(traceId))
        return invalidInput(prefix + "trace id '" + traceId + "' is not 16 or 32 hex characters");
    const std::string path = "/api/v2/trace/" + traceId;
    auto answer = httpGet(base, path, options);
    if (!answer)
        return platformError(prefix + answer.error().message);
    if (answer->status == 404)
        return platformError(prefix + "trace " + traceId +
                             " not found (HTTP 404): Zipkin has not received it (yet), or it was not sampled");
    if (answer->status != 200)
        return platformError(prefix + statusError(path, *answer));
    auto spans = trace::parseZipkinSpans(answer->body);
    if (!spans)
        return platformError(prefix + "GET " + path + ": " + spans.error().message);
    return spans;
}

} // namespace faaswb::platform
