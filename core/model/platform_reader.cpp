// The `platforms` section: named targets an experiment can run on, besides the built-in `local`.
#include "model/experiment_sections.h"

namespace faaswb::model {
namespace {

const Words kPlatformKeys{"type",   "url", "kubeconfig", "context", "namespace", "zipkin", "insecureSkipTlsVerify",
                          "headers"};
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
