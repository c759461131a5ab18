#include "fake_kube_server.h"

#include "localplatform/api_http.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace faaswb::test {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using nlohmann::json;

namespace {

struct Answer {
    int status = 200;
    std::string body;
};

struct Reply {
    Answer answer;
    std::optional<WatchScript> stream;
};

Reply statusReply(int code, const std::string& reason, const std::string& message) {
    return Reply{Answer{code, FakeKubeServer::status(code, reason, message).dump()}, std::nullopt};
}

Reply objectReply(int code, const json& object) {
    return Reply{Answer{code, object.dump()}, std::nullopt};
}

// "a=b,c=d" (equality terms only, which is what our clients send).
bool matchesSelector(const json& object, const std::string& selector) {
    std::size_t start = 0;
    while (start < selector.size()) {
        const std::size_t end = std::min(selector.find(',', start), selector.size());
        const std::string term = selector.substr(start, end - start);
        const std::size_t equals = term.find('=');
        const json labels = object.value("/metadata/labels"_json_pointer, json::object());
        if (equals == std::string::npos || labels.value(term.substr(0, equals), "") != term.substr(equals + 1))
            return false;
        start = end + 1;
    }
    return true;
}

FakeRequest toFakeRequest(const http::request<http::string_body>& message) {
    FakeRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    // A proxy gets absolute-form targets; answering them as the server lets tests stand in for a proxy too.
    if (request.target.rfind("http://", 0) == 0) {
        const std::size_t pathStart = request.target.find('/', 7);
        request.target = pathStart == std::string::npos ? "/" : request.target.substr(pathStart);
        request.proxied = true;
    }
    const std::size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos)
        request.query = localplatform::api::parseQuery(request.target.substr(question + 1));
    request.authorization = std::string(message[http::field::authorization]);
    request.contentType = std::string(message[http::field::content_type]);
    request.body = message.body();
    return request;
}

std::string lastSegment(const std::string& path) {
    return path.substr(path.rfind('/') + 1);
}

} // namespace

class FakeKubeServer::Impl {
public:
    Impl()
        : m_acceptor(m_io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
        accept();
        m_thread = std::thread([this] { m_io.run(); });
    }
    ~Impl() {
        m_io.stop();
        m_thread.join();
    }

    int port() const { return m_acceptor.local_endpoint().port(); }
    Reply answer(const FakeRequest& request);

    mutable std::mutex m_mutex;
    std::string m_token;
    std::map<std::string, std::map<std::string, json>> m_collections; // path -> name -> object
    std::map<std::string, std::deque<WatchScript>> m_watchScripts;
    std::map<std::string, std::deque<ScriptedResponse>> m_responseScripts; // "METHOD path" -> answers
    std::vector<FakeRequest> m_log;
    long long m_resourceVersion = 100;

    std::string nextResourceVersion() { return std::to_string(++m_resourceVersion); }

private:
    void accept();
    std::optional<Reply> scripted(const FakeRequest& request);
    Reply collectionRequest(const FakeRequest& request);
    Reply objectRequest(const FakeRequest& request, const std::string& collection, const std::string& name);
    Reply list(const FakeRequest& request);
    Reply watch(const FakeRequest& request);
    Reply create(const FakeRequest& request);
    Reply patch(const FakeRequest& request, const std::string& collection, const std::string& name);
    Reply put(const FakeRequest& request, const std::string& collection, const std::string& name);
    Reply store(const std::string& collection, json object, int code);

    net::io_context m_io; // first: destroyed last, after the sessions its handlers own
    tcp::acceptor m_acceptor;
    std::thread m_thread;
};

namespace {

// One client connection: reads requests, writes answers, plays watch scripts as chunked streams.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, FakeKubeServer::Impl& server)
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
        Reply reply = m_server.answer(toFakeRequest(m_request));
        if (reply.stream)
            return startStream(std::move(*reply.stream));
        writeAnswer(reply.answer);
    }

    void writeAnswer(const Answer& answer) {
        auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status),
                                                                            m_request.version());
        response->set(http::field::content_type, "application/json");
        response->body() = answer.body;
        response->keep_alive(m_request.keep_alive());
        response->prepare_payload();
        http::async_write(m_socket, *response,
                          [self = shared_from_this(), response](beast::error_code error, std::size_t) {
                              if (error || !response->keep_alive())
                                  return self->close();
                              self->read();
                          });
    }

    void startStream(WatchScript script) {
        m_chunks.assign(script.chunks.begin(), script.chunks.end());
        m_holdOpen = script.holdOpen;
        m_streamHeader = http::response<http::empty_body>(http::status::ok, m_request.version());
        m_streamHeader.set(http::field::content_type, "application/json");
        m_streamHeader.chunked(true);
        m_streamHeader.keep_alive(false);
        m_serializer.emplace(m_streamHeader);
        http::async_write_header(m_socket, *m_serializer,
                                 [self = shared_from_this()](beast::error_code error, std::size_t) {
                                     if (!error)
                                         self->nextChunk();
                                 });
    }

    void nextChunk() {
        if (m_chunks.empty())
            return m_holdOpen ? waitForClient() : endStream();
        m_chunk = std::move(m_chunks.front());
        m_chunks.pop_front();
        net::async_write(m_socket, http::make_chunk(net::buffer(m_chunk)),
                         [self = shared_from_this()](beast::error_code error, std::size_t) {
                             if (!error)
                                 self->nextChunk();
                         });
    }

    void endStream() {
        net::async_write(m_socket, http::make_chunk_last(),
                         [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
    }

    // A held stream ends when the client closes its side (or when the server stops).
    void waitForClient() {
        m_socket.async_read_some(net::buffer(m_discard),
                                 [self = shared_from_this()](beast::error_code error, std::size_t) {
                                     if (error)
                                         return self->close();
                                     self->waitForClient();
                                 });
    }

    void close() {
        beast::error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
    }

    tcp::socket m_socket;
    FakeKubeServer::Impl& m_server;
    beast::flat_buffer m_buffer;
    http::request<http::string_body> m_request;
    http::response<http::empty_body> m_streamHeader;
    std::optional<http::response_serializer<http::empty_body>> m_serializer;
    std::deque<std::string> m_chunks;
    std::string m_chunk;
    bool m_holdOpen = false;
    char m_discard[512] = {};
};

} // namespace

void FakeKubeServer::Impl::accept() {
    m_acceptor.async_accept([this](beast::error_code error, tcp::socket socket) {
        if (error)
            return;
        std::make_shared<Session>(std::move(socket), *this)->read();
        accept();
    });
}

Reply FakeKubeServer::Impl::answer(const FakeRequest& request) {
    const std::lock_guard lock(m_mutex);
    m_log.push_back(request);
    if (!m_token.empty() && request.authorization != "Bearer " + m_token)
        return statusReply(401, "Unauthorized", "Unauthorized");
    if (auto reply = scripted(request))
        return *reply;
    if (request.path == "/version")
        return objectReply(200, json{{"major", "1"}, {"minor", "29"}, {"gitVersion", "v1.29.0-fake"}});
    if (m_collections.count(request.path))
        return collectionRequest(request);
    const std::size_t slash = request.path.rfind('/');
    const std::string collection = request.path.substr(0, slash);
    if (slash != std::string::npos && m_collections.count(collection))
        return objectRequest(request, collection, request.path.substr(slash + 1));
    return statusReply(404, "NotFound", "the server could not find the requested resource");
}

std::optional<Reply> FakeKubeServer::Impl::scripted(const FakeRequest& request) {
    if (request.query.count("watch"))
        return std::nullopt;
    const auto found = m_responseScripts.find(request.method + " " + request.path);
    if (found == m_responseScripts.end() || found->second.empty())
        return std::nullopt;
    ScriptedResponse response = found->second.front();
    if (found->second.size() > 1)
        found->second.pop_front();
    return Reply{
        Answer{response.status, response.body.is_string() ? response.body.get<std::string>() : response.body.dump()},
        std::nullopt};
}

Reply FakeKubeServer::Impl::collectionRequest(const FakeRequest& request) {
    const auto watchFlag = request.query.find("watch");
    if (request.method == "GET" && watchFlag != request.query.end() && watchFlag->second != "false" &&
        watchFlag->second != "0")
        return watch(request);
    if (request.method == "GET")
        return list(request);
    if (request.method == "POST")
        return create(request);
    return statusReply(405, "MethodNotAllowed", request.method + " is not supported on a collection");
}

Reply FakeKubeServer::Impl::objectRequest(const FakeRequest& request, const std::string& collection,
                                          const std::string& name) {
    auto& objects = m_collections[collection];
    const auto found = objects.find(name);
    const std::string notFound = lastSegment(collection) + " \"" + name + "\" not found";
    if (request.method == "PATCH")
        return patch(request, collection, name);
    if (found == objects.end())
        return statusReply(404, "NotFound", notFound);
    if (request.method == "GET")
        return objectReply(200, found->second);
    if (request.method == "PUT")
        return put(request, collection, name);
    if (request.method == "DELETE") {
        json removed = found->second;
        objects.erase(found);
        nextResourceVersion();
        return objectReply(200, removed);
    }
    return statusReply(405, "MethodNotAllowed", request.method + " is not supported");
}

Reply FakeKubeServer::Impl::list(const FakeRequest& request) {
    json items = json::array();
    const auto selector = request.query.find("labelSelector");
    for (const auto& [name, object] : m_collections[request.path]) {
        if (selector == request.query.end() || matchesSelector(object, selector->second))
            items.push_back(object);
    }
    return objectReply(200, json{{"kind", "List"},
                                 {"apiVersion", "v1"},
                                 {"metadata", {{"resourceVersion", std::to_string(m_resourceVersion)}}},
                                 {"items", std::move(items)}});
}

Reply FakeKubeServer::Impl::watch(const FakeRequest& request) {
    auto& scripts = m_watchScripts[request.path];
    if (scripts.empty())
        return Reply{{}, WatchScript{200, {}, true}};
    WatchScript script = std::move(scripts.front());
    scripts.pop_front();
    if (script.status == 410) {
        const auto version = request.query.find("resourceVersion");
        return statusReply(410, "Expired",
                           "too old resource version: " +
                               (version == request.query.end() ? std::string() : version->second));
    }
    if (script.status != 200)
        return statusReply(script.status, "InternalError", "scripted watch failure");
    return Reply{{}, std::move(script)};
}

Reply FakeKubeServer::Impl::create(const FakeRequest& request) {
    json object = json::parse(request.body, nullptr, false);
    if (!object.is_object())
        return statusReply(400, "BadRequest", "the body is not a JSON object");
    const std::string name = object.value("/metadata/name"_json_pointer, "");
    if (name.empty())
        return statusReply(422, "Invalid", "metadata.name: Required value");
    if (m_collections[request.path].count(name))
        return statusReply(409, "AlreadyExists", lastSegment(request.path) + " \"" + name + "\" already exists");
    object["metadata"]["generation"] = 1;
    return store(request.path, std::move(object), 201);
}

Reply FakeKubeServer::Impl::patch(const FakeRequest& request, const std::string& collection, const std::string& name) {
    auto& objects = m_collections[collection];
    const json body = json::parse(request.body, nullptr, false);
    const bool apply = request.contentType == "application/apply-patch+yaml";
    if (body.is_discarded())
        return statusReply(400, "BadRequest", "the patch is not JSON");
    if (apply && !request.query.count("fieldManager"))
        return statusReply(400, "BadRequest", "PATCH with apply-patch+yaml needs fieldManager");
    if (!objects.count(name)) {
        if (!apply)
            return statusReply(404, "NotFound", lastSegment(collection) + " \"" + name + "\" not found");
        json created = body;
        created["metadata"]["generation"] = 1;
        return store(collection, std::move(created), 201);
    }
    json object = objects[name];
    if (request.contentType == "application/merge-patch+json" || apply) {
        object.merge_patch(body);
    } else if (request.contentType == "application/json-patch+json") {
        try {
            object = object.patch(body);
        } catch (const json::exception& failure) {
            return statusReply(422, "Invalid", failure.what());
        }
    } else {
        return statusReply(415, "UnsupportedMediaType", "the body of the request was in an unknown format");
    }
    object["metadata"]["generation"] = object["metadata"].value("generation", 0) + 1;
    return store(collection, std::move(object), 200);
}

Reply FakeKubeServer::Impl::put(const FakeRequest& request, const std::string& collection, const std::string& name) {
    json object = json::parse(request.body, nullptr, false);
    if (!object.is_object())
        return statusReply(400, "BadRequest", "the body is not a JSON object");
    const json& stored = m_collections[collection][name];
    if (object.value("/metadata/resourceVersion"_json_pointer, "") !=
        stored.value("/metadata/resourceVersion"_json_pointer, ""))
        return statusReply(409, "Conflict",
                           "Operation cannot be fulfilled on " + lastSegment(collection) + " \"" + name +
                               "\": the object has been modified; please apply your changes to the latest version "
                               "and try again");
    object["metadata"]["generation"] = stored["metadata"].value("generation", 0) + 1;
    return store(collection, std::move(object), 200);
}

Reply FakeKubeServer::Impl::store(const std::string& collection, json object, int code) {
    object["metadata"]["resourceVersion"] = nextResourceVersion();
    const std::string name = object["metadata"].value("name", "");
    m_collections[collection][name] = object;
    return objectReply(code, object);
}

FakeKubeServer::FakeKubeServer()
    : m_impl(std::make_unique<Impl>()) {}

FakeKubeServer::~FakeKubeServer() = default;

int FakeKubeServer::port() const {
    return m_impl->port();
}

std::string FakeKubeServer::url() const {
    return "http://127.0.0.1:" + std::to_string(port());
}

void FakeKubeServer::requireToken(const std::string& token) {
    const std::lock_guard lock(m_impl->m_mutex);
    m_impl->m_token = token;
}

void FakeKubeServer::addCollection(const std::string& path) {
    const std::lock_guard lock(m_impl->m_mutex);
    m_impl->m_collections[path];
}

void FakeKubeServer::putObject(const std::string& collectionPath, nlohmann::json object) {
    const std::lock_guard lock(m_impl->m_mutex);
    object["metadata"]["resourceVersion"] = m_impl->nextResourceVersion();
    const std::string name = object["metadata"].value("name", "");
    m_impl->m_collections[collectionPath][name] = std::move(object);
}

void FakeKubeServer::scriptWatches(const std::string& collectionPath, std::vector<WatchScript> scripts) {
    const std::lock_guard lock(m_impl->m_mutex);
    auto& queue = m_impl->m_watchScripts[collectionPath];
    for (auto& script : scripts)
        queue.push_back(std::move(script));
}

void FakeKubeServer::scriptResponses(const std::string& method, const std::string& path,
                                     std::vector<ScriptedResponse> responses) {
    const std::lock_guard lock(m_impl->m_mutex);
    m_impl->m_responseScripts[method + " " + path] = {responses.begin(), responses.end()};
}

std::vector<FakeRequest> FakeKubeServer::requests() const {
    const std::lock_guard lock(m_impl->m_mutex);
    return m_impl->m_log;
}

std::vector<FakeRequest> FakeKubeServer::requestsTo(const std::string& path) const {
    std::vector<FakeRequest> matching;
    for (auto& request : requests()) {
        if (request.path == path)
            matching.push_back(std::move(request));
    }
    return matching;
}

std::string FakeKubeServer::eventLine(const std::string& type, const nlohmann::json& object) {
    return json{{"type", type}, {"object", object}}.dump() + "\n";
}

nlohmann::json FakeKubeServer::status(int code, const std::string& reason, const std::string& message) {
    return json{{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
                {"status", "Failure"}, {"message", message}, {"reason", reason},
                {"code", code}};
}

} // namespace faaswb::test
