// IntervalCollector: the collector side of a run. publish() samples every worker's IntervalRecorder (pointer swaps),
// then, off the workers' hot path, merges the samples into an immutable IntervalSnapshot, hands it to the sink and
// adds it to the run's LoadSummary. Used from the collector thread only.
#pragma once

#include "load/interval_recorder.h"
#include "load/load_generator.h"
#include "load/schedule.h"
#include "load/snapshot.h"

#include <cstdint>
#include <vector>

namespace faaswb::load {

class IntervalCollector {
public:
    // schedule: the open-loop schedule (nullptr for closed loop); interval: the configured snapshot period.
    IntervalCollector(std::vector<IntervalRecorder*> recorders, const ArrivalSchedule* schedule, Nanos interval,
                      LoadSink& sink);

    // Publishes the interval from the previous call (or the start) to nowNs, both ns since the start of the run.
    void publish(std::int64_t nowNs);
    LoadSummary summary(std::int64_t elapsedNs, bool cancelled) const;

private:
    struct Lag {
        std::int64_t worstNs = 0;
        std::uint64_t behind = 0;
    };
    std::vector<std::unique_ptr<IntervalData>> sampleAll();
    IntervalSnapshot snapshotOf(std::vector<std::unique_ptr<IntervalData>>& samples, std::int64_t nowNs,
                                std::vector<RequestRecord>& records) const;
    void merge(IntervalData& sample, IntervalSnapshot& snapshot, std::vector<RequestRecord>& records) const;
    void addLag(const IntervalData& sample, std::int64_t nowNs, Lag& lag) const;
    void finishSnapshot(IntervalSnapshot& snapshot, const Lag& lag, std::int64_t nowNs) const;
    void addToSummary(const IntervalSnapshot& snapshot);

    std::vector<IntervalRecorder*> m_recorders;
    const ArrivalSchedule* m_schedule;
    Nanos m_interval;
    LoadSink& m_sink;
    int m_index = 0;
    std::int64_t m_lastNs = 0;
    LoadSummary m_summary;
};

} // namespace faaswb::load
