// CancellationToken: a one-way "stop now" flag shared by the runner, load workers and the CLI's signal handler.
// Thread-safe; cancel() is async-signal-safe (a relaxed atomic store and nothing else).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace faaswb {

class CancellationToken {
public:
    // A child token is cancelled when it or its parent is; the parent must outlive the child.
    explicit CancellationToken(const CancellationToken* parent = nullptr) : m_parent(parent) {}

    void cancel() noexcept { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const noexcept {
        return m_cancelled.load(std::memory_order_relaxed) || (m_parent && m_parent->isCancelled());
    }

    // Sleeps up to `timeout`, waking early (polling every 20 ms) when cancelled; returns true if cancelled.
    // Polling rather than a condition variable keeps cancel() usable from a signal handler.
    bool waitFor(std::chrono::nanoseconds timeout) const;

private:
    const CancellationToken* m_parent;
    std::atomic<bool> m_cancelled{false};
};

} // namespace faaswb
