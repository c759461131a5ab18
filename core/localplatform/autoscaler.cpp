#include "localplatform/autoscaler.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace faaswb::localplatform {
namespace {

// stats_scraper.go: 95% confidence (z = 1.96), standard deviation 10, error 5.
constexpr double kSampleConstant = 1.96 * 1.96 * 100.0 / (5.0 * 5.0);

// multiscaler.go Create: before any metrics, the decider assumes initial-scale pods are serving.
int initialBurstCapacity(const RevisionScalingConfig& config) {
    if (config.targetBurstCapacity == 0 || config.targetBurstCapacity == -1)
        return static_cast<int>(config.targetBurstCapacity);
    return static_cast<int>(config.initialScale * config.totalValue - config.targetBurstCapacity);
}

bool isOld(const Stat& stat, Nanos stableWindow) {
    return stat.processUptimeSeconds >= std::chrono::duration<double>(stableWindow).count();
}

void addStat(Stat& sum, const Stat& stat) {
    sum.averageConcurrency += stat.averageConcurrency;
    sum.averageProxiedConcurrency += stat.averageProxiedConcurrency;
    sum.requestCount += stat.requestCount;
    sum.proxiedRequestCount += stat.proxiedRequestCount;
}

// Stands the sampled pods in for all of them (stats_scraper.go Stat.average): every pod is assumed to carry about
// the same load, so the revision total is the sample mean times the pod count.
Stat scaledToPopulation(Stat sum, double sample, double population) {
    const double factor = population / sample;
    sum.averageConcurrency *= factor;
    sum.averageProxiedConcurrency *= factor;
    sum.requestCount *= factor;
    sum.proxiedRequestCount *= factor;
    return sum;
}

} // namespace

int scrapeSampleSize(int pods) {
    if (pods <= 3)
        return std::max(pods, 0);
    const double population = pods;
    return static_cast<int>(std::ceil(population * kSampleConstant / (population + kSampleConstant - 1)));
}

KpaAutoscaler::KpaAutoscaler(RevisionScalingConfig config, int readyPods, TimePoint now)
    : m_config(std::move(config))
    , m_stableConcurrency(m_config.stableWindow, kBucketSize, m_config.algorithm)
    , m_panicConcurrency(m_config.panicWindow, kBucketSize, m_config.algorithm)
    , m_stableRps(m_config.stableWindow, kBucketSize, m_config.algorithm)
    , m_panicRps(m_config.panicWindow, kBucketSize, m_config.algorithm)
    , m_maxPanicPods(readyPods)
    , m_excessBurstCapacity(initialBurstCapacity(m_config)) {
    if (m_config.scaleDownDelay > Nanos{0})
        m_delayWindow.emplace(m_config.scaleDownDelay, kTickInterval);
    if (readyPods > 1)
        m_panicTime = now;
}

void KpaAutoscaler::record(const Stat& stat, TimePoint now) {
    // Requests that came through the activator are in the activator's own stat already.
    const double concurrency = stat.averageConcurrency - stat.averageProxiedConcurrency;
    const double rps = stat.requestCount - stat.proxiedRequestCount;
    m_stableConcurrency.record(now, concurrency);
    m_panicConcurrency.record(now, concurrency);
    m_stableRps.record(now, rps);
    m_panicRps.record(now, rps);
}

void KpaAutoscaler::recordPodStats(std::span<const Stat> pods, TimePoint now) {
    // TBC = -1 keeps the activator in the path for good, so Knative does not scrape the pods at all.
    if (m_config.targetBurstCapacity == -1 || pods.empty())
        return;
    const auto sample = static_cast<std::size_t>(scrapeSampleSize(static_cast<int>(pods.size())));
    const std::vector<const Stat*> order = scrapeOrder(pods, sample);
    Stat sum;
    for (std::size_t i = 0; i < sample; ++i)
        addStat(sum, *order[i]);
    record(scaledToPopulation(sum, static_cast<double>(sample), static_cast<double>(pods.size())), now);
}

// Pods up for at least the stable window come first; younger ones only fill the sample up (stats_scraper.go).
std::vector<const Stat*> KpaAutoscaler::scrapeOrder(std::span<const Stat> pods, std::size_t sample) {
    std::vector<const Stat*> order;
    order.reserve(pods.size());
    for (const Stat& stat : pods)
        if (isOld(stat, m_config.stableWindow))
            order.push_back(&stat);
    const auto oldCount = static_cast<std::ptrdiff_t>(order.size());
    for (const Stat& stat : pods)
        if (!isOld(stat, m_config.stableWindow))
            order.push_back(&stat);
    // Knative shuffles the group it samples from; rotating through it is as fair and keeps runs reproducible.
    const bool enoughOld = oldCount >= static_cast<std::ptrdiff_t>(sample);
    const auto first = order.begin() + (enoughOld ? 0 : oldCount);
    const auto last = enoughOld ? order.begin() + oldCount : order.end();
    if (last - first > 1)
        std::rotate(first, first + static_cast<std::ptrdiff_t>(m_scrapeRotation++ % (last - first)), last);
    return order;
}

void KpaAutoscaler::recordActivatorStat(const Stat& stat, TimePoint now) {
    record(stat, now);
}

bool KpaAutoscaler::shouldPoke(const Stat& stat) const {
    return m_desiredScale == 0 && stat.averageConcurrency != 0;
}

ScaleDecision KpaAutoscaler::scale(int readyPods, bool reachable, TimePoint now) {
    const auto observed = observe(now);
    if (!observed)
        return invalidDecision();
    Desired desired = desiredPods(*observed, readyPods, reachable);
    applyActivationScale(desired);
    updatePanicState(desired.panicRaw / std::max(1, readyPods) >= m_config.panicThreshold, now);
    int pods = m_panicTime ? holdDuringPanic(desired) : desired.stable;
    pods = delayScaleDown(pods, reachable, now);
    const int burst = burstCapacity(readyPods, observed->panic);
    ScaleDecision decision{.valid = true,
                           .desiredScale = pods,
                           .excessBurstCapacity = burst,
                           .panicMode = panicking(),
                           .stableValue = observed->stable,
                           .panicValue = observed->panic,
                           .targetValue = m_config.targetValue,
                           .desiredStablePods = desired.stable,
                           .desiredPanicPods = desired.panic};
    decision.statusChanged = publish(pods, burst);
    return decision;
}

std::optional<KpaAutoscaler::Observed> KpaAutoscaler::observe(TimePoint now) const {
    const bool rps = m_config.metric == ScalingMetric::Rps;
    const MetricWindow& stable = rps ? m_stableRps : m_stableConcurrency;
    const MetricWindow& panic = rps ? m_panicRps : m_panicConcurrency;
    // ErrNoData needs a scrape target: with TBC = -1 an empty window only means the activator saw no requests.
    if (stable.isEmpty(now) && m_config.targetBurstCapacity != -1)
        return std::nullopt;
    return Observed{stable.average(now), panic.average(now)};
}

KpaAutoscaler::Desired KpaAutoscaler::desiredPods(const Observed& observed, int readyPods, bool reachable) const {
    const double pods = std::max(1, readyPods);
    // ceil lets even a cautious rate add one pod; scale-down is limited only on a routed revision, so an unrouted
    // one can drop straight to its target.
    const double maxUp = std::ceil(m_config.maxScaleUpRate * pods);
    const double maxDown = reachable ? std::floor(pods / m_config.maxScaleDownRate) : 0.0;
    const double stableRaw = std::ceil(observed.stable / m_config.targetValue);
    const double panicRaw = std::ceil(observed.panic / m_config.targetValue);
    const auto limit = [&](double raw) { return static_cast<int>(std::min(std::max(raw, maxDown), maxUp)); };
    return Desired{limit(stableRaw), limit(panicRaw), stableRaw, panicRaw};
}

// activation-scale: a revision that needs any pod gets at least this many.
void KpaAutoscaler::applyActivationScale(Desired& desired) const {
    if (m_config.activationScale <= 1)
        return;
    if (desired.stableRaw > 0)
        desired.stable = std::max(desired.stable, m_config.activationScale);
    if (desired.panicRaw > 0)
        desired.panic = std::max(desired.panic, m_config.activationScale);
}

// Every tick over the threshold starts or extends the panic; it ends once a whole stable window has passed since,
// by which time the surge is in the stable average too.
void KpaAutoscaler::updatePanicState(bool overThreshold, TimePoint now) {
    if (overThreshold) {
        m_panicTime = now;
        return;
    }
    if (m_panicTime && *m_panicTime + m_config.stableWindow < now) {
        m_panicTime.reset();
        m_maxPanicPods = 0;
    }
}

// In panic the count only grows: provision for the larger of both windows, never below the panic's peak.
int KpaAutoscaler::holdDuringPanic(const Desired& desired) {
    m_maxPanicPods = std::max({m_maxPanicPods, desired.stable, desired.panic});
    return m_maxPanicPods;
}

int KpaAutoscaler::delayScaleDown(int desired, bool reachable, TimePoint now) {
    if (!m_delayWindow || !reachable)
        return desired;
    m_delayWindow->record(now, desired);
    return m_delayWindow->current();
}

// EBC = total capacity - target burst capacity - requests in flight; the panic value, so the activator does not
// leave the path on a momentary lull.
int KpaAutoscaler::burstCapacity(int readyPods, double panicValue) const {
    if (m_config.targetBurstCapacity == 0)
        return 0;
    if (m_config.targetBurstCapacity < 0)
        return -1;
    return static_cast<int>(std::floor(readyPods * m_config.totalValue - m_config.targetBurstCapacity - panicValue));
}

// multiscaler.go updateLatestScale: the PA cares about a new desired scale, and about EBC only when its sign flips.
bool KpaAutoscaler::publish(int desired, int excessBurstCapacity) {
    const bool changed = desired != m_desiredScale || (excessBurstCapacity < 0) != (m_excessBurstCapacity < 0);
    m_desiredScale = desired;
    m_excessBurstCapacity = excessBurstCapacity;
    return changed;
}

ScaleDecision KpaAutoscaler::invalidDecision() const {
    ScaleDecision decision;
    decision.desiredScale = m_desiredScale;
    decision.excessBurstCapacity = m_excessBurstCapacity;
    decision.panicMode = panicking();
    decision.targetValue = m_config.targetValue;
    return decision;
}

} // namespace faaswb::localplatform
