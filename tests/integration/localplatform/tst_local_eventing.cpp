// Eventing on the local platform end to end: a SinkBinding gives 710.event-producer's instances K_SINK = the
// broker; the broker fans its events out to triggers by exact attribute filters, through the gateway to a Knative
// Service, retries a dead subscriber and dead-letters; the hops show up as linked spans.
#include "http_call.h"
#include "kube/client.h"
#include "kube/knative.h"
#include "localplatform/daemon.h"
#include "test_daemon.h"
#include "testutils.h"

#include <QTemporaryDir>
#include <QtTest>
#include <sstream>

using namespace faaswb;
using namespace faaswb::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::pair<long, std::string> call(const std::string& url, const std::string& body, const std::string& token) {
    const HttpReply reply = test::httpCall(url, HttpCallOptions{body, token, {}});
    return {reply.status, reply.body};
}

} // namespace

class TestLocalEventing : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_stateDir;
    std::unique_ptr<localplatform::LocalPlatformDaemon> m_daemon;
    std::optional<kube::KubeClient> m_client;

    const localplatform::DaemonState& state() const { return m_daemon->state(); }

    // Polls until `predicate` holds (a condition with a deadline, not a fixed wait).
    bool waitFor(const std::function<bool()>& predicate, std::chrono::seconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (predicate())
                return true;
            QTest::qWait(25);
        }
        return predicate();
    }

    // The sum of a Prometheus counter's samples whose labels contain every `label="value"` given.
    double metric(const std::string& name, const std::vector<std::string>& labels) {
        return prometheusSum(call(state().apiUrl + "/metrics", {}, state().token).second, name, labels);
    }

    bool ready(const std::string& path) {
        auto object = m_client->get(path);
        return object.ok() && kube::conditionStatus(*object, "Ready") == "True";
    }

    void create(const std::string& path, const json& object) {
        auto created = m_client->create(path, object);
        QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());
    }

    json service(const std::string& name, const std::string& image) {
        kube::KnativeServiceSpec spec;
        spec.name = name;
        spec.image = image;
        spec.annotations = {{"autoscaling.knative.dev/min-scale", "1"}};
        return kube::knativeService(spec);
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
    }

    void brokerTriggersBindingAndDeadLetter() {
        const std::string eventing = "/apis/eventing.knative.dev/v1/namespaces/default/";
        create(eventing + "brokers",
               {{"apiVersion", "eventing.knative.dev/v1"}, {"kind", "Broker"}, {"metadata", {{"name", "default"}}}});
        create(kube::knativeServicesPath("default"), service("consumer", "local/000.noop:cpp"));
        create(kube::knativeServicesPath("default"), service("producer", "local/710.event-producer:cpp"));
        const auto trigger = [](const std::string& name, const std::string& type, json subscriber,
                                json delivery = nullptr) {
            json object{{"apiVersion", "eventing.knative.dev/v1"},
                        {"kind", "Trigger"},
                        {"metadata", {{"name", name}}},
                        {"spec",
                         {{"broker", "default"},
                          {"filter", {{"attributes", {{"type", type}}}}},
                          {"subscriber", std::move(subscriber)}}}};
            if (!delivery.is_null())
                object["spec"]["delivery"] = std::move(delivery);
            return object;
        };
        const json consumerRef{
            {"ref", {{"apiVersion", "serving.knative.dev/v1"}, {"kind", "Service"}, {"name", "consumer"}}}};
        create(eventing + "triggers", trigger("benchmark-events", "dev.faaswb.benchmark", consumerRef));
        create(eventing + "triggers", trigger("other-events", "dev.faaswb.other", consumerRef));
        // Nothing listens on port 1: every attempt fails, 2 retries 50 ms apart, then the consumer gets it.
        create(eventing + "triggers",
               trigger("dead-subscriber", "dev.faaswb.benchmark", {{"uri", "http://127.0.0.1:1/"}},
                       {{"retry", 2},
                        {"backoffPolicy", "linear"},
                        {"backoffDelay", "PT0.05S"},
                        {"deadLetterSink", consumerRef}}));
        create("/apis/sources.knative.dev/v1/namespaces/default/sinkbindings",
               {{"apiVersion", "sources.knative.dev/v1"},
                {"kind", "SinkBinding"},
                {"metadata", {{"name", "producer-to-broker"}}},
                {"spec",
                 {{"subject", {{"apiVersion", "serving.knative.dev/v1"}, {"kind", "Service"}, {"name", "producer"}}},
                  {"sink",
                   {{"ref", {{"apiVersion", "eventing.knative.dev/v1"}, {"kind", "Broker"}, {"name", "default"}}}}}}}});

        QVERIFY2(waitFor([&] { return ready(eventing + "brokers/default"); }, 10s), "broker not ready");
        const json broker = *m_client->get(eventing + "brokers/default");
        QCOMPARE(broker["status"]["address"]["url"].get<std::string>(), state().brokerUrl + "/default/default");
        QVERIFY(waitFor([&] { return ready(eventing + "triggers/benchmark-events"); }, 10s));
        QVERIFY(waitFor([&] { return ready(kube::knativeServicesPath("default", "consumer")); }, 30s));

        // The binding rolls the producer's instances: the ready one must carry K_SINK.
        const bool producerBound = waitFor(
            [&] {
                kube::ListOptions options;
                options.labelSelector = "serving.knative.dev/service=producer";
                auto pods = m_client->list("/api/v1/namespaces/default/pods", options);
                if (!pods.ok())
                    return false;
                for (const json& pod : (*pods)["items"]) {
                    const bool podReady = kube::podCounts(json::array({pod})).ready == 1;
                    for (const json& env : pod["spec"]["containers"][0].value("env", json::array()))
                        if (podReady && env.value("name", "") == "K_SINK" &&
                            env.value("value", "") == state().brokerUrl + "/default/default")
                            return true;
                }
                return false;
            },
            30s);
        QVERIFY2(producerBound, "no ready producer instance with K_SINK");
        const json producer = *m_client->get(kube::knativeServicesPath("default", "producer"));
        const auto [status, answer] =
            call(producer["status"]["address"]["url"].get<std::string>(), R"({"count": 5})", {});
        QCOMPARE(status, 200L);
        QVERIFY2(answer.find("\"sent\":5") != std::string::npos, answer.c_str());

        const bool settled = waitFor(
            [&] {
                return metric("trigger_events_delivered_total", {"trigger_name=\"benchmark-events\""}) >= 5 &&
                       metric("trigger_events_dead_lettered_total", {"trigger_name=\"dead-subscriber\""}) >= 5;
            },
            20s);
        if (!settled) {
            const auto [code, text] = call(state().apiUrl + "/metrics", {}, state().token);
            std::string relevant;
            std::istringstream lines(text);
            for (std::string line; std::getline(lines, line);)
                if (line.starts_with("trigger_") || line.starts_with("broker_"))
                    relevant += line + "\n";
            QFAIL(("events were not delivered and dead-lettered:\n" + relevant).c_str());
        }
        // 5 from the producer, plus the consumer's replies: a wrapper answers a CloudEvent with one, and a reply goes
        // back into the broker (it matches none of the triggers' types).
        QVERIFY(metric("broker_events_accepted_total", {"broker_name=\"default\""}) >= 5.0);
        QCOMPARE(metric("trigger_events_delivered_total", {"trigger_name=\"other-events\""}), 0.0);
        QCOMPARE(metric("trigger_delivery_retries_total", {"trigger_name=\"dead-subscriber\""}), 10.0);
        // The consumer's revision served the 5 deliveries and the 5 dead letters.
        QVERIFY(
            waitFor([&] { return metric("revision_request_count", {"revision_name=\"consumer-00001\""}) >= 10; }, 10s));
    }

    void brokerHopsAreLinkedSpans() {
        const auto [status, body] =
            call(state().apiUrl + "/api/v2/traces?serviceName=broker-filter&limit=50", {}, state().token);
        QCOMPARE(status, 200L);
        const json traces = json::parse(body);
        bool linked = false;
        for (const json& trace : traces) {
            std::map<std::string, std::string> nameById;
            for (const json& span : trace)
                nameById[span["id"]] = span["name"];
            for (const json& span : trace)
                if (span["name"] == "broker-dispatch" && span.contains("parentId") &&
                    nameById[span["parentId"]] == "broker-ingress")
                    linked = true;
        }
        QVERIFY2(linked, body.substr(0, 2000).c_str());
    }

    void cleanupTestCase() {
        m_client.reset();
        if (m_daemon)
            m_daemon->stop();
    }
};

QTEST_GUILESS_MAIN(TestLocalEventing)
#include "tst_local_eventing.moc"
