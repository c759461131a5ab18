// Knative Service manifests for the local platform: YAML and JSON parsing, the revision template's fields, and
// validation errors that start with the offending field's path.
#include "localplatform/revision_template.h"

#include <QtTest>

using namespace faaswb;
using namespace faaswb::localplatform;

namespace {

const char* const kGoodYaml = R"(apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
  namespace: default
spec:
  template:
    metadata:
      name: hello-v2
      labels:
        team: "42"
      annotations:
        autoscaling.knative.dev/min-scale: "1"
        autoscaling.knative.dev/target: "10"
    spec:
      containerConcurrency: 4
      timeoutSeconds: 30
      containers:
        - image: local/010.sleep:python
          ports:
            - containerPort: 8080
          env:
            - name: SLEEP_MS
              value: "100"
            - name: MODE
              value: fast
)";

nlohmann::json goodService() {
    auto parsed = parseManifest(kGoodYaml);
    return parsed ? *parsed : nlohmann::json();
}

} // namespace

class TestRevisionTemplate : public QObject {
    Q_OBJECT
private slots:
    void yaml_parsesWithTypedScalars() {
        const auto manifest = parseManifest(kGoodYaml);
        QVERIFY(manifest.ok());
        const auto& spec = (*manifest)["spec"]["template"]["spec"];
        QVERIFY(spec["containerConcurrency"].is_number_integer());
        QVERIFY(spec["containers"][0]["env"][0]["value"].is_string()); // quoted "100" stays a string
        QVERIFY((*manifest)["spec"]["template"]["metadata"]["labels"]["team"].is_string());

        const auto scalars = parseManifest("a: 1\nb: 1.5\nc: true\nd: ~\ne: hello\nf: '2'\ng: 1e3\nh: 0.1.2\n");
        QVERIFY(scalars.ok());
        QCOMPARE((*scalars)["a"], nlohmann::json(1));
        QCOMPARE((*scalars)["b"], nlohmann::json(1.5));
        QCOMPARE((*scalars)["c"], nlohmann::json(true));
        QVERIFY((*scalars)["d"].is_null());
        QCOMPARE((*scalars)["e"], nlohmann::json("hello"));
        QCOMPARE((*scalars)["f"], nlohmann::json("2"));
        QCOMPARE((*scalars)["g"], nlohmann::json(1000.0));
        QCOMPARE((*scalars)["h"], nlohmann::json("0.1.2"));
    }

    void goodManifest_fromYamlAndJson() {
        const auto fromYaml = parseRevisionTemplate(goodService());
        QVERIFY2(fromYaml.ok(), fromYaml.ok() ? "" : fromYaml.error().message.c_str());
        QCOMPARE(fromYaml->image, std::string("local/010.sleep:python"));
        QCOMPARE(fromYaml->containerConcurrency, 4);
        QCOMPARE(fromYaml->timeoutSeconds, 30);
        QCOMPARE(fromYaml->containerPort, std::optional<int>(8080));
        const std::vector<std::pair<std::string, std::string>> env{{"SLEEP_MS", "100"}, {"MODE", "fast"}};
        QCOMPARE(fromYaml->env, env);
        QCOMPARE(fromYaml->annotations.at("autoscaling.knative.dev/min-scale"), std::string("1"));
        QCOMPARE(fromYaml->labels.at("team"), std::string("42"));
        QCOMPARE(fromYaml->revisionName, std::optional<std::string>("hello-v2"));

        const auto json = parseManifest(goodService().dump(2));
        QVERIFY(json.ok());
        QCOMPARE(*json, goodService());
        const auto fromJson = parseRevisionTemplate(*json);
        QVERIFY(fromJson.ok());
        QCOMPARE(fromJson->image, fromYaml->image);
    }

    void minimalManifest_defaults() {
        const auto parsed = parseRevisionTemplate(nlohmann::json::parse(
            R"({"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"a"},
                "spec":{"template":{"spec":{"containers":[{"image":"local/x:cpp"}]}}}})"));
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->containerConcurrency, 0);
        QCOMPARE(parsed->timeoutSeconds, 300);
        QVERIFY(!parsed->containerPort);
        QVERIFY(!parsed->revisionName);
    }

    void badManifests_nameTheField_data() {
        QTest::addColumn<QString>("pointer"); // JSON pointer to change in the good service
        QTest::addColumn<QString>("value");   // JSON value, or "<remove>"
        QTest::addColumn<QString>("prefix");  // the message must start with it
        const QString container = "/spec/template/spec/containers/0";
        QTest::addRow("apiVersion") << "/apiVersion"
                                    << R"("v1")"
                                    << "apiVersion:";
        QTest::addRow("kind") << "/kind"
                              << R"("Deployment")"
                              << "kind:";
        QTest::addRow("name missing") << "/metadata/name"
                                      << "<remove>"
                                      << "metadata.name: required";
        QTest::addRow("name not DNS-1123") << "/metadata/name"
                                           << R"("Hello_World")"
                                           << "metadata.name: must be a DNS-1123 label";
        QTest::addRow("no template") << "/spec/template"
                                     << "<remove>"
                                     << "spec.template: required";
        QTest::addRow("containers missing") << "/spec/template/spec/containers"
                                            << "<remove>"
                                            << "spec.template.spec.containers: required";
        QTest::addRow("two containers") << "/spec/template/spec/containers/1"
                                        << R"({"image":"b"})"
                                        << "spec.template.spec.containers: must be a list with exactly one";
        QTest::addRow("image missing") << container + "/image"
                                       << "<remove>"
                                       << "spec.template.spec.containers[0].image: required";
        QTest::addRow("image not a string") << container + "/image"
                                            << "5"
                                            << "spec.template.spec.containers[0].image: must be a string";
        QTest::addRow("env name") << container + "/env/1/name"
                                  << R"("1BAD")"
                                  << "spec.template.spec.containers[0].env[1].name:";
        QTest::addRow("env valueFrom") << container + "/env/0/valueFrom"
                                       << R"({"secretKeyRef":{}})"
                                       << "spec.template.spec.containers[0].env[0].valueFrom:";
        QTest::addRow("env value number") << container + "/env/0/value"
                                          << "100"
                                          << "spec.template.spec.containers[0].env[0].value: must be a string";
        QTest::addRow("port range") << container + "/ports/0/containerPort"
                                    << "70000"
                                    << "spec.template.spec.containers[0].ports[0].containerPort: must be between";
        QTest::addRow("concurrency range") << "/spec/template/spec/containerConcurrency"
                                           << "1001"
                                           << "spec.template.spec.containerConcurrency: must be between 0 and 1000";
        QTest::addRow("concurrency string") << "/spec/template/spec/containerConcurrency"
                                            << R"("4")"
                                            << "spec.template.spec.containerConcurrency: must be an integer";
        QTest::addRow("timeout range") << "/spec/template/spec/timeoutSeconds"
                                       << "601"
                                       << "spec.template.spec.timeoutSeconds: must be between 1 and 600";
        QTest::addRow("annotation not a string") << "/spec/template/metadata/annotations/x"
                                                 << "1"
                                                 << "spec.template.metadata.annotations.x: must be a string";
        QTest::addRow("min-scale annotation")
            << "/spec/template/metadata/annotations/autoscaling.knative.dev~1min-scale"
            << R"("-1")"
            << "spec.template.metadata.annotations.autoscaling.knative.dev/min-scale:";
        QTest::addRow("window annotation") << "/spec/template/metadata/annotations/autoscaling.knative.dev~1window"
                                           << R"("2s")"
                                           << "spec.template.metadata.annotations.autoscaling.knative.dev/window:";
        QTest::addRow("revision name prefix") << "/spec/template/metadata/name"
                                              << R"("other-v1")"
                                              << "spec.template.metadata.name: must have prefix \"hello-\"";
    }
    void badManifests_nameTheField() {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, prefix);
        auto service = goodService();
        const nlohmann::json::json_pointer at(pointer.toStdString());
        if (value == "<remove>")
            service[at.parent_pointer()].erase(at.back());
        else
            service[at] = nlohmann::json::parse(value.toStdString());
        const auto parsed = parseRevisionTemplate(service);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code, ErrorCode::InvalidInput);
        const QString message = QString::fromStdString(parsed.error().message);
        QVERIFY2(message.startsWith(prefix), qPrintable(message));
    }

    void badDocuments() {
        QVERIFY(!parseManifest("").ok());
        QVERIFY(!parseManifest("{\"a\": ").ok());
        QVERIFY(!parseManifest("a: [1, 2").ok());
        QVERIFY(!parseManifest("a: 1\n---\nb: 2\n").ok());
        // yaml-cpp 0.7's LoadAll never returned on this one, allocating until the daemon ran out of memory.
        const auto endless = parseManifest(",\n");
        QVERIFY(!endless.ok());
        QVERIFY2(endless.error().message.find("invalid YAML") != std::string::npos, endless.error().message.c_str());
        const auto notObject = parseRevisionTemplate(nlohmann::json::array());
        QVERIFY(!notObject.ok());
        QVERIFY(QString::fromStdString(notObject.error().message).startsWith("manifest:"));
    }
};

QTEST_GUILESS_MAIN(TestRevisionTemplate)
#include "tst_revision_template.moc"
