#include "load/interval_collector.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace faaswb::load {
namespace {

// The generator counts as saturated when its oldest unsent request is this late (as a fraction of the interval)
// or when this many requests are waiting: beyond either, the achieved load is no longer the scheduled one.
constexpr double kSaturatedLagFraction = 0.1;
constexpr std::uint64_t kSaturatedBacklog = 1000;

template <class Array>
void addArray(Array& into, const Array& from) {
    for (std::size_t i = 0; i < into.size(); ++i)
        into[i] += from[i];
}

} // namespace

IntervalCollector::IntervalCollector(std::vector<IntervalRecorder*> recorders, const ArrivalSchedule* schedule,
                                     Nanos interval, LoadSink& sink)
    : m_recorders(std::move(recorders))
    , m_schedule(schedule)
    , m_interval(interval)
    , m_sink(sink) {}

void IntervalCollector::publish(std::int64_t nowNs) {
    auto samples = sampleAll();
    std::vector<RequestRecord> records;
    IntervalSnapshot snapshot = snapshotOf(samples, nowNs, records);
    addToSummary(snapshot);
    m_sink.onInterval(snapshot, std::move(records));
    for (std::size_t i = 0; i < samples.size(); ++i)
        m_recorders[i]->recycle(std::move(samples[i]));
    m_lastNs = nowNs;
    ++m_index;
}

// Swaps every worker's data first, so that all samples end at (nearly) the same instant; merging comes after.
std::vector<std::unique_ptr<IntervalData>> IntervalCollector::sampleAll() {
    std::vector<std::unique_ptr<IntervalData>> samples;
    samples.reserve(m_recorders.size());
    for (IntervalRecorder* recorder : m_recorders)
        samples.push_back(recorder->sample());
    return samples;
}

IntervalSnapshot IntervalCollector::snapshotOf(std::vector<std::unique_ptr<IntervalData>>& samples, std::int64_t nowNs,
                                               std::vector<RequestRecord>& records) const {
    IntervalSnapshot snapshot;
    snapshot.index = m_index;
    snapshot.startMs = m_lastNs / 1'000'000;
    snapshot.endMs = nowNs / 1'000'000;
    auto latency = std::make_shared<LatencyHistogram>();
    auto serviceTime = std::make_shared<LatencyHistogram>();
    Lag lag;
    for (const auto& sample : samples) {
        latency->merge(sample->latency);
        serviceTime->merge(sample->serviceTime);
        merge(*sample, snapshot, records);
        addLag(*sample, nowNs, lag);
    }
    snapshot.latency = std::move(latency);
    snapshot.serviceTime = std::move(serviceTime);
    finishSnapshot(snapshot, lag, nowNs);
    return snapshot;
}

void IntervalCollector::merge(IntervalData& sample, IntervalSnapshot& snapshot,
                              std::vector<RequestRecord>& records) const {
    snapshot.requests += sample.completed;
    snapshot.errors += sample.errors;
    snapshot.sent += sample.sent;
    snapshot.bytes += sample.bytes;
    snapshot.coldStarts += sample.coldStarts;
    addArray(snapshot.errorsByKind, sample.errorsByKind);
    for (std::size_t status = 0; status < sample.statusCounts.size(); ++status)
        if (sample.statusCounts[status] != 0)
            snapshot.statusCounts[static_cast<int>(status)] += sample.statusCounts[status];
    records.insert(records.end(), std::make_move_iterator(sample.records.begin()),
                   std::make_move_iterator(sample.records.end()));
}

// Each worker reports when its oldest unsent request was due; the requests due since then are estimated from the
// schedule (that worker's 1/N share of them), which is exact for deterministic arrivals and unbiased for Poisson.
void IntervalCollector::addLag(const IntervalData& sample, std::int64_t nowNs, Lag& lag) const {
    if (!m_schedule || sample.nextUnsentNs == IntervalData::kNothingDue || sample.nextUnsentNs > nowNs)
        return;
    lag.worstNs = std::max(lag.worstNs, nowNs - sample.nextUnsentNs);
    const double due = m_schedule->expectedCount(Nanos(sample.nextUnsentNs), Nanos(nowNs));
    lag.behind += 1 + static_cast<std::uint64_t>(std::llround(due / static_cast<double>(m_recorders.size())));
}

void IntervalCollector::finishSnapshot(IntervalSnapshot& snapshot, const Lag& lag, std::int64_t nowNs) const {
    const double seconds = static_cast<double>(nowNs - m_lastNs) * 1e-9;
    snapshot.corrected = LatencyPercentiles::of(*snapshot.latency);
    snapshot.uncorrected = LatencyPercentiles::of(*snapshot.serviceTime);
    snapshot.achievedRate = seconds > 0 ? static_cast<double>(snapshot.requests) / seconds : 0;
    if (m_schedule && seconds > 0)
        snapshot.targetRate = m_schedule->expectedCount(Nanos(m_lastNs), Nanos(nowNs)) / seconds;
    snapshot.behind = lag.behind;
    const auto lagLimit = static_cast<std::int64_t>(static_cast<double>(m_interval.count()) * kSaturatedLagFraction);
    snapshot.generatorSaturated = lag.worstNs > lagLimit || lag.behind > kSaturatedBacklog;
}

void IntervalCollector::addToSummary(const IntervalSnapshot& snapshot) {
    m_summary.requests += snapshot.requests;
    m_summary.errors += snapshot.errors;
    addArray(m_summary.errorsByKind, snapshot.errorsByKind);
    m_summary.bytes += snapshot.bytes;
    m_summary.coldStarts += snapshot.coldStarts;
    m_summary.sent += snapshot.sent;
    m_summary.generatorSaturated = m_summary.generatorSaturated || snapshot.generatorSaturated;
    m_summary.latency.merge(*snapshot.latency);
    m_summary.serviceTime.merge(*snapshot.serviceTime);
}

LoadSummary IntervalCollector::summary(std::int64_t elapsedNs, bool cancelled) const {
    LoadSummary summary = m_summary;
    summary.elapsedSeconds = static_cast<double>(elapsedNs) * 1e-9;
    summary.cancelled = cancelled;
    if (summary.elapsedSeconds > 0)
        summary.achievedRate = static_cast<double>(summary.requests) / summary.elapsedSeconds;
    const double scheduledSeconds = m_schedule ? static_cast<double>(m_schedule->duration().count()) * 1e-9 : 0;
    if (scheduledSeconds > 0)
        summary.targetRate = m_schedule->totalCount() / scheduledSeconds;
    return summary;
}

} // namespace faaswb::load
