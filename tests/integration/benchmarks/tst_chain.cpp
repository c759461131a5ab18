// Function composition with the suite's chain and eventing benchmarks, over real wrappers on loopback ports:
// a 2-step 700.chain across languages (Serving style, `next`), what a step sends to the next one or to K_SINK
// (trace headers, binary-mode CloudEvent attributes, the payload unchanged), and 710.event-producer delivering to
// 711.event-consumer. A language whose runtime is missing skips with the reason.
#include "testutils.h"
#include "wrapper_support.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

using namespace faaswb;
using faaswb::test::CaptureServer;
using nlohmann::json;

namespace {

constexpr int kTimeoutMs = 30'000;
const QByteArray kTraceId = "463ac35c9f6413ad48485a3953bb6124";
const QByteArray kSpanId = "a2fb4a1d1a96d312";

struct Reply {
    int status = 0;
    json body;
    QString describe() const {
        return QStringLiteral("HTTP %1 %2").arg(status).arg(QString::fromStdString(body.dump()));
    }
};

Reply postJson(QNetworkAccessManager& network, const QString& url, const json& event,
               const std::map<QByteArray, QByteArray>& headers = {}) {
    QNetworkRequest request{QUrl(url)};
    request.setTransferTimeout(kTimeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    for (const auto& [name, value] : headers)
        request.setRawHeader(name, value);
    std::unique_ptr<QNetworkReply> reply(network.post(request, QByteArray::fromStdString(event.dump())));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(kTimeoutMs + 1000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            json::parse(reply->readAll().toStdString(), nullptr, false)};
}

} // namespace

class TestChain : public QObject {
    Q_OBJECT
private slots:
    void twoSteps_data() {
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        // each language once as the caller and once as the callee
        QTest::addRow("python-nodejs") << QStringLiteral("python") << QStringLiteral("nodejs");
        QTest::addRow("nodejs-cpp") << QStringLiteral("nodejs") << QStringLiteral("cpp");
        QTest::addRow("cpp-python") << QStringLiteral("cpp") << QStringLiteral("python");
    }

    // Step 0 calls step 1 and answers both hops; the payload arrives unchanged.
    void twoSteps() {
        QFETCH(QString, first);
        QFETCH(QString, second);
        const auto callee = startWrapper(QStringLiteral("700.chain"), second);
        if (!callee)
            return;
        const auto caller = startWrapper(QStringLiteral("700.chain"), first);
        if (!caller)
            return;
        const std::string payload = "two steps, \"quoted\" and \xc3\xa9";
        const Reply reply =
            postJson(m_network, caller->baseUrl(),
                     {{"payload", payload}, {"work_ms", 1}, {"next", {callee->baseUrl().toStdString()}}});
        QVERIFY2(reply.status == 200, qPrintable(reply.describe()));
        const json& result = reply.body["result"];
        QCOMPARE(result["step"], json(0));
        QCOMPARE(result["forwarded"], json("next"));
        QCOMPARE(result["payload_bytes"], json(payload.size()));
        const json& hops = result["hops"];
        QVERIFY2(hops.is_array() && hops.size() == 2, qPrintable(reply.describe()));
        QCOMPARE(hops[0]["step"], json(0));
        QCOMPARE(hops[1]["step"], json(1));
        QVERIFY(hops[0]["instance"] != hops[1]["instance"]);
        QVERIFY2(!hops[1].contains("sent_us"), "the last step forwards nothing");
        // one clock on loopback: the hand-over cannot arrive before it left
        QVERIFY(hops[1]["received_us"].get<qint64>() >= hops[0]["sent_us"].get<qint64>());
        QVERIFY(hops[0]["sent_us"].get<qint64>() >= hops[0]["received_us"].get<qint64>());
    }

    void forwardsToNext_data() { languages(); }

    // What a step sends to `next`: the event with step + 1, `next` shifted, its hop added, the trace continued.
    void forwardsToNext() {
        QFETCH(QString, language);
        CaptureServer next(json{{"result", {{"hops", json::array({{{"step", 0}}, {{"step", 1}}})}}}});
        const auto step = startWrapper(QStringLiteral("700.chain"), language);
        if (!step)
            return;
        const Reply reply = postJson(
            m_network, step->baseUrl(),
            {{"payload_size", 1024}, {"next", {next.url().toStdString(), "http://later/"}}, {"custom", "kept"}},
            {{"X-B3-TraceId", kTraceId}, {"X-B3-SpanId", kSpanId}, {"X-B3-Sampled", "1"}});
        QVERIFY2(reply.status == 200, qPrintable(reply.describe()));
        QCOMPARE(reply.body["result"]["hops"].size(), std::size_t{2}); // the callee's answer, taken as is
        QCOMPARE(next.requests().size(), std::size_t{1});
        const CaptureServer::Request& sent = next.requests().front();
        QCOMPARE(sent.headers.at("x-b3-traceid"), kTraceId);
        QVERIFY2(sent.headers.at("x-b3-spanid") != kSpanId, "the function's own span must be the parent");
        QVERIFY(sent.headers.at("traceparent").contains(kTraceId));
        QCOMPARE(sent.body["step"], json(1));
        QCOMPARE(sent.body["next"], json::array({"http://later/"}));
        QCOMPARE(sent.body["payload"].get<std::string>(), std::string(1024, 'x'));
        QCOMPARE(sent.body["custom"], json("kept"));
        QVERIFY(!sent.body.contains("payload_size") && !sent.body.contains("_cloudevent"));
        QCOMPARE(sent.body["hops"].size(), std::size_t{1});
        QVERIFY(sent.body["hops"][0].contains("sent_us"));
    }

    void forwardsToSink_data() { languages(); }

    // With K_SINK and `forward`, the step posts a binary-mode CloudEvent and does not wait for the rest.
    void forwardsToSink() {
        QFETCH(QString, language);
        CaptureServer sink(json::object());
        const auto step = startWrapper(QStringLiteral("700.chain"), language, {{"K_SINK", sink.url()}});
        if (!step)
            return;
        const Reply reply = postJson(m_network, step->baseUrl(), {{"payload", "to the broker"}, {"forward", 2}},
                                     {{"X-B3-TraceId", kTraceId}, {"X-B3-SpanId", kSpanId}});
        QVERIFY2(reply.status == 200, qPrintable(reply.describe()));
        QCOMPARE(reply.body["result"]["forwarded"], json("sink"));
        QCOMPARE(sink.requests().size(), std::size_t{1});
        const CaptureServer::Request& sent = sink.requests().front();
        QCOMPARE(sent.headers.at("ce-specversion"), QByteArray("1.0"));
        QCOMPARE(sent.headers.at("ce-type"), QByteArray("dev.faaswb.chain.step"));
        QVERIFY(sent.headers.at("ce-source").startsWith("/faaswb/700.chain/"));
        QVERIFY(!sent.headers.at("ce-id").isEmpty());
        QVERIFY(sent.headers.at("ce-faaswbsentus").toLongLong() > 0);
        QVERIFY(sent.headers.at("content-type").startsWith("application/json"));
        QCOMPARE(sent.headers.at("x-b3-traceid"), kTraceId);
        QCOMPARE(sent.body["payload"], json("to the broker"));
        QCOMPARE(sent.body["forward"], json(1));
        QCOMPARE(sent.body["step"], json(1));
    }

    void forwardWithoutSinkIsRejected_data() { languages(); }

    void forwardWithoutSinkIsRejected() {
        QFETCH(QString, language);
        const auto step = startWrapper(QStringLiteral("700.chain"), language);
        if (!step)
            return;
        const Reply reply = postJson(m_network, step->baseUrl(), {{"forward", true}});
        QVERIFY2(reply.status == 400, qPrintable(reply.describe()));
        QVERIFY(QString::fromStdString(reply.body.value("error", "")).contains(QLatin1String("K_SINK")));
    }

    void producerToConsumer_data() { languages(); }

    // 710 sends `count` events through K_SINK; 711 counts each once, with a latency from the send timestamp.
    void producerToConsumer() {
        QFETCH(QString, language);
        const auto consumer = startWrapper(QStringLiteral("711.event-consumer"), language);
        if (!consumer)
            return;
        const auto producer =
            startWrapper(QStringLiteral("710.event-producer"), language, {{"K_SINK", consumer->baseUrl()}});
        if (!producer)
            return;
        const Reply sent = postJson(m_network, producer->baseUrl(), {{"count", 20}, {"run", "tst-chain"}});
        QVERIFY2(sent.status == 200, qPrintable(sent.describe()));
        QCOMPARE(sent.body["result"]["sent"], json(20));
        QCOMPARE(sent.body["result"]["failed"], json(0));
        QVERIFY2(postJson(m_network, producer->baseUrl(), {{"count", 5}, {"run", "tst-chain"}}).status == 200,
                 "the same run id again: five duplicates");
        const Reply stats = postJson(m_network, consumer->baseUrl(), {{"stats", true}, {"reset", true}});
        QVERIFY2(stats.status == 200, qPrintable(stats.describe()));
        const json& counters = stats.body["result"];
        QCOMPARE(counters["received"], json(25));
        QCOMPARE(counters["duplicates"], json(5));
        QCOMPARE(counters["unique"], json(20));
        QCOMPARE(counters["latency_us"]["count"], json(25));
        QVERIFY(counters["latency_us"]["min"].get<qint64>() >= 0);
        const Reply after = postJson(m_network, consumer->baseUrl(), {{"stats", true}});
        QCOMPARE(after.body["result"]["received"], json(0));
    }

private:
    static void languages() {
        QTest::addColumn<QString>("language");
        for (const char* language : {"cpp", "python", "nodejs"})
            QTest::addRow("%s", language) << QString::fromLatin1(language);
    }

    std::unique_ptr<test::ServerProcess> startWrapper(const QString& id, const QString& language,
                                                      const std::map<QString, QString>& extra = {}) {
        return test::startWrapper(id, language, extra);
    }

    QNetworkAccessManager m_network;
};

QTEST_GUILESS_MAIN(TestChain)
#include "tst_chain.moc"
