#include "localplatform/span_store.h"

#include "localplatform/http_server.h"
#include "trace/zipkin_json.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

namespace faaswb::localplatform {

using nlohmann::json;

namespace {

std::string lower(std::string_view value) {
    std::string out(value);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

std::int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The trace's timestamp, as Zipkin orders and windows traces by it: its earliest span start.
std::int64_t traceStartUs(const std::vector<trace::Span>& spans) {
    std::int64_t start = spans.empty() ? 0 : spans.front().startUs;
    for (const auto& span : spans)
        start = std::min(start, span.startUs);
    return start;
}

// "error and http.status_code=500": every term must be a tag key (or key=value) of some span of the service.
bool matchesAnnotationQuery(const std::vector<const trace::Span*>& spans, const std::string& query) {
    std::string_view rest = query;
    while (!rest.empty()) {
        auto end = rest.find(" and ");
        auto term = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 5);
        while (!term.empty() && term.front() == ' ')
            term.remove_prefix(1);
        while (!term.empty() && term.back() == ' ')
            term.remove_suffix(1);
        if (term.empty())
            continue;
        auto equals = term.find('=');
        std::string key(term.substr(0, equals));
        bool found = std::any_of(spans.begin(), spans.end(), [&](const trace::Span* span) {
            auto tag = span->tags.find(key);
            if (tag == span->tags.end())
                return false;
            return equals == std::string_view::npos || tag->second == term.substr(equals + 1);
        });
        if (!found)
            return false;
    }
    return true;
}

bool matches(const std::vector<trace::Span>& spans, const TraceQuery& query) {
    std::vector<const trace::Span*> candidates;
    auto service = lower(query.serviceName);
    for (const auto& span : spans)
        if (service.empty() || lower(span.service) == service)
            candidates.push_back(&span);
    if (candidates.empty())
        return false;
    if (!query.spanName.empty() && query.spanName != "all") {
        auto name = lower(query.spanName);
        if (std::none_of(candidates.begin(), candidates.end(),
                         [&](const trace::Span* span) { return lower(span->name) == name; }))
            return false;
    }
    if (query.minDurationUs || query.maxDurationUs) {
        auto inRange = [&](const trace::Span* span) {
            return (!query.minDurationUs || span->durationUs >= *query.minDurationUs) &&
                   (!query.maxDurationUs || span->durationUs <= *query.maxDurationUs);
        };
        if (std::none_of(candidates.begin(), candidates.end(), inRange))
            return false;
    }
    return matchesAnnotationQuery(candidates, query.annotationQuery);
}

std::map<std::string, std::string> parseQuery(std::string_view query) {
    auto decode = [](std::string_view text) {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '+') {
                out.push_back(' ');
            } else if (text[i] == '%' && i + 2 < text.size() &&
                       std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
                       std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
                out.push_back(char(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
                i += 2;
            } else {
                out.push_back(text[i]);
            }
        }
        return out;
    };
    std::map<std::string, std::string> parameters;
    while (!query.empty()) {
        auto end = query.find('&');
        auto pair = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);
        if (pair.empty())
            continue;
        auto equals = pair.find('=');
        auto value = equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
        parameters[decode(pair.substr(0, equals))] = decode(value);
    }
    return parameters;
}

HttpResponse respond(int status, std::string body, const char* contentType) {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", contentType);
    response.body = std::move(body);
    return response;
}

HttpResponse jsonBody(int status, const json& body) {
    return respond(status, body.dump(), "application/json");
}

HttpResponse errorBody(int status, const std::string& message) {
    return respond(status, message + "\n", "text/plain; charset=utf-8");
}

Result<std::optional<std::int64_t>> integerParameter(const std::map<std::string, std::string>& parameters,
                                                     const char* name) {
    auto it = parameters.find(name);
    if (it == parameters.end() || it->second.empty())
        return std::optional<std::int64_t>();
    std::int64_t value = 0;
    const auto& text = it->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0)
        return invalidInput(std::string(name) + ": expected a non-negative integer, got \"" + text + "\"");
    return std::optional<std::int64_t>(value);
}

Result<TraceQuery> traceQueryFrom(const std::map<std::string, std::string>& parameters) {
    TraceQuery query;
    if (auto it = parameters.find("serviceName"); it != parameters.end())
        query.serviceName = it->second;
    if (auto it = parameters.find("spanName"); it != parameters.end())
        query.spanName = it->second;
    if (auto it = parameters.find("annotationQuery"); it != parameters.end())
        query.annotationQuery = it->second;
    std::optional<std::int64_t>* targets[] = {&query.minDurationUs, &query.maxDurationUs, &query.endTsMs,
                                              &query.lookbackMs};
    const char* names[] = {"minDuration", "maxDuration", "endTs", "lookback"};
    for (std::size_t i = 0; i < 4; ++i) {
        auto value = integerParameter(parameters, names[i]);
        if (!value)
            return value.error();
        *targets[i] = *value;
    }
    auto limit = integerParameter(parameters, "limit");
    if (!limit)
        return limit.error();
    if (*limit) {
        if (**limit < 1)
            return invalidInput("limit: must be at least 1");
        query.limit = std::size_t(**limit);
    }
    return query;
}

std::vector<trace::Span> sortedByStart(std::vector<trace::Span> spans) {
    std::stable_sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) { return a.startUs < b.startUs; });
    return spans;
}

bool contentTypeIs(const HttpRequest& request, std::string_view needle) {
    for (const auto& [name, value] : request.headers)
        if (lower(name) == "content-type")
            return lower(value).find(needle) != std::string::npos;
    return false;
}

} // namespace

SpanStore::SpanStore(std::size_t maxSpans)
    : m_maxSpans(std::max<std::size_t>(1, maxSpans)) {}

void SpanStore::add(trace::Span span) {
    if (m_exporter)
        m_exporter->add(span);
    auto [it, inserted] = m_byTrace.try_emplace(span.traceId);
    if (inserted)
        m_arrival.push_back(span.traceId);
    it->second.push_back(std::move(span));
    ++m_spanCount;
    while (m_spanCount > m_maxSpans && !m_arrival.empty())
        evictOldest();
}

void SpanStore::evictOldest() {
    auto it = m_byTrace.find(m_arrival.front());
    m_arrival.pop_front();
    if (it == m_byTrace.end())
        return;
    m_spanCount -= it->second.size();
    m_evicted += it->second.size();
    m_byTrace.erase(it);
}

std::vector<std::vector<trace::Span>> SpanStore::traces(const TraceQuery& query) const {
    std::vector<std::vector<trace::Span>> result;
    for (const auto* spans : matchingTraces(query))
        result.push_back(sortedByStart(*spans));
    return result;
}

std::vector<const std::vector<trace::Span>*> SpanStore::matchingTraces(const TraceQuery& query) const {
    std::int64_t endUs = query.endTsMs.value_or(nowMs()) * 1000;
    std::int64_t beginUs =
        query.lookbackMs ? endUs - *query.lookbackMs * 1000 : std::numeric_limits<std::int64_t>::min();
    std::vector<std::pair<std::int64_t, const std::vector<trace::Span>*>> found;
    for (const auto& [traceId, spans] : m_byTrace) {
        auto start = traceStartUs(spans);
        if (start < beginUs || start > endUs || !matches(spans, query))
            continue;
        found.emplace_back(start, &spans);
    }
    // Newest first; the trace id breaks ties so equal timestamps come out in a stable order.
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        if (a.first != b.first)
            return a.first > b.first;
        return a.second->front().traceId < b.second->front().traceId;
    });
    if (found.size() > query.limit)
        found.resize(query.limit);
    std::vector<const std::vector<trace::Span>*> result;
    result.reserve(found.size());
    for (const auto& [start, spans] : found)
        result.push_back(spans);
    return result;
}

std::optional<std::vector<trace::Span>> SpanStore::trace(const std::string& traceId) const {
    auto it = m_byTrace.find(lower(traceId));
    if (it == m_byTrace.end())
        return std::nullopt;
    return sortedByStart(it->second);
}

std::vector<std::string> SpanStore::services() const {
    std::set<std::string> names;
    for (const auto& [traceId, spans] : m_byTrace)
        for (const auto& span : spans)
            if (!span.service.empty())
                names.insert(span.service);
    return {names.begin(), names.end()};
}

std::vector<std::string> SpanStore::spanNames(const std::string& service) const {
    std::set<std::string> names;
    auto wanted = lower(service);
    for (const auto& [traceId, spans] : m_byTrace)
        for (const auto& span : spans)
            if (!span.name.empty() && lower(span.service) == wanted)
                names.insert(span.name);
    return {names.begin(), names.end()};
}

std::optional<HttpResponse> SpanStore::handle(const HttpRequest& request) {
    const auto& path = request.path;
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (path == "/api/v2/spans" && request.method == "POST") {
        auto spans = trace::parseZipkinSpans(request.body);
        if (!spans)
            return errorBody(400, spans.error().message);
        for (auto& span : *spans)
            add(std::move(span));
        return respond(202, "", "text/plain; charset=utf-8");
    }
    if (path == "/v1/traces" && request.method == "POST") {
        if (contentTypeIs(request, "protobuf"))
            return errorBody(415, "only OTLP/HTTP JSON is supported: send Content-Type: application/json");
        auto spans = trace::parseOtlpJson(request.body);
        if (!spans)
            return errorBody(400, spans.error().message);
        for (auto& span : *spans)
            add(std::move(span));
        return respond(200, "{}", "application/json");
    }
    if (path == "/api/v2/spans" && get) {
        auto parameters = parseQuery(request.query);
        auto service = parameters.find("serviceName");
        if (service == parameters.end() || service->second.empty())
            return errorBody(400, "serviceName is required");
        return jsonBody(200, spanNames(service->second));
    }
    if (path == "/api/v2/services" && get)
        return jsonBody(200, services());
    if (path == "/api/v2/traces" && get) {
        auto query = traceQueryFrom(parseQuery(request.query));
        if (!query)
            return errorBody(400, query.error().message);
        // Serialised one trace at a time: a DOM of every stored span (the workbench asks for all of a run's traces)
        // took several times the store's own memory, and the allocator kept it after the response (issue 8 soak).
        std::string body = "[";
        for (const auto* spans : matchingTraces(*query)) {
            if (body.size() > 1)
                body += ',';
            body += trace::toZipkinJson(sortedByStart(*spans)).dump();
        }
        body += ']';
        return respond(200, std::move(body), "application/json");
    }
    static constexpr std::string_view tracePrefix = "/api/v2/trace/";
    if (path.rfind(tracePrefix, 0) == 0 && get) {
        auto spans = trace(path.substr(tracePrefix.size()));
        if (!spans)
            return errorBody(404, "trace not found: " + path.substr(tracePrefix.size()));
        return jsonBody(200, trace::toZipkinJson(*spans));
    }
    if (path == "/api/v2/spans" || path == "/v1/traces" || path == "/api/v2/services" || path == "/api/v2/traces" ||
        path.rfind(tracePrefix, 0) == 0)
        return errorBody(405, "method not allowed: " + request.method + " " + path);
    return std::nullopt;
}

// The exporter's state lives in a shared_ptr so HttpClient callbacks still find it after the exporter is gone.
class SpanExporter::State : public std::enable_shared_from_this<SpanExporter::State> {
public:
    static constexpr std::size_t kBatch = 500;
    static constexpr std::size_t kMaxBuffered = 20000;
    static constexpr int kMaxInFlight = 4;

    State(boost::asio::io_context& io, HttpClient& client, HttpUrl url)
        : m_client(client)
        , m_url(std::move(url))
        , m_timer(io) {}

    void add(const trace::Span& span) {
        if (m_stopped)
            return;
        if (m_buffer.size() >= kMaxBuffered) {
            ++m_stats.dropped;
            return;
        }
        m_buffer.push_back(span);
        if (m_buffer.size() >= kBatch)
            flush();
        else if (!m_timerArmed)
            arm();
    }

    void stop() {
        m_stopped = true;
        m_stats.dropped += m_buffer.size();
        m_buffer.clear();
        m_timer.cancel();
    }

    SpanExportStats stats() const { return m_stats; }

private:
    void arm() {
        m_timerArmed = true;
        m_timer.expires_after(std::chrono::milliseconds(100));
        m_timer.async_wait([weak = weak_from_this()](boost::system::error_code error) {
            auto self = weak.lock();
            if (error || !self)
                return;
            self->m_timerArmed = false;
            self->flush();
        });
    }

    void flush() {
        if (m_stopped || m_buffer.empty())
            return;
        if (m_inFlight >= kMaxInFlight) { // the receiver is slow: keep buffering, try again soon
            if (!m_timerArmed)
                arm();
            return;
        }
        HttpRequest request;
        request.method = "POST";
        request.target = m_url.target;
        request.headers = {{"Content-Type", "application/json"}};
        request.body = trace::toZipkinJson(m_buffer).dump();
        const auto count = m_buffer.size();
        m_buffer.clear();
        ++m_inFlight;
        m_client.send(m_url.host, m_url.port, std::move(request), std::chrono::seconds(5),
                      [self = shared_from_this(), count](ClientResponse response) {
                          --self->m_inFlight;
                          const bool accepted = response.ok() && response.status >= 200 && response.status < 300;
                          (accepted ? self->m_stats.sent : self->m_stats.failed) += count;
                      });
    }

    HttpClient& m_client;
    const HttpUrl m_url;
    boost::asio::steady_timer m_timer;
    std::vector<trace::Span> m_buffer;
    SpanExportStats m_stats;
    int m_inFlight = 0;
    bool m_timerArmed = false;
    bool m_stopped = false;
};

Result<std::unique_ptr<SpanExporter>> SpanExporter::create(boost::asio::io_context& io, HttpClient& client,
                                                           const std::string& url) {
    auto parsed = parseHttpUrl(url);
    if (!parsed)
        return invalidInput("span export URL '" + url + "': " + parsed.error().message);
    return std::make_unique<SpanExporter>(std::make_shared<State>(io, client, std::move(parsed).value()));
}

SpanExporter::SpanExporter(std::shared_ptr<State> state)
    : m_state(std::move(state)) {}

SpanExporter::~SpanExporter() {
    m_state->stop();
}

void SpanExporter::add(const trace::Span& span) {
    m_state->add(span);
}

void SpanExporter::stop() {
    m_state->stop();
}

SpanExportStats SpanExporter::stats() const {
    return m_state->stats();
}

} // namespace faaswb::localplatform
