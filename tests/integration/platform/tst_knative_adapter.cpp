// The `knative` adapter end to end against an embedded local platform daemon reached only through its kubeconfig, as
// a cluster would be: describe, deploy 010.sleep (cpp) through the ingress with Host routing, pods scaling up under a
// burst and back to zero, traces the daemon exports to the adapter's OTLP receiver, eventing, and removal.
#include "http_call.h"
#include "kube/client.h"
#include "localplatform/daemon.h"
#include "platform/knative_platform.h"
#include "platform/trace_source.h"
#include "scale_sample_log.h"
#include "test_daemon.h"
#include "testutils.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <future>
#include <mutex>

using namespace faaswb;
using namespace faaswb::test;
using namespace std::chrono_literals;

namespace {

HttpReply httpPost(const platform::Deployment& deployment, const std::string& body,
                   std::vector<std::pair<std::string, std::string>> extraHeaders = {}) {
    HttpCallOptions options;
    options.body = body;
    options.headers.assign(deployment.headers.begin(), deployment.headers.end());
    options.headers.insert(options.headers.end(), extraHeaders.begin(), extraHeaders.end());
    return httpCall(deployment.url, options);
}

// A port nobody listens on right now: bind an OTLP receiver to port 0, read the port, let it go.
std::uint16_t freePort() {
    auto probe = platform::OtlpReceiver::start("127.0.0.1:0");
    if (!probe.ok())
        return 0;
    const std::string address = (*probe)->address();
    return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

} // namespace

class TestKnativeAdapter : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_stateDir;
    std::unique_ptr<localplatform::LocalPlatformDaemon> m_daemon;
    std::unique_ptr<platform::Platform> m_platform;
    std::optional<platform::Deployment> m_deployment;

    int podCount(const std::string& selector) const {
        auto client = kube::KubeClient::fromKubeconfig(m_daemon->state().kubeconfigPath);
        if (!client.ok())
            return -1;
        kube::ListOptions options;
        options.labelSelector = selector;
        auto pods = client->list("/api/v1/namespaces/default/pods", options);
        return pods.ok() ? static_cast<int>((*pods)["items"].size()) : -1;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_stateDir.isValid());
        const std::uint16_t port = freePort();
        QVERIFY(port != 0);
        localplatform::DaemonOptions options = test::testDaemonOptions(m_stateDir.filePath(QStringLiteral("state")));
        auto autoscaler =
            localplatform::autoscalerDefaultsFromMap({{"stable-window", "6s"}, {"scale-to-zero-grace-period", "1s"}});
        QVERIFY(autoscaler.ok());
        options.autoscaler = *autoscaler;
        options.spanExportUrl = "http://127.0.0.1:" + std::to_string(port) + "/api/v2/spans";
        auto daemon = localplatform::LocalPlatformDaemon::start(options);
        QVERIFY2(daemon.ok(), daemon.ok() ? "" : daemon.error().message.c_str());
        m_daemon = std::move(daemon).value();

        model::PlatformConfig config;
        config.name = "kind-like";
        config.type = model::PlatformType::Knative;
        config.kubeconfig = m_daemon->state().kubeconfigPath;
        config.images = "local/{benchmark}:{language}";
        config.ingress = m_daemon->state().ingressUrl;
        config.otlpReceiver = "127.0.0.1:" + std::to_string(port);
        config.deployTimeout = 60s;
        config.coldStartTimeout = 30s;
        auto created = platform::createKnativePlatform(config);
        QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());
        m_platform = std::move(created).value();
    }

    void cleanupTestCase() {
        if (m_platform && m_deployment)
            (void)m_platform->remove(*m_deployment);
        m_platform.reset();
        m_daemon.reset();
    }

    void describesTheCluster() {
        const auto info = m_platform->describe();
        QCOMPARE(info.kind, std::string("knative"));
        QVERIFY(!info.version.empty());
        QCOMPARE(info.details["cluster"]["kubernetesVersion"].get<std::string>(), info.version);
        // Unknown values are null, never 0 or "".
        for (const auto& [key, value] : info.details["cluster"].items()) {
            QVERIFY2(!(value.is_string() && value.get<std::string>().empty()), key.c_str());
            if (value.is_number())
                QVERIFY2(value.get<double>() != 0, key.c_str());
        }
        QVERIFY(info.details["traces"].get<std::string>().find("otlp") != std::string::npos);
        QVERIFY(m_platform->supports(platform::Capability::Traces));
        QVERIFY(m_platform->supports(platform::Capability::Eventing));
        QVERIFY(m_platform->supports(platform::Capability::PodMetrics));
    }

    void deploysThroughIngressWithHost() {
        platform::FunctionSpec spec;
        spec.name = "sleep-cpp";
        spec.benchmark = "010.sleep";
        spec.language = "cpp";
        spec.containerConcurrency = 1;
        CancellationToken cancel;
        auto deployed = m_platform->deploy(spec, cancel);
        QVERIFY2(deployed.ok(), deployed.ok() ? "" : deployed.error().message.c_str());
        m_deployment = *deployed;
        QVERIFY(m_deployment->createdByUs);
        QVERIFY(!m_deployment->revision.empty());
        QCOMPARE(m_deployment->url, m_daemon->state().ingressUrl + "/");
        QCOMPARE(m_deployment->headers.size(), std::size_t(1));
        QCOMPARE(m_deployment->headers[0].first, std::string("Host"));
        const HttpReply reply = httpPost(*m_deployment, R"({"ms": 1})");
        QCOMPARE(reply.status, 200L);
    }

    void scalesUpUnderABurstAndDown() {
        QVERIFY(m_deployment);
        ScaleSampleLog log;
        auto watch = m_platform->watchScale(*m_deployment, [&](const platform::ScaleSample& s) { log.add(s); });
        QVERIFY2(watch.ok(), watch.ok() ? "" : watch.error().message.c_str());
        std::vector<std::future<long>> burst;
        for (int i = 0; i < 4; ++i)
            burst.push_back(
                std::async(std::launch::async, [this] { return httpPost(*m_deployment, R"({"ms": 1500})").status; }));
        QTRY_VERIFY_WITH_TIMEOUT(log.any([](const auto& s) { return s.ready.value_or(0) >= 2; }), 15000);
        for (auto& request : burst)
            QCOMPARE(request.get(), 200L);
        QVERIFY(log.any([](const auto& s) { return s.desired.value_or(0) >= 2; }));

        CancellationToken cancel;
        const Status cold = m_platform->forceColdStart(*m_deployment, cancel);
        QVERIFY2(cold.ok(), cold.ok() ? "" : cold.error().message.c_str());
        QCOMPARE(podCount("serving.knative.dev/revision=" + m_deployment->revision), 0);
        QTRY_VERIFY_WITH_TIMEOUT(log.any([](const auto& s) { return s.ready == 0 && s.pending == 0; }), 5000);
    }

    void tracesArriveAtTheReceiver() {
        QVERIFY(m_deployment);
        const auto from = std::chrono::system_clock::now() - 1s;
        const std::string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const HttpReply reply =
            httpPost(*m_deployment, R"({"ms": 1})", {{"traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"}});
        QCOMPARE(reply.status, 200L);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto spans = m_platform->fetchSpans({from, std::chrono::system_clock::now() + 1s});
                return spans.ok() && std::any_of(spans->begin(), spans->end(),
                                                 [&](const trace::Span& span) { return span.traceId == traceId; });
            }(),
            10000);
    }

    // Span export is best effort: a receiver that is not there costs the platform nothing; a bad URL is refused.
    void spanExportFailuresAreNotFatal() {
        QTemporaryDir dir;
        localplatform::DaemonOptions options;
        options.stateDir = dir.filePath(QStringLiteral("state")).toStdString();
        options.spanExportUrl = "ftp://127.0.0.1/spans";
        auto refused = localplatform::LocalPlatformDaemon::start(options);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(refused.error().message).contains(QStringLiteral("ftp://127.0.0.1/spans")),
                 refused.error().message.c_str());

        options.spanExportUrl = "http://127.0.0.1:" + std::to_string(freePort()) + "/api/v2/spans";
        auto daemon = localplatform::LocalPlatformDaemon::start(options);
        QVERIFY2(daemon.ok(), daemon.ok() ? "" : daemon.error().message.c_str());
        const auto& state = (*daemon)->state();
        const std::string span = R"([{"traceId":"5bf92f3577b34da6a3ce929d0e0e4736","id":"00f067aa0ba902b7",)"
                                 R"("name":"x","timestamp":1700000000000000,"duration":5,)"
                                 R"("localEndpoint":{"serviceName":"svc"}}])";
        for (int i = 0; i < 3; ++i)
            QCOMPARE(httpCall(state.apiUrl + "/api/v2/spans", HttpCallOptions{span, state.token, {}}).status, 202L);
        const HttpReply stored = httpCall(state.apiUrl + "/api/v2/trace/5bf92f3577b34da6a3ce929d0e0e4736",
                                          HttpCallOptions{{}, state.token, {}});
        QCOMPARE(stored.status, 200L);
        QVERIFY(stored.body.find("svc") != std::string::npos);
    }

    void eventingThroughTheAdapter() {
        QVERIFY(m_deployment);
        auto* eventing = m_platform->eventing();
        QVERIFY(eventing);
        CancellationToken cancel;
        auto broker = eventing->ensureBroker({"adapter-broker"}, cancel);
        QVERIFY2(broker.ok(), broker.ok() ? "" : broker.error().message.c_str());
        QVERIFY(!broker->url.empty());
        platform::TriggerSpec trigger;
        trigger.name = "adapter-trigger";
        trigger.broker = "adapter-broker";
        trigger.subscriberService = m_deployment->name;
        const Status triggered = eventing->ensureTrigger(trigger, cancel);
        QVERIFY2(triggered.ok(), triggered.ok() ? "" : triggered.error().message.c_str());
        QVERIFY(eventing->removeAll().ok());
    }

    void removesEverything() {
        QVERIFY(m_deployment);
        const Status removed = m_platform->remove(*m_deployment);
        QVERIFY2(removed.ok(), removed.ok() ? "" : removed.error().message.c_str());
        QCOMPARE(podCount("serving.knative.dev/service=" + m_deployment->name), 0);
        QVERIFY(httpPost(*m_deployment, "{}").status != 200);
        m_deployment.reset();
    }
};

QTEST_GUILESS_MAIN(TestKnativeAdapter)
#include "tst_knative_adapter.moc"
