#include "platform/platform_factory.h"

#include "platform/http_platform.h"
#include "platform/local_platform.h"

namespace faaswb::platform {

Result<std::unique_ptr<Platform>> createPlatform(const model::PlatformConfig& config) {
    switch (config.type) {
    case model::PlatformType::Http:
        return std::unique_ptr<Platform>(std::make_unique<HttpPlatform>(config));
    case model::PlatformType::Local:
        return createLocalPlatform(config);
    case model::PlatformType::Knative:
    case model::PlatformType::OpenWhisk:
        break;
    }
    return platformError(std::string("platform '") + config.name + "' has type " +
                         model::platformTypeName(config.type) +
                         ", which this build cannot drive yet; only 'http' and 'local' platforms are available");
}

} // namespace faaswb::platform
