#include "localplatform/gateway_session.h"

#include <boost/asio/write.hpp>

namespace faaswb::localplatform::gw {

using boost::system::error_code;

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
