// The workflow-chain arithmetic: hops from 700.chain's synchronous answer, hops from an asynchronous chain's spans,
// and the scenario metrics over the samples.
#include "engine/chain_metrics.h"

#include <QtTest>

using namespace faaswb;
using engine::chain::ChainSample;

namespace {

trace::Span span(const std::string& id, const std::string& parent, const std::string& service, const std::string& name,
                 std::int64_t startUs, std::int64_t durationUs) {
    trace::Span out;
    out.traceId = "t1";
    out.spanId = id;
    out.parentId = parent;
    out.service = service;
    out.name = name;
    out.kind = name == "function" ? "SERVER" : "PRODUCER";
    out.startUs = startUs;
    out.durationUs = durationUs;
    return out;
}

} // namespace

class TestChainMetrics : public QObject {
    Q_OBJECT

private slots:
    void hopsFromTheAnswer() {
        const std::string body = R"({"result": {"step": 0, "payload_bytes": 1024, "forwarded": "next", "hops": [
            {"step": 0, "instance": "a", "received_us": 1000, "sent_us": 1100},
            {"step": 1, "instance": "b", "received_us": 1350, "sent_us": 1400},
            {"step": 2, "instance": "c", "received_us": 2400}]},
            "begin_us": 990, "end_us": 4990, "cold": false, "instance": "a"})";
        auto sample = engine::chain::sampleFromAnswer(body, 3);
        QVERIFY2(sample.ok(), sample.ok() ? "" : sample.error().message.c_str());
        QCOMPARE(sample->endToEndMs, 4.0);
        QCOMPARE(sample->handoverMs, (std::vector<double>{0.25, 1.0}));
    }

    void answersThatAreNotAChain_data() {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("problem");
        QTest::addRow("not json") << "oops"
                                  << "not a JSON object";
        QTest::addRow("too few hops") << R"({"result": {"hops": [{"received_us": 1, "sent_us": 2}]},
            "begin_us": 1, "end_us": 2})"
                                      << "expected 3 hops, got 1";
        QTest::addRow("no sent_us") << R"({"result": {"hops": [{"received_us": 1}, {"received_us": 2},
            {"received_us": 3}]}, "begin_us": 1, "end_us": 2})"
                                    << "hop 1 lacks sent_us";
    }
    void answersThatAreNotAChain() {
        QFETCH(QString, body);
        QFETCH(QString, problem);
        auto sample = engine::chain::sampleFromAnswer(body.toStdString(), 3);
        QVERIFY(!sample.ok());
        QVERIFY2(QString::fromStdString(sample.error().message).contains(problem), sample.error().message.c_str());
    }

    void hopsFromTheSpans() {
        // step 1 -> broker ingress (child of step 1) -> dispatch -> step 2 -> broker -> ... -> step 3; a redelivery
        // of step 2 later does not count.
        const std::vector<trace::Span> trace{span("f1", "", "s1", "function", 1000, 600),
                                             span("b1", "f1", "broker", "broker-ingress", 1500, 10),
                                             span("d1", "b1", "broker", "broker-dispatch", 1520, 900),
                                             span("f2", "d1", "s2", "function", 2000, 700),
                                             span("f2r", "d1", "s2", "function", 9000, 100),
                                             span("b2", "f2", "broker", "broker-ingress", 2600, 10),
                                             span("f3", "b2", "s3", "function", 3100, 400),
                                             span("x", "", "other", "function", 0, 1)};
        auto sample = engine::chain::sampleFromTrace(trace, {"s1", "s2", "s3"});
        QVERIFY2(sample.ok(), sample.ok() ? "" : sample.error().message.c_str());
        QCOMPARE(sample->endToEndMs, 2.5); // 3500 - 1000 µs
        QCOMPARE(sample->handoverMs, (std::vector<double>{0.5, 0.5}));
    }

    void anIncompleteTraceNamesTheMissingStep() {
        const std::vector<trace::Span> trace{span("f1", "", "s1", "function", 1000, 600),
                                             span("b1", "f1", "broker", "broker-ingress", 1500, 10)};
        auto sample = engine::chain::sampleFromTrace(trace, {"s1", "s2"});
        QVERIFY(!sample.ok());
        QVERIFY2(sample.error().message.find("step 2 (s2)") != std::string::npos, sample.error().message.c_str());
    }

    void metricsOverTheSamples() {
        std::vector<ChainSample> samples{{10, {1, 4}}, {20, {3, 2}}, {30, {2, 6}}};
        analysis::RunMetrics metrics;
        engine::chain::setChainMetrics(metrics, samples, 3);
        QCOMPARE(*metrics.get("end_to_end_p50"), 20.0);
        QCOMPARE(*metrics.get("end_to_end_p99"), 29.8);
        QCOMPARE(*metrics.get("handover_p50.hop1"), 2.0);
        QCOMPARE(*metrics.get("handover_p50.hop2"), 4.0);
        QCOMPARE(*metrics.get("handover_sum_p50"), 6.0);
    }

    void noSamplesAreUnknownNotZero() {
        analysis::RunMetrics metrics;
        engine::chain::setChainMetrics(metrics, {}, 3);
        for (const char* name :
             {"end_to_end_p50", "end_to_end_p99", "handover_p50.hop1", "handover_p50.hop2", "handover_sum_p50"}) {
            QVERIFY2(metrics.has(name), name);
            QVERIFY2(!metrics.get(name), name);
        }
    }
};

QTEST_GUILESS_MAIN(TestChainMetrics)
#include "tst_chain_metrics.moc"
