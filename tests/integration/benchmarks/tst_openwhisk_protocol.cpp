// OpenWhisk's action runtime protocol on the benchmark wrappers (benchmarks/README.md, "The wrapper contract"):
// POST /init once (403 the second time), POST /run with the parameters under "value" answered with the handler's
// result object (non-objects wrapped), handler errors as 502, and POST / unchanged, in cpp, python and nodejs.
#include "testutils.h"
#include "wrapper_support.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

using namespace faaswb;
using nlohmann::json;

namespace {

constexpr int kRequestTimeoutMs = 15'000;
const QByteArray kApiKey = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:owproto-secret-key";
const QString kInitTwice = QStringLiteral("cannot initialize the action more than once");

using Reply = test::WrapperReply;

// POSTs JSON to the protocol's paths (/init, /run, /).
class Client : public test::WrapperClient {
public:
    explicit Client(QString baseUrl)
        : test::WrapperClient(std::move(baseUrl), kRequestTimeoutMs) {}

    Reply post(const QString& path, const QByteArray& body) {
        return send("POST", path, body, {{"Content-Type", "application/json"}});
    }
    Reply postJson(const QString& path, const json& value) {
        return post(path, QByteArray::fromStdString(value.dump()));
    }
};

// What the OpenWhisk invoker sends to /run, around the action's parameters.
json activation(const json& value) {
    return {{"value", value},
            {"namespace", "guest"},
            {"action_name", "/guest/faaswb-010-sleep"},
            {"activation_id", "9d3ee8e4c5a44f0dbee8e4c5a4af0d9b"},
            {"deadline", "4102444800000"},
            {"api_key", kApiKey.toStdString()}};
}

json initBody(const json& env) {
    return {{"value", {{"name", "faaswb-test"}, {"main", "main"}, {"code", ""}, {"binary", false}, {"env", env}}}};
}

// A handler that returns what it is asked for, mostly not an object: {"answer": x} -> x, {"env": NAME} -> that
// variable's value, {"echo": ...} -> the whole event, {"fail": message} -> a handler failure.
const char* kPythonEcho = R"(import os
def handler(event, context=None):
    if 'env' in event:
        return os.environ.get(event['env'])
    if 'echo' in event:
        return event
    if 'fail' in event:
        raise RuntimeError(event['fail'])
    return event.get('answer')
)";
const char* kNodeEcho = R"('use strict';
exports.handler = async (event) => {
    if ('env' in event) return process.env[event.env] === undefined ? null : process.env[event.env];
    if ('echo' in event) return event;
    if ('fail' in event) throw new Error(event.fail);
    return event.answer;
};
)";

} // namespace

class TestOpenWhiskProtocol : public QObject {
    Q_OBJECT
private slots:
    void protocol_data() { languages(); }

    // 010.sleep through /init and /run, next to POST /.
    void protocol() {
        QFETCH(QString, language);
        const auto server = test::startWrapper(QStringLiteral("010.sleep"), language);
        if (!server)
            return;
        Client client(server->baseUrl());
        checkInit(client);
        if (QTest::currentTestFailed())
            return;

        const Reply run = client.postJson(QStringLiteral("/run"), activation({{"ms", 5}}));
        QVERIFY2(run.status == 200, run.describe());
        QCOMPARE(run.bodyJson(), json({{"slept_ms", 5}}));
        QCOMPARE(run.header("X-Faaswb-First-Invocation"), QByteArray("1")); // the first /run is the cold one
        QVERIFY(!run.body.contains(kApiKey));

        const Reply plain = client.postJson(QStringLiteral("/"), {{"ms", 5}}); // POST / still works after /init
        QVERIFY2(plain.status == 200, plain.describe());
        QCOMPARE(plain.bodyJson().value("result", json()), run.bodyJson());
        QCOMPARE(plain.bodyJson().value("cold", json()), json(false));
        QCOMPARE(plain.header("X-Faaswb-First-Invocation"), QByteArray("0"));

        const Reply invalid = client.postJson(QStringLiteral("/run"), activation({{"ms", -1}}));
        QVERIFY2(invalid.status == 502, invalid.describe());
        QCOMPARE(invalid.bodyJson().value("error", json()), json("ms must be an integer between 0 and 600000"));
        QVERIFY(!invalid.body.contains(kApiKey));

        checkMalformed(client);
        const Reply health = client.get(QStringLiteral("/healthz"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.bodyJson(), json({{"ready", true}}));
        QVERIFY(!server->process().readAllStandardOutput().contains(kApiKey));
    }

    void handlerResults_data() { languages(); }

    // Non-object results are wrapped as {"result": ...}; init's env reaches the handler; only "value" is the event.
    void handlerResults() {
        QFETCH(QString, language);
        if (language == u"cpp")
            QSKIP("no C++ benchmark returns a non-object, and faaswb-function-host serves only linked-in handlers");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto server = startEcho(dir, language);
        if (!server)
            return;
        Client client(server->baseUrl());
        // A blackbox image holds its code already: /run before /init is served too.
        const Reply early = client.postJson(QStringLiteral("/run"), activation({{"answer", 42}}));
        QVERIFY2(early.status == 200, early.describe());
        QCOMPARE(early.bodyJson(), json({{"result", 42}}));

        const Reply init = client.postJson(QStringLiteral("/init"),
                                           initBody({{"FAASWB_OW_GREETING", "hello"}, {"FAASWB_OW_NUMBER", 7}}));
        QVERIFY2(init.status == 200, init.describe());
        expectResult(client, {{"env", "FAASWB_OW_GREETING"}}, json({{"result", "hello"}}));
        expectResult(client, {{"env", "FAASWB_OW_NUMBER"}}, json({{"result", nullptr}})); // only strings are applied
        expectResult(client, {{"answer", json::array({1, "two"})}}, json({{"result", json::array({1, "two"})}}));
        expectResult(client, {{"answer", nullptr}}, json({{"result", nullptr}}));
        expectResult(client, {{"echo", true}}, json({{"echo", true}})); // an object result as it is, no api_key

        const Reply failed = client.postJson(QStringLiteral("/run"), activation({{"fail", "the disk is full"}}));
        QVERIFY2(failed.status == 502, failed.describe());
        QVERIFY2(failed.bodyJson().value("error", json()).get<std::string>().find("the disk is full") !=
                     std::string::npos,
                 failed.describe());
    }

private:
    static void languages() {
        QTest::addColumn<QString>("language");
        for (const char* language : {"cpp", "python", "nodejs"})
            QTest::addRow("%s", language) << QString::fromLatin1(language);
    }

    static void checkInit(Client& client) {
        const Reply first = client.postJson(QStringLiteral("/init"), initBody({{"FAASWB_OW_GREETING", "hello"}}));
        QVERIFY2(first.status == 200, first.describe());
        QCOMPARE(first.bodyJson(), json({{"ok", true}}));
        const Reply second = client.postJson(QStringLiteral("/init"), initBody(json::object()));
        QVERIFY2(second.status == 403, second.describe());
        QCOMPARE(second.bodyJson(), json({{"error", kInitTwice.toStdString()}}));
    }

    static void checkMalformed(Client& client) {
        const Reply notJson = client.post(QStringLiteral("/run"), "{\"value\":");
        QVERIFY2(notJson.status == 400, notJson.describe());
        QVERIFY2(notJson.bodyJson().value("error", json()).get<std::string>().find("the /run body") !=
                     std::string::npos,
                 notJson.describe());
        const Reply notObject = client.post(QStringLiteral("/run"), "[1]");
        QVERIFY2(notObject.status == 400, notObject.describe());
        const Reply wrongMethod = client.get(QStringLiteral("/run"));
        QVERIFY2(wrongMethod.status == 405, wrongMethod.describe());
        QCOMPARE(wrongMethod.header("Allow"), QByteArray("POST"));
    }

    static void expectResult(Client& client, const json& value, const json& expected) {
        const Reply reply = client.postJson(QStringLiteral("/run"), activation(value));
        QVERIFY2(reply.status == 200, reply.describe());
        QCOMPARE(reply.bodyJson(), expected);
    }

    // The language's wrapper serving <dir>/owecho/<language>/function.<ext> (kPythonEcho / kNodeEcho).
    static std::unique_ptr<test::ServerProcess> startEcho(const QTemporaryDir& dir, const QString& language) {
        const bool python = language == u"python";
        const QString folder = dir.filePath(QStringLiteral("owecho/") + language);
        const QString file = folder + (python ? QStringLiteral("/function.py") : QStringLiteral("/function.js"));
        QFile out(file);
        if (!QDir().mkpath(folder) || !out.open(QIODevice::WriteOnly)) {
            QTest::qFail(qPrintable(QStringLiteral("cannot write ") + file), __FILE__, __LINE__);
            return nullptr;
        }
        out.write(python ? kPythonEcho : kNodeEcho);
        out.close();
        test::WrapperCommand command = test::wrapperCommand(language, QStringLiteral("010.sleep"));
        if (!command.missing.isEmpty()) {
            QTest::qSkip(qPrintable(command.missing), __FILE__, __LINE__);
            return nullptr;
        }
        command.args.last() = file;
        auto server = test::ServerProcess::start(command.program, command.args, test::wrapperEnvironment());
        if (!server)
            QTest::qFail("the echo wrapper did not start (its stderr is above)", __FILE__, __LINE__);
        return server;
    }
};

QTEST_GUILESS_MAIN(TestOpenWhiskProtocol)
#include "tst_openwhisk_protocol.moc"
