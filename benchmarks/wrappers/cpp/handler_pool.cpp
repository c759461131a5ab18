#include "handler_pool.h"

#include <algorithm>
#include <system_error>

namespace faaswb::bench {

HandlerPool::HandlerPool(std::size_t maxThreads)
    : m_maxThreads(std::max<std::size_t>(1, maxThreads)) {}

HandlerPool::~HandlerPool() {
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (auto& thread : m_threads)
        thread.join();
}

void HandlerPool::submit(std::function<void()> task) {
    const std::lock_guard lock(m_mutex);
    m_tasks.push_back(std::move(task));
    // Every queued task needs a thread of its own for the calls to overlap; idle threads pick up what they can.
    if (m_tasks.size() > m_idle && m_threads.size() < m_maxThreads && startThread())
        return;
    m_wake.notify_one();
}

bool HandlerPool::startThread() {
    try {
        m_threads.emplace_back([this] { work(); });
        return true;
    } catch (const std::system_error&) {
        if (m_threads.empty())
            throw;    // with no thread at all, every task would wait forever
        return false; // the threads we have will get to the task
    }
}

std::size_t HandlerPool::threadCount() const {
    const std::lock_guard lock(m_mutex);
    return m_threads.size();
}

void HandlerPool::work() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        ++m_idle;
        m_wake.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
        --m_idle;
        if (m_tasks.empty())
            return; // stopping, and nothing left to run
        auto task = std::move(m_tasks.front());
        m_tasks.pop_front();
        lock.unlock();
        task();
        lock.lock();
    }
}

} // namespace faaswb::bench
