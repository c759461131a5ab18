#include "platform/openwhisk_action.h"

#include "kube/quantity.h"
#include "localplatform/sebs_function.h"

#include <cmath>
#include <filesystem>

namespace faaswb::platform {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

// Images the workbench itself resolves (the local platform's) mean nothing to an OpenWhisk invoker.
bool isRegistryImage(const std::string& image) {
    return !image.empty() && !image.starts_with("local/") && !image.starts_with("local-path");
}

std::string imagesHint(const ActionSettings& settings) {
    return "; set `images:` on platform '" + settings.platformName +
           "' to OpenWhisk-compatible images of the suite's wrappers (e.g. \"ghcr.io/me/faaswb-{benchmark}:"
           "{language}\")";
}

// The folder of the benchmark's handler: the SeBS directory of a local-path image, else the suite's folder.
fs::path benchmarkFolder(const FunctionSpec& spec, const ActionSettings& settings) {
    const std::string image = spec.image.empty() ? "local/" + spec.benchmark + ":" + spec.language : spec.image;
    if (const auto dir = localplatform::localPathImageDir(image))
        return *dir;
    return fs::path(settings.benchmarksRoot) / spec.benchmark;
}

// A handler can travel as one code file only when nothing beside it is needed at run time: data files (600's
// lexicon.txt) or a requirements.txt would be missing in the OpenWhisk runtime.
std::optional<std::string> strayFile(const fs::path& folder, const std::string& language, const fs::path& function) {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        const std::string name = entry.path().filename().string();
        const bool isDir = entry.is_directory(error);
        if (isDir ? (name != "cpp" && name != "python" && name != "nodejs")
                  : (name != "benchmark.yaml" && name != "config.json"))
            return name;
    }
    for (const auto& entry : fs::directory_iterator(folder / language, error)) {
        const std::string name = entry.path().filename().string();
        if (name != function.filename().string() && name != "__pycache__")
            return language + "/" + name;
    }
    return std::nullopt;
}

Result<json> codeExec(const FunctionSpec& spec, const ActionSettings& settings) {
    const std::string what = "benchmark " + spec.benchmark + " (" + spec.language + ")";
    if (spec.language != "python" && spec.language != "nodejs")
        return invalidInput(what + " has no OpenWhisk code runtime; it needs an image" + imagesHint(settings));
    const fs::path folder = benchmarkFolder(spec, settings);
    const fs::path file = folder / spec.language / (spec.language == "python" ? "function.py" : "function.js");
    std::error_code error;
    if (!fs::is_regular_file(file, error))
        return invalidInput(what + ": no handler at " + file.string() + " to send as a code action" +
                            imagesHint(settings));
    if (const auto stray = strayFile(folder, spec.language, file))
        return invalidInput(what + " cannot run as a single-file OpenWhisk code action: its folder holds " + *stray +
                            ", which the handler would need beside it" + imagesHint(settings));
    auto code = wrappedHandlerCode(file.string(), spec.language, spec.benchmark);
    if (!code)
        return invalidInput(what + ": could not read " + file.string() + imagesHint(settings));
    return json{{"kind", spec.language == "python" ? "python:3" : "nodejs:20"},
                {"code", std::move(*code)},
                {"main", "main"},
                {"binary", false}};
}

} // namespace

std::string expandImageTemplate(const std::string& imagesTemplate, const FunctionSpec& spec) {
    std::string image = imagesTemplate;
    replaceAll(image, "{benchmark}", spec.benchmark);
    replaceAll(image, "{language}", spec.language);
    replaceAll(image, "{name}", spec.name);
    return image;
}

Result<json> actionExec(const FunctionSpec& spec, const ActionSettings& settings) {
    if (!settings.imagesTemplate.empty())
        return json{{"kind", "blackbox"}, {"image", expandImageTemplate(settings.imagesTemplate, spec)}};
    if (isRegistryImage(spec.image))
        return json{{"kind", "blackbox"}, {"image", spec.image}};
    return codeExec(spec, settings);
}

Result<json> actionLimits(const FunctionSpec& spec) {
    json limits = json::object();
    if (spec.timeoutSeconds)
        limits["timeout"] = static_cast<std::int64_t>(*spec.timeoutSeconds) * 1000;
    if (spec.memory) {
        const auto bytes = kube::bytes(*spec.memory);
        if (!bytes || *bytes <= 0)
            return invalidInput("benchmark " + spec.benchmark + ": memory '" + *spec.memory +
                                "' is not a size such as 256Mi");
        limits["memory"] = static_cast<std::int64_t>(std::ceil(*bytes / (1024.0 * 1024.0)));
    }
    if (spec.containerConcurrency > 0)
        limits["concurrency"] = spec.containerConcurrency;
    return limits;
}

json actionBody(const FunctionSpec& spec, const std::string& namespaceName, json exec, json limits) {
    json parameters = json::array();
    for (const auto& [key, value] : spec.env)
        parameters.push_back(json{{"key", key}, {"value", value}, {"init", true}});
    json annotations = json::array({json{{"key", kOwCreatedByKey}, {"value", kOwCreatedByValue}},
                                    json{{"key", "faaswb.dev/benchmark"}, {"value", spec.benchmark}},
                                    json{{"key", "faaswb.dev/language"}, {"value", spec.language}}});
    return json{{"namespace", namespaceName},
                {"name", spec.name},
                {"exec", std::move(exec)},
                {"limits", std::move(limits)},
                {"parameters", parameters},
                {"annotations", std::move(annotations)},
                {"publish", false}};
}

std::optional<json> annotationValue(const json& entity, const std::string& key) {
    if (!entity.is_object() || !entity.contains("annotations") || !entity["annotations"].is_array())
        return std::nullopt;
    for (const auto& annotation : entity["annotations"])
        if (jsonText(annotation, "key") == key && annotation.contains("value"))
            return annotation["value"];
    return std::nullopt;
}

std::string jsonText(const json& object, const char* key) {
    if (!object.is_object())
        return {};
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

void setAnnotation(json& body, const std::string& key, json value) {
    json& annotations = body["annotations"];
    if (!annotations.is_array())
        annotations = json::array();
    for (auto& annotation : annotations)
        if (jsonText(annotation, "key") == key) {
            annotation["value"] = std::move(value);
            return;
        }
    annotations.push_back(json{{"key", key}, {"value", std::move(value)}});
}

} // namespace faaswb::platform
