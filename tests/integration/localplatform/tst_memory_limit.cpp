// Memory limits on the local platform: a 030.memory python service with resources.limits.memory 64Mi, deployed
// through the daemon's API. Its Service and Revision status carry faaswb.dev/memory-limit with what detection says
// for this machine; where cgroup v2 can enforce it, the instance runs in its own group with memory.max and a request
// for 256 MiB ends with the crash reason "killed by the memory limit (memory.max 67108864 bytes)".
#include "http_call.h"
#include "kube/client.h"
#include "kube/knative.h"
#include "kube_waits.h"
#include "localplatform/daemon.h"
#include "localplatform/memory_cgroup.h"
#include "test_daemon.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <functional>

using namespace faaswb;
using namespace faaswb::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr std::int64_t kLimitBytes = 64 * 1024 * 1024;

json memoryService(const std::string& name, std::optional<std::string> memory) {
    kube::KnativeServiceSpec spec;
    spec.name = name;
    spec.image = "local/030.memory:python";
    spec.annotations = {{"autoscaling.knative.dev/min-scale", "1"}};
    if (memory)
        spec.resourceLimits["memory"] = *memory;
    return kube::knativeService(spec);
}

std::optional<std::string> annotation(const json& object) {
    const json& annotations = object["status"].value("annotations", json::object());
    const auto found = annotations.find(localplatform::kMemoryLimitAnnotation);
    if (found == annotations.end())
        return std::nullopt;
    return found->get<std::string>();
}

std::string readText(const std::string& path) {
    std::ifstream file(path);
    return std::string(std::istreambuf_iterator<char>(file), {});
}

} // namespace

class TestMemoryLimit : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_stateDir;
    std::unique_ptr<localplatform::LocalPlatformDaemon> m_daemon;
    std::optional<kube::KubeClient> m_client;

    json deployAndWait(const json& manifest) { return test::deployServiceAndWait(*m_client, manifest); }

    // The first pod of `service` for which `predicate` holds.
    json waitForPod(const std::string& service, const std::function<bool(const json&)>& predicate) {
        json found;
        test::waitForPods(
            *m_client, "serving.knative.dev/service=" + service,
            [&](const json& pods) {
                for (const json& pod : pods["items"])
                    if (predicate(pod)) {
                        found = pod;
                        return true;
                    }
                return false;
            },
            20s);
        return found;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_stateDir.isValid());
        auto options = testDaemonOptions(m_stateDir.filePath(QStringLiteral("state")));
        options.supervisor.terminationGrace = 2000ms;
        auto daemon = localplatform::LocalPlatformDaemon::start(std::move(options));
        QVERIFY2(daemon.ok(), daemon.ok() ? "" : daemon.error().message.c_str());
        m_daemon = std::move(*daemon);
        auto client = kube::KubeClient::fromKubeconfig(m_daemon->state().kubeconfigPath);
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().message.c_str());
        m_client = std::move(*client);
    }

    void cleanupTestCase() { m_daemon.reset(); }

    void statusSaysWhetherTheLimitIsEnforced() {
        const localplatform::MemoryCgroupSupport& support = localplatform::processMemoryCgroup();
        qInfo("detection on this machine: %s", support.annotation().c_str());
        const json service = deployAndWait(memoryService("mem", "64Mi"));
        QVERIFY(!service.is_null());
        QCOMPARE(annotation(service), std::optional<std::string>(support.annotation()));
        auto revision = m_client->get("/apis/serving.knative.dev/v1/namespaces/default/revisions/" +
                                      service["status"]["latestReadyRevisionName"].get<std::string>());
        QVERIFY(revision.ok());
        QCOMPARE(annotation(*revision), std::optional<std::string>(support.annotation()));
        if (!support.enforceable())
            QVERIFY2(support.reason.starts_with("not enforceable here: "), support.reason.c_str());
    }

    void noLimit_noAnnotation() {
        const json service = deployAndWait(memoryService("unlimited", std::nullopt));
        QVERIFY(!service.is_null());
        QCOMPARE(annotation(service), std::optional<std::string>());
    }

    void overTheLimit_isKilledWithTheOomReason() {
        const localplatform::MemoryCgroupSupport& support = localplatform::processMemoryCgroup();
        if (!support.enforceable())
            QSKIP(support.reason.c_str());
        const json ready = waitForPod("mem", [](const json& pod) {
            return pod["status"].value("phase", "") == "Running" && pod["status"].contains("faaswb");
        });
        QVERIFY(!ready.is_null());
        const int pid = ready["status"]["faaswb"].value("pid", 0);
        QVERIFY(pid > 0);
        const std::string cgroup = readText("/proc/" + std::to_string(pid) + "/cgroup");
        QVERIFY2(cgroup.find("/faaswb-") != std::string::npos, cgroup.c_str());

        auto service = m_client->get(kube::knativeServicesPath("default", "mem"));
        QVERIFY(service.ok());
        const HttpReply reply = httpCall((*service)["status"]["address"]["url"].get<std::string>(),
                                         HttpCallOptions{R"({"mb": 256})", {}, {}});
        QVERIFY2(reply.status != 200, reply.body.c_str());
        const std::string expected = localplatform::describeMemoryKill(kLimitBytes);
        const json crashed = waitForPod("mem", [&expected](const json& pod) {
            for (const json& condition : pod["status"].value("conditions", json::array()))
                if (condition.value("type", "") == "Ready" && condition.value("message", "") == expected)
                    return true;
            return false;
        });
        QVERIFY2(!crashed.is_null(), ("no pod reported: " + expected).c_str());
    }
};

QTEST_GUILESS_MAIN(TestMemoryLimit)
#include "tst_memory_limit.moc"
