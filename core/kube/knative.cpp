#include "kube/knative.h"

namespace faaswb::kube {
namespace {

const nlohmann::json& member(const nlohmann::json& object, const char* key) {
    static const nlohmann::json absent;
    if (!object.is_object())
        return absent;
    const auto found = object.find(key);
    return found == object.end() ? absent : *found;
}

std::optional<long long> integerAt(const nlohmann::json& object, const char* key) {
    const auto& value = member(object, key);
    if (!value.is_number_integer())
        return std::nullopt;
    return value.get<long long>();
}

std::string stringAt(const nlohmann::json& object, const char* key) {
    const auto& value = member(object, key);
    return value.is_string() ? value.get<std::string>() : std::string();
}

const nlohmann::json* condition(const nlohmann::json& resource, const std::string& type) {
    const auto& conditions = member(member(resource, "status"), "conditions");
    if (!conditions.is_array())
        return nullptr;
    for (const auto& entry : conditions) {
        if (stringAt(entry, "type") == type)
            return &entry;
    }
    return nullptr;
}

// A status written for an older spec says nothing about the current one.
bool statusIsCurrent(const nlohmann::json& resource) {
    const auto generation = integerAt(member(resource, "metadata"), "generation");
    const auto observed = integerAt(member(resource, "status"), "observedGeneration");
    return generation && observed && *generation == *observed;
}

nlohmann::json container(const KnativeServiceSpec& spec) {
    nlohmann::json result{{"image", spec.image}};
    if (spec.containerPort)
        result["ports"] = nlohmann::json::array({{{"containerPort", *spec.containerPort}}});
    if (!spec.env.empty()) {
        result["env"] = nlohmann::json::array();
        for (const auto& [name, value] : spec.env)
            result["env"].push_back({{"name", name}, {"value", value}});
    }
    if (!spec.resourceRequests.empty())
        result["resources"]["requests"] = spec.resourceRequests;
    if (!spec.resourceLimits.empty())
        result["resources"]["limits"] = spec.resourceLimits;
    return result;
}

nlohmann::json revisionTemplate(const KnativeServiceSpec& spec) {
    nlohmann::json podSpec{{"containers", nlohmann::json::array({container(spec)})}};
    if (spec.containerConcurrency)
        podSpec["containerConcurrency"] = *spec.containerConcurrency;
    if (spec.timeoutSeconds)
        podSpec["timeoutSeconds"] = *spec.timeoutSeconds;
    nlohmann::json result{{"spec", std::move(podSpec)}};
    if (!spec.annotations.empty())
        result["metadata"]["annotations"] = spec.annotations;
    return result;
}

void countPod(const nlohmann::json& pod, PodCounts& counts) {
    const std::string phase = stringAt(member(pod, "status"), "phase");
    if (phase == "Pending") {
        ++counts.pending;
        ++counts.notReady;
    } else if (phase == "Running") {
        if (!member(member(pod, "metadata"), "deletionTimestamp").is_null()) {
            ++counts.terminating;
            ++counts.notReady;
        } else if (conditionStatus(pod, "Ready") == "True") {
            ++counts.ready;
        } else {
            ++counts.notReady;
        }
    }
}

} // namespace

nlohmann::json knativeService(const KnativeServiceSpec& spec) {
    nlohmann::json metadata{{"name", spec.name}};
    if (!spec.namespaceName.empty())
        metadata["namespace"] = spec.namespaceName;
    if (!spec.labels.empty())
        metadata["labels"] = spec.labels;
    return nlohmann::json{{"apiVersion", "serving.knative.dev/v1"},
                          {"kind", "Service"},
                          {"metadata", std::move(metadata)},
                          {"spec", {{"template", revisionTemplate(spec)}}}};
}

std::string knativeServicesPath(const std::string& namespaceName, const std::string& name) {
    std::string path = "/apis/serving.knative.dev/v1/namespaces/" + namespaceName + "/services";
    return name.empty() ? path : path + "/" + name;
}

bool isReady(const nlohmann::json& resource) {
    return statusIsCurrent(resource) && conditionStatus(resource, "Ready") == "True";
}

std::optional<ConditionFailure> failedCondition(const nlohmann::json& resource) {
    const nlohmann::json* ready = condition(resource, "Ready");
    if (!ready || !statusIsCurrent(resource) || stringAt(*ready, "status") != "False")
        return std::nullopt;
    return ConditionFailure{stringAt(*ready, "reason"), stringAt(*ready, "message")};
}

std::string conditionStatus(const nlohmann::json& resource, const std::string& type) {
    const nlohmann::json* found = condition(resource, type);
    return found ? stringAt(*found, "status") : std::string();
}

PodCounts podCounts(const nlohmann::json& pods) {
    const nlohmann::json& items = pods.is_array() ? pods : member(pods, "items");
    PodCounts counts;
    if (!items.is_array())
        return counts;
    for (const auto& pod : items)
        countPod(pod, counts);
    return counts;
}

std::string stringAtPath(const nlohmann::json& object, std::initializer_list<const char*> path) {
    const nlohmann::json* node = &object;
    for (const char* key : path) {
        if (!node->is_object() || !node->contains(key))
            return {};
        node = &(*node)[key];
    }
    return node->is_string() ? node->get<std::string>() : std::string();
}

std::string urlHost(const std::string& url) {
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    return url.substr(start, url.find('/', start) - start);
}

} // namespace faaswb::kube
