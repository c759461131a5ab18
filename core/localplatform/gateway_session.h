// Gateway internals: one client connection of the gateway. Reads one request at a time straight into a Beast
// message, hands it to the gateway, writes the response it gets back and reads the next (keep-alive). Runs on the
// platform thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

namespace faaswb::localplatform::gw {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

class DownstreamSession;

// Where sessions deliver requests; held weakly so sessions may outlive the gateway.
class RequestSink {
public:
    virtual ~RequestSink() = default;
    virtual void onRequest(const std::shared_ptr<DownstreamSession>& session, Request&& request) = 0;
    virtual void onSessionClosed(DownstreamSession* session) = 0;
};

class DownstreamSession : public std::enable_shared_from_this<DownstreamSession> {
public:
    DownstreamSession(tcp::socket socket, std::weak_ptr<RequestSink> sink, std::size_t maxBodyBytes);

    void start() { readRequest(); }
    // Answers the request being served; then reads the next one, or closes when either side asked to.
    void respond(Response&& response);
    void close();
    // Closes at once when waiting for a request, else after the response in progress.
    void closeWhenIdle();
    bool closed() const { return m_closed; }

private:
    void readRequest();
    void onRead(boost::system::error_code ec);
    void onWritten(boost::system::error_code ec);

    tcp::socket m_socket;
    std::weak_ptr<RequestSink> m_sink;
    std::size_t m_maxBodyBytes;
    boost::beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    Response m_response;
    bool m_requestKeepAlive = true;
    bool m_busy = false; // a request is being served
    bool m_closeAfterResponse = false;
    bool m_closed = false;
};

} // namespace faaswb::localplatform::gw
