// KnativeEventing: the Eventing interface (platform.h) over the Kubernetes API — Broker, Trigger and SinkBinding
// objects (platform-facts §3) created or updated in one namespace, waited for until Ready, and deleted on removeAll()
// only when this object created them (ownership label faaswb.dev/created-by). Works against real clusters and the
// local platform alike. Called from the runner thread, like the Platform that owns it.
#pragma once

#include "kube/client.h"
#include "platform/platform.h"

#include <chrono>
#include <memory>
#include <string>

namespace faaswb::platform {

struct KnativeEventingOptions {
    std::string namespaceName = "default";
    // Where broker CloudEvents go when the broker's status.address.url is not reachable from here (a real cluster's
    // broker-ingress.knative-eventing.svc.cluster.local): URL of an exposed broker ingress; the EventTarget then
    // carries `Host:` of the broker's address. Empty: status.address.url as it is.
    std::string brokerIngress;
    std::chrono::milliseconds readyTimeout{120000};
};

std::unique_ptr<Eventing> makeKnativeEventing(kube::KubeClient client, KnativeEventingOptions options);

} // namespace faaswb::platform
