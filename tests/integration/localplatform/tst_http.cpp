// The local platform's HTTP server and client against each other on loopback: round trips, keep-alive reuse,
// streaming, disconnect notification, body limits, timeouts and refused connections.
#include "localplatform/http_server.h"

#include <QtTest>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

using namespace faaswb;
using namespace faaswb::localplatform;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

template <class Predicate>
bool runUntil(asio::io_context& io, Predicate predicate, std::chrono::milliseconds limit = 5s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!predicate() && std::chrono::steady_clock::now() < end) {
        if (io.stopped())
            io.restart();
        io.run_for(5ms);
    }
    return predicate();
}

HttpRequest get(std::string target) {
    HttpRequest request;
    request.method = "GET";
    request.target = std::move(target);
    return request;
}

// A raw client socket, for what HttpClient does not do (reading a stream piecewise, hanging up mid-request).
struct RawClient {
    RawClient(asio::io_context& io, std::uint16_t port)
        : socket(io) {
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }
    void send(const std::string& text) { asio::write(socket, asio::buffer(text)); }
    void startReading() {
        socket.async_read_some(asio::buffer(chunk), [this](boost::system::error_code ec, std::size_t n) {
            received.append(chunk.data(), n);
            if (ec) {
                eof = true;
                return;
            }
            startReading();
        });
    }
    tcp::socket socket;
    std::array<char, 4096> chunk{};
    std::string received;
    bool eof = false;
};

} // namespace

class TestHttp : public QObject {
    Q_OBJECT
private slots:
    void roundTrip() {
        asio::io_context io;
        HttpRequest seen;
        HttpServer server(io, [&](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
            seen = request;
            writer->send(HttpResponse{201, {{"X-Echo", request.body}}, "made " + request.path});
        });
        auto port = server.listen("127.0.0.1", 0);
        QVERIFY(port.ok());
        HttpClient client(io);
        HttpRequest request;
        request.method = "POST";
        request.target = "/a%20b/c?x=1&y=two%20words&x=3&flag";
        request.headers = {{"X-Custom", "yes"}};
        request.body = "payload";
        std::optional<ClientResponse> response;
        client.send("127.0.0.1", *port, request, 2s, [&](ClientResponse r) { response = std::move(r); });
        QVERIFY(runUntil(io, [&] { return response.has_value(); }));
        QVERIFY2(response->ok(), response->errorMessage.c_str());
        QCOMPARE(response->status, 201);
        QCOMPARE(response->body, std::string("made /a b/c"));
        QCOMPARE(findHeader(response->headers, "x-echo").value_or(""), std::string_view("payload"));
        QCOMPARE(findHeader(response->headers, "content-type").value_or(""), std::string_view("text/plain"));
        QCOMPARE(seen.method, std::string("POST"));
        QCOMPARE(seen.query, std::string("x=1&y=two%20words&x=3&flag"));
        QCOMPARE(seen.header("x-custom").value_or(""), std::string_view("yes"));
        QCOMPARE(seen.remoteAddress, std::string("127.0.0.1"));
        auto parameters = seen.queryParameters();
        QCOMPARE(parameters["x"], std::string("3"));
        QCOMPARE(parameters["y"], std::string("two words"));
        QVERIFY(parameters.count("flag") == 1);
    }

    void keepAliveReusesOneConnection() {
        asio::io_context io;
        int handled = 0;
        HttpServer server(io, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
            ++handled;
            writer->send(jsonResponse(200, "{}"));
        });
        auto port = server.listen("127.0.0.1", 0);
        QVERIFY(port.ok());
        HttpClient client(io);
        for (int i = 0; i < 5; ++i) {
            std::optional<ClientResponse> response;
            client.send("127.0.0.1", *port, get("/"), 2s, [&](ClientResponse r) { response = std::move(r); });
            QVERIFY(runUntil(io, [&] { return response.has_value(); }));
            QVERIFY(response->ok());
            QCOMPARE(findHeader(response->headers, "content-type").value_or(""), std::string_view("application/json"));
        }
        QCOMPARE(handled, 5);
        QCOMPARE(server.openConnections(), std::size_t(1));
        client.dropIdle("127.0.0.1", *port);
        QVERIFY(runUntil(io, [&] { return server.openConnections() == 0; }));
    }

    void reusedConnectionClosedByServerIsRetried() {
        asio::io_context io;
        HttpServer server(
            io, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) { writer->send(textResponse(200, "ok")); },
            HttpServerOptions{1024, 1s, 16});
        auto port = server.listen("127.0.0.1", 0);
        QVERIFY(port.ok());
        HttpClient client(io);
        std::optional<ClientResponse> first;
        client.send("127.0.0.1", *port, get("/"), 2s, [&](ClientResponse r) { first = std::move(r); });
        QVERIFY(runUntil(io, [&] { return first.has_value(); }));
        QVERIFY(first->ok());
        // The server's idle timeout closes the pooled connection; the next request must still succeed.
        QVERIFY(runUntil(io, [&] { return server.openConnections() == 0; }));
        std::optional<ClientResponse> second;
        client.send("127.0.0.1", *port, get("/"), 2s, [&](ClientResponse r) { second = std::move(r); });
        QVERIFY(runUntil(io, [&] { return second.has_value(); }));
        QVERIFY2(second->ok(), second->errorMessage.c_str());
    }

    void streamingChunksArriveBeforeEnd() {
        asio::io_context io;
        std::shared_ptr<ResponseWriter> stream;
        HttpServer server(io, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
            writer->beginStream(200, {{"Content-Type", "application/json"}});
            QVERIFY(writer->writeChunk("{\"n\":1}\n"));
            stream = writer;
        });
        auto port = server.listen("127.0.0.1", 0);
        QVERIFY(port.ok());
        RawClient raw(io, *port);
        raw.send("GET /watch HTTP/1.1\r\nHost: x\r\n\r\n");
        raw.startReading();
        QVERIFY(runUntil(io, [&] { return raw.received.find("{\"n\":1}") != std::string::npos; }));
        QVERIFY(raw.received.find("Transfer-Encoding: chunked") != std::string::npos);
        QVERIFY(raw.received.find("0\r\n\r\n") == std::string::npos);
        stream->writeChunk("{\"n\":2}\n");
        QVERIFY(runUntil(io, [&] { return raw.received.find("{\"n\":2}") != std::string::npos; }));
        stream->endStream();
        QVERIFY(runUntil(io, [&] { return raw.received.find("\r\n0\r\n\r\n") != std::string::npos; }));
        QVERIFY(!raw.eof); // keep-alive: the connection stays for the next request
        raw.send("GET /watch HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(runUntil(io, [&] { return raw.received.rfind("{\"n\":1}") > raw.received.find("{\"n\":2}"); }));
    }

    void onCloseFiresOnceWhenClientDisconnects() {
        asio::io_context io;
        int closes = 0;
        std::shared_ptr<ResponseWriter> held;
        HttpServer server(io, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
            writer->onClose([&] { ++closes; });
            writer->beginStream(200, {});
            held = writer;
        });
        auto port = server.listen("127.0.0.1", 0);
        QVERIFY(port.ok());
        {
            RawClient raw(io, *port);
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            QVERIFY(runUntil(io, [&] { return held != nullptr; }));
            QVERIFY(held->isOpen());
        }
        QVERIFY(runUntil(io, [&] { return closes == 1; }));
        QVERIFY(!held->isOpen());
        QVERIFY(!held->writeChunk("late"));
        server.stop();
        io.run_for(20ms);
        QCOMPARE(closes, 1);
        QCOMPARE(server.openConnections(), std::size_t(0));
    }

    void stopClosesOpenStreams() {
        asio::io_context io;
        int closes = 0;
        std::shared_ptr<ResponseWriter> held;
        HttpServer server(io, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
            writer->onClose([&] { ++closes; });
            writer->beginStream(200, {});
            held = writer;
        });
        auto port = server.listen("127.0.0.1", 0);
        QVERIFY(port.ok());
        RawClient raw(io, *port);
        raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        raw.startReading();
        QVERIFY(runUntil(io, [&] { return held != nullptr; }));
        server.stop();
        QCOMPARE(closes, 1);
        QVERIFY(runUntil(io, [&] { return raw.eof; }));
        int late = 0;
        held->onClose([&] { ++late; });
        QCOMPARE(late, 0); // posted, not called from inside onClose()
        QVERIFY(runUntil(io, [&] { return late == 1; }));
        QCOMPARE(closes, 1);
    }

    void oversizedBodyGets413() {
        asio::io_context io;
        int handled = 0;
        HttpServerOptions options;
        options.maxBodyBytes = 100;
        HttpServer server(
            io,
            [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
                ++handled;
                writer->send(textResponse(200, "ok"));
            },
            options);
        auto port = server.listen("127.0.0.1", 0);
        QVERIFY(port.ok());
        HttpClient client(io);
        HttpRequest request;
        request.method = "PUT";
        request.target = "/big";
        request.body = std::string(200000, 'x');
        std::optional<ClientResponse> response;
        client.send("127.0.0.1", *port, request, 3s, [&](ClientResponse r) { response = std::move(r); });
        QVERIFY(runUntil(io, [&] { return response.has_value(); }));
        QVERIFY2(response->ok(), response->errorMessage.c_str());
        QCOMPARE(response->status, 413);
        QCOMPARE(handled, 0);
        request.body = std::string(100, 'x');
        response.reset();
        client.send("127.0.0.1", *port, request, 3s, [&](ClientResponse r) { response = std::move(r); });
        QVERIFY(runUntil(io, [&] { return response.has_value(); }));
        QCOMPARE(response->status, 200);
    }

    void clientTimesOutOnSilentServer() {
        asio::io_context io;
        std::vector<std::shared_ptr<ResponseWriter>> never;
        HttpServer server(io, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) { never.push_back(writer); });
        auto port = server.listen("127.0.0.1", 0);
        QVERIFY(port.ok());
        HttpClient client(io);
        int completions = 0;
        std::optional<ClientResponse> response;
        const auto started = std::chrono::steady_clock::now();
        client.send("127.0.0.1", *port, get("/slow"), 200ms, [&](ClientResponse r) {
            ++completions;
            response = std::move(r);
        });
        QVERIFY(runUntil(io, [&] { return response.has_value(); }));
        QVERIFY(std::chrono::steady_clock::now() - started >= 200ms);
        QCOMPARE(int(response->error), int(ClientErrorKind::Timeout));
        QVERIFY(!response->errorMessage.empty());
        QCOMPARE(never.size(), std::size_t(1));
        QVERIFY(runUntil(io, [&] { return !never.front()->isOpen(); })); // the client dropped the connection
        io.run_for(50ms);
        QCOMPARE(completions, 1);
    }

    void refusedConnectionIsConnectError() {
        asio::io_context io;
        std::uint16_t port = 0;
        {
            tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
            port = probe.local_endpoint().port();
        }
        HttpClient client(io);
        std::optional<ClientResponse> response;
        client.send("127.0.0.1", port, get("/"), 2s, [&](ClientResponse r) { response = std::move(r); });
        QVERIFY(runUntil(io, [&] { return response.has_value(); }));
        QCOMPARE(int(response->error), int(ClientErrorKind::Connect));
        QVERIFY(response->errorMessage.find(std::to_string(port)) != std::string::npos);
    }

    void stopFailsPendingWithReset() {
        asio::io_context io;
        std::vector<std::shared_ptr<ResponseWriter>> never;
        HttpServer server(io, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) { never.push_back(writer); });
        auto port = server.listen("127.0.0.1", 0);
        QVERIFY(port.ok());
        HttpClient client(io);
        std::optional<ClientResponse> response;
        client.send("127.0.0.1", *port, get("/"), 5s, [&](ClientResponse r) { response = std::move(r); });
        QVERIFY(runUntil(io, [&] { return never.size() == 1; }));
        client.stop();
        QVERIFY(response.has_value());
        QCOMPARE(int(response->error), int(ClientErrorKind::Reset));
    }

    void maxConnectionsRefusesExtra() {
        asio::io_context io;
        HttpServerOptions options;
        options.maxConnections = 1;
        HttpServer server(
            io, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) { writer->send(textResponse(200, "ok")); },
            options);
        auto port = server.listen("127.0.0.1", 0);
        QVERIFY(port.ok());
        RawClient first(io, *port);
        QVERIFY(runUntil(io, [&] { return server.openConnections() == 1; }));
        RawClient second(io, *port);
        second.startReading();
        QVERIFY(runUntil(io, [&] { return second.eof; }));
        QCOMPARE(server.openConnections(), std::size_t(1));
    }

    void parseUrls_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("target");
        QTest::addRow("full") << "http://127.0.0.1:8080/a/b?c=d" << true << "127.0.0.1" << 8080 << "/a/b?c=d";
        QTest::addRow("no port") << "http://localhost/x" << true << "localhost" << 80 << "/x";
        QTest::addRow("no path") << "http://h:1" << true << "h" << 1 << "/";
        QTest::addRow("query only") << "http://h:2?q=1" << true << "h" << 2 << "/?q=1";
        QTest::addRow("ipv6") << "http://[::1]:9/p" << true << "::1" << 9 << "/p";
        QTest::addRow("https") << "https://h/" << false << "" << 0 << "";
        QTest::addRow("bad port") << "http://h:99999/" << false << "" << 0 << "";
        QTest::addRow("no host") << "http://:80/" << false << "" << 0 << "";
    }
    void parseUrls() {
        QFETCH(QString, url);
        QFETCH(bool, ok);
        auto parsed = parseHttpUrl(url.toStdString());
        QCOMPARE(parsed.ok(), ok);
        if (!ok)
            return;
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, target);
        QCOMPARE(QString::fromStdString(parsed->host), host);
        QCOMPARE(int(parsed->port), port);
        QCOMPARE(QString::fromStdString(parsed->target), target);
    }
};

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"
