// discoverClusterEnvironment against a fake API server (everything there, nothing there) and against the embedded
// local platform daemon: known values are read, unknown ones are null in toJson(), never 0 or "".
#include "fake_kube_server.h"
#include "kube/client.h"
#include "localplatform/daemon.h"
#include "platform/knative_environment.h"
#include "test_daemon.h"
#include "testutils.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace faaswb;
using namespace faaswb::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

kube::KubeClient clientFor(const std::string& server) {
    kube::KubeContext context;
    context.name = "test";
    context.cluster.server = server;
    auto client = kube::KubeClient::fromContext(context);
    if (!client)
        qFatal("%s", client.error().message.c_str());
    return *client;
}

json namespaceObject(const std::string& name, const json& labels) {
    return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}, {"labels", labels}}}};
}

json node(const std::string& name, const std::string& cpu, const std::string& memory) {
    return {{"apiVersion", "v1"},
            {"kind", "Node"},
            {"metadata", {{"name", name}}},
            {"status", {{"allocatable", {{"cpu", cpu}, {"memory", memory}, {"pods", "110"}}}}}};
}

// A cluster with Knative Serving 1.18 (new-style label), Eventing v1.17.2 (old-style release label), two nodes,
// Kourier and metrics-server.
void populate(FakeKubeServer& server, const std::string& ingressKey) {
    server.addCollection("/api/v1/namespaces");
    server.putObject("/api/v1/namespaces",
                     namespaceObject("knative-serving", {{"app.kubernetes.io/version", "1.18.0"},
                                                         {"app.kubernetes.io/name", "knative-serving"}}));
    server.putObject("/api/v1/namespaces",
                     namespaceObject("knative-eventing", {{"eventing.knative.dev/release", "v1.17.2"}}));
    server.addCollection("/api/v1/nodes");
    server.putObject("/api/v1/nodes", node("a", "3900m", "16Gi"));
    server.putObject("/api/v1/nodes", node("b", "2", "1024Mi"));
    server.addCollection("/api/v1/namespaces/knative-serving/configmaps");
    server.putObject("/api/v1/namespaces/knative-serving/configmaps",
                     {{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", {{"name", "config-network"}, {"namespace", "knative-serving"}}},
                      {"data", {{ingressKey, "kourier.ingress.networking.knative.dev"}}}});
    server.addCollection("/apis/metrics.k8s.io/v1beta1");
}

} // namespace

class TestKnativeEnvironment : public QObject {
    Q_OBJECT

private slots:
    void fullCluster_data() {
        QTest::addColumn<QString>("ingressKey");
        QTest::addRow("ingress-class") << "ingress-class";
        QTest::addRow("older ingress.class") << "ingress.class";
    }

    void fullCluster() {
        QFETCH(QString, ingressKey);
        FakeKubeServer server;
        populate(server, ingressKey.toStdString());
        auto environment = platform::discoverClusterEnvironment(clientFor(server.url()), 5s);
        QVERIFY2(environment.ok(), environment.ok() ? "" : environment.error().message.c_str());
        const json expected{{"kubernetesVersion", "v1.29.0-fake"},
                            {"servingVersion", "1.18.0"},
                            {"eventingVersion", "v1.17.2"},
                            {"nodes", 2},
                            {"allocatableCpuMillicores", 5900.0},
                            {"allocatableMemoryBytes", 16LL * 1024 * 1024 * 1024 + 1024LL * 1024 * 1024},
                            {"ingressClass", "kourier.ingress.networking.knative.dev"},
                            {"metricsServer", true}};
        const json actual = environment->toJson();
        QVERIFY2(actual == expected, actual.dump().c_str());
    }

    // Nothing but /version: every other item is unknown, and metrics-server is absent.
    void emptyCluster() {
        FakeKubeServer server;
        auto environment = platform::discoverClusterEnvironment(clientFor(server.url()), 5s);
        QVERIFY2(environment.ok(), environment.ok() ? "" : environment.error().message.c_str());
        const json expected{{"kubernetesVersion", "v1.29.0-fake"},
                            {"servingVersion", nullptr},
                            {"eventingVersion", nullptr},
                            {"nodes", nullptr},
                            {"allocatableCpuMillicores", nullptr},
                            {"allocatableMemoryBytes", nullptr},
                            {"ingressClass", nullptr},
                            {"metricsServer", false}};
        const json actual = environment->toJson();
        QVERIFY2(actual == expected, actual.dump().c_str());
        QCOMPARE(server.requestsTo("/api/v1/nodes").size(), std::size_t(1));
        QCOMPARE(server.requestsTo("/apis/metrics.k8s.io/v1beta1").size(), std::size_t(1));
    }

    // A node without a readable allocatable memory makes the memory sum unknown (a partial sum would understate);
    // the node count and the CPU sum stay known.
    void partialNodeInformation() {
        FakeKubeServer server;
        server.addCollection("/api/v1/nodes");
        server.putObject("/api/v1/nodes", node("a", "500m", "1Gi"));
        server.putObject("/api/v1/nodes", node("b", "1500m", "lots"));
        auto environment = platform::discoverClusterEnvironment(clientFor(server.url()), 5s);
        QVERIFY(environment.ok());
        QCOMPARE(environment->nodes, std::optional<int>(2));
        QCOMPARE(environment->allocatableCpuMillicores, std::optional<double>(2000.0));
        QVERIFY(!environment->allocatableMemoryBytes.has_value());
        QVERIFY(environment->toJson()["allocatableMemoryBytes"].is_null());
    }

    // No answer to /version is the one error; it names the server.
    void unreachableServer() {
        auto environment = platform::discoverClusterEnvironment(clientFor("http://127.0.0.1:1"), 3s);
        QVERIFY(!environment.ok());
        QCOMPARE(environment.error().code, ErrorCode::Platform);
        const std::string& message = environment.error().message;
        QVERIFY2(message.find("reading the cluster's version from http://127.0.0.1:1") != std::string::npos,
                 message.c_str());
    }

    // The local platform serves /version and the metrics API, but no namespaces, nodes or ConfigMaps.
    void localPlatform() {
        QTemporaryDir stateDir;
        QVERIFY(stateDir.isValid());
        localplatform::DaemonOptions options = test::testDaemonOptions(stateDir.path() + QStringLiteral("/state"));
        auto daemon = localplatform::LocalPlatformDaemon::start(std::move(options));
        QVERIFY2(daemon.ok(), daemon.ok() ? "" : daemon.error().message.c_str());
        auto client = kube::KubeClient::fromKubeconfig((*daemon)->state().kubeconfigPath);
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().message.c_str());
        auto environment = platform::discoverClusterEnvironment(*client, 5s);
        QVERIFY2(environment.ok(), environment.ok() ? "" : environment.error().message.c_str());
        const json actual = environment->toJson();
        QVERIFY2(actual["kubernetesVersion"].is_string() &&
                     actual["kubernetesVersion"].get<std::string>().starts_with("v1."),
                 actual.dump().c_str());
        for (const char* unknown : {"servingVersion", "eventingVersion", "nodes", "allocatableCpuMillicores",
                                    "allocatableMemoryBytes", "ingressClass"})
            QVERIFY2(actual[unknown].is_null(), (std::string(unknown) + ": " + actual.dump()).c_str());
        QCOMPARE(actual["metricsServer"], json(true));

        // A server that answers but refuses the credentials, or whose certificate is not trusted, is not "down".
        kube::KubeContext context = client->context();
        context.user.token.clear();
        auto anonymous = platform::discoverClusterEnvironment(*kube::KubeClient::fromContext(context), 5s);
        QVERIFY(!anonymous.ok());
        QVERIFY2(anonymous.error().message.find("did not accept the kubeconfig's credentials") != std::string::npos &&
                     anonymous.error().message.find("cluster is up") == std::string::npos,
                 anonymous.error().message.c_str());
        context = client->context();
        context.cluster.certificateAuthority.clear();
        context.cluster.certificateAuthorityPem.clear();
        auto untrusted = platform::discoverClusterEnvironment(*kube::KubeClient::fromContext(context), 5s);
        QVERIFY(!untrusted.ok());
        QVERIFY2(untrusted.error().message.find("not signed by the cluster's certificate authority") !=
                         std::string::npos &&
                     untrusted.error().message.find("certificate-authority(-data)") != std::string::npos,
                 untrusted.error().message.c_str());
        (*daemon)->stop();
    }
};

QTEST_GUILESS_MAIN(TestKnativeEnvironment)
#include "tst_knative_environment.moc"
