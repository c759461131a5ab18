#include "localplatform/http_server.h"

#include "localplatform/http_detail.h"
#include "localplatform/listen_socket.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <unordered_map>

namespace faaswb::localplatform {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::size_t kHeaderLimit = 64 * 1024;
// While a handler works we keep reading so a disconnect is noticed (watch streams); pipelined bytes pile up in
// the buffer up to this much, then we stop looking until the response is done.
constexpr std::size_t kWatchBufferLimit = 1024 * 1024;
constexpr std::chrono::seconds kLingerTimeout{2};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? char(a[i] + 32) : a[i];
        char y = b[i] >= 'A' && b[i] <= 'Z' ? char(b[i] + 32) : b[i];
        if (x != y)
            return false;
    }
    return true;
}

} // namespace

std::optional<std::string_view> findHeader(const HttpHeaders& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (iequals(key, name))
            return std::string_view(value);
    return std::nullopt;
}

std::map<std::string, std::string> HttpRequest::queryParameters() const {
    std::map<std::string, std::string> parameters;
    std::string_view rest = query;
    while (!rest.empty()) {
        auto amp = rest.find('&');
        auto pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty())
            continue;
        auto eq = pair.find('=');
        auto key = detail::percentDecode(pair.substr(0, eq), true);
        auto value = eq == std::string_view::npos ? std::string{} : detail::percentDecode(pair.substr(eq + 1), true);
        parameters[std::move(key)] = std::move(value);
    }
    return parameters;
}

HttpResponse textResponse(int status, std::string body) {
    return HttpResponse{status, {{"Content-Type", "text/plain; charset=utf-8"}}, std::move(body)};
}

HttpResponse jsonResponse(int status, std::string body) {
    return HttpResponse{status, {{"Content-Type", "application/json"}}, std::move(body)};
}

namespace {

class ServerSession;

// The server's shared state, seen by sessions through a weak pointer so a session outliving the server is harmless.
struct ServerCore {
    HttpHandler handler;
    HttpServerOptions options;
    std::unordered_map<ServerSession*, std::shared_ptr<ServerSession>> sessions;
};

class Exchange final : public ResponseWriter {
public:
    Exchange(std::shared_ptr<ServerSession> session, asio::any_io_executor executor, bool head, bool close)
        : m_session(std::move(session))
        , m_executor(std::move(executor))
        , m_head(head)
        , m_close(close) {}

    void send(HttpResponse response) override;
    void beginStream(int status, HttpHeaders headers) override;
    bool writeChunk(std::string data) override;
    void endStream() override;
    bool isOpen() const override { return !m_closed; }
    void onClose(std::function<void()> callback) override;

    bool finished() const { return m_finished; }
    bool wantsClose() const { return m_close; }
    // The connection went away (or the server stopped) before the response was complete.
    void notifyClosed();
    void detach() { m_session.reset(); }

private:
    std::shared_ptr<ServerSession> m_session;
    asio::any_io_executor m_executor;
    std::vector<std::function<void()>> m_onClose;
    bool m_head = false;
    bool m_close = false;
    bool m_started = false;
    bool m_streaming = false;
    bool m_finished = false;
    bool m_closed = false;
};

class ServerSession : public std::enable_shared_from_this<ServerSession> {
public:
    ServerSession(tcp::socket socket, std::weak_ptr<ServerCore> core, HttpServerOptions options)
        : m_socket(std::move(socket))
        , m_idleTimer(m_socket.get_executor())
        , m_core(std::move(core))
        , m_options(options) {}

    void start() { readRequest(); }

    void queueWrite(std::string data) {
        if (m_closed)
            return;
        m_pending.push_back(std::move(data));
        if (!m_writing)
            writeQueued();
    }

    bool closed() const { return m_closed; }

    void close() {
        if (m_closed)
            return;
        m_closed = true;
        error_code ignored;
        m_idleTimer.cancel();
        m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
        if (auto exchange = std::move(m_exchange)) {
            exchange->notifyClosed();
            exchange->detach();
        }
        if (auto core = m_core.lock())
            core->sessions.erase(this);
    }

private:
    void armIdleTimer(std::chrono::steady_clock::duration timeout) {
        m_idleTimer.expires_after(timeout);
        m_idleTimer.async_wait([weak = weak_from_this()](error_code ec) {
            if (auto self = weak.lock(); self && !ec)
                self->close();
        });
    }

    void readRequest() {
        m_parser.emplace();
        m_parser->body_limit(m_options.maxBodyBytes);
        m_parser->header_limit(kHeaderLimit);
        armIdleTimer(m_options.idleTimeout);
        http::async_read_header(m_socket, m_buffer, *m_parser,
                                [self = shared_from_this()](error_code ec, std::size_t) { self->onHeader(ec); });
    }

    void onHeader(error_code ec) {
        if (m_closed)
            return;
        if (ec)
            return failRead(ec);
        auto expect = m_parser->get()[http::field::expect];
        if (iequals({expect.data(), expect.size()}, "100-continue") && !m_parser->is_done()) {
            auto interim = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
            asio::async_write(m_socket, asio::buffer(*interim),
                              [self = shared_from_this(), interim](error_code writeEc, std::size_t) {
                                  if (writeEc)
                                      return self->close();
                                  self->readBody();
                              });
            return;
        }
        readBody();
    }

    void readBody() {
        http::async_read(m_socket, m_buffer, *m_parser,
                         [self = shared_from_this()](error_code ec, std::size_t) { self->onRequest(ec); });
    }

    void failRead(error_code ec) {
        m_idleTimer.cancel();
        if (ec == http::error::body_limit) {
            auto response =
                textResponse(413, "request body larger than " + std::to_string(m_options.maxBodyBytes) + " bytes\n");
            std::string out;
            detail::appendResponseHead(out, {413, &response.headers, response.body.size(), false, true});
            out += response.body;
            m_lingerAfterWrite = true;
            queueWrite(std::move(out));
            return;
        }
        close();
    }

    void onRequest(error_code ec) {
        if (m_closed)
            return;
        if (ec)
            return failRead(ec);
        m_idleTimer.cancel();
        auto& message = m_parser->get();
        HttpRequest request;
        request.method = std::string(message.method_string());
        request.target = std::string(message.target());
        std::string_view path, query;
        detail::splitTarget(request.target, path, query);
        request.path = detail::percentDecode(path, false);
        request.query = std::string(query);
        request.headers.reserve(16);
        for (const auto& field : message)
            request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        request.body = std::move(message.body());
        error_code endpointEc;
        auto remote = m_socket.remote_endpoint(endpointEc);
        if (!endpointEc)
            request.remoteAddress = remote.address().to_string();
        const bool head = message.method() == http::verb::head;
        const bool closeAfter = !message.keep_alive();
        m_parser.reset();

        auto core = m_core.lock();
        if (!core)
            return close();
        m_exchange = std::make_shared<Exchange>(shared_from_this(), m_socket.get_executor(), head, closeAfter);
        m_responseDone = false;
        watchForDisconnect();
        auto writer = m_exchange;
        core->handler(std::move(request), std::move(writer));
    }

    // Reads ahead while the handler works, so a client that goes away is noticed at once.
    void watchForDisconnect() {
        if (m_watching || m_closed || m_buffer.size() >= kWatchBufferLimit)
            return;
        m_watching = true;
        m_socket.async_read_some(m_buffer.prepare(4096),
                                 [self = shared_from_this()](error_code ec, std::size_t n) { self->onWatch(ec, n); });
    }

    void onWatch(error_code ec, std::size_t n) {
        m_watching = false;
        if (m_closed)
            return;
        m_buffer.commit(n);
        if (m_lingering) { // discard what the client still sends until it closes or the linger timer fires
            m_buffer.consume(m_buffer.size());
            if (ec)
                return close();
            return watchForDisconnect();
        }
        if (ec && ec != asio::error::operation_aborted)
            return close();
        if (m_responseDone)
            return readRequest();
        if (!ec)
            watchForDisconnect();
    }

    void writeQueued() {
        m_writing = true;
        m_sending.clear();
        m_sending.swap(m_pending);
        m_buffers.clear();
        for (const auto& data : m_sending)
            m_buffers.emplace_back(asio::buffer(data));
        asio::async_write(m_socket, m_buffers,
                          [self = shared_from_this()](error_code ec, std::size_t) { self->onWritten(ec); });
    }

    void onWritten(error_code ec) {
        m_writing = false;
        if (m_closed)
            return;
        if (ec)
            return close();
        if (!m_pending.empty())
            return writeQueued();
        if (m_lingerAfterWrite)
            return lingerClose();
        if (m_exchange && m_exchange->finished())
            responseComplete();
    }

    void responseComplete() {
        auto exchange = std::move(m_exchange);
        exchange->detach();
        if (exchange->wantsClose())
            return lingerClose();
        m_responseDone = true;
        if (m_watching) {
            error_code ignored;
            m_socket.cancel(ignored); // onWatch continues with readRequest()
            return;
        }
        readRequest();
    }

    // Half-closes and drains what the client still sends (e.g. the rest of an oversized body), so the client reads
    // our last response instead of a reset.
    void lingerClose() {
        m_lingering = true;
        error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_send, ignored);
        armIdleTimer(kLingerTimeout);
        m_buffer.consume(m_buffer.size());
        watchForDisconnect();
    }

    tcp::socket m_socket;
    asio::steady_timer m_idleTimer;
    std::weak_ptr<ServerCore> m_core;
    HttpServerOptions m_options;
    boost::beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::shared_ptr<Exchange> m_exchange;
    std::vector<std::string> m_pending;
    std::vector<std::string> m_sending;
    std::vector<asio::const_buffer> m_buffers;
    bool m_writing = false;
    bool m_watching = false;
    bool m_responseDone = false;
    bool m_lingerAfterWrite = false;
    bool m_lingering = false;
    bool m_closed = false;
};

void Exchange::send(HttpResponse response) {
    if (m_started || m_closed || !m_session)
        return;
    m_started = m_finished = true;
    m_close = m_close || detail::headersRequestClose(response.headers);
    std::string out;
    out.reserve(256 + (m_head ? 0 : response.body.size()));
    detail::appendResponseHead(out, {response.status, &response.headers, response.body.size(), false, m_close});
    if (!m_head && !detail::statusHasNoBody(response.status))
        out += response.body;
    m_session->queueWrite(std::move(out));
}

void Exchange::beginStream(int status, HttpHeaders headers) {
    if (m_started || m_closed || !m_session)
        return;
    m_started = m_streaming = true;
    m_close = m_close || detail::headersRequestClose(headers);
    std::string out;
    detail::appendResponseHead(out, {status, &headers, 0, true, m_close});
    m_session->queueWrite(std::move(out));
}

bool Exchange::writeChunk(std::string data) {
    if (!m_streaming || m_finished || m_closed || !m_session)
        return false;
    if (data.empty())
        return true; // an empty chunk would end the stream
    char size[20];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    std::string out;
    out.reserve(data.size() + 24);
    out.append(size).append(data).append("\r\n");
    m_session->queueWrite(std::move(out));
    return true;
}

void Exchange::endStream() {
    if (!m_streaming || m_finished || m_closed || !m_session)
        return;
    m_finished = true;
    m_session->queueWrite("0\r\n\r\n");
}

void Exchange::onClose(std::function<void()> callback) {
    if (!callback)
        return;
    if (m_closed) {
        // Closed already: call it soon, never from inside the caller's own stack.
        if (!m_finished)
            asio::post(m_executor, std::move(callback));
        return;
    }
    m_onClose.push_back(std::move(callback));
}

void Exchange::notifyClosed() {
    if (m_closed)
        return;
    m_closed = true;
    if (m_finished)
        return;
    auto callbacks = std::move(m_onClose);
    for (auto& callback : callbacks)
        callback();
}

} // namespace

class HttpServer::Impl {
public:
    Impl(asio::io_context& io, HttpHandler handler, HttpServerOptions options)
        : m_io(io)
        , m_acceptor(io)
        , m_core(std::make_shared<ServerCore>()) {
        m_core->handler = std::move(handler);
        m_core->options = options;
    }

    Result<std::uint16_t> listen(const std::string& address, std::uint16_t port) {
        auto bound = detail::openListener(m_acceptor, address, port, "HTTP server");
        if (!bound)
            return bound.error();
        accept();
        return m_acceptor.local_endpoint().port();
    }

    void stop() {
        error_code ignored;
        m_acceptor.close(ignored);
        auto sessions = m_core->sessions; // close() erases from the map
        for (auto& [raw, session] : sessions)
            session->close();
        m_core->sessions.clear();
    }

    std::size_t openConnections() const { return m_core->sessions.size(); }

private:
    void accept() {
        m_acceptor.async_accept([this, core = std::weak_ptr<ServerCore>(m_core)](error_code ec, tcp::socket socket) {
            if (core.expired() || !m_acceptor.is_open())
                return;
            if (!ec)
                startSession(std::move(socket));
            accept();
        });
    }

    void startSession(tcp::socket socket) {
        if (m_core->sessions.size() >= m_core->options.maxConnections) {
            error_code ignored;
            socket.close(ignored);
            return;
        }
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto session = std::make_shared<ServerSession>(std::move(socket), m_core, m_core->options);
        m_core->sessions.emplace(session.get(), session);
        session->start();
    }

    asio::io_context& m_io;
    tcp::acceptor m_acceptor;
    std::shared_ptr<ServerCore> m_core;
};

HttpServer::HttpServer(asio::io_context& io, HttpHandler handler, HttpServerOptions options)
    : m_impl(std::make_shared<Impl>(io, std::move(handler), options)) {}

HttpServer::~HttpServer() {
    m_impl->stop();
}

Result<std::uint16_t> HttpServer::listen(const std::string& address, std::uint16_t port) {
    return m_impl->listen(address, port);
}

void HttpServer::stop() {
    m_impl->stop();
}

std::size_t HttpServer::openConnections() const {
    return m_impl->openConnections();
}

} // namespace faaswb::localplatform
