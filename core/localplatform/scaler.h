// PaScaler: the KPA's PodAutoscaler reconciler for one revision. It turns the decider's desired scale into the
// replica count to run (min/max bounds, initial-scale, the scale-to-zero steps with their grace periods), keeps the
// PA's Active/Activating/Inactive state and decides whether the activator (the local gateway) is in the request path
// (pkg/reconciler/autoscaling/kpa/kpa.go and scaler.go). No clock reads. Not thread-safe: one owner thread.
#pragma once

#include "localplatform/autoscaler_config.h"

#include <optional>
#include <string>

namespace faaswb::localplatform {

// The PA's Active condition: Unknown (activating), True, False.
enum class PaActivity { Activating, Active, Inactive };
// The ServerlessService mode: Serve sends requests to the pods, Proxy through the activator.
enum class SksMode { Serve, Proxy };

struct PaStatus {
    int desiredScale = -1; // what the scaler asked for this reconcile ("want"); -1 = unknown
    int actualScale = 0;   // ready pods
    PaActivity activity = PaActivity::Activating;
    std::string reason;        // "Queued" (activating), "NoTraffic" or "TimedOut" (inactive), empty when active
    TimePoint activitySince{}; // last transition of the Active condition (status or reason)
    bool scaleTargetInitialized = false;
    SksMode sksMode = SksMode::Serve;
    bool activatorInPath = true; // Proxy mode, or Serve mode without a ready pod (the SKS then falls back)
    int activators = 2;          // activators a revision would be spread over (kpa.go computeNumActivators)
};

struct ScalerResult {
    int replicas = 0;             // the replicas the revision should run now
    bool replicasChanged = false; // this reconcile patched the replica count
    PaStatus status;
    std::optional<TimePoint> recheckAt; // reconcile again at this time: a waiting period ends then
};

// Serve mode (activator out of the path) needs a positive scale and non-negative excess burst capacity; TBC = -1
// gives EBC = -1, so the activator then stays in the path for good.
bool activatorInPath(int want, int excessBurstCapacity);
// max(2, ceil((ready x total + TBC) / activator-capacity)); 2 when TBC is 0.
int activatorCount(int readyPods, const RevisionScalingConfig& config);

class PaScaler {
public:
    // The revision's deployment starts with initial-scale replicas; the PA starts activating.
    PaScaler(RevisionScalingConfig config, TimePoint created);

    // One PA reconcile. deciderDesired and excessBurstCapacity are the decider's latest status; readyPods the
    // ready endpoints; reachable whether a route sends traffic to the revision.
    ScalerResult reconcile(int deciderDesired, int excessBurstCapacity, int readyPods, bool reachable, TimePoint now);

    int replicas() const { return m_replicas; }
    const PaStatus& status() const { return m_status; }

private:
    struct Verdict {
        int scale = 0;
        bool apply = false;
        std::optional<TimePoint> recheckAt;
    };
    Verdict scale(int desired, bool reachable, TimePoint now) const;
    int minScale(bool reachable) const;
    Verdict handleScaleToZero(int desired, TimePoint now) const;
    Verdict whileActivating(TimePoint now) const;
    Verdict whileActive(TimePoint now) const;
    Verdict whileInactive(TimePoint now) const;
    void updateSks(int want, int excessBurstCapacity, int readyPods, TimePoint now);
    void updateActivity(int want, int readyPods, bool reachable, TimePoint now);
    int activeThreshold(bool reachable) const;
    void mark(PaActivity activity, const char* reason, TimePoint now);

    RevisionScalingConfig m_config;
    int m_replicas;
    PaStatus m_status;
    std::optional<TimePoint> m_proxySince; // since when the activator is in the path (SKS ProxyFor)
};

} // namespace faaswb::localplatform
