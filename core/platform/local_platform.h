// The `local` Platform adapter: drives the local platform daemon through its Kubernetes-shaped API with the same
// kube::KubeClient the Knative-cluster adapter uses (platform-facts §2). With `stateDir` set it connects to a running
// daemon (its state.json and kubeconfig); otherwise it starts an embedded daemon for the adapter's lifetime, with
// the experiment's autoscaler overrides.
// Methods are called from the runner thread; the ScaleWatch delivers samples from its watcher thread.
#pragma once

#include "localplatform/daemon.h"
#include "model/experiment.h"
#include "platform/platform.h"

#include <memory>

namespace faaswb::platform {

// Starts (or connects to) the daemon and checks the API answers; Platform errors say what failed.
Result<std::unique_ptr<Platform>> createLocalPlatform(const model::PlatformConfig& config);
// The same with the embedded daemon's options given (binDir, stateDir, supervisor timings), e.g. for tests whose
// executables do not sit beside faaswb-function-host. config.autoscaler overrides options.autoscaler. Unused when
// config.stateDir names a running daemon.
Result<std::unique_ptr<Platform>> createLocalPlatform(const model::PlatformConfig& config,
                                                      localplatform::DaemonOptions options);

} // namespace faaswb::platform
