// 710.event-producer: emits `count` binary-mode CloudEvents to a sink (Knative Eventing producer).
//
// The sink is `sink` from the event, else K_SINK (a Broker, Channel or a consumer such as 711.event-consumer). Each
// event has type dev.faaswb.benchmark, id <run>-<sequence>, the `sequence` extension (1..count) and the
// `faaswbsentus` extension (epoch microseconds just before the send), so a consumer can measure delivery latency.
// Events go one after the other over one keep-alive connection (one curl handle). The first failed send ends the
// run: the answer says how many were sent and why the rest were not (500 when none was sent). Proxies from the
// environment are ignored.
#include "function_api.h"

#include <chrono>
#include <cstdint>
#include <curl/curl.h>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr std::int64_t kMaxCount = 100'000;
constexpr std::int64_t kMaxPayloadBytes = 1024 * 1024;
constexpr std::size_t kMaxRunChars = 128;
constexpr long kRequestTimeoutMs = 10'000;
constexpr const char* kEventType = "dev.faaswb.benchmark";
constexpr const char* kEventSource = "/faaswb/710.event-producer";
constexpr std::size_t kErrorBodyChars = 200;

using faaswb::bench::InvalidInput;
using Json = nlohmann::json;

std::int64_t epochUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<std::string> sinkField(const Json& event, const faaswb::bench::Context& context, bool required) {
    std::optional<std::string> sink = context.sink;
    if (event.contains("sink") && !event["sink"].is_null()) {
        if (!event["sink"].is_string())
            throw InvalidInput("sink must be an http:// or https:// URL, got " + event["sink"].dump());
        sink = event["sink"].get<std::string>();
    }
    if (!sink && required)
        throw InvalidInput(R"(no sink: set K_SINK for the function or pass "sink" in the event)");
    if (sink && !sink->starts_with("http://") && !sink->starts_with("https://"))
        throw InvalidInput("sink must be an http:// or https:// URL, got " + Json(*sink).dump());
    return sink;
}

std::string runField(const Json& event, const std::string& instance, std::int64_t startedUs) {
    if (!event.contains("run"))
        return (instance.empty() ? std::string("run") : instance) + "-" + std::to_string(startedUs);
    const Json& run = event["run"];
    if (!run.is_string() || run.get<std::string>().empty() || run.get<std::string>().size() > kMaxRunChars)
        throw InvalidInput("run must be a string of 1 to " + std::to_string(kMaxRunChars) + " characters");
    return run.get<std::string>();
}

struct CurlDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t appendBody(char* data, std::size_t size, std::size_t count, void* target) {
    static_cast<std::string*>(target)->append(data, size * count);
    return size * count;
}

// One curl handle for the run: it keeps the connection open between events.
class Sender {
public:
    explicit Sender(std::string url)
        : m_url(std::move(url))
        , m_curl(curl_easy_init()) {
        if (!m_curl)
            throw std::runtime_error("curl_easy_init failed");
        curl_easy_setopt(m_curl.get(), CURLOPT_URL, m_url.c_str());
        curl_easy_setopt(m_curl.get(), CURLOPT_PROXY, "");
        curl_easy_setopt(m_curl.get(), CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(m_curl.get(), CURLOPT_TIMEOUT_MS, kRequestTimeoutMs);
        curl_easy_setopt(m_curl.get(), CURLOPT_WRITEFUNCTION, appendBody);
        curl_easy_setopt(m_curl.get(), CURLOPT_WRITEDATA, &m_answer);
    }

    void post(const std::string& body, const std::vector<std::string>& headers) {
        std::unique_ptr<curl_slist, CurlDeleter> list;
        for (const std::string& header : headers)
            list.reset(curl_slist_append(list.release(), header.c_str()));
        m_answer.clear();
        curl_easy_setopt(m_curl.get(), CURLOPT_HTTPHEADER, list.get());
        curl_easy_setopt(m_curl.get(), CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(m_curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        const CURLcode code = curl_easy_perform(m_curl.get());
        if (code != CURLE_OK)
            throw std::runtime_error(curl_easy_strerror(code));
        long status = 0;
        curl_easy_getinfo(m_curl.get(), CURLINFO_RESPONSE_CODE, &status);
        if (status < 200 || status > 299)
            throw std::runtime_error("HTTP " + std::to_string(status) + ": " + m_answer.substr(0, kErrorBodyChars));
    }

private:
    std::string m_url;
    std::unique_ptr<CURL, CurlDeleter> m_curl;
    std::string m_answer;
};

struct Run {
    std::string id;
    std::string payload;
    const faaswb::bench::Context* context = nullptr;
};

void sendEvent(Sender& sender, const Run& run, std::int64_t sequence) {
    const std::int64_t sentUs = epochUs();
    const Json data = {{"run", run.id}, {"sequence", sequence}, {"sent_us", sentUs}, {"payload", run.payload}};
    std::vector<std::string> headers{"Content-Type: application/json", "Expect:"}; // no 100-continue round trip
    for (const auto& [name, value] : run.context->traceHeaders)
        headers.push_back(name + ": " + value);
    headers.push_back("ce-specversion: 1.0");
    headers.push_back("ce-id: " + run.id + "-" + std::to_string(sequence));
    headers.push_back(std::string("ce-type: ") + kEventType);
    headers.push_back(std::string("ce-source: ") + kEventSource + "/" + run.context->instance);
    headers.push_back("ce-sequence: " + std::to_string(sequence));
    headers.push_back("ce-faaswbsentus: " + std::to_string(sentUs));
    sender.post(data.dump(), headers);
}

Json handler(const Json& event, faaswb::bench::Context& context) {
    const std::int64_t startedUs = epochUs();
    faaswb::bench::requireObject(event);
    const std::int64_t count = faaswb::bench::integerField(event, "count", 0, kMaxCount);
    const bool hasPayload = event.contains("payload_size") && !event["payload_size"].is_null();
    const auto payloadSize = hasPayload ? faaswb::bench::integerField(event, "payload_size", 0, kMaxPayloadBytes) : 0;
    const Run run{runField(event, context.instance, startedUs), std::string(static_cast<std::size_t>(payloadSize), 'x'),
                  &context};
    const std::optional<std::string> sink = sinkField(event, context, count > 0);
    if (count == 0)
        return {{"sent", 0}, {"failed", 0}, {"run", run.id}, {"sink", sink ? Json(*sink) : Json()}, {"duration_us", 0}};

    Sender sender(*sink);
    std::int64_t sent = 0;
    std::string error;
    try {
        for (std::int64_t sequence = 1; sequence <= count; ++sequence, ++sent)
            sendEvent(sender, run, sequence);
    } catch (const std::runtime_error& failure) {
        error = failure.what();
    }
    if (sent == 0)
        throw std::runtime_error("no event reached " + *sink + ": " + error);
    Json result = {{"sent", sent},
                   {"failed", count - sent},
                   {"run", run.id},
                   {"sink", *sink},
                   {"duration_us", epochUs() - startedUs}};
    if (!error.empty())
        result["error"] = error;
    return result;
}

} // namespace

FAASWB_REGISTER_BENCHMARK("710.event-producer", handler);
