#include "engine/chain_setup.h"

#include <chrono>

namespace faaswb::engine::chain {

namespace {

using platform::Capability;
using platform::Deployment;

constexpr auto kInstanceTimeout = std::chrono::seconds(120);
constexpr auto kInstancePoll = std::chrono::milliseconds(100);

std::string where(CellContext& cell) {
    return "workflow-chain scenario '" + cell.scenario().name + "': mechanism " +
           model::chainMechanismName(cell.scenario().chain.mechanism);
}

std::string brokerName(const Deployment& from) {
    return from.name + "-next"; // the hop out of `from`
}

// 700.chain forwards only trace headers, so a step can call another only at a URL that routes by itself: the local
// platform's gateway path route, or inside a cluster the Service's cluster-local name (its Host header <svc>.<ns>.*
// names it).
std::string serviceUrl(const Deployment& deployment) {
    for (const auto& [name, value] : deployment.headers) {
        if (name != "Host" && name != "host")
            continue;
        const auto firstDot = value.find('.');
        const auto secondDot = firstDot == std::string::npos ? firstDot : value.find('.', firstDot + 1);
        if (secondDot == std::string::npos)
            break;
        return "http://" + value.substr(0, secondDot) + ".svc.cluster.local";
    }
    return deployment.url;
}

Result<std::string> waitInstance(CellContext& cell, const Deployment& deployment) {
    const auto deadline = std::chrono::steady_clock::now() + kInstanceTimeout;
    std::string last = "no ready instance";
    while (true) {
        auto urls = cell.platform().instanceUrls(deployment);
        if (urls && !urls->empty())
            return urls->front();
        if (!urls)
            last = urls.error().message;
        if (std::chrono::steady_clock::now() >= deadline)
            return platformError(where(cell) + ": step " + deployment.name + " has no ready instance after " +
                                 std::to_string(kInstanceTimeout.count()) + " s (" + last + ")");
        if (cell.stop().waitFor(kInstancePoll))
            return cancelled("waiting for an instance of " + deployment.name + ": cancelled");
    }
}

} // namespace

bool isAsynchronous(Mechanism mechanism) {
    return mechanism == Mechanism::Eventing || mechanism == Mechanism::EventingServing;
}

bool addressesInstances(Mechanism mechanism) {
    return mechanism == Mechanism::Direct || mechanism == Mechanism::Eventing;
}

platform::FunctionSpec stepSpec(const platform::FunctionSpec& first, int step, Mechanism mechanism) {
    platform::FunctionSpec spec = first;
    spec.name = first.name + "-s" + std::to_string(step);
    spec.env[kServiceNameEnv] = spec.name;
    if (addressesInstances(mechanism))
        spec.annotations[kMinScaleAnnotation] = "1";
    return spec;
}

Status checkPlatform(CellContext& cell, Mechanism mechanism) {
    auto& platform = cell.platform();
    const std::string name = cell.experiment().platform;
    if (addressesInstances(mechanism) && !platform.supports(Capability::InstanceUrls))
        return platformError(std::string("mechanism ") + model::chainMechanismName(mechanism) +
                             " needs a platform that exposes instance addresses; " + name + " does not");
    if (isAsynchronous(mechanism) && (!platform.supports(Capability::Eventing) || !platform.eventing()))
        return platformError(where(cell) + " needs Knative Eventing (brokers, triggers, sink bindings); platform '" +
                             name + "' has none");
    if (isAsynchronous(mechanism) && !platform.supports(Capability::Traces))
        return platformError(where(cell) + " reads its hops from the steps' spans; platform '" + name +
                             "' has no trace source (set `zipkin:` or `otlpReceiver:` on it)");
    if (!platform.supports(Capability::Deploy))
        return platformError(where(cell) + " deploys its steps; platform '" + name + "' cannot deploy");
    return {};
}

Result<std::vector<Deployment>> deploySteps(CellContext& cell) {
    const auto& config = cell.scenario().chain;
    std::vector<Deployment> steps{cell.deployment()};
    for (int step = 2; step <= config.steps; ++step) {
        cell.phase("deploy step " + std::to_string(step) + "/" + std::to_string(config.steps));
        auto deployed = cell.deployExtra(stepSpec(cell.plan().function, step, config.mechanism));
        if (!deployed)
            return Error{deployed.error().code, "step " + std::to_string(step) + ": " + deployed.error().message};
        steps.push_back(std::move(deployed).value());
    }
    return steps;
}

Result<std::string> stepUrl(CellContext& cell, const Deployment& deployment, Mechanism mechanism) {
    if (addressesInstances(mechanism))
        return waitInstance(cell, deployment);
    // 700.chain sends no credentials: a step behind authentication (OpenWhisk's API) cannot be called by another.
    if (deployment.auth.kind != load::RequestAuth::Kind::None)
        return platformError(where(cell) + ": step " + deployment.name + " needs authentication (platform '" +
                             cell.experiment().platform + "'), which a 700.chain step cannot send");
    return serviceUrl(deployment);
}

// Per hop i (step i -> i+1) a Broker of its own: 700.chain's events carry no attribute naming their step (the
// source holds the sending instance's id, which varies), so one shared broker could not tell hops apart. The
// Trigger filters on 700.chain's event type, which drops the steps' replies (dev.faaswb.response) the broker gets
// back from its subscribers.
Status wireEventing(CellContext& cell, const std::vector<Deployment>& steps, Mechanism mechanism) {
    platform::Eventing& eventing = *cell.platform().eventing();
    for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
        cell.phase("eventing hop " + std::to_string(i + 1) + "/" + std::to_string(steps.size() - 1));
        const std::string broker = brokerName(steps[i]);
        if (auto made = eventing.ensureBroker(platform::BrokerSpec{broker}, cell.stop()); !made)
            return made.error();
        if (Status bound =
                eventing.ensureSinkBinding(platform::SinkBindingSpec{broker, steps[i].name, broker}, cell.stop());
            !bound)
            return bound;
    }
    // After every binding: a binding replaces the bound step's instances, so their addresses are read only now.
    for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
        platform::TriggerSpec trigger;
        trigger.name = brokerName(steps[i]);
        trigger.broker = brokerName(steps[i]);
        trigger.filterAttributes = {{"type", kStepEventType}};
        if (mechanism == Mechanism::EventingServing) {
            trigger.subscriberService = steps[i + 1].name;
        } else {
            auto url = waitInstance(cell, steps[i + 1]);
            if (!url)
                return url.error();
            trigger.subscriberUri = *url;
        }
        if (Status made = eventing.ensureTrigger(trigger, cell.stop()); !made)
            return made;
    }
    return {};
}

} // namespace faaswb::engine::chain
