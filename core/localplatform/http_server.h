// A small asynchronous HTTP/1.1 server and client on Boost.Beast for the local platform's control API, broker and
// supervisor probes. Plain request/response values keep Beast out of the callers' headers. Everything runs on the
// io_context the caller passes (the platform thread): handlers and completions are called there, never concurrently.
// The gateway has its own hot path and does not go through these types.
#pragma once

#include "common/result.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace faaswb::localplatform {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// The first header named `name` (case-insensitive), if any.
std::optional<std::string_view> findHeader(const HttpHeaders& headers, std::string_view name);

struct HttpRequest {
    std::string method;  // "GET"
    std::string target;  // "/api/v1/pods?watch=1" as received
    std::string path;    // "/api/v1/pods", percent-decoded
    std::string query;   // "watch=1", raw
    HttpHeaders headers; // in arrival order, names as sent
    std::string body;
    std::string remoteAddress; // "127.0.0.1"

    std::optional<std::string_view> header(std::string_view name) const { return findHeader(headers, name); }
    // Query parameters, percent-decoded; the last value wins for repeated keys.
    std::map<std::string, std::string> queryParameters() const;
};

struct HttpResponse {
    int status = 200;
    HttpHeaders headers; // Content-Length is computed; Content-Type defaults to text/plain when absent
    std::string body;
};

HttpResponse textResponse(int status, std::string body);
HttpResponse jsonResponse(int status, std::string body); // Content-Type: application/json

// One exchange's way back to the client. Exactly one of send() or beginStream() per request; after beginStream, any
// number of writeChunk() and one endStream(). Methods are no-ops once the connection is closed.
class ResponseWriter {
public:
    virtual ~ResponseWriter() = default;
    virtual void send(HttpResponse response) = 0;
    // A chunked response (watch streams): the header goes out at once.
    virtual void beginStream(int status, HttpHeaders headers) = 0;
    // Queues a chunk; false when the connection is gone.
    virtual bool writeChunk(std::string data) = 0;
    virtual void endStream() = 0;
    virtual bool isOpen() const = 0;
    // Called once when the client goes away or the server stops before the response is complete (e.g. to drop a
    // watch); registered after that, it is posted to the io_context.
    virtual void onClose(std::function<void()> callback) = 0;
};

using HttpHandler = std::function<void(HttpRequest request, std::shared_ptr<ResponseWriter> writer)>;

struct HttpServerOptions {
    std::size_t maxBodyBytes = 64 * 1024 * 1024; // larger bodies get 413
    std::chrono::seconds idleTimeout{120};       // keep-alive connections idle this long are closed
    std::size_t maxConnections = 4096;           // further connections are accepted and closed at once
};

class HttpServer {
public:
    HttpServer(boost::asio::io_context& io, HttpHandler handler, HttpServerOptions options = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts accepting; port 0 picks an ephemeral port. Returns the bound port.
    Result<std::uint16_t> listen(const std::string& address, std::uint16_t port);
    // Stops accepting and closes every connection (open streams see onClose). Call on the io thread.
    void stop();
    std::size_t openConnections() const;

private:
    class Impl;
    std::shared_ptr<Impl> m_impl;
};

// http://host[:port]/path?query (no TLS: the local platform only talks to loopback processes).
struct HttpUrl {
    std::string host;
    std::uint16_t port = 80;
    std::string target = "/"; // path + query
};
Result<HttpUrl> parseHttpUrl(std::string_view url);

enum class ClientErrorKind { None, Connect, Timeout, Reset, Protocol };

struct ClientResponse {
    ClientErrorKind error = ClientErrorKind::None; // None: `status` and the rest are valid
    std::string errorMessage;
    int status = 0;
    HttpHeaders headers;
    std::string body;
    bool ok() const { return error == ClientErrorKind::None; }
};

struct HttpClientOptions {
    std::size_t maxIdlePerHost = 64;
    std::chrono::milliseconds connectTimeout{2000};
};

// Keep-alive connection pool per host:port. Each send() completes exactly once, on the io thread.
class HttpClient {
public:
    HttpClient(boost::asio::io_context& io, HttpClientOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // `request.target` is sent as the request target; Host defaults to host:port.
    void send(const std::string& host, std::uint16_t port, HttpRequest request, std::chrono::milliseconds timeout,
              std::function<void(ClientResponse)> done);
    // Closes idle connections to host:port (an instance went away).
    void dropIdle(const std::string& host, std::uint16_t port);
    // Fails every pending request with Reset and closes all connections; later sends fail with Reset too. Call on the
    // io thread. The destructor drops pending requests without calling them back.
    void stop();

private:
    class Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace faaswb::localplatform
