// KpaAutoscaler: Knative's KPA decider for one revision. It keeps the revision's 1s metric buckets (fed by the pod
// scraper and by the activator, which the local gateway plays) and computes, every 2s tick, the desired pod count and
// the excess burst capacity (pkg/autoscaler/scaling/autoscaler.go, metrics/collector.go, metrics/stats_scraper.go).
// No clock reads: every call takes the time. Not thread-safe: one owner thread calls everything.
#pragma once

#include "localplatform/autoscaler_config.h"
#include "localplatform/metric_window.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace faaswb::localplatform {

// One 1s report from a queue-proxy (one pod) or from the activator (metrics/collector.go Stat).
struct Stat {
    std::string podName;
    double averageConcurrency = 0;        // time-weighted in-flight requests over the second
    double averageProxiedConcurrency = 0; // the part of it that came through the activator
    double requestCount = 0;              // requests in the second, i.e. a rate
    double proxiedRequestCount = 0;       // the part of it that came through the activator
    double processUptimeSeconds = 0;      // lets the scraper prefer pods older than the stable window
};

// The result of one decider tick.
struct ScaleDecision {
    bool valid = false;          // false: no data yet (ErrNoData); the previous desired scale stands
    int desiredScale = -1;       // the decider's desired scale after this tick (-1 = unknown)
    int excessBurstCapacity = 0; // ready x total - TBC - panic value; < 0 puts the activator in the path
    bool panicMode = false;
    double stableValue = 0;     // revision-wide metric averaged over the stable window
    double panicValue = 0;      // ... over the panic window
    double targetValue = 0;     // per-pod target of the metric
    int desiredStablePods = 0;  // from the stable value, after rate limits and activation-scale
    int desiredPanicPods = 0;   // from the panic value, likewise
    bool statusChanged = false; // desired scale changed or EBC changed sign: reconcile the PA (multiscaler.go)
};

// How many pods the scraper samples out of `pods` (stats_scraper.go populationMeanSampleSize): all of them up to 3,
// then ceil(N * X / (N + X - 1)) with X = 1.96^2 * 100 / 5^2 (95% confidence, 5% error).
int scrapeSampleSize(int pods);

class KpaAutoscaler {
public:
    // readyPods: the count when the decider is created. With more than one, it starts in panic mode holding that
    // count, so an autoscaler restart that lost its history does not scale the revision down.
    KpaAutoscaler(RevisionScalingConfig config, int readyPods, TimePoint now);

    // Adds a revision-wide stat to the 1s buckets, minus its proxied part (collector.go record).
    void record(const Stat& stat, TimePoint now);
    // The scraper's job: sample the pods' stats (older pods first), average them and multiply by the pod count to get
    // the revision total, then record() it. With TBC = -1 pods are not scraped at all, so this does nothing.
    void recordPodStats(std::span<const Stat> pods, TimePoint now);
    // The activator's own stat (requests it holds or forwards); it adds up with the scraper's in the same bucket.
    void recordActivatorStat(const Stat& stat, TimePoint now);
    // MultiScaler.Poke: a stat with concurrency while the last desired scale is 0 should trigger a tick now rather
    // than within the next 2s.
    bool shouldPoke(const Stat& stat) const;

    // One decision tick (autoscaler.go Scale). reachable: the revision is routed; only then may rate limits scale
    // down and does scale-down-delay apply.
    ScaleDecision scale(int readyPods, bool reachable, TimePoint now);

    int desiredScale() const { return m_desiredScale; }
    int excessBurstCapacity() const { return m_excessBurstCapacity; }
    bool panicking() const { return m_panicTime.has_value(); }
    const RevisionScalingConfig& config() const { return m_config; }

private:
    struct Observed {
        double stable = 0;
        double panic = 0;
    };
    struct Desired {
        int stable = 0;
        int panic = 0;
        double stableRaw = 0; // dspc and dppc before the rate limits: activation-scale and the panic test use them
        double panicRaw = 0;
    };
    std::vector<const Stat*> scrapeOrder(std::span<const Stat> pods, std::size_t sample);
    std::optional<Observed> observe(TimePoint now) const;
    Desired desiredPods(const Observed& observed, int readyPods, bool reachable) const;
    void applyActivationScale(Desired& desired) const;
    void updatePanicState(bool overThreshold, TimePoint now);
    int holdDuringPanic(const Desired& desired);
    int delayScaleDown(int desired, bool reachable, TimePoint now);
    int burstCapacity(int readyPods, double panicValue) const;
    bool publish(int desired, int excessBurstCapacity);
    ScaleDecision invalidDecision() const;

    RevisionScalingConfig m_config;
    MetricWindow m_stableConcurrency;
    MetricWindow m_panicConcurrency;
    MetricWindow m_stableRps;
    MetricWindow m_panicRps;
    std::optional<MaxTimeWindow> m_delayWindow;
    std::optional<TimePoint> m_panicTime; // set while panicking: the last tick that was over the threshold
    int m_maxPanicPods = 0;
    int m_desiredScale = -1;
    int m_excessBurstCapacity = 0;
    std::size_t m_scrapeRotation = 0;
};

} // namespace faaswb::localplatform
