// The gateway target. The gateway only accepts requests from a socket, so the fuzz input goes the product's whole
// way: a loopback client connection writes the raw bytes and half-closes, the real Gateway (Beast parse in
// DownstreamSession, routing by Host or path prefix, B3/traceparent, proxying) answers, and the client reads until
// the gateway closes. One service routes to a tiny upstream that answers 200 to anything, so routed requests complete
// instead of waiting in the activator. Everything runs on this thread's io_context; a hang is the fuzzer's timeout.
#include "fuzz_internal.h"
#include "localplatform/gateway.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <memory>

namespace faaswb::fuzz {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// The function instance: answers every request it can parse with 200 and keeps the connection.
struct UpstreamConnection : std::enable_shared_from_this<UpstreamConnection> {
    explicit UpstreamConnection(tcp::socket s)
        : socket(std::move(s)) {}
    void read() {
        request = {};
        http::async_read(socket, buffer, request, [self = shared_from_this()](error_code ec, std::size_t) {
            if (!ec)
                self->answer();
        });
    }
    void answer() {
        response = {http::status::ok, 11};
        response.body() = "ok\n";
        response.keep_alive(request.keep_alive());
        response.prepare_payload();
        http::async_write(socket, response, [self = shared_from_this()](error_code ec, std::size_t) {
            if (!ec && self->response.keep_alive())
                self->read();
        });
    }
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
};

class GatewayHarness {
public:
    GatewayHarness()
        : m_gateway(m_io, m_spans)
        , m_upstream(m_io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
        auto port = m_gateway.listen("127.0.0.1", 0);
        if (!port)
            propertyFailed("gateway harness: " + port.error().message);
        m_gatewayEndpoint = tcp::endpoint(asio::ip::address_v4::loopback(), *port);
        acceptUpstream();
        m_gateway.setDemandListener([](const std::string&) {});
        m_gateway.upsertService({"default", "hello", "hello-00001"});
        m_gateway.upsertRevision({"default", "hello", "hello", "hello-00001", 4, std::chrono::seconds(300)});
        m_gateway.setEndpoints("hello-00001", {{"hello-00001-deployment-0", m_upstream.local_endpoint().port(), 1}});
    }

    void exchange(std::string_view input) {
        tcp::socket client(m_io);
        error_code ec;
        // libFuzzer's -timeout alarm (SIGALRM) interrupts blocking calls: retry those, they are not findings.
        do {
            client.close(ec);
            client.connect(m_gatewayEndpoint, ec);
        } while (ec == asio::error::interrupted);
        if (!ec)
            asio::write(client, asio::buffer(input.data(), input.size()), ec);
        if (ec)
            propertyFailed("gateway harness: cannot send the request: " + ec.message());
        client.shutdown(tcp::socket::shutdown_send, ec);
        std::string answer;
        bool done = false;
        asio::async_read(client, asio::dynamic_buffer(answer), [&done](error_code, std::size_t) { done = true; });
        while (!done)
            m_io.run_one();
        (void)m_gateway.collectStats(std::chrono::steady_clock::now());
    }

private:
    void acceptUpstream() {
        m_upstream.async_accept([this](error_code ec, tcp::socket socket) {
            if (ec)
                return;
            std::make_shared<UpstreamConnection>(std::move(socket))->read();
            acceptUpstream();
        });
    }

    asio::io_context m_io;
    localplatform::SpanStore m_spans{1000};
    localplatform::Gateway m_gateway;
    tcp::acceptor m_upstream;
    tcp::endpoint m_gatewayEndpoint;
};

} // namespace

void gatewayRequest(std::string_view input) {
    static GatewayHarness harness;
    harness.exchange(input);
}

} // namespace faaswb::fuzz
