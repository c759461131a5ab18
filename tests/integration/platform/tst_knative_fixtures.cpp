// The `knative` adapter against FakeKubeServer replaying recorded Kubernetes/Knative answers: a Service not ready then
// Ready at the observed generation, failed with a reason, stale status; pod watches split across chunks with
// BOOKMARK and ERROR 410; 401 with an exec plugin; 403/404/409/422/500; no metrics-server; ownership on removal.
#include "fake_kube_server.h"
#include "platform/knative_platform.h"
#include "scale_sample_log.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <mutex>

using namespace faaswb;
using namespace faaswb::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kServices = "/apis/serving.knative.dev/v1/namespaces/bench/services";
const std::string kPods = "/api/v1/namespaces/bench/pods";
const std::string kAutoscalers = "/apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/bench/podautoscalers";

json service(const std::string& name, int generation, int observed, const std::string& ready,
             const std::string& reason = {}, const std::string& message = {}) {
    return {{"apiVersion", "serving.knative.dev/v1"},
            {"kind", "Service"},
            {"metadata",
             {{"name", name},
              {"namespace", "bench"},
              {"generation", generation},
              {"labels", {{"faaswb.dev/created-by", "faas-workbench"}}}}},
            {"status",
             {{"observedGeneration", observed},
              {"conditions",
               json::array({{{"type", "Ready"}, {"status", ready}, {"reason", reason}, {"message", message}}})},
              {"url", "http://" + name + ".bench.example.com"},
              {"address", {{"url", "http://" + name + ".bench.svc.cluster.local"}}},
              {"latestReadyRevisionName", name + "-00001"}}}};
}

json pod(const std::string& name, const std::string& revision, const std::string& phase, bool ready) {
    return {
        {"metadata", {{"name", name}, {"labels", {{"serving.knative.dev/revision", revision}}}}},
        {"status",
         {{"phase", phase}, {"conditions", json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}}}};
}

json podList(const std::string& resourceVersion, const json& items) {
    return {{"kind", "PodList"},
            {"apiVersion", "v1"},
            {"metadata", {{"resourceVersion", resourceVersion}}},
            {"items", items}};
}

platform::FunctionSpec spec(const std::string& name) {
    platform::FunctionSpec out;
    out.name = name;
    out.benchmark = "010.sleep";
    out.language = "cpp";
    out.image = "local/010.sleep:cpp";
    return out;
}

QString text(const Error& error) {
    return QString::fromStdString(error.message);
}

} // namespace

class TestKnativeFixtures : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<FakeKubeServer> m_server;

    std::string writeFile(const QString& name, const std::string& content) {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(content.data(), static_cast<qint64>(content.size()));
        return file.fileName().toStdString();
    }

    std::string kubeconfig(const std::string& user = "{token: secret-token}", const std::string& cluster = {}) {
        return writeFile(QStringLiteral("kubeconfig"),
                         "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: fake\n  cluster:\n"
                         "    server: " +
                             m_server->url() + "\n" + cluster + "users:\n- name: me\n  user: " + user +
                             "\ncontexts:\n- name: fake\n  context: {cluster: fake, user: me, namespace: bench}\n");
    }

    model::PlatformConfig config() {
        model::PlatformConfig out;
        out.name = "fixture";
        out.type = model::PlatformType::Knative;
        out.kubeconfig = kubeconfig();
        out.namespaceName.clear(); // as the reader leaves it without `namespace:`: the context's namespace applies
        out.images = "registry.example/{benchmark}:{language}";
        out.deployTimeout = 3s;
        return out;
    }

    std::unique_ptr<platform::Platform> create(const model::PlatformConfig& platformConfig) {
        auto created = platform::createKnativePlatform(platformConfig);
        if (!created.ok())
            qWarning("createKnativePlatform: %s", created.error().message.c_str());
        return created.ok() ? std::move(created).value() : nullptr;
    }

private slots:
    void init() {
        QVERIFY(m_dir.isValid());
        m_server = std::make_unique<FakeKubeServer>();
        m_server->addCollection(kServices);
        m_server->addCollection(kPods);
        m_server->addCollection(kAutoscalers);
    }

    void cleanup() { m_server.reset(); }

    void deployWaitsForReadyAtObservedGeneration() {
        m_server->scriptResponses("GET", kServices + "/sleep-cpp",
                                  {{200, service("sleep-cpp", 1, 1, "Unknown", "RevisionMissing", "starting")},
                                   {200, service("sleep-cpp", 1, 1, "True")}});
        auto cfg = config();
        cfg.ingress = "http://127.0.0.1:9";
        cfg.coldStartWindow = 10s;
        auto knative = create(cfg);
        QVERIFY(knative);
        auto function = spec("sleep-cpp");
        function.containerConcurrency = 1;
        function.memory = "256Mi";
        CancellationToken cancel;
        auto deployed = knative->deploy(function, cancel);
        QVERIFY2(deployed.ok(), deployed.ok() ? "" : deployed.error().message.c_str());
        QCOMPARE(deployed->url, std::string("http://127.0.0.1:9/"));
        QCOMPARE(deployed->headers.size(), std::size_t(1));
        QCOMPARE(deployed->headers[0].second, std::string("sleep-cpp.bench.example.com"));
        QCOMPARE(deployed->revision, std::string("sleep-cpp-00001"));
        QVERIFY(deployed->createdByUs);
        QVERIFY(m_server->requestsTo(kServices + "/sleep-cpp").size() >= 2);

        const auto posts = m_server->requestsTo(kServices);
        QCOMPARE(posts.size(), std::size_t(1));
        const json body = json::parse(posts[0].body);
        QCOMPARE(body["metadata"]["labels"]["faaswb.dev/created-by"].get<std::string>(), std::string("faas-workbench"));
        const json& revision = body["spec"]["template"];
        QCOMPARE(revision["metadata"]["annotations"]["autoscaling.knative.dev/window"].get<std::string>(),
                 std::string("10s"));
        QCOMPARE(revision["spec"]["containerConcurrency"].get<int>(), 1);
        QCOMPARE(revision["spec"]["containers"][0]["image"].get<std::string>(),
                 std::string("registry.example/010.sleep:cpp"));
        QCOMPARE(revision["spec"]["containers"][0]["resources"]["limits"]["memory"].get<std::string>(),
                 std::string("256Mi"));

        // Deploying again: 409 AlreadyExists on create, then a merge patch of the existing Service.
        auto again = knative->deploy(function, cancel);
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        bool patched = false;
        for (const auto& request : m_server->requestsTo(kServices + "/sleep-cpp"))
            patched |= request.method == "PATCH" && request.contentType == "application/merge-patch+json";
        QVERIFY(patched);
    }

    void deployReportsFailedCondition() {
        m_server->scriptResponses("GET", kServices + "/broken",
                                  {{200, service("broken", 1, 1, "False", "RevisionFailed",
                                                 "Revision \"broken-00001\" failed: Back-off pulling image")}});
        auto knative = create(config());
        QVERIFY(knative);
        CancellationToken cancel;
        auto deployed = knative->deploy(spec("broken"), cancel);
        QVERIFY(!deployed.ok());
        QCOMPARE(deployed.error().code, ErrorCode::Platform);
        QVERIFY2(text(deployed.error()).contains(QStringLiteral("bench/broken")), deployed.error().message.c_str());
        QVERIFY(text(deployed.error()).contains(QStringLiteral("RevisionFailed")));
        QVERIFY(text(deployed.error()).contains(QStringLiteral("Back-off pulling image")));
    }

    void staleStatusIsNotReady() {
        // Ready=True, but for generation 1 while the spec is at generation 2: not ready, and not failed either.
        m_server->scriptResponses("GET", kServices + "/stale", {{200, service("stale", 2, 1, "True")}});
        auto cfg = config();
        cfg.deployTimeout = 1s;
        auto knative = create(cfg);
        QVERIFY(knative);
        CancellationToken cancel;
        auto deployed = knative->deploy(spec("stale"), cancel);
        QVERIFY(!deployed.ok());
        QVERIFY2(text(deployed.error()).contains(QStringLiteral("was not ready within 1 s")),
                 deployed.error().message.c_str());
        QVERIFY(text(deployed.error()).contains(QStringLiteral("older generation")));
        QVERIFY(text(deployed.error()).contains(QStringLiteral("deployTimeout")));
    }

    void apiErrorsNameTheObject_data() {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("hint");
        QTest::addRow("403") << 403 << "Forbidden"
                             << "RBAC";
        QTest::addRow("404") << 404 << "NotFound"
                             << "Knative Serving installed";
        QTest::addRow("409") << 409 << "Conflict"
                             << "retry";
        QTest::addRow("422") << 422 << "Invalid"
                             << "rejected the manifest";
        QTest::addRow("500") << 500 << "InternalError"
                             << "cluster's health";
    }

    void apiErrorsNameTheObject() {
        QFETCH(int, code);
        QFETCH(QString, reason);
        QFETCH(QString, hint);
        m_server->scriptResponses("POST", kServices,
                                  {{code, FakeKubeServer::status(code, reason.toStdString(), "scripted answer")}});
        auto knative = create(config());
        QVERIFY(knative);
        CancellationToken cancel;
        auto deployed = knative->deploy(spec("err-svc"), cancel);
        QVERIFY(!deployed.ok());
        const QString message = text(deployed.error());
        QVERIFY2(message.contains(QStringLiteral("cannot deploy Knative Service bench/err-svc")), qPrintable(message));
        QVERIFY2(message.contains(QString::number(code) + QLatin1Char(' ') + reason), qPrintable(message));
        QVERIFY(message.contains(QStringLiteral("scripted answer")));
        QVERIFY2(message.contains(hint), qPrintable(message));
    }

    void localImagesNeedAnImagesTemplate() {
        auto cfg = config();
        cfg.images.clear();
        auto knative = create(cfg);
        QVERIFY(knative);
        CancellationToken cancel;
        auto deployed = knative->deploy(spec("sleep-cpp"), cancel);
        QVERIFY(!deployed.ok());
        QCOMPARE(deployed.error().code, ErrorCode::InvalidInput);
        QVERIFY2(text(deployed.error()).contains(QStringLiteral("set `images:`")), deployed.error().message.c_str());
        QVERIFY(m_server->requestsTo(kServices).empty());
    }

    void podsWatchSurvivesChunksBookmarksAndGone() {
        const std::string revision = "hello-00001";
        m_server->putObject(
            kAutoscalers, {{"metadata", {{"name", revision}}}, {"status", {{"desiredScale", 3}, {"actualScale", 2}}}});
        json pod2 = pod("p2", revision, "Pending", false);
        pod2["metadata"]["resourceVersion"] = "201";
        json pod2Ready = pod("p2", revision, "Running", true);
        pod2Ready["metadata"]["resourceVersion"] = "202";
        const std::string added = FakeKubeServer::eventLine("ADDED", pod2);
        m_server->scriptResponses("GET", kPods,
                                  {{200, podList("200", json::array({pod("p1", revision, "Running", true)}))},
                                   {200, podList("300", json::array({pod("p1", revision, "Running", true),
                                                                     pod("p2", revision, "Running", true),
                                                                     pod("p3", revision, "Pending", false)}))}});
        m_server->scriptWatches(
            kPods,
            {WatchScript{200,
                         {added.substr(0, 17), added.substr(17),
                          FakeKubeServer::eventLine("MODIFIED", pod2Ready) +
                              FakeKubeServer::eventLine("BOOKMARK", {{"metadata", {{"resourceVersion", "250"}}}})},
                         false},
             WatchScript{
                 200, {FakeKubeServer::eventLine("ERROR", FakeKubeServer::status(410, "Expired", "too old"))}, false}});
        auto knative = create(config());
        QVERIFY(knative);
        platform::Deployment deployment;
        deployment.name = "hello";
        deployment.revision = revision;
        ScaleSampleLog log;
        auto watch = knative->watchScale(deployment, [&](const platform::ScaleSample& s) { log.add(s); });
        QVERIFY(watch.ok());
        QTRY_VERIFY_WITH_TIMEOUT(log.any([](const platform::ScaleSample& s) {
            return s.ready == 2 && s.pending == 1 && s.terminating == 0 && s.desired == 3 && s.actual == 2;
        }),
                                 10000);
        std::vector<std::string> resumedFrom;
        for (const auto& request : m_server->requestsTo(kPods))
            if (request.query.count("watch"))
                resumedFrom.push_back(request.query.at("resourceVersion"));
        QVERIFY(resumedFrom.size() >= 3);
        QCOMPARE(resumedFrom[0], std::string("200")); // from the first LIST
        QCOMPARE(resumedFrom[1], std::string("250")); // from the BOOKMARK
        QCOMPARE(resumedFrom[2], std::string("300")); // from the LIST after 410
        QVERIFY(!log.any([](const platform::ScaleSample& s) { return s.panic.has_value(); })); // not in this PA
    }

    void execPluginRerunsOnce401() {
        const std::string plugin = writeFile(QStringLiteral("get-token"), R"(#!/bin/sh
dir=$(dirname "$0")
n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$dir/count"
token=fresh
[ "$n" = 1 ] && token=stale
api='"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential"'
printf '{%s,"status":{"token":"%s"}}\n' "$api" "$token"
)");
        QVERIFY(QFile::setPermissions(QString::fromStdString(plugin), QFile::ReadOwner | QFile::ExeOwner));
        m_server->requireToken("fresh");
        auto cfg = config();
        cfg.kubeconfig =
            kubeconfig("\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: " + plugin +
                       ", interactiveMode: Never}");
        auto knative = create(cfg);
        QVERIFY(knative);
        QFile count(m_dir.filePath(QStringLiteral("count")));
        QVERIFY(count.open(QIODevice::ReadOnly));
        QCOMPARE(count.readAll().trimmed(), QByteArray("2"));
        QCOMPARE(m_server->requests().front().authorization, std::string("Bearer stale"));
        QCOMPARE(m_server->requests().back().authorization, std::string("Bearer fresh"));
    }

    void podMetricsUnsupportedWithoutMetricsServer() {
        auto knative = create(config());
        QVERIFY(knative);
        QVERIFY(!knative->supports(platform::Capability::PodMetrics));
        platform::Deployment deployment;
        deployment.name = "hello";
        deployment.revision = "hello-00001";
        auto metrics = knative->podMetrics(deployment);
        QVERIFY(!metrics.ok());
        QVERIFY2(text(metrics.error()).contains(QStringLiteral("metrics-server not installed on context fake")),
                 metrics.error().message.c_str());
    }

    void describesClusterAndTls() {
        auto knative = create(config());
        QVERIFY(knative);
        auto info = knative->describe();
        QCOMPARE(info.kind, std::string("knative"));
        QCOMPARE(info.version, std::string("v1.29.0-fake"));
        QCOMPARE(info.details["namespace"].get<std::string>(), std::string("bench"));
        QCOMPARE(info.details["tlsVerify"].get<bool>(), true);
        QVERIFY(info.details["cluster"].is_object());
        QVERIFY(info.details["traces"].is_null());
        QVERIFY(!knative->supports(platform::Capability::Traces));
        QVERIFY(info.details.dump().find("secret-token") == std::string::npos);

        auto cfg = config();
        cfg.insecureSkipTlsVerify = true;
        info = create(cfg)->describe();
        QCOMPARE(info.details["tlsVerify"].get<bool>(), false);
        QCOMPARE(info.details["tlsSkipVerifyBy"].get<std::string>(), std::string("platform config"));
        cfg = config();
        cfg.kubeconfig = kubeconfig("{token: secret-token}", "    insecure-skip-tls-verify: true\n");
        info = create(cfg)->describe();
        QCOMPARE(info.details["tlsSkipVerifyBy"].get<std::string>(), std::string("kubeconfig"));
    }

    void kubeconfigErrorsNameFileAndContext() {
        auto cfg = config();
        cfg.context = "staging";
        auto created = platform::createKnativePlatform(cfg);
        QVERIFY(!created.ok());
        QCOMPARE(created.error().code, ErrorCode::InvalidInput);
        QVERIFY2(text(created.error()).contains(QString::fromStdString(cfg.kubeconfig)),
                 created.error().message.c_str());
        QVERIFY(text(created.error()).contains(QStringLiteral("'staging'")));
        QVERIFY(text(created.error()).contains(QStringLiteral("platform 'fixture'")));

        cfg = config();
        cfg.kubeconfig = m_dir.filePath(QStringLiteral("absent")).toStdString();
        created = platform::createKnativePlatform(cfg);
        QVERIFY(!created.ok());
        QVERIFY2(text(created.error()).contains(QString::fromStdString(cfg.kubeconfig)),
                 created.error().message.c_str());
    }

    // Without `ingress:`, a Service whose URL uses Knative's placeholder domain cannot be reached from here: the deploy
    // says so instead of a run of DNS errors.
    void placeholderDomainNeedsIngress() {
        m_server->scriptResponses("GET", kServices + "/sleep-cpp", {{200, service("sleep-cpp", 1, 1, "True")}});
        auto knative = create(config());
        QVERIFY(knative);
        CancellationToken cancel;
        auto deployed = knative->deploy(spec("sleep-cpp"), cancel);
        QVERIFY(!deployed.ok());
        const QString message = text(deployed.error());
        QVERIFY2(message.contains(QStringLiteral("http://sleep-cpp.bench.example.com")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("set `ingress:` on platform 'fixture'")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("Host: sleep-cpp.bench.example.com")), qPrintable(message));
    }

    void removesOnlyWhatItCreated() {
        json theirs = service("theirs", 1, 1, "True");
        theirs["metadata"].erase("labels");
        m_server->putObject(kServices, theirs);
        m_server->putObject(kServices, service("ours", 1, 1, "True"));
        auto knative = create(config());
        QVERIFY(knative);
        platform::Deployment deployment;
        deployment.name = "theirs";
        QVERIFY(knative->remove(deployment).ok());
        QVERIFY(m_server->requestsTo(kServices + "/theirs").back().method == "GET");
        deployment.name = "ours";
        QVERIFY(knative->remove(deployment).ok());
        QCOMPARE(m_server->requestsTo(kServices + "/ours").back().method, std::string("DELETE"));
        deployment.name = "gone";
        QVERIFY(knative->remove(deployment).ok());
    }

    void coldStartTimeoutSaysWhatIsLeft() {
        m_server->putObject(kPods, pod("p1", "hello-00001", "Running", true));
        auto cfg = config();
        cfg.coldStartTimeout = 300ms;
        auto knative = create(cfg);
        QVERIFY(knative);
        platform::Deployment deployment;
        deployment.name = "hello";
        deployment.revision = "hello-00001";
        CancellationToken cancel;
        const Status cold = knative->forceColdStart(deployment, cancel);
        QVERIFY(!cold.ok());
        QVERIFY2(text(cold.error()).contains(QStringLiteral("1 pod(s) still there")), cold.error().message.c_str());
        QVERIFY(text(cold.error()).contains(QStringLiteral("coldStartWindow")));
        cancel.cancel();
        QCOMPARE(knative->forceColdStart(deployment, cancel).error().code, ErrorCode::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestKnativeFixtures)
#include "tst_knative_fixtures.moc"
