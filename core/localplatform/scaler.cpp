#include "localplatform/scaler.h"

#include <algorithm>
#include <cmath>

namespace faaswb::localplatform {
namespace {

using std::chrono::seconds;

constexpr int kMinActivators = 2;
// kpa/scaler.go: re-reconcile after a failed activator probe, and after deactivating a PA whose SKS was in proxy
// mode already (nothing else would trigger a reconcile then).
constexpr Nanos kProbeRequeue = seconds(1);
constexpr Nanos kProxyRequeue = seconds(3);

// kpa/scaler.go applyBounds; pre: 0 <= min. A max of 0 means unbounded.
int applyBounds(int minScale, int maxScale, int value) {
    if (value < minScale)
        return minScale;
    if (maxScale != 0 && value > maxScale)
        return maxScale;
    return value;
}

} // namespace

bool activatorInPath(int want, int excessBurstCapacity) {
    return want == 0 || excessBurstCapacity < 0;
}

int activatorCount(int readyPods, const RevisionScalingConfig& config) {
    if (config.targetBurstCapacity == 0)
        return kMinActivators;
    double capacity = readyPods * config.totalValue;
    if (config.targetBurstCapacity > 0)
        capacity += config.targetBurstCapacity;
    return std::max(kMinActivators, static_cast<int>(std::ceil(capacity / config.activatorCapacity)));
}

PaScaler::PaScaler(RevisionScalingConfig config, TimePoint created)
    : m_config(std::move(config))
    , m_replicas(m_config.initialScale) {
    m_status.activitySince = created;
}

ScalerResult PaScaler::reconcile(int deciderDesired, int excessBurstCapacity, int readyPods, bool reachable,
                                 TimePoint now) {
    const Verdict verdict = scale(deciderDesired, reachable, now);
    const bool changed = verdict.apply && verdict.scale != m_replicas;
    if (verdict.apply)
        m_replicas = verdict.scale;
    // The SKS mode is decided from the PA state before this reconcile updates it, as kpa.go ReconcileKind does.
    updateSks(verdict.scale, excessBurstCapacity, readyPods, now);
    updateActivity(verdict.scale, readyPods, reachable, now);
    m_status.desiredScale = verdict.scale;
    m_status.actualScale = readyPods;
    m_status.activators = activatorCount(readyPods, m_config);
    return ScalerResult{m_replicas, changed, m_status, verdict.recheckAt};
}

// kpa/scaler.go scale: an unknown desired scale is applied only while activating, where the bounds give it meaning.
PaScaler::Verdict PaScaler::scale(int desired, bool reachable, TimePoint now) const {
    if (desired < 0 && m_status.activity != PaActivity::Activating)
        return Verdict{desired, false, std::nullopt};
    return handleScaleToZero(applyBounds(minScale(reachable), m_config.maxScale, desired), now);
}

// min-scale holds only while the revision is routed; until the first rollout reached its size, initial-scale raises
// the floor (pa_lifecycle.go ScaleBounds, kpa/scaler.go).
int PaScaler::minScale(bool reachable) const {
    const int floor = reachable ? m_config.minScale : 0;
    if (m_config.initialScale > 1 && !m_status.scaleTargetInitialized)
        return std::max(floor, m_config.initialScale);
    return floor;
}

PaScaler::Verdict PaScaler::handleScaleToZero(int desired, TimePoint now) const {
    if (desired != 0)
        return Verdict{desired, true, std::nullopt};
    if (!m_config.enableScaleToZero)
        return Verdict{1, true, std::nullopt};
    switch (m_status.activity) {
    case PaActivity::Activating:
        return whileActivating(now);
    case PaActivity::Active:
        return whileActive(now);
    case PaActivity::Inactive:
        break;
    }
    return whileInactive(now);
}

// A scale-up that never became ready is given up after progress-deadline + 30s ("TimedOut").
PaScaler::Verdict PaScaler::whileActivating(TimePoint now) const {
    const TimePoint deadline = m_status.activitySince + m_config.activationTimeout;
    if (now > deadline)
        return Verdict{0, true, std::nullopt};
    return Verdict{-1, false, deadline};
}

// Active: keep one pod until the PA has been active for a stable window, then only mark it inactive (scale 0,
// not applied) so the activator enters the path before the last pod goes.
PaScaler::Verdict PaScaler::whileActive(TimePoint now) const {
    const TimePoint stableEnd = m_status.activitySince + m_config.stableWindow;
    if (now >= stableEnd)
        return Verdict{0, false, now + (m_status.sksMode == SksMode::Proxy ? kProxyRequeue : Nanos{0})};
    return Verdict{1, true, stableEnd};
}

// Inactive: remove the last pod once inactive for max(grace, retention), or once the activator has been in the
// path for the grace period; the retention period is a hard minimum counted from deactivation.
PaScaler::Verdict PaScaler::whileInactive(TimePoint now) const {
    // The local gateway takes over the moment it is put in the path, so that is what the activator probe sees.
    if (!m_status.activatorInPath)
        return Verdict{0, false, now + kProbeRequeue};
    const Nanos inactiveFor = now - m_status.activitySince;
    const Nanos retention = m_config.scaleToZeroPodRetention;
    if (inactiveFor >= std::max(m_config.scaleToZeroGracePeriod, retention))
        return Verdict{0, true, std::nullopt};
    if (retention > Nanos{0} && inactiveFor < retention)
        return Verdict{0, false, m_status.activitySince + retention};
    const Nanos remaining = m_config.scaleToZeroGracePeriod - (now - *m_proxySince);
    if (remaining <= Nanos{0})
        return Verdict{0, true, std::nullopt};
    return Verdict{0, false, now + remaining};
}

// kpa.go: Proxy when scaled to zero, when EBC is negative, or when the decider knows nothing yet about a revision
// whose PA is already inactive (e.g. after an autoscaler restart). In Serve mode without a ready pod the SKS
// reconciler still routes through the activator (serverlessservice.go), and ProxyFor counts that time too.
void PaScaler::updateSks(int want, int excessBurstCapacity, int readyPods, TimePoint now) {
    const bool proxy =
        activatorInPath(want, excessBurstCapacity) || (want == -1 && m_status.activity == PaActivity::Inactive);
    m_status.sksMode = proxy ? SksMode::Proxy : SksMode::Serve;
    m_status.activatorInPath = proxy || readyPods == 0;
    if (!m_status.activatorInPath)
        m_proxySince.reset();
    else if (!m_proxySince)
        m_proxySince = now;
}

// kpa.go computeActiveCondition; the table there lists every (want, ready, min, status) case.
void PaScaler::updateActivity(int want, int readyPods, bool reachable, TimePoint now) {
    const int minReady = activeThreshold(reachable);
    if (readyPods >= minReady)
        m_status.scaleTargetInitialized = true;
    const bool inactive = m_status.activity == PaActivity::Inactive;
    if (want == 0 || minReady == 0) {
        const bool timedOut = m_status.activity == PaActivity::Activating && minReady > 0;
        mark(PaActivity::Inactive, timedOut ? "TimedOut" : "NoTraffic", now);
    } else if (readyPods < minReady) {
        if (want > 0 || !inactive)
            mark(PaActivity::Activating, "Queued", now);
        else
            mark(PaActivity::Inactive, "NoTraffic", now);
    } else if (want > 0 || !inactive) {
        mark(PaActivity::Active, "", now);
    }
}

// kpa.go activeThreshold: the ready pods that make the PA active; initial-scale of them for the first rollout.
int PaScaler::activeThreshold(bool reachable) const {
    const int boundsMin = reachable ? m_config.minScale : 0;
    return std::max(boundsMin, m_status.scaleTargetInitialized ? 1 : m_config.initialScale);
}

// Kubernetes conditions move their transition time when the status or the reason changes.
void PaScaler::mark(PaActivity activity, const char* reason, TimePoint now) {
    if (m_status.activity == activity && m_status.reason == reason)
        return;
    m_status.activity = activity;
    m_status.reason = reason;
    m_status.activitySince = now;
}

} // namespace faaswb::localplatform
