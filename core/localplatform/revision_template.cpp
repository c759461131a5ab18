#include "localplatform/revision_template.h"

#include "common/yaml_documents.h"
#include "kube/quantity.h"
#include "localplatform/api_common.h"
#include "localplatform/autoscaler_config.h"

#include <cctype>
#include <yaml-cpp/yaml.h>

namespace faaswb::localplatform {
namespace {

using nlohmann::json;

const std::string kTemplate = "spec.template";
const std::string kContainer = "spec.template.spec.containers[0]";

Error fieldError(const std::string& path, const std::string& message) {
    return invalidInput(path + ": " + message);
}

// A child that must be an object when present; nullptr when absent or null.
Result<const json*> optionalObject(const json& parent, const char* key, const std::string& path) {
    const auto found = parent.find(key);
    if (found == parent.end() || found->is_null())
        return static_cast<const json*>(nullptr);
    if (!found->is_object())
        return fieldError(path, "must be an object");
    return &*found;
}

Result<std::optional<int>> optionalInt(const json& parent, const char* key, const std::string& path, int min, int max) {
    const auto found = parent.find(key);
    if (found == parent.end() || found->is_null())
        return std::optional<int>();
    if (!found->is_number_integer())
        return fieldError(path, "must be an integer");
    const auto value = found->get<long long>();
    if (value < min || value > max)
        return fieldError(path, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                                    std::to_string(value));
    return std::optional<int>(static_cast<int>(value));
}

Result<std::map<std::string, std::string>> stringMap(const json& parent, const char* key, const std::string& path) {
    std::map<std::string, std::string> result;
    const auto object = optionalObject(parent, key, path);
    if (!object)
        return object.error();
    if (!*object)
        return result;
    for (const auto& [name, value] : (*object)->items()) {
        if (!value.is_string())
            return fieldError(path + "." + name, "must be a string");
        result[name] = value.get<std::string>();
    }
    return result;
}

bool validEnvName(const std::string& name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())))
        return false;
    for (const char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
            return false;
    }
    return true;
}

Status checkHeader(const json& service) {
    if (!service.is_object())
        return invalidInput("manifest: must be an object (a serving.knative.dev/v1 Service)");
    if (api::stringAt(service, "apiVersion") != "serving.knative.dev/v1")
        return fieldError("apiVersion",
                          "must be serving.knative.dev/v1, got \"" + api::stringAt(service, "apiVersion") + "\"");
    if (api::stringAt(service, "kind") != "Service")
        return fieldError("kind", "must be Service, got \"" + api::stringAt(service, "kind") + "\"");
    const json& metadata = api::metadataOf(service);
    const std::string name = api::stringAt(metadata, "name");
    if (name.empty())
        return fieldError("metadata.name", "required");
    if (!api::isDns1123Label(name))
        return fieldError("metadata.name", std::string(api::kDns1123Message) + ", got \"" + name + "\"");
    const std::string ns = api::stringAt(metadata, "namespace");
    if (metadata.contains("namespace") && !api::isDns1123Label(ns))
        return fieldError("metadata.namespace", api::kDns1123Message);
    return {};
}

Status readEnv(const json& container, RevisionTemplate& result) {
    const auto env = container.find("env");
    if (env == container.end() || env->is_null())
        return {};
    if (!env->is_array())
        return fieldError(kContainer + ".env", "must be a list");
    for (std::size_t i = 0; i < env->size(); ++i) {
        const json& entry = (*env)[i];
        const std::string path = kContainer + ".env[" + std::to_string(i) + "]";
        if (!entry.is_object())
            return fieldError(path, "must be an object with name and value");
        const std::string name = api::stringAt(entry, "name");
        if (!validEnvName(name))
            return fieldError(path + ".name",
                              name.empty() ? "required" : "invalid environment variable name \"" + name + "\"");
        if (entry.contains("valueFrom"))
            return fieldError(path + ".valueFrom", "not supported by the local platform; use value");
        if (entry.contains("value") && !entry["value"].is_string() && !entry["value"].is_null())
            return fieldError(path + ".value", "must be a string");
        result.env.emplace_back(name, api::stringAt(entry, "value"));
    }
    return {};
}

Status readPorts(const json& container, RevisionTemplate& result) {
    const auto ports = container.find("ports");
    if (ports == container.end() || ports->is_null())
        return {};
    if (!ports->is_array())
        return fieldError(kContainer + ".ports", "must be a list");
    if (ports->size() > 1)
        return fieldError(kContainer + ".ports", "at most one port is allowed");
    if (ports->empty())
        return {};
    if (!(*ports)[0].is_object())
        return fieldError(kContainer + ".ports[0]", "must be an object");
    const auto port = optionalInt((*ports)[0], "containerPort", kContainer + ".ports[0].containerPort", 1, 65535);
    if (!port)
        return port.error();
    result.containerPort = *port;
    return {};
}

// resources.limits.memory as bytes; the rest of resources (requests, cpu) has no effect here and is not checked.
Status readMemoryLimit(const json& container, RevisionTemplate& result) {
    const std::string path = kContainer + ".resources";
    const auto resources = optionalObject(container, "resources", path);
    if (!resources || !*resources)
        return resources ? Status{} : Status(resources.error());
    const auto limits = optionalObject(**resources, "limits", path + ".limits");
    if (!limits || !*limits)
        return limits ? Status{} : Status(limits.error());
    const auto memory = (*limits)->find("memory");
    if (memory == (*limits)->end() || memory->is_null())
        return {};
    const std::string memoryPath = path + ".limits.memory";
    if (!memory->is_string() && !memory->is_number())
        return fieldError(memoryPath, "must be a quantity such as 128Mi");
    const std::string text = memory->is_string() ? memory->get<std::string>() : memory->dump();
    const auto bytes = kube::bytes(text);
    if (!bytes)
        return fieldError(memoryPath, bytes.error().message);
    if (*bytes < 1024 * 1024 || *bytes > 9.0e18)
        return fieldError(memoryPath, "must be between 1Mi and 8Ei, got \"" + text + "\"");
    result.memoryLimitBytes = static_cast<std::int64_t>(*bytes);
    return {};
}

Status readContainer(const json& podSpec, RevisionTemplate& result) {
    const auto containers = podSpec.find("containers");
    if (containers == podSpec.end() || containers->is_null())
        return fieldError(kTemplate + ".spec.containers", "required");
    if (!containers->is_array() || containers->size() != 1)
        return fieldError(kTemplate + ".spec.containers", "must be a list with exactly one container");
    const json& container = (*containers)[0];
    if (!container.is_object())
        return fieldError(kContainer, "must be an object");
    if (container.contains("image") && !container["image"].is_string())
        return fieldError(kContainer + ".image", "must be a string");
    result.image = api::stringAt(container, "image");
    if (result.image.empty())
        return fieldError(kContainer + ".image", "required");
    if (auto status = readEnv(container, result); !status)
        return status;
    if (auto status = readMemoryLimit(container, result); !status)
        return status;
    return readPorts(container, result);
}

Status readPodSpec(const json& podSpec, RevisionTemplate& result) {
    const auto concurrency =
        optionalInt(podSpec, "containerConcurrency", kTemplate + ".spec.containerConcurrency", 0, 1000);
    if (!concurrency)
        return concurrency.error();
    result.containerConcurrency = concurrency->value_or(0);
    const auto timeout = optionalInt(podSpec, "timeoutSeconds", kTemplate + ".spec.timeoutSeconds", 1, 600);
    if (!timeout)
        return timeout.error();
    result.timeoutSeconds = timeout->value_or(300);
    return readContainer(podSpec, result);
}

Status readTemplateMetadata(const json& metadata, const std::string& serviceName, RevisionTemplate& result) {
    const std::string path = kTemplate + ".metadata";
    auto annotations = stringMap(metadata, "annotations", path + ".annotations");
    if (!annotations)
        return annotations.error();
    result.annotations = std::move(*annotations);
    auto labels = stringMap(metadata, "labels", path + ".labels");
    if (!labels)
        return labels.error();
    result.labels = std::move(*labels);
    if (!metadata.contains("name") || metadata["name"].is_null())
        return {};
    const std::string name = api::stringAt(metadata, "name");
    if (!api::isDns1123Label(name))
        return fieldError(path + ".name", std::string(api::kDns1123Message) + ", got \"" + name + "\"");
    if (!name.starts_with(serviceName + "-"))
        return fieldError(path + ".name", "must have prefix \"" + serviceName + "-\"");
    result.revisionName = name;
    return {};
}

Status readTemplate(const json& service, RevisionTemplate& result) {
    const auto spec = optionalObject(service, "spec", "spec");
    if (!spec)
        return spec.error();
    if (!*spec)
        return fieldError("spec", "required");
    const auto templ = optionalObject(**spec, "template", kTemplate);
    if (!templ)
        return templ.error();
    if (!*templ)
        return fieldError(kTemplate, "required");
    const auto metadata = optionalObject(**templ, "metadata", kTemplate + ".metadata");
    if (!metadata)
        return metadata.error();
    const std::string serviceName = api::stringAt(api::metadataOf(service), "name");
    if (*metadata) {
        if (auto status = readTemplateMetadata(**metadata, serviceName, result); !status)
            return status;
    }
    const auto podSpec = optionalObject(**templ, "spec", kTemplate + ".spec");
    if (!podSpec)
        return podSpec.error();
    if (!*podSpec)
        return fieldError(kTemplate + ".spec", "required");
    return readPodSpec(**podSpec, result);
}

// YAML 1.2 core schema for plain scalars; quoted scalars stay strings.
json yamlScalar(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    if (node.Tag() == "!")
        return text;
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
        return nullptr;
    if (text == "true" || text == "True" || text == "TRUE")
        return true;
    if (text == "false" || text == "False" || text == "FALSE")
        return false;
    const bool numeric = text.find_first_not_of("+-0123456789.eE") == std::string::npos &&
                         text.find_first_of("0123456789") != std::string::npos;
    if (numeric) {
        try {
            std::size_t used = 0;
            if (text.find_first_of(".eE") == std::string::npos) {
                const long long value = std::stoll(text, &used);
                if (used == text.size())
                    return value;
            } else {
                const double value = std::stod(text, &used);
                if (used == text.size())
                    return value;
            }
        } catch (const std::exception&) {
        }
    }
    return text;
}

json yamlToJson(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        json object = json::object();
        for (const auto& entry : node)
            object[entry.first.as<std::string>()] = yamlToJson(entry.second);
        return object;
    }
    case YAML::NodeType::Sequence: {
        json array = json::array();
        for (const auto& item : node)
            array.push_back(yamlToJson(item));
        return array;
    }
    case YAML::NodeType::Scalar:
        return yamlScalar(node);
    default:
        return nullptr;
    }
}

} // namespace

Result<RevisionTemplate> parseRevisionTemplate(const nlohmann::json& service) {
    RevisionTemplate result;
    if (auto status = checkHeader(service); !status)
        return status.error();
    if (auto status = readTemplate(service, result); !status)
        return status.error();
    const auto scaling = resolveScalingConfig(result.annotations, result.containerConcurrency);
    if (!scaling)
        return invalidInput(kTemplate + ".metadata.annotations." + scaling.error().message);
    return result;
}

Result<nlohmann::json> parseManifest(const std::string& body) {
    const auto first = body.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return invalidInput("manifest: empty");
    if (body[first] == '{') {
        try {
            return json::parse(body);
        } catch (const json::exception& error) {
            return invalidInput(std::string("manifest: invalid JSON: ") + error.what());
        }
    }
    try {
        std::vector<YAML::Node> documents;
        for (const auto& document : loadYamlDocuments(body)) {
            if (!document.IsNull())
                documents.push_back(document);
        }
        if (documents.size() != 1)
            return invalidInput("manifest: expected exactly one YAML document, found " +
                                std::to_string(documents.size()));
        return yamlToJson(documents.front());
    } catch (const YAML::Exception& error) {
        return invalidInput(std::string("manifest: invalid YAML: ") + error.what());
    }
}

} // namespace faaswb::localplatform
