// The environment record of a Knative cluster, stored with every run (runs.environment): Kubernetes version,
// Knative Serving/Eventing versions when discoverable, node count and allocatable resources, ingress class.
// Blocking API calls; call once per platform from the runner thread (the adapter caches the answer).
#pragma once

#include "kube/client.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

namespace faaswb::platform {

struct ClusterEnvironment {
    std::string kubernetesVersion;                  // /version gitVersion; empty when unknown
    std::optional<std::string> servingVersion;      // knative-serving namespace labels (app.kubernetes.io/version, ...)
    std::optional<std::string> eventingVersion;     // knative-eventing namespace labels
    std::optional<int> nodes;                       // /api/v1/nodes
    std::optional<double> allocatableCpuMillicores; // sum over nodes
    std::optional<std::int64_t> allocatableMemoryBytes;
    std::optional<std::string> ingressClass; // config-network ConfigMap: ingress-class (or the older ingress.class)
    bool metricsServer = false;              // /apis/metrics.k8s.io/v1beta1 answers (pod CPU/memory available)
    // Everything above as JSON for PlatformInfo::details; unknown values are null, never 0 or "".
    nlohmann::json toJson() const;
};

// Asks the API server. What it cannot read (404, 403 Forbidden for a namespaced user, ...) stays unknown; only a
// server that does not answer /version at all is an error.
Result<ClusterEnvironment> discoverClusterEnvironment(const kube::KubeClient& client,
                                                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

} // namespace faaswb::platform
