// The local platform's Zipkin store: query semantics (µs durations, ms windows, limit, newest first), whole-trace
// eviction, and the Zipkin v2 / OTLP HTTP endpoints.
#include "localplatform/span_store.h"
#include "trace/zipkin_json.h"

#include <QtTest>
#include <nlohmann/json.hpp>

using namespace faaswb;
using namespace faaswb::localplatform;
using nlohmann::json;

namespace {

std::string hexId(int value, int width) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%0*x", width, value);
    return buffer;
}

// Trace n starts at n seconds after a fixed epoch; span durations are given in µs.
trace::Span makeSpan(int traceNumber, int spanNumber, const std::string& service, const std::string& name,
                     std::int64_t durationUs, std::int64_t startOffsetUs = 0) {
    trace::Span span;
    span.traceId = hexId(traceNumber + 1, 32);
    span.spanId = hexId(traceNumber * 100 + spanNumber + 1, 16);
    span.service = service;
    span.name = name;
    span.startUs = (1'700'000'000'000LL + traceNumber * 1000LL) * 1000 + startOffsetUs;
    span.durationUs = durationUs;
    return span;
}

const std::int64_t kEpochMs = 1'700'000'000'000LL;

HttpRequest request(const std::string& method, const std::string& path, const std::string& query = {},
                    const std::string& body = {}) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.query = query;
    r.target = query.empty() ? path : path + "?" + query;
    r.body = body;
    return r;
}

std::vector<std::string> traceIds(const std::vector<std::vector<trace::Span>>& traces) {
    std::vector<std::string> ids;
    for (const auto& spans : traces)
        ids.push_back(spans.front().traceId);
    return ids;
}

} // namespace

class TestSpanStore : public QObject {
    Q_OBJECT
private slots:
    void queries() {
        SpanStore store;
        for (int t = 0; t < 20; ++t) {
            store.add(makeSpan(t, 0, "activator-service", "activator_proxy", 1000 * (t + 1)));
            store.add(makeSpan(t, 1, t % 2 ? "fn-odd" : "fn-even", "kn.queueproxy.proxy", 500, 100));
        }
        QCOMPARE(store.spanCount(), std::size_t(40));

        TraceQuery all;
        auto newest = store.traces(all);
        QCOMPARE(newest.size(), std::size_t(10)); // default limit
        QCOMPARE(newest.front().front().traceId, hexId(20, 32));
        QCOMPARE(newest.back().front().traceId, hexId(11, 32));
        QCOMPARE(newest.front().size(), std::size_t(2));

        TraceQuery odd;
        odd.serviceName = "FN-ODD"; // service names compare case-insensitively, as Zipkin lowercases them
        odd.limit = 100;
        QCOMPARE(store.traces(odd).size(), std::size_t(10));

        // endTs and lookback are in milliseconds: traces 5..7 start at epoch + 5000..7000 ms.
        TraceQuery window;
        window.endTsMs = kEpochMs + 7000;
        window.lookbackMs = 2000;
        window.limit = 100;
        QCOMPARE(traceIds(store.traces(window)), (std::vector<std::string>{hexId(8, 32), hexId(7, 32), hexId(6, 32)}));

        // minDuration is in microseconds and applies to a span of the queried service.
        TraceQuery slow;
        slow.serviceName = "activator-service";
        slow.minDurationUs = 18000;
        QCOMPARE(store.traces(slow).size(), std::size_t(3));
        slow.maxDurationUs = 18000;
        QCOMPARE(traceIds(store.traces(slow)), std::vector<std::string>{hexId(18, 32)});
        slow.serviceName = "fn-even"; // its spans last 500 µs
        QVERIFY(store.traces(slow).empty());

        TraceQuery byName;
        byName.spanName = "kn.queueproxy.proxy";
        byName.serviceName = "activator-service";
        QVERIFY(store.traces(byName).empty()); // the name must belong to the service's spans
        byName.serviceName.clear();
        QCOMPARE(store.traces(byName).size(), std::size_t(10));

        QCOMPARE(store.services(), (std::vector<std::string>{"activator-service", "fn-even", "fn-odd"}));
        QCOMPARE(store.spanNames("fn-odd"), std::vector<std::string>{"kn.queueproxy.proxy"});
        QVERIFY(store.spanNames("nobody").empty());
        QVERIFY(!store.trace(hexId(99, 32)));
        QCOMPARE(store.trace(hexId(3, 32))->size(), std::size_t(2));
    }

    void annotationQuery() {
        SpanStore store;
        auto failed = makeSpan(1, 0, "svc", "call", 10);
        failed.tags = {{"error", "boom"}, {"http.status_code", "500"}};
        store.add(failed);
        auto fine = makeSpan(2, 0, "svc", "call", 10);
        fine.tags = {{"http.status_code", "200"}};
        store.add(fine);
        TraceQuery query;
        query.annotationQuery = "error";
        QCOMPARE(traceIds(store.traces(query)), std::vector<std::string>{hexId(2, 32)});
        query.annotationQuery = "http.status_code=200";
        QCOMPARE(traceIds(store.traces(query)), std::vector<std::string>{hexId(3, 32)});
        query.annotationQuery = "error and http.status_code=200";
        QVERIFY(store.traces(query).empty());
    }

    void evictsWholeOldestTraces() {
        SpanStore store(10);
        for (int t = 0; t < 4; ++t)
            for (int s = 0; s < 3; ++s)
                store.add(makeSpan(t, s, "svc", "op", 10));
        // 12 spans into 10: trace 0 (3 spans) goes at once, never a part of it.
        QCOMPARE(store.spanCount(), std::size_t(9));
        QCOMPARE(store.evictedSpans(), std::uint64_t(3));
        QVERIFY(!store.trace(hexId(1, 32)));
        QCOMPARE(store.trace(hexId(2, 32))->size(), std::size_t(3));
        // A late span of an old trace does not make it young: trace 1 is evicted next.
        store.add(makeSpan(1, 5, "svc", "late", 10));
        store.add(makeSpan(9, 0, "svc", "op", 10));
        QVERIFY(!store.trace(hexId(2, 32)));
        QCOMPARE(store.trace(hexId(10, 32))->size(), std::size_t(1));
        QCOMPARE(store.spanCount(), std::size_t(7));
    }

    void httpIngest() {
        SpanStore store;
        auto accepted =
            store.handle(request("POST", "/api/v2/spans", {},
                                 trace::toZipkinJson(std::vector<trace::Span>{makeSpan(1, 0, "a", "x", 5)}).dump()));
        QVERIFY(accepted);
        QCOMPARE(accepted->status, 202);
        QCOMPARE(store.spanCount(), std::size_t(1));

        auto rejected = store.handle(request("POST", "/api/v2/spans", {}, R"([{"traceId":"zz","id":"1"}])"));
        QVERIFY(rejected);
        QCOMPARE(rejected->status, 400);
        QVERIFY2(QString::fromStdString(rejected->body).contains("span 0: traceId"), rejected->body.c_str());
        auto garbage = store.handle(request("POST", "/api/v2/spans", {}, "{{"));
        QCOMPARE(garbage->status, 400);
        QCOMPARE(store.spanCount(), std::size_t(1));

        auto otlp = store.handle(request(
            "POST", "/v1/traces", {},
            R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"fn"}}]},
                "scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7",
                "name":"handler","kind":2,"startTimeUnixNano":"1700000000000000000",
                "endTimeUnixNano":"1700000000001000000"}]}]}]})"));
        QVERIFY(otlp);
        QCOMPARE(otlp->status, 200);
        QCOMPARE(otlp->body, std::string("{}"));
        QCOMPARE(store.spanCount(), std::size_t(2));
        QCOMPARE(store.trace("4BF92F3577B34DA6A3CE929D0E0E4736")->front().durationUs, std::int64_t(1000));
        QCOMPARE(store.handle(request("POST", "/v1/traces", {}, "nope"))->status, 400);
    }

    void httpQueries() {
        SpanStore store;
        for (int t = 0; t < 15; ++t)
            store.add(makeSpan(t, 0, "svc", "op", 100 * t));
        auto traces = store.handle(request("GET", "/api/v2/traces", "serviceName=svc&limit=3"));
        QVERIFY(traces);
        QCOMPARE(traces->status, 200);
        auto body = json::parse(traces->body);
        QVERIFY(body.is_array());
        QCOMPARE(body.size(), std::size_t(3));
        QVERIFY(body[0].is_array());
        QCOMPARE(body[0][0]["traceId"].get<std::string>(), hexId(15, 32));

        auto windowed = store.handle(
            request("GET", "/api/v2/traces",
                    "endTs=" + std::to_string(kEpochMs + 4000) + "&lookback=1000&minDuration=350&limit=100"));
        QCOMPARE(json::parse(windowed->body).size(), std::size_t(1)); // traces 3 and 4 are in the window; 4 is slow

        auto defaultLimit = store.handle(request("GET", "/api/v2/traces"));
        QCOMPARE(json::parse(defaultLimit->body).size(), std::size_t(10));

        QCOMPARE(store.handle(request("GET", "/api/v2/traces", "limit=ten"))->status, 400);
        QCOMPARE(store.handle(request("GET", "/api/v2/traces", "endTs=-5"))->status, 400);

        auto one = store.handle(request("GET", "/api/v2/trace/" + hexId(3, 32)));
        QCOMPARE(one->status, 200);
        QCOMPARE(json::parse(one->body).size(), std::size_t(1));
        QCOMPARE(store.handle(request("GET", "/api/v2/trace/" + hexId(999, 32)))->status, 404);

        auto services = store.handle(request("GET", "/api/v2/services"));
        QCOMPARE(json::parse(services->body), json::array({"svc"}));
        auto names = store.handle(request("GET", "/api/v2/spans", "serviceName=svc"));
        QCOMPARE(json::parse(names->body), json::array({"op"}));
        QCOMPARE(store.handle(request("GET", "/api/v2/spans"))->status, 400);

        QVERIFY(!store.handle(request("GET", "/api/v1/pods")));
        QVERIFY(!store.handle(request("GET", "/metrics")));
        QCOMPARE(store.handle(request("DELETE", "/api/v2/traces"))->status, 405);
    }
};

QTEST_GUILESS_MAIN(TestSpanStore)
#include "tst_span_store.moc"
