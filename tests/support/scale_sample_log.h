// ScaleSampleLog: collects the ScaleSamples a Platform's scale watch delivers (from its watcher thread) so a test can
// wait for a condition on them from the test thread. Thread-safe.
#pragma once

#include "platform/platform.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <vector>

namespace faaswb::test {

class ScaleSampleLog {
public:
    void add(const platform::ScaleSample& sample) {
        std::lock_guard lock(m_mutex);
        m_samples.push_back(sample);
    }
    bool any(const std::function<bool(const platform::ScaleSample&)>& predicate) const {
        std::lock_guard lock(m_mutex);
        return std::any_of(m_samples.begin(), m_samples.end(), predicate);
    }
    std::vector<platform::ScaleSample> samples() const {
        std::lock_guard lock(m_mutex);
        return m_samples;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<platform::ScaleSample> m_samples;
};

} // namespace faaswb::test
