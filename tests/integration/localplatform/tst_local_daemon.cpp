// The local platform end to end: the daemon in this process on ephemeral ports, driven through its
// Kubernetes-shaped API with the same KubeClient the adapters use, requests through the ingress gateway, load from
// the `faas-workbench load` command, and checks on the real instance processes.
#include "http_call.h"
#include "kube/client.h"
#include "kube/knative.h"
#include "kube_waits.h"
#include "localplatform/daemon.h"
#include "testutils.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <set>
#include <sstream>

using namespace faaswb;
using namespace faaswb::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

HttpReply call(const std::string& url, const std::string& body = {}, const std::string& token = {}) {
    return test::httpCall(url, HttpCallOptions{body, token, {}});
}

json serviceManifest(const std::string& name, const std::string& image, std::map<std::string, std::string> annotations,
                     int containerConcurrency = 0) {
    kube::KnativeServiceSpec spec;
    spec.name = name;
    spec.image = image;
    spec.containerConcurrency = containerConcurrency;
    spec.annotations = std::move(annotations);
    return kube::knativeService(spec);
}

} // namespace

class TestLocalDaemon : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_stateDir;
    std::unique_ptr<localplatform::LocalPlatformDaemon> m_daemon;
    std::optional<kube::KubeClient> m_client;

    const localplatform::DaemonState& state() const { return m_daemon->state(); }

    json waitForPods(const std::string& selector, const std::function<bool(const json&)>& predicate,
                     std::chrono::seconds timeout) {
        return test::waitForPods(*m_client, selector, predicate, timeout);
    }

    json deployAndWait(const json& manifest) { return deployServiceAndWait(*m_client, manifest); }

    // 200 responses the gateway counted for the revision, from /metrics.
    double servedRequests(const std::string& revision) {
        const HttpReply metrics = call(state().apiUrl + "/metrics", {}, state().token);
        return prometheusSum(metrics.body, "revision_request_count",
                             {"revision_name=\"" + revision + "\"", "response_code=\"200\""});
    }

private slots:
    void initTestCase() {
        QVERIFY(m_stateDir.isValid());
        localplatform::DaemonOptions options;
        options.stateDir = m_stateDir.path().toStdString() + "/state";
        options.binDir = binaryPath("faaswb-function-host").toStdString();
        options.binDir = options.binDir.substr(0, options.binDir.rfind('/'));
        options.benchmarksRoot = sourcePath("benchmarks").toStdString();
        auto defaults =
            localplatform::autoscalerDefaultsFromMap({{"stable-window", "6s"}, {"scale-to-zero-grace-period", "1s"}});
        QVERIFY(defaults.ok());
        options.autoscaler = *defaults;
        options.supervisor.terminationGrace = 2000ms;
        auto daemon = localplatform::LocalPlatformDaemon::start(std::move(options));
        QVERIFY2(daemon.ok(), daemon.ok() ? "" : daemon.error().message.c_str());
        m_daemon = std::move(*daemon);
        auto client = kube::KubeClient::fromKubeconfig(state().kubeconfigPath);
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().message.c_str());
        m_client = std::move(*client);
    }

    void stateFilesArePrivate() {
        for (const char* file : {"/state.json", "/kubeconfig"}) {
            const QFileInfo info(QString::fromStdString(state().stateDir + file));
            QVERIFY2(info.exists(), file);
            QCOMPARE(info.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                     QFile::Permissions{});
        }
        auto read = localplatform::readDaemonState(state().stateDir);
        QVERIFY(read.ok());
        QCOMPARE(read->apiPort, state().apiPort);
    }

    void tokenIsRequired() {
        QCOMPARE(call(state().apiUrl + "/api/v1/namespaces/default/pods").status, 401L);
        QCOMPARE(call(state().apiUrl + "/api/v1/namespaces/default/pods", {}, "wrong").status, 401L);
        QCOMPARE(call(state().apiUrl + "/api/v1/namespaces/default/pods", {}, state().token).status, 200L);
    }

    void badManifestIsRejectedNamingTheField() {
        auto created =
            m_client->create(kube::knativeServicesPath("default"), serviceManifest("typo", "local/010.slep:cpp", {}));
        QVERIFY(!created.ok());
        QCOMPARE(created.status().httpCode, 422);
        QVERIFY2(created.status().message.find("spec.template.spec.containers[0].image") != std::string::npos,
                 created.status().message.c_str());
        QVERIFY2(created.status().message.find("010.sleep") != std::string::npos, created.status().message.c_str());
    }

    void deployReadyRequest() {
        // min-scale 1 keeps one instance through the idle periods of the later tests.
        const json service =
            deployAndWait(serviceManifest("noop", "local/000.noop:cpp", {{"autoscaling.knative.dev/min-scale", "1"}}));
        QVERIFY(!service.is_null());
        const std::string url = service["status"]["address"]["url"];
        QCOMPARE(service["status"]["latestReadyRevisionName"].get<std::string>(), std::string("noop-00001"));
        const HttpReply reply = call(url, R"({"hello":"world"})");
        QCOMPARE(reply.status, 200L);
        QVERIFY(reply.headers.contains("x-faaswb-instance"));
        QVERIFY2(reply.headers.at("x-faaswb-instance").starts_with("noop-00001-deployment-"),
                 reply.headers.at("x-faaswb-instance").c_str());
        // Host routing reaches the same service.
        const json pods = waitForPods(
            "serving.knative.dev/service=noop", [](const json& p) { return kube::podCounts(p).ready == 1; }, 5s);
        QVERIFY(!pods.is_null());
    }

    // kubectl sends its token only over TLS: the daemon's kubeconfig names the TLS port and its certificate.
    void kubectlThroughTheKubeconfig() {
        const QString kubectl = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
        if (kubectl.isEmpty())
            QSKIP("kubectl is not installed (Debian: kubernetes-client)");
        QProcess process;
        process.start(kubectl, {"--kubeconfig", QString::fromStdString(state().kubeconfigPath), "get", "ksvc"});
        QVERIFY(process.waitForFinished(20000));
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        QVERIFY2(process.exitCode() == 0, qPrintable(QString::fromUtf8(process.readAllStandardError())));
        QVERIFY2(out.contains("noop") && out.contains("http://noop.default.example.com") && out.contains("True"),
                 qPrintable(out));
        process.start(kubectl, {"--kubeconfig", QString::fromStdString(state().kubeconfigPath), "get", "pods", "-l",
                                "serving.knative.dev/service=noop"});
        QVERIFY(process.waitForFinished(20000));
        const QString pods = QString::fromUtf8(process.readAllStandardOutput());
        QVERIFY2(pods.contains("noop-00001-deployment-") && pods.contains("2/2") && pods.contains("Running"),
                 qPrintable(pods));
    }

    void stepLoadScalesAsKpaPredictsAndBackToZero() {
        // target 1 concurrent request per pod at 100% utilisation; 4 closed-loop connections of 300 ms requests keep
        // the revision at concurrency 4, so KPA wants ceil(4 / 1) = 4 pods.
        const json service =
            deployAndWait(serviceManifest("sleepy", "local/010.sleep:cpp",
                                          {{"autoscaling.knative.dev/target", "1"},
                                           {"autoscaling.knative.dev/target-utilization-percentage", "100"}}));
        QVERIFY(!service.is_null());
        const std::string url = service["status"]["address"]["url"];
        QTemporaryFile body;
        QVERIFY(body.open());
        body.write(R"({"ms": 300})");
        body.flush();
        QProcess load;
        load.start(binaryPath("faas-workbench"),
                   {"load", QString::fromStdString(url), "--connections", "4", "--duration", "12s", "--threads", "1",
                    "--method", "POST", "--body", body.fileName(), "--header", "Content-Type: application/json"});
        QVERIFY(load.waitForStarted());
        int maxReady = 0;
        bool sawPanic = false; // 4 in flight on 1 pod: dppc / ready = 4 >= 2 enters panic mode
        const std::string paPath =
            "/apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/default/podautoscalers/sleepy-00001";
        const json scaled = waitForPods(
            "serving.knative.dev/service=sleepy",
            [&](const json& pods) {
                maxReady = std::max(maxReady, kube::podCounts(pods).ready);
                if (auto pa = m_client->get(paPath); pa.ok())
                    sawPanic = sawPanic || pa->at("status").value("panic", false);
                return maxReady >= 4 && sawPanic;
            },
            14s);
        QVERIFY2(load.waitForFinished(30000), "load did not finish");
        QVERIFY2(maxReady >= 3 && maxReady <= 5,
                 qPrintable(QString("max ready pods %1, KPA predicts 4").arg(maxReady)));
        QVERIFY2(sawPanic, "the PodAutoscaler never reported panic mode");
        // No traffic: stable window (6s) to desired 0, then the grace period (1s): no pod left.
        const json gone = waitForPods(
            "serving.knative.dev/service=sleepy", [](const json& pods) { return pods["items"].empty(); }, 40s);
        QVERIFY2(!gone.is_null(), "pods did not scale to zero");
        // The next request is a cold start through the activator.
        const HttpReply cold = call(url, R"({"ms": 1})");
        QCOMPARE(cold.status, 200L);
        QVERIFY(cold.headers.contains("x-faaswb-cold"));
        QCOMPARE(cold.headers.at("x-faaswb-cold"), std::string("1"));
    }

    void killedInstanceIsReplaced() {
        const json pods = waitForPods(
            "serving.knative.dev/service=noop", [](const json& p) { return kube::podCounts(p).ready == 1; }, 10s);
        QVERIFY(!pods.is_null());
        const json& pod = pods["items"][0];
        const int pid = pod["status"]["faaswb"]["pid"];
        const std::string name = pod["metadata"]["name"];
        const json service = *m_client->get(kube::knativeServicesPath("default", "noop"));
        const std::string url = service["status"]["address"]["url"];
        QTemporaryFile body;
        QVERIFY(body.open());
        body.write("{}");
        body.flush();
        QProcess load; // under load: the run must end on time with the failures counted, not hang
        load.start(binaryPath("faas-workbench"),
                   {"load", QString::fromStdString(url), "--rate", "200", "--duration", "4s", "--threads", "1",
                    "--timeout", "5s", "--method", "POST", "--body", body.fileName()});
        QVERIFY(load.waitForStarted());
        const double before = servedRequests("noop-00001");
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (servedRequests("noop-00001") < before + 50 && std::chrono::steady_clock::now() < deadline)
            QTest::qWait(20);
        QVERIFY2(servedRequests("noop-00001") >= before + 50, "the load did not reach the instance");
        QCOMPARE(::kill(pid, SIGKILL), 0);
        const json restarted = waitForPods(
            "serving.knative.dev/service=noop",
            [&](const json& p) {
                for (const json& item : p["items"])
                    if (item["metadata"]["name"] == name &&
                        item["status"]["containerStatuses"][0]["restartCount"] >= 1 &&
                        item["status"]["containerStatuses"][0]["ready"] == true)
                        return true;
                return false;
            },
            15s);
        QVERIFY2(!restarted.is_null(), "the killed instance was not restarted");
        QVERIFY2(load.waitForFinished(20000), "load hung after the instance was killed");
        QCOMPARE(load.exitCode(), 0);
        const QString report = QString::fromUtf8(load.readAllStandardOutput());
        QVERIFY2(report.contains("Requests/sec"), qPrintable(report));
        QCOMPARE(call(url, "{}").status, 200L);
    }

    void metricsAndTraces() {
        const HttpReply metrics = call(state().apiUrl + "/metrics", {}, state().token);
        QCOMPARE(metrics.status, 200L);
        QVERIFY(metrics.body.find("autoscaler_desired_pods{") != std::string::npos);
        QVERIFY(metrics.body.find("revision_name=\"noop-00001\"") != std::string::npos);
        const HttpReply services = call(state().apiUrl + "/api/v2/services", {}, state().token);
        QCOMPARE(services.status, 200L);
        QVERIFY2(services.body.find("activator") != std::string::npos, services.body.c_str());
        // ingress -> queue_proxy -> the function's own span, posted by the wrapper to ZIPKIN_ENDPOINT.
        const HttpReply traces =
            call(state().apiUrl + "/api/v2/traces?serviceName=activator-service&limit=100", {}, state().token);
        QCOMPARE(traces.status, 200L);
        bool linked = false;
        for (const json& trace : json::parse(traces.body)) {
            std::map<std::string, std::string> nameById;
            for (const json& span : trace)
                nameById[span["id"]] = span["name"];
            for (const json& span : trace)
                if (span.contains("parentId") && nameById[span["parentId"]] == "queue_proxy" &&
                    nameById[span.value("parentId", "")] != span["name"])
                    linked = linked || nameById.count(span["id"]) > 0;
        }
        QVERIFY2(linked, traces.body.substr(0, 3000).c_str());
    }

    void noChildSurvivesTheDaemon() {
        const json pods = *m_client->list("/api/v1/namespaces/default/pods");
        std::set<int> pids;
        for (const json& pod : pods["items"])
            if (pod["status"].contains("faaswb") && pod["status"]["faaswb"].contains("pid"))
                pids.insert(pod["status"]["faaswb"]["pid"].get<int>());
        QVERIFY(!pids.empty());
        m_daemon->stop();
        for (int pid : pids)
            QVERIFY2(::kill(pid, 0) != 0 && errno == ESRCH, qPrintable(QString("pid %1 survived").arg(pid)));
        QVERIFY(!QFileInfo::exists(QString::fromStdString(state().stateDir + "/state.json")));
    }

    void cleanupTestCase() {
        m_client.reset();
        if (m_daemon)
            m_daemon->stop();
    }
};

QTEST_GUILESS_MAIN(TestLocalDaemon)
#include "tst_local_daemon.moc"
