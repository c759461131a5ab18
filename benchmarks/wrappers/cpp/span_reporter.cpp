#include "span_reporter.h"

#include <cstdio>
#include <curl/curl.h>
#include <memory>

namespace faaswb::bench {
namespace {

constexpr std::size_t kMaxQueued = 10000;
constexpr std::size_t kMaxBatch = 100;

struct CurlDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct HeaderListDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t discardBody(char*, std::size_t size, std::size_t count, void*) {
    return size * count;
}

} // namespace

SpanReporter::SpanReporter(std::string endpoint)
    : m_endpoint(std::move(endpoint)) {
    if (!m_endpoint.empty())
        m_thread = std::thread([this] { run(); });
}

SpanReporter::~SpanReporter() {
    if (!m_thread.joinable())
        return;
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void SpanReporter::report(nlohmann::json span) {
    if (m_endpoint.empty())
        return;
    {
        const std::lock_guard lock(m_mutex);
        if (m_queue.size() >= kMaxQueued)
            return;
        m_queue.push_back(std::move(span));
    }
    m_wake.notify_one();
}

void SpanReporter::run() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
        if (m_queue.empty())
            return;
        nlohmann::json batch = nlohmann::json::array();
        while (!m_queue.empty() && batch.size() < kMaxBatch) {
            batch.push_back(std::move(m_queue.front()));
            m_queue.pop_front();
        }
        lock.unlock();
        post(batch.dump());
        lock.lock();
    }
}

void SpanReporter::post(const std::string& body) {
    // One easy handle per batch keeps this simple; batches are rare next to requests.
    const std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    const std::unique_ptr<curl_slist, HeaderListDeleter> headers(
        curl_slist_append(nullptr, "Content-Type: application/json"));
    if (!curl || !headers)
        return;
    curl_easy_setopt(curl.get(), CURLOPT_URL, m_endpoint.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, discardBody);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    const CURLcode code = curl_easy_perform(curl.get());
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if ((code != CURLE_OK || status >= 300) && !m_warned) {
        std::fprintf(stderr, "warning: could not post spans to %s: %s (HTTP %ld)\n", m_endpoint.c_str(),
                     curl_easy_strerror(code), status);
        m_warned = true;
    }
}

} // namespace faaswb::bench
