// RecordingServer: a loopback HTTP/1.1 server (Boost.Beast) that answers 200 "ok" to everything and records each
// request as received, so tests can check what a client really sent. Serves on its own thread; requests() may be
// called from any thread.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace faaswb::test {

struct RecordedRequest {
    std::string method;
    std::string target;                         // path and query, as sent
    std::map<std::string, std::string> headers; // lower-case names; a repeated header keeps its last value
    std::string body;

    std::string header(const std::string& lowerName) const {
        const auto found = headers.find(lowerName);
        return found == headers.end() ? std::string() : found->second;
    }
};

class RecordingServer {
public:
    RecordingServer()
        : m_acceptor(m_io, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        accept();
        m_thread = std::thread([this] { m_io.run(); });
    }
    ~RecordingServer() {
        m_io.stop();
        m_thread.join();
    }
    RecordingServer(const RecordingServer&) = delete;
    RecordingServer& operator=(const RecordingServer&) = delete;

    int port() const { return m_acceptor.local_endpoint().port(); }
    std::string url(const std::string& pathAndQuery = "/") const {
        return "http://127.0.0.1:" + std::to_string(port()) + pathAndQuery;
    }
    std::vector<RecordedRequest> requests() const {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }

private:
    using Tcp = boost::asio::ip::tcp;

    // One keep-alive connection: read a request, record it, answer, repeat until the client closes.
    struct Session : std::enable_shared_from_this<Session> {
        Session(Tcp::socket connection, RecordingServer& owner)
            : socket(std::move(connection))
            , server(owner) {}

        void read() {
            request = {};
            boost::beast::http::async_read(socket, buffer, request,
                                           [self = shared_from_this()](boost::beast::error_code error, std::size_t) {
                                               if (!error)
                                                   self->answer();
                                           });
        }

        void answer() {
            server.record(request);
            response = {boost::beast::http::status::ok, request.version()};
            response.set(boost::beast::http::field::content_type, "text/plain");
            response.body() = "ok";
            response.keep_alive(request.keep_alive());
            response.prepare_payload();
            boost::beast::http::async_write(socket, response,
                                            [self = shared_from_this()](boost::beast::error_code error, std::size_t) {
                                                if (!error && self->response.keep_alive())
                                                    self->read();
                                            });
        }

        Tcp::socket socket;
        RecordingServer& server;
        boost::beast::flat_buffer buffer;
        boost::beast::http::request<boost::beast::http::string_body> request;
        boost::beast::http::response<boost::beast::http::string_body> response;
    };

    void accept() {
        m_acceptor.async_accept([this](boost::beast::error_code error, Tcp::socket socket) {
            if (error)
                return;
            std::make_shared<Session>(std::move(socket), *this)->read();
            accept();
        });
    }

    void record(const boost::beast::http::request<boost::beast::http::string_body>& request) {
        RecordedRequest recorded;
        recorded.method = std::string(request.method_string());
        recorded.target = std::string(request.target());
        for (const auto& field : request) {
            std::string name(field.name_string());
            for (auto& c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            recorded.headers[name] = std::string(field.value());
        }
        recorded.body = request.body();
        std::lock_guard lock(m_mutex);
        m_requests.push_back(std::move(recorded));
    }

    boost::asio::io_context m_io;
    Tcp::acceptor m_acceptor;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::vector<RecordedRequest> m_requests;
};

} // namespace faaswb::test
