// Function composition with the suite's chain and eventing benchmarks, over real wrappers on loopback ports:
// a 2-step 700.chain across languages (Serving style, `next`), what a step sends to the next one or to K_SINK
// (trace headers, binary-mode CloudEvent attributes, the payload unchanged), and 710.event-producer delivering to
// 711.event-consumer. A language whose runtime is missing skips with the reason.
#include "testutils.h"

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
using nlohmann::json;

namespace {

constexpr int kTimeoutMs = 30'000;
const QByteArray kTraceId = "463ac35c9f6413ad48485a3953bb6124";
const QByteArray kSpanId = "a2fb4a1d1a96d312";

QString findRuntime(const char* variable, const QStringList& names) {
    const QString configured = qEnvironmentVariable(variable);
    if (!configured.isEmpty())
        return configured;
    for (const QString& name : names) {
        const QString found = QStandardPaths::findExecutable(name);
        if (!found.isEmpty())
            return found;
    }
    return {};
}

struct Command {
    QString program;
    QStringList args;
};

// Debian's python3 first, as in tst_benchmarks: benchmarks' dependencies are Debian python3-* packages.
std::optional<Command> wrapperCommand(const QString& language, const QString& id) {
    const auto source = [](const char* relative) { return test::sourcePath(QString::fromLatin1(relative)); };
    const auto function = [&](const char* file) {
        return test::sourcePath(QStringLiteral("benchmarks/%1/%2").arg(id, QString::fromLatin1(file)));
    };
    if (language == u"cpp")
        return Command{test::binaryPath(QStringLiteral("faaswb-function-host")), {id}};
    if (language == u"python") {
        const QString python = QFileInfo(QStringLiteral("/usr/bin/python3")).isExecutable()
                                   ? QStringLiteral("/usr/bin/python3")
                                   : findRuntime("FAASWB_PYTHON", {QStringLiteral("python3")});
        if (python.isEmpty())
            return std::nullopt;
        return Command{python, {source("benchmarks/wrappers/python/server.py"), function("python/function.py")}};
    }
    const QString node = findRuntime("FAASWB_NODE", {QStringLiteral("node"), QStringLiteral("nodejs")});
    if (node.isEmpty())
        return std::nullopt;
    return Command{node, {source("benchmarks/wrappers/nodejs/server.js"), function("nodejs/function.js")}};
}

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

// A loopback HTTP server standing in for the next step or the sink: it keeps every request it receives (header
// names in lower case) and answers each with `answer`.
class CaptureServer : public QObject {
    Q_OBJECT
public:
    struct Request {
        std::map<QByteArray, QByteArray> headers;
        json body;
    };

    explicit CaptureServer(json answer)
        : m_answer(std::move(answer)) {
        connect(&m_server, &QTcpServer::newConnection, this, &CaptureServer::accept);
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1/").arg(m_server.serverPort()); }
    const std::vector<Request>& requests() const { return m_requests; }

signals:
    void requestReceived();

private:
    void accept() {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    // Keep-alive clients send several requests on one connection: take every complete one in the buffer.
    void readFrom(QTcpSocket* socket) {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        for (qsizetype headerEnd = buffer.indexOf("\r\n\r\n"); headerEnd >= 0; headerEnd = buffer.indexOf("\r\n\r\n")) {
            Request request;
            for (const QByteArray& line : buffer.left(headerEnd).split('\n').mid(1)) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0)
                    request.headers[line.left(colon).trimmed().toLower()] = line.mid(colon + 1).trimmed();
            }
            const qsizetype length = request.headers["content-length"].toLongLong();
            if (buffer.size() < headerEnd + 4 + length)
                return;
            request.body = json::parse(buffer.mid(headerEnd + 4, length).toStdString(), nullptr, false);
            buffer.remove(0, headerEnd + 4 + length);
            const QByteArray answer = QByteArray::fromStdString(m_answer.dump());
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                          QByteArray::number(answer.size()) + "\r\n\r\n" + answer);
            m_requests.push_back(std::move(request));
            emit requestReceived();
        }
    }

    QTcpServer m_server;
    json m_answer;
    std::map<QTcpSocket*, QByteArray> m_buffers;
    std::vector<Request> m_requests;
};

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
        const auto command = wrapperCommand(language, id);
        if (!command) {
            QTest::qSkip(
                qPrintable(
                    QStringLiteral("no %1 runtime on PATH (packaging/install-deps.sh installs it)").arg(language)),
                __FILE__, __LINE__);
            return nullptr;
        }
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"HOST", "ZIPKIN_ENDPOINT", "FAASWB_INSTANCE", "FAASWB_SERVICE_NAME", "K_SINK"})
            environment.remove(QString::fromLatin1(name));
        environment.insert(QStringLiteral("PORT"), QStringLiteral("0"));
        for (const auto& [name, value] : extra)
            environment.insert(name, value);
        auto server = test::ServerProcess::start(command->program, command->args, environment);
        if (!server)
            QTest::qFail(qPrintable(command->program + QStringLiteral(" did not start (its stderr is above)")),
                         __FILE__, __LINE__);
        return server;
    }

    QNetworkAccessManager m_network;
};

QTEST_GUILESS_MAIN(TestChain)
#include "tst_chain.moc"
