#include "engine/run_observer.h"

namespace faaswb::engine {

const char* runStatusName(RunStatus status) noexcept {
    switch (status) {
    case RunStatus::Running:
        return "running";
    case RunStatus::Complete:
        return "complete";
    case RunStatus::Cancelled:
        return "cancelled";
    case RunStatus::Failed:
        return "failed";
    case RunStatus::Incomplete:
        return "incomplete";
    }
    return "unknown";
}

} // namespace faaswb::engine
