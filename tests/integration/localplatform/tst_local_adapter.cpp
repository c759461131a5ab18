// The `local` Platform adapter end to end: createLocalPlatform starts an embedded daemon (short autoscaler windows),
// deploys 000.noop in cpp, and every capability is checked against the running instance: requests through the
// returned URL, the scale watch, pod metrics, spans, the wait for scale to zero, connecting by state dir, removal.
#include "http_call.h"
#include "platform/local_platform.h"
#include "scale_sample_log.h"
#include "test_daemon.h"
#include "testutils.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <mutex>

using namespace faaswb;
using namespace faaswb::test;
using namespace std::chrono_literals;

namespace {

// POST {} as the load engine sends it (the wrappers answer POST).
HttpReply httpPost(const platform::Deployment& deployment) {
    HttpCallOptions options;
    options.body = "{}";
    options.headers.assign(deployment.headers.begin(), deployment.headers.end());
    return httpCall(deployment.url, options);
}

} // namespace

class TestLocalAdapter : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_stateDir;
    model::PlatformConfig m_config;
    std::unique_ptr<platform::Platform> m_platform;
    std::optional<platform::Deployment> m_deployment;
    std::chrono::system_clock::time_point m_started = std::chrono::system_clock::now();

private slots:
    void initTestCase() {
        QVERIFY(m_stateDir.isValid());
        m_config.name = "local";
        m_config.type = model::PlatformType::Local;
        m_config.autoscaler = {{"stable-window", "6s"}, {"scale-to-zero-grace-period", "1s"}};
        localplatform::DaemonOptions options = test::testDaemonOptions(m_stateDir.filePath(QStringLiteral("state")));
        auto created = platform::createLocalPlatform(m_config, options);
        QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());
        m_platform = std::move(created).value();
    }

    void cleanupTestCase() {
        if (m_platform && m_deployment)
            (void)m_platform->remove(*m_deployment);
        m_platform.reset(); // stops the embedded daemon and its instances
    }

    void describesItself() {
        const auto info = m_platform->describe();
        QCOMPARE(info.kind, std::string("local"));
        QVERIFY(!info.version.empty());
        QCOMPARE(info.nodes, std::optional<int>(1));
        QVERIFY(info.details.value("apiUrl", "").rfind("http://127.0.0.1:", 0) == 0);
        QCOMPARE(info.details["autoscaler"]["stable-window"].get<std::string>(), std::string("6s"));
        for (auto capability :
             {platform::Capability::Deploy, platform::Capability::ForceColdStart, platform::Capability::WatchScale,
              platform::Capability::PodMetrics, platform::Capability::Traces})
            QVERIFY(m_platform->supports(capability));
    }

    void rejectsBadOverrides() {
        auto config = m_config;
        config.autoscaler = {{"stable-window", "1s"}};
        auto created = platform::createLocalPlatform(config);
        QVERIFY(!created.ok());
        QVERIFY2(QString::fromStdString(created.error().message).contains(QStringLiteral("stable-window")),
                 created.error().message.c_str());
    }

    void deploysAndServes() {
        platform::FunctionSpec spec;
        spec.name = "noop-cpp";
        spec.benchmark = "000.noop";
        spec.language = "cpp";
        CancellationToken cancel;
        const auto start = std::chrono::steady_clock::now();
        auto deployed = m_platform->deploy(spec, cancel);
        QVERIFY2(deployed.ok(), deployed.ok() ? "" : deployed.error().message.c_str());
        qInfo("deploy took %lld ms", static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                std::chrono::steady_clock::now() - start)
                                                                .count()));
        m_deployment = *deployed;
        QVERIFY(m_deployment->createdByUs);
        QVERIFY(!m_deployment->revision.empty());
        QVERIFY2(m_deployment->url.find("/default/noop-cpp") != std::string::npos, m_deployment->url.c_str());

        const HttpReply reply = httpPost(*m_deployment);
        QCOMPARE(reply.status, 200L);
        QVERIFY2(reply.headers.count("x-faaswb-instance"), reply.body.c_str());

        // Deploying the same spec again merges into the existing Service and stays ours.
        auto again = m_platform->deploy(spec, cancel);
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
        QVERIFY(again->createdByUs);
    }

    void reportsDeployFailures() {
        platform::FunctionSpec spec;
        spec.name = "missing-benchmark";
        spec.image = "local/999.missing:cpp";
        CancellationToken cancel;
        auto deployed = m_platform->deploy(spec, cancel);
        QVERIFY(!deployed.ok());
        QCOMPARE(deployed.error().code, ErrorCode::Platform);
        QVERIFY2(QString::fromStdString(deployed.error().message).contains(QStringLiteral("missing-benchmark")),
                 deployed.error().message.c_str());
        platform::Deployment failed;
        failed.name = spec.name;
        QVERIFY(m_platform->remove(failed).ok());
    }

    void watchesScale() {
        QVERIFY(m_deployment);
        ScaleSampleLog log;
        auto watch = m_platform->watchScale(*m_deployment, [&](const platform::ScaleSample& s) { log.add(s); });
        QVERIFY2(watch.ok(), watch.ok() ? "" : watch.error().message.c_str());
        QTRY_VERIFY_WITH_TIMEOUT(log.any([](const auto& s) { return s.ready.value_or(0) >= 1; }), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(log.any([](const auto& s) { return s.desired.has_value() && s.panic.has_value(); }),
                                 10000);
        for (const auto& sample : log.samples())
            QCOMPARE(sample.revision, m_deployment->revision);
        // At least one sample per second, even without changes.
        const auto before = log.samples().size();
        QTRY_VERIFY_WITH_TIMEOUT(log.samples().size() >= before + 2, 3500);
        watch->reset(); // stops the watch; no sample after this
        const auto after = log.samples().size();
        QTest::qWait(1500);
        QCOMPARE(log.samples().size(), after);
    }

    void reportsPodMetrics() {
        QVERIFY(m_deployment);
        QCOMPARE(httpPost(*m_deployment).status, 200L); // keep the pod busy and alive
        std::vector<platform::PodMetricsSample> samples;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto metrics = m_platform->podMetrics(*m_deployment);
                if (metrics.ok())
                    samples = *metrics;
                return !samples.empty();
            }(),
            10000);
        QVERIFY(!samples.front().pod.empty());
        QVERIFY(samples.front().cpuMillicores.has_value());
        QVERIFY(samples.front().memoryBytes.value_or(0) > 0);
    }

    void fetchesSpans() {
        QVERIFY(m_deployment);
        QCOMPARE(httpPost(*m_deployment).status, 200L);
        std::vector<trace::Span> spans;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto fetched = m_platform->fetchSpans({m_started - 1min, std::chrono::system_clock::now() + 1s});
                if (fetched.ok())
                    spans = *fetched;
                return !spans.empty();
            }(),
            10000);
        for (const auto& span : spans) {
            QCOMPARE(span.traceId.size() == 32 || span.traceId.size() == 16, true);
            QVERIFY(span.startUs > 0);
        }
        // A window before anything ran has no spans.
        auto none = m_platform->fetchSpans({m_started - 10min, m_started - 5min});
        QVERIFY(none.ok());
        QVERIFY(none->empty());
    }

    void connectsByStateDir() {
        auto config = m_config;
        config.name = "shared";
        config.stateDir = m_stateDir.filePath(QStringLiteral("state")).toStdString();
        auto connected = platform::createLocalPlatform(config);
        QVERIFY2(connected.ok(), connected.ok() ? "" : connected.error().message.c_str());
        const auto info = (*connected)->describe();
        QCOMPARE(info.details["embedded"].get<bool>(), false);
        QCOMPARE(info.details["apiUrl"], m_platform->describe().details["apiUrl"]);

        config.stateDir = m_stateDir.filePath(QStringLiteral("nothing-here")).toStdString();
        auto missing = platform::createLocalPlatform(config);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::Platform);
    }

    void waitsForScaleToZero() {
        QVERIFY(m_deployment);
        CancellationToken cancel;
        const auto start = std::chrono::steady_clock::now();
        const Status cold = m_platform->forceColdStart(*m_deployment, cancel);
        const auto tookMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
        QVERIFY2(cold.ok(), cold.ok() ? "" : cold.error().message.c_str());
        qInfo("scale to zero took %lld ms (stable window 6s, grace 1s)", static_cast<long long>(tookMs));
        QVERIFY2(tookMs < 20000, qPrintable(QString::number(tookMs)));
        auto metrics = m_platform->podMetrics(*m_deployment);
        QVERIFY(metrics.ok());
        QVERIFY(metrics->empty());

        // From zero, the next request starts an instance again (a cold start).
        QCOMPARE(httpPost(*m_deployment).status, 200L);
    }

    void coldStartWaitIsCancellable() {
        QVERIFY(m_deployment);
        QCOMPARE(httpPost(*m_deployment).status, 200L); // an instance is running now
        CancellationToken cancel;
        cancel.cancel();
        const Status cold = m_platform->forceColdStart(*m_deployment, cancel);
        QVERIFY(!cold.ok());
        QCOMPARE(cold.error().code, ErrorCode::Cancelled);
    }

    void removes() {
        QVERIFY(m_deployment);
        const Status removed = m_platform->remove(*m_deployment);
        QVERIFY2(removed.ok(), removed.ok() ? "" : removed.error().message.c_str());
        QVERIFY(httpPost(*m_deployment).status != 200);
        auto metrics = m_platform->podMetrics(*m_deployment);
        QVERIFY(metrics.ok() && metrics->empty());
        QVERIFY(m_platform->remove(*m_deployment).ok()); // removing twice is fine
        m_deployment.reset();
    }
};

QTEST_GUILESS_MAIN(TestLocalAdapter)
#include "tst_local_adapter.moc"
