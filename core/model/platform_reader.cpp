// The `platforms` section: named targets an experiment can run on, besides the built-in `local`.
#include "localplatform/autoscaler_config.h"
#include "model/experiment_sections.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace faaswb::model {
namespace {

using namespace std::chrono_literals;

const Words kPlatformKeys{"type",
                          "url",
                          "kubeconfig",
                          "context",
                          "namespace",
                          "zipkin",
                          "insecureSkipTlsVerify",
                          "headers",
                          "stateDir",
                          "autoscaler",
                          "ingress",
                          "brokerIngress",
                          "images",
                          "otlpReceiver",
                          "deployTimeout",
                          "coldStartTimeout",
                          "coldStartWindow",
                          "auth",
                          "authKey"};
const Words kPlatformTypes{"local", "http", "knative", "openwhisk"};
const Words kAuthKeys{"type",    "token",       "username",        "password",    "region",
                      "service", "accessKeyId", "secretAccessKey", "sessionToken"};
const Words kAuthTypes{"none", "bearer", "basic", "sigv4"};

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

// "~/x" is under $HOME; a relative path is relative to the experiment file, like a benchmark's `source:`.
std::optional<std::string> filePath(YamlReader& reader, const Field& field) {
    auto text = reader.nonEmptyText(field);
    if (!text)
        return text;
    if (*text == "~" || text->starts_with("~/")) {
        const char* home = std::getenv("HOME");
        return std::string(home ? home : "") + text->substr(1);
    }
    const std::filesystem::path path(*text);
    if (path.is_absolute() || reader.file().empty())
        return text;
    return (std::filesystem::path(reader.file()).parent_path() / path).lexically_normal().string();
}

void readConnection(YamlReader& reader, const Field& field, PlatformConfig& platform) {
    setIf(platform.url, reader.url(reader.child(field, "url")));
    setIf(platform.kubeconfig, filePath(reader, reader.child(field, "kubeconfig")));
    setIf(platform.context, reader.text(reader.child(field, "context")));
    setIf(platform.namespaceName, reader.nonEmptyText(reader.child(field, "namespace")));
    setIf(platform.zipkin, reader.url(reader.child(field, "zipkin")));
    setIf(platform.insecureSkipTlsVerify, reader.boolean(reader.child(field, "insecureSkipTlsVerify")));
    setIf(platform.headers, reader.stringMap(reader.child(field, "headers")));
    setIf(platform.otlpReceiver, reader.nonEmptyText(reader.child(field, "otlpReceiver")));
    platform.deployTimeout = reader.duration(reader.child(field, "deployTimeout"), 1s);
}

// Keys that mean something to some platform types only: a wrong one is a mistake worth a message, not silence.
void onlyFor(YamlReader& reader, const Field& field, PlatformConfig& platform, const Words& keys,
             std::initializer_list<PlatformType> types, const std::string& who) {
    if (std::find(types.begin(), types.end(), platform.type) != types.end())
        return;
    for (const auto& key : keys)
        if (const Field child = reader.child(field, key); child.present())
            reader.error(child, "only a platform of type " + who + " has this key");
}

void readKnative(YamlReader& reader, const Field& field, PlatformConfig& platform) {
    onlyFor(reader, field, platform, {"ingress", "brokerIngress", "coldStartTimeout", "coldStartWindow"},
            {PlatformType::Knative}, "knative");
    onlyFor(reader, field, platform, {"images"}, {PlatformType::Knative, PlatformType::OpenWhisk},
            "knative or openwhisk");
    setIf(platform.ingress, reader.url(reader.child(field, "ingress")));
    setIf(platform.brokerIngress, reader.url(reader.child(field, "brokerIngress")));
    setIf(platform.images, reader.nonEmptyText(reader.child(field, "images")));
    platform.coldStartTimeout = reader.duration(reader.child(field, "coldStartTimeout"), 1s);
    // Knative accepts stable windows of 6 s to 1 h in whole seconds.
    platform.coldStartWindow = reader.duration(reader.child(field, "coldStartWindow"), 6s, 1h);
    if (platform.type == PlatformType::Knative && !reader.child(field, "namespace").present())
        platform.namespaceName.clear(); // the kubeconfig context's namespace applies
}

AuthConfig readAuth(YamlReader& reader, const Field& field) {
    AuthConfig auth;
    if (!reader.mapping(field, kAuthKeys))
        return auth;
    reader.require(field, "type", " (one of " + joinWords(kAuthTypes) + ")");
    const auto type = reader.choice(reader.child(field, "type"), kAuthTypes);
    auto need = [&](const char* key, std::string& into) {
        reader.require(field, key, " (needed by auth type " + *type + ")");
        setIf(into, reader.nonEmptyText(reader.child(field, key)));
    };
    if (type == "bearer") {
        auth.type = AuthType::Bearer;
        need("token", auth.token);
    } else if (type == "basic") {
        auth.type = AuthType::Basic;
        need("username", auth.username);
        setIf(auth.password, reader.text(reader.child(field, "password")));
    } else if (type == "sigv4") {
        auth.type = AuthType::AwsSigV4;
        need("region", auth.region);
        need("service", auth.service);
        need("accessKeyId", auth.accessKeyId);
        need("secretAccessKey", auth.secretAccessKey);
        setIf(auth.sessionToken, reader.text(reader.child(field, "sessionToken")));
    }
    return auth;
}

void readCredentials(YamlReader& reader, const Field& field, PlatformConfig& platform) {
    onlyFor(reader, field, platform, {"auth"}, {PlatformType::Http}, "http");
    onlyFor(reader, field, platform, {"authKey"}, {PlatformType::OpenWhisk}, "openwhisk");
    if (const Field auth = reader.child(field, "auth"); auth.present() && platform.type == PlatformType::Http)
        platform.auth = readAuth(reader, auth);
    if (platform.type != PlatformType::OpenWhisk)
        return;
    reader.require(field, "authKey", " (uuid:secret, the AUTH of ~/.wskprops; write it as ${ENV_VAR})");
    if (auto key = reader.nonEmptyText(reader.child(field, "authKey"))) {
        if (key->find(':') == std::string::npos)
            reader.error(reader.child(field, "authKey"), "expected uuid:secret");
        platform.authKey = std::move(*key);
    }
    if (!reader.child(field, "namespace").present())
        platform.namespaceName = "_"; // the namespace the key belongs to
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
    readKnative(reader, field, platform);
    readCredentials(reader, field, platform);
    return platform;
}

} // namespace

const Words& platformKeys() {
    return kPlatformKeys;
}

const Words& platformAuthKeys() {
    return kAuthKeys;
}

std::map<std::string, PlatformConfig> readPlatforms(YamlReader& reader, const Field& field) {
    std::map<std::string, PlatformConfig> platforms;
    if (!reader.mapping(field, {}))
        return platforms;
    for (const auto& [name, entry] : reader.entries(field))
        platforms.emplace(name, readPlatform(reader, name, entry));
    return platforms;
}

} // namespace faaswb::model
