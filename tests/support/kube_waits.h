// Conditions with deadlines over a Kubernetes-shaped API (the local platform's, or a fake one): a Knative Service
// created and Ready, the pods of a selector in a wanted state. Poll the API while the Qt event loop keeps running.
#pragma once

#include "kube/client.h"

#include <QString>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace faaswb::test {

// A client of the local platform daemon whose state lives in `stateDir` (through its kubeconfig); nullopt when
// there is no such daemon.
std::optional<kube::KubeClient> localDaemonClient(const QString& stateDir);
// Creates the Service in `default` and returns it once Ready; null (with a warning) on an error or the deadline.
nlohmann::json deployServiceAndWait(kube::KubeClient& client, const nlohmann::json& manifest,
                                    std::chrono::seconds timeout = std::chrono::seconds(30));
// The pod list (`default` namespace, `selector`) once `predicate` holds on it; null at the deadline.
nlohmann::json waitForPods(kube::KubeClient& client, const std::string& selector,
                           const std::function<bool(const nlohmann::json& pods)>& predicate,
                           std::chrono::seconds timeout);

} // namespace faaswb::test
