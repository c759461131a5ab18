// The openwhisk Platform adapter against FakeOpenWhiskServer: auth, action PUT bodies, the Deployment the load engine
// uses (blocking invoke URL + Basic auth), 200/202/502 invoke outcomes, forced cold starts by update, activation
// records as spans (with paging), unsupported capabilities, and removal of only what we created.
#include "common/encoding.h"
#include "fake_openwhisk_server.h"
#include "http_call.h"
#include "load/load_generator.h"
#include "platform/openwhisk_platform.h"
#include "platform/openwhisk_spans.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <fstream>
#include <mutex>

using namespace faaswb;
using faaswb::test::FakeOpenWhiskServer;
using faaswb::test::OwInvokeBehaviour;
using nlohmann::json;

namespace {

const std::string kKey = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:s3cr3tKeyValue123";
const std::string kActionPath = "/api/v1/namespaces/_/actions/sleep-python";

model::PlatformConfig configFor(const FakeOpenWhiskServer& server, const std::string& key = kKey) {
    model::PlatformConfig config;
    config.name = "ow";
    config.type = model::PlatformType::OpenWhisk;
    config.url = server.url();
    config.authKey = key;
    config.namespaceName = "_";
    config.images = "registry.example/faaswb-{benchmark}:{language}";
    config.deployTimeout = std::chrono::seconds(5);
    return config;
}

platform::FunctionSpec sleepSpec(const std::string& language = "python") {
    platform::FunctionSpec spec;
    spec.name = "sleep-" + language;
    spec.benchmark = "010.sleep";
    spec.language = language;
    spec.image = "local/010.sleep:" + language;
    spec.containerConcurrency = 4;
    spec.timeoutSeconds = 30;
    spec.memory = "256Mi";
    spec.env = {{"GREETING", "hello"}};
    return spec;
}

std::unique_ptr<platform::Platform> create(const model::PlatformConfig& config) {
    auto created = platform::createOpenWhiskPlatform(config);
    if (!created)
        qWarning("%s", created.error().message.c_str());
    return created ? std::move(created).value() : nullptr;
}

std::string basicHeader(const std::string& key = kKey) {
    return "Basic " + base64Encode(key);
}

// A blocking invoke as the load engine sends it, the Authorization header set by hand.
test::HttpReply invoke(const platform::Deployment& deployment, const std::string& body = "{\"ms\":1}") {
    test::HttpCallOptions options;
    options.body = body;
    options.headers = {{"Authorization", basicHeader()}};
    return test::httpCall(deployment.url, options);
}

json parsed(const std::string& text) {
    return json::parse(text, nullptr, false);
}

bool hasAnnotation(const json& entity, const std::string& key) {
    for (const auto& annotation : entity.value("annotations", json::array()))
        if (annotation.value("key", "") == key)
            return true;
    return false;
}

json annotation(const json& entity, const std::string& key) {
    for (const auto& entry : entity.value("annotations", json::array()))
        if (entry.value("key", "") == key)
            return entry["value"];
    return nullptr;
}

platform::TimeWindow aroundNow() {
    const auto now = std::chrono::system_clock::now();
    return {now - std::chrono::minutes(1), now + std::chrono::minutes(1)};
}

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const trace::Span* findSpan(const std::vector<trace::Span>& spans, const std::string& traceId,
                            const std::string& name) {
    for (const auto& span : spans)
        if (span.traceId == traceId && span.name == name)
            return &span;
    return nullptr;
}

class StatusSink : public load::LoadSink {
public:
    void onInterval(const load::IntervalSnapshot&, std::vector<load::RequestRecord>&& requests) override {
        const std::lock_guard lock(m_mutex);
        for (const auto& record : requests)
            ++statuses[record.status];
    }
    std::mutex m_mutex;
    std::map<int, int> statuses;
};

} // namespace

class TestOpenWhiskAdapter : public QObject {
    Q_OBJECT

private slots:
    void wrongKeyIsRejectedWithoutShowingIt();
    void unreachableHostIsAPlatformError();
    void describeNamesHostAndNamespaceButNotTheKey();
    void deployPutsABlackboxActionAndReturnsTheInvokeUrl();
    void invokeOutcomes();
    void loadEngineSendsBasicAuth();
    void deployFailsWhenTheActionCannotRun();
    void deployAcceptsApplicationErrorsAndSlowFirstStarts();
    void deployRefusesSomeoneElsesAction();
    void deployIsCancellable();
    void codeActionsWrapTheSuiteHandler_data();
    void codeActionsWrapTheSuiteHandler();
    void benchmarksThatNeedAnImageSaySo();
    void wrappedPythonHandlerRuns();
    void wrappedNodeHandlerRuns();
    void forceColdStartUpdatesTheAction();
    void activationsBecomeSpans();
    void spansOfManyActivationsArePaged();
    void unsupportedCapabilitiesSaySo();
    void removeDeletesOnlyOurActions();
};

void TestOpenWhiskAdapter::wrongKeyIsRejectedWithoutShowingIt() {
    FakeOpenWhiskServer server(kKey);
    const std::string wrong = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:WrongSecretValue9";
    auto created = platform::createOpenWhiskPlatform(configFor(server, wrong));
    QVERIFY(!created.ok());
    QCOMPARE(created.error().code, ErrorCode::Platform);
    const std::string& message = created.error().message;
    QVERIFY2(message.find("OpenWhisk rejected the auth key (401)") != std::string::npos, message.c_str());
    QVERIFY2(message.find("platform 'ow'") != std::string::npos, message.c_str());
    QVERIFY(message.find("WrongSecretValue9") == std::string::npos);
    QVERIFY(message.find("23bc46b1") == std::string::npos);
    const auto probes = server.requestsTo("GET", "/api/v1/namespaces");
    QCOMPARE(probes.size(), std::size_t(1));
    QCOMPARE(probes[0].authorization, basicHeader(wrong));
}

void TestOpenWhiskAdapter::unreachableHostIsAPlatformError() {
    std::string url;
    {
        FakeOpenWhiskServer gone(kKey);
        url = gone.url();
    }
    FakeOpenWhiskServer server(kKey);
    auto config = configFor(server);
    config.url = url;
    auto created = platform::createOpenWhiskPlatform(config);
    QVERIFY(!created.ok());
    QCOMPARE(created.error().code, ErrorCode::Platform);
    QVERIFY2(created.error().message.find("OpenWhisk API host does not answer") != std::string::npos,
             created.error().message.c_str());
    QVERIFY(created.error().message.find(url + "/api/v1") != std::string::npos);

    config.url = "owdev.example:31001";
    created = platform::createOpenWhiskPlatform(config);
    QVERIFY(!created.ok());
    QCOMPARE(created.error().code, ErrorCode::InvalidInput);
    QVERIFY(created.error().message.find("must start with https:// or http://") != std::string::npos);
}

void TestOpenWhiskAdapter::describeNamesHostAndNamespaceButNotTheKey() {
    FakeOpenWhiskServer server(kKey);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    const auto info = platform->describe();
    QCOMPARE(info.kind, std::string("openwhisk"));
    QCOMPARE(info.version, std::string("2026-11-01T10:00:00Z (fake-42)"));
    QCOMPARE(info.details["apiHost"].get<std::string>(), server.url());
    QCOMPARE(info.details["namespace"].get<std::string>(), std::string("_"));
    QCOMPARE(info.details["tlsVerify"].get<bool>(), true);
    QVERIFY(info.details.dump().find("s3cr3tKeyValue123") == std::string::npos);
    QVERIFY(info.details.dump().find("23bc46b1") == std::string::npos);

    auto insecure = configFor(server);
    insecure.insecureSkipTlsVerify = true;
    auto second = create(insecure);
    QVERIFY(second);
    QCOMPARE(second->describe().details["tlsVerify"].get<bool>(), false);
}

void TestOpenWhiskAdapter::deployPutsABlackboxActionAndReturnsTheInvokeUrl() {
    FakeOpenWhiskServer server(kKey);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    const CancellationToken cancel;
    auto deployed = platform->deploy(sleepSpec(), cancel);
    QVERIFY2(deployed.ok(), deployed.ok() ? "" : deployed.error().message.c_str());

    const auto puts = server.requestsTo("PUT", kActionPath);
    QCOMPARE(puts.size(), std::size_t(1));
    QCOMPARE(puts[0].query.at("overwrite"), std::string("true"));
    QCOMPARE(puts[0].authorization, basicHeader());
    const json body = parsed(puts[0].body);
    QCOMPARE(body["exec"], json({{"kind", "blackbox"}, {"image", "registry.example/faaswb-010.sleep:python"}}));
    QCOMPARE(body["limits"], json({{"memory", 256}, {"timeout", 30000}, {"concurrency", 4}}));
    QCOMPARE(annotation(body, "faaswb.dev/created-by"), json("faas-workbench"));
    QCOMPARE(body["parameters"], json::parse(R"([{"key":"GREETING","value":"hello","init":true}])"));

    QCOMPARE(deployed->name, std::string("sleep-python"));
    QCOMPARE(deployed->url, server.url() + kActionPath + "?blocking=true");
    QCOMPARE(deployed->revision, std::string("0.0.1"));
    QVERIFY(deployed->createdByUs);
    QVERIFY(deployed->auth.kind == load::RequestAuth::Kind::Basic);
    QCOMPARE(deployed->auth.username, std::string("23bc46b1-71f6-4ed5-8c54-816aa4f8c502"));
    QCOMPARE(deployed->auth.secret, std::string("s3cr3tKeyValue123"));

    // The first blocking invoke with an empty event checked that the action runs.
    const auto checks = server.requestsTo("POST", kActionPath);
    QCOMPARE(checks.size(), std::size_t(1));
    QCOMPARE(checks[0].query.at("blocking"), std::string("true"));
    QCOMPARE(checks[0].body, std::string("{}"));
}

// What the load engine sees at Deployment.url: 200 with the activation record when the action succeeds; 202 with
// only {activationId} when it outlasts the blocking wait (counted as a success by status, without a result); 502 with
// the record when the action fails (an error of kind http_status); 401 without the key.
void TestOpenWhiskAdapter::invokeOutcomes() {
    FakeOpenWhiskServer server(kKey);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    auto deployed = platform->deploy(sleepSpec(), CancellationToken());
    QVERIFY(deployed.ok());

    auto reply = invoke(*deployed);
    QCOMPARE(reply.status, 200L);
    json record = parsed(reply.body);
    QCOMPARE(record["response"]["success"], json(true));
    QCOMPARE(record["response"]["result"]["params"], json({{"ms", 1}}));
    QVERIFY(!hasAnnotation(record, "initTime")); // the deploy check took the cold start
    QCOMPARE(reply.headers["x-openwhisk-activation-id"], record["activationId"].get<std::string>());

    server.setInvokeBehaviour("sleep-python", OwInvokeBehaviour::Slow);
    reply = invoke(*deployed);
    QCOMPARE(reply.status, 202L);
    QVERIFY(parsed(reply.body).contains("activationId"));
    QCOMPARE(parsed(reply.body).size(), std::size_t(1));

    server.setInvokeBehaviour("sleep-python", OwInvokeBehaviour::ApplicationError);
    reply = invoke(*deployed);
    QCOMPARE(reply.status, 502L);
    record = parsed(reply.body);
    QCOMPARE(record["response"]["status"], json("application error"));
    QCOMPARE(record["response"]["result"]["error"], json("ms must be an integer between 0 and 600000"));

    test::HttpCallOptions anonymous;
    anonymous.body = "{}";
    QCOMPARE(test::httpCall(deployed->url, anonymous).status, 401L);
}

void TestOpenWhiskAdapter::loadEngineSendsBasicAuth() {
    FakeOpenWhiskServer server(kKey);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    auto deployed = platform->deploy(sleepSpec(), CancellationToken());
    QVERIFY(deployed.ok());
    load::RequestSpec request;
    request.url = deployed->url;
    request.method = "POST";
    request.body = R"({"ms":1})";
    request.headers = {{"Content-Type", "application/json"}};
    request.auth = deployed->auth;
    auto model = load::LoadModel::virtualUsers(1, std::chrono::seconds(10));
    model.maxRequests = 5;
    load::LoadOptions options;
    options.threads = 1;
    options.interval = std::chrono::milliseconds(100);
    load::LoadGenerator generator(request, model, options);
    StatusSink sink;
    auto summary = generator.run(sink, CancellationToken());
    QVERIFY(summary.ok());
    QCOMPARE(summary->requests, std::uint64_t(5));
    QCOMPARE(sink.statuses[200], 5);
    const auto invokes = server.requestsTo("POST", kActionPath);
    QCOMPARE(invokes.size(), std::size_t(6)); // the deploy check and the five
    QCOMPARE(invokes.back().authorization, basicHeader());
}

void TestOpenWhiskAdapter::deployFailsWhenTheActionCannotRun() {
    FakeOpenWhiskServer server(kKey);
    server.setInvokeBehaviour("sleep-python", OwInvokeBehaviour::DeveloperError);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    auto deployed = platform->deploy(sleepSpec(), CancellationToken());
    QVERIFY(!deployed.ok());
    QCOMPARE(deployed.error().code, ErrorCode::Platform);
    const std::string& message = deployed.error().message;
    QVERIFY2(message.find("OpenWhisk action 'sleep-python' failed its first invocation (action developer error): "
                          "The action did not initialize or run as expected.") != std::string::npos,
             message.c_str());
    QVERIFY(!server.action("sleep-python")); // we created it, so we cleaned it up
    QCOMPARE(server.requestsTo("DELETE", kActionPath).size(), std::size_t(1));
}

void TestOpenWhiskAdapter::deployAcceptsApplicationErrorsAndSlowFirstStarts() {
    FakeOpenWhiskServer server(kKey);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    // 010.sleep rejects the empty check event (no `ms`): the handler ran, so the action works.
    server.setInvokeBehaviour("sleep-python", OwInvokeBehaviour::ApplicationError);
    QVERIFY(platform->deploy(sleepSpec(), CancellationToken()).ok());

    // A first start slower than the blocking wait answers 202; deploy then reads the activation by id.
    server.setInvokeBehaviour("sleep-nodejs", OwInvokeBehaviour::Slow);
    auto deployed = platform->deploy(sleepSpec("nodejs"), CancellationToken());
    QVERIFY2(deployed.ok(), deployed.ok() ? "" : deployed.error().message.c_str());
    const auto polls = server.requests();
    const bool readById = std::any_of(polls.begin(), polls.end(), [](const test::OwRequest& request) {
        return request.method == "GET" && request.path.starts_with("/api/v1/namespaces/_/activations/abcdef01");
    });
    QVERIFY(readById);
}

void TestOpenWhiskAdapter::deployRefusesSomeoneElsesAction() {
    FakeOpenWhiskServer server(kKey);
    server.putAction("sleep-python", json{{"name", "sleep-python"},
                                          {"exec", {{"kind", "nodejs:20"}, {"code", "function main() {}"}}},
                                          {"annotations", json::array()}});
    auto platform = create(configFor(server));
    QVERIFY(platform);
    auto deployed = platform->deploy(sleepSpec(), CancellationToken());
    QVERIFY(!deployed.ok());
    QCOMPARE(deployed.error().code, ErrorCode::InvalidInput);
    QVERIFY2(deployed.error().message.find("exists and was not created by faas-workbench") != std::string::npos,
             deployed.error().message.c_str());
    QVERIFY(server.requestsTo("PUT", kActionPath).empty());
    QCOMPARE(server.action("sleep-python")->at("exec").at("kind"), json("nodejs:20"));

    // One we left behind earlier (--keep-deployed) is ours to update.
    server.putAction("sleep-python",
                     json{{"name", "sleep-python"},
                          {"version", "0.0.3"},
                          {"exec", {{"kind", "blackbox"}, {"image", "old"}}},
                          {"annotations", {{{"key", "faaswb.dev/created-by"}, {"value", "faas-workbench"}}}}});
    deployed = platform->deploy(sleepSpec(), CancellationToken());
    QVERIFY(deployed.ok());
    QCOMPARE(deployed->revision, std::string("0.0.4"));
    QVERIFY(deployed->createdByUs);
}

void TestOpenWhiskAdapter::deployIsCancellable() {
    FakeOpenWhiskServer server(kKey);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    CancellationToken cancel;
    cancel.cancel();
    auto deployed = platform->deploy(sleepSpec(), cancel);
    QVERIFY(!deployed.ok());
    QCOMPARE(deployed.error().code, ErrorCode::Cancelled);
}

void TestOpenWhiskAdapter::codeActionsWrapTheSuiteHandler_data() {
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("handlerText");
    QTest::addRow("python") << "python"
                            << "python:3"
                            << "def handler(event, context=None):";
    QTest::addRow("nodejs") << "nodejs"
                            << "nodejs:20"
                            << "exports.handler = async (event) =>";
}

void TestOpenWhiskAdapter::codeActionsWrapTheSuiteHandler() {
    QFETCH(QString, language);
    QFETCH(QString, kind);
    QFETCH(QString, handlerText);
    FakeOpenWhiskServer server(kKey);
    auto config = configFor(server);
    config.images.clear();
    auto platform = create(config);
    QVERIFY(platform);
    auto deployed = platform->deploy(sleepSpec(language.toStdString()), CancellationToken());
    QVERIFY2(deployed.ok(), deployed.ok() ? "" : deployed.error().message.c_str());
    const auto puts = server.requestsTo("PUT", "/api/v1/namespaces/_/actions/sleep-" + language.toStdString());
    QCOMPARE(puts.size(), std::size_t(1));
    const json exec = parsed(puts[0].body)["exec"];
    QCOMPARE(exec["kind"].get<std::string>(), kind.toStdString());
    QCOMPARE(exec["main"], json("main"));
    const std::string code = exec["code"].get<std::string>();
    QVERIFY(code.find(handlerText.toStdString()) != std::string::npos);
    QVERIFY(code.find(language == "python" ? "def main(args):" : "async function main(params)") != std::string::npos);

    // A registry image given as the spec's image is used as is.
    auto spec = sleepSpec(language.toStdString());
    spec.image = "ghcr.io/me/sleep:" + language.toStdString();
    QVERIFY(platform->deploy(spec, CancellationToken()).ok());
    const json second = parsed(server.requestsTo("PUT", puts[0].path).back().body)["exec"];
    QCOMPARE(second, json({{"kind", "blackbox"}, {"image", spec.image}}));
}

void TestOpenWhiskAdapter::benchmarksThatNeedAnImageSaySo() {
    FakeOpenWhiskServer server(kKey);
    auto config = configFor(server);
    config.images.clear();
    auto platform = create(config);
    QVERIFY(platform);
    auto deployed = platform->deploy(sleepSpec("cpp"), CancellationToken());
    QVERIFY(!deployed.ok());
    QCOMPARE(deployed.error().code, ErrorCode::InvalidInput);
    QVERIFY(deployed.error().message.find("benchmark 010.sleep (cpp)") != std::string::npos);
    QVERIFY(deployed.error().message.find("set `images:` on platform 'ow'") != std::string::npos);

    auto sentiment = sleepSpec();
    sentiment.name = "sentiment-python";
    sentiment.benchmark = "600.sentiment";
    sentiment.image = "local/600.sentiment:python";
    deployed = platform->deploy(sentiment, CancellationToken());
    QVERIFY(!deployed.ok());
    QCOMPARE(deployed.error().code, ErrorCode::InvalidInput);
    QVERIFY2(deployed.error().message.find("benchmark 600.sentiment (python) cannot run as a single-file OpenWhisk "
                                           "code action: its folder holds lexicon.txt") != std::string::npos,
             deployed.error().message.c_str());
    QVERIFY(server.requestsTo("PUT", "/api/v1/namespaces/_/actions/sentiment-python").empty());
}

// The python:3 runtime imports the code and calls main(args); do the same with the local interpreter.
void TestOpenWhiskAdapter::wrappedPythonHandlerRuns() {
    const QString python = QStandardPaths::findExecutable("python3");
    if (python.isEmpty())
        QSKIP("python3 is not installed");
    FakeOpenWhiskServer server(kKey);
    auto config = configFor(server);
    config.images.clear();
    auto platform = create(config);
    QVERIFY(platform && platform->deploy(sleepSpec(), CancellationToken()).ok());
    const std::string code = parsed(server.requestsTo("PUT", kActionPath)[0].body)["exec"]["code"];
    QTemporaryDir dir;
    const QString file = dir.filePath("action.py");
    std::ofstream(file.toStdString()) << code;
    QProcess process;
    process.start(python, {"-c", "import json, runpy; main = runpy.run_path('" + file +
                                     "')['main']; print(json.dumps([main({'ms': 1, '__ow_method': 'post'}), "
                                     "main({'ms': 2}), main({})]))"});
    QVERIFY(process.waitForFinished(20000));
    QCOMPARE(process.exitCode(), 0);
    const json replies = parsed(process.readAllStandardOutput().toStdString());
    QCOMPARE(replies[0]["result"], json({{"slept_ms", 1}}));
    QCOMPARE(replies[0]["cold"], json(true));
    QCOMPARE(replies[1]["cold"], json(false));
    QVERIFY(replies[0]["begin_us"].get<std::int64_t>() <= replies[0]["end_us"].get<std::int64_t>());
    QCOMPARE(replies[2], json({{"error", "ms must be an integer between 0 and 600000"}, {"status", 400}}));
}

// The nodejs runtime evaluates plain code inside a function of its own module and returns `main` from it.
void TestOpenWhiskAdapter::wrappedNodeHandlerRuns() {
    const QString node = QStandardPaths::findExecutable("node");
    if (node.isEmpty())
        QSKIP("node is not installed");
    FakeOpenWhiskServer server(kKey);
    auto config = configFor(server);
    config.images.clear();
    auto platform = create(config);
    QVERIFY(platform && platform->deploy(sleepSpec("nodejs"), CancellationToken()).ok());
    const std::string code =
        parsed(server.requestsTo("PUT", "/api/v1/namespaces/_/actions/sleep-nodejs")[0].body)["exec"]["code"];
    QTemporaryDir dir;
    const QString file = dir.filePath("action.js");
    std::ofstream(file.toStdString()) << code;
    const QString runner = "const code = require('fs').readFileSync(process.argv[1], 'utf8');"
                           "const main = eval('(function(){' + code + '\\nreturn main})()');"
                           "(async () => console.log(JSON.stringify([await main({ms: 1, __ow_method: 'post'}),"
                           " await main({ms: 2}), await main({})])))();";
    QProcess process;
    process.start(node, {"-e", runner, file});
    QVERIFY(process.waitForFinished(20000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const json replies = parsed(process.readAllStandardOutput().toStdString());
    QCOMPARE(replies[0]["result"], json({{"slept_ms", 1}}));
    QCOMPARE(replies[0]["cold"], json(true));
    QCOMPARE(replies[1]["cold"], json(false));
    QCOMPARE(replies[2], json({{"error", "ms must be an integer between 0 and 600000"}, {"status", 400}}));
}

void TestOpenWhiskAdapter::forceColdStartUpdatesTheAction() {
    FakeOpenWhiskServer server(kKey);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    auto deployed = platform->deploy(sleepSpec(), CancellationToken());
    QVERIFY(deployed.ok());
    QVERIFY(!hasAnnotation(parsed(invoke(*deployed).body), "initTime"));

    QVERIFY(platform->forceColdStart(*deployed, CancellationToken()).ok());
    auto puts = server.requestsTo("PUT", kActionPath);
    QCOMPARE(puts.size(), std::size_t(2));
    const json nonce = annotation(parsed(puts[1].body), "faaswb.dev/cold-start-nonce");
    QVERIFY(nonce.is_string());
    QCOMPARE(parsed(puts[1].body)["exec"], parsed(puts[0].body)["exec"]);
    const json cold = parsed(invoke(*deployed).body);
    QCOMPARE(annotation(cold, "initTime"), json(40));
    QVERIFY(!hasAnnotation(parsed(invoke(*deployed).body), "initTime"));

    QVERIFY(platform->forceColdStart(*deployed, CancellationToken()).ok());
    puts = server.requestsTo("PUT", kActionPath);
    QCOMPARE(puts.size(), std::size_t(3));
    QVERIFY(annotation(parsed(puts[2].body), "faaswb.dev/cold-start-nonce") != nonce);
    QVERIFY(hasAnnotation(parsed(invoke(*deployed).body), "initTime"));

    CancellationToken cancel;
    cancel.cancel();
    QCOMPARE(platform->forceColdStart(*deployed, cancel).error().code, ErrorCode::Cancelled);

    // An action kept deployed by an earlier run: its stored definition is read back and PUT with a new nonce.
    auto later = create(configFor(server));
    QVERIFY(later);
    QVERIFY(later->forceColdStart(*deployed, CancellationToken()).ok());
    puts = server.requestsTo("PUT", kActionPath);
    QCOMPARE(puts.size(), std::size_t(4));
    QCOMPARE(parsed(puts[3].body)["exec"], parsed(puts[0].body)["exec"]);
    QCOMPARE(annotation(parsed(puts[3].body), "faaswb.dev/created-by"), json("faas-workbench"));
    QVERIFY(annotation(parsed(puts[3].body), "faaswb.dev/cold-start-nonce") !=
            annotation(parsed(puts[2].body), "faaswb.dev/cold-start-nonce"));
}

void TestOpenWhiskAdapter::activationsBecomeSpans() {
    FakeOpenWhiskServer server(kKey);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    QVERIFY(platform->deploy(sleepSpec(), CancellationToken()).ok()); // one cold activation (the check)
    const std::int64_t start = nowMs() - 1000;
    test::OwActivationTimes cold{start, 50, 7, 30};
    server.addActivation(
        FakeOpenWhiskServer::activationRecord("ABCDEF0123456789ABCDEF0123456789", "sleep-python", cold, "success"));
    test::OwActivationTimes warm{start + 100, 12, 2, std::nullopt};
    server.addActivation(FakeOpenWhiskServer::activationRecord("warm-activation", "sleep-python", warm,
                                                               "application error", json{{"error", "bad"}}));
    server.addActivation(
        FakeOpenWhiskServer::activationRecord("0123456789abcdef0123456789abcdee", "someone-else", cold, "success"));
    const auto old = test::OwActivationTimes{start - 3'600'000, 5, 1, std::nullopt};
    server.addActivation(
        FakeOpenWhiskServer::activationRecord("0123456789abcdef0123456789abcdef", "sleep-python", old, "success"));

    auto spans = platform->fetchSpans(aroundNow());
    QVERIFY(spans.ok());
    QCOMPARE(spans->size(), std::size_t(6)); // check + cold + warm, two spans each; not the other action or old

    const std::string coldTrace = "abcdef0123456789abcdef0123456789";
    const trace::Span* root = findSpan(*spans, coldTrace, "ow.activation");
    const trace::Span* run = findSpan(*spans, coldTrace, "ow.run");
    QVERIFY(root && run);
    QCOMPARE(root->service, std::string("openwhisk"));
    QCOMPARE(root->kind, std::string("SERVER"));
    QVERIFY(root->parentId.empty());
    QCOMPARE(root->startUs, (start - 7) * 1000);
    QCOMPARE(root->durationUs, std::int64_t(57'000));
    QCOMPARE(root->tags.at("faaswb.cold"), std::string("1"));
    QCOMPARE(root->tags.at("ow.wait_us"), std::string("7000"));
    QCOMPARE(root->tags.at("ow.init_us"), std::string("30000"));
    QCOMPARE(root->tags.at("ow.activation_id"), std::string("ABCDEF0123456789ABCDEF0123456789"));
    QCOMPARE(root->tags.at("ow.status_code"), std::string("0"));
    QCOMPARE(run->parentId, root->spanId);
    QCOMPARE(run->kind, std::string("SERVER"));
    QCOMPARE(run->startUs, (start + 30) * 1000);
    QCOMPARE(run->durationUs, std::int64_t(20'000));
    QVERIFY(run->spanId != root->spanId && run->spanId.size() == 16 && root->spanId.size() == 16);

    const std::string warmTrace = platform::activationTraceId("warm-activation");
    QCOMPARE(warmTrace.size(), std::size_t(32));
    QVERIFY(warmTrace.find_first_not_of("0123456789abcdef") == std::string::npos);
    const trace::Span* warmRoot = findSpan(*spans, warmTrace, "ow.activation");
    QVERIFY(warmRoot);
    QCOMPARE(warmRoot->tags.at("faaswb.cold"), std::string("0"));
    QVERIFY(!warmRoot->tags.count("ow.init_us"));
    QCOMPARE(warmRoot->tags.at("ow.status_code"), std::string("1"));
    QCOMPARE(warmRoot->durationUs, std::int64_t(14'000));
    QCOMPARE(findSpan(*spans, warmTrace, "ow.run")->startUs, (start + 100) * 1000);
    QCOMPARE(findSpan(*spans, warmTrace, "ow.run")->durationUs, std::int64_t(12'000));

    const auto listings = server.requestsTo("GET", "/api/v1/namespaces/_/activations");
    QCOMPARE(listings.size(), std::size_t(1));
    QCOMPARE(listings[0].query.at("name"), std::string("sleep-python"));
    QCOMPARE(listings[0].query.at("docs"), std::string("true"));
    QCOMPARE(listings[0].query.at("limit"), std::string("200"));
    QCOMPARE(listings[0].query.at("skip"), std::string("0"));
}

void TestOpenWhiskAdapter::spansOfManyActivationsArePaged() {
    FakeOpenWhiskServer server(kKey);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    QVERIFY(platform->deploy(sleepSpec(), CancellationToken()).ok());
    const std::int64_t start = nowMs() - 5000;
    char id[33];
    for (int i = 0; i < 249; ++i) {
        std::snprintf(id, sizeof id, "%032x", 0x1000 + i);
        server.addActivation(
            FakeOpenWhiskServer::activationRecord(id, "sleep-python", {start + i, 5, 1, std::nullopt}));
    }
    auto spans = platform->fetchSpans(aroundNow());
    QVERIFY(spans.ok());
    QCOMPARE(spans->size(), std::size_t(2 * 250));
    const auto listings = server.requestsTo("GET", "/api/v1/namespaces/_/activations");
    QCOMPARE(listings.size(), std::size_t(2));
    QCOMPARE(listings[1].query.at("skip"), std::string("200"));
}

void TestOpenWhiskAdapter::unsupportedCapabilitiesSaySo() {
    FakeOpenWhiskServer server(kKey);
    auto platform = create(configFor(server));
    QVERIFY(platform);
    QVERIFY(platform->supports(platform::Capability::Deploy));
    QVERIFY(platform->supports(platform::Capability::ForceColdStart));
    QVERIFY(platform->supports(platform::Capability::Traces));
    QVERIFY(!platform->supports(platform::Capability::WatchScale));
    QVERIFY(!platform->supports(platform::Capability::PodMetrics));
    QVERIFY(!platform->supports(platform::Capability::Eventing));
    QVERIFY(platform->eventing() == nullptr);
    platform::Deployment deployment;
    deployment.name = "sleep-python";
    auto watch = platform->watchScale(deployment, [](const platform::ScaleSample&) {});
    QVERIFY(!watch.ok());
    QCOMPARE(watch.error().code, ErrorCode::Platform);
    QVERIFY(watch.error().message.starts_with("OpenWhisk does not expose pod counts"));
    auto metrics = platform->podMetrics(deployment);
    QVERIFY(!metrics.ok());
    QVERIFY(metrics.error().message.starts_with("OpenWhisk does not expose pod metrics"));
}

void TestOpenWhiskAdapter::removeDeletesOnlyOurActions() {
    FakeOpenWhiskServer server(kKey);
    server.putAction("other", json{{"name", "other"}, {"exec", {{"kind", "blackbox"}, {"image", "theirs"}}}});
    auto platform = create(configFor(server));
    QVERIFY(platform);
    auto deployed = platform->deploy(sleepSpec(), CancellationToken());
    QVERIFY(deployed.ok());
    QVERIFY(platform->remove(*deployed).ok());
    QVERIFY(!server.action("sleep-python"));
    QCOMPARE(server.requestsTo("DELETE", kActionPath).size(), std::size_t(1));

    platform::Deployment theirs;
    theirs.name = "other";
    theirs.createdByUs = false;
    QVERIFY(platform->remove(theirs).ok());
    QVERIFY(server.action("other"));
    QVERIFY(server.requestsTo("DELETE", "/api/v1/namespaces/_/actions/other").empty());

    QVERIFY(platform->remove(*deployed).ok()); // already gone: fine
    // Spans of a removed action are still fetched (the runner fetches after teardown in some orders).
    auto spans = platform->fetchSpans(aroundNow());
    QVERIFY(spans.ok());
    QCOMPARE(spans->size(), std::size_t(2));
}

QTEST_GUILESS_MAIN(TestOpenWhiskAdapter)
#include "tst_openwhisk_adapter.moc"
