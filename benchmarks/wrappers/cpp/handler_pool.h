// HandlerPool: the threads handlers run on, apart from the io threads so a slow handler never stalls the network.
// It grows by one thread whenever a task arrives and no thread is idle (up to a cap), so 100 concurrent 010.sleep
// calls sleep side by side instead of queueing behind each other, as they would in a Python or Node wrapper.
// Threads stay once started (a burst's threads are reused by the next burst). submit() is thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace faaswb::bench {

class HandlerPool {
public:
    explicit HandlerPool(std::size_t maxThreads);
    ~HandlerPool(); // finishes the queued tasks, then joins every thread
    HandlerPool(const HandlerPool&) = delete;
    HandlerPool& operator=(const HandlerPool&) = delete;

    void submit(std::function<void()> task);
    std::size_t threadCount() const;

private:
    bool startThread(); // with m_mutex held; false when the system refuses another thread
    void work();

    const std::size_t m_maxThreads;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_tasks;
    std::size_t m_idle = 0;
    bool m_stopping = false;
    std::vector<std::thread> m_threads; // last member: threads start after everything they use is built
};

} // namespace faaswb::bench
