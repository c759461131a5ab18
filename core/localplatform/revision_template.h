// The parts of a Knative Service manifest the local platform acts on (spec.template), parsed and validated once:
// at admission (the control API answers 422 naming the field) and by the controller when it creates the revision.
// Pure functions; thread-safe.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace faaswb::localplatform {

struct RevisionTemplate {
    std::string image;                                    // "local/010.sleep:python"
    std::vector<std::pair<std::string, std::string>> env; // containers[0].env[] name/value, in order
    int containerConcurrency = 0;                         // 0 = unlimited
    int timeoutSeconds = 300;                             // Knative's revision-timeout-seconds default (max 600)
    std::optional<int> containerPort;                     // containers[0].ports[0].containerPort
    std::optional<std::int64_t> memoryLimitBytes;         // containers[0].resources.limits.memory (1Mi or more)
    std::map<std::string, std::string> annotations;       // spec.template.metadata.annotations
    std::map<std::string, std::string> labels;            // spec.template.metadata.labels
    std::optional<std::string> revisionName;              // spec.template.metadata.name (BYO revision name)
};

// Validates a serving.knative.dev/v1 Service object (apiVersion, kind, metadata.name as a DNS-1123 label, exactly one
// container with an image, env names, containerConcurrency 0..1000, timeoutSeconds 1..600, resources.limits.memory a
// quantity of at least 1Mi, autoscaling annotations
// resolvable by resolveScalingConfig). Errors are InvalidInput and start with the field path, e.g.
// "spec.template.spec.containers[0].image: required".
Result<RevisionTemplate> parseRevisionTemplate(const nlohmann::json& service);

// A manifest body in YAML or JSON (Content-Type application/yaml or application/json; JSON is valid YAML) -> JSON.
Result<nlohmann::json> parseManifest(const std::string& body);

} // namespace faaswb::localplatform
