// The per-hop breakdown of request traces: hop arithmetic from the local gateway's ingress/queue_proxy spans, their
// wait tags and the function's SERVER span; Knative traces in the shapes activator and queue-proxy record (≤ 1.18
// OpenCensus names and 1.19+ OTel names); OpenWhisk activation spans; unknown hops; exact medians per cold/warm class.
#include "trace/breakdown.h"

#include <QtTest>

using namespace faaswb;
using trace::Span;
using trace::TraceHops;

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

// A span as a Knative component or a function exports it. Times in µs from kT0; kind "" as OpenCensus writes it.
const std::int64_t kT0 = 1'700'000'000'000'000LL;

Span knSpan(const std::string& traceId, std::string id, std::string parent, std::string service, std::string name,
            std::string kind, std::int64_t startUs, std::int64_t durationUs,
            std::map<std::string, std::string> tags = {}) {
    Span span;
    span.traceId = traceId;
    span.spanId = std::move(id);
    span.parentId = std::move(parent);
    span.service = std::move(service);
    span.name = std::move(name);
    span.kind = std::move(kind);
    span.startUs = kT0 + startUs;
    span.durationUs = durationUs;
    span.tags = std::move(tags);
    return span;
}

// A scale-from-zero request as Knative ≤ 1.18 records it with Kourier tracing too: gateway -> activator (server span,
// throttler_try waiting 1.2 s for the pod, activator_proxy -> client) -> queue-proxy (server span named by the pod,
// queue_wait, queue_proxy -> client) -> our wrapper's function span.
std::vector<Span> knativeColdThroughActivator(const std::string& t, std::map<std::string, std::string> functionTags) {
    const std::string pod = "hello-00001-deployment-7d9f-abcde";
    return {
        knSpan(t, "g", "", "kourier", "hello.default.svc.cluster.local:80/*", "SERVER", 0, 1'240'000),
        knSpan(t, "a", "g", "activator-service", "/", "SERVER", 2'000, 1'235'000),
        knSpan(t, "a-try", "a", "activator-service", "throttler_try", "", 2'100, 1'200'000),
        knSpan(t, "a-proxy", "a", "activator-service", "activator_proxy", "", 1'202'200, 31'000),
        knSpan(t, "a-client", "a-proxy", "activator-service", "/", "CLIENT", 1'202'300, 30'500),
        knSpan(t, "q", "a-client", pod, "/", "SERVER", 1'202'500, 30'000),
        knSpan(t, "q-proxy", "q", pod, "queue_proxy", "", 1'202'600, 28'000),
        knSpan(t, "q-wait", "q", pod, "queue_wait", "", 1'202'700, 3'000),
        knSpan(t, "q-client", "q-proxy", pod, "/", "CLIENT", 1'205'800, 24'000),
        knSpan(t, "f", "q-client", "hello", "function", "SERVER", 1'207'000, 20'000, std::move(functionTags)),
    };
}

// A warm request straight to the queue-proxy, as Knative 1.19+ (OTel) records it: no activator, no gateway span.
std::vector<Span> knativeWarmDirect(const std::string& t, std::map<std::string, std::string> functionTags) {
    return {
        knSpan(t, "q", "", "hello", "POST /", "SERVER", 0, 12'500),
        knSpan(t, "q-proxy", "q", "hello", "kn.queueproxy.proxy", "", 100, 12'000),
        knSpan(t, "q-wait", "q-proxy", "hello", "kn.queueproxy.wait", "", 150, 50),
        knSpan(t, "q-client", "q-proxy", "hello", "POST", "CLIENT", 300, 11'000),
        knSpan(t, "f", "q-client", "hello", "function", "SERVER", 900, 10'000, std::move(functionTags)),
    };
}

// An OpenWhisk activation as the openwhisk adapter builds it from the activation record.
std::vector<Span> activation(const std::string& t, const std::string& cold, std::int64_t waitUs, std::int64_t initUs,
                             std::int64_t runUs) {
    std::map<std::string, std::string> tags{{"ow.wait_us", std::to_string(waitUs)}, {"ow.activation_id", "abc" + t}};
    if (!cold.empty())
        tags["faaswb.cold"] = cold;
    if (initUs >= 0)
        tags["ow.init_us"] = std::to_string(initUs);
    return {knSpan(t, "ow", "", "openwhisk", "ow.activation", "SERVER", 0,
                   waitUs + std::max<std::int64_t>(initUs, 0) + runUs + 2'000, std::move(tags)),
            knSpan(t, "run", "ow", "openwhisk", "ow.run", "SERVER", waitUs + std::max<std::int64_t>(initUs, 0), runUs)};
}

const TraceHops* find(const std::vector<TraceHops>& traces, const std::string& id) {
    auto found = std::find_if(traces.begin(), traces.end(), [&](const auto& t) { return t.traceId == id; });
    return found == traces.end() ? nullptr : &*found;
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
    void localTracesHaveNoInitTime() {
        std::vector<Span> spans;
        addRequest(spans, full("t1", true, 100'000, 25'000, 20'000, 60'000, 10'000));
        QCOMPARE(trace::hopsPerTrace(spans).at(0).hops.initMs, -1.0);
        QCOMPARE(trace::breakdownByClass(spans).at(0).median.initMs, -1.0);
    }

    void knativeColdThroughActivator() {
        const auto spans = ::knativeColdThroughActivator("kc", {{"faaswb.cold", "true"}, {"faaswb.instance", "p1"}});
        const auto traces = trace::hopsPerTrace(spans);
        QCOMPARE(traces.size(), std::size_t(1));
        QVERIFY(traces[0].cold);
        QVERIFY(traces[0].coldKnown);
        const auto& hops = traces[0].hops;
        QCOMPARE(hops.activatorWaitMs, 1200.0);
        QCOMPARE(hops.queueWaitMs, 3.0);
        QCOMPARE(hops.functionMs, 20.0);
        QCOMPARE(hops.handoverMs, 5.0); // queue_proxy 28 - function 20 - queue_wait 3
        QCOMPARE(hops.ingressMs, 5.0);  // gateway 1240 - activator's server span 1235
        QCOMPARE(hops.initMs, -1.0);
    }

    void knativeWarmDirectToQueueProxy() {
        const auto spans = ::knativeWarmDirect("kw", {{"faaswb.cold", "false"}});
        const auto traces = trace::hopsPerTrace(spans);
        QCOMPARE(traces.size(), std::size_t(1));
        QVERIFY(!traces[0].cold);
        QVERIFY(traces[0].coldKnown);
        const auto& hops = traces[0].hops;
        QCOMPARE(hops.activatorWaitMs, -1.0); // the activator was not in the path
        QCOMPARE(hops.queueWaitMs, 0.05);
        QCOMPARE(hops.functionMs, 10.0);
        QCOMPARE(hops.handoverMs, 1.95);
        QCOMPARE(hops.ingressMs, -1.0); // no gateway span above the queue-proxy
    }

    void knativeWithoutOurWrapper() {
        std::vector<Span> spans;
        // No faaswb tags: the function is the SERVER span below queue_proxy; the class comes from throttler_try.
        auto quick = ::knativeColdThroughActivator("quick", {});
        quick[2].durationUs = 300; // throttler_try 0.3 ms: capacity was at hand, so no pod was started: warm
        auto slow = ::knativeColdThroughActivator("slow", {});
        auto direct = ::knativeWarmDirect("direct", {});
        for (const auto* trace : {&quick, &slow, &direct})
            spans.insert(spans.end(), trace->begin(), trace->end());
        const auto traces = trace::hopsPerTrace(spans);
        QCOMPARE(traces.size(), std::size_t(3));
        QCOMPARE(find(traces, "quick")->hops.functionMs, 20.0);
        QVERIFY(find(traces, "quick")->coldKnown);
        QVERIFY(!find(traces, "quick")->cold);
        QVERIFY(!find(traces, "slow")->coldKnown); // 1.2 s: a cold start or waiting for capacity, we cannot tell
        QCOMPARE(find(traces, "slow")->hops.activatorWaitMs, 1200.0);
        QVERIFY(find(traces, "direct")->coldKnown); // no activator: no pod was started for it
        QVERIFY(!find(traces, "direct")->cold);
        QCOMPARE(find(traces, "direct")->hops.functionMs, 10.0);
        const auto classes = trace::breakdownByClass(spans);
        QCOMPARE(classes.size(), std::size_t(1));
        QCOMPARE(classes[0].requestClass, std::string("warm"));
        QCOMPARE(classes[0].traces, std::uint64_t(2)); // "slow" left out, not guessed
    }

    void knativeComponentsWithoutWaitSpans() {
        // activator_proxy without throttler_try, queue_proxy without queue_wait (no breaker): both waits are 0.
        auto spans = ::knativeColdThroughActivator("nw", {{"faaswb.cold", "false"}});
        std::erase_if(spans, [](const Span& s) { return s.name == "throttler_try" || s.name == "queue_wait"; });
        const auto traces = trace::hopsPerTrace(spans);
        QCOMPARE(traces.size(), std::size_t(1));
        QCOMPARE(traces[0].hops.activatorWaitMs, 0.0);
        QCOMPARE(traces[0].hops.queueWaitMs, 0.0);
        QCOMPARE(traces[0].hops.handoverMs, 8.0); // 28 - 20
        // Without the queue-proxy's spans the function is only known by our wrapper's tags.
        std::erase_if(spans, [](const Span& s) { return s.name == "queue_proxy"; });
        QCOMPARE(trace::hopsPerTrace(spans).at(0).hops.functionMs, 20.0);
        QCOMPARE(trace::hopsPerTrace(spans).at(0).hops.queueWaitMs, -1.0);
        QCOMPARE(trace::hopsPerTrace(spans).at(0).hops.handoverMs, -1.0);
        for (auto& span : spans)
            span.tags.clear();
        QCOMPARE(trace::hopsPerTrace(spans).at(0).hops.functionMs, -1.0);
    }

    void knativeMediansPerClass() {
        std::vector<Span> spans;
        for (const auto& trace :
             {::knativeColdThroughActivator("c1", {{"faaswb.cold", "1"}}),
              ::knativeWarmDirect("w1", {{"faaswb.cold", "0"}}), ::knativeWarmDirect("w2", {{"faaswb.cold", "false"}})})
            spans.insert(spans.end(), trace.begin(), trace.end());
        spans.back().durationUs = 11'000; // w2's function 11 ms
        const auto classes = trace::breakdownByClass(spans);
        QCOMPARE(classes.size(), std::size_t(2));
        QCOMPARE(classes[0].requestClass, std::string("cold"));
        QCOMPARE(classes[0].median.activatorWaitMs, 1200.0);
        QCOMPARE(classes[1].traces, std::uint64_t(2));
        QCOMPARE(classes[1].median.functionMs, 10.5);
        QCOMPARE(classes[1].median.activatorWaitMs, -1.0);
        QCOMPARE(classes[1].median.initMs, -1.0);
    }

    void openWhiskActivations() {
        std::vector<Span> spans;
        for (const auto& trace :
             {activation("c1", "1", 350'000, 420'000, 15'000), activation("c2", "1", 250'000, 380'000, 17'000),
              activation("w1", "0", 4'000, -1, 12'000), activation("notag", "", 3'000, 500'000, 9'000),
              activation("coldnoinit", "1", 6'000, -1, 9'000)})
            spans.insert(spans.end(), trace.begin(), trace.end());
        const auto traces = trace::hopsPerTrace(spans);
        QCOMPARE(traces.size(), std::size_t(5));
        const auto& c1 = *find(traces, "c1");
        QVERIFY(c1.cold);
        QCOMPARE(c1.hops.activatorWaitMs, 350.0);
        QCOMPARE(c1.hops.initMs, 420.0);
        QCOMPARE(c1.hops.functionMs, 15.0);
        QCOMPARE(c1.hops.queueWaitMs, -1.0);
        QCOMPARE(c1.hops.handoverMs, -1.0);
        QCOMPARE(c1.hops.ingressMs, -1.0);
        const auto& w1 = *find(traces, "w1");
        QVERIFY(!w1.cold);
        QCOMPARE(w1.hops.initMs, 0.0); // a warm activation had no init
        QCOMPARE(w1.hops.activatorWaitMs, 4.0);
        QVERIFY(find(traces, "notag")->cold); // initTime is recorded only on cold starts
        QCOMPARE(find(traces, "coldnoinit")->hops.initMs, -1.0);
        const auto classes = trace::breakdownByClass(spans);
        QCOMPARE(classes.size(), std::size_t(2));
        QCOMPARE(classes[0].traces, std::uint64_t(4));
        QCOMPARE(classes[0].median.initMs, 420.0);          // 380, 420, 500 (coldnoinit unknown)
        QCOMPARE(classes[0].median.activatorWaitMs, 128.0); // 3, 6, 250, 350
        QCOMPARE(classes[1].median.initMs, 0.0);
        QCOMPARE(classes[1].median.functionMs, 12.0);
    }
};

QTEST_GUILESS_MAIN(TestTraceBreakdown)
#include "tst_trace_breakdown.moc"
