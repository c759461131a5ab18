#include "function_host.h"

#include "trace_context.h"

#include <cstdio>
#include <cstdlib>

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

// OpenWhisk initialises an action once per container, and what /init does (environment variables) is process-wide,
// so "initialised" is a property of the process rather than of one FunctionHost.
std::atomic<bool> g_actionInitialized{false};

bool isContractPath(const std::string& path) {
    return path == "/" || path == "/init" || path == "/run";
}

// OpenWhisk's POST /run: the activation's parameters under "value" are the event (benchmarks/README.md).
bool isActivation(const Request& request) {
    return request.method() == http::verb::post && targetPath(request) == "/run";
}

IncomingEvent readActivation(const Request& request) {
    const nlohmann::json activation = parseJson(request.body(), "the /run body");
    if (!activation.is_object())
        throw InvalidInput("the /run body must be a JSON object with the action's parameters under \"value\"");
    // Only "value" is read: namespace, activation_id and above all api_key never reach the handler or a log.
    const auto value = activation.find("value");
    return {value == activation.end() ? nlohmann::json::object() : *value, EventMode::Plain};
}

// value.env holds the action's init parameters; string entries become environment variables, nothing else is
// touched. OpenWhisk sends /init before any /run, so no handler reads the environment while it changes.
void applyInitEnvironment(const nlohmann::json& init) {
    const auto value = init.find("value");
    if (value == init.end() || !value->is_object() || !value->contains("env") || !(*value)["env"].is_object())
        return;
    for (const auto& [name, setting] : (*value)["env"].items()) {
        if (setting.is_string() && !name.empty() && name.find('=') == std::string::npos)
            ::setenv(name.c_str(), setting.get_ref<const std::string&>().c_str(), 1);
    }
}

// OpenWhisk's POST /init: a blackbox image already holds its code, so this only applies the environment, once.
Response initAction(const Request& request) {
    if (g_actionInitialized.load())
        return jsonResponse(request, 403, {{"error", "cannot initialize the action more than once"}});
    nlohmann::json init;
    try {
        init = parseJson(request.body(), "the /init body");
        if (!init.is_object())
            throw InvalidInput("the /init body must be a JSON object");
    } catch (const InvalidInput& error) {
        return jsonResponse(request, 400, {{"error", error.what()}});
    }
    if (g_actionInitialized.exchange(true)) // another /init won the race
        return jsonResponse(request, 403, {{"error", "cannot initialize the action more than once"}});
    applyInitEnvironment(init);
    return jsonResponse(request, 200, {{"ok", true}});
}

// OpenWhisk's /run reply: the result object itself (anything else wrapped as {"result": ...}); a failed handler is
// a 502, which the invoker reports as an application error with our {"error": ...}.
Response activationResponse(const Request& request, unsigned status, const nlohmann::json& body) {
    if (status != 200)
        return jsonResponse(request, 502, body);
    return jsonResponse(request, 200, body.is_object() ? body : nlohmann::json{{"result", body}});
}

void setInvocationHeaders(Response& response, const SpanTimes& times, bool cold, const std::string& instance) {
    response.set("X-Faaswb-Handler-Begin-Us", std::to_string(times.beginUs));
    response.set("X-Faaswb-Handler-End-Us", std::to_string(times.endUs));
    response.set("X-Faaswb-First-Invocation", cold ? "1" : "0");
    response.set("X-Faaswb-Instance", instance);
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
    if (!isContractPath(path))
        return jsonResponse(request, 404, {{"error", "no such path: " + path}});
    if (request.method() != http::verb::post) {
        const std::string method(request.method_string().data(), request.method_string().size());
        Response response = jsonResponse(request, 405, {{"error", "method " + method + " not allowed on " + path}});
        response.set(http::field::allow, "POST");
        return response;
    }
    if (path == "/init")
        return initAction(request);
    return std::nullopt; // POST / and POST /run call the handler
}

Invocation FunctionHost::invoke(const Request& request) {
    const SpanContext span([&request](std::string_view name) { return headerValue(request, name); });
    const std::int64_t receivedUs = epochMicros();
    IncomingEvent incoming;
    try {
        incoming = isActivation(request) ? readActivation(request) : readEvent(request);
    } catch (const InvalidInput& error) {
        return {jsonResponse(request, 400, {{"error", error.what()}}), std::nullopt};
    }
    Context context{span.outgoingHeaders(), m_settings.sink, m_settings.instance, m_settings.benchmarkId};
    const Outcome outcome = callHandler(incoming.event, context);
    Invocation invocation{reply(request, incoming, outcome), std::nullopt};
    if (span.sampled()) {
        const std::string status = std::to_string(invocation.response.result_int());
        const std::map<std::string, std::string> tags{{"http.status_code", status},
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
    if (isActivation(request)) {
        Response response = activationResponse(request, outcome.status, outcome.body);
        setInvocationHeaders(response, outcome.times, outcome.cold, m_settings.instance);
        return response;
    }
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
    setInvocationHeaders(response, outcome.times, outcome.cold, m_settings.instance);
    if (cloudEvent && incoming.mode == EventMode::Binary) {
        for (const auto& [name, value] : attributes.items())
            response.set("ce-" + name, value.get<std::string>());
    }
    return response;
}

} // namespace faaswb::bench
