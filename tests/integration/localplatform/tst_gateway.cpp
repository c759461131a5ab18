// The local platform's gateway: routing, queue-proxy slots and queue limits, the activator holding requests until
// instances appear, timeouts, upstream failures, per-second stats and spans. Upstreams are HttpServers in the test
// (they measure their own concurrency) or faaswb-target processes; everything runs on the test thread's io_context.
#include "localplatform/gateway.h"
#include "localplatform/http_server.h"
#include "testutils.h"

#include <QtTest>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

using namespace faaswb;
using namespace faaswb::localplatform;
using namespace std::chrono_literals;
namespace asio = boost::asio;

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

void runFor(asio::io_context& io, std::chrono::milliseconds duration) {
    runUntil(
        io, [] { return false; }, duration);
}

class RecordingSink : public SpanSink {
public:
    void add(trace::Span span) override { spans.push_back(std::move(span)); }
    const trace::Span* find(const std::string& name) const {
        for (const auto& span : spans)
            if (span.name == name)
                return &span;
        return nullptr;
    }
    std::vector<trace::Span> spans;
};

// An instance inside the test: answers "<pod> <path>?<query>" after `delay`, or holds requests while `holding`;
// measures how many requests it serves at once.
class Upstream {
public:
    Upstream(asio::io_context& io, std::string pod)
        : m_io(io)
        , m_pod(std::move(pod)) {
        m_server = std::make_unique<HttpServer>(io, [this](HttpRequest request, std::shared_ptr<ResponseWriter> w) {
            onRequest(std::move(request), std::move(w));
        });
        port = m_server->listen("127.0.0.1", 0).value();
    }
    void release() {
        holding = false;
        auto held = std::move(m_held);
        for (auto& [request, writer] : held)
            answer(request, writer);
    }
    InstanceEndpoint endpoint() const { return {m_pod, port, 0}; }

    std::uint16_t port = 0;
    std::chrono::milliseconds delay{0};
    bool holding = false;
    int current = 0;
    int maxConcurrent = 0;
    int served = 0;
    std::vector<HttpRequest> seen;

private:
    void onRequest(HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
        seen.push_back(request);
        maxConcurrent = std::max(maxConcurrent, ++current);
        if (holding) {
            m_held.emplace_back(std::move(request), std::move(writer));
            return;
        }
        if (delay.count() == 0)
            return answer(request, writer);
        auto timer = std::make_shared<asio::steady_timer>(m_io, delay);
        timer->async_wait([this, timer, request, writer](boost::system::error_code) { answer(request, writer); });
    }
    void answer(const HttpRequest& request, const std::shared_ptr<ResponseWriter>& writer) {
        --current;
        ++served;
        writer->send(textResponse(200, m_pod + " " + request.path + "?" + request.query));
    }

    asio::io_context& m_io;
    std::string m_pod;
    std::unique_ptr<HttpServer> m_server;
    std::vector<std::pair<HttpRequest, std::shared_ptr<ResponseWriter>>> m_held;
};

struct Fixture {
    explicit Fixture(GatewayOptions options = {})
        : gateway(io, sink, std::move(options))
        , client(io) {
        port = gateway.listen("127.0.0.1", 0).value();
    }
    void addService(const std::string& service, int cc, std::chrono::seconds timeout = 300s) {
        gateway.upsertService({"default", service, service + "-00001"});
        gateway.upsertRevision({"default", service, service, service + "-00001", cc, timeout});
    }
    // Sends a request; the response lands in responses[index].
    std::size_t send(std::string target, std::string host = "127.0.0.1", HttpHeaders headers = {}) {
        HttpRequest request;
        request.method = "GET";
        request.target = std::move(target);
        request.headers = std::move(headers);
        request.headers.emplace_back("Host", std::move(host));
        const std::size_t index = responses.size();
        responses.emplace_back();
        client.send("127.0.0.1", port, std::move(request), 30s,
                    [this, index](ClientResponse response) { responses[index] = std::move(response); });
        return index;
    }
    bool waitAll(std::chrono::milliseconds limit = 5s) {
        return runUntil(
            io,
            [&] {
                return std::all_of(responses.begin(), responses.end(), [](const auto& r) { return r.has_value(); });
            },
            limit);
    }
    int count(int status) const {
        return int(std::count_if(responses.begin(), responses.end(),
                                 [status](const auto& r) { return r && r->ok() && r->status == status; }));
    }
    ClientResponse& at(std::size_t index) { return *responses[index]; }

    asio::io_context io;
    RecordingSink sink;
    Gateway gateway;
    HttpClient client;
    std::uint16_t port = 0;
    std::vector<std::optional<ClientResponse>> responses;
};

// Writes `bytes` as they are (HttpClient would frame them itself), half-closes, and returns all the gateway
// answered until it closed the connection; empty when it did not within `limit`.
std::string rawExchange(Fixture& f, const std::string& bytes, std::chrono::milliseconds limit = 5s) {
    asio::ip::tcp::socket socket(f.io);
    boost::system::error_code ec;
    socket.connect({asio::ip::address_v4::loopback(), f.port}, ec);
    if (ec)
        return {};
    asio::write(socket, asio::buffer(bytes), ec);
    socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    std::string answer;
    bool closed = false;
    asio::async_read(socket, asio::dynamic_buffer(answer),
                     [&closed](boost::system::error_code, std::size_t) { closed = true; });
    const bool done = runUntil(
        f.io, [&] { return closed; }, limit);
    socket.close(ec);
    if (!done)
        runUntil(f.io, [&] { return closed; }); // the cancelled read's handler still refers to `closed`
    return done ? answer : std::string();
}

std::string header(const ClientResponse& response, std::string_view name) {
    return std::string(findHeader(response.headers, name).value_or(""));
}

} // namespace

class TestGateway : public QObject {
    Q_OBJECT
private slots:
    void routesByHostAndPath_data() {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("target");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("body");
        QTest::addRow("host") << "hello.default.example.com"
                              << "/x/y?a=1" << 200 << "pod-a /x/y?a=1";
        QTest::addRow("host with port") << "hello.default.example.com:8080"
                                        << "/" << 200 << "pod-a /?";
        QTest::addRow("path prefix") << "127.0.0.1"
                                     << "/default/hello/abc?q=2" << 200 << "pod-a /abc?q=2";
        QTest::addRow("bare prefix") << "127.0.0.1"
                                     << "/default/hello" << 200 << "pod-a /?";
        QTest::addRow("prefix then query") << "127.0.0.1"
                                           << "/default/hello?z=3" << 200 << "pod-a /?z=3";
        QTest::addRow("unknown host") << "nope.default.example.com"
                                      << "/" << 404 << "nope.default.example.com";
        QTest::addRow("unknown path") << "127.0.0.1"
                                      << "/default/nope/x" << 404 << "/default/nope/x";
        QTest::addRow("other namespace") << "hello.other.example.com"
                                         << "/" << 404 << "hello.other";
    }
    void routesByHostAndPath() {
        QFETCH(QString, host);
        QFETCH(QString, target);
        QFETCH(int, status);
        QFETCH(QString, body);
        Fixture f;
        Upstream upstream(f.io, "pod-a");
        f.addService("hello", 0);
        f.gateway.setEndpoints("hello-00001", {upstream.endpoint()});
        auto index = f.send(target.toStdString(), host.toStdString());
        QVERIFY(f.waitAll());
        auto& response = f.at(index);
        QVERIFY2(response.ok(), response.errorMessage.c_str());
        QCOMPARE(response.status, status);
        QVERIFY2(response.body.find(body.toStdString()) != std::string::npos, response.body.c_str());
        if (status == 200) {
            QCOMPARE(header(response, "X-Faaswb-Instance"), std::string("pod-a"));
            QCOMPARE(header(response, "X-Faaswb-Cold"), std::string("0"));
        }
    }

    void removedServiceIs404() {
        Fixture f;
        Upstream upstream(f.io, "pod-a");
        f.addService("hello", 0);
        f.gateway.setEndpoints("hello-00001", {upstream.endpoint()});
        f.gateway.removeService("default", "hello");
        f.send("/default/hello/");
        QVERIFY(f.waitAll());
        QCOMPARE(f.count(404), 1);
    }

    void containerConcurrencyOneNeverOverlaps_data() {
        QTest::addColumn<bool>("activator");
        QTest::addRow("queue-proxy") << false;
        QTest::addRow("activator") << true;
    }
    void containerConcurrencyOneNeverOverlaps() {
        QFETCH(bool, activator);
        Fixture f;
        Upstream a(f.io, "pod-a"), b(f.io, "pod-b");
        a.delay = b.delay = 10ms;
        f.addService("hello", 1);
        f.gateway.setEndpoints("hello-00001", {a.endpoint(), b.endpoint()});
        f.gateway.setActivatorInPath("hello-00001", activator);
        for (int i = 0; i < 16; ++i)
            f.send("/default/hello/");
        QVERIFY(f.waitAll(10s));
        QCOMPARE(f.count(200), 16);
        QCOMPARE(a.maxConcurrent, 1);
        QCOMPARE(b.maxConcurrent, 1);
        QCOMPARE(a.served + b.served, 16);
    }

    void queueProxyRejectsBeyondSlotsAndQueue() {
        Fixture f;
        Upstream a(f.io, "pod-a");
        a.holding = true;
        f.addService("hello", 1);
        f.gateway.setEndpoints("hello-00001", {a.endpoint()});
        for (int i = 0; i < 13; ++i) // 1 slot + 10 queued fit; 2 are rejected
            f.send("/default/hello/");
        QVERIFY(runUntil(f.io, [&] { return f.count(503) == 2; }));
        for (const auto& response : f.responses)
            if (response && response->status == 503)
                QVERIFY2(response->body.find("queue full") != std::string::npos, response->body.c_str());
        auto metrics = f.gateway.metrics();
        QCOMPARE(metrics.size(), std::size_t(1));
        QCOMPARE(metrics[0].queueProxyQueued, 10);
        QCOMPARE(metrics[0].inFlight, 11);
        a.release();
        QVERIFY(f.waitAll());
        QCOMPARE(f.count(200), 11);
        QCOMPARE(a.maxConcurrent, 1);
        QCOMPARE(f.gateway.metrics()[0].responsesByCode[503], std::uint64_t(2));
    }

    void activatorHoldsUntilEndpointsArrive() {
        Fixture f;
        Upstream a(f.io, "pod-a");
        std::vector<std::string> demands;
        f.gateway.setDemandListener([&](const std::string& revision) { demands.push_back(revision); });
        f.addService("hello", 0);
        f.gateway.collectStats(std::chrono::steady_clock::now());
        for (int i = 0; i < 3; ++i)
            f.send("/default/hello/");
        QVERIFY(runUntil(f.io, [&] { return !demands.empty(); }));
        QCOMPARE(demands.front(), std::string("hello-00001"));
        runFor(f.io, 100ms);
        QVERIFY(std::none_of(f.responses.begin(), f.responses.end(), [](const auto& r) { return r.has_value(); }));
        auto stats = f.gateway.collectStats(std::chrono::steady_clock::now());
        QCOMPARE(stats.size(), std::size_t(1));
        QCOMPARE(stats[0].activatorQueued, 3);
        QVERIFY(stats[0].activator.averageConcurrency > 2.0);
        QVERIFY(stats[0].pods.empty());

        f.gateway.setEndpoints("hello-00001", {a.endpoint()});
        QVERIFY(f.waitAll());
        QCOMPARE(f.count(200), 3);
        for (const auto& response : f.responses)
            QCOMPARE(header(*response, "X-Faaswb-Cold"), std::string("1"));
        QCOMPARE(a.seen.front().header("K-Proxy-Request").value_or(""), std::string_view("activator"));
        const auto* wait = f.sink.find("throttler_try");
        QVERIFY(wait != nullptr);
        QVERIFY(wait->durationUs >= 100000);

        f.gateway.setActivatorInPath("hello-00001", false);
        auto warm = f.send("/default/hello/");
        QVERIFY(f.waitAll());
        QCOMPARE(header(f.at(warm), "X-Faaswb-Cold"), std::string("0"));
        QVERIFY(!a.seen.back().header("K-Proxy-Request"));
    }

    // A pod leaving the endpoints finishes what it was sent and what queued for it; only then may its process stop
    // (the controller's SIGTERM waits for this — cutting requests on scale-down gave 502s).
    void drainWaitsForInFlightAndQueuedRequests() {
        Fixture f;
        Upstream a(f.io, "pod-a");
        a.holding = true;
        f.addService("hello", 1);
        f.gateway.setEndpoints("hello-00001", {a.endpoint()});
        f.gateway.setActivatorInPath("hello-00001", false);
        f.send("/default/hello/");
        f.send("/default/hello/"); // queued behind the first: containerConcurrency 1
        QVERIFY(runUntil(f.io, [&] { return a.current == 1; }));
        int drained = 0;
        f.gateway.whenDrained("hello-00001", "pod-a", [&] { ++drained; });
        f.gateway.setEndpoints("hello-00001", {});
        runFor(f.io, 50ms);
        QCOMPARE(drained, 0);
        a.holding = false;
        a.release();
        QVERIFY(f.waitAll());
        QCOMPARE(f.count(200), 2);
        QCOMPARE(a.served, 2);
        QVERIFY(runUntil(f.io, [&] { return drained == 1; }));

        int unknown = 0; // a pod the gateway never had (a scale-down of a starting pod): drained at once
        f.gateway.whenDrained("hello-00001", "pod-x", [&] { ++unknown; });
        QCOMPARE(unknown, 0); // posted, not called inside
        QVERIFY(runUntil(f.io, [&] { return unknown == 1; }));
    }

    void activatorQueueLimit() {
        GatewayOptions options;
        options.activatorQueueLimit = 2;
        Fixture f(options);
        f.addService("hello", 0);
        for (int i = 0; i < 3; ++i)
            f.send("/default/hello/");
        QVERIFY(runUntil(f.io, [&] { return f.count(503) == 1; }));
        QCOMPARE(f.gateway.metrics()[0].activatorQueued, 2);
        f.gateway.removeRevision("hello-00001");
        QVERIFY(f.waitAll());
        QCOMPARE(f.count(503), 3);
        QVERIFY2(f.at(2).body.find("activator queue full") != std::string::npos, f.at(2).body.c_str());
        QVERIFY2(f.at(0).body.find("removed") != std::string::npos, f.at(0).body.c_str());
    }

    void stopAnswersHeldRequests() {
        Fixture f;
        f.addService("hello", 0);
        f.send("/default/hello/");
        QVERIFY(runUntil(f.io, [&] { return f.gateway.metrics()[0].activatorQueued == 1; }));
        f.gateway.stop();
        QVERIFY(f.waitAll());
        QCOMPARE(f.count(503), 1);
        QVERIFY(runUntil(f.io, [&] { return f.gateway.openConnections() == 0; }));
    }

    void timeoutsGive504() {
        Fixture f;
        Upstream silent(f.io, "pod-silent");
        silent.holding = true;
        f.addService("cold", 0, 1s);
        f.addService("slow", 0, 1s);
        f.gateway.setEndpoints("slow-00001", {silent.endpoint()});
        const auto started = std::chrono::steady_clock::now();
        auto held = f.send("/default/cold/");
        auto stuck = f.send("/default/slow/");
        QVERIFY(f.waitAll());
        QVERIFY(std::chrono::steady_clock::now() - started >= 1s);
        QCOMPARE(f.at(held).status, 504);
        QVERIFY2(f.at(held).body.find("waiting for an instance of revision cold-00001") != std::string::npos,
                 f.at(held).body.c_str());
        QCOMPARE(f.at(stuck).status, 504);
        QVERIFY2(f.at(stuck).body.find("pod-silent") != std::string::npos, f.at(stuck).body.c_str());
        QCOMPARE(header(f.at(stuck), "X-Faaswb-Instance"), std::string("pod-silent"));
    }

    // The parser frames the body by the last Transfer-Encoding field, the serializer by the first: forwarded as it
    // came, this request left the instance waiting for chunks that never came, and the client for 300 s (fuzzing).
    void unsupportedTransferCodingIs501_data() {
        QTest::addColumn<QString>("fields");
        QTest::addColumn<int>("status");
        QTest::addRow("two fields") << "Transfer-Encoding: foo\r\nTransfer-Encoding: chunked" << 501;
        QTest::addRow("empty field first") << "Transfer-Encoding: \r\nTransfer-Encoding: chunked" << 501;
        QTest::addRow("gzip, chunked") << "Transfer-Encoding: gzip, chunked" << 501;
        QTest::addRow("chunked twice") << "Transfer-Encoding: chunked, chunked" << 501;
        QTest::addRow("chunked") << "Transfer-Encoding: chunked" << 200;
    }
    void unsupportedTransferCodingIs501() {
        QFETCH(QString, fields);
        QFETCH(int, status);
        Fixture f;
        Upstream upstream(f.io, "pod-a");
        f.addService("hello", 0);
        f.gateway.setEndpoints("hello-00001", {upstream.endpoint()});
        const std::string request = "PUT /default/hello HTTP/1.1\r\nHost: 127.0.0.1\r\n" + fields.toStdString() +
                                    "\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        const std::string answer = rawExchange(f, request);
        QVERIFY2(answer.starts_with("HTTP/1.1 " + std::to_string(status)), answer.c_str());
        QCOMPARE(upstream.served, status == 200 ? 1 : 0);
    }

    void killedUpstreamGives502() {
        auto target = test::ServerProcess::start(
            test::binaryPath(QStringLiteral("faaswb-target")),
            {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--delay-ms"), QStringLiteral("5000")});
        QVERIFY(target);
        Fixture f;
        f.addService("hello", 0);
        f.gateway.setEndpoints("hello-00001", {{"pod-k", std::uint16_t(target->port()), 0}});
        auto first = f.send("/default/hello/");
        QVERIFY(runUntil(f.io, [&] { return f.gateway.metrics()[0].inFlight == 1; }));
        target->process().kill();
        target->process().waitForFinished(3000);
        QVERIFY(f.waitAll(3s));
        QCOMPARE(f.at(first).status, 502);
        QVERIFY2(f.at(first).body.find("pod-k") != std::string::npos, f.at(first).body.c_str());
        auto second = f.send("/default/hello/"); // connection refused now
        QVERIFY(f.waitAll(3s));
        QCOMPARE(f.at(second).status, 502);
        QCOMPARE(f.gateway.metrics()[0].responsesByCode[502], std::uint64_t(2));
        QCOMPARE(f.gateway.metrics()[0].inFlight, 0);
    }

    void statsIntegrateConcurrency() {
        Fixture f;
        Upstream a(f.io, "pod-a");
        a.delay = 1000ms;
        f.addService("hello", 0);
        f.gateway.setEndpoints("hello-00001", {a.endpoint()});
        auto start = std::chrono::steady_clock::now();
        f.gateway.collectStats(start);
        f.send("/default/hello/");
        QVERIFY(f.waitAll());
        auto stats = f.gateway.collectStats(std::chrono::steady_clock::now());
        QCOMPARE(stats.size(), std::size_t(1));
        QCOMPARE(stats[0].pods.size(), std::size_t(1));
        const auto& pod = stats[0].pods[0];
        QCOMPARE(pod.podName, std::string("pod-a"));
        QVERIFY2(pod.averageConcurrency > 0.85 && pod.averageConcurrency <= 1.0,
                 std::to_string(pod.averageConcurrency).c_str());
        QVERIFY(pod.requestCount > 0.8 && pod.requestCount <= 1.0);
        QCOMPARE(pod.averageProxiedConcurrency, 0.0);
        QCOMPARE(stats[0].activator.averageConcurrency, 0.0);
        // Nothing happened since: the next window is empty.
        runFor(f.io, 50ms);
        stats = f.gateway.collectStats(std::chrono::steady_clock::now());
        QCOMPARE(stats[0].pods[0].averageConcurrency, 0.0);
        QCOMPARE(stats[0].pods[0].requestCount, 0.0);
    }

    void spansContinueTheCallersTrace() {
        Fixture f;
        Upstream a(f.io, "pod-a");
        f.addService("hello", 0);
        f.gateway.setEndpoints("hello-00001", {a.endpoint()});
        const std::string traceId = "0af7651916cd43dd8448eb211c80319c";
        const std::string callerSpan = "b7ad6b7169203331";
        f.send("/default/hello/", "127.0.0.1", {{"traceparent", "00-" + traceId + "-" + callerSpan + "-01"}});
        QVERIFY(f.waitAll());
        const auto* ingress = f.sink.find("ingress");
        const auto* proxy = f.sink.find("queue_proxy");
        QVERIFY(ingress && proxy);
        QCOMPARE(ingress->traceId, traceId);
        QCOMPARE(ingress->parentId, callerSpan);
        QCOMPARE(ingress->kind, std::string("SERVER"));
        QCOMPARE(proxy->traceId, traceId);
        QCOMPARE(proxy->parentId, ingress->spanId);
        QCOMPARE(proxy->kind, std::string("CLIENT"));
        QCOMPARE(proxy->tags.at("pod"), std::string("pod-a"));
        QCOMPARE(proxy->tags.at("revision"), std::string("hello-00001"));
        QCOMPARE(proxy->tags.at("http.status_code"), std::string("200"));
        QVERIFY(f.sink.find("throttler_try") == nullptr);
        // The instance sees the proxy span as its parent, in both header styles.
        const auto& seen = a.seen.front();
        QCOMPARE(std::string(seen.header("traceparent").value_or("")), "00-" + traceId + "-" + proxy->spanId + "-01");
        QCOMPARE(std::string(seen.header("X-B3-SpanId").value_or("")), proxy->spanId);
        QCOMPARE(std::string(seen.header("X-B3-ParentSpanId").value_or("")), ingress->spanId);
    }

    void queueWaitSpanAndNewTrace() {
        Fixture f;
        Upstream a(f.io, "pod-a");
        a.delay = 20ms;
        f.addService("hello", 1);
        f.gateway.setEndpoints("hello-00001", {a.endpoint()});
        f.send("/default/hello/");
        f.send("/default/hello/");
        QVERIFY(f.waitAll());
        const auto* wait = f.sink.find("queue_wait");
        QVERIFY(wait != nullptr);
        QVERIFY(wait->durationUs >= 10000);
        QCOMPARE(wait->service, std::string("pod-a"));
        const auto* ingress = f.sink.find("ingress");
        QVERIFY(ingress->parentId.empty());
        QCOMPARE(ingress->traceId.size(), std::size_t(32));
    }

    void manyConnections() {
        Fixture f;
        Upstream a(f.io, "pod-a");
        f.addService("hello", 0);
        f.gateway.setEndpoints("hello-00001", {a.endpoint()});
        std::vector<std::unique_ptr<HttpClient>> clients;
        int ok = 0;
        for (int i = 0; i < 200; ++i) { // separate clients force separate connections
            clients.push_back(std::make_unique<HttpClient>(f.io));
            HttpRequest request;
            request.target = "/default/hello/";
            clients.back()->send("127.0.0.1", f.port, request, 10s,
                                 [&](ClientResponse r) { ok += r.ok() && r.status == 200; });
        }
        QVERIFY(runUntil(
            f.io, [&] { return ok == 200; }, 10s));
        QCOMPARE(f.gateway.openConnections(), std::size_t(200));
        clients.clear();
        QVERIFY(runUntil(f.io, [&] { return f.gateway.openConnections() == 0; }));
    }
};

QTEST_GUILESS_MAIN(TestGateway)
#include "tst_gateway.moc"
