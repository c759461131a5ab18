#include "load/histogram.h"
#include "load/snapshot.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

using namespace faaswb::load;

namespace {

using Values = std::vector<std::int64_t>;

// Deterministic samples, microseconds. "span" is log-uniform over the whole trackable range (1 us .. 1 h).
Values sample(const QString& distribution, int n) {
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::lognormal_distribution<double> lognormal(std::log(20'000.0), 1.0);
    std::normal_distribution<double> fast(2'000.0, 300.0);
    std::normal_distribution<double> slow(250'000.0, 40'000.0);
    Values values;
    values.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i) {
        double v = 0;
        if (distribution == QLatin1String("uniform"))
            v = 1 + unit(random) * 1'000'000;
        else if (distribution == QLatin1String("lognormal"))
            v = lognormal(random);
        else if (distribution == QLatin1String("bimodal"))
            v = unit(random) < 0.8 ? fast(random) : slow(random);
        else
            v = std::exp(unit(random) * std::log(double(LatencyHistogram::kDefaultHighest)));
        values.push_back(std::clamp<std::int64_t>(std::llround(v), 1, LatencyHistogram::kDefaultHighest));
    }
    return values;
}

// The value at which `basisPoints` / 100 % of the sorted values are at or below it. Integer arithmetic, so the
// oracle's rank is exact (0.999 * 200000 in doubles is 199800.00000000003, which would round up one rank too far).
std::int64_t oraclePercentile(const Values& sorted, std::int64_t basisPoints) {
    const auto n = std::int64_t(sorted.size());
    const std::int64_t rank = (basisPoints * n + 9999) / 10'000;
    return sorted[std::size_t(std::clamp<std::int64_t>(rank, 1, n) - 1)];
}

LatencyHistogram recordAll(const Values& values) {
    LatencyHistogram histogram;
    for (std::int64_t v : values)
        histogram.record(v);
    return histogram;
}

bool sameCounts(const LatencyHistogram& a, const LatencyHistogram& b) {
    if (a.countsLength() != b.countsLength() || a.totalCount() != b.totalCount())
        return false;
    for (std::size_t i = 0; i < a.countsLength(); ++i)
        if (a.countAtIndex(i) != b.countAtIndex(i))
            return false;
    return a.min() == b.min() && a.max() == b.max();
}

// 3 significant digits: a bucket is at most 1/1024 of its lowest value wide, so the reported value is never more
// than 10^-3 of the true value above it.
bool withinPrecision(std::int64_t reported, std::int64_t truth) {
    return reported >= truth && double(reported - truth) <= 1e-3 * double(truth);
}

} // namespace

class TestHistogram : public QObject {
    Q_OBJECT
private slots:
    void layoutMatchesHdrHistogram_data() {
        QTest::addColumn<qint64>("lowest");
        QTest::addColumn<qint64>("highest");
        QTest::addColumn<int>("digits");
        QTest::addColumn<qint64>("countsLength");
        // Expected lengths follow hdr_calculate_bucket_config: (bucket_count + 1) * sub_bucket_count / 2.
        QTest::addRow("defaults") << qint64(1) << qint64(3'600'000'000) << 3 << qint64(23 * 1024);
        QTest::addRow("2 digits") << qint64(1) << qint64(3'600'000'000) << 2 << qint64(26 * 128);
        QTest::addRow("lowest 1000") << qint64(1000) << qint64(3'600'000'000) << 3 << qint64(14 * 1024);
        QTest::addRow("one hour ms") << qint64(1) << qint64(3'600'000) << 3 << qint64(13 * 1024);
    }
    void layoutMatchesHdrHistogram() {
        QFETCH(qint64, lowest);
        QFETCH(qint64, highest);
        QFETCH(int, digits);
        QFETCH(qint64, countsLength);
        const LatencyHistogram histogram(lowest, highest, digits);
        QCOMPARE(qint64(histogram.countsLength()), countsLength);
    }

    void indexAndValueAreInverse() {
        const LatencyHistogram histogram;
        for (std::size_t i = 0; i < histogram.countsLength(); ++i) {
            const std::int64_t value = histogram.valueFromIndex(i);
            if (value > histogram.highestTrackableValue())
                break;
            QCOMPARE(histogram.indexForValue(value), i);
            QCOMPARE(histogram.indexForValue(histogram.highestEquivalentValue(value)), i);
            QCOMPARE(qint64(histogram.lowestEquivalentValue(value)), qint64(value));
        }
    }

    void percentilesMatchOracle_data() {
        QTest::addColumn<QString>("distribution");
        QTest::addColumn<int>("count");
        QTest::addRow("uniform") << "uniform" << 200'000;
        QTest::addRow("lognormal") << "lognormal" << 200'000;
        QTest::addRow("bimodal") << "bimodal" << 200'000;
        QTest::addRow("1us..1h") << "span" << 200'000;
        QTest::addRow("small sample") << "lognormal" << 7;
    }
    void percentilesMatchOracle() {
        QFETCH(QString, distribution);
        QFETCH(int, count);
        Values values = sample(distribution, count);
        const LatencyHistogram histogram = recordAll(values);
        std::sort(values.begin(), values.end());
        for (std::int64_t basisPoints : {100, 1000, 2500, 5000, 7500, 9000, 9900, 9990, 9999, 10'000}) {
            const double p = double(basisPoints) / 100.0;
            const std::int64_t truth = oraclePercentile(values, basisPoints);
            const std::int64_t reported = histogram.valueAtPercentile(p);
            QVERIFY2(withinPrecision(reported, truth),
                     qPrintable(QStringLiteral("p%1: %2 vs oracle %3").arg(p).arg(reported).arg(truth)));
        }
        QCOMPARE(qint64(histogram.valueAtPercentile(100.0)), qint64(histogram.max()));
    }

    void summaryStatistics_data() { percentilesMatchOracle_data(); }
    void summaryStatistics() {
        QFETCH(QString, distribution);
        QFETCH(int, count);
        Values values = sample(distribution, count);
        const LatencyHistogram histogram = recordAll(values);
        const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
        const double mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
        QCOMPARE(qint64(histogram.totalCount()), qint64(count));
        QCOMPARE(qint64(histogram.min()), qint64(histogram.lowestEquivalentValue(*lowest)));
        QCOMPARE(qint64(histogram.max()), qint64(histogram.highestEquivalentValue(*highest)));
        QVERIFY(histogram.min() <= *lowest && withinPrecision(histogram.max(), *highest));
        QVERIFY2(std::abs(histogram.mean() - mean) <= 1e-3 * mean,
                 qPrintable(QStringLiteral("%1 vs %2").arg(histogram.mean()).arg(mean)));
    }

    void stddevOfKnownValues() {
        LatencyHistogram histogram;
        for (std::int64_t v : {2, 4, 4, 4, 5, 5, 7, 9})
            histogram.record(v);
        QCOMPARE(histogram.mean(), 5.0);
        QCOMPARE(histogram.stddev(), 2.0);
    }

    void percentilesHelper() {
        const LatencyHistogram histogram = recordAll(sample(QStringLiteral("lognormal"), 10'000));
        const LatencyPercentiles percentiles = LatencyPercentiles::of(histogram);
        QCOMPARE(qint64(percentiles.p50), qint64(histogram.valueAtPercentile(50)));
        QCOMPARE(qint64(percentiles.p90), qint64(histogram.valueAtPercentile(90)));
        QCOMPARE(qint64(percentiles.p99), qint64(histogram.valueAtPercentile(99)));
        QCOMPARE(qint64(percentiles.p999), qint64(histogram.valueAtPercentile(99.9)));
        QCOMPARE(qint64(percentiles.max), qint64(histogram.max()));
    }

    void valuesOutsideRangeAreClamped() {
        LatencyHistogram histogram;
        histogram.record(LatencyHistogram::kDefaultHighest * 10);
        histogram.record(std::numeric_limits<std::int64_t>::max());
        histogram.record(-5);
        QCOMPARE(qint64(histogram.totalCount()), qint64(3));
        QCOMPARE(qint64(histogram.max()), qint64(histogram.highestEquivalentValue(LatencyHistogram::kDefaultHighest)));
        QCOMPARE(qint64(histogram.min()), qint64(0));
        QCOMPARE(qint64(histogram.countAtIndex(histogram.indexForValue(LatencyHistogram::kDefaultHighest))), qint64(2));
    }

    void recordWithCount() {
        LatencyHistogram histogram;
        histogram.record(1000, 5);
        histogram.record(3000, 5);
        QCOMPARE(qint64(histogram.totalCount()), qint64(10));
        QCOMPARE(qint64(histogram.valueAtPercentile(50)), qint64(1000));
        QCOMPARE(qint64(histogram.valueAtPercentile(50.1)), qint64(histogram.highestEquivalentValue(3000)));
    }

    void mergeEqualsRecordingInOne() {
        const Values values = sample(QStringLiteral("bimodal"), 50'000);
        const std::size_t half = values.size() / 2;
        LatencyHistogram first = recordAll(Values(values.begin(), values.begin() + std::ptrdiff_t(half)));
        const LatencyHistogram second = recordAll(Values(values.begin() + std::ptrdiff_t(half), values.end()));
        QVERIFY(first.merge(second));
        QVERIFY(sameCounts(first, recordAll(values)));
    }

    void mergeRejectsOtherLayout() {
        LatencyHistogram histogram;
        LatencyHistogram other(1, LatencyHistogram::kDefaultHighest, 2);
        other.record(10);
        QVERIFY(!histogram.merge(other));
        QCOMPARE(qint64(histogram.totalCount()), qint64(0));
    }

    // The load engine's pattern: each worker records into its own histogram, the collector merges after join.
    void concurrentEqualsSequential() {
        constexpr int kThreads = 8;
        const Values values = sample(QStringLiteral("span"), 400'000);
        std::vector<LatencyHistogram> perThread(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (std::size_t i = std::size_t(t); i < values.size(); i += kThreads)
                    perThread[std::size_t(t)].record(values[i]);
            });
        }
        for (std::thread& thread : threads)
            thread.join();
        LatencyHistogram merged;
        for (const LatencyHistogram& histogram : perThread)
            QVERIFY(merged.merge(histogram));
        QVERIFY(sameCounts(merged, recordAll(values)));
    }

    void reset() {
        LatencyHistogram histogram = recordAll(sample(QStringLiteral("uniform"), 1000));
        histogram.reset();
        QVERIFY(sameCounts(histogram, LatencyHistogram()));
        QCOMPARE(qint64(histogram.min()), qint64(0));
        QCOMPARE(qint64(histogram.valueAtPercentile(50)), qint64(0));
        histogram.record(42);
        QCOMPARE(qint64(histogram.min()), qint64(42));
        QCOMPARE(qint64(histogram.max()), qint64(42));
    }

    void fractionAtOrBelow_data() {
        QTest::addColumn<qint64>("value");
        QTest::addColumn<double>("fraction");
        QTest::addRow("negative") << qint64(-1) << 0.0;
        QTest::addRow("zero") << qint64(0) << 0.0;
        QTest::addRow("first") << qint64(1) << 0.001;
        QTest::addRow("quarter") << qint64(250) << 0.25;
        QTest::addRow("all") << qint64(1000) << 1.0;
        QTest::addRow("above") << qint64(5000) << 1.0;
    }
    void fractionAtOrBelow() {
        QFETCH(qint64, value);
        QFETCH(double, fraction);
        Values values(1000);
        std::iota(values.begin(), values.end(), 1);
        QCOMPARE(recordAll(values).fractionAtOrBelow(value), fraction);
    }

    void forEachBucketVisitsNonEmptyAscending() {
        LatencyHistogram histogram;
        histogram.record(5000, 2);
        histogram.record(7);
        std::vector<std::array<std::int64_t, 3>> seen;
        histogram.forEachBucket([&](std::int64_t low, std::int64_t high, std::int64_t count) {
            seen.push_back({low, high, count});
        });
        QCOMPARE(seen.size(), std::size_t(2));
        QCOMPARE(seen[0], (std::array<std::int64_t, 3>{7, 7, 1}));
        QCOMPARE(seen[1], (std::array<std::int64_t, 3>{5000, 5003, 2}));
    }

    void emptyHistogramReturnsZeros() {
        const LatencyHistogram histogram;
        QCOMPARE(qint64(histogram.totalCount()), qint64(0));
        QCOMPARE(qint64(histogram.min()), qint64(0));
        QCOMPARE(qint64(histogram.max()), qint64(0));
        QCOMPARE(histogram.mean(), 0.0);
        QCOMPARE(histogram.stddev(), 0.0);
        QCOMPARE(histogram.fractionAtOrBelow(100), 0.0);
        for (double p : {0.0, 50.0, 100.0})
            QCOMPARE(qint64(histogram.valueAtPercentile(p)), qint64(0));
        const LatencyPercentiles percentiles = LatencyPercentiles::of(histogram);
        QCOMPARE(qint64(percentiles.p50 + percentiles.p999 + percentiles.max), qint64(0));
    }
};

QTEST_GUILESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
