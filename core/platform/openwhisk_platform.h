// The `openwhisk` Platform adapter: actions created or updated through the OpenWhisk REST API (platform-facts §6) with
// HTTP Basic auth (the key uuid:secret), load sent as blocking invokes, and activation records turned into spans
// (wait / init / run) for the cold-start breakdown. OpenWhisk shows no pod counts: WatchScale and PodMetrics are
// unsupported, stored as NULL. Methods are called from the runner thread.
#pragma once

#include "model/experiment.h"
#include "platform/platform.h"

#include <memory>

namespace faaswb::platform {

// Checks the API host answers (GET /api/v1) and the key is accepted (GET /api/v1/namespaces) before returning.
Result<std::unique_ptr<Platform>> createOpenWhiskPlatform(const model::PlatformConfig& config);

} // namespace faaswb::platform
