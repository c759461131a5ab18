// RevisionAutoscaler: the KPA for one revision, decider (KpaAutoscaler) and PA reconciler (PaScaler) together, ticked
// every 2s by the local platform. AutoscalerSet holds the autoscalers of all revisions and ticks them in one pass.
// No clock reads: every call takes the time. Not thread-safe: the local platform's control thread owns them.
#pragma once

#include "localplatform/autoscaler.h"
#include "localplatform/scaler.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace faaswb::localplatform {

struct RevisionTick {
    ScaleDecision decision; // the decider's tick
    ScalerResult scaler;    // the PA reconcile that followed it
};

class RevisionAutoscaler {
public:
    RevisionAutoscaler(RevisionScalingConfig config, int readyPods, TimePoint now);

    // The scraper's 1s sample of the pods' queue-proxy stats.
    void recordPodStats(std::span<const Stat> pods, TimePoint now) { m_decider.recordPodStats(pods, now); }
    // The gateway's (activator's) 1s stat. Returns true when it should trigger a tick now (the Poke rule).
    bool recordActivatorStat(const Stat& stat, TimePoint now);

    // The decider tick, then a PA reconcile with its result. Knative reconciles only when the decider's status
    // changes or a timer fires; reconciling on every tick is equivalent because the reconcile is idempotent, and the
    // timers show up as ScalerResult::recheckAt.
    RevisionTick tick(int readyPods, bool reachable, TimePoint now);
    // A PA reconcile without a decider tick: at recheckAt, or when pods become ready or go away.
    ScalerResult reconcile(int readyPods, bool reachable, TimePoint now);

    int replicas() const { return m_scaler.replicas(); }
    bool activatorInPath() const { return m_scaler.status().activatorInPath; }
    const PaStatus& status() const { return m_scaler.status(); }
    const KpaAutoscaler& decider() const { return m_decider; }
    const RevisionScalingConfig& config() const { return m_decider.config(); }

private:
    KpaAutoscaler m_decider;
    PaScaler m_scaler;
};

class AutoscalerSet {
public:
    struct TickOutcome {
        std::string revision;
        RevisionTick tick;
    };

    // Fails when the revision is already present.
    Status add(const std::string& revision, RevisionScalingConfig config, int readyPods, TimePoint now);
    void remove(const std::string& revision);
    RevisionAutoscaler* find(const std::string& revision);
    std::size_t size() const { return m_entries.size(); }

    // Inputs the platform keeps current between ticks; unknown revisions are ignored, as Knative drops stats for
    // revisions it does not scale.
    void setReadyPods(const std::string& revision, int readyPods);
    void setReachable(const std::string& revision, bool reachable);
    void recordPodStats(const std::string& revision, std::span<const Stat> pods, TimePoint now);
    // Returns the tick a poke triggered, if it did.
    std::optional<RevisionTick> recordActivatorStat(const std::string& revision, const Stat& stat, TimePoint now);

    // Ticks every revision; the returned outcomes stay valid until the next call.
    const std::vector<TickOutcome>& tickAll(TimePoint now);
    // A PA reconcile of one revision now, without a decider tick (its ready pods or reachability changed).
    std::optional<RevisionTick> reconcileNow(const std::string& revision, TimePoint now);
    // Reconciles the revisions whose recheck time has come; same lifetime rule for the result.
    const std::vector<TickOutcome>& reconcileDue(TimePoint now);
    // The earliest pending recheck over all revisions, for the caller's timer.
    std::optional<TimePoint> nextRecheck() const;

private:
    struct Entry {
        RevisionAutoscaler autoscaler;
        int readyPods = 0;
        bool reachable = true;
        std::optional<TimePoint> recheckAt;
    };
    RevisionTick tickEntry(Entry& entry, TimePoint now);

    std::map<std::string, Entry> m_entries;
    std::vector<TickOutcome> m_outcomes;
};

} // namespace faaswb::localplatform
