// Eventing reconcilers: brokers and triggers become the Broker component's configuration.
#include "localplatform/controller_impl.h"

namespace faaswb::localplatform {

void Controller::Impl::onBrokerEvent(const WatchEvent& event) {
    const Json& meta = event.object["metadata"];
    const std::string ns = meta.value("namespace", "default");
    const std::string name = meta.value("name", "");
    if (event.type == WatchEventType::Deleted) {
        broker.removeBroker(ns, name);
        return;
    }
    if (event.type == WatchEventType::Bookmark)
        return;
    const Json previous = previousConditions(event.object);
    const Json spec = event.object.value("spec", Json::object());
    auto delivery = parseDeliverySpec(spec.value("delivery", Json::object()));
    Json status{{"observedGeneration", meta.value("generation", 1L)}};
    if (!delivery) {
        status["conditions"] =
            Json::array({condition("Ready", "False", "InvalidDelivery", delivery.error().message, previous)});
    } else {
        if (spec.contains("delivery") && spec["delivery"].contains("deadLetterSink") &&
            delivery->deadLetterSink.empty())
            delivery->deadLetterSink = resolveDestination(spec["delivery"]["deadLetterSink"], ns);
        broker.upsertBroker(ns, name, *delivery);
        status["address"] = {{"url", broker.brokerUrl(ns, name)}};
        status["conditions"] = Json::array({condition("Addressable", "True", "", "", previous),
                                            condition("Ready", "True", "", "", previous)});
    }
    (void)store.updateStatus(resource("brokers"), ns, name, status);
    if (event.type == WatchEventType::Added)
        refreshTriggers(ns, name);
}

// A Destination ({ref: {kind, name, namespace}, uri}) as a URL: a Knative Service's gateway route, a Broker's
// ingress, or the uri itself (appended to the ref's URL when both are given, as Knative does).
std::string Controller::Impl::resolveDestination(const Json& destination, const std::string& ns) const {
    if (destination.is_string())
        return destination.get<std::string>();
    std::string url;
    if (destination.contains("ref")) {
        const Json& ref = destination["ref"];
        const std::string refNs = ref.value("namespace", ns);
        const std::string kind = ref.value("kind", "Service");
        const std::string name = ref.value("name", "");
        if (kind == "Broker")
            url = broker.brokerUrl(refNs, name);
        else
            url = config.ingressUrl + "/" + refNs + "/" + name;
    }
    if (destination.contains("uri") && destination["uri"].is_string()) {
        const std::string uri = destination["uri"].get<std::string>();
        url = url.empty() ? uri : url + (uri.starts_with("/") ? uri : "/" + uri);
    }
    return url;
}

void Controller::Impl::onTriggerEvent(const WatchEvent& event) {
    const Json& meta = event.object["metadata"];
    const std::string ns = meta.value("namespace", "default");
    const std::string name = meta.value("name", "");
    if (event.type == WatchEventType::Deleted) {
        broker.removeTrigger(ns, name);
        return;
    }
    if (event.type == WatchEventType::Bookmark)
        return;
    const Json previous = previousConditions(event.object);
    const Json spec = event.object.value("spec", Json::object());
    TriggerSpec trigger;
    trigger.namespaceName = ns;
    trigger.name = name;
    trigger.broker = spec.value("broker", "default");
    if (spec.contains("filter") && spec["filter"].contains("attributes"))
        for (const auto& [key, value] : spec["filter"]["attributes"].items())
            trigger.filter[key] = value.is_string() ? value.get<std::string>() : value.dump();
    trigger.subscriberUrl = resolveDestination(spec.value("subscriber", Json::object()), ns);
    Json status{{"observedGeneration", meta.value("generation", 1L)}, {"subscriberUri", trigger.subscriberUrl}};
    std::string problem;
    if (trigger.subscriberUrl.empty())
        problem = "spec.subscriber: needs a ref or a uri";
    if (spec.contains("delivery")) {
        auto delivery = parseDeliverySpec(spec["delivery"]);
        if (!delivery)
            problem = delivery.error().message;
        else {
            if (spec["delivery"].contains("deadLetterSink") && delivery->deadLetterSink.empty())
                delivery->deadLetterSink = resolveDestination(spec["delivery"]["deadLetterSink"], ns);
            trigger.delivery = *delivery;
        }
    }
    if (!problem.empty()) {
        status["conditions"] = Json::array({condition("Ready", "False", "InvalidSpec", problem, previous)});
        broker.removeTrigger(ns, name);
    } else {
        broker.upsertTrigger(trigger);
        const bool brokerExists = store.get(resource("brokers"), ns, trigger.broker).has_value();
        status["conditions"] = Json::array(
            {condition("BrokerReady", brokerExists ? "True" : "False", brokerExists ? "" : "BrokerDoesNotExist",
                       brokerExists ? "" : "Broker \"" + trigger.broker + "\" does not exist", previous),
             condition("Ready", brokerExists ? "True" : "False", brokerExists ? "" : "BrokerDoesNotExist", "",
                       previous)});
    }
    (void)store.updateStatus(resource("triggers"), ns, name, status);
}

// A broker that appears after its triggers: their BrokerReady condition changes.
void Controller::Impl::refreshTriggers(const std::string& ns, const std::string& brokerName) {
    for (const Json& trigger : store.list(resource("triggers"), ns).items)
        if (trigger.value("spec", Json::object()).value("broker", "default") == brokerName)
            onTriggerEvent(WatchEvent{WatchEventType::Modified, trigger});
}

// SinkBinding with a subject naming a Knative Service (sources.knative.dev/v1): its instances get K_SINK (and
// K_CE_OVERRIDES) like the binding webhook injects them into the Deployment's pods.
void Controller::Impl::onSinkBindingEvent(const WatchEvent& event) {
    const Json& meta = event.object["metadata"];
    const std::string ns = meta.value("namespace", "default");
    const std::string key = ns + "/" + meta.value("name", "");
    const auto previousBinding = sinkBindings.find(key);
    const std::string previousSubject =
        previousBinding == sinkBindings.end() ? std::string() : previousBinding->second.subjectKey;
    if (event.type == WatchEventType::Deleted) {
        sinkBindings.erase(key);
        if (!previousSubject.empty())
            rollService(previousSubject);
        return;
    }
    if (event.type == WatchEventType::Bookmark)
        return;
    const Json spec = event.object.value("spec", Json::object());
    const Json subject = spec.value("subject", Json::object());
    const Json previous = previousConditions(event.object);
    Json status{{"observedGeneration", meta.value("generation", 1L)}};
    const std::string sink = resolveDestination(spec.value("sink", Json::object()), ns);
    std::string problem;
    if (subject.value("kind", "") != "Service" || !subject.contains("name"))
        problem = "spec.subject: the local platform binds Knative Services by name (kind: Service, name: ...)";
    else if (sink.empty())
        problem = "spec.sink: needs a ref or a uri";
    if (!problem.empty()) {
        status["conditions"] = Json::array({condition("Ready", "False", "InvalidSpec", problem, previous)});
        (void)store.updateStatus(resource("sinkbindings"), ns, meta.value("name", ""), status);
        return;
    }
    SinkBindingState binding{subject.value("namespace", ns) + "/" + subject.value("name", ""), sink, ""};
    if (spec.contains("ceOverrides"))
        binding.ceOverrides = spec["ceOverrides"].dump();
    const bool changed = previousBinding == sinkBindings.end() || previousBinding->second.sinkUrl != binding.sinkUrl ||
                         previousBinding->second.subjectKey != binding.subjectKey ||
                         previousBinding->second.ceOverrides != binding.ceOverrides;
    sinkBindings[key] = binding;
    status["sinkUri"] = sink;
    status["conditions"] = Json::array({condition("Ready", "True", "", "", previous)});
    (void)store.updateStatus(resource("sinkbindings"), ns, meta.value("name", ""), status);
    if (changed) {
        if (!previousSubject.empty() && previousSubject != binding.subjectKey)
            rollService(previousSubject);
        rollService(binding.subjectKey);
    }
}

std::vector<std::pair<std::string, std::string>> Controller::Impl::bindingEnv(const std::string& ns,
                                                                              const std::string& service) const {
    std::vector<std::pair<std::string, std::string>> env;
    for (const auto& [key, binding] : sinkBindings) {
        if (binding.subjectKey != ns + "/" + service)
            continue;
        env.emplace_back("K_SINK", binding.sinkUrl);
        if (!binding.ceOverrides.empty())
            env.emplace_back("K_CE_OVERRIDES", binding.ceOverrides);
        break;
    }
    return env;
}

void Controller::Impl::rollService(const std::string& serviceKey) {
    for (auto& [name, pod] : pods) {
        const auto revision = revisions.find(pod.revision);
        if (revision == revisions.end() || revision->second.ns + "/" + revision->second.service != serviceKey ||
            pod.phase == PodPhase::Terminating)
            continue;
        terminatePod(pod); // onInstanceGone starts the replacement with the new env
    }
    for (auto& [name, revision] : revisions)
        if (revision.ns + "/" + revision.service == serviceKey)
            publishEndpoints(revision);
}

} // namespace faaswb::localplatform
