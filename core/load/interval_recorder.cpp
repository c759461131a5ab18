#include "load/interval_recorder.h"

namespace faaswb::load {

void IntervalData::clearCounts() noexcept {
    latency.reset();
    serviceTime.reset();
    completed = errors = sent = bytes = coldStarts = 0;
    errorsByKind.fill(0);
    statusCounts.fill(0);
    records.clear();
}

IntervalRecorder::IntervalRecorder()
    : m_active(std::make_unique<IntervalData>())
    , m_spare(std::make_unique<IntervalData>()) {}

std::unique_ptr<IntervalData> IntervalRecorder::sample() {
    auto fresh = m_spare ? std::move(m_spare) : std::make_unique<IntervalData>();
    std::lock_guard lock(m_mutex);
    fresh->nextUnsentNs = m_active->nextUnsentNs;
    std::swap(fresh, m_active);
    return fresh;
}

void IntervalRecorder::recycle(std::unique_ptr<IntervalData> data) {
    data->clearCounts();
    m_spare = std::move(data);
}

} // namespace faaswb::load
