// FunctionHost: one benchmark's handler behind the wrapper contract (benchmarks/README.md): routes a request,
// turns it into the handler's event, times the call and builds the reply and the span. route() runs on io
// threads and invoke() on handler threads, several at once; the first-invocation flag is all they share (atomic).
#pragma once

#include "cloud_event.h"
#include "function_api.h"

#include <atomic>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

namespace faaswb::bench {

using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct HostSettings {
    std::string benchmarkId;
    std::string instance;            // FAASWB_INSTANCE or <hostname>-<pid>
    std::string service;             // FAASWB_SERVICE_NAME or the benchmark id
    std::optional<std::string> sink; // K_SINK
};

struct Invocation {
    Response response;
    std::optional<nlohmann::json> span; // Zipkin v2 span to report once the response is sent (when sampled)
};

class FunctionHost {
public:
    FunctionHost(HostSettings settings, Handler handler);

    // The answer to anything but an invocation — health, OpenWhisk's POST /init, 404, 405 — or nullopt when the
    // request goes to invoke() (POST /, or OpenWhisk's POST /run).
    std::optional<Response> route(const Request& request) const;
    Invocation invoke(const Request& request);
    const HostSettings& settings() const { return m_settings; }

private:
    struct Outcome;
    std::optional<Response> routeByPath(const Request& request) const;
    Outcome callHandler(const nlohmann::json& event, Context& context);
    Response reply(const Request& request, const IncomingEvent& incoming, const Outcome& outcome) const;

    const HostSettings m_settings;
    const Handler m_handler;
    std::atomic<bool> m_invoked{false};
};

// A JSON response with Content-Length set, keep-alive as the request asked.
Response jsonResponse(const Request& request, unsigned status, const nlohmann::json& body,
                      std::string_view contentType = "application/json");

} // namespace faaswb::bench
