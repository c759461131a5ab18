#include "kube_waits.h"

#include "kube/knative.h"
#include "localplatform/daemon.h"

#include <QTest>

namespace faaswb::test {

using nlohmann::json;

std::optional<kube::KubeClient> localDaemonClient(const QString& stateDir) {
    const auto state = localplatform::readDaemonState(stateDir.toStdString());
    if (!state)
        return std::nullopt;
    auto client = kube::KubeClient::fromKubeconfig(state->kubeconfigPath);
    if (!client)
        return std::nullopt;
    return std::move(*client);
}

json deployServiceAndWait(kube::KubeClient& client, const json& manifest, std::chrono::seconds timeout) {
    const std::string name = manifest["metadata"]["name"];
    auto created = client.create(kube::knativeServicesPath("default"), manifest);
    if (!created.ok()) {
        qWarning("create %s failed: %s", name.c_str(), created.error().message.c_str());
        return nullptr;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto service = client.get(kube::knativeServicesPath("default", name));
        if (service.ok() && kube::isReady(*service))
            return *service;
        QTest::qWait(20);
    }
    qWarning("service %s not Ready within %llds", name.c_str(), static_cast<long long>(timeout.count()));
    return nullptr;
}

json waitForPods(kube::KubeClient& client, const std::string& selector,
                 const std::function<bool(const json& pods)>& predicate, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        kube::ListOptions options;
        options.labelSelector = selector;
        if (auto listed = client.list("/api/v1/namespaces/default/pods", options); listed.ok() && predicate(*listed))
            return *listed;
        QTest::qWait(20);
    }
    return nullptr;
}

} // namespace faaswb::test
