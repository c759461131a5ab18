// Zipkin v2 span JSON in both directions, error messages naming element and field, and OTLP/HTTP JSON conversion.
#include "trace/zipkin_json.h"

#include <QtTest>

using namespace faaswb;
using namespace faaswb::trace;
using nlohmann::json;

class TestZipkinJson : public QObject {
    Q_OBJECT
private slots:
    void roundTrip() {
        Span span;
        span.traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        span.spanId = "00f067aa0ba902b7";
        span.parentId = "05e3ac9a4f6e3b90";
        span.service = "activator-service";
        span.name = "activator_proxy";
        span.kind = "SERVER";
        span.startUs = 1700000000123456;
        span.durationUs = 1500;
        span.tags = {{"http.status_code", "200"}};
        auto encoded = toZipkinJson(span);
        QCOMPARE(encoded["localEndpoint"]["serviceName"].get<std::string>(), span.service);
        QCOMPARE(encoded["timestamp"].get<std::int64_t>(), span.startUs);
        auto parsed = parseZipkinSpans(toZipkinJson(std::vector<Span>{span, span}).dump());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->size(), std::size_t(2));
        const auto& back = parsed->at(1);
        QCOMPARE(back.traceId, span.traceId);
        QCOMPARE(back.spanId, span.spanId);
        QCOMPARE(back.parentId, span.parentId);
        QCOMPARE(back.service, span.service);
        QCOMPARE(back.name, span.name);
        QCOMPARE(back.kind, span.kind);
        QCOMPARE(back.startUs, span.startUs);
        QCOMPARE(back.durationUs, span.durationUs);
        QCOMPARE(back.tags, span.tags);
    }

    void rootSpanHasNoParentField() {
        Span span;
        span.traceId = "64fe8b2a57d3eff7";
        span.spanId = "e457b5a2e4d86bd1";
        auto encoded = toZipkinJson(span);
        QVERIFY(!encoded.contains("parentId"));
        QCOMPARE(encoded["duration"].get<std::int64_t>(), std::int64_t(1)); // below 1 rounds up
    }

    void normalises() {
        auto parsed =
            parseZipkinSpans(R"([{"traceId":"64FE8B2A57D3EFF7","id":"E457B5A2E4D86BD1","duration":0,"tags":{"n":5}}])");
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->front().traceId, std::string("64fe8b2a57d3eff7"));
        QCOMPARE(parsed->front().spanId, std::string("e457b5a2e4d86bd1"));
        QCOMPARE(parsed->front().durationUs, std::int64_t(1));
        QCOMPARE(parsed->front().tags.at("n"), std::string("5"));
    }

    void errors_data() {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("message");
        const QString good = R"({"traceId":"64fe8b2a57d3eff7","id":"e457b5a2e4d86bd1"})";
        QTest::addRow("not json") << "[{"
                                  << "not valid JSON";
        QTest::addRow("not an array") << "{}"
                                      << "expected a JSON array";
        QTest::addRow("bad trace id") << "[" + good + R"(,{"traceId":"xyz","id":"e457b5a2e4d86bd1"}])"
                                      << "span 1: traceId: expected 16 or 32 lowercase hex characters";
        QTest::addRow("missing id") << "[" + good + "," + good + R"(,{"traceId":"64fe8b2a57d3eff7"}])"
                                    << "span 2: id: expected 16";
        QTest::addRow("bad parent") << R"([{"traceId":"64fe8b2a57d3eff7","id":"e457b5a2e4d86bd1","parentId":"1"}])"
                                    << "span 0: parentId";
        QTest::addRow("bad kind") << R"([{"traceId":"64fe8b2a57d3eff7","id":"e457b5a2e4d86bd1","kind":"PEER"}])"
                                  << "span 0: kind";
        QTest::addRow("bad timestamp")
            << R"([{"traceId":"64fe8b2a57d3eff7","id":"e457b5a2e4d86bd1","timestamp":"soon"}])"
            << "span 0: timestamp: expected an integer";
        // Times beyond year 9999 would overflow start + duration in the analysis.
        QTest::addRow("negative timestamp")
            << R"([{"traceId":"64fe8b2a57d3eff7","id":"e457b5a2e4d86bd1","timestamp":-5}])"
            << "span 0: timestamp: expected microseconds since the epoch";
        QTest::addRow("huge duration")
            << R"([{"traceId":"64fe8b2a57d3eff7","id":"e457b5a2e4d86bd1","duration":9223372036854775807}])"
            << "span 0: duration: longer than any trace";
        QTest::addRow("element not an object") << "[" + good + ",3]"
                                               << "span 1: expected a JSON object";
    }
    void errors() {
        QFETCH(QString, body);
        QFETCH(QString, message);
        auto parsed = parseZipkinSpans(body.toStdString());
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(parsed.error().message).contains(message), parsed.error().message.c_str());
    }

    void otlp() {
        auto body = R"({"resourceSpans":[{
            "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"queue-proxy"}}]},
            "scopeSpans":[{"scope":{"name":"x"},"spans":[
              {"traceId":"4BF92F3577B34DA6A3CE929D0E0E4736","spanId":"00f067aa0ba902b7","name":"kn.queueproxy.proxy",
               "kind":2,"startTimeUnixNano":"1700000000123456789","endTimeUnixNano":"1700000000125456789",
               "attributes":[{"key":"http.status_code","value":{"intValue":"503"}},
                             {"key":"retry","value":{"boolValue":true}},
                             {"key":"ratio","value":{"doubleValue":0.5}}],
               "status":{"code":2,"message":"overloaded"}},
              {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"1111111111111111",
               "parentSpanId":"00f067aa0ba902b7","name":"inner","kind":1,
               "startTimeUnixNano":1700000000124000000,"endTimeUnixNano":1700000000124000100}
            ]}]}]})";
        auto parsed = parseOtlpJson(body);
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->size(), std::size_t(2));
        const auto& server = parsed->at(0);
        QCOMPARE(server.service, std::string("queue-proxy"));
        QCOMPARE(server.traceId, std::string("4bf92f3577b34da6a3ce929d0e0e4736"));
        QCOMPARE(server.kind, std::string("SERVER"));
        QCOMPARE(server.startUs, std::int64_t(1700000000123456));
        QCOMPARE(server.durationUs, std::int64_t(2000));
        QCOMPARE(server.tags.at("http.status_code"), std::string("503"));
        QCOMPARE(server.tags.at("retry"), std::string("true"));
        QCOMPARE(server.tags.at("ratio"), std::string("0.5"));
        QCOMPARE(server.tags.at("error"), std::string("overloaded"));
        const auto& inner = parsed->at(1);
        QCOMPARE(inner.parentId, std::string("00f067aa0ba902b7"));
        QCOMPARE(inner.kind, std::string());         // INTERNAL has no Zipkin kind
        QCOMPARE(inner.durationUs, std::int64_t(1)); // 100 ns rounds up to 1 µs
    }

    void otlpKinds_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("zipkin");
        QTest::addRow("unspecified") << 0 << "";
        QTest::addRow("internal") << 1 << "";
        QTest::addRow("server") << 2 << "SERVER";
        QTest::addRow("client") << 3 << "CLIENT";
        QTest::addRow("producer") << 4 << "PRODUCER";
        QTest::addRow("consumer") << 5 << "CONSUMER";
    }
    void otlpKinds() {
        QFETCH(int, kind);
        QFETCH(QString, zipkin);
        json body = {{"resourceSpans",
                      {{{"scopeSpans",
                         {{{"spans",
                            {{{"traceId", "4bf92f3577b34da6a3ce929d0e0e4736"},
                              {"spanId", "00f067aa0ba902b7"},
                              {"kind", kind}}}}}}}}}}};
        auto parsed = parseOtlpJson(body.dump());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(QString::fromStdString(parsed->front().kind), zipkin);
        QVERIFY(parsed->front().service.empty());
    }

    void otlpErrors() {
        auto bad = parseOtlpJson(
            R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"z"}]}]}]})");
        QVERIFY(!bad.ok());
        QVERIFY2(QString::fromStdString(bad.error().message).contains("span 0: spanId"), bad.error().message.c_str());
        // A negative start (fuzzing) made end - start overflow: undefined behaviour, now an error.
        auto negative =
            parseOtlpJson(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736",)"
                          R"("spanId":"00f067aa0ba902b7","startTimeUnixNano":"-8746744073585551616",)"
                          R"("endTimeUnixNano":"1700000000124000100"}]}]}]})");
        QVERIFY(!negative.ok());
        QVERIFY2(QString::fromStdString(negative.error().message).contains("startTimeUnixNano"),
                 negative.error().message.c_str());
        QVERIFY(!parseOtlpJson("[").ok());
        QVERIFY(!parseOtlpJson("[]").ok());
        QVERIFY(parseOtlpJson("{}").ok());
    }
};

QTEST_GUILESS_MAIN(TestZipkinJson)
#include "tst_zipkin_json.moc"
