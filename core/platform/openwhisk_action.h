// What an OpenWhisk action for a FunctionSpec looks like (platform-facts §6): its exec (a blackbox image from the
// platform's `images` template or a registry image, else the suite's single-file handler wrapped as a python:3 or
// nodejs:20 code action), its limits and annotations, as the JSON body of PUT .../actions/{name}. Pure functions
// (code actions read the function file); thread-safe.
#pragma once

#include "common/result.h"
#include "platform/platform.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace faaswb::platform {

inline constexpr const char* kOwCreatedByKey = "faaswb.dev/created-by";
inline constexpr const char* kOwCreatedByValue = "faas-workbench";
inline constexpr const char* kOwColdStartNonceKey = "faaswb.dev/cold-start-nonce";

struct ActionSettings {
    std::string platformName;   // for messages: "platform 'ow'"
    std::string imagesTemplate; // "ghcr.io/me/faaswb-{benchmark}:{language}"; empty: none
    std::string benchmarksRoot; // where local/<id>:<language> images' function files are
};

// "ghcr.io/me/{benchmark}-{language}" with {benchmark}, {language} and {name} replaced.
std::string expandImageTemplate(const std::string& imagesTemplate, const FunctionSpec& spec);
// The `exec` object: {"kind":"blackbox","image":...} or {"kind":"python:3"|"nodejs:20","code":...,"main":"main"}.
// InvalidInput naming the benchmark and telling the user to set `images:` when neither works.
Result<nlohmann::json> actionExec(const FunctionSpec& spec, const ActionSettings& settings);
// {"timeout": ms, "memory": MB, "concurrency": N}, each only when the spec sets it; InvalidInput on a bad memory.
Result<nlohmann::json> actionLimits(const FunctionSpec& spec);
// The full PUT body; env becomes init parameters (OpenWhisk hands those to the container as environment).
nlohmann::json actionBody(const FunctionSpec& spec, const std::string& namespaceName, nlohmann::json exec,
                          nlohmann::json limits);
// The value of annotation `key` in an entity's or activation's [{key, value}] list; nullopt when absent.
std::optional<nlohmann::json> annotationValue(const nlohmann::json& entity, const std::string& key);
// object[key] when it is a string, else "" (OpenWhisk answers are not trusted to have the documented types).
std::string jsonText(const nlohmann::json& object, const char* key);
// Sets (replacing) annotation `key` in body["annotations"].
void setAnnotation(nlohmann::json& body, const std::string& key, nlohmann::json value);

// The wrapped code of a suite handler (python or nodejs) whose folder holds nothing else it reads; nullopt when the
// handler cannot be wrapped (C++, data files beside it, requirements to install, missing file).
std::optional<std::string> wrappedHandlerCode(const std::string& functionFile, const std::string& language,
                                              const std::string& benchmarkId);

} // namespace faaswb::platform
