#include "platform/platform_factory.h"

#include "common/suggest.h"
#include "platform/http_platform.h"
#include "platform/knative_platform.h"
#include "platform/local_platform.h"
#include "platform/openwhisk_platform.h"

namespace faaswb::platform {

Result<std::unique_ptr<Platform>> createPlatform(const model::PlatformConfig& config) {
    switch (config.type) {
    case model::PlatformType::Http:
        return std::unique_ptr<Platform>(std::make_unique<HttpPlatform>(config));
    case model::PlatformType::Local:
        return createLocalPlatform(config);
    case model::PlatformType::Knative:
        return createKnativePlatform(config);
    case model::PlatformType::OpenWhisk:
        return createOpenWhiskPlatform(config);
    }
    return internalError("platform '" + config.name + "' has an unknown type");
}

Result<model::PlatformConfig> choosePlatform(const model::Experiment& experiment, const std::string& name) {
    if (const auto* config = experiment.findPlatform(name))
        return *config;
    if (name == "local") {
        model::PlatformConfig local;
        local.name = "local";
        local.type = model::PlatformType::Local;
        return local;
    }
    std::vector<std::string> declared{"local"};
    for (const auto& [key, config] : experiment.platforms)
        declared.push_back(key);
    return invalidInput("platform '" + name + "' is not declared in the experiment" + didYouMean(name, declared));
}

} // namespace faaswb::platform
