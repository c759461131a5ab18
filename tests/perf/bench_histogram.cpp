// bench_histogram: cost of LatencyHistogram::record() and merge(), next to the lower bound for record() in the same
// run: incrementing a plain std::vector<int64_t> at an index computed beforehand. Both record loops draw their
// values from the same table with the same LCG, so the difference is the index computation and the bookkeeping.
#include "load/histogram.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <vector>

using faaswb::load::LatencyHistogram;

namespace {

constexpr std::int64_t kRecords = 100'000'000;
constexpr int kMerges = 20'000;
constexpr std::size_t kTableBits = 16;

using Clock = std::chrono::steady_clock;

std::uint64_t nextRandom(std::uint64_t state) {
    return state * 6364136223846793005ull + 1442695040888963407ull;
}

// Latencies spread over 10 us .. ~10 s on a log scale, so record() touches many buckets as a real run does.
std::vector<std::int64_t> makeValues() {
    std::vector<std::int64_t> values(std::size_t{1} << kTableBits);
    std::uint64_t state = 1;
    for (std::int64_t& value : values) {
        state = nextRandom(state);
        const double unit = static_cast<double>(state >> 11) / static_cast<double>(std::uint64_t{1} << 53);
        value = std::llround(std::pow(10.0, 1.0 + 6.0 * unit));
    }
    return values;
}

double nanosPerOp(Clock::duration elapsed, std::int64_t ops) {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
           static_cast<double>(ops);
}

double benchRecord(const std::vector<std::int64_t>& values, LatencyHistogram& histogram) {
    std::uint64_t state = 7;
    const auto start = Clock::now();
    for (std::int64_t i = 0; i < kRecords; ++i) {
        state = nextRandom(state);
        histogram.record(values[state >> (64 - kTableBits)]);
    }
    return nanosPerOp(Clock::now() - start, kRecords);
}

double benchPlainVector(const std::vector<std::uint32_t>& indices, std::vector<std::int64_t>& counts) {
    std::uint64_t state = 7;
    const auto start = Clock::now();
    for (std::int64_t i = 0; i < kRecords; ++i) {
        state = nextRandom(state);
        ++counts[indices[state >> (64 - kTableBits)]];
    }
    return nanosPerOp(Clock::now() - start, kRecords);
}

double benchMerge(const LatencyHistogram& source, LatencyHistogram& target) {
    const auto start = Clock::now();
    for (int i = 0; i < kMerges; ++i)
        target.merge(source);
    return nanosPerOp(Clock::now() - start, kMerges);
}

} // namespace

int main() {
    const std::vector<std::int64_t> values = makeValues();
    LatencyHistogram histogram;
    std::vector<std::uint32_t> indices;
    for (std::int64_t value : values)
        indices.push_back(static_cast<std::uint32_t>(histogram.indexForValue(value)));
    std::vector<std::int64_t> counts(histogram.countsLength(), 0);

    const double recordNs = benchRecord(values, histogram);
    const double vectorNs = benchPlainVector(indices, counts);
    LatencyHistogram merged;
    const double mergeNs = benchMerge(histogram, merged);

    std::int64_t vectorTotal = 0;
    for (std::int64_t count : counts)
        vectorTotal += count;
    // Printing the totals keeps the compiler from discarding the loops.
    std::cout << std::fixed << std::setprecision(2) << "record()            " << recordNs << " ns/op  (total "
              << histogram.totalCount() << ", p99 " << histogram.valueAtPercentile(99) << " us)\n"
              << "plain vector peer   " << vectorNs << " ns/op  (total " << vectorTotal << ")\n"
              << "merge()             " << mergeNs << " ns/op  (" << histogram.countsLength() << " buckets, "
              << mergeNs / static_cast<double>(histogram.countsLength()) << " ns/bucket, total " << merged.totalCount()
              << ")\n";
    return 0;
}
