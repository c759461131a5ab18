// bench_autoscaler: cost of AutoscalerSet::tickAll() for 100 revisions whose 60s windows are full (60 one-second
// buckets each), next to the lower bound in the same run: a loop that only sums 100 x 60 doubles, i.e. reading every
// bucket once per tick. The target is tickAll <= 1 ms. Stats for the next 2s are recorded between ticks, outside the
// timed region, so the windows stay full and keep moving as on a live platform.
#include "localplatform/revision_autoscaler.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

using namespace faaswb::localplatform;

namespace {

constexpr int kRevisions = 100;
constexpr int kBuckets = 60;
constexpr int kTicks = 20'000;
constexpr int kPodsPerRevision = 3;

using BenchClock = std::chrono::steady_clock;

double micros(BenchClock::duration elapsed) {
    return std::chrono::duration<double, std::micro>(elapsed).count();
}

// A load that differs per revision and moves over time, so panic, scale-down and EBC branches all get exercised.
double loadAt(int revision, int second) {
    return 20.0 + static_cast<double>((revision * 37 + second * 11) % 300);
}

void recordSecond(AutoscalerSet& set, const std::vector<std::string>& names, int second, TimePoint now) {
    std::vector<Stat> pods(kPodsPerRevision);
    for (int r = 0; r < kRevisions; ++r) {
        for (Stat& pod : pods)
            pod.averageConcurrency = loadAt(r, second) / kPodsPerRevision;
        set.recordPodStats(names[static_cast<std::size_t>(r)], pods, now);
    }
}

struct Timing {
    double meanMicros = 0;
    double medianMicros = 0;
    double p99Micros = 0;
};

double percentile(std::vector<double>& samples, int percent) {
    const auto rank = samples.begin() + static_cast<std::ptrdiff_t>(samples.size() * percent / 100);
    std::nth_element(samples.begin(), rank, samples.end());
    return *rank;
}

Timing benchTickAll(const Annotations& annotations, std::int64_t& checksum) {
    const TimePoint start = TimePoint{} + std::chrono::hours(1000);
    const auto config = resolveScalingConfig(annotations, 0);
    AutoscalerSet set;
    std::vector<std::string> names;
    for (int r = 0; r < kRevisions; ++r) {
        names.push_back("bench-" + std::to_string(r));
        (void)set.add(names.back(), *config, kPodsPerRevision, start);
        set.setReadyPods(names.back(), kPodsPerRevision);
    }
    int second = 0;
    for (; second < kBuckets; ++second)
        recordSecond(set, names, second, start + std::chrono::seconds(second));
    std::vector<double> samples;
    samples.reserve(kTicks);
    for (int tick = 0; tick < kTicks; ++tick) {
        const TimePoint now = start + std::chrono::seconds(second - 1);
        const auto begin = BenchClock::now();
        const auto& outcomes = set.tickAll(now);
        samples.push_back(micros(BenchClock::now() - begin));
        checksum += outcomes.front().tick.decision.desiredScale + outcomes.back().tick.scaler.replicas;
        for (int i = 0; i < 2; ++i, ++second)
            recordSecond(set, names, second, start + std::chrono::seconds(second));
    }
    Timing timing;
    for (double sample : samples)
        timing.meanMicros += sample / kTicks;
    timing.medianMicros = percentile(samples, 50);
    timing.p99Micros = percentile(samples, 99);
    return timing;
}

// The lower bound: touch every bucket of every window once per tick, nothing else.
double benchPlainSum(double& checksum) {
    std::vector<double> buckets(static_cast<std::size_t>(kRevisions * kBuckets));
    for (std::size_t i = 0; i < buckets.size(); ++i)
        buckets[i] = static_cast<double>(i % 97);
    BenchClock::duration total{};
    for (int tick = 0; tick < kTicks; ++tick) {
        buckets[static_cast<std::size_t>(tick) % buckets.size()] += 1.0; // keeps the sum from being hoisted
        const auto begin = BenchClock::now();
        double sum = 0;
        for (double value : buckets)
            sum += value;
        total += BenchClock::now() - begin;
        checksum += sum;
    }
    return micros(total) / kTicks;
}

} // namespace

int main() {
    std::int64_t scaleChecksum = 0;
    double sumChecksum = 0;
    const Timing linear = benchTickAll({}, scaleChecksum);
    const Timing weighted =
        benchTickAll({{"autoscaling.knative.dev/metric-aggregation-algorithm", "weighted-exponential"}}, scaleChecksum);
    const double plain = benchPlainSum(sumChecksum);
    std::cout << std::fixed << std::setprecision(2);
    std::cout << "tickAll, " << kRevisions << " revisions x " << kBuckets << " buckets, " << kTicks << " ticks\n";
    const auto report = [](const char* label, const Timing& timing) {
        std::cout << "  " << label << timing.meanMicros << " us/tickAll mean, median " << timing.medianMicros
                  << ", p99 " << timing.p99Micros << "\n";
    };
    report("linear windows:               ", linear);
    report("weighted-exponential windows: ", weighted);
    std::cout << "  peer: sum of 100 x 60 doubles: " << plain << " us\n";
    std::cout << "  target: <= 1000 us per tickAll -> " << (linear.meanMicros <= 1000.0 ? "met" : "MISSED") << "\n";
    std::cout << "(checksums " << scaleChecksum << " " << sumChecksum << ")\n";
    return linear.meanMicros <= 1000.0 ? 0 : 1;
}
