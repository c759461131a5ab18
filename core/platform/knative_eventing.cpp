// KnativeEventing: Broker, Trigger and SinkBinding objects through the Kubernetes API (platform-facts §3).
#include "platform/knative_eventing.h"

#include "kube/knative.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

namespace faaswb::platform {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(75);
// A Ready "False" can be transient (a subscriber Service still starting, a broker created a moment later): like kn's
// --wait-window, it fails the wait only when it is still False this long after it was first seen.
constexpr auto kFailureWindow = std::chrono::seconds(2);
// The last poll before the deadline still gets a fair chance to answer (the wait may overrun by this much).
constexpr auto kMinimumPoll = std::chrono::milliseconds(250);
constexpr auto kDeleteTimeout = std::chrono::seconds(30);
constexpr const char* kNoReadyCondition = "no Ready condition yet";
using kube::kCreatedByLabel;
using kube::kCreatedByValue;

struct Kind {
    const char* apiVersion;
    const char* kind;
    const char* plural;
};

constexpr Kind kBroker{"eventing.knative.dev/v1", "Broker", "brokers"};
constexpr Kind kTrigger{"eventing.knative.dev/v1", "Trigger", "triggers"};
constexpr Kind kSinkBinding{"sources.knative.dev/v1", "SinkBinding", "sinkbindings"};

// What ensure() works on: the object's kind and name, the spec we want, and the maps in that spec we own entirely (a
// merge patch must remove their stale keys, e.g. a filter attribute we no longer set).
struct Desired {
    Kind kind;
    std::string name;
    json spec;
    std::vector<json::json_pointer> replaced;
    std::string context; // added to the object's name in messages, e.g. the broker a trigger is for
};

struct Created {
    Kind kind;
    std::string name;
};

json serviceRef(const std::string& name) {
    return {{"apiVersion", "serving.knative.dev/v1"}, {"kind", "Service"}, {"name", name}};
}

// Specs say null for a field that must go when we take over an existing object (a `uri` beside our `ref` would be
// appended to it); a created object simply leaves them out.
json triggerSpec(const TriggerSpec& spec) {
    json attributes = json::object();
    for (const auto& [key, value] : spec.filterAttributes)
        attributes[key] = value;
    json subscriber = spec.subscriberService.empty()
                          ? json{{"uri", spec.subscriberUri}, {"ref", nullptr}}
                          : json{{"ref", serviceRef(spec.subscriberService)}, {"uri", nullptr}};
    return {{"broker", spec.broker}, {"filter", {{"attributes", attributes}}}, {"subscriber", subscriber}};
}

json sinkBindingSpec(const SinkBindingSpec& spec) {
    const json brokerRef{{"apiVersion", kBroker.apiVersion}, {"kind", kBroker.kind}, {"name", spec.sinkBroker}};
    json subject = serviceRef(spec.subjectService);
    subject["selector"] = nullptr;
    return {{"subject", subject}, {"sink", {{"ref", brokerRef}, {"uri", nullptr}}}};
}

json withoutNulls(json value) {
    if (!value.is_object())
        return value;
    json result = json::object();
    for (auto& [key, member] : value.items())
        if (!member.is_null())
            result[key] = withoutNulls(std::move(member));
    return result;
}

// The merge patch that turns `current` spec into `desired`: desired as is, plus null for every key of a replaced
// map that only `current` has.
json specPatch(const json& current, const Desired& desired) {
    json patch = desired.spec;
    for (const auto& pointer : desired.replaced) {
        if (!current.contains(pointer) || !current[pointer].is_object() || !patch.contains(pointer))
            continue;
        for (const auto& [key, value] : current[pointer].items())
            if (!patch[pointer].contains(key))
                patch[pointer][key] = nullptr;
    }
    return patch;
}

std::string conditionText(const json& condition) {
    std::string text = condition.value("status", "Unknown");
    const std::string reason = condition.value("reason", "");
    const std::string message = condition.value("message", "");
    if (!reason.empty())
        text += " (" + reason + ")";
    if (!message.empty())
        text += ": " + message;
    return text;
}

// The Ready condition as text; when it carries no message, the first other False condition explains it (a Trigger's
// BrokerReady says which broker is missing).
std::string readyText(const json& resource) {
    const json conditions = resource.value("/status/conditions"_json_pointer, json::array());
    json ready;
    std::string cause;
    for (const json& condition : conditions) {
        if (!condition.is_object())
            continue;
        if (condition.value("type", "") == "Ready")
            ready = condition;
        else if (cause.empty() && condition.value("status", "") == "False" && !condition.value("message", "").empty())
            cause = condition.value("type", "") + " " + conditionText(condition);
    }
    if (ready.is_null())
        return cause.empty() ? kNoReadyCondition : cause;
    const std::string text = "Ready " + conditionText(ready);
    return cause.empty() || !ready.value("message", "").empty() ? text : text + "; " + cause;
}

std::string seconds(std::chrono::milliseconds duration) {
    std::ostringstream text;
    text << static_cast<double>(duration.count()) / 1000.0 << " s";
    return text.str();
}

class KnativeEventing final : public Eventing {
public:
    KnativeEventing(kube::KubeClient client, KnativeEventingOptions options)
        : m_client(std::move(client))
        , m_options(std::move(options)) {}

    Result<EventTarget> ensureBroker(const BrokerSpec& spec, const CancellationToken& cancel) override {
        if (spec.name.empty())
            return invalidInput("eventing: a broker needs a name");
        auto broker = ensure(Desired{kBroker, spec.name, json::object(), {}, {}}, cancel);
        if (!broker)
            return broker.error();
        return eventTarget(*broker);
    }

    Status ensureTrigger(const TriggerSpec& spec, const CancellationToken& cancel) override {
        if (spec.name.empty() || spec.broker.empty())
            return invalidInput("eventing: trigger \"" + spec.name + "\" needs a name and a broker");
        if (spec.subscriberService.empty() == spec.subscriberUri.empty())
            return invalidInput("eventing: trigger \"" + spec.name +
                                "\" needs exactly one subscriber: a Knative Service or a URI");
        const std::vector<json::json_pointer> replaced{json::json_pointer("/filter/attributes")};
        auto trigger = ensure(
            Desired{kTrigger, spec.name, triggerSpec(spec), replaced, "for broker \"" + spec.broker + "\""}, cancel);
        if (!trigger)
            return trigger.error();
        return {};
    }

    Status ensureSinkBinding(const SinkBindingSpec& spec, const CancellationToken& cancel) override {
        if (spec.name.empty() || spec.subjectService.empty() || spec.sinkBroker.empty())
            return invalidInput("eventing: sink binding \"" + spec.name +
                                "\" needs a name, a subject Service and a sink broker");
        auto binding = ensure(Desired{kSinkBinding, spec.name, sinkBindingSpec(spec), {}, {}}, cancel);
        if (!binding)
            return binding.error();
        return {};
    }

    Status removeAll() override;

private:
    std::string collectionPath(const Kind& kind) const {
        return std::string("/apis/") + kind.apiVersion + "/namespaces/" + m_options.namespaceName + "/" + kind.plural;
    }
    std::string objectName(const Kind& kind, const std::string& name, const std::string& context = {}) const {
        return std::string(kind.kind) + " \"" + name + "\" in namespace \"" + m_options.namespaceName + "\"" +
               (context.empty() ? "" : " " + context);
    }
    std::string objectName(const Desired& desired) const {
        return objectName(desired.kind, desired.name, desired.context);
    }

    Result<json> ensure(const Desired& desired, const CancellationToken& cancel);
    Status updateExisting(const Desired& desired, const kube::CallOptions& call);
    Result<json> waitUntilReady(const Desired& desired, const CancellationToken& cancel);
    Result<EventTarget> eventTarget(const json& broker) const;

    kube::KubeClient m_client;
    KnativeEventingOptions m_options;
    std::vector<Created> m_created; // in creation order
};

Result<json> KnativeEventing::ensure(const Desired& desired, const CancellationToken& cancel) {
    const kube::CallOptions call{std::chrono::milliseconds(30000), &cancel};
    const json manifest{{"apiVersion", desired.kind.apiVersion},
                        {"kind", desired.kind.kind},
                        {"metadata",
                         {{"name", desired.name},
                          {"namespace", m_options.namespaceName},
                          {"labels", {{kCreatedByLabel, kCreatedByValue}}}}},
                        {"spec", withoutNulls(desired.spec)}};
    auto created = m_client.create(collectionPath(desired.kind), manifest, call);
    if (created) {
        m_created.push_back(Created{desired.kind, desired.name});
    } else if (created.is(kube::StatusReason::AlreadyExists)) {
        if (auto updated = updateExisting(desired, call); !updated)
            return updated.error();
    } else {
        return Error{created.error().code, "creating " + objectName(desired) + ": " + created.error().message};
    }
    return waitUntilReady(desired, cancel);
}

// An object someone (maybe an earlier run) created: take its spec over, but not its ownership.
Status KnativeEventing::updateExisting(const Desired& desired, const kube::CallOptions& call) {
    const std::string path = collectionPath(desired.kind) + "/" + desired.name;
    auto current = m_client.get(path, call);
    if (!current)
        return Error{current.error().code,
                     "reading the existing " + objectName(desired) + ": " + current.error().message};
    const json currentSpec = current->value("spec", json::object());
    const json patch = specPatch(currentSpec, desired);
    json patched = currentSpec;
    patched.merge_patch(patch);
    if (patched == currentSpec)
        return {}; // nothing to change: a patch would only cost a generation on some servers
    auto updated = m_client.patch(path, json{{"spec", patch}}, kube::PatchOptions{}, call);
    if (!updated)
        return Error{updated.error().code,
                     "updating the existing " + objectName(desired) + ": " + updated.error().message};
    return {};
}

// The Ready "False" text once it has lasted kFailureWindow; `since` remembers when it was first seen.
// `since` is when the failure was first seen; the epoch means "not failing". (A plain time point: GCC 12 reports a
// false maybe-uninitialized for std::optional<time_point> here at -O2.)
std::optional<std::string> persistentFailure(const kube::KubeResult<json>& object, Clock::time_point& since) {
    if (!object || !kube::failedCondition(*object)) {
        since = {};
        return std::nullopt;
    }
    if (since == Clock::time_point{})
        since = Clock::now();
    if (Clock::now() - since < kFailureWindow)
        return std::nullopt;
    return readyText(*object);
}

// No status at all after the whole timeout usually means no controller handles the kind.
Error timedOut(const std::string& what, std::chrono::milliseconds timeout, const std::optional<std::string>& lastStatus,
               const std::string& lastError) {
    const bool noStatus = !lastStatus || *lastStatus == kNoReadyCondition;
    return platformError(what + " did not become Ready within " + seconds(timeout) +
                         "; last seen: " + lastStatus.value_or(lastError) +
                         (noStatus ? ". Is Knative Eventing installed and its controller running?" : ""));
}

// Polls (a watch would save little at this rate and needs more machinery than one GET). The "last seen" in a
// timeout is the last status we read: a poll cut short by the deadline says nothing about the object.
Result<json> KnativeEventing::waitUntilReady(const Desired& desired, const CancellationToken& cancel) {
    const std::string path = collectionPath(desired.kind) + "/" + desired.name;
    const std::string what = objectName(desired);
    const auto deadline = Clock::now() + m_options.readyTimeout;
    Clock::time_point failingSince{};
    std::optional<std::string> lastStatus;
    std::string lastError = "no answer from the API server";
    for (;;) {
        const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        auto object = m_client.get(path, kube::CallOptions{std::max(remaining, kMinimumPoll), &cancel});
        if (cancel.isCancelled())
            return cancelled("waiting for " + what + " to become Ready: cancelled");
        if (object && kube::isReady(*object))
            return std::move(*object);
        if (object.is(kube::StatusReason::NotFound))
            return platformError(what + " disappeared while waiting for it to become Ready");
        if (auto failure = persistentFailure(object, failingSince))
            return platformError(what + " is not Ready: " + *failure);
        if (object)
            lastStatus = readyText(*object);
        else
            lastError = object.error().message;
        if (Clock::now() >= deadline)
            return timedOut(what, m_options.readyTimeout, lastStatus, lastError);
        if (cancel.waitFor(kPollInterval))
            return cancelled("waiting for " + what + " to become Ready: cancelled");
    }
}

// status.address.url, or the exposed broker ingress with the address's path and a Host header naming the address.
Result<EventTarget> KnativeEventing::eventTarget(const json& broker) const {
    const json address = broker.value("/status/address/url"_json_pointer, json());
    if (!address.is_string() || address.get<std::string>().empty())
        return platformError(objectName(kBroker, broker.value("/metadata/name"_json_pointer, "")) +
                             " is Ready but has no status.address.url");
    const std::string url = address.get<std::string>();
    if (m_options.brokerIngress.empty())
        return EventTarget{url, {}};
    const std::size_t schemeEnd = url.find("://");
    const std::size_t authorityStart = schemeEnd == std::string::npos ? 0 : schemeEnd + 3;
    const std::size_t pathStart = std::min(url.find('/', authorityStart), url.size());
    std::string ingress = m_options.brokerIngress;
    while (!ingress.empty() && ingress.back() == '/')
        ingress.pop_back();
    return EventTarget{ingress + url.substr(pathStart),
                       {{"Host", url.substr(authorityStart, pathStart - authorityStart)}}};
}

// Newest first, so triggers and bindings go before the broker they point at. What fails to go stays listed, so a
// second call can retry it.
Status KnativeEventing::removeAll() {
    std::vector<Created> kept;
    std::string failures;
    for (auto it = m_created.rbegin(); it != m_created.rend(); ++it) {
        auto removed = m_client.remove(collectionPath(it->kind) + "/" + it->name, nullptr,
                                       kube::CallOptions{kDeleteTimeout, nullptr});
        if (removed || removed.is(kube::StatusReason::NotFound))
            continue;
        kept.insert(kept.begin(), *it);
        failures += (failures.empty() ? "" : "; ") + objectName(it->kind, it->name) + ": " + removed.error().message;
    }
    m_created = std::move(kept);
    if (!failures.empty())
        return platformError("removing eventing objects we created failed: " + failures +
                             ". Delete them with kubectl if they are no longer wanted.");
    return {};
}

} // namespace

std::unique_ptr<Eventing> makeKnativeEventing(kube::KubeClient client, KnativeEventingOptions options) {
    return std::make_unique<KnativeEventing>(std::move(client), std::move(options));
}

} // namespace faaswb::platform
