#include "common/cancellation.h"

#include <algorithm>
#include <thread>

namespace faaswb {

bool CancellationToken::waitFor(std::chrono::nanoseconds timeout) const {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + timeout;
    while (!isCancelled()) {
        const auto now = Clock::now();
        if (now >= deadline)
            return false;
        std::this_thread::sleep_for(std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(20)));
    }
    return true;
}

} // namespace faaswb
