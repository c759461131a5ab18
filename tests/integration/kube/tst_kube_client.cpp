#include "fake_kube_server.h"
#include "kube/client.h"
#include "kube/knative.h"
#include "kube/watch.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <mutex>
#include <thread>

using namespace faaswb;
using faaswb::test::FakeKubeServer;
using faaswb::test::WatchScript;
using nlohmann::json;

namespace {

const std::string token = "t0ken-value";
const std::string servicesPath = kube::knativeServicesPath("bench");
const std::string podsPath = "/api/v1/namespaces/bench/pods";

kube::KubeContext contextFor(const std::string& server, const std::string& bearer) {
    kube::KubeContext context;
    context.name = "test";
    context.namespaceName = "bench";
    context.cluster.server = server;
    context.user.token = bearer;
    return context;
}

kube::KubeClient clientFor(const FakeKubeServer& server, const std::string& bearer = token) {
    auto client = kube::KubeClient::fromContext(contextFor(server.url(), bearer));
    if (!client)
        qFatal("%s", client.error().message.c_str());
    return *client;
}

json service(const std::string& name, const std::string& team = "perf") {
    kube::KnativeServiceSpec spec;
    spec.name = name;
    spec.image = "local/010.sleep:python";
    spec.labels = {{"team", team}};
    return kube::knativeService(spec);
}

json pod(const std::string& name, const std::string& resourceVersion, const std::string& app = "bench") {
    return json{{"kind", "Pod"},
                {"metadata", {{"name", name}, {"resourceVersion", resourceVersion}, {"labels", {{"app", app}}}}}};
}

// Collects the watcher's callbacks (called on its thread) for the test thread to compare.
class Recorder {
public:
    void add(const std::string& entry) {
        const std::lock_guard lock(m_mutex);
        m_entries.push_back(QString::fromStdString(entry));
    }
    QString joined() const {
        const std::lock_guard lock(m_mutex);
        return m_entries.join(QLatin1Char(' '));
    }

private:
    mutable std::mutex m_mutex;
    QStringList m_entries;
};

kube::WatchCallbacks recordingCallbacks(Recorder& recorder) {
    kube::WatchCallbacks callbacks;
    callbacks.onList = [&recorder](const std::vector<json>& items) {
        std::string names;
        for (const auto& item : items)
            names += item["metadata"]["name"].get<std::string>();
        recorder.add("list:" + names);
    };
    callbacks.onEvent = [&recorder](const kube::WatchEvent& event) {
        const json name = event.object.value("/metadata/name"_json_pointer, json(event.object.value("code", 0)));
        recorder.add(std::string(kube::toString(event.type)) + ":" +
                     (name.is_string() ? name.get<std::string>() : name.dump()));
    };
    callbacks.onError = [&recorder](const Error& error) {
        recorder.add(error.message.find("500") != std::string::npos ? "error:500" : "error:" + error.message);
    };
    return callbacks;
}

QString text(const std::string& value) {
    return QString::fromStdString(value);
}

} // namespace

class TestKubeClient : public QObject {
    Q_OBJECT
private slots:
    void version() {
        FakeKubeServer server;
        server.requireToken(token);
        const auto answer = clientFor(server).version();
        QVERIFY2(answer.ok(), answer.ok() ? "" : answer.error().message.c_str());
        QCOMPARE((*answer)["gitVersion"], json("v1.29.0-fake"));
        const auto requests = server.requests();
        QCOMPARE(requests.size(), std::size_t(1));
        QCOMPARE(requests[0].authorization, "Bearer " + token);
    }
    void unauthorizedWithoutToken() {
        FakeKubeServer server;
        server.requireToken(token);
        const auto anonymous = clientFor(server, "").version();
        QVERIFY(!anonymous.ok());
        QVERIFY(anonymous.is(kube::StatusReason::Unauthorized));
        QCOMPARE(anonymous.status().httpCode, 401);
        QCOMPARE(anonymous.error().code, ErrorCode::Platform);
        QVERIFY(server.requests()[0].authorization.empty());
        const auto wrong = clientFor(server, "wrong-secret-value").version();
        QVERIFY(wrong.is(kube::StatusReason::Unauthorized));
        QVERIFY2(text(wrong.error().message).contains(QStringLiteral("401 Unauthorized")),
                 wrong.error().message.c_str());
        QVERIFY(!text(wrong.error().message).contains(QStringLiteral("wrong-secret-value")));
        QCOMPARE(server.requests().size(), std::size_t(2)); // a static token is not worth a retry
    }
    void createGetListDelete() {
        FakeKubeServer server;
        server.requireToken(token);
        server.addCollection(servicesPath);
        const auto client = clientFor(server);
        const auto created = client.create(servicesPath, service("hello"));
        QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());
        QCOMPARE((*created)["metadata"]["generation"], json(1));
        const auto again = client.create(servicesPath, service("hello"));
        QVERIFY(again.is(kube::StatusReason::AlreadyExists));
        QCOMPARE(again.status().httpCode, 409);
        QVERIFY2(text(again.error().message)
                     .contains(QStringLiteral("409 AlreadyExists: services \"hello\" already exists")),
                 again.error().message.c_str());
        QVERIFY(client.create(servicesPath, service("other", "web")).ok());
        const auto fetched = client.get(kube::knativeServicesPath("bench", "hello"));
        QVERIFY(fetched.ok());
        QCOMPARE((*fetched)["spec"], service("hello")["spec"]);
        const auto missing = client.get(kube::knativeServicesPath("bench", "nope"));
        QVERIFY(missing.is(kube::StatusReason::NotFound));
        QCOMPARE(missing.status().message, std::string("services \"nope\" not found"));
        const auto listed = client.list(servicesPath, kube::ListOptions{"team=web", {}, {}, 0, {}});
        QVERIFY(listed.ok());
        QCOMPARE((*listed)["items"].size(), std::size_t(1));
        QCOMPARE((*listed)["items"][0]["metadata"]["name"], json("other"));
        QCOMPARE(server.requestsTo(servicesPath).back().query.at("labelSelector"), std::string("team=web"));
        QVERIFY(server.requestsTo(servicesPath).back().target.find("team%3Dweb") != std::string::npos);
        QVERIFY(
            client.remove(kube::knativeServicesPath("bench", "hello"), json{{"propagationPolicy", "Foreground"}}).ok());
        QVERIFY(client.remove(kube::knativeServicesPath("bench", "hello")).is(kube::StatusReason::NotFound));
        for (const auto& request : server.requests())
            QCOMPARE(request.authorization, "Bearer " + token);
    }
    void patchesAndPut() {
        FakeKubeServer server;
        server.addCollection(servicesPath);
        const auto client = clientFor(server);
        const std::string path = kube::knativeServicesPath("bench", "hello");
        QVERIFY(client.create(servicesPath, service("hello")).ok());
        const auto merged = client.patch(path, json{{"metadata", {{"annotations", {{"a", "1"}}}}}});
        QVERIFY2(merged.ok(), merged.ok() ? "" : merged.error().message.c_str());
        QCOMPARE((*merged)["metadata"]["annotations"]["a"], json("1"));
        QCOMPARE(server.requests().back().contentType, std::string("application/merge-patch+json"));
        const auto jsonPatched =
            client.patch(path, json::array({{{"op", "replace"}, {"path", "/metadata/annotations/a"}, {"value", "2"}}}),
                         kube::PatchOptions{kube::PatchType::Json, {}, false});
        QVERIFY(jsonPatched.ok());
        QCOMPARE((*jsonPatched)["metadata"]["annotations"]["a"], json("2"));
        QCOMPARE(server.requests().back().contentType, std::string("application/json-patch+json"));
        const auto unmanaged =
            client.patch(path, service("hello"), kube::PatchOptions{kube::PatchType::Apply, {}, true});
        QCOMPARE(unmanaged.error().code, ErrorCode::InvalidInput);
        const auto applied = client.patch(kube::knativeServicesPath("bench", "applied"), service("applied"),
                                          kube::PatchOptions{kube::PatchType::Apply, "faas-workbench", true});
        QVERIFY2(applied.ok(), applied.ok() ? "" : applied.error().message.c_str());
        const auto request = server.requests().back();
        QCOMPARE(request.contentType, std::string("application/apply-patch+yaml"));
        QCOMPARE(request.query.at("fieldManager"), std::string("faas-workbench"));
        QCOMPARE(request.query.at("force"), std::string("true"));
        json current = *client.get(path);
        json stale = current;
        stale["metadata"]["resourceVersion"] = "1";
        const auto conflict = client.put(path, stale);
        QVERIFY(conflict.is(kube::StatusReason::Conflict));
        QCOMPARE(conflict.status().httpCode, 409);
        current["spec"]["template"]["spec"]["containerConcurrency"] = 3;
        const auto replaced = client.put(path, current);
        QVERIFY2(replaced.ok(), replaced.ok() ? "" : replaced.error().message.c_str());
        QCOMPARE((*replaced)["spec"]["template"]["spec"]["containerConcurrency"], json(3));
    }
    void execCredentialRefreshedOnce401() {
        QTemporaryDir dir;
        const QString plugin = dir.filePath(QStringLiteral("get-token"));
        QFile script(plugin);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("#!/bin/sh\nn=$(( $(cat \"$0.count\" 2>/dev/null || echo 0) + 1 ))\necho $n > \"$0.count\"\n"
                     "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
                     "\"status\":{\"token\":\"tok-%s\"}}' $n\n");
        script.close();
        script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        FakeKubeServer server;
        server.requireToken("tok-2"); // the first credential is "stale": the server wants the second
        QFile config(dir.filePath(QStringLiteral("config")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral("current-context: c\nclusters: [{name: k, cluster: {server: '%1'}}]\n"
                                    "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, "
                                    "command: ./get-token}}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n")
                         .arg(text(server.url()))
                         .toUtf8());
        config.close();
        const auto client = kube::KubeClient::fromKubeconfig(config.fileName().toStdString());
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().message.c_str());
        const auto answer = client->version();
        QVERIFY2(answer.ok(), answer.ok() ? "" : answer.error().message.c_str());
        const auto requests = server.requests();
        QCOMPARE(requests.size(), std::size_t(2));
        QCOMPARE(requests[0].authorization, std::string("Bearer tok-1"));
        QCOMPARE(requests[1].authorization, std::string("Bearer tok-2"));
        QVERIFY(client->version().ok()); // cached: no third run
        QCOMPARE(server.requests().size(), std::size_t(3));
        server.requireToken("tok-9");
        QVERIFY(client->version().is(kube::StatusReason::Unauthorized)); // one retry (tok-3), then the 401 stands
        QCOMPARE(server.requests().size(), std::size_t(5));
    }
    void proxyUrl() {
        FakeKubeServer proxy;
        auto context = contextFor("http://kube.invalid:6443", token);
        context.cluster.proxyUrl = proxy.url();
        const auto client = kube::KubeClient::fromContext(context);
        QVERIFY(client.ok());
        QVERIFY(client->version().ok());
        QVERIFY(proxy.requests().at(0).proxied);
    }
    void tlsVerifiedByDefault() {
        QVERIFY(!kube::ClusterConfig{}.insecureSkipTlsVerify);
        const auto config =
            kube::Kubeconfig::parse("current-context: c\nclusters: [{name: k, cluster: {server: 'https://k'}}]\n"
                                    "contexts: [{name: c, context: {cluster: k}}]\n",
                                    "/tmp/config");
        QVERIFY(config.ok());
        QVERIFY(!config->context()->cluster.insecureSkipTlsVerify);
        QVERIFY(!kube::KubeClient::fromContext(contextFor("ftp://k", {})).ok());
    }
    // tls-server-name replaces the URL's host (so curl sends it as SNI and verifies against it) while CONNECT_TO
    // still dials the real server: against our plain-HTTP server the TLS handshake fails, but the name is never
    // looked up (.invalid does not resolve).
    void tlsServerNameDialsRealServer() {
        FakeKubeServer server;
        auto context = contextFor("https://127.0.0.1:" + std::to_string(server.port()), token);
        context.cluster.tlsServerName = "kube.invalid";
        const auto client = kube::KubeClient::fromContext(context);
        QVERIFY(client.ok());
        const auto answer = client->version(kube::CallOptions{std::chrono::seconds(5), nullptr});
        QVERIFY(!answer.ok());
        QCOMPARE(answer.status().httpCode, 0);
        QVERIFY2(!text(answer.error().message).contains(QStringLiteral("resolve")), answer.error().message.c_str());
        QVERIFY2(text(answer.error().message).contains(text("https://127.0.0.1:" + std::to_string(server.port()))),
                 answer.error().message.c_str());
        QVERIFY(!text(answer.error().message).contains(text(token)));
    }
    void connectionRefused() {
        int port = 0;
        {
            FakeKubeServer closed;
            port = closed.port();
        }
        const auto client =
            kube::KubeClient::fromContext(contextFor("http://127.0.0.1:" + std::to_string(port), token));
        const auto answer = client->version();
        QVERIFY(!answer.ok());
        QCOMPARE(answer.status().httpCode, 0);
        QCOMPARE(answer.error().code, ErrorCode::Platform);
        QVERIFY(!text(answer.error().message).contains(text(token)));
    }
    void cancelBlockedStream() {
        FakeKubeServer server;
        server.addCollection(podsPath);
        const auto client = clientFor(server);
        CancellationToken cancel;
        std::thread canceller([&cancel] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            cancel.cancel();
        });
        QElapsedTimer timer;
        timer.start();
        const auto result = client.stream(
            podsPath + "?watch=1", [](std::string_view) { return true; },
            kube::CallOptions{std::chrono::seconds(10), &cancel});
        canceller.join();
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Cancelled);
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    }
    // LIST, events split over chunks, BOOKMARK, stream end -> resume from the bookmark; HTTP 410 -> re-list;
    // ERROR 410 in the stream -> re-list; HTTP 500 -> onError and retry without re-listing; other ERROR -> onEvent.
    void watcherSequence() {
        FakeKubeServer server;
        server.addCollection(podsPath);
        server.putObject(podsPath, pod("a", ""));
        server.putObject(podsPath, pod("b", ""));
        server.putObject(podsPath, pod("x", "", "other"));
        const std::string addedC = FakeKubeServer::eventLine("ADDED", pod("c", "200"));
        server.scriptWatches(
            podsPath,
            {WatchScript{200,
                         {addedC.substr(0, 17),
                          addedC.substr(17) + FakeKubeServer::eventLine("MODIFIED", pod("a", "201")),
                          FakeKubeServer::eventLine("BOOKMARK",
                                                    json{{"kind", "Pod"}, {"metadata", {{"resourceVersion", "250"}}}})},
                         false},
             WatchScript{410, {}, false},
             WatchScript{200,
                         {FakeKubeServer::eventLine("DELETED", pod("b", "300")),
                          FakeKubeServer::eventLine("ERROR", FakeKubeServer::status(410, "Gone", "too old"))},
                         true},
             WatchScript{500, {}, false},
             WatchScript{200,
                         {FakeKubeServer::eventLine("ERROR", FakeKubeServer::status(500, "InternalError", "etcd"))},
                         true}});
        Recorder recorder;
        kube::WatchOptions options;
        options.path = podsPath;
        options.labelSelector = "app=bench";
        options.timeoutSeconds = 60;
        options.retryDelay = std::chrono::milliseconds(20);
        auto watcher = std::make_unique<kube::Watcher>(clientFor(server), options, recordingCallbacks(recorder));
        QTRY_COMPARE_WITH_TIMEOUT(recorder.joined(),
                                  QStringLiteral("list:ab ADDED:c MODIFIED:a list:ab DELETED:b list:ab error:500 "
                                                 "ERROR:500"),
                                  5000);
        const auto watches = server.requestsTo(podsPath);
        std::vector<std::string> resumedFrom;
        for (const auto& request : watches) {
            if (!request.query.count("watch"))
                continue;
            resumedFrom.push_back(request.query.at("resourceVersion"));
            QCOMPARE(request.query.at("allowWatchBookmarks"), std::string("true"));
            QCOMPARE(request.query.at("labelSelector"), std::string("app=bench"));
            QCOMPARE(request.query.at("timeoutSeconds"), std::string("60"));
        }
        // The list's version, the bookmark's, then the re-lists' after each 410, and the retry after the 500
        // resumes from where the previous watch stood.
        QCOMPARE(resumedFrom, (std::vector<std::string>{"103", "250", "103", "103", "103"}));
        QCOMPARE(watcher->resourceVersion(), std::string("103"));
        QElapsedTimer timer;
        timer.start();
        watcher.reset();
        QVERIFY2(timer.elapsed() < 500, qPrintable(QString::number(timer.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestKubeClient)
#include "tst_kube_client.moc"
