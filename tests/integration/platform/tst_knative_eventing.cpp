// KnativeEventing against the embedded local platform daemon (brokers, triggers, sink bindings, CloudEvent delivery,
// ownership on removeAll) and against FakeKubeServer (broker ingress rewriting, taking over an existing object's spec).
#include "fake_kube_server.h"
#include "http_call.h"
#include "kube/client.h"
#include "kube/knative.h"
#include "localplatform/daemon.h"
#include "platform/knative_eventing.h"
#include "test_daemon.h"
#include "testutils.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace faaswb;
using namespace faaswb::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kEventing = "/apis/eventing.knative.dev/v1/namespaces/default/";
const std::string kSources = "/apis/sources.knative.dev/v1/namespaces/default/";

platform::KnativeEventingOptions optionsWith(std::chrono::milliseconds readyTimeout, std::string brokerIngress = {}) {
    platform::KnativeEventingOptions options;
    options.namespaceName = "default";
    options.readyTimeout = readyTimeout;
    options.brokerIngress = std::move(brokerIngress);
    return options;
}

json brokerManifest(const std::string& name) {
    return {{"apiVersion", "eventing.knative.dev/v1"}, {"kind", "Broker"}, {"metadata", {{"name", name}}}};
}

// A binary-mode CloudEvent POSTed to the target with its headers.
HttpReply sendEvent(const platform::EventTarget& target, const std::string& id, const std::string& type) {
    HttpCallOptions options{R"({"sequence": 1})", {}, target.headers};
    options.headers.emplace_back("ce-specversion", "1.0");
    options.headers.emplace_back("ce-id", id);
    options.headers.emplace_back("ce-source", "/tst_knative_eventing");
    options.headers.emplace_back("ce-type", type);
    return httpCall(target.url, options);
}

kube::KubeClient fakeClient(const FakeKubeServer& server) {
    kube::KubeContext context;
    context.name = "fake";
    context.cluster.server = server.url();
    auto client = kube::KubeClient::fromContext(context);
    if (!client)
        qFatal("%s", client.error().message.c_str());
    return *client;
}

} // namespace

class TestKnativeEventing : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_stateDir;
    std::unique_ptr<localplatform::LocalPlatformDaemon> m_daemon;
    std::optional<kube::KubeClient> m_client;
    std::unique_ptr<platform::Eventing> m_eventing;
    platform::EventTarget m_target;
    CancellationToken m_cancel;

    const localplatform::DaemonState& state() const { return m_daemon->state(); }

    json service(const std::string& name, const std::string& image) {
        kube::KnativeServiceSpec spec;
        spec.name = name;
        spec.image = image;
        spec.annotations = {{"autoscaling.knative.dev/min-scale", "1"}};
        return kube::knativeService(spec);
    }

    bool exists(const std::string& path) { return m_client->get(path).ok(); }

    bool serviceReady(const std::string& name) {
        auto object = m_client->get(kube::knativeServicesPath("default", name));
        return object.ok() && kube::isReady(*object);
    }

    // The consumer's counters ({"stats": true}; the function host wraps a handler's answer in "result").
    json consumerStats() {
        const json consumer = *m_client->get(kube::knativeServicesPath("default", "consumer"));
        const HttpReply reply = httpCall(consumer["status"]["address"]["url"].get<std::string>(),
                                         HttpCallOptions{R"({"stats": true})", {}, {}});
        const json body = reply.status == 200 ? json::parse(reply.body, nullptr, false) : json();
        return body.is_object() ? body.value("result", json::object()) : json::object();
    }

    double metric(const std::string& name, const std::vector<std::string>& labels) {
        return prometheusSum(httpCall(state().apiUrl + "/metrics", HttpCallOptions{{}, state().token, {}}).body, name,
                             labels);
    }

    // A ready pod of `service` whose first container has env `name` = `value`.
    bool readyPodWithEnv(const std::string& service, const std::string& name, const std::string& value) {
        kube::ListOptions options;
        options.labelSelector = "serving.knative.dev/service=" + service;
        auto pods = m_client->list("/api/v1/namespaces/default/pods", options);
        if (!pods.ok())
            return false;
        for (const json& pod : (*pods)["items"]) {
            if (kube::podCounts(json::array({pod})).ready != 1)
                continue;
            for (const json& env : pod["spec"]["containers"][0].value("env", json::array()))
                if (env.value("name", "") == name && env.value("value", "") == value)
                    return true;
        }
        return false;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_stateDir.isValid());
        localplatform::DaemonOptions options = test::testDaemonOptions(m_stateDir.path() + QStringLiteral("/state"));
        options.supervisor.terminationGrace = 2000ms;
        auto daemon = localplatform::LocalPlatformDaemon::start(std::move(options));
        QVERIFY2(daemon.ok(), daemon.ok() ? "" : daemon.error().message.c_str());
        m_daemon = std::move(*daemon);
        auto client = kube::KubeClient::fromKubeconfig(state().kubeconfigPath);
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().message.c_str());
        m_client = std::move(*client);
        // Made by "someone else": the test itself, not the Eventing under test.
        for (const auto& [path, object] :
             {std::pair{kube::knativeServicesPath("default"), service("consumer", "local/711.event-consumer:cpp")},
              std::pair{kube::knativeServicesPath("default"), service("subject", "local/000.noop:cpp")},
              std::pair{kEventing + "brokers", brokerManifest("theirs")}}) {
            auto created = m_client->create(path, object);
            QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());
        }
        m_eventing = platform::makeKnativeEventing(*m_client, optionsWith(20s));
    }

    void brokerGivesItsAddressAndIsIdempotent() {
        auto target = m_eventing->ensureBroker({"events"}, m_cancel);
        QVERIFY2(target.ok(), target.ok() ? "" : target.error().message.c_str());
        QCOMPARE(target->url, state().brokerUrl + "/default/events");
        QVERIFY(target->headers.empty());
        m_target = *target;
        const json created = *m_client->get(kEventing + "brokers/events");
        QCOMPARE(created["metadata"]["labels"]["faaswb.dev/created-by"], json("faas-workbench"));

        auto again = m_eventing->ensureBroker({"events"}, m_cancel);
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QCOMPARE(again->url, target->url);
        const json after = *m_client->get(kEventing + "brokers/events");
        QCOMPARE(after["metadata"]["generation"], created["metadata"]["generation"]); // nothing was patched
    }

    // An existing broker is used, and left unlabelled: it is not ours to delete.
    void existingBrokerIsNotClaimed() {
        auto target = m_eventing->ensureBroker({"theirs"}, m_cancel);
        QVERIFY2(target.ok(), target.ok() ? "" : target.error().message.c_str());
        QCOMPARE(target->url, state().brokerUrl + "/default/theirs");
        const json theirs = *m_client->get(kEventing + "brokers/theirs");
        QVERIFY2(!theirs["metadata"].value("labels", json::object()).contains("faaswb.dev/created-by"),
                 theirs.dump().c_str());
    }

    // "bench.other" goes in first: the broker matches an event against the triggers when it accepts it, so once
    // "bench.ping" has arrived, "bench.other" can no longer be on its way.
    void triggerDeliversOnlyMatchingEvents() {
        platform::TriggerSpec trigger{"pings", "events", {{"type", "bench.ping"}}, "consumer", {}};
        const Status ensured = m_eventing->ensureTrigger(trigger, m_cancel);
        QVERIFY2(ensured.ok(), ensured.ok() ? "" : ensured.error().message.c_str());
        const json object = *m_client->get(kEventing + "triggers/pings");
        QCOMPARE(object["spec"]["filter"]["attributes"], json({{"type", "bench.ping"}}));
        QCOMPARE(object["spec"]["subscriber"]["ref"]["name"], json("consumer"));
        QTRY_VERIFY_WITH_TIMEOUT(serviceReady("consumer"), 20000);

        QCOMPARE(sendEvent(m_target, "other-1", "bench.other").status, 202L);
        QCOMPARE(sendEvent(m_target, "ping-1", "bench.ping").status, 202L);
        QTRY_COMPARE_WITH_TIMEOUT(consumerStats().value("received", -1), 1, 10000);
        QCOMPARE(metric("trigger_events_delivered_total", {"trigger_name=\"pings\""}), 1.0);
        QVERIFY(metric("broker_events_accepted_total", {"broker_name=\"events\""}) >= 2.0);
    }

    void sinkBindingGivesTheSubjectKSink() {
        const Status ensured = m_eventing->ensureSinkBinding({"subject-to-events", "subject", "events"}, m_cancel);
        QVERIFY2(ensured.ok(), ensured.ok() ? "" : ensured.error().message.c_str());
        const json binding = *m_client->get(kSources + "sinkbindings/subject-to-events");
        QCOMPARE(binding["spec"]["sink"]["ref"]["kind"], json("Broker"));
        QCOMPARE(binding["spec"]["subject"]["name"], json("subject"));
        QTRY_VERIFY_WITH_TIMEOUT(readyPodWithEnv("subject", "K_SINK", m_target.url), 20000);
    }

    // Knative reports the missing broker on the Trigger's conditions; the error carries it, within the timeout.
    void triggerOnMissingBrokerFails_data() {
        QTest::addColumn<int>("timeoutMs");
        QTest::addColumn<QString>("expected");
        QTest::addRow("timeout first") << 1500 << "did not become Ready within 1.5 s; last seen: Ready False";
        QTest::addRow("failure persists") << 10000 << "is not Ready: Ready False (BrokerDoesNotExist)";
    }

    void triggerOnMissingBrokerFails() {
        QFETCH(int, timeoutMs);
        QFETCH(QString, expected);
        auto eventing = platform::makeKnativeEventing(*m_client, optionsWith(std::chrono::milliseconds(timeoutMs)));
        const auto started = std::chrono::steady_clock::now();
        const Status ensured =
            eventing->ensureTrigger({"orphan", "missing-broker", {}, {}, "http://127.0.0.1:1/"}, m_cancel);
        const auto took = std::chrono::steady_clock::now() - started;
        QVERIFY(!ensured.ok());
        QCOMPARE(ensured.error().code, ErrorCode::Platform);
        const std::string& message = ensured.error().message;
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
        QVERIFY2(message.find("Trigger \"orphan\"") != std::string::npos, message.c_str());
        QVERIFY2(message.find("Broker \"missing-broker\" does not exist") != std::string::npos, message.c_str());
        QVERIFY(took < std::chrono::milliseconds(timeoutMs) + 2s);
        QVERIFY(eventing->removeAll().ok());
        QVERIFY(!exists(kEventing + "triggers/orphan"));
    }

    void cancelledBeforeStart() {
        CancellationToken cancel;
        cancel.cancel();
        const Status ensured = m_eventing->ensureTrigger({"never", "events", {}, "consumer", {}}, cancel);
        QVERIFY(!ensured.ok());
        QCOMPARE(ensured.error().code, ErrorCode::Cancelled);
    }

    void invalidSpecs() {
        QCOMPARE(m_eventing->ensureBroker({""}, m_cancel).error().code, ErrorCode::InvalidInput);
        const Status twoSubscribers = m_eventing->ensureTrigger({"t", "events", {}, "consumer", "http://x/"}, m_cancel);
        QCOMPARE(twoSubscribers.error().code, ErrorCode::InvalidInput);
        QVERIFY2(twoSubscribers.error().message.find("exactly one subscriber") != std::string::npos,
                 twoSubscribers.error().message.c_str());
    }

    void removeAllDeletesOnlyOurs() {
        QVERIFY(exists(kEventing + "triggers/pings"));
        const Status removed = m_eventing->removeAll();
        QVERIFY2(removed.ok(), removed.ok() ? "" : removed.error().message.c_str());
        QVERIFY(!exists(kEventing + "brokers/events"));
        QVERIFY(!exists(kEventing + "triggers/pings"));
        QVERIFY(!exists(kSources + "sinkbindings/subject-to-events"));
        QVERIFY(exists(kEventing + "brokers/theirs"));
        QVERIFY(m_eventing->removeAll().ok()); // nothing left to remove
        QVERIFY(exists(kEventing + "brokers/theirs"));
    }

    // A real cluster's broker address is cluster-internal: the target is the exposed ingress with the address's path,
    // and Host names the address. The broker already exists, so nothing is patched or, later, deleted.
    void brokerIngressRewritesTheAddress() {
        FakeKubeServer server;
        const std::string brokers = kEventing + "brokers";
        server.addCollection(brokers);
        json broker = brokerManifest("b");
        broker["metadata"]["generation"] = 1;
        broker["status"] = {{"observedGeneration", 1},
                            {"address", {{"url", "http://broker-ingress.knative-eventing.svc.cluster.local/ns/b"}}},
                            {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}};
        server.putObject(brokers, broker);
        auto eventing = platform::makeKnativeEventing(fakeClient(server), optionsWith(2s, "http://127.0.0.1:9/"));
        auto target = eventing->ensureBroker({"b"}, m_cancel);
        QVERIFY2(target.ok(), target.ok() ? "" : target.error().message.c_str());
        QCOMPARE(target->url, std::string("http://127.0.0.1:9/ns/b"));
        using Headers = std::vector<std::pair<std::string, std::string>>;
        QCOMPARE(target->headers, (Headers{{"Host", "broker-ingress.knative-eventing.svc.cluster.local"}}));
        QVERIFY(eventing->removeAll().ok());
        for (const FakeRequest& request : server.requestsTo(brokers + "/b"))
            QVERIFY2(request.method == "GET", request.method.c_str());
    }

    // An existing trigger takes our spec: stale filter attributes and the other kind of subscriber are removed by
    // the merge patch. The fake does not reconcile, so its status stays at the old generation and the wait times out
    // naming what it saw.
    void existingTriggerTakesOurSpec() {
        FakeKubeServer server;
        const std::string triggers = kEventing + "triggers";
        server.addCollection(triggers);
        json existing{
            {"apiVersion", "eventing.knative.dev/v1"},
            {"kind", "Trigger"},
            {"metadata", {{"name", "t"}, {"generation", 1}}},
            {"spec",
             {{"broker", "events"},
              {"filter", {{"attributes", {{"type", "old"}, {"source", "x"}}}}},
              {"subscriber", {{"uri", "http://old/"}}}}},
            {"status", {{"observedGeneration", 1}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
        server.putObject(triggers, existing);
        auto eventing = platform::makeKnativeEventing(fakeClient(server), optionsWith(300ms));
        const Status ensured =
            eventing->ensureTrigger({"t", "events", {{"type", "bench.ping"}}, "consumer", {}}, m_cancel);
        QVERIFY(!ensured.ok());
        QVERIFY2(ensured.error().message.find("did not become Ready within 0.3 s; last seen: Ready True") !=
                     std::string::npos,
                 ensured.error().message.c_str());
        const json trigger = *fakeClient(server).get(triggers + "/t");
        QCOMPARE(trigger["spec"]["filter"]["attributes"], json({{"type", "bench.ping"}}));
        QCOMPARE(
            trigger["spec"]["subscriber"],
            json({{"ref", {{"apiVersion", "serving.knative.dev/v1"}, {"kind", "Service"}, {"name", "consumer"}}}}));
        QVERIFY(!trigger["metadata"].contains("labels"));
    }

    void cleanupTestCase() {
        m_eventing.reset();
        m_client.reset();
        if (m_daemon)
            m_daemon->stop();
    }
};

QTEST_GUILESS_MAIN(TestKnativeEventing)
#include "tst_knative_eventing.moc"
