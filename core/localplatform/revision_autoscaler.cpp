#include "localplatform/revision_autoscaler.h"

namespace faaswb::localplatform {

RevisionAutoscaler::RevisionAutoscaler(RevisionScalingConfig config, int readyPods, TimePoint now)
    : m_decider(config, readyPods, now)
    , m_scaler(std::move(config), now) {}

bool RevisionAutoscaler::recordActivatorStat(const Stat& stat, TimePoint now) {
    m_decider.recordActivatorStat(stat, now);
    return m_decider.shouldPoke(stat);
}

RevisionTick RevisionAutoscaler::tick(int readyPods, bool reachable, TimePoint now) {
    RevisionTick result;
    result.decision = m_decider.scale(readyPods, reachable, now);
    result.scaler = reconcile(readyPods, reachable, now);
    return result;
}

ScalerResult RevisionAutoscaler::reconcile(int readyPods, bool reachable, TimePoint now) {
    return m_scaler.reconcile(m_decider.desiredScale(), m_decider.excessBurstCapacity(), readyPods, reachable, now);
}

Status AutoscalerSet::add(const std::string& revision, RevisionScalingConfig config, int readyPods, TimePoint now) {
    if (m_entries.contains(revision))
        return invalidInput("revision " + revision + " already has an autoscaler");
    m_entries.try_emplace(revision,
                          Entry{RevisionAutoscaler(std::move(config), readyPods, now), readyPods, true, std::nullopt});
    return {};
}

void AutoscalerSet::remove(const std::string& revision) {
    m_entries.erase(revision);
}

RevisionAutoscaler* AutoscalerSet::find(const std::string& revision) {
    const auto it = m_entries.find(revision);
    return it == m_entries.end() ? nullptr : &it->second.autoscaler;
}

void AutoscalerSet::setReadyPods(const std::string& revision, int readyPods) {
    if (const auto it = m_entries.find(revision); it != m_entries.end())
        it->second.readyPods = readyPods;
}

void AutoscalerSet::setReachable(const std::string& revision, bool reachable) {
    if (const auto it = m_entries.find(revision); it != m_entries.end())
        it->second.reachable = reachable;
}

void AutoscalerSet::recordPodStats(const std::string& revision, std::span<const Stat> pods, TimePoint now) {
    if (RevisionAutoscaler* autoscaler = find(revision))
        autoscaler->recordPodStats(pods, now);
}

std::optional<RevisionTick> AutoscalerSet::recordActivatorStat(const std::string& revision, const Stat& stat,
                                                               TimePoint now) {
    const auto it = m_entries.find(revision);
    if (it == m_entries.end() || !it->second.autoscaler.recordActivatorStat(stat, now))
        return std::nullopt;
    return tickEntry(it->second, now);
}

const std::vector<AutoscalerSet::TickOutcome>& AutoscalerSet::tickAll(TimePoint now) {
    m_outcomes.resize(m_entries.size());
    auto outcome = m_outcomes.begin();
    for (auto& [revision, entry] : m_entries) {
        outcome->revision = revision;
        outcome->tick = tickEntry(entry, now);
        ++outcome;
    }
    return m_outcomes;
}

const std::vector<AutoscalerSet::TickOutcome>& AutoscalerSet::reconcileDue(TimePoint now) {
    m_outcomes.clear();
    for (auto& [revision, entry] : m_entries) {
        if (!entry.recheckAt || *entry.recheckAt > now)
            continue;
        RevisionTick tick;
        tick.decision.desiredScale = entry.autoscaler.decider().desiredScale();
        tick.decision.excessBurstCapacity = entry.autoscaler.decider().excessBurstCapacity();
        tick.decision.panicMode = entry.autoscaler.decider().panicking();
        tick.scaler = entry.autoscaler.reconcile(entry.readyPods, entry.reachable, now);
        entry.recheckAt = tick.scaler.recheckAt;
        m_outcomes.push_back(TickOutcome{revision, std::move(tick)});
    }
    return m_outcomes;
}

std::optional<RevisionTick> AutoscalerSet::reconcileNow(const std::string& revision, TimePoint now) {
    const auto it = m_entries.find(revision);
    if (it == m_entries.end())
        return std::nullopt;
    Entry& entry = it->second;
    RevisionTick tick;
    tick.decision.desiredScale = entry.autoscaler.decider().desiredScale();
    tick.decision.excessBurstCapacity = entry.autoscaler.decider().excessBurstCapacity();
    tick.decision.panicMode = entry.autoscaler.decider().panicking();
    tick.scaler = entry.autoscaler.reconcile(entry.readyPods, entry.reachable, now);
    entry.recheckAt = tick.scaler.recheckAt;
    return tick;
}

std::optional<TimePoint> AutoscalerSet::nextRecheck() const {
    std::optional<TimePoint> earliest;
    for (const auto& [revision, entry] : m_entries)
        if (entry.recheckAt && (!earliest || *entry.recheckAt < *earliest))
            earliest = entry.recheckAt;
    return earliest;
}

RevisionTick AutoscalerSet::tickEntry(Entry& entry, TimePoint now) {
    RevisionTick tick = entry.autoscaler.tick(entry.readyPods, entry.reachable, now);
    entry.recheckAt = tick.scaler.recheckAt;
    return tick;
}

} // namespace faaswb::localplatform
