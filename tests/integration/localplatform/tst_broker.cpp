// The broker end to end on loopback: ingress status codes, trigger filters, retries with measured backoff, dead
// letters, non-retryable codes, reply events and trace spans. Subscribers are HttpServer instances in the test that
// record what they get and answer scripted status codes. The io_context runs on the test thread.
#include "localplatform/broker.h"
#include "trace/trace_context.h"

#include <QtTest>
#include <boost/asio/io_context.hpp>
#include <deque>

using namespace faaswb;
using namespace faaswb::localplatform;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Received {
    HttpRequest request;
    Clock::time_point at;
    std::string header(std::string_view name) const {
        const auto value = request.header(name);
        return value ? std::string(*value) : std::string();
    }
};

// A subscriber (or dead-letter sink): records requests, answers with the scripted responses, then with `fallback`.
class Subscriber {
public:
    explicit Subscriber(boost::asio::io_context& io)
        : m_server(io, [this](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
            received.push_back({std::move(request), Clock::now()});
            if (silent) {
                held.push_back(std::move(writer));
                return;
            }
            HttpResponse response = fallback;
            if (!script.empty()) {
                response = std::move(script.front());
                script.pop_front();
            }
            writer->send(std::move(response));
        }) {}

    bool listen() {
        const auto port = m_server.listen("127.0.0.1", 0);
        if (port)
            url = "http://127.0.0.1:" + std::to_string(port.value()) + "/sink";
        return port.ok();
    }
    void answer(std::initializer_list<int> statuses) {
        for (int status : statuses)
            script.push_back(textResponse(status, "status " + std::to_string(status)));
    }

    std::string url;
    std::vector<Received> received;
    std::deque<HttpResponse> script;
    HttpResponse fallback{200, {}, {}};
    bool silent = false; // never answer (per-attempt timeout tests)
    std::vector<std::shared_ptr<ResponseWriter>> held;

private:
    HttpServer m_server;
};

class RecordingSink : public SpanSink {
public:
    void add(trace::Span span) override { spans.push_back(std::move(span)); }
    std::vector<trace::Span> named(const std::string& name) const {
        std::vector<trace::Span> result;
        std::copy_if(spans.begin(), spans.end(), std::back_inserter(result),
                     [&](const trace::Span& span) { return span.name == name; });
        return result;
    }
    std::vector<trace::Span> spans;
};

HttpRequest binaryEvent(const std::string& type, const std::string& id, std::string body = "{}") {
    CloudEvent event;
    event.attributes = {{"specversion", "1.0"}, {"id", id}, {"source", "/tst_broker"}, {"type", type}};
    event.dataContentType = "application/json";
    event.data = std::move(body);
    return binaryCloudEventRequest(event);
}

DeliverySpec delivery(int retry, BackoffPolicy policy, std::chrono::milliseconds delay,
                      std::chrono::milliseconds timeout = 5s) {
    DeliverySpec spec;
    spec.retry = retry;
    spec.backoffPolicy = policy;
    spec.backoffDelay = delay;
    spec.timeout = timeout;
    return spec;
}

} // namespace

class TestBroker : public QObject {
    Q_OBJECT

    std::unique_ptr<boost::asio::io_context> m_io;
    std::unique_ptr<HttpClient> m_client;
    std::unique_ptr<RecordingSink> m_spans;
    std::unique_ptr<Broker> m_broker;
    std::uint16_t m_port = 0;

    template <class Predicate>
    bool runUntil(Predicate predicate, std::chrono::milliseconds timeout = 5s) {
        const auto end = Clock::now() + timeout;
        while (!predicate() && Clock::now() < end) {
            m_io->restart();
            m_io->run_for(5ms);
        }
        return predicate();
    }

    // Runs the loop for `duration` whatever happens (to show that nothing more arrives).
    void runFor(std::chrono::milliseconds duration) {
        runUntil([] { return false; }, duration);
    }

    ClientResponse post(HttpRequest request, const std::string& path = "/default/default") {
        request.target = path;
        request.path = path;
        std::optional<ClientResponse> result;
        m_client->send("127.0.0.1", m_port, std::move(request), 5s, [&](ClientResponse r) { result = std::move(r); });
        if (!runUntil([&] { return result.has_value(); }))
            return ClientResponse{ClientErrorKind::Timeout, "test: no answer", 0, {}, {}};
        return *result;
    }

    std::unique_ptr<Subscriber> subscriber() {
        auto result = std::make_unique<Subscriber>(*m_io);
        if (!result->listen())
            return nullptr;
        return result;
    }

    TriggerSpec trigger(const std::string& name, const std::string& url, std::map<std::string, std::string> filter = {},
                        std::optional<DeliverySpec> spec = std::nullopt) {
        TriggerSpec result;
        result.namespaceName = "default";
        result.name = name;
        result.broker = "default";
        result.filter = std::move(filter);
        result.subscriberUrl = url;
        result.delivery = spec;
        return result;
    }

    BrokerMetrics metricsOf(const std::string& triggerName) const {
        for (const auto& row : m_broker->metrics())
            if (row.trigger == triggerName)
                return row;
        return {};
    }

    bool settled() const { return m_broker->pendingDeliveries() == 0; }

private slots:
    void init() {
        m_io = std::make_unique<boost::asio::io_context>();
        m_client = std::make_unique<HttpClient>(*m_io);
        m_spans = std::make_unique<RecordingSink>();
        m_broker = std::make_unique<Broker>(*m_io, *m_client, *m_spans);
        const auto port = m_broker->listen("127.0.0.1", 0);
        QVERIFY2(port.ok(), port.ok() ? "" : port.error().message.c_str());
        m_port = port.value();
        m_broker->upsertBroker("default", "default", DeliverySpec{});
    }

    void cleanup() {
        m_broker->stop();
        m_client->stop();
        m_io->restart();
        m_io->poll();
        m_broker.reset();
        m_client.reset();
        m_io.reset();
    }

    void brokerUrl() {
        QCOMPARE(m_broker->brokerUrl("ns", "b"), "http://127.0.0.1:" + std::to_string(m_port) + "/ns/b");
    }

    void ingressStatusCodes() {
        const auto accepted = post(binaryEvent("dev.a", "1"));
        QCOMPARE(accepted.status, 202);
        QVERIFY(accepted.body.empty());

        auto noId = binaryEvent("dev.a", "1");
        std::erase_if(noId.headers, [](const auto& header) { return header.first == "ce-id"; });
        const auto malformed = post(noId);
        QCOMPARE(malformed.status, 400);
        QVERIFY2(malformed.body.find("id") != std::string::npos, malformed.body.c_str());

        HttpRequest batch;
        batch.method = "POST";
        batch.headers = {{"Content-Type", "application/cloudevents-batch+json"}};
        batch.body = "[]";
        const auto batched = post(batch);
        QCOMPARE(batched.status, 400);
        QVERIFY(batched.body.find("batched mode is not supported") != std::string::npos);

        QCOMPARE(post(binaryEvent("dev.a", "2"), "/default/nope").status, 404);
        QCOMPARE(post(binaryEvent("dev.a", "3"), "/default").status, 404);
        QCOMPARE(post(binaryEvent("dev.a", "4"), "/a/b/c").status, 404);

        auto get = binaryEvent("dev.a", "5");
        get.method = "GET";
        const auto wrongMethod = post(get);
        QCOMPARE(wrongMethod.status, 405);

        m_broker->removeBroker("default", "default");
        QCOMPARE(post(binaryEvent("dev.a", "6")).status, 404);
    }

    void ingressCounters() {
        QCOMPARE(post(binaryEvent("dev.a", "1")).status, 202);
        QCOMPARE(post(binaryEvent("dev.a", "2", "x"), "/default/default/").status, 202);
        auto noType = binaryEvent("dev.a", "3");
        std::erase_if(noType.headers, [](const auto& header) { return header.first == "ce-type"; });
        QCOMPARE(post(noType).status, 400);
        const BrokerMetrics row = metricsOf("");
        QCOMPARE(row.broker, std::string("default"));
        QCOMPARE(row.accepted, std::uint64_t(2));
        QCOMPARE(row.rejected, std::uint64_t(1));
    }

    void filtersSelectEvents() {
        auto a = subscriber();
        auto b = subscriber();
        auto all = subscriber();
        QVERIFY(a && b && all);
        m_broker->upsertTrigger(trigger("only-a", a->url, {{"type", "dev.a"}}));
        m_broker->upsertTrigger(trigger("only-b", b->url, {{"type", "dev.b"}, {"source", "/tst_broker"}}));
        m_broker->upsertTrigger(trigger("any-subject", all->url, {{"subject", ""}}));
        for (const auto& [type, id] : {std::pair{"dev.a", "1"}, {"dev.b", "2"}, {"dev.c", "3"}, {"dev.a", "4"}})
            QCOMPARE(post(binaryEvent(type, id)).status, 202);
        QVERIFY(runUntil([&] { return a->received.size() == 2 && b->received.size() == 1 && settled(); }));
        runFor(100ms);
        QCOMPARE(a->received.size(), std::size_t(2));
        QCOMPARE(b->received.size(), std::size_t(1));
        QCOMPARE(all->received.size(), std::size_t(4));
        QCOMPARE(a->received[0].header("ce-id"), std::string("1"));
        QCOMPARE(a->received[1].header("ce-id"), std::string("4"));
        QCOMPARE(b->received[0].header("ce-type"), std::string("dev.b"));
        QCOMPARE(a->received[0].request.body, std::string("{}"));
        QCOMPARE(a->received[0].header("content-type"), std::string("application/json"));
        QCOMPARE(a->received[0].request.path, std::string("/sink"));
        QCOMPARE(metricsOf("only-a").delivered, std::uint64_t(2));
        QCOMPARE(metricsOf("any-subject").delivered, std::uint64_t(4));
    }

    void structuredIngressIsDeliveredBinary() {
        auto sink = subscriber();
        QVERIFY(sink);
        m_broker->upsertTrigger(trigger("t", sink->url));
        HttpRequest request;
        request.method = "POST";
        request.headers = {{"Content-Type", "application/cloudevents+json"}};
        request.body = R"({"specversion":"1.0","id":"s1","source":"/s","type":"dev.s","subject":"a b",)"
                       R"("datacontenttype":"text/plain","data":"hello"})";
        QCOMPARE(post(request).status, 202);
        QVERIFY(runUntil([&] { return sink->received.size() == 1; }));
        const Received& got = sink->received[0];
        QCOMPARE(got.header("ce-id"), std::string("s1"));
        QCOMPARE(got.header("ce-subject"), std::string("a%20b"));
        QCOMPARE(got.header("content-type"), std::string("text/plain"));
        QCOMPARE(got.request.body, std::string("hello"));
    }

    void structuredDeliveryFormat() {
        auto sink = subscriber();
        QVERIFY(sink);
        DeliverySpec spec;
        spec.format = EventFormat::Structured;
        m_broker->upsertTrigger(trigger("t", sink->url, {}, spec));
        QCOMPARE(post(binaryEvent("dev.a", "1", R"({"k":1})")).status, 202);
        QVERIFY(runUntil([&] { return sink->received.size() == 1; }));
        QVERIFY(sink->received[0].header("content-type").starts_with("application/cloudevents+json"));
        const auto parsed = parseCloudEvent(sink->received[0].request);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->attributes.at("id"), std::string("1"));
        QCOMPARE(nlohmann::json::parse(parsed->data), nlohmann::json({{"k", 1}}));
    }

    void linearRetriesThenSuccess() {
        auto sink = subscriber();
        QVERIFY(sink);
        sink->answer({503, 503, 200});
        const auto spec = delivery(3, BackoffPolicy::Linear, 50ms);
        m_broker->upsertTrigger(trigger("t", sink->url, {}, spec));
        QCOMPARE(post(binaryEvent("dev.a", "1")).status, 202);
        QVERIFY(runUntil([&] { return sink->received.size() == 3 && settled(); }));
        runFor(300ms);
        QCOMPARE(sink->received.size(), std::size_t(3));
        for (int retry = 1; retry <= 2; ++retry) {
            const auto gap = sink->received[retry].at - sink->received[retry - 1].at;
            const auto expected = 50ms * retry; // linear, 1-based: delay x n
            QVERIFY2(gap >= expected, qPrintable(QString("retry %1 came after %2 ms, expected >= %3 ms")
                                                     .arg(retry)
                                                     .arg(std::chrono::duration<double, std::milli>(gap).count())
                                                     .arg(expected.count())));
            QVERIFY2(gap < expected + 500ms, qPrintable(QString("retry %1 was %2 ms late").arg(retry)));
        }
        const BrokerMetrics row = metricsOf("t");
        QCOMPARE(row.delivered, std::uint64_t(1));
        QCOMPARE(row.retries, std::uint64_t(2));
        QCOMPARE(row.dropped, std::uint64_t(0));
    }

    void exponentialGapsDouble() {
        auto sink = subscriber();
        QVERIFY(sink);
        sink->answer({500, 500, 500});
        const auto spec = delivery(3, BackoffPolicy::Exponential, 40ms);
        m_broker->upsertTrigger(trigger("t", sink->url, {}, spec));
        QCOMPARE(post(binaryEvent("dev.a", "1")).status, 202);
        QVERIFY(runUntil([&] { return sink->received.size() == 4 && settled(); }));
        for (int retry = 1; retry <= 3; ++retry) {
            const auto gap = sink->received[retry].at - sink->received[retry - 1].at;
            const auto expected = 40ms * (1 << (retry - 1)); // exponential, 1-based: delay x 2^(n-1)
            QVERIFY(gap >= expected);
            QVERIFY(gap < expected + 500ms);
        }
        QCOMPARE(metricsOf("t").delivered, std::uint64_t(1));
    }

    void exhaustedRetriesGoToDeadLetter() {
        auto sink = subscriber();
        auto dls = subscriber();
        QVERIFY(sink && dls);
        sink->fallback = textResponse(500, "boom");
        auto spec = delivery(2, BackoffPolicy::Exponential, 10ms);
        spec.deadLetterSink = dls->url;
        m_broker->upsertBroker("default", "default", spec); // the trigger inherits the broker's delivery
        m_broker->upsertTrigger(trigger("t", sink->url));
        QCOMPARE(post(binaryEvent("dev.a", "dl-1", "payload")).status, 202);
        QVERIFY(runUntil([&] { return dls->received.size() == 1 && settled(); }));
        QCOMPARE(sink->received.size(), std::size_t(3));
        const Received& dead = dls->received[0];
        QCOMPARE(dead.header("ce-id"), std::string("dl-1"));
        QCOMPARE(dead.header("ce-knativeerrorcode"), std::string("500"));
        QCOMPARE(percentDecodeHeaderValue(dead.header("ce-knativeerrordest")), sink->url);
        QCOMPARE(dead.header("ce-knativeerrordata"), std::string("boom"));
        QCOMPARE(dead.request.body, std::string("payload"));
        const BrokerMetrics row = metricsOf("t");
        QCOMPARE(row.deadLettered, std::uint64_t(1));
        QCOMPARE(row.retries, std::uint64_t(2));
        QCOMPARE(row.delivered, std::uint64_t(0));
        QCOMPARE(row.dropped, std::uint64_t(0));
    }

    void binaryErrorDataIsBase64() {
        auto sink = subscriber();
        auto dls = subscriber();
        QVERIFY(sink && dls);
        sink->fallback = HttpResponse{400, {{"Content-Type", "application/octet-stream"}}, std::string("\x00\xFF", 2)};
        auto spec = delivery(0, BackoffPolicy::Linear, 0ms);
        spec.deadLetterSink = dls->url;
        m_broker->upsertTrigger(trigger("t", sink->url, {}, spec));
        QCOMPARE(post(binaryEvent("dev.a", "1")).status, 202);
        QVERIFY(runUntil([&] { return dls->received.size() == 1; }));
        QCOMPARE(dls->received[0].header("ce-knativeerrordata"), std::string("AP8="));
        QCOMPARE(dls->received[0].header("ce-knativeerrorcode"), std::string("400"));
    }

    void nonRetryableStatusIsNotRetried() {
        auto sink = subscriber();
        QVERIFY(sink);
        sink->fallback = textResponse(400, "bad");
        m_broker->upsertTrigger(trigger("t", sink->url, {}, delivery(3, BackoffPolicy::Linear, 10ms)));
        QCOMPARE(post(binaryEvent("dev.a", "1")).status, 202);
        QVERIFY(runUntil([&] { return sink->received.size() == 1 && settled(); }));
        runFor(150ms);
        QCOMPARE(sink->received.size(), std::size_t(1));
        const BrokerMetrics row = metricsOf("t");
        QCOMPARE(row.retries, std::uint64_t(0));
        QCOMPARE(row.dropped, std::uint64_t(1));
    }

    void unreachableSubscriberIsRetriedThenDropped() {
        auto sink = subscriber();
        QVERIFY(sink);
        const std::string url = sink->url;
        sink.reset(); // nothing listens there any more
        m_broker->upsertTrigger(trigger("t", url, {}, delivery(2, BackoffPolicy::Linear, 10ms)));
        QCOMPARE(post(binaryEvent("dev.a", "1")).status, 202);
        QVERIFY(runUntil([&] { return metricsOf("t").dropped == 1; }));
        QCOMPARE(metricsOf("t").retries, std::uint64_t(2));
        QVERIFY(settled());
    }

    void attemptTimeout() {
        auto sink = subscriber();
        QVERIFY(sink);
        sink->silent = true;
        m_broker->upsertTrigger(trigger("t", sink->url, {}, delivery(1, BackoffPolicy::Linear, 10ms, 100ms)));
        const auto start = Clock::now();
        QCOMPARE(post(binaryEvent("dev.a", "1")).status, 202);
        QVERIFY(runUntil([&] { return metricsOf("t").dropped == 1; }));
        QCOMPARE(sink->received.size(), std::size_t(2));
        QVERIFY(Clock::now() - start >= 200ms);
        const auto spans = m_spans->named("broker-dispatch");
        QCOMPARE(spans.size(), std::size_t(2));
        QCOMPARE(spans[0].tags.at("status"), std::string("timeout"));
    }

    void replyIsReingested() {
        auto pinger = subscriber();
        auto ponger = subscriber();
        QVERIFY(pinger && ponger);
        CloudEvent reply;
        reply.attributes = {{"specversion", "1.0"}, {"id", "r-1"}, {"source", "/pinger"}, {"type", "dev.pong"}};
        reply.dataContentType = "text/plain";
        reply.data = "pong";
        const HttpRequest replyMessage = binaryCloudEventRequest(reply);
        pinger->fallback = HttpResponse{200, replyMessage.headers, replyMessage.body};
        m_broker->upsertTrigger(trigger("ping", pinger->url, {{"type", "dev.ping"}}));
        m_broker->upsertTrigger(trigger("pong", ponger->url, {{"type", "dev.pong"}}));
        QCOMPARE(post(binaryEvent("dev.ping", "p-1")).status, 202);
        QVERIFY(runUntil([&] { return ponger->received.size() == 1 && settled(); }));
        QCOMPARE(pinger->received.size(), std::size_t(1));
        QCOMPARE(ponger->received[0].header("ce-id"), std::string("r-1"));
        QCOMPARE(ponger->received[0].request.body, std::string("pong"));
        QCOMPARE(metricsOf("").accepted, std::uint64_t(2));

        // The reply's ingress span hangs under the dispatch span that brought the reply back.
        const auto ingress = m_spans->named("broker-ingress");
        const auto dispatch = m_spans->named("broker-dispatch");
        QCOMPARE(ingress.size(), std::size_t(2));
        QCOMPARE(dispatch.size(), std::size_t(2));
        QCOMPARE(ingress[1].parentId, dispatch[0].spanId);
        QCOMPARE(dispatch[1].parentId, ingress[1].spanId);
        QCOMPARE(ingress[1].traceId, ingress[0].traceId);
        QCOMPARE(ingress[1].tags.at("reply"), std::string("true"));
    }

    void spansFollowTheIncomingTrace() {
        auto sink = subscriber();
        QVERIFY(sink);
        sink->answer({503});
        m_broker->upsertTrigger(trigger("t", sink->url, {}, delivery(1, BackoffPolicy::Linear, 0ms)));
        const std::string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const std::string callerSpan = "00f067aa0ba902b7";
        auto request = binaryEvent("dev.a", "1");
        request.headers.emplace_back("traceparent", "00-" + traceId + "-" + callerSpan + "-01");
        QCOMPARE(post(request).status, 202);
        QVERIFY(runUntil([&] { return sink->received.size() == 2 && settled(); }));

        const auto ingress = m_spans->named("broker-ingress");
        QCOMPARE(ingress.size(), std::size_t(1));
        QCOMPARE(ingress[0].traceId, traceId);
        QCOMPARE(ingress[0].parentId, callerSpan);
        QCOMPARE(ingress[0].kind, std::string("PRODUCER"));
        QCOMPARE(ingress[0].tags.at("cloudevents.type"), std::string("dev.a"));

        const auto dispatch = m_spans->named("broker-dispatch");
        QCOMPARE(dispatch.size(), std::size_t(2));
        for (std::size_t i = 0; i < dispatch.size(); ++i) {
            QCOMPARE(dispatch[i].traceId, traceId);
            QCOMPARE(dispatch[i].parentId, ingress[0].spanId);
            QCOMPARE(dispatch[i].kind, std::string("CLIENT"));
            QCOMPARE(dispatch[i].tags.at("trigger"), std::string("default/t"));
            QCOMPARE(dispatch[i].tags.at("attempt"), std::to_string(i + 1));
            // The subscriber sees the attempt's span as its parent, in both header styles.
            const auto context = trace::parseTraceparent(sink->received[i].header("traceparent"));
            QVERIFY(context);
            QCOMPARE(context->traceId, traceId);
            QCOMPARE(context->spanId, dispatch[i].spanId);
            QCOMPARE(sink->received[i].header("x-b3-spanid"), dispatch[i].spanId);
        }
        QCOMPARE(dispatch[0].tags.at("status"), std::string("503"));
        QVERIFY(dispatch[0].tags.count("error"));
        QCOMPARE(dispatch[1].tags.at("status"), std::string("200"));
        QVERIFY(!dispatch[1].tags.count("error"));
    }

    void newTraceWithoutIncomingContext() {
        auto sink = subscriber();
        QVERIFY(sink);
        m_broker->upsertTrigger(trigger("t", sink->url));
        QCOMPARE(post(binaryEvent("dev.a", "1")).status, 202);
        QVERIFY(runUntil([&] { return sink->received.size() == 1 && settled(); }));
        const auto ingress = m_spans->named("broker-ingress");
        QCOMPARE(ingress.size(), std::size_t(1));
        QVERIFY(ingress[0].parentId.empty());
        QCOMPARE(ingress[0].traceId.size(), std::size_t(32));
    }

    void stopCancelsPendingRetries() {
        auto sink = subscriber();
        QVERIFY(sink);
        sink->fallback = textResponse(503, "busy");
        m_broker->upsertTrigger(trigger("t", sink->url, {}, delivery(5, BackoffPolicy::Linear, 10s)));
        QCOMPARE(post(binaryEvent("dev.a", "1")).status, 202);
        QVERIFY(runUntil([&] { return sink->received.size() == 1 && metricsOf("t").retries == 1; }));
        QCOMPARE(m_broker->pendingDeliveries(), std::size_t(1));
        m_broker->stop();
        QCOMPARE(m_broker->pendingDeliveries(), std::size_t(0));
        runFor(50ms);
        QCOMPARE(sink->received.size(), std::size_t(1));
    }

    void removedTriggerStopsReceiving() {
        auto sink = subscriber();
        QVERIFY(sink);
        sink->fallback = textResponse(503, "busy");
        m_broker->upsertTrigger(trigger("t", sink->url, {}, delivery(5, BackoffPolicy::Linear, 10s)));
        QCOMPARE(post(binaryEvent("dev.a", "1")).status, 202);
        QVERIFY(runUntil([&] { return metricsOf("t").retries == 1; }));
        m_broker->removeTrigger("default", "t");
        QCOMPARE(m_broker->pendingDeliveries(), std::size_t(0));
        QCOMPARE(post(binaryEvent("dev.a", "2")).status, 202);
        runFor(100ms);
        QCOMPARE(sink->received.size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestBroker)
#include "tst_broker.moc"
