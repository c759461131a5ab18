// "Test connection" for the setup page: creates the platform adapter for a platform config, asks it to describe
// itself and, for endpoint platforms, checks that the endpoint accepts TCP connections. Blocking: call it on a worker
// thread (QtConcurrent::run). Thread-safe (no shared state).
#pragma once

#include "model/experiment.h"

#include <QString>

namespace faaswb::ui {

struct ProbeResult {
    bool ok = false;
    QString
        message; // "connected: http at http://127.0.0.1:8080/" or "cannot connect to 127.0.0.1:9: Connection refused"
};

ProbeResult probePlatform(const model::PlatformConfig& config);

} // namespace faaswb::ui
