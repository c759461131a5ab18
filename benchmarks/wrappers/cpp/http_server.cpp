#include "http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <memory>

namespace faaswb::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// 040.payload echoes up to 64 MiB, which arrives JSON-escaped: leave room.
constexpr std::uint64_t kBodyLimit = 256ull * 1024 * 1024;
// Load generators keep connections for a whole run; idle ones still go eventually.
constexpr auto kIdleTimeout = 120s;
constexpr auto kTransferTimeout = 300s;

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, ServerParts parts)
        : m_stream(std::move(socket))
        , m_parts(parts) {}

    void start() {
        asio::dispatch(m_stream.get_executor(), [self = shared_from_this()] { self->readHeader(); });
    }

private:
    void readHeader() {
        m_parser.emplace();
        m_parser->body_limit(kBodyLimit);
        m_stream.expires_after(kIdleTimeout);
        http::async_read_header(
            m_stream, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code error, std::size_t) { self->onHeader(error); });
    }

    void onHeader(beast::error_code error) {
        if (error)
            return fail(error);
        // curl and others hold a large body back until the server agrees; answering at once saves them a wait.
        const auto expect = m_parser->get()[http::field::expect];
        if (beast::iequals(expect, "100-continue")) {
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            asio::async_write(m_stream, asio::buffer(kContinue.data(), kContinue.size()),
                              [self = shared_from_this()](beast::error_code writeError, std::size_t) {
                                  if (writeError)
                                      return self->close();
                                  self->readBody();
                              });
            return;
        }
        readBody();
    }

    void readBody() {
        m_stream.expires_after(kTransferTimeout);
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = shared_from_this()](beast::error_code error, std::size_t) {
                             if (error)
                                 return self->fail(error);
                             self->answer(std::make_shared<Request>(self->m_parser->release()));
                         });
    }

    void answer(std::shared_ptr<Request> request) {
        m_stream.expires_never(); // a handler may take minutes (010.sleep): the connection waits for it
        if (auto response = m_parts.host.route(*request))
            return write(std::move(*response), std::nullopt);
        m_parts.pool.submit([self = shared_from_this(), request] {
            auto invocation = std::make_shared<Invocation>(self->m_parts.host.invoke(*request));
            asio::post(self->m_stream.get_executor(), [self, invocation] {
                self->write(std::move(invocation->response), std::move(invocation->span));
            });
        });
    }

    void write(Response response, std::optional<nlohmann::json> span) {
        m_response = std::move(response);
        m_span = std::move(span);
        m_stream.expires_after(kTransferTimeout);
        http::async_write(m_stream, m_response, [self = shared_from_this()](beast::error_code error, std::size_t) {
            self->onWritten(error);
        });
    }

    void onWritten(beast::error_code error) {
        if (m_span)
            m_parts.spans.report(std::move(*m_span)); // after the response went out, as the contract says
        m_span.reset();
        if (error || !m_response.keep_alive())
            return close();
        m_response = {};
        readHeader();
    }

    // A request we cannot parse gets a 400 (413 when too large) and the connection closes: its framing is lost.
    void fail(beast::error_code error) {
        const bool unanswerable = error == http::error::end_of_stream || error == http::error::partial_message ||
                                  error.category() != http::make_error_code(http::error::bad_method).category();
        if (unanswerable) // the peer left, timed out or broke off: nobody to answer
            return close();
        Request request;
        request.keep_alive(false);
        const unsigned status = error == http::error::body_limit ? 413 : 400;
        write(jsonResponse(request, status, {{"error", "malformed request: " + error.message()}}), std::nullopt);
    }

    void close() {
        beast::error_code ignored;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    beast::tcp_stream m_stream;
    ServerParts m_parts;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    Response m_response;
    std::optional<nlohmann::json> m_span;
};

} // namespace

HttpServer::HttpServer(asio::io_context& io, ServerParts parts)
    : m_io(io)
    , m_parts(parts)
    , m_acceptor(io) {}

std::optional<unsigned short> HttpServer::listen(const std::string& host, unsigned short port, std::string& error) {
    beast::error_code code;
    const auto address = asio::ip::make_address(host, code);
    if (code) {
        error = "'" + host + "' is not an IP address: " + code.message();
        return std::nullopt;
    }
    const tcp::endpoint endpoint(address, port);
    if (m_acceptor.open(endpoint.protocol(), code) ||
        m_acceptor.set_option(asio::socket_base::reuse_address(true), code) || m_acceptor.bind(endpoint, code) ||
        m_acceptor.listen(asio::socket_base::max_listen_connections, code)) {
        error = code.message();
        return std::nullopt;
    }
    accept();
    return m_acceptor.local_endpoint().port();
}

void HttpServer::accept() {
    m_acceptor.async_accept(asio::make_strand(m_io), [this](beast::error_code error, tcp::socket socket) {
        if (!error) {
            socket.set_option(tcp::no_delay(true), error);
            std::make_shared<Session>(std::move(socket), m_parts)->start();
        }
        if (m_acceptor.is_open())
            accept();
    });
}

} // namespace faaswb::bench
