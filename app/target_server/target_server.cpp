#include "target_server.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <string>

namespace faaswb::target {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::uint64_t kRequestBodyLimit = 64ull << 20;

// The request as it arrived (Beast keeps the headers in their order and spelling).
std::string requestText(const http::request<http::string_body>& request) {
    std::string text;
    const unsigned version = request.version();
    text.append(request.method_string()).append(" ").append(request.target()).append(" HTTP/");
    text.append(std::to_string(version / 10)).append(".").append(std::to_string(version % 10)).append("\r\n");
    for (const auto& field : request)
        text.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
    return text.append("\r\n").append(request.body());
}

// One connection: read a request, wait (delay, then any stall), answer, repeat while keep-alive holds.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, TargetServer& server)
        : m_socket(std::move(socket))
        , m_timer(m_socket.get_executor())
        , m_server(server) {}

    void start() { readRequest(); }

private:
    void readRequest() {
        m_parser.emplace();
        m_parser->body_limit(kRequestBodyLimit);
        http::async_read(m_socket, m_buffer, *m_parser,
                         [self = shared_from_this()](error_code ec, std::size_t) { self->onRequest(ec); });
    }

    void onRequest(error_code ec) {
        if (ec)
            return close();
        if (m_server.options().reset)
            return abortWithReset();
        delayThen([this] { holdDuringStallThen([this] { respond(); }); });
    }

    template <class Next>
    void delayThen(Next next) {
        if (m_server.options().delay.count() == 0)
            return next();
        waitUntil(TargetServer::Clock::now() + m_server.options().delay, next);
    }

    template <class Next>
    void holdDuringStallThen(Next next) {
        const auto stallEnd = m_server.stallEndAt(TargetServer::Clock::now());
        if (!stallEnd)
            return next();
        waitUntil(*stallEnd, next);
    }

    template <class Next>
    void waitUntil(TargetServer::Clock::time_point when, Next next) {
        m_timer.expires_at(when);
        m_timer.async_wait([self = shared_from_this(), next](error_code ec) {
            if (!ec)
                next();
        });
    }

    void respond() {
        ++m_served;
        const auto& options = m_server.options();
        const bool keepAlive =
            m_parser->get().keep_alive() && (options.closeAfter == 0 || m_served < options.closeAfter);
        m_response = {};
        m_response.result(options.status);
        m_response.version(11);
        m_response.set(http::field::content_type, "text/plain");
        addFaaswbHeaders();
        m_response.body() = responseBody();
        m_response.keep_alive(keepAlive);
        m_response.prepare_payload();
        http::async_write(m_socket, m_response, [self = shared_from_this(), keepAlive](error_code ec, std::size_t) {
            self->onWritten(ec, keepAlive);
        });
    }

    void addFaaswbHeaders() {
        const auto& options = m_server.options();
        if (!options.instance.empty())
            m_response.set("X-Faaswb-Instance", options.instance);
        if (options.coldFirst)
            m_response.set("X-Faaswb-Cold", m_server.takeColdStart() ? "1" : "0");
    }

    http::span_body<const char>::value_type responseBody() {
        if (m_server.options().echoRequest) {
            m_echoed = requestText(m_parser->get());
            return {m_echoed.data(), m_echoed.size()};
        }
        if (m_server.options().echo)
            return {m_parser->get().body().data(), m_parser->get().body().size()};
        return {m_server.body().data(), m_server.body().size()};
    }

    void onWritten(error_code ec, bool keepAlive) {
        if (ec || !keepAlive)
            return close();
        readRequest();
    }

    void close() {
        error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_send, ignored);
        m_socket.close(ignored);
    }

    // SO_LINGER with a zero timeout makes close() send RST instead of FIN: the client sees "connection reset".
    void abortWithReset() {
        error_code ignored;
        m_socket.set_option(asio::socket_base::linger(true, 0), ignored);
        m_socket.close(ignored);
    }

    tcp::socket m_socket;
    asio::steady_timer m_timer;
    TargetServer& m_server;
    boost::beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    http::response<http::span_body<const char>> m_response;
    std::string m_echoed; // --echo-request: the response body, alive until it is written
    int m_served = 0;
};

std::string patternBody(std::size_t size) {
    std::string body(size, 'k');
    for (std::size_t i = 0; i < size; i += 2)
        body[i] = 'o';
    return body;
}

} // namespace

TargetServer::TargetServer(asio::io_context& io, TargetOptions options)
    : m_io(io)
    , m_options(std::move(options))
    , m_body(patternBody(m_options.bodySize))
    , m_acceptor(io)
    , m_acceptRetry(io) {}

std::optional<unsigned short> TargetServer::listen(std::string& error) {
    const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), m_options.port);
    error_code ec;
    m_acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        m_acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        m_acceptor.bind(endpoint, ec);
    if (!ec)
        m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        error = "cannot listen on 127.0.0.1:" + std::to_string(m_options.port) + ": " + ec.message();
        return std::nullopt;
    }
    accept();
    return m_acceptor.local_endpoint().port();
}

void TargetServer::accept() {
    m_acceptor.async_accept(asio::make_strand(m_io), [this](error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted)
            return;
        if (ec)
            return acceptLater(); // out of file descriptors, most likely: retrying at once would spin
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), *this)->start();
        accept();
    });
}

void TargetServer::acceptLater() {
    m_acceptRetry.expires_after(std::chrono::milliseconds(50));
    m_acceptRetry.async_wait([this](error_code ec) {
        if (!ec)
            accept();
    });
}

std::optional<TargetServer::Clock::time_point> TargetServer::stallEndAt(Clock::time_point now) const noexcept {
    const auto every = m_options.stallEvery;
    if (every.count() <= 0)
        return std::nullopt;
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - m_start);
    const auto periods = elapsed / every;
    if (elapsed - periods * every < every - m_options.stallFor)
        return std::nullopt;
    return m_start + (periods + 1) * every;
}

bool TargetServer::takeColdStart() noexcept {
    return !m_coldTaken.exchange(true, std::memory_order_relaxed);
}

} // namespace faaswb::target
