// 700.chain: one step of a function chain (workflow handover latency, 1 KB vs 2 MB payloads).
//
// A step records when it was invoked, busy-works `work_ms` and/or sleeps `sleep_ms`, then hands the event on:
// - `next` (a list of URLs): POSTs the event, with `next` shifted by one, to the first URL and waits for its answer
//   (Knative Serving style: a synchronous chain); the answer's hops are returned, so step 0 reports the whole chain;
// - else `forward` (true, or the number of hops still to go) with a sink (K_SINK): POSTs a binary-mode CloudEvent
//   to the sink and does not wait for the rest of the chain (Knative Eventing style).
// `payload` travels unchanged; `payload_size` makes step 0 generate one of that many bytes. Every outgoing request
// carries the trace headers from the context, so Zipkin shows the chain as one trace. Proxies from the environment
// are ignored: a hop between functions must not detour through one.
#include "function_api.h"

#include <algorithm>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_generators.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>
#include <cstdint>
#include <curl/curl.h>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::int64_t kMaxMs = 60'000;
constexpr std::int64_t kMaxStep = 10'000;
constexpr std::int64_t kMaxPayloadBytes = 64 * 1024 * 1024;
constexpr std::size_t kMaxNext = 64;
constexpr std::int64_t kMaxForward = 64;
constexpr long kRequestTimeoutMs = 60'000;
constexpr const char* kChainEventType = "dev.faaswb.chain.step";
constexpr const char* kChainEventSource = "/faaswb/700.chain";
constexpr std::size_t kErrorBodyChars = 200;

using faaswb::bench::InvalidInput;
using Json = nlohmann::json;

std::int64_t epochUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t optionalInteger(const Json& event, const char* key, std::int64_t max) {
    if (!event.contains(key) || event[key].is_null())
        return 0;
    return faaswb::bench::integerField(event, key, 0, max);
}

std::string payloadField(const Json& event) {
    if (event.contains("payload") && event.contains("payload_size"))
        throw InvalidInput(R"(give "payload" or "payload_size", not both)");
    if (event.contains("payload_size"))
        return std::string(static_cast<std::size_t>(optionalInteger(event, "payload_size", kMaxPayloadBytes)), 'x');
    if (!event.contains("payload"))
        return {};
    if (!event["payload"].is_string())
        throw InvalidInput("payload must be a string");
    return event["payload"].get<std::string>();
}

std::vector<std::string> nextField(const Json& event) {
    if (!event.contains("next") || event["next"].is_null())
        return {};
    const Json& next = event["next"];
    if (!next.is_array() || next.size() > kMaxNext)
        throw InvalidInput("next must be a list of at most " + std::to_string(kMaxNext) + " URLs");
    std::vector<std::string> urls;
    for (const Json& url : next) {
        const bool isUrl = url.is_string() && (url.get<std::string>().starts_with("http://") ||
                                               url.get<std::string>().starts_with("https://"));
        if (!isUrl)
            throw InvalidInput("next must hold http:// or https:// URLs, got " + url.dump());
        urls.push_back(url.get<std::string>());
    }
    return urls;
}

// true means one more hop; a number says how many hops through the sink are still to go.
std::int64_t forwardField(const Json& event) {
    if (!event.contains("forward") || event["forward"].is_null())
        return 0;
    if (event["forward"].is_boolean())
        return event["forward"].get<bool>() ? 1 : 0;
    return faaswb::bench::integerField(event, "forward", 0, kMaxForward);
}

Json hopsField(const Json& event) {
    if (!event.contains("hops") || event["hops"].is_null())
        return Json::array();
    const Json& hops = event["hops"];
    const bool valid =
        hops.is_array() && std::all_of(hops.begin(), hops.end(), [](const Json& h) { return h.is_object(); });
    if (!valid)
        throw InvalidInput("hops must be a list of objects");
    return hops;
}

// Spins on arithmetic until `ms` of wall time have passed: CPU-bound, unlike sleep_ms.
void busyWork(std::int64_t ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    volatile std::uint64_t value = 0; // volatile: the loop exists for its cost, the optimiser must keep it
    while (std::chrono::steady_clock::now() < deadline) {
        for (std::uint64_t i = 0; i < 1000; ++i)
            value = (value * 31 + i) % 1'000'003;
    }
}

struct CurlDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t appendBody(char* data, std::size_t size, std::size_t count, void* target) {
    static_cast<std::string*>(target)->append(data, size * count);
    return size * count;
}

// POSTs `body`; returns the answer's body, or throws (answered 500) naming the URL and what went wrong.
std::string post(const std::string& url, const std::string& body, const std::vector<std::string>& headers) {
    const std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    std::unique_ptr<curl_slist, CurlDeleter> list;
    for (const std::string& header : headers)
        list.reset(curl_slist_append(list.release(), header.c_str()));
    if (!curl || !list)
        throw std::runtime_error("forwarding to " + url + " failed: out of memory");
    std::string answer;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PROXY, "");
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, kRequestTimeoutMs);
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer);
    const CURLcode code = curl_easy_perform(curl.get());
    if (code != CURLE_OK)
        throw std::runtime_error("forwarding to " + url + " failed: " + curl_easy_strerror(code));
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299)
        throw std::runtime_error("forwarding to " + url + " failed: HTTP " + std::to_string(status) + ": " +
                                 answer.substr(0, kErrorBodyChars));
    return answer;
}

std::vector<std::string> headerLines(const std::map<std::string, std::string>& traceHeaders) {
    std::vector<std::string> lines{"Content-Type: application/json", "Expect:"}; // no 100-continue round trip
    for (const auto& [name, value] : traceHeaders)
        lines.push_back(name + ": " + value);
    return lines;
}

// Synchronous hand-over: the next step answers with the chain's hops from there on.
Json callNext(const std::vector<std::string>& urls, const Json& outgoing, const faaswb::bench::Context& context) {
    const std::string answer = post(urls.front(), outgoing.dump(), headerLines(context.traceHeaders));
    const Json reply = Json::parse(answer, nullptr, false);
    if (reply.is_object() && reply.contains("result") && reply["result"].is_object() &&
        reply["result"].contains("hops") && reply["result"]["hops"].is_array())
        return reply["result"]["hops"];
    throw std::runtime_error(urls.front() + " did not answer a 700.chain result");
}

void sendToSink(const std::string& sink, const Json& outgoing, const faaswb::bench::Context& context,
                std::int64_t sentUs) {
    thread_local boost::uuids::random_generator makeId;
    std::vector<std::string> lines = headerLines(context.traceHeaders);
    lines.push_back("ce-specversion: 1.0");
    lines.push_back("ce-id: " + boost::uuids::to_string(makeId()));
    lines.push_back(std::string("ce-type: ") + kChainEventType);
    lines.push_back(std::string("ce-source: ") + kChainEventSource + "/" + context.instance);
    // as 710.event-producer stamps it, so 711.event-consumer can time the hop
    lines.push_back("ce-faaswbsentus: " + std::to_string(sentUs));
    post(sink, outgoing.dump(), lines);
}

struct Step {
    std::int64_t index = 0;
    std::int64_t workMs = 0;
    std::int64_t sleepMs = 0;
    std::string payload;
    std::vector<std::string> urls;
    std::int64_t forward = 0;
    Json hops;
};

Step readStep(const Json& event) {
    faaswb::bench::requireObject(event);
    Step step;
    step.index = optionalInteger(event, "step", kMaxStep);
    step.workMs = optionalInteger(event, "work_ms", kMaxMs);
    step.sleepMs = optionalInteger(event, "sleep_ms", kMaxMs);
    step.payload = payloadField(event);
    step.urls = nextField(event);
    step.forward = forwardField(event);
    step.hops = hopsField(event);
    return step;
}

Json handler(const Json& event, faaswb::bench::Context& context) {
    const std::int64_t receivedUs = epochUs();
    Step step = readStep(event);
    if (step.urls.empty() && step.forward > 0 && !context.sink)
        throw InvalidInput("forward is set but this function has no sink (K_SINK is unset)");

    busyWork(step.workMs);
    std::this_thread::sleep_for(std::chrono::milliseconds(step.sleepMs));

    Json hop = {{"step", step.index}, {"instance", context.instance}, {"received_us", receivedUs}};
    Json result = {{"step", step.index}, {"payload_bytes", step.payload.size()}, {"forwarded", nullptr}};
    if (step.urls.empty() && step.forward == 0) {
        step.hops.push_back(std::move(hop));
        result["hops"] = std::move(step.hops);
        return result;
    }

    Json outgoing = event;
    outgoing.erase("_cloudevent");
    outgoing.erase("payload_size");
    outgoing["step"] = step.index + 1;
    outgoing["payload"] = std::move(step.payload);
    const std::int64_t sentUs = epochUs();
    hop["sent_us"] = sentUs;
    step.hops.push_back(std::move(hop));
    outgoing["hops"] = step.hops;
    if (!step.urls.empty()) {
        outgoing["next"] = std::vector<std::string>(step.urls.begin() + 1, step.urls.end());
        result["hops"] = callNext(step.urls, outgoing, context);
        result["forwarded"] = "next";
    } else {
        outgoing["forward"] = step.forward - 1;
        sendToSink(*context.sink, outgoing, context, sentUs);
        result["hops"] = std::move(step.hops);
        result["forwarded"] = "sink";
    }
    return result;
}

} // namespace

FAASWB_REGISTER_BENCHMARK("700.chain", handler);
