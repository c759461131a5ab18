// The Zipkin v2 query client (platform/trace_source.h) against a fake Zipkin served from this process on an ephemeral
// loopback port: query parameters, span conversion, de-duplication across services, window splitting, and the
// errors a user sees (404, malformed spans, HTTP errors, server down, timeout).
#include "localplatform/http_server.h"
#include "platform/trace_source.h"

#include <QtTest>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

using namespace faaswb;
using localplatform::HttpRequest;
using localplatform::HttpResponse;
using nlohmann::json;

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::system_clock;

// A scripted Zipkin on its own I/O thread. `respond` runs there; nullopt leaves the request unanswered (timeouts).
class FakeZipkin {
public:
    using Responder = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

    explicit FakeZipkin(Responder respond)
        : m_respond(std::move(respond)) {
        m_server.emplace(m_io, [this](HttpRequest request, std::shared_ptr<localplatform::ResponseWriter> writer) {
            {
                const std::lock_guard lock(m_mutex);
                m_requests.push_back(request);
            }
            if (auto response = m_respond(request))
                writer->send(std::move(*response));
            else
                m_held.push_back(writer);
        });
        auto port = m_server->listen("127.0.0.1", 0);
        m_port = port ? *port : 0;
        m_thread = std::thread([this] { m_io.run(); });
    }

    ~FakeZipkin() { stop(); }

    void stop() {
        if (!m_thread.joinable())
            return;
        asio::post(m_io, [this] {
            m_server->stop();
            m_held.clear();
            m_work.reset();
            m_io.stop();
        });
        m_thread.join();
        m_server.reset();
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    std::uint16_t port() const { return m_port; }

    std::vector<HttpRequest> requests() const {
        const std::lock_guard lock(m_mutex);
        return m_requests;
    }

private:
    Responder m_respond;
    asio::io_context m_io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> m_work{asio::make_work_guard(m_io)};
    std::optional<localplatform::HttpServer> m_server;
    std::vector<std::shared_ptr<localplatform::ResponseWriter>> m_held;
    std::thread m_thread;
    std::uint16_t m_port = 0;
    mutable std::mutex m_mutex;
    std::vector<HttpRequest> m_requests;
};

json zipkinSpan(const std::string& traceId, const std::string& id, const std::string& service, std::int64_t timestampUs,
                const std::string& name = "function") {
    return {{"traceId", traceId},
            {"id", id},
            {"name", name},
            {"kind", "SERVER"},
            {"timestamp", timestampUs},
            {"duration", 1500},
            {"localEndpoint", {{"serviceName", service}}},
            {"tags", {{"faaswb.cold", "true"}}}};
}

std::string traceId(int n) {
    return QString::number(n, 16).rightJustified(32, QLatin1Char('0')).toStdString();
}

std::string spanId(int n) {
    return QString::number(n, 16).rightJustified(16, QLatin1Char('0')).toStdString();
}

// A window ending at a whole millisecond, so endTs and lookback are exact.
platform::TimeWindow window(std::chrono::milliseconds length) {
    const auto to = Clock::time_point(std::chrono::milliseconds(1'700'000'060'000LL));
    return {to - length, to};
}

std::int64_t param(const HttpRequest& request, const std::string& name) {
    return std::stoll(request.queryParameters().at(name));
}

} // namespace

class TestZipkinSource : public QObject {
    Q_OBJECT
private slots:
    void queryParametersAndConversion() {
        const std::int64_t t = 1'700'000'010'000'000LL;
        FakeZipkin zipkin([&](const HttpRequest&) {
            json traces = json::array({json::array({zipkinSpan(traceId(1), spanId(1), "hello", t),
                                                    zipkinSpan(traceId(1), spanId(2), "hello", t + 10)}),
                                       json::array({zipkinSpan(traceId(2), spanId(3), "hello", t + 20)})});
            return localplatform::jsonResponse(200, traces.dump());
        });
        platform::ZipkinQueryOptions options;
        options.serviceName = "hello";
        options.limit = 500;
        auto source = platform::zipkinTraceSource(zipkin.url() + "/", options);
        QVERIFY(source.ok());
        QCOMPARE((*source)->describe(), "zipkin " + zipkin.url());
        auto spans = (*source)->spans(window(std::chrono::seconds(60)));
        QVERIFY2(spans.ok(), spans.ok() ? "" : spans.error().message.c_str());
        const auto requests = zipkin.requests();
        QCOMPARE(requests.size(), std::size_t(1));
        QCOMPARE(requests[0].method, std::string("GET"));
        QCOMPARE(requests[0].path, std::string("/api/v2/traces"));
        QCOMPARE(requests[0].queryParameters().at("serviceName"), std::string("hello"));
        QCOMPARE(param(requests[0], "endTs"), 1'700'000'065'000LL); // to + 5 s slack, epoch ms
        QCOMPARE(param(requests[0], "lookback"), 70'000LL);         // 60 s + 5 s slack either side, ms
        QCOMPARE(param(requests[0], "limit"), 500LL);
        QCOMPARE(spans->size(), std::size_t(3));
        const auto& first = spans->at(0);
        QCOMPARE(first.traceId, traceId(1));
        QCOMPARE(first.spanId, spanId(1));
        QCOMPARE(first.service, std::string("hello"));
        QCOMPARE(first.kind, std::string("SERVER"));
        QCOMPARE(first.startUs, t);
        QCOMPARE(first.durationUs, std::int64_t(1500));
        QCOMPARE(first.tags.at("faaswb.cold"), std::string("true"));
        QCOMPARE(spans->at(2).traceId, traceId(2));
    }

    void everyServiceWhenNoneIsNamed() {
        const std::int64_t t = 1'700'000'010'000'000LL;
        FakeZipkin zipkin([&](const HttpRequest& request) -> std::optional<HttpResponse> {
            if (request.path == "/api/v2/services")
                return localplatform::jsonResponse(200, R"(["activator-service","hello world"])");
            // Both services see the shared trace 1; only "hello world" has trace 2.
            json traces = json::array({json::array({zipkinSpan(traceId(1), spanId(1), "activator-service", t),
                                                    zipkinSpan(traceId(1), spanId(2), "hello world", t + 5)})});
            if (request.queryParameters().at("serviceName") == "hello world")
                traces.push_back(json::array({zipkinSpan(traceId(2), spanId(3), "hello world", t + 9)}));
            return localplatform::jsonResponse(200, traces.dump());
        });
        auto source = platform::zipkinTraceSource(zipkin.url());
        QVERIFY(source.ok());
        auto spans = (*source)->spans(window(std::chrono::seconds(10)));
        QVERIFY2(spans.ok(), spans.ok() ? "" : spans.error().message.c_str());
        const auto requests = zipkin.requests();
        QCOMPARE(requests.size(), std::size_t(3));
        QCOMPARE(requests[0].path, std::string("/api/v2/services"));
        QCOMPARE(requests[1].queryParameters().at("serviceName"), std::string("activator-service"));
        QCOMPARE(requests[2].queryParameters().at("serviceName"), std::string("hello world"));
        QCOMPARE(param(requests[1], "limit"), 10000LL);
        QCOMPARE(spans->size(), std::size_t(3)); // trace 1 once, not once per service
    }

    void fullAnswerSplitsTheWindow() {
        const std::int64_t t = 1'700'000'010'000'000LL;
        // limit 2: the whole window answers 2 traces (full, so older ones may be hidden); each half answers 1.
        FakeZipkin zipkin([&](const HttpRequest& request) {
            const bool whole = param(request, "lookback") == 70'000;
            const bool newer = param(request, "endTs") == 1'700'000'065'000LL;
            json traces = json::array();
            if (whole || newer)
                traces.push_back(json::array({zipkinSpan(traceId(1), spanId(1), "s", t)}));
            if (whole || !newer)
                traces.push_back(json::array({zipkinSpan(traceId(whole ? 2 : 3), spanId(2), "s", t)}));
            return localplatform::jsonResponse(200, traces.dump());
        });
        platform::ZipkinQueryOptions options;
        options.serviceName = "s";
        options.limit = 2;
        auto source = platform::zipkinTraceSource(zipkin.url(), options);
        QVERIFY(source.ok());
        auto spans = (*source)->spans(window(std::chrono::seconds(60)));
        QVERIFY2(spans.ok(), spans.ok() ? "" : spans.error().message.c_str());
        const auto requests = zipkin.requests();
        QCOMPARE(requests.size(), std::size_t(3));
        QCOMPARE(param(requests[1], "lookback"), 35'000LL);
        QCOMPARE(param(requests[2], "endTs"), 1'700'000'030'000LL);
        QCOMPARE(param(requests[2], "lookback"), 35'000LL);
        QCOMPARE(spans->size(), std::size_t(2));
        QCOMPARE(spans->at(1).traceId, traceId(3));
    }

    void fetchOneTrace() {
        FakeZipkin zipkin([&](const HttpRequest& request) {
            if (request.path == "/api/v2/trace/" + traceId(7))
                return localplatform::jsonResponse(
                    200, json::array({zipkinSpan(traceId(7), spanId(1), "hello", 1'700'000'000'000'000LL)}).dump());
            return localplatform::textResponse(404, "trace not found");
        });
        auto spans = platform::fetchZipkinTrace(zipkin.url(), traceId(7));
        QVERIFY2(spans.ok(), spans.ok() ? "" : spans.error().message.c_str());
        QCOMPARE(spans->size(), std::size_t(1));
        QCOMPARE(spans->at(0).traceId, traceId(7));

        auto missing = platform::fetchZipkinTrace(zipkin.url(), traceId(8));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::Platform);
        QVERIFY2(missing.error().message.find("trace " + traceId(8) + " not found (HTTP 404)") != std::string::npos,
                 missing.error().message.c_str());

        auto badId = platform::fetchZipkinTrace(zipkin.url(), "../services");
        QVERIFY(!badId.ok());
        QCOMPARE(badId.error().code, ErrorCode::InvalidInput);
    }

    void malformedAnswers() {
        const std::int64_t t = 1'700'000'010'000'000LL;
        std::string body;
        FakeZipkin zipkin([&](const HttpRequest&) { return localplatform::jsonResponse(200, body); });
        platform::ZipkinQueryOptions options;
        options.serviceName = "hello";
        auto source = platform::zipkinTraceSource(zipkin.url(), options);
        QVERIFY(source.ok());
        auto badSpan = zipkinSpan("zz", spanId(2), "hello", t);
        body = json::array({json::array({zipkinSpan(traceId(1), spanId(1), "hello", t)}),
                            json::array({zipkinSpan(traceId(2), spanId(1), "hello", t), badSpan})})
                   .dump();
        auto spans = (*source)->spans(window(std::chrono::seconds(10)));
        QVERIFY(!spans.ok());
        QCOMPARE(spans.error().code, ErrorCode::Platform);
        const auto& message = spans.error().message;
        QVERIFY2(message.find("zipkin " + zipkin.url() + ": GET /api/v2/traces?") == 0, message.c_str());
        QVERIFY2(message.find("trace 1: span 1: traceId: expected 16 or 32") != std::string::npos, message.c_str());

        body = "<html>oops</html>";
        spans = (*source)->spans(window(std::chrono::seconds(10)));
        QVERIFY(!spans.ok());
        QVERIFY2(spans.error().message.find("the answer is not JSON") != std::string::npos,
                 spans.error().message.c_str());

        body = R"({"traces": []})";
        spans = (*source)->spans(window(std::chrono::seconds(10)));
        QVERIFY(!spans.ok());
        QVERIFY2(spans.error().message.find("expected a JSON array of traces") != std::string::npos,
                 spans.error().message.c_str());

        auto trace = platform::fetchZipkinTrace(zipkin.url(), traceId(1));
        QVERIFY(!trace.ok()); // body is still an object: parseZipkinSpans refuses it
        QVERIFY2(trace.error().message.find("GET /api/v2/trace/" + traceId(1)) != std::string::npos,
                 trace.error().message.c_str());
    }

    void httpErrorStatus() {
        FakeZipkin zipkin([&](const HttpRequest&) { return localplatform::textResponse(503, "storage unavailable"); });
        auto source = platform::zipkinTraceSource(zipkin.url());
        QVERIFY(source.ok());
        auto spans = (*source)->spans(window(std::chrono::seconds(10)));
        QVERIFY(!spans.ok());
        QVERIFY2(spans.error().message.find("GET /api/v2/services answered HTTP 503: storage unavailable") !=
                     std::string::npos,
                 spans.error().message.c_str());
    }

    void serverDownNamesTheUrl() {
        std::string url;
        {
            FakeZipkin gone([](const HttpRequest&) { return localplatform::textResponse(200, "[]"); });
            url = gone.url();
        } // closed: nothing listens on that port any more
        platform::ZipkinQueryOptions options;
        options.serviceName = "hello";
        auto source = platform::zipkinTraceSource(url, options);
        QVERIFY(source.ok());
        auto spans = (*source)->spans(window(std::chrono::seconds(10)));
        QVERIFY(!spans.ok());
        QCOMPARE(spans.error().code, ErrorCode::Platform);
        QVERIFY2(spans.error().message.find("zipkin " + url + ": ") == 0, spans.error().message.c_str());
        QVERIFY2(spans.error().message.find("is Zipkin running") != std::string::npos, spans.error().message.c_str());
    }

    void timeoutIsHonoured() {
        FakeZipkin zipkin([](const HttpRequest&) { return std::nullopt; }); // never answers
        platform::ZipkinQueryOptions options;
        options.serviceName = "hello";
        options.timeout = std::chrono::milliseconds(300);
        auto source = platform::zipkinTraceSource(zipkin.url(), options);
        QVERIFY(source.ok());
        const auto began = std::chrono::steady_clock::now();
        auto spans = (*source)->spans(window(std::chrono::seconds(10)));
        const auto took = std::chrono::steady_clock::now() - began;
        QVERIFY(!spans.ok());
        QVERIFY2(spans.error().message.find("timed out after 300 ms") != std::string::npos,
                 spans.error().message.c_str());
        QVERIFY(took >= std::chrono::milliseconds(250));
        QVERIFY(took < std::chrono::seconds(5));
    }

    void invalidUrlsAndRedaction() {
        auto ftp = platform::zipkinTraceSource("ftp://127.0.0.1:9411");
        QVERIFY(!ftp.ok());
        QCOMPARE(ftp.error().code, ErrorCode::InvalidInput);
        auto withCredentials = platform::zipkinTraceSource("http://user:s3cret@127.0.0.1:1");
        QVERIFY(withCredentials.ok());
        const auto described = (*withCredentials)->describe();
        QVERIFY2(described.find("s3cret") == std::string::npos, described.c_str());
        platform::ZipkinQueryOptions quick;
        quick.timeout = std::chrono::milliseconds(500);
        auto failed = platform::fetchZipkinTrace("http://user:s3cret@127.0.0.1:1", traceId(1), quick);
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error().message.find("s3cret") == std::string::npos, failed.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestZipkinSource)
#include "tst_zipkin_source.moc"
