// Knative Serving objects as JSON (platform-facts §2.1): the Service manifest a user would apply, its readiness and
// failure as the Service condition set reports them, and pod counts the way the KPA counts them.
// Pure functions; thread-safe.
#pragma once

#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace faaswb::kube {

// The label on objects the workbench created: teardown deletes only objects that carry it.
constexpr const char* kCreatedByLabel = "faaswb.dev/created-by";
constexpr const char* kCreatedByValue = "faas-workbench";

// The string at object[path[0]][path[1]]...; empty when a step is missing or the leaf is not a string.
std::string stringAtPath(const nlohmann::json& object, std::initializer_list<const char*> path);

// "http://hello.default.example.com/x" -> "hello.default.example.com" (the authority, port included).
std::string urlHost(const std::string& url);

struct KnativeServiceSpec {
    std::string name;
    std::string namespaceName; // empty: left out (the request path decides)
    std::string image;
    std::vector<std::pair<std::string, std::string>> env; // in this order
    std::optional<int> containerConcurrency;              // 0 = unlimited
    std::optional<int> timeoutSeconds;
    std::optional<int> containerPort;                    // Knative's default is 8080
    std::map<std::string, std::string> resourceRequests; // {"cpu": "250m", "memory": "128Mi"}
    std::map<std::string, std::string> resourceLimits;
    std::map<std::string, std::string> annotations; // revision template: autoscaling.knative.dev/* live here
    std::map<std::string, std::string> labels;      // the Service's own labels
};

// {apiVersion: serving.knative.dev/v1, kind: Service, metadata, spec.template{metadata.annotations, spec}}.
nlohmann::json knativeService(const KnativeServiceSpec& spec);

// /apis/serving.knative.dev/v1/namespaces/{ns}/services[/{name}]
std::string knativeServicesPath(const std::string& namespaceName, const std::string& name = {});

// observedGeneration == generation and the Ready condition is "True". Works for any Knative resource.
bool isReady(const nlohmann::json& resource);

struct ConditionFailure {
    std::string reason;
    std::string message;
};

// Ready is "False" at the observed generation (a stale status says nothing about the current spec).
std::optional<ConditionFailure> failedCondition(const nlohmann::json& resource);

// The status of the condition `type` ("True", "False", "Unknown"), or empty when absent.
std::string conditionStatus(const nlohmann::json& resource, const std::string& type);

// Pods of a revision by state, as Knative's PodAccessor.PodCountsByState counts them: Pending pods are pending (and
// not ready); Running pods with a deletionTimestamp are terminating (and not ready); other Running pods are ready when
// their Ready condition is "True", else not ready. Succeeded and Failed pods are not counted.
struct PodCounts {
    int ready = 0;
    int notReady = 0;
    int pending = 0;
    int terminating = 0;
};

// Accepts a PodList or a plain array of pods.
PodCounts podCounts(const nlohmann::json& pods);

} // namespace faaswb::kube
