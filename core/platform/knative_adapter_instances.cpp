// KnativeAdapter::instanceUrls: the addresses of a revision's ready pods, for handovers that bypass the ingress,
// activator and queue-proxy (workflow-chain "direct" and "eventing").
#include "kube/knative.h"
#include "platform/knative_adapter.h"

namespace faaswb::platform {

namespace {

using nlohmann::json;

constexpr int kKnativeDefaultPort = 8080; // Knative's containerPort when the template names none

bool isReadyPod(const json& pod) {
    return kube::podCounts(json::array({pod})).ready == 1;
}

// The user container's port: the first containerPort of the container that is not Knative's queue-proxy.
int userPort(const json& pod) {
    const json containers = pod.value(json::json_pointer("/spec/containers"), json::array());
    for (const json& container : containers.is_array() ? containers : json::array()) {
        if (!container.is_object() || container.value("name", "") == "queue-proxy")
            continue;
        const json ports = container.value("ports", json::array());
        if (ports.is_array() && !ports.empty() && ports[0].is_object() && ports[0].contains("containerPort") &&
            ports[0]["containerPort"].is_number_integer())
            return ports[0]["containerPort"].get<int>();
        return kKnativeDefaultPort;
    }
    return kKnativeDefaultPort;
}

// The local platform's pods carry where the instance listens on loopback (status.faaswb.port); a cluster's pods
// are reached at their pod IP. Empty when the pod has no address yet.
std::string podUrl(const json& pod) {
    const json port = pod.value(json::json_pointer("/status/faaswb/port"), json());
    if (port.is_number_integer() && port.get<int>() > 0)
        return "http://127.0.0.1:" + std::to_string(port.get<int>());
    const std::string ip = kube::stringAtPath(pod, {"status", "podIP"});
    if (ip.empty())
        return {};
    const std::string host = ip.find(':') == std::string::npos ? ip : "[" + ip + "]"; // IPv6 pod IPs
    return "http://" + host + ":" + std::to_string(userPort(pod));
}

} // namespace

Result<std::vector<std::string>> KnativeAdapter::instanceUrls(const Deployment& deployment) {
    kube::ListOptions options;
    // By service, not revision: a SinkBinding on a Knative Service rolls out a new revision of it.
    options.labelSelector = "serving.knative.dev/service=" + deployment.name;
    kube::CallOptions call;
    call.timeout = std::chrono::seconds(10);
    auto pods = m_client.list(podsPath(), options, call);
    if (!pods)
        return describeKubeFailure("list", "pods " + options.labelSelector + " in " + ns(), pods.kubeError());
    std::vector<std::string> urls;
    const json items = pods->value("items", json::array());
    for (const json& pod : items.is_array() ? items : json::array())
        if (isReadyPod(pod))
            if (std::string url = podUrl(pod); !url.empty())
                urls.push_back(std::move(url));
    return urls;
}

} // namespace faaswb::platform
