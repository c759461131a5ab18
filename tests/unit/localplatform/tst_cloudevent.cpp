// The broker's pure parts: CloudEvents HTTP binding (binary, structured, batched refused), header percent-encoding,
// Knative delivery spec parsing, ISO-8601 durations, backoff tables and retryable status codes.
#include "localplatform/broker.h"

#include <QtTest>

using namespace faaswb;
using namespace faaswb::localplatform;
using std::chrono::milliseconds;

namespace {

HttpRequest request(HttpHeaders headers, std::string body) {
    HttpRequest result;
    result.method = "POST";
    result.target = "/default/default";
    result.path = result.target;
    result.headers = std::move(headers);
    result.body = std::move(body);
    return result;
}

HttpHeaders binaryHeaders() {
    return {{"Ce-Specversion", "1.0"},
            {"ce-id", "e-1"},
            {"ce-source", "/tests"},
            {"ce-type", "dev.faaswb.ping"},
            {"Content-Type", "text/plain"}};
}

HttpHeaders without(HttpHeaders headers, const std::string& lowerName) {
    std::erase_if(headers, [&](const auto& header) {
        return QByteArray::fromStdString(header.first).toLower() == QByteArray::fromStdString(lowerName);
    });
    return headers;
}

CloudEvent sampleEvent() {
    CloudEvent event;
    event.attributes = {{"specversion", "1.0"},
                        {"id", "42"},
                        {"source", "/s"},
                        {"type", "t"},
                        {"subject", "a \"quoted\" 100% caf\xC3\xA9\ttab"}};
    event.dataContentType = "application/octet-stream";
    event.data = std::string("\x00\x01\xFF binary", 10);
    return event;
}

nlohmann::json structuredBase() {
    return nlohmann::json::parse(R"({"specversion": "1.0", "id": "s-1", "source": "/src", "type": "dev.faaswb.s"})");
}

QString message(const Error& error) {
    return QString::fromStdString(error.message);
}

} // namespace

class TestCloudEvent : public QObject {
    Q_OBJECT
private slots:
    void binaryMode() {
        const auto event = parseCloudEvent(request(binaryHeaders(), "hello"));
        QVERIFY2(event.ok(), event.ok() ? "" : event.error().message.c_str());
        QCOMPARE(event->attributes.at("specversion"), std::string("1.0"));
        QCOMPARE(event->attributes.at("id"), std::string("e-1"));
        QCOMPARE(event->attributes.at("type"), std::string("dev.faaswb.ping"));
        QCOMPARE(event->dataContentType, std::string("text/plain"));
        QCOMPARE(event->data, std::string("hello"));
        QCOMPARE(event->attributes.count("datacontenttype"), std::size_t(0));
    }

    void binaryExtensionsAreDecoded() {
        auto headers = binaryHeaders();
        headers.emplace_back("CE-MyExt", "hello%20world%22%25");
        headers.emplace_back("ce-broken", "100%");
        const auto event = parseCloudEvent(request(headers, ""));
        QVERIFY(event.ok());
        QCOMPARE(event->attributes.at("myext"), std::string("hello world\"%"));
        QCOMPARE(event->attributes.at("broken"), std::string("100%"));
    }

    void missingAttributeIsNamed_data() {
        QTest::addColumn<QString>("attribute");
        for (const char* name : {"specversion", "id", "source", "type"})
            QTest::addRow("%s", name) << QString::fromLatin1(name);
    }
    void missingAttributeIsNamed() {
        QFETCH(QString, attribute);
        const std::string name = attribute.toStdString();
        const auto binary = parseCloudEvent(request(without(binaryHeaders(), "ce-" + name), ""));
        QVERIFY(!binary.ok());
        QCOMPARE(binary.error().code, ErrorCode::InvalidInput);
        QVERIFY2(message(binary.error()).contains(attribute), binary.error().message.c_str());

        auto object = structuredBase();
        object.erase(name);
        const auto structured =
            parseCloudEvent(request({{"Content-Type", "application/cloudevents+json"}}, object.dump()));
        QVERIFY(!structured.ok());
        QVERIFY2(message(structured.error()).contains(attribute), structured.error().message.c_str());
    }

    void allMissingAttributesAreListed() {
        const auto event = parseCloudEvent(request({{"ce-specversion", "1.0"}}, ""));
        QVERIFY(!event.ok());
        QVERIFY(message(event.error()).contains("id, source, type"));
    }

    void wrongSpecVersion() {
        auto headers = without(binaryHeaders(), "ce-specversion");
        headers.emplace_back("ce-specversion", "0.3");
        const auto event = parseCloudEvent(request(headers, ""));
        QVERIFY(!event.ok());
        QVERIFY(message(event.error()).contains("0.3"));
    }

    void invalidAttributeName() {
        auto headers = binaryHeaders();
        headers.emplace_back("ce-bad_name", "x");
        const auto event = parseCloudEvent(request(headers, ""));
        QVERIFY(!event.ok());
        QVERIFY(message(event.error()).contains("ce-bad_name"));
    }

    void structuredJsonData() {
        auto object = structuredBase();
        object["data"] = {{"n", 1}};
        object["subject"] = "sub";
        object["myflag"] = true;
        const auto event =
            parseCloudEvent(request({{"Content-Type", "application/cloudevents+json; charset=UTF-8"}}, object.dump()));
        QVERIFY2(event.ok(), event.ok() ? "" : event.error().message.c_str());
        QCOMPARE(event->attributes.at("id"), std::string("s-1"));
        QCOMPARE(event->attributes.at("subject"), std::string("sub"));
        QCOMPARE(event->attributes.at("myflag"), std::string("true"));
        QCOMPARE(event->dataContentType, std::string("application/json"));
        QCOMPARE(nlohmann::json::parse(event->data), nlohmann::json({{"n", 1}}));
        QCOMPARE(event->attributes.count("data"), std::size_t(0));
    }

    void structuredTextData() {
        auto object = structuredBase();
        object["datacontenttype"] = "text/plain";
        object["data"] = "plain text";
        const auto event = parseCloudEvent(request({{"content-type", "application/cloudevents+json"}}, object.dump()));
        QVERIFY(event.ok());
        QCOMPARE(event->dataContentType, std::string("text/plain"));
        QCOMPARE(event->data, std::string("plain text"));
    }

    void structuredBase64Data() {
        auto object = structuredBase();
        object["datacontenttype"] = "application/octet-stream";
        object["data_base64"] = "AAH/aGk=";
        const auto event = parseCloudEvent(request({{"content-type", "application/cloudevents+json"}}, object.dump()));
        QVERIFY(event.ok());
        QCOMPARE(event->data, std::string("\x00\x01\xFFhi", 5));

        object["data_base64"] = "not base64!";
        const auto bad = parseCloudEvent(request({{"content-type", "application/cloudevents+json"}}, object.dump()));
        QVERIFY(!bad.ok());
        QVERIFY(message(bad.error()).contains("data_base64"));

        object["data_base64"] = "AAH/aGk=";
        object["data"] = "x";
        const auto both = parseCloudEvent(request({{"content-type", "application/cloudevents+json"}}, object.dump()));
        QVERIFY(!both.ok());
    }

    void structuredMalformed_data() {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("expected");
        QTest::addRow("not json") << "{nope"
                                  << "not valid JSON";
        QTest::addRow("array") << "[1]"
                               << "JSON object";
        QTest::addRow("object attribute") << R"({"specversion":"1.0","id":"1","source":"s","type":"t","ext":{"a":1}})"
                                          << "ext";
    }
    void structuredMalformed() {
        QFETCH(QString, body);
        QFETCH(QString, expected);
        const auto event =
            parseCloudEvent(request({{"content-type", "application/cloudevents+json"}}, body.toStdString()));
        QVERIFY(!event.ok());
        QVERIFY2(message(event.error()).contains(expected), event.error().message.c_str());
    }

    void batchedModeIsRefused() {
        const auto event = parseCloudEvent(request({{"Content-Type", "application/cloudevents-batch+json"}}, "[]"));
        QVERIFY(!event.ok());
        QCOMPARE(event.error().message, std::string("batched mode is not supported"));
    }

    void percentEncoding_data() {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("encoded");
        QTest::addRow("plain") << QByteArray("abc-XYZ_09:/.") << QByteArray("abc-XYZ_09:/.");
        QTest::addRow("space") << QByteArray("a b") << QByteArray("a%20b");
        QTest::addRow("quote") << QByteArray("\"q\"") << QByteArray("%22q%22");
        QTest::addRow("percent") << QByteArray("100%") << QByteArray("100%25");
        QTest::addRow("control") << QByteArray("\t\n") << QByteArray("%09%0A");
        QTest::addRow("utf-8") << QByteArray("caf\xC3\xA9") << QByteArray("caf%C3%A9");
        QTest::addRow("DEL") << QByteArray("\x7F") << QByteArray("%7F");
    }
    void percentEncoding() {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, encoded);
        QCOMPARE(QByteArray::fromStdString(percentEncodeHeaderValue(raw.toStdString())), encoded);
        QCOMPARE(QByteArray::fromStdString(percentDecodeHeaderValue(encoded.toStdString())), raw);
    }

    void binaryRoundTrip() {
        const CloudEvent event = sampleEvent();
        const HttpRequest outgoing = binaryCloudEventRequest(event);
        QCOMPARE(outgoing.method, std::string("POST"));
        for (const auto& [name, value] : outgoing.headers)
            for (const char c : value)
                QVERIFY2(c > 0x20 && c < 0x7F && c != '"', name.c_str());
        QVERIFY(isCloudEventMessage(outgoing.headers));
        const auto parsed = parseCloudEvent(outgoing);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->attributes, event.attributes);
        QCOMPARE(parsed->dataContentType, event.dataContentType);
        QCOMPARE(parsed->data, event.data);
    }

    void structuredRoundTrip_data() {
        QTest::addColumn<QString>("contentType");
        QTest::addColumn<QByteArray>("data");
        QTest::addRow("binary bytes") << "application/octet-stream" << QByteArray("\x00\x01\xFF", 3);
        QTest::addRow("text") << "text/plain" << QByteArray("hello");
        QTest::addRow("json") << "application/json" << QByteArray(R"({"a":[1,2]})");
        QTest::addRow("invalid json") << "application/json" << QByteArray("{oops");
        QTest::addRow("no data") << "" << QByteArray();
    }
    void structuredRoundTrip() {
        QFETCH(QString, contentType);
        QFETCH(QByteArray, data);
        CloudEvent event = sampleEvent();
        event.dataContentType = contentType.toStdString();
        event.data = data.toStdString();
        const HttpRequest outgoing = structuredCloudEventRequest(event);
        QVERIFY(isCloudEventMessage(outgoing.headers));
        const auto parsed = parseCloudEvent(outgoing);
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->attributes, event.attributes);
        QCOMPARE(parsed->dataContentType, event.dataContentType);
        QCOMPARE(parsed->data, event.data);
    }

    void plainResponseIsNotAnEvent() {
        QVERIFY(!isCloudEventMessage({{"Content-Type", "application/json"}}));
        QVERIFY(isCloudEventMessage({{"CE-SpecVersion", "1.0"}}));
        QVERIFY(isCloudEventMessage({{"content-type", "Application/CloudEvents+JSON"}}));
    }

    void isoDurations_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::addRow("PT0.2S") << "PT0.2S" << qint64(200);
        QTest::addRow("PT1.5S") << "PT1.5S" << qint64(1500);
        QTest::addRow("PT1M") << "PT1M" << qint64(60000);
        QTest::addRow("PT1M30S") << "PT1M30S" << qint64(90000);
        QTest::addRow("PT2H") << "PT2H" << qint64(7200000);
        QTest::addRow("P1D") << "P1D" << qint64(86400000);
        QTest::addRow("P1DT1S") << "P1DT1S" << qint64(86401000);
        QTest::addRow("P1W") << "P1W" << qint64(604800000);
        QTest::addRow("PT0S") << "PT0S" << qint64(0);
        QTest::addRow("comma fraction") << "PT0,5S" << qint64(500);
    }
    void isoDurations() {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const auto parsed = parseIsoDuration(text.toStdString());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(qint64(parsed->count()), ms);
    }

    void badIsoDurations_data() {
        QTest::addColumn<QString>("text");
        for (const char* text : {"", "P", "PT", "0.2S", "PT0.2", "PT.5S", "PT1.S", "PTS", "PT1S1M", "PT1H1H", "P1Y",
                                 "P1M", "PT-1S", "pt1s", "P1DT", "PT1X", "1 second", "PT99999999999999999S"})
            QTest::addRow("%s", text) << QString::fromLatin1(text);
    }
    void badIsoDurations() {
        QFETCH(QString, text);
        QVERIFY(!parseIsoDuration(text.toStdString()).ok());
    }

    void deliverySpec() {
        const auto spec = parseDeliverySpec(nlohmann::json::parse(
            R"({"retry": 3, "backoffPolicy": "linear", "backoffDelay": "PT0.05S", "timeout": "PT2S",)"
            "\"format\": \"json\", \"deadLetterSink\": {\"uri\": \"http://127.0.0.1:9/dls\"}}"));
        QVERIFY2(spec.ok(), spec.ok() ? "" : spec.error().message.c_str());
        QCOMPARE(spec->retry, 3);
        QCOMPARE(spec->backoffPolicy, BackoffPolicy::Linear);
        QCOMPARE(spec->backoffDelay, milliseconds(50));
        QCOMPARE(spec->timeout, milliseconds(2000));
        QCOMPARE(spec->format, EventFormat::Structured);
        QCOMPARE(spec->deadLetterSink, std::string("http://127.0.0.1:9/dls"));
        QVERIFY(!spec->deadLetterRef);
    }

    void deliverySpecKeepsDefaults() {
        DeliverySpec defaults;
        defaults.retry = 5;
        defaults.deadLetterSink = "http://127.0.0.1:1/";
        const auto spec = parseDeliverySpec(nlohmann::json::parse(R"({"backoffDelay": "PT1S"})"), defaults);
        QVERIFY(spec.ok());
        QCOMPARE(spec->retry, 5);
        QCOMPARE(spec->backoffPolicy, BackoffPolicy::Exponential);
        QCOMPARE(spec->backoffDelay, milliseconds(1000));
        QCOMPARE(spec->deadLetterSink, defaults.deadLetterSink);
        const auto none = parseDeliverySpec(nlohmann::json(), defaults);
        QVERIFY(none.ok());
        QCOMPARE(none->retry, 5);
    }

    void deliverySpecDeadLetterRef() {
        const auto spec = parseDeliverySpec(
            nlohmann::json::parse(R"({"deadLetterSink": {"ref": {"apiVersion": "serving.knative.dev/v1", )"
                                  R"("kind": "Service", "name": "dls", "namespace": "other"}}})"));
        QVERIFY2(spec.ok(), spec.ok() ? "" : spec.error().message.c_str());
        QVERIFY(spec->deadLetterSink.empty());
        QVERIFY(spec->deadLetterRef);
        QCOMPARE(spec->deadLetterRef->kind, std::string("Service"));
        QCOMPARE(spec->deadLetterRef->name, std::string("dls"));
        QCOMPARE(spec->deadLetterRef->namespaceName, std::string("other"));
        QCOMPARE(spec->deadLetterRef->apiVersion, std::string("serving.knative.dev/v1"));
    }

    void badDeliverySpec_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("field");
        QTest::addRow("not an object") << R"([1])"
                                       << "spec.delivery";
        QTest::addRow("negative retry") << R"({"retry": -1})"
                                        << "spec.delivery.retry";
        QTest::addRow("fractional retry") << R"({"retry": 1.5})"
                                          << "spec.delivery.retry";
        QTest::addRow("string retry") << R"({"retry": "3"})"
                                      << "spec.delivery.retry";
        QTest::addRow("policy") << R"({"backoffPolicy": "fibonacci"})"
                                << "spec.delivery.backoffPolicy";
        QTest::addRow("delay") << R"({"backoffDelay": "200ms"})"
                               << "spec.delivery.backoffDelay";
        QTest::addRow("delay number") << R"({"backoffDelay": 200})"
                                      << "spec.delivery.backoffDelay";
        QTest::addRow("timeout") << R"({"timeout": "PT"})"
                                 << "spec.delivery.timeout";
        QTest::addRow("zero timeout") << R"({"timeout": "PT0S"})"
                                      << "spec.delivery.timeout";
        QTest::addRow("sink empty") << R"({"deadLetterSink": {}})"
                                    << "spec.delivery.deadLetterSink";
        QTest::addRow("sink uri") << "{\"deadLetterSink\": {\"uri\": \"ftp://x\"}}"
                                  << "spec.delivery.deadLetterSink.uri";
        QTest::addRow("sink ref") << R"({"deadLetterSink": {"ref": {"kind": "Service"}}})"
                                  << "spec.delivery.deadLetterSink.ref.name";
        QTest::addRow("format") << R"({"format": "xml"})"
                                << "spec.delivery.format";
    }
    void badDeliverySpec() {
        QFETCH(QString, json);
        QFETCH(QString, field);
        const auto spec = parseDeliverySpec(nlohmann::json::parse(json.toStdString()));
        QVERIFY(!spec.ok());
        QCOMPARE(spec.error().code, ErrorCode::InvalidInput);
        QVERIFY2(message(spec.error()).startsWith(field + ": "), spec.error().message.c_str());
    }

    void retryDelays_data() {
        QTest::addColumn<bool>("linear");
        QTest::addColumn<int>("delayMs");
        QTest::addColumn<int>("attempt");
        QTest::addColumn<qint64>("expectedMs");
        // 1-based attempt: linear delay x n, exponential delay x 2^(n-1).
        QTest::addRow("linear 1") << true << 50 << 1 << qint64(50);
        QTest::addRow("linear 2") << true << 50 << 2 << qint64(100);
        QTest::addRow("linear 3") << true << 50 << 3 << qint64(150);
        QTest::addRow("linear 10") << true << 200 << 10 << qint64(2000);
        QTest::addRow("exponential 1") << false << 50 << 1 << qint64(50);
        QTest::addRow("exponential 2") << false << 50 << 2 << qint64(100);
        QTest::addRow("exponential 3") << false << 50 << 3 << qint64(200);
        QTest::addRow("exponential 5") << false << 200 << 5 << qint64(3200);
        QTest::addRow("no delay") << false << 0 << 4 << qint64(0);
        QTest::addRow("attempt 0") << true << 50 << 0 << qint64(0);
        QTest::addRow("huge exponent saturates") << false << 1000 << 500 << qint64(365LL * 24 * 3600 * 1000);
    }
    void retryDelays() {
        QFETCH(bool, linear);
        QFETCH(int, delayMs);
        QFETCH(int, attempt);
        QFETCH(qint64, expectedMs);
        DeliverySpec spec;
        spec.backoffPolicy = linear ? BackoffPolicy::Linear : BackoffPolicy::Exponential;
        spec.backoffDelay = milliseconds(delayMs);
        QCOMPARE(qint64(retryDelay(spec, attempt).count()), expectedMs);
    }

    void retryableStatus_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("retryable");
        for (int status : {500, 502, 503, 504, 599, 404, 408, 409, 429})
            QTest::addRow("%d", status) << status << true;
        for (int status : {200, 202, 204, 301, 302, 400, 401, 403, 405, 410, 413, 422})
            QTest::addRow("%d", status) << status << false;
    }
    void retryableStatus() {
        QFETCH(int, status);
        QFETCH(bool, retryable);
        QCOMPARE(isRetryableStatus(status), retryable);
    }
};

QTEST_GUILESS_MAIN(TestCloudEvent)
#include "tst_cloudevent.moc"
