// The `knative` Platform adapter: Knative Serving (and Eventing) on a Kubernetes cluster reached through a kubeconfig
// (platform-facts §2–4), with no kubectl. The `local` adapter is this adapter pointed at the local platform daemon.
// Methods are called from the runner thread; a ScaleWatch delivers samples from its watcher thread.
#pragma once

#include "model/experiment.h"
#include "platform/platform.h"

#include <memory>

namespace faaswb::platform {

// Loads the kubeconfig (config.kubeconfig, config.context), checks the API server answers and discovers the cluster
// (knative_environment.h). Errors name the kubeconfig/context/server and what failed.
Result<std::unique_ptr<Platform>> createKnativePlatform(const model::PlatformConfig& config);

} // namespace faaswb::platform
