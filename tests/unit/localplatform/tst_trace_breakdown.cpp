// The per-hop breakdown of request traces: hop arithmetic from the gateway's ingress/queue_proxy spans, their wait
// tags and the function's SERVER span; unknown hops; exact medians per cold/warm class.
#include "trace/breakdown.h"

#include <QtTest>

using namespace faaswb;
using trace::Span;

namespace {

// One request as the local platform records it: ingress (SERVER) -> queue_proxy (CLIENT) -> function (SERVER).
// Durations in µs; a negative duration leaves that span out; a negative wait leaves that tag out.
struct RequestShape {
    std::string traceId;
    bool cold = false;
    std::int64_t ingressUs = 0;
    std::int64_t proxyUs = -1;
    std::int64_t functionUs = -1;
    std::int64_t activatorWaitUs = -1;
    std::int64_t queueWaitUs = -1;
    std::int64_t startUs = 1'700'000'000'000'000LL;
};

Span makeSpan(const RequestShape& shape, std::string id, std::string parent, std::string name, std::string kind,
              std::int64_t durationUs) {
    Span span;
    span.traceId = shape.traceId;
    span.spanId = std::move(id);
    span.parentId = std::move(parent);
    span.service = name == "function" ? "hello" : "activator-service";
    span.name = std::move(name);
    span.kind = std::move(kind);
    span.startUs = shape.startUs;
    span.durationUs = durationUs;
    return span;
}

void addRequest(std::vector<Span>& spans, const RequestShape& shape) {
    auto ingress = makeSpan(shape, shape.traceId + "-i", {}, "ingress", "SERVER", shape.ingressUs);
    ingress.tags["faaswb.cold"] = shape.cold ? "1" : "0";
    if (shape.activatorWaitUs >= 0)
        ingress.tags["faaswb.activator_wait_us"] = std::to_string(shape.activatorWaitUs);
    if (shape.queueWaitUs >= 0)
        ingress.tags["faaswb.queue_wait_us"] = std::to_string(shape.queueWaitUs);
    spans.push_back(ingress);
    if (shape.proxyUs >= 0)
        spans.push_back(makeSpan(shape, shape.traceId + "-q", ingress.spanId, "queue_proxy", "CLIENT", shape.proxyUs));
    if (shape.functionUs >= 0)
        spans.push_back(
            makeSpan(shape, shape.traceId + "-f", shape.traceId + "-q", "function", "SERVER", shape.functionUs));
}

RequestShape full(std::string id, bool cold, std::int64_t ingress, std::int64_t proxy, std::int64_t function,
                  std::int64_t activatorWait, std::int64_t queueWait) {
    return {std::move(id), cold, ingress, proxy, function, activatorWait, queueWait};
}

} // namespace

class TestTraceBreakdown : public QObject {
    Q_OBJECT
private slots:
    void hopArithmetic() {
        std::vector<Span> spans;
        // 100 ms in total: 60 ms held by the activator, 10 ms queued, 25 ms proxied of which 20 ms in the handler.
        addRequest(spans, full("t1", true, 100'000, 25'000, 20'000, 60'000, 10'000));
        const auto traces = trace::hopsPerTrace(spans);
        QCOMPARE(traces.size(), std::size_t(1));
        QCOMPARE(traces[0].traceId, std::string("t1"));
        QVERIFY(traces[0].cold);
        const auto& hops = traces[0].hops;
        QCOMPARE(hops.activatorWaitMs, 60.0);
        QCOMPARE(hops.queueWaitMs, 10.0);
        QCOMPARE(hops.functionMs, 20.0);
        QCOMPARE(hops.handoverMs, 5.0);
        QCOMPARE(hops.ingressMs, 5.0);
    }

    void unknownHops() {
        std::vector<Span> spans;
        // Another platform: no wait tags -> waits and ingress unknown; handover and function still known.
        addRequest(spans, full("no-tags", false, 30'000, 25'000, 20'000, -1, -1));
        // No function span (a wrapper that does not trace): function and handover unknown.
        addRequest(spans, full("no-fn", false, 30'000, 25'000, -1, 0, 0));
        // Failed while held: no queue_proxy span, so nothing but the waits is known.
        addRequest(spans, full("held", false, 30'000, -1, -1, 30'000, 0));
        auto traces = trace::hopsPerTrace(spans);
        QCOMPARE(traces.size(), std::size_t(3));
        auto byId = [&](const std::string& id) {
            return *std::find_if(traces.begin(), traces.end(), [&](const auto& t) { return t.traceId == id; });
        };
        const auto noTags = byId("no-tags").hops;
        QCOMPARE(noTags.activatorWaitMs, -1.0);
        QCOMPARE(noTags.queueWaitMs, -1.0);
        QCOMPARE(noTags.ingressMs, -1.0);
        QCOMPARE(noTags.handoverMs, 5.0);
        QCOMPARE(noTags.functionMs, 20.0);
        const auto noFunction = byId("no-fn").hops;
        QCOMPARE(noFunction.functionMs, -1.0);
        QCOMPARE(noFunction.handoverMs, -1.0);
        QCOMPARE(noFunction.ingressMs, 5.0);
        const auto held = byId("held").hops;
        QCOMPARE(held.activatorWaitMs, 30.0);
        QCOMPARE(held.ingressMs, -1.0);
        QCOMPARE(held.handoverMs, -1.0);
    }

    void functionSpanWithoutQueueProxyParent() {
        // A SERVER span that is not the ingress counts as the function even when its parent is another span.
        std::vector<Span> spans;
        addRequest(spans, full("t", false, 30'000, 25'000, -1, 0, 0));
        RequestShape shape{"t"};
        spans.push_back(makeSpan(shape, "other", "elsewhere", "handle", "SERVER", 12'000));
        const auto traces = trace::hopsPerTrace(spans);
        QCOMPARE(traces.size(), std::size_t(1));
        QCOMPARE(traces[0].hops.functionMs, 12.0);
        QCOMPARE(traces[0].hops.handoverMs, 13.0);
    }

    void tracesWithoutIngressAreSkipped() {
        std::vector<Span> spans;
        addRequest(spans, full("kept", false, 30'000, 25'000, 20'000, 0, 0));
        RequestShape orphan{"orphan"};
        spans.push_back(makeSpan(orphan, "o-f", "o-q", "function", "SERVER", 20'000));
        spans.push_back(makeSpan(orphan, "o-q", "o-i", "queue_proxy", "CLIENT", 25'000));
        const auto traces = trace::hopsPerTrace(spans);
        QCOMPARE(traces.size(), std::size_t(1));
        QCOMPARE(traces[0].traceId, std::string("kept"));
        const auto classes = trace::breakdownByClass(spans);
        QCOMPARE(classes.size(), std::size_t(1));
        QCOMPARE(classes[0].requestClass, std::string("warm"));
        QCOMPARE(classes[0].traces, std::uint64_t(1));
    }

    void mediansPerClass() {
        std::vector<Span> spans;
        // Warm: functions 10, 30, 20 ms -> median 20; handovers 2, 4, 6 -> 4 (odd count).
        addRequest(spans, full("w1", false, 12'000, 12'000, 10'000, 0, 0));
        addRequest(spans, full("w2", false, 34'000, 34'000, 30'000, 0, 0));
        addRequest(spans, full("w3", false, 26'000, 26'000, 20'000, 0, 0));
        // Cold: activator waits 400 and 600 -> 500 (even count); the third has no tags (unknown, excluded).
        addRequest(spans, full("c1", true, 500'000, 50'000, 40'000, 400'000, 0));
        addRequest(spans, full("c2", true, 700'000, 50'000, 40'000, 600'000, 1'000));
        addRequest(spans, full("c3", true, 900'000, 60'000, 40'000, -1, -1));
        const auto classes = trace::breakdownByClass(spans);
        QCOMPARE(classes.size(), std::size_t(2));
        const auto& cold = classes[0];
        QCOMPARE(cold.requestClass, std::string("cold"));
        QCOMPARE(cold.traces, std::uint64_t(3));
        QCOMPARE(cold.median.activatorWaitMs, 500.0);
        QCOMPARE(cold.median.queueWaitMs, 0.5);
        QCOMPARE(cold.median.functionMs, 40.0);
        QCOMPARE(cold.median.handoverMs, 10.0); // 10, 10, 20
        QCOMPARE(cold.median.ingressMs, 49.5);  // 50 and 49 (c3 unknown)
        const auto& warm = classes[1];
        QCOMPARE(warm.requestClass, std::string("warm"));
        QCOMPARE(warm.traces, std::uint64_t(3));
        QCOMPARE(warm.median.functionMs, 20.0);
        QCOMPARE(warm.median.handoverMs, 4.0);
        QCOMPARE(warm.median.ingressMs, 0.0);
        QCOMPARE(warm.median.activatorWaitMs, 0.0);
    }

    void onlyOneClassAndNothing() {
        std::vector<Span> spans;
        QVERIFY(trace::breakdownByClass(spans).empty());
        addRequest(spans, full("w", false, 12'000, 12'000, 10'000, 0, 0));
        const auto classes = trace::breakdownByClass(spans);
        QCOMPARE(classes.size(), std::size_t(1));
        QCOMPARE(classes[0].requestClass, std::string("warm"));
        QCOMPARE(classes[0].median.queueWaitMs, 0.0);
    }

    void unknownMedianWhenNoTraceKnowsTheHop() {
        std::vector<Span> spans;
        addRequest(spans, full("a", true, 30'000, 25'000, -1, -1, -1));
        const auto classes = trace::breakdownByClass(spans);
        QCOMPARE(classes.size(), std::size_t(1));
        QCOMPARE(classes[0].median.functionMs, -1.0);
        QCOMPARE(classes[0].median.activatorWaitMs, -1.0);
        QCOMPARE(classes[0].median.ingressMs, -1.0);
    }
};

QTEST_GUILESS_MAIN(TestTraceBreakdown)
#include "tst_trace_breakdown.moc"
