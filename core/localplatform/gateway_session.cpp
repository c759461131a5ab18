#include "localplatform/gateway_session.h"

#include <boost/asio/write.hpp>
#include <boost/beast/http/rfc7230.hpp>

namespace faaswb::localplatform::gw {

using boost::system::error_code;

namespace {

// Beast's parser frames a body by the last Transfer-Encoding field, its serializer by the first: forwarded as it
// came, "Transfer-Encoding: foo" + "Transfer-Encoding: chunked" left the instance waiting for chunks that never
// came (a fuzzed request held the gateway until its 300 s timeout). Like any proxy that does not implement other
// codings, the gateway takes a body either unframed, with Content-Length or plain chunked, and answers others 501.
// One field at most, so the parser and the serializer read the same one.
bool hasOnlyChunkedCoding(const Request& request) {
    int fields = 0;
    int codings = 0;
    const auto [first, last] = request.equal_range(http::field::transfer_encoding);
    for (auto field = first; field != last; ++field) {
        ++fields;
        for (const auto& coding : http::token_list(field->value())) {
            if (!boost::beast::iequals(coding, "chunked"))
                return false;
            ++codings;
        }
    }
    return fields <= 1 && codings <= 1;
}

} // namespace

DownstreamSession::DownstreamSession(tcp::socket socket, std::weak_ptr<RequestSink> sink, std::size_t maxBodyBytes)
    : m_socket(std::move(socket))
    , m_sink(std::move(sink))
    , m_maxBodyBytes(maxBodyBytes) {}

void DownstreamSession::readRequest() {
    m_busy = false;
    if (m_closeAfterResponse)
        return close();
    m_parser.emplace();
    m_parser->body_limit(m_maxBodyBytes);
    m_parser->header_limit(64 * 1024);
    http::async_read(m_socket, m_buffer, *m_parser,
                     [self = shared_from_this()](error_code ec, std::size_t) { self->onRead(ec); });
}

void DownstreamSession::onRead(error_code ec) {
    if (m_closed)
        return;
    if (ec == http::error::body_limit) {
        Response response{http::status::payload_too_large, 11};
        response.set(http::field::content_type, "text/plain");
        response.body() = "request body larger than " + std::to_string(m_maxBodyBytes) + " bytes\n";
        m_busy = true;
        m_requestKeepAlive = false;
        return respond(std::move(response));
    }
    if (ec)
        return close();
    if (!hasOnlyChunkedCoding(m_parser->get())) {
        Response response{http::status::not_implemented, 11};
        response.set(http::field::content_type, "text/plain");
        response.body() = "transfer coding not supported (only chunked)\n";
        m_busy = true;
        m_requestKeepAlive = false;
        return respond(std::move(response));
    }
    auto sink = m_sink.lock();
    if (!sink)
        return close();
    m_busy = true;
    m_requestKeepAlive = m_parser->get().keep_alive();
    auto request = m_parser->release();
    sink->onRequest(shared_from_this(), std::move(request));
}

void DownstreamSession::respond(Response&& response) {
    if (m_closed)
        return;
    m_response = std::move(response);
    m_response.version(11);
    m_response.keep_alive(m_requestKeepAlive && !m_closeAfterResponse);
    m_response.prepare_payload();
    http::async_write(m_socket, m_response,
                      [self = shared_from_this()](error_code ec, std::size_t) { self->onWritten(ec); });
}

void DownstreamSession::onWritten(error_code ec) {
    if (m_closed)
        return;
    if (ec || !m_response.keep_alive()) {
        error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_send, ignored);
        return close();
    }
    m_response = {};
    readRequest();
}

void DownstreamSession::close() {
    if (m_closed)
        return;
    m_closed = true;
    error_code ignored;
    m_socket.close(ignored);
    if (auto sink = m_sink.lock())
        sink->onSessionClosed(this);
}

void DownstreamSession::closeWhenIdle() {
    m_closeAfterResponse = true;
    if (!m_busy)
        close();
}

} // namespace faaswb::localplatform::gw
