#include "load/schedule.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <numeric>

using namespace faaswb::load;
using namespace std::chrono_literals;

namespace {

std::vector<Nanos> allArrivals(const ArrivalSchedule& schedule, int worker = 0, int workers = 1, bool poisson = false,
                               std::uint64_t seed = 1) {
    ArrivalStream stream(schedule, worker, workers, poisson, seed);
    std::vector<Nanos> times;
    while (auto due = stream.next())
        times.push_back(*due);
    return times;
}

std::vector<Nanos> mergedArrivals(const ArrivalSchedule& schedule, int workers, bool poisson) {
    std::vector<Nanos> times;
    for (int i = 0; i < workers; ++i) {
        const auto own = allArrivals(schedule, i, workers, poisson, 42);
        times.insert(times.end(), own.begin(), own.end());
    }
    std::sort(times.begin(), times.end());
    return times;
}

long countIn(const std::vector<Nanos>& times, Nanos from, Nanos to) {
    return std::count_if(times.begin(), times.end(), [&](Nanos t) { return t >= from && t < to; });
}

OpenLoop stages(std::vector<RateStage> list) {
    return OpenLoop{std::move(list), false};
}

} // namespace

class TestSchedule : public QObject {
    Q_OBJECT
private slots:
    void constantRateHasExactTimes() {
        const ArrivalSchedule schedule(stages({{500, 500, 2s}}));
        const auto times = allArrivals(schedule);
        QCOMPARE(times.size(), std::size_t(1000));
        for (std::size_t k = 0; k < times.size(); ++k)
            QCOMPARE(times[k].count(), std::int64_t(k) * 2'000'000);
        QCOMPARE(schedule.targetRateAt(1s), 500.0);
        QCOMPARE(schedule.expectedCount(500ms, 1500ms), 500.0);
    }

    void longRunHasExactCount_data() {
        QTest::addColumn<double>("rate");
        QTest::addColumn<qint64>("seconds");
        QTest::addRow("20k for 30 s") << 20000.0 << qint64(30);
        QTest::addRow("1k for 30 s") << 1000.0 << qint64(30);
        QTest::addRow("333 for 7 s") << 333.0 << qint64(7);
        QTest::addRow("0.1 for 30 s") << 0.1 << qint64(30);
    }
    void longRunHasExactCount() {
        QFETCH(double, rate);
        QFETCH(qint64, seconds);
        const ArrivalSchedule schedule(stages({{rate, rate, std::chrono::seconds(seconds)}}));
        const auto times = allArrivals(schedule);
        QCOMPARE(double(times.size()), rate * double(seconds));
        QVERIFY(times.back() < std::chrono::seconds(seconds));
    }

    void rampCountsAreExact_data() {
        QTest::addColumn<double>("to");
        QTest::addColumn<qint64>("millis");
        for (int to : {3, 7, 10, 99, 1000, 4321})
            for (qint64 millis : {700, 1000, 3300})
                QTest::addRow("0->%d over %lld ms", to, millis) << double(to) << millis;
    }
    void rampCountsAreExact() {
        QFETCH(double, to);
        QFETCH(qint64, millis);
        const ArrivalSchedule schedule(stages({{0, to, std::chrono::milliseconds(millis)}}));
        const double expected = to * double(millis) / 1000 / 2;
        QCOMPARE(double(allArrivals(schedule).size()), std::ceil(expected - 1e-9));
    }

    void stepStages() {
        const ArrivalSchedule schedule(stages({{100, 100, 1s}, {300, 300, 1s}}));
        const auto times = allArrivals(schedule);
        QCOMPARE(countIn(times, 0s, 1s), 100L);
        QCOMPARE(countIn(times, 1s, 2s), 300L);
        QCOMPARE(times[100], Nanos(1s));
        QCOMPARE(schedule.targetRateAt(999ms), 100.0);
        QCOMPARE(schedule.targetRateAt(1s), 300.0);
        QCOMPARE(schedule.targetRateAt(2s), 0.0);
    }

    void linearRampMatchesIntegral_data() {
        QTest::addColumn<double>("from");
        QTest::addColumn<double>("to");
        QTest::addRow("up") << 100.0 << 900.0;
        QTest::addRow("down") << 900.0 << 100.0;
        QTest::addRow("from zero") << 0.0 << 800.0;
        QTest::addRow("to zero") << 800.0 << 0.0;
    }
    void linearRampMatchesIntegral() {
        QFETCH(double, from);
        QFETCH(double, to);
        const ArrivalSchedule schedule(stages({{from, to, 4s}}));
        const auto times = allArrivals(schedule);
        QCOMPARE(double(times.size()), (from + to) / 2 * 4);
        for (int second = 0; second < 4; ++second) {
            const Nanos start = std::chrono::seconds(second), end = start + 1s;
            const double rateStart = from + (to - from) * second / 4, rateEnd = from + (to - from) * (second + 1) / 4;
            const double integral = (rateStart + rateEnd) / 2;
            QVERIFY2(std::abs(countIn(times, start, end) - integral) <= 1.0, qPrintable(QString::number(second)));
            QCOMPARE(schedule.expectedCount(start, end), integral);
        }
        QVERIFY(std::is_sorted(times.begin(), times.end()));
    }

    void rampFromZeroStartsSlowly() {
        const ArrivalSchedule schedule(stages({{0, 100, 2s}}));
        const auto times = allArrivals(schedule);
        // Λ(t) = 25 t², so the k-th arrival is at sqrt(k / 25) s.
        QCOMPARE(times.size(), std::size_t(100));
        QCOMPARE(times[1].count(), std::int64_t(200'000'000));
        QCOMPARE(times[25].count(), std::int64_t(1'000'000'000));
        QCOMPARE(schedule.targetRateAt(1s), 50.0);
    }

    void pausesAreSkipped() {
        const ArrivalSchedule schedule(stages({{0, 0, 1s}, {100, 100, 1s}, {0, 0, 1s}, {100, 100, 1s}}));
        const auto times = allArrivals(schedule);
        QCOMPARE(times.size(), std::size_t(200));
        QCOMPARE(times.front(), Nanos(1s));
        QCOMPARE(countIn(times, 0s, 1s), 0L);
        QCOMPARE(countIn(times, 2s, 3s), 0L);
        QCOMPARE(times[100], Nanos(3s));
        QCOMPARE(schedule.targetRateAt(2500ms), 0.0);
        QCOMPARE(schedule.duration(), Nanos(4s));
    }

    void emptyScheduleHasNoArrivals() {
        const ArrivalSchedule schedule(stages({}));
        QVERIFY(allArrivals(schedule).empty());
        QCOMPARE(schedule.totalCount(), 0.0);
        QCOMPARE(schedule.targetRateAt(0s), 0.0);
    }

    void workerSplitCoversEveryArrivalOnce_data() {
        QTest::addColumn<int>("workers");
        QTest::addRow("1") << 1;
        QTest::addRow("3") << 3;
        QTest::addRow("7") << 7;
    }
    void workerSplitCoversEveryArrivalOnce() {
        QFETCH(int, workers);
        const ArrivalSchedule schedule(stages({{50, 400, 1s}, {0, 0, 500ms}, {333, 333, 1s}}));
        const auto single = allArrivals(schedule);
        QCOMPARE(mergedArrivals(schedule, workers, false), single);
        // Worker i owns exactly the arrivals k ≡ i (mod N), in order.
        const auto second = allArrivals(schedule, 1 % workers, workers);
        for (std::size_t j = 0; j < second.size(); ++j)
            QCOMPARE(second[j], single[1 % workers + j * workers]);
    }

    void poissonMeanRate() {
        const ArrivalSchedule schedule(stages({{1000, 1000, 10s}}));
        const auto times = mergedArrivals(schedule, 4, true);
        // Count ~ Poisson(10000): sigma = 100; 5 sigma keeps this test from ever flaking with a fixed seed anyway.
        QVERIFY2(std::abs(double(times.size()) - 10000) < 500, qPrintable(QString::number(times.size())));
        for (int second = 0; second < 10; ++second) {
            const Nanos start = std::chrono::seconds(second);
            QVERIFY(std::abs(countIn(times, start, start + 1s) - 1000) < 160); // 5 sigma of Poisson(1000)
        }
    }

    void poissonGapsAreExponential() {
        const ArrivalSchedule schedule(stages({{2000, 2000, 10s}}));
        const auto times = mergedArrivals(schedule, 3, true);
        std::vector<double> gaps;
        for (std::size_t i = 1; i < times.size(); ++i)
            gaps.push_back(double((times[i] - times[i - 1]).count()) * 1e-9);
        const double mean = std::accumulate(gaps.begin(), gaps.end(), 0.0) / double(gaps.size());
        double variance = 0;
        for (double gap : gaps)
            variance += (gap - mean) * (gap - mean);
        const double cv = std::sqrt(variance / double(gaps.size())) / mean;
        QVERIFY2(std::abs(mean - 0.0005) < 0.0005 * 0.05, qPrintable(QString::number(mean)));
        QVERIFY2(std::abs(cv - 1.0) < 0.05, qPrintable(QString::number(cv)));
        // Memorylessness, coarsely: P(gap > mean) = 1/e.
        const auto longer = std::count_if(gaps.begin(), gaps.end(), [&](double g) { return g > mean; });
        QVERIFY(std::abs(double(longer) / double(gaps.size()) - std::exp(-1.0)) < 0.02);
    }

    void poissonFollowsRamp() {
        const ArrivalSchedule schedule(stages({{0, 4000, 4s}}));
        const auto times = mergedArrivals(schedule, 2, true);
        for (int second = 0; second < 4; ++second) {
            const Nanos start = std::chrono::seconds(second);
            const double expected = schedule.expectedCount(start, start + 1s);
            QVERIFY(std::abs(countIn(times, start, start + 1s) - expected) < 5 * std::sqrt(expected) + 1);
        }
    }

    void poissonIsRepeatable() {
        const ArrivalSchedule schedule(stages({{100, 100, 1s}}));
        QCOMPARE(allArrivals(schedule, 0, 2, true, 7), allArrivals(schedule, 0, 2, true, 7));
        QVERIFY(allArrivals(schedule, 0, 2, true, 7) != allArrivals(schedule, 1, 2, true, 7));
    }
};

QTEST_GUILESS_MAIN(TestSchedule)
#include "tst_schedule.moc"
