#include "function_host.h"

#include "trace_context.h"

#include <cstdio>

namespace faaswb::bench {
namespace {

namespace http = boost::beast::http;

std::string headerValue(const Request& request, std::string_view name) {
    const auto found = request.find(boost::beast::string_view(name.data(), name.size()));
    return found == request.end() ? std::string() : std::string(found->value().data(), found->value().size());
}

std::string targetPath(const Request& request) {
    const std::string_view target(request.target().data(), request.target().size());
    return std::string(target.substr(0, target.find('?')));
}

// Handler failures: the contract's 400s (the event was wrong) and everything else as 500.
std::pair<unsigned, std::string> classify(std::exception_ptr failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const InvalidInput& error) {
        return {400, error.what()};
    } catch (const nlohmann::json::type_error& error) {
        return {400, error.what()}; // the event has the wrong shape for what the handler reads
    } catch (const nlohmann::json::out_of_range& error) {
        return {400, error.what()}; // a key the handler needs is missing
    } catch (const std::exception& error) {
        std::fprintf(stderr, "handler failed: %s\n", error.what());
        return {500, error.what()};
    } catch (...) {
        std::fprintf(stderr, "handler failed with an exception that is not a std::exception\n");
        return {500, "the handler threw an exception that is not a std::exception"};
    }
}

} // namespace

struct FunctionHost::Outcome {
    unsigned status = 200;
    nlohmann::json body; // the handler's result, or {"error": ...}
    bool cold = false;
    SpanTimes times;
};

Response jsonResponse(const Request& request, unsigned status, const nlohmann::json& body,
                      std::string_view contentType) {
    Response response{static_cast<http::status>(status), request.version()};
    response.set(http::field::content_type, boost::beast::string_view(contentType.data(), contentType.size()));
    try {
        response.body() = body.dump();
    } catch (const nlohmann::json::exception& error) { // e.g. a result string that is not UTF-8
        response.result(http::status::internal_server_error);
        response.body() =
            nlohmann::json{{"error", std::string("the handler result is not JSON: ") + error.what()}}.dump(
                -1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

FunctionHost::FunctionHost(HostSettings settings, Handler handler)
    : m_settings(std::move(settings))
    , m_handler(std::move(handler)) {}

std::optional<Response> FunctionHost::route(const Request& request) const {
    std::optional<Response> response = routeByPath(request);
    if (response && request.method() == http::verb::head)
        response->body().clear(); // keep Content-Length, send no body: the next response on the connection follows
    return response;
}

std::optional<Response> FunctionHost::routeByPath(const Request& request) const {
    const std::string path = targetPath(request);
    if (path == "/healthz" && request.method() == http::verb::get)
        return jsonResponse(request, 200, {{"ready", true}});
    if (path != "/")
        return jsonResponse(request, 404, {{"error", "no such path: " + path}});
    if (request.method() != http::verb::post) {
        const std::string method(request.method_string().data(), request.method_string().size());
        Response response = jsonResponse(request, 405, {{"error", "method " + method + " not allowed on /"}});
        response.set(http::field::allow, "POST");
        return response;
    }
    return std::nullopt;
}

Invocation FunctionHost::invoke(const Request& request) {
    const SpanContext span([&request](std::string_view name) { return headerValue(request, name); });
    const std::int64_t receivedUs = epochMicros();
    IncomingEvent incoming;
    try {
        incoming = readEvent(request);
    } catch (const InvalidInput& error) {
        return {jsonResponse(request, 400, {{"error", error.what()}}), std::nullopt};
    }
    Context context{span.outgoingHeaders(), m_settings.sink, m_settings.instance, m_settings.benchmarkId};
    const Outcome outcome = callHandler(incoming.event, context);
    Invocation invocation{reply(request, incoming, outcome), std::nullopt};
    if (span.sampled()) {
        const std::map<std::string, std::string> tags{{"http.status_code", std::to_string(outcome.status)},
                                                      {"faaswb.instance", m_settings.instance},
                                                      {"faaswb.cold", outcome.cold ? "true" : "false"}};
        invocation.span = span.toZipkin(m_settings.service, {receivedUs, epochMicros()}, tags);
    }
    return invocation;
}

FunctionHost::Outcome FunctionHost::callHandler(const nlohmann::json& event, Context& context) {
    Outcome outcome;
    outcome.cold = !m_invoked.exchange(true);
    outcome.times.beginUs = epochMicros();
    try {
        outcome.body = m_handler(event, context);
    } catch (...) {
        auto [status, message] = classify(std::current_exception());
        outcome.status = status;
        outcome.body = {{"error", std::move(message)}};
    }
    outcome.times.endUs = epochMicros();
    return outcome;
}

Response FunctionHost::reply(const Request& request, const IncomingEvent& incoming, const Outcome& outcome) const {
    nlohmann::json body = outcome.body;
    std::string_view contentType = "application/json";
    if (outcome.status == 200) {
        body = {{"result", outcome.body},
                {"begin_us", outcome.times.beginUs},
                {"end_us", outcome.times.endUs},
                {"cold", outcome.cold},
                {"instance", m_settings.instance}};
    }
    const bool cloudEvent = outcome.status == 200 && incoming.mode != EventMode::Plain;
    nlohmann::json attributes = cloudEvent ? replyAttributes(m_settings.benchmarkId) : nlohmann::json();
    if (cloudEvent && incoming.mode == EventMode::Structured) {
        attributes["datacontenttype"] = "application/json";
        attributes["data"] = std::move(body);
        body = std::move(attributes);
        contentType = kCloudEventsJson;
    }
    Response response = jsonResponse(request, outcome.status, body, contentType);
    response.set("X-Faaswb-Handler-Begin-Us", std::to_string(outcome.times.beginUs));
    response.set("X-Faaswb-Handler-End-Us", std::to_string(outcome.times.endUs));
    response.set("X-Faaswb-First-Invocation", outcome.cold ? "1" : "0");
    response.set("X-Faaswb-Instance", m_settings.instance);
    if (cloudEvent && incoming.mode == EventMode::Binary) {
        for (const auto& [name, value] : attributes.items())
            response.set("ce-" + name, value.get<std::string>());
    }
    return response;
}

} // namespace faaswb::bench
