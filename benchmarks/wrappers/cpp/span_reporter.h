// SpanReporter: posts finished spans to a Zipkin collector (ZIPKIN_ENDPOINT) in batches from its own thread, so
// requests never wait on the collector. report() is thread-safe and never blocks on the network; a collector that
// falls behind loses spans rather than growing the queue without bound.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace faaswb::bench {

class SpanReporter {
public:
    explicit SpanReporter(std::string endpoint); // an empty endpoint reports nothing (and starts no thread)
    ~SpanReporter();                             // posts what is queued, then stops
    SpanReporter(const SpanReporter&) = delete;
    SpanReporter& operator=(const SpanReporter&) = delete;

    void report(nlohmann::json span);

private:
    void run();
    void post(const std::string& body);

    const std::string m_endpoint;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<nlohmann::json> m_queue;
    bool m_stopping = false;
    bool m_warned = false; // touched by the posting thread only
    std::thread m_thread;  // last member: starts after everything it uses is built
};

} // namespace faaswb::bench
