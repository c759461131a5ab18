// Creates the Platform adapter an experiment's platform config names. Called from the runner's owner thread.
#pragma once

#include "common/result.h"
#include "model/experiment.h"
#include "platform/platform.h"

#include <memory>

namespace faaswb::platform {

Result<std::unique_ptr<Platform>> createPlatform(const model::PlatformConfig& config);

} // namespace faaswb::platform
