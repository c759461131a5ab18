#include "kube/knative.h"

#include <QtTest>

using namespace faaswb;
using nlohmann::json;

namespace {

json service(int generation, int observedGeneration, const std::string& ready, const std::string& reason = {},
             const std::string& message = {}) {
    json condition{{"type", "Ready"}, {"status", ready}};
    if (!reason.empty())
        condition["reason"] = reason;
    if (!message.empty())
        condition["message"] = message;
    return json{{"metadata", {{"name", "hello"}, {"generation", generation}}},
                {"status",
                 {{"observedGeneration", observedGeneration},
                  {"conditions", json::array({{{"type", "ConfigurationsReady"}, {"status", ready}}, condition})}}}};
}

json pod(const std::string& phase, const std::string& ready, bool deleting = false) {
    json object{{"metadata", {{"name", "p"}}},
                {"status", {{"phase", phase}, {"conditions", json::array({{{"type", "Ready"}, {"status", ready}}})}}}};
    if (deleting)
        object["metadata"]["deletionTimestamp"] = "2024-05-01T12:00:00Z";
    return object;
}

} // namespace

class TestKnativeObjects : public QObject {
    Q_OBJECT
private slots:
    void manifestShape() {
        kube::KnativeServiceSpec spec;
        spec.name = "sleep-python";
        spec.namespaceName = "bench";
        spec.image = "local/010.sleep:python";
        spec.env = {{"B", "2"}, {"A", "1"}};
        spec.containerConcurrency = 4;
        spec.timeoutSeconds = 30;
        spec.containerPort = 8080;
        spec.resourceRequests = {{"cpu", "250m"}, {"memory", "128Mi"}};
        spec.resourceLimits = {{"memory", "256Mi"}};
        spec.annotations = {{"autoscaling.knative.dev/target", "10"}};
        spec.labels = {{"app.kubernetes.io/managed-by", "faas-workbench"}};
        const json manifest = kube::knativeService(spec);
        QCOMPARE(manifest["apiVersion"], json("serving.knative.dev/v1"));
        QCOMPARE(manifest["kind"], json("Service"));
        QCOMPARE(manifest["metadata"]["name"], json("sleep-python"));
        QCOMPARE(manifest["metadata"]["namespace"], json("bench"));
        QCOMPARE(manifest["metadata"]["labels"]["app.kubernetes.io/managed-by"], json("faas-workbench"));
        const json& revision = manifest["spec"]["template"];
        QCOMPARE(revision["metadata"]["annotations"]["autoscaling.knative.dev/target"], json("10"));
        QCOMPARE(revision["spec"]["containerConcurrency"], json(4));
        QCOMPARE(revision["spec"]["timeoutSeconds"], json(30));
        const json& container = revision["spec"]["containers"][0];
        QCOMPARE(container["image"], json("local/010.sleep:python"));
        QCOMPARE(container["ports"][0]["containerPort"], json(8080));
        QCOMPARE(container["env"], json::parse(R"([{"name":"B","value":"2"},{"name":"A","value":"1"}])"));
        QCOMPARE(container["resources"]["requests"]["cpu"], json("250m"));
        QCOMPARE(container["resources"]["limits"]["memory"], json("256Mi"));
    }
    // Unset optional fields stay out, so Knative's defaults apply.
    void minimalManifest() {
        kube::KnativeServiceSpec spec;
        spec.name = "hello";
        spec.image = "ghcr.io/knative/helloworld-go:latest";
        const json manifest = kube::knativeService(spec);
        QVERIFY(!manifest["metadata"].contains("namespace"));
        QVERIFY(!manifest["metadata"].contains("labels"));
        QVERIFY(!manifest["spec"]["template"].contains("metadata"));
        QVERIFY(!manifest["spec"]["template"]["spec"].contains("containerConcurrency"));
        const json& container = manifest["spec"]["template"]["spec"]["containers"][0];
        QCOMPARE(container, json({{"image", "ghcr.io/knative/helloworld-go:latest"}}));
    }
    void paths() {
        QCOMPARE(kube::knativeServicesPath("bench"),
                 std::string("/apis/serving.knative.dev/v1/namespaces/bench/services"));
        QCOMPARE(kube::knativeServicesPath("bench", "hello"),
                 std::string("/apis/serving.knative.dev/v1/namespaces/bench/services/hello"));
    }
    void readiness_data() {
        QTest::addColumn<QByteArray>("object");
        QTest::addColumn<bool>("ready");
        QTest::addColumn<bool>("failed");
        QTest::addRow("ready") << QByteArray::fromStdString(service(2, 2, "True").dump()) << true << false;
        QTest::addRow("stale ready") << QByteArray::fromStdString(service(3, 2, "True").dump()) << false << false;
        QTest::addRow("unknown") << QByteArray::fromStdString(service(1, 1, "Unknown").dump()) << false << false;
        QTest::addRow("failed") << QByteArray::fromStdString(service(1, 1, "False", "RevisionMissing", "boom").dump())
                                << false << true;
        QTest::addRow("stale failure") << QByteArray::fromStdString(service(2, 1, "False", "Old", "old").dump())
                                       << false << false;
        QTest::addRow("no status") << QByteArray(R"({"metadata":{"generation":1}})") << false << false;
        QTest::addRow("no generation") << QByteArray(R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})")
                                       << false << false;
        QTest::addRow("not an object") << QByteArray("[]") << false << false;
    }
    void readiness() {
        QFETCH(QByteArray, object);
        QFETCH(bool, ready);
        QFETCH(bool, failed);
        const json resource = json::parse(object.toStdString());
        QCOMPARE(kube::isReady(resource), ready);
        QCOMPARE(kube::failedCondition(resource).has_value(), failed);
    }
    void failureText() {
        const auto failure = kube::failedCondition(service(1, 1, "False", "RevisionFailed", "image pull failed"));
        QVERIFY(failure);
        QCOMPARE(failure->reason, std::string("RevisionFailed"));
        QCOMPARE(failure->message, std::string("image pull failed"));
        QCOMPARE(kube::conditionStatus(service(1, 1, "True"), "ConfigurationsReady"), std::string("True"));
        QCOMPARE(kube::conditionStatus(service(1, 1, "True"), "RoutesReady"), std::string());
    }
    void podCounts() {
        const json list{{"kind", "PodList"},
                        {"items", json::array({pod("Running", "True"), pod("Running", "True"), pod("Running", "False"),
                                               pod("Pending", "False"), pod("Running", "True", true),
                                               pod("Succeeded", "False"), pod("Failed", "False")})}};
        const auto counts = kube::podCounts(list);
        QCOMPARE(counts.ready, 2);
        QCOMPARE(counts.notReady, 3); // the unready running pod, the pending one, the terminating one
        QCOMPARE(counts.pending, 1);
        QCOMPARE(counts.terminating, 1);
        QCOMPARE(kube::podCounts(list["items"]).ready, 2);
        QCOMPARE(kube::podCounts(json::object()).ready, 0);
    }
};

QTEST_GUILESS_MAIN(TestKnativeObjects)
#include "tst_knative_objects.moc"
