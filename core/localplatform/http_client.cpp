#include "localplatform/http_server.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

namespace faaswb::localplatform {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::uint64_t kResponseBodyLimit = 1ull << 30;

} // namespace

Result<HttpUrl> parseHttpUrl(std::string_view url) {
    constexpr std::string_view scheme = "http://";
    if (url.substr(0, scheme.size()) != scheme)
        return invalidInput("'" + std::string(url) + "' is not an http:// URL");
    auto rest = url.substr(scheme.size());
    auto slash = rest.find_first_of("/?");
    auto authority = rest.substr(0, slash);
    HttpUrl parsed;
    if (slash != std::string_view::npos) {
        parsed.target = std::string(rest.substr(slash));
        if (parsed.target.front() == '?')
            parsed.target.insert(0, "/");
    }
    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            return invalidInput("'" + std::string(url) + "': unterminated IPv6 address");
        host = authority.substr(1, close - 1);
        auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return invalidInput("'" + std::string(url) + "': bad authority");
            port = after.substr(1);
        }
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty())
        return invalidInput("'" + std::string(url) + "' has no host");
    parsed.host = std::string(host);
    if (!port.empty()) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
            return invalidInput("'" + std::string(url) + "' has a bad port");
        parsed.port = std::uint16_t(value);
    }
    return parsed;
}

namespace {

struct ClientConnection {
    explicit ClientConnection(asio::io_context& io)
        : socket(io) {}
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
};

struct PoolKey {
    std::string host;
    std::uint16_t port;
    bool operator==(const PoolKey&) const = default;
};

struct PoolKeyHash {
    std::size_t operator()(const PoolKey& key) const { return std::hash<std::string>()(key.host) ^ key.port; }
};

} // namespace

class HttpClient::Impl : public std::enable_shared_from_this<HttpClient::Impl> {
public:
    Impl(asio::io_context& io, HttpClientOptions options)
        : m_io(io)
        , m_options(options) {}

    // One send(): owns the request, the timers and the connection while it is in use.
    struct Operation : std::enable_shared_from_this<Operation> {
        Operation(asio::io_context& io)
            : timer(io)
            , connectTimer(io)
            , resolver(io) {}
        PoolKey key;
        http::request<http::string_body> request;
        std::function<void(ClientResponse)> done;
        asio::steady_timer timer;
        asio::steady_timer connectTimer;
        tcp::resolver resolver;
        std::shared_ptr<ClientConnection> connection;
        std::optional<http::response_parser<http::string_body>> parser;
        bool reused = false;
        bool retried = false;
        bool connectTimedOut = false;
        bool finished = false;
    };
    using OperationPtr = std::shared_ptr<Operation>;

    void send(const std::string& host, std::uint16_t port, HttpRequest request, std::chrono::milliseconds timeout,
              std::function<void(ClientResponse)> done) {
        auto operation = std::make_shared<Operation>(m_io);
        operation->key = {host, port};
        operation->done = std::move(done);
        buildRequest(operation->request, host, port, std::move(request));
        if (m_stopped) {
            asio::post(
                m_io, [operation] { operation->done(failure(ClientErrorKind::Reset, "the HTTP client was stopped")); });
            return;
        }
        m_pending.insert(operation);
        if (timeout.count() > 0) {
            operation->timer.expires_after(timeout);
            operation->timer.async_wait([weak = weak_from_this(), operation, timeout](error_code ec) {
                auto self = weak.lock();
                if (!self || ec)
                    return;
                self->finish(operation,
                             failure(ClientErrorKind::Timeout, "no response from " + describe(operation) + " within " +
                                                                   std::to_string(timeout.count()) + " ms"));
            });
        }
        acquire(operation);
    }

    void dropIdle(const std::string& host, std::uint16_t port) {
        auto found = m_idle.find(PoolKey{host, port});
        if (found == m_idle.end())
            return;
        for (auto& connection : found->second)
            closeConnection(*connection);
        m_idle.erase(found);
    }

    // `notify` is false from the destructor: the owner is going away and must not be called back.
    void stop(bool notify) {
        m_stopped = true;
        auto pending = m_pending;
        for (const auto& operation : pending) {
            if (!notify)
                operation->done = nullptr;
            finish(operation, failure(ClientErrorKind::Reset, "the HTTP client was stopped"));
        }
        for (auto& [key, connections] : m_idle)
            for (auto& connection : connections)
                closeConnection(*connection);
        m_idle.clear();
    }

private:
    static ClientResponse failure(ClientErrorKind kind, std::string message) {
        ClientResponse response;
        response.error = kind;
        response.errorMessage = std::move(message);
        return response;
    }

    static std::string describe(const OperationPtr& operation) {
        return operation->key.host + ":" + std::to_string(operation->key.port);
    }

    static void closeConnection(ClientConnection& connection) {
        error_code ignored;
        connection.socket.shutdown(tcp::socket::shutdown_both, ignored);
        connection.socket.close(ignored);
    }

    static void buildRequest(http::request<http::string_body>& out, const std::string& host, std::uint16_t port,
                             HttpRequest request) {
        out.version(11);
        out.method_string(request.method.empty() ? "GET" : request.method);
        out.target(request.target.empty() ? "/" : request.target);
        bool hasHost = false;
        for (auto& [name, value] : request.headers) {
            hasHost = hasHost || boost::beast::iequals(name, "host");
            out.insert(name, value);
        }
        if (!hasHost)
            out.set(http::field::host, host + ":" + std::to_string(port));
        out.body() = std::move(request.body);
        out.prepare_payload();
    }

    void acquire(const OperationPtr& operation) {
        auto found = m_idle.find(operation->key);
        while (found != m_idle.end() && !found->second.empty()) {
            auto connection = std::move(found->second.back());
            found->second.pop_back();
            if (!connection->socket.is_open())
                continue;
            operation->connection = std::move(connection);
            operation->reused = true;
            return write(operation);
        }
        connect(operation);
    }

    void connect(const OperationPtr& operation) {
        operation->reused = false;
        operation->connection = std::make_shared<ClientConnection>(m_io);
        operation->connectTimer.expires_after(m_options.connectTimeout);
        operation->connectTimer.async_wait([operation, connection = operation->connection](error_code ec) {
            if (ec || operation->finished)
                return;
            operation->connectTimedOut = true;
            operation->resolver.cancel();
            closeConnection(*connection);
        });
        error_code ec;
        auto address = asio::ip::make_address(operation->key.host, ec);
        if (!ec) {
            std::array<tcp::endpoint, 1> endpoints{tcp::endpoint(address, operation->key.port)};
            return connectTo(operation, endpoints);
        }
        operation->resolver.async_resolve(
            operation->key.host, std::to_string(operation->key.port),
            [weak = weak_from_this(), operation](error_code resolveEc, tcp::resolver::results_type results) {
                auto self = weak.lock();
                if (!self || operation->finished)
                    return;
                if (resolveEc)
                    return self->connectFailed(operation, resolveEc);
                self->connectTo(operation, results);
            });
    }

    template <class Endpoints>
    void connectTo(const OperationPtr& operation, const Endpoints& endpoints) {
        asio::async_connect(operation->connection->socket, endpoints,
                            [weak = weak_from_this(), operation](error_code ec, const tcp::endpoint&) {
                                auto self = weak.lock();
                                if (!self || operation->finished)
                                    return;
                                operation->connectTimer.cancel();
                                if (ec)
                                    return self->connectFailed(operation, ec);
                                error_code ignored;
                                operation->connection->socket.set_option(tcp::no_delay(true), ignored);
                                self->write(operation);
                            });
    }

    void connectFailed(const OperationPtr& operation, error_code ec) {
        if (operation->connectTimedOut)
            return finish(operation, failure(ClientErrorKind::Connect,
                                             "connecting to " + describe(operation) + " timed out after " +
                                                 std::to_string(m_options.connectTimeout.count()) + " ms"));
        finish(operation,
               failure(ClientErrorKind::Connect, "cannot connect to " + describe(operation) + ": " + ec.message()));
    }

    void write(const OperationPtr& operation) {
        // The handlers hold the connection too: a timeout may drop operation->connection while the socket's
        // operation is still pending, and its buffer must live until the handler runs.
        http::async_write(operation->connection->socket, operation->request,
                          [weak = weak_from_this(), operation, connection = operation->connection](error_code ec,
                                                                                                 std::size_t) {
                              auto self = weak.lock();
                              if (!self || operation->finished)
                                  return;
                              if (ec)
                                  return self->exchangeFailed(operation, ec, false);
                              self->read(operation);
                          });
    }

    void read(const OperationPtr& operation) {
        operation->parser.emplace();
        operation->parser->body_limit(kResponseBodyLimit);
        if (operation->request.method() == http::verb::head)
            operation->parser->skip(true);
        http::async_read(operation->connection->socket, operation->connection->buffer, *operation->parser,
                         [weak = weak_from_this(), operation, connection = operation->connection](error_code ec,
                                                                                                std::size_t) {
                             auto self = weak.lock();
                             if (!self || operation->finished)
                                 return;
                             if (ec)
                                 return self->exchangeFailed(operation, ec, operation->parser->got_some());
                             self->completed(operation);
                         });
    }

    // A reused keep-alive connection the server had already closed fails before any response byte: try once more on
    // a fresh connection.
    void exchangeFailed(const OperationPtr& operation, error_code ec, bool gotResponseBytes) {
        closeConnection(*operation->connection);
        if (operation->reused && !operation->retried && !gotResponseBytes) {
            operation->retried = true;
            return connect(operation);
        }
        const bool protocol = ec.category() == error_code(http::error::end_of_stream).category() &&
                              ec != http::error::end_of_stream && ec != http::error::partial_message;
        finish(operation, failure(protocol ? ClientErrorKind::Protocol : ClientErrorKind::Reset,
                                  "exchange with " + describe(operation) + " failed: " + ec.message()));
    }

    void completed(const OperationPtr& operation) {
        auto message = operation->parser->release();
        ClientResponse response;
        response.status = int(message.result_int());
        response.headers.reserve(8);
        for (const auto& field : message)
            response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        response.body = std::move(message.body());
        auto& pool = m_idle[operation->key];
        if (message.keep_alive() && !m_stopped && pool.size() < m_options.maxIdlePerHost)
            pool.push_back(std::move(operation->connection));
        else
            closeConnection(*operation->connection);
        operation->connection.reset();
        finish(operation, std::move(response));
    }

    void finish(const OperationPtr& operation, ClientResponse response) {
        if (operation->finished)
            return;
        operation->finished = true;
        operation->timer.cancel();
        operation->connectTimer.cancel();
        operation->resolver.cancel();
        if (operation->connection) {
            closeConnection(*operation->connection);
            operation->connection.reset();
        }
        m_pending.erase(operation);
        auto done = std::move(operation->done);
        if (done)
            done(std::move(response));
    }

    asio::io_context& m_io;
    HttpClientOptions m_options;
    std::unordered_set<OperationPtr> m_pending;
    std::unordered_map<PoolKey, std::vector<std::shared_ptr<ClientConnection>>, PoolKeyHash> m_idle;
    bool m_stopped = false;
};

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options)
    : m_impl(std::make_shared<Impl>(io, options)) {}

HttpClient::~HttpClient() {
    m_impl->stop(false);
}

void HttpClient::send(const std::string& host, std::uint16_t port, HttpRequest request,
                      std::chrono::milliseconds timeout, std::function<void(ClientResponse)> done) {
    m_impl->send(host, port, std::move(request), timeout, std::move(done));
}

void HttpClient::dropIdle(const std::string& host, std::uint16_t port) {
    m_impl->dropIdle(host, port);
}

void HttpClient::stop() {
    m_impl->stop(true);
}

} // namespace faaswb::localplatform
