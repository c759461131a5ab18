// discoverClusterEnvironment: what the API server tells about the cluster, each item optional but /version.
#include "platform/knative_environment.h"

#include "kube/quantity.h"

#include <algorithm>
#include <initializer_list>

namespace faaswb::platform {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Every call gets what is left of the whole budget, so the discovery as a whole stays within `timeout`.
class Budget {
public:
    explicit Budget(std::chrono::milliseconds timeout)
        : m_deadline(Clock::now() + timeout) {}

    bool spent() const { return Clock::now() >= m_deadline; }
    kube::CallOptions call() const {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline - Clock::now());
        return kube::CallOptions{std::max(left, std::chrono::milliseconds(1)), nullptr};
    }

private:
    Clock::time_point m_deadline;
};

// The object at `path`, or null for any failure: 403/404 and the like mean "unknown", not an error.
json optionalGet(const kube::KubeClient& client, const std::string& path, const Budget& budget) {
    if (budget.spent())
        return nullptr;
    auto answer = client.get(path, budget.call());
    return answer ? std::move(*answer) : json();
}

std::optional<std::string> firstLabel(const json& object, std::initializer_list<const char*> keys) {
    const json labels = object.is_object() ? object.value("/metadata/labels"_json_pointer, json::object()) : json();
    for (const char* key : keys) {
        if (labels.is_object() && labels.contains(key) && labels[key].is_string() &&
            !labels[key].get<std::string>().empty())
            return labels[key].get<std::string>();
    }
    return std::nullopt;
}

std::optional<std::string> namespaceVersion(const kube::KubeClient& client, const std::string& ns,
                                            const char* releaseLabel, const Budget& budget) {
    return firstLabel(optionalGet(client, "/api/v1/namespaces/" + ns, budget),
                      {"app.kubernetes.io/version", releaseLabel});
}

// A node's allocatable quantity through `parse`, or nullopt when it is missing or unreadable.
std::optional<double> allocatable(const json& node, const char* resource, Result<double> (*parse)(std::string_view)) {
    const json value = node.value("/status/allocatable"_json_pointer, json::object()).value(resource, json());
    if (!value.is_string())
        return std::nullopt;
    auto parsed = parse(value.get<std::string>());
    return parsed ? std::optional<double>(*parsed) : std::nullopt;
}

// Sums are known only when every node reports the resource: a partial sum would understate the cluster.
void readNodes(const kube::KubeClient& client, const Budget& budget, ClusterEnvironment& environment) {
    const json list = optionalGet(client, "/api/v1/nodes", budget);
    if (!list.is_object() || !list.contains("items") || !list["items"].is_array())
        return;
    environment.nodes = static_cast<int>(list["items"].size());
    std::optional<double> cpu = 0.0;
    std::optional<double> memory = 0.0;
    for (const json& node : list["items"]) {
        const auto nodeCpu = allocatable(node, "cpu", &kube::cpuMillicores);
        const auto nodeMemory = allocatable(node, "memory", &kube::bytes);
        cpu = cpu && nodeCpu ? std::optional<double>(*cpu + *nodeCpu) : std::nullopt;
        memory = memory && nodeMemory ? std::optional<double>(*memory + *nodeMemory) : std::nullopt;
    }
    environment.allocatableCpuMillicores = cpu;
    if (memory)
        environment.allocatableMemoryBytes = static_cast<std::int64_t>(*memory);
}

std::optional<std::string> ingressClass(const kube::KubeClient& client, const Budget& budget) {
    const json configMap = optionalGet(client, "/api/v1/namespaces/knative-serving/configmaps/config-network", budget);
    const json data = configMap.is_object() ? configMap.value("data", json::object()) : json::object();
    for (const char* key : {"ingress-class", "ingress.class"}) {
        if (data.is_object() && data.contains(key) && data[key].is_string() && !data[key].get<std::string>().empty())
            return data[key].get<std::string>();
    }
    return std::nullopt;
}

template <typename T>
json orNull(const std::optional<T>& value) {
    return value ? json(*value) : json();
}

// What to check, by what the server said: an answer names credentials or permissions, no answer the address.
std::string versionFailureHint(const kube::KubeResult<nlohmann::json>& failed) {
    switch (failed.status().httpCode) {
    case 0:
        return failed.error().message.find("certificate") != std::string::npos
                   ? "Check the cluster's certificate-authority(-data) in the kubeconfig."
                   : "Check the kubeconfig's server and that the cluster is up.";
    case 401:
        return "The server did not accept the kubeconfig's credentials (token, client certificate or exec plugin).";
    case 403:
        return "The kubeconfig's user may not read /version.";
    default:
        return "Check that the kubeconfig's server is a Kubernetes API server.";
    }
}

} // namespace

json ClusterEnvironment::toJson() const {
    return {{"kubernetesVersion", kubernetesVersion.empty() ? json() : json(kubernetesVersion)},
            {"servingVersion", orNull(servingVersion)},
            {"eventingVersion", orNull(eventingVersion)},
            {"nodes", orNull(nodes)},
            {"allocatableCpuMillicores", orNull(allocatableCpuMillicores)},
            {"allocatableMemoryBytes", orNull(allocatableMemoryBytes)},
            {"ingressClass", orNull(ingressClass)},
            {"metricsServer", metricsServer}};
}

Result<ClusterEnvironment> discoverClusterEnvironment(const kube::KubeClient& client,
                                                      std::chrono::milliseconds timeout) {
    const Budget budget(timeout);
    auto version = client.version(budget.call());
    if (!version)
        return Error{version.error().code, "reading the cluster's version from " + client.context().cluster.server +
                                               ": " + version.error().message + ". " + versionFailureHint(version)};
    ClusterEnvironment environment;
    environment.kubernetesVersion = version->value("gitVersion", "");
    environment.servingVersion = namespaceVersion(client, "knative-serving", "serving.knative.dev/release", budget);
    environment.eventingVersion = namespaceVersion(client, "knative-eventing", "eventing.knative.dev/release", budget);
    readNodes(client, budget, environment);
    environment.ingressClass = ingressClass(client, budget);
    environment.metricsServer = !optionalGet(client, "/apis/metrics.k8s.io/v1beta1", budget).is_null();
    return environment;
}

} // namespace faaswb::platform
