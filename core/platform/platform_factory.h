// Creates the Platform adapter an experiment's platform config names. Called from the runner's owner thread.
#pragma once

#include "common/result.h"
#include "model/experiment.h"
#include "platform/platform.h"

#include <memory>
#include <string>

namespace faaswb::platform {

Result<std::unique_ptr<Platform>> createPlatform(const model::PlatformConfig& config);

// The platform `name` (a --platform override or the experiment's `platform`) resolves to: one declared under
// `platforms`, or the built-in `local` one; otherwise an InvalidInput error listing the declared names.
Result<model::PlatformConfig> choosePlatform(const model::Experiment& experiment, const std::string& name);

} // namespace faaswb::platform
