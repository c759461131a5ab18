// Trace context parsing (traceparent, b3 single, X-B3-*), id generation and the headers a hop forwards.
#include "trace/trace_context.h"

#include <QtTest>
#include <map>
#include <regex>
#include <set>

using namespace faaswb::trace;

namespace {
const std::string kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
const std::string kSpan = "00f067aa0ba902b7";
} // namespace

class TestTraceContext : public QObject {
    Q_OBJECT
private slots:
    void traceparent_data() {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("sampled");
        QTest::addRow("sampled") << QString::fromStdString("00-" + kTrace + "-" + kSpan + "-01") << true << true;
        QTest::addRow("not sampled") << QString::fromStdString("00-" + kTrace + "-" + kSpan + "-00") << true << false;
        QTest::addRow("upper case is lowered")
            << QString::fromStdString("00-" + kTrace + "-" + kSpan + "-01").toUpper() << true << true;
        QTest::addRow("future version with extra field")
            << QString::fromStdString("01-" + kTrace + "-" + kSpan + "-01-abc") << true << true;
        QTest::addRow("version ff invalid")
            << QString::fromStdString("ff-" + kTrace + "-" + kSpan + "-01") << false << false;
        QTest::addRow("version 00 with extra field")
            << QString::fromStdString("00-" + kTrace + "-" + kSpan + "-01-abc") << false << false;
        QTest::addRow("all-zero trace id")
            << QString::fromStdString("00-" + std::string(32, '0') + "-" + kSpan + "-01") << false << false;
        QTest::addRow("all-zero span id")
            << QString::fromStdString("00-" + kTrace + "-" + std::string(16, '0') + "-01") << false << false;
        QTest::addRow("short trace id") << QString::fromStdString("00-" + kTrace.substr(2) + "-" + kSpan + "-01")
                                        << false << false;
        QTest::addRow("non-hex") << QString::fromStdString("00-" + kTrace + "-" + "00f067aa0ba902bz" + "-01") << false
                                 << false;
        QTest::addRow("missing flags") << QString::fromStdString("00-" + kTrace + "-" + kSpan) << false << false;
        QTest::addRow("empty") << QString() << false << false;
    }
    void traceparent() {
        QFETCH(QString, value);
        QFETCH(bool, valid);
        QFETCH(bool, sampled);
        auto context = parseTraceparent(value.toStdString());
        QCOMPARE(context.has_value(), valid);
        if (!valid)
            return;
        QCOMPARE(context->traceId, kTrace);
        QCOMPARE(context->spanId, kSpan);
        QVERIFY(context->parentSpanId.empty());
        QCOMPARE(context->sampled, sampled);
    }

    void b3Single_data() {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("traceId");
        QTest::addColumn<QString>("parent");
        QTest::addColumn<bool>("sampled");
        QTest::addRow("ids only") << "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1" << true
                                  << "80f198ee56343ba864fe8b2a57d3eff7"
                                  << "" << true;
        QTest::addRow("all four") << "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90" << true
                                  << "80f198ee56343ba864fe8b2a57d3eff7"
                                  << "05e3ac9a4f6e3b90" << true;
        QTest::addRow("not sampled") << "64fe8b2a57d3eff7-e457b5a2e4d86bd1-0" << true << "64fe8b2a57d3eff7"
                                     << "" << false;
        QTest::addRow("debug") << "64fe8b2a57d3eff7-e457b5a2e4d86bd1-d" << true << "64fe8b2a57d3eff7"
                               << "" << true;
        QTest::addRow("deny only") << "0" << false << ""
                                   << "" << false;
        QTest::addRow("bad sampling") << "64fe8b2a57d3eff7-e457b5a2e4d86bd1-x" << false << ""
                                      << "" << false;
        QTest::addRow("bad parent") << "64fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3" << false << ""
                                    << "" << false;
        QTest::addRow("zero trace") << "0000000000000000-e457b5a2e4d86bd1" << false << ""
                                    << "" << false;
        QTest::addRow("24-hex trace id") << "64fe8b2a57d3eff764fe8b2a-e457b5a2e4d86bd1" << false << ""
                                         << "" << false;
    }
    void b3Single() {
        QFETCH(QString, value);
        QFETCH(bool, valid);
        QFETCH(QString, traceId);
        QFETCH(QString, parent);
        QFETCH(bool, sampled);
        auto context = parseB3Single(value.toStdString());
        QCOMPARE(context.has_value(), valid);
        if (!valid)
            return;
        QCOMPARE(QString::fromStdString(context->traceId), traceId);
        QCOMPARE(context->spanId, std::string("e457b5a2e4d86bd1"));
        QCOMPARE(QString::fromStdString(context->parentSpanId), parent);
        QCOMPARE(context->sampled, sampled);
    }

    void b3Multi() {
        auto context = parseB3Multi("463AC35C9F6413AD48485A3953BB6124", "A2FB4A1D1A96D312", "0020000000000001", "1");
        QVERIFY(context);
        QCOMPARE(context->traceId, std::string("463ac35c9f6413ad48485a3953bb6124"));
        QCOMPARE(context->spanId, std::string("a2fb4a1d1a96d312"));
        QCOMPARE(context->parentSpanId, std::string("0020000000000001"));
        QVERIFY(context->sampled);
        QVERIFY(!parseB3Multi("463ac35c9f6413ad", "a2fb4a1d1a96d312", "", "0")->sampled);
        QVERIFY(parseB3Multi("463ac35c9f6413ad", "a2fb4a1d1a96d312", "", "")->sampled);
        QVERIFY(!parseB3Multi("463ac35c9f6413ad", "a2fb4a1d1a96d31", "", "1"));
        QVERIFY(!parseB3Multi("463ac35c9f6413ad", "a2fb4a1d1a96d312", "xyz", "1"));
        QVERIFY(!parseB3Multi("463ac35c9f6413ad", "a2fb4a1d1a96d312", "", "maybe"));
    }

    void extractPrefersTraceparent() {
        std::map<std::string, std::string> headers = {
            {"traceparent", "00-" + kTrace + "-" + kSpan + "-01"},
            {"b3", "64fe8b2a57d3eff7-e457b5a2e4d86bd1-1"},
            {"x-b3-traceid", "1111111111111111"},
            {"x-b3-spanid", "2222222222222222"},
        };
        auto lookup = [&](const char* name) -> std::optional<std::string> {
            auto it = headers.find(name);
            return it == headers.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        QCOMPARE(extractContext(lookup)->traceId, kTrace);
        headers["traceparent"] = "garbage";
        QCOMPARE(extractContext(lookup)->traceId, std::string("64fe8b2a57d3eff7"));
        headers.erase("b3");
        QCOMPARE(extractContext(lookup)->spanId, std::string("2222222222222222"));
        headers.erase("x-b3-spanid");
        QVERIFY(!extractContext(lookup));
    }

    void newIdsAreRandomHex() {
        std::regex traceRe("[0-9a-f]{32}");
        std::regex spanRe("[0-9a-f]{16}");
        std::set<std::string> seen;
        for (int i = 0; i < 1000; ++i) {
            auto traceId = newTraceId();
            auto spanId = newSpanId();
            QVERIFY(std::regex_match(traceId, traceRe));
            QVERIFY(std::regex_match(spanId, spanRe));
            seen.insert(traceId);
            seen.insert(spanId);
        }
        QCOMPARE(seen.size(), std::size_t(2000));
    }

    void propagationRoundTrips() {
        auto headers = propagationHeaders(kTrace, kSpan, "05e3ac9a4f6e3b90");
        std::map<std::string, std::string> byName;
        for (const auto& [name, value] : headers) {
            std::string lower = name;
            std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
            byName[lower] = value;
        }
        QCOMPARE(byName.size(), std::size_t(5));
        QCOMPARE(byName["traceparent"], "00-" + kTrace + "-" + kSpan + "-01");
        QCOMPARE(byName["x-b3-parentspanid"], std::string("05e3ac9a4f6e3b90"));
        auto lookup = [&](const char* name) -> std::optional<std::string> {
            auto it = byName.find(name);
            return it == byName.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        auto context = extractContext(lookup);
        QVERIFY(context);
        QCOMPARE(context->traceId, kTrace);
        QCOMPARE(context->spanId, kSpan);

        auto unsampled = propagationHeaders("64fe8b2a57d3eff7", kSpan, "", false);
        QCOMPARE(unsampled.size(), std::size_t(4)); // no parent header
        auto parsed = parseTraceparent(unsampled.front().second);
        QVERIFY(parsed);
        QCOMPARE(parsed->traceId, std::string("000000000000000064fe8b2a57d3eff7"));
        QVERIFY(!parsed->sampled);

        const auto& names = propagationHeaderNames();
        for (const auto& [name, value] : headers)
            QVERIFY(std::find(names.begin(), names.end(), name) != names.end());
        QVERIFY(std::find(names.begin(), names.end(), "b3") != names.end());
    }
};

QTEST_GUILESS_MAIN(TestTraceContext)
#include "tst_trace_context.moc"
