// The `platforms` section: named targets an experiment can run on, besides the built-in `local`.
#include "localplatform/autoscaler_config.h"
#include "model/experiment_sections.h"

#include <algorithm>

namespace faaswb::model {
namespace {

const Words kPlatformKeys{
    "type",    "url",      "kubeconfig", "context", "namespace", "zipkin", "insecureSkipTlsVerify",
    "headers", "stateDir", "autoscaler"};
const Words kPlatformTypes{"local", "http", "knative", "openwhisk"};

PlatformType platformTypeFrom(const std::string& name) {
    for (PlatformType type : {PlatformType::Local, PlatformType::Http, PlatformType::Knative, PlatformType::OpenWhisk})
        if (name == platformTypeName(type))
            return type;
    return PlatformType::Local;
}

void requireTypeKeys(YamlReader& reader, const Field& field, PlatformType type) {
    if (type == PlatformType::Http)
        reader.require(field, "url", " (an http platform sends the load to this endpoint)");
    else if (type == PlatformType::Knative)
        reader.require(field, "kubeconfig", " (a knative platform reaches its cluster through it)");
    else if (type == PlatformType::OpenWhisk)
        reader.require(field, "url", " (the OpenWhisk API host)");
}

void readConnection(YamlReader& reader, const Field& field, PlatformConfig& platform) {
    setIf(platform.url, reader.url(reader.child(field, "url")));
    setIf(platform.kubeconfig, reader.nonEmptyText(reader.child(field, "kubeconfig")));
    setIf(platform.context, reader.text(reader.child(field, "context")));
    setIf(platform.namespaceName, reader.nonEmptyText(reader.child(field, "namespace")));
    setIf(platform.zipkin, reader.url(reader.child(field, "zipkin")));
    setIf(platform.insecureSkipTlsVerify, reader.boolean(reader.child(field, "insecureSkipTlsVerify")));
    setIf(platform.headers, reader.stringMap(reader.child(field, "headers")));
}

// config-autoscaler overrides are checked now, so a typo fails the load with its line rather than the run later.
// The validator names the key of each problem ("stable-window: ..."): the issue goes to that key's line.
void checkAutoscaler(YamlReader& reader, const Field& field, const std::map<std::string, std::string>& overrides) {
    const auto checked = localplatform::autoscalerDefaultsFromMap(overrides);
    if (checked.ok())
        return;
    const auto entries = reader.entries(field);
    std::string_view rest = checked.error().message;
    while (!rest.empty()) {
        const auto end = rest.find("; ");
        const std::string problem(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
        const auto colon = problem.find(": ");
        const auto entry = std::find_if(entries.begin(), entries.end(), [&](const auto& named) {
            return colon != std::string::npos && named.first == problem.substr(0, colon);
        });
        if (entry != entries.end())
            reader.error(entry->second, problem.substr(colon + 2));
        else
            reader.error(field, problem);
    }
}

void readLocal(YamlReader& reader, const Field& field, PlatformConfig& platform) {
    const Field stateDir = reader.child(field, "stateDir");
    const Field autoscaler = reader.child(field, "autoscaler");
    if (platform.type != PlatformType::Local) {
        for (const Field* local : {&stateDir, &autoscaler})
            if (local->present())
                reader.error(*local, "only a platform of type local has this key");
        return;
    }
    setIf(platform.stateDir, reader.nonEmptyText(stateDir));
    if (auto overrides = reader.stringMap(autoscaler)) {
        checkAutoscaler(reader, autoscaler, *overrides);
        platform.autoscaler = std::move(*overrides);
    }
}

PlatformConfig readPlatform(YamlReader& reader, const std::string& name, const Field& field) {
    PlatformConfig platform;
    platform.name = name;
    if (!reader.requiredMapping(field, kPlatformKeys))
        return platform;
    reader.require(field, "type", " (one of " + joinWords(kPlatformTypes) + ")");
    if (const auto type = reader.choice(reader.child(field, "type"), kPlatformTypes)) {
        platform.type = platformTypeFrom(*type);
        requireTypeKeys(reader, field, platform.type);
    }
    readConnection(reader, field, platform);
    readLocal(reader, field, platform);
    return platform;
}

} // namespace

std::map<std::string, PlatformConfig> readPlatforms(YamlReader& reader, const Field& field) {
    std::map<std::string, PlatformConfig> platforms;
    if (!reader.mapping(field, {}))
        return platforms;
    for (const auto& [name, entry] : reader.entries(field))
        platforms.emplace(name, readPlatform(reader, name, entry));
    return platforms;
}

} // namespace faaswb::model
