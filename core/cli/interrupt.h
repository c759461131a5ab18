// InterruptScope: while alive, SIGINT and SIGTERM cancel the given token (the run stops and keeps what it
// measured); a second signal ends the process at once. Construct on the main thread; one scope at a time.
#pragma once

#include "common/cancellation.h"

namespace faaswb::cli {

class InterruptScope {
public:
    explicit InterruptScope(CancellationToken& token);
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
};

} // namespace faaswb::cli
