#include "fake_openwhisk_server.h"

#include "common/encoding.h"
#include "localplatform/api_http.h"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <limits>
#include <mutex>
#include <thread>

namespace faaswb::test {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using nlohmann::json;

namespace {

constexpr std::size_t kDefaultPage = 30; // OpenWhisk's default and largest activation page sizes
constexpr std::size_t kMaxPage = 200;

struct Answer {
    int status = 200;
    json body;
    std::string activationId; // x-openwhisk-activation-id
};

Answer owError(int status, const std::string& message) {
    return Answer{status, json{{"error", message}, {"code", "fake" + std::to_string(status)}}, {}};
}

OwRequest toRequest(const http::request<http::string_body>& message) {
    OwRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const std::size_t question = request.target.find('?');
    request.path = localplatform::api::percentDecode(request.target.substr(0, question));
    if (question != std::string::npos)
        request.query = localplatform::api::parseQuery(request.target.substr(question + 1));
    request.authorization = std::string(message[http::field::authorization]);
    request.contentType = std::string(message[http::field::content_type]);
    request.body = message.body();
    return request;
}

std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

long long nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

long long queryNumber(const OwRequest& request, const char* key, long long fallback) {
    const auto found = request.query.find(key);
    return found == request.query.end() || found->second.empty() ? fallback : std::stoll(found->second);
}

} // namespace

class FakeOpenWhiskServer::Impl {
public:
    explicit Impl(std::string key)
        : m_authorization("Basic " + base64Encode(key))
        , m_acceptor(m_io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
        accept();
        m_thread = std::thread([this] { m_io.run(); });
    }
    ~Impl() {
        m_io.stop();
        m_thread.join();
    }

    int port() const { return m_acceptor.local_endpoint().port(); }
    Answer answer(const OwRequest& request);

    mutable std::mutex m_mutex;
    const std::string m_authorization;
    std::map<std::string, json> m_actions;
    std::map<std::string, bool> m_warm; // action -> a container is warm (cleared by every PUT)
    std::map<std::string, OwInvokeBehaviour> m_behaviours;
    std::vector<json> m_activations; // in arrival order
    std::vector<OwRequest> m_log;
    long long m_nextId = 1;

private:
    void accept();
    Answer actionRequest(const OwRequest& request, const std::string& name);
    Answer put(const OwRequest& request, const std::string& name);
    Answer invoke(const OwRequest& request, const std::string& name);
    Answer listActivations(const OwRequest& request) const;
    Answer getActivation(const std::string& id) const;
    std::string newActivationId();

    net::io_context m_io; // before the acceptor: destroyed last, after the sessions its handlers own
    tcp::acceptor m_acceptor;
    std::thread m_thread;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, FakeOpenWhiskServer::Impl& server)
        : m_socket(std::move(socket))
        , m_server(server) {}

    void read() {
        m_request = {};
        http::async_read(m_socket, m_buffer, m_request,
                         [self = shared_from_this()](beast::error_code error, std::size_t) { self->onRead(error); });
    }

private:
    void onRead(beast::error_code error) {
        if (error)
            return close();
        const Answer answer = m_server.answer(toRequest(m_request));
        auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status),
                                                                            m_request.version());
        response->set(http::field::content_type, "application/json");
        if (!answer.activationId.empty())
            response->set("x-openwhisk-activation-id", answer.activationId);
        response->body() = answer.body.dump();
        response->keep_alive(m_request.keep_alive());
        response->prepare_payload();
        http::async_write(m_socket, *response,
                          [self = shared_from_this(), response](beast::error_code failure, std::size_t) {
                              if (failure || !response->keep_alive())
                                  return self->close();
                              self->read();
                          });
    }

    void close() {
        beast::error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
    }

    tcp::socket m_socket;
    FakeOpenWhiskServer::Impl& m_server;
    beast::flat_buffer m_buffer;
    http::request<http::string_body> m_request;
};

} // namespace

void FakeOpenWhiskServer::Impl::accept() {
    m_acceptor.async_accept([this](beast::error_code error, tcp::socket socket) {
        if (error)
            return;
        std::make_shared<Session>(std::move(socket), *this)->read();
        accept();
    });
}

// Like OpenWhisk, the API description is public; everything under /api/v1/namespaces needs the key.
Answer FakeOpenWhiskServer::Impl::answer(const OwRequest& request) {
    const std::lock_guard lock(m_mutex);
    m_log.push_back(request);
    if (request.path == "/api/v1" && request.method == "GET")
        return Answer{200,
                      json{{"api_paths", {"/api/v1"}},
                           {"description", "OpenWhisk API"},
                           {"api_version", "1.0.0"},
                           {"api_version_path", "v1"},
                           {"build", "2026-11-01T10:00:00Z"},
                           {"buildno", "fake-42"}},
                      {}};
    const auto parts = segments(request.path);
    if (parts.size() < 3 || parts[0] != "api" || parts[1] != "v1" || parts[2] != "namespaces")
        return owError(404, "The requested resource does not exist.");
    if (request.authorization != m_authorization)
        return owError(401, "The supplied authentication is invalid");
    if (parts.size() == 3)
        return Answer{200, json::array({"guest"}), {}};
    if (parts[3] != "_" && parts[3] != "guest")
        return owError(403, "The supplied authentication is not authorized to access '" + parts[3] + "'.");
    if (parts.size() == 6 && parts[4] == "actions")
        return actionRequest(request, parts[5]);
    if (parts.size() == 5 && parts[4] == "activations" && request.method == "GET")
        return listActivations(request);
    if (parts.size() == 6 && parts[4] == "activations" && request.method == "GET")
        return getActivation(parts[5]);
    return owError(404, "The requested resource does not exist.");
}

Answer FakeOpenWhiskServer::Impl::actionRequest(const OwRequest& request, const std::string& name) {
    const auto found = m_actions.find(name);
    if (request.method == "PUT")
        return put(request, name);
    if (found == m_actions.end())
        return owError(404, "The requested resource does not exist.");
    if (request.method == "GET")
        return Answer{200, found->second, {}};
    if (request.method == "DELETE") {
        Answer removed{200, found->second, {}};
        m_actions.erase(found);
        m_warm.erase(name);
        return removed;
    }
    if (request.method == "POST")
        return invoke(request, name);
    return owError(405, "Method not allowed.");
}

Answer FakeOpenWhiskServer::Impl::put(const OwRequest& request, const std::string& name) {
    json entity = json::parse(request.body, nullptr, false);
    if (!entity.is_object() || !entity.contains("exec"))
        return owError(400, "The request content was malformed: exec undefined");
    const auto existing = m_actions.find(name);
    const auto overwrite = request.query.find("overwrite");
    const bool mayOverwrite = overwrite != request.query.end() && overwrite->second == "true";
    if (existing != m_actions.end() && !mayOverwrite)
        return owError(409, "resource already exists");
    int patch = 1;
    if (existing != m_actions.end()) {
        const std::string version = existing->second.value("version", "0.0.0");
        patch = std::stoi(version.substr(version.rfind('.') + 1)) + 1;
    }
    entity["name"] = name;
    entity["namespace"] = "guest";
    entity["version"] = "0.0." + std::to_string(patch);
    m_actions[name] = entity;
    m_warm[name] = false; // invokers drop containers of an updated action
    return Answer{200, entity, {}};
}

std::string FakeOpenWhiskServer::Impl::newActivationId() {
    char id[33];
    std::snprintf(id, sizeof id, "%08llx%024llx", 0xabcdef01ull, m_nextId++);
    return id;
}

Answer FakeOpenWhiskServer::Impl::invoke(const OwRequest& request, const std::string& name) {
    const json params = request.body.empty() ? json::object() : json::parse(request.body, nullptr, false);
    if (!params.is_object())
        return owError(400, "The request content was malformed: parameters must be a JSON object");
    OwActivationTimes times;
    if (!m_warm[name])
        times.initMs = 40;
    m_warm[name] = true;
    times.startMs = nowMs() - times.durationMs - times.initMs.value_or(0);
    times.durationMs += times.initMs.value_or(0);
    const std::string id = newActivationId();
    const auto behaviour = m_behaviours.count(name) ? m_behaviours[name] : OwInvokeBehaviour::Succeed;
    json record;
    if (behaviour == OwInvokeBehaviour::ApplicationError)
        record = activationRecord(id, name, times, "application error",
                                  json{{"error", "ms must be an integer between 0 and 600000"}});
    else if (behaviour == OwInvokeBehaviour::DeveloperError)
        record = activationRecord(id, name, times, "action developer error",
                                  json{{"error", "The action did not initialize or run as expected. Log data "
                                                 "might be missing."}});
    else
        record = activationRecord(id, name, times, "success", json{{"params", params}});
    m_activations.push_back(record);
    const auto blocking = request.query.find("blocking");
    if (behaviour == OwInvokeBehaviour::Slow || blocking == request.query.end() || blocking->second != "true")
        return Answer{202, json{{"activationId", id}}, id};
    return Answer{behaviour == OwInvokeBehaviour::Succeed ? 200 : 502, record, id};
}

// Newest first, filtered on start in [since, upto], then skip and limit, as the controller lists them.
Answer FakeOpenWhiskServer::Impl::listActivations(const OwRequest& request) const {
    const auto name = request.query.count("name") ? request.query.at("name") : std::string();
    const long long since = queryNumber(request, "since", 0);
    const long long upto = queryNumber(request, "upto", std::numeric_limits<long long>::max());
    const auto skip = static_cast<std::size_t>(queryNumber(request, "skip", 0));
    const auto limit = static_cast<std::size_t>(queryNumber(request, "limit", kDefaultPage));
    if (limit > kMaxPage)
        return owError(400, "The value '" + std::to_string(limit) + "' is not in the range of 0 to 200.");
    const bool docs = request.query.count("docs") && request.query.at("docs") == "true";
    std::vector<json> matching;
    for (auto it = m_activations.rbegin(); it != m_activations.rend(); ++it) {
        const long long start = (*it)["start"].get<long long>();
        if ((name.empty() || (*it)["name"] == name) && start >= since && start <= upto)
            matching.push_back(*it);
    }
    json page = json::array();
    for (std::size_t i = skip; i < matching.size() && page.size() < limit; ++i) {
        json entry = matching[i];
        if (!docs) // without docs OpenWhisk lists summaries: no response, logs or annotations
            entry = json{{"activationId", entry["activationId"]}, {"name", entry["name"]}, {"start", entry["start"]}};
        page.push_back(std::move(entry));
    }
    return Answer{200, page, {}};
}

Answer FakeOpenWhiskServer::Impl::getActivation(const std::string& id) const {
    for (const auto& record : m_activations)
        if (record["activationId"] == id)
            return Answer{200, record, {}};
    return owError(404, "The requested resource does not exist.");
}

FakeOpenWhiskServer::FakeOpenWhiskServer(std::string key)
    : m_impl(std::make_unique<Impl>(std::move(key))) {}

FakeOpenWhiskServer::~FakeOpenWhiskServer() = default;

std::string FakeOpenWhiskServer::url() const {
    return "http://127.0.0.1:" + std::to_string(m_impl->port());
}

void FakeOpenWhiskServer::setInvokeBehaviour(const std::string& action, OwInvokeBehaviour behaviour) {
    const std::lock_guard lock(m_impl->m_mutex);
    m_impl->m_behaviours[action] = behaviour;
}

void FakeOpenWhiskServer::putAction(const std::string& name, json entity) {
    const std::lock_guard lock(m_impl->m_mutex);
    m_impl->m_actions[name] = std::move(entity);
}

std::optional<json> FakeOpenWhiskServer::action(const std::string& name) const {
    const std::lock_guard lock(m_impl->m_mutex);
    const auto found = m_impl->m_actions.find(name);
    return found == m_impl->m_actions.end() ? std::nullopt : std::optional<json>(found->second);
}

void FakeOpenWhiskServer::addActivation(json record) {
    const std::lock_guard lock(m_impl->m_mutex);
    m_impl->m_activations.push_back(std::move(record));
}

std::size_t FakeOpenWhiskServer::activationCount() const {
    const std::lock_guard lock(m_impl->m_mutex);
    return m_impl->m_activations.size();
}

std::vector<OwRequest> FakeOpenWhiskServer::requests() const {
    const std::lock_guard lock(m_impl->m_mutex);
    return m_impl->m_log;
}

std::vector<OwRequest> FakeOpenWhiskServer::requestsTo(const std::string& method, const std::string& path) const {
    std::vector<OwRequest> matching;
    for (auto& request : requests())
        if (request.method == method && request.path == path)
            matching.push_back(std::move(request));
    return matching;
}

json FakeOpenWhiskServer::activationRecord(const std::string& id, const std::string& action,
                                           const OwActivationTimes& times, const std::string& status, json result) {
    static const std::map<std::string, int> codes{
        {"success", 0}, {"application error", 1}, {"action developer error", 2}, {"whisk internal error", 3}};
    json annotations = json::array(
        {json{{"key", "path"}, {"value", "guest/" + action}}, json{{"key", "waitTime"}, {"value", times.waitMs}},
         json{{"key", "kind"}, {"value", "blackbox"}}, json{{"key", "timeout"}, {"value", false}},
         json{{"key", "limits"}, {"value", {{"concurrency", 1}, {"logs", 10}, {"memory", 256}, {"timeout", 60000}}}}});
    if (times.initMs)
        annotations.push_back(json{{"key", "initTime"}, {"value", *times.initMs}});
    const int code = codes.count(status) ? codes.at(status) : 3;
    return json{{"activationId", id},
                {"namespace", "guest"},
                {"name", action},
                {"subject", "guest"},
                {"version", "0.0.1"},
                {"publish", false},
                {"start", times.startMs},
                {"end", times.startMs + times.durationMs},
                {"duration", times.durationMs},
                {"logs", json::array()},
                {"annotations", std::move(annotations)},
                {"response",
                 {{"status", status}, {"statusCode", code}, {"success", code == 0}, {"result", std::move(result)}}}};
}

} // namespace faaswb::test
