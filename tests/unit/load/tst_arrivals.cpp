// Explicit arrivals (OpenLoop::arrivals, trace replay) in ArrivalSchedule and ArrivalStream, and the arrival index
// ArrivalStream hands to a RequestVariation.
#include "load/schedule.h"

#include <QtTest>
#include <algorithm>

using namespace faaswb::load;
using namespace std::chrono_literals;

namespace {

OpenLoop explicitArrivals(std::vector<Nanos> times) {
    OpenLoop open;
    open.arrivals = std::make_shared<const std::vector<Nanos>>(std::move(times));
    return open;
}

struct Taken {
    std::vector<Nanos> times;
    std::vector<std::uint64_t> indices;
};

Taken takeAll(const ArrivalSchedule& schedule, int worker, int workers, bool poisson = false) {
    ArrivalStream stream(schedule, worker, workers, poisson, 7);
    Taken taken;
    while (auto due = stream.next()) {
        taken.times.push_back(*due);
        const auto index = stream.lastIndex();
        if (index)
            taken.indices.push_back(*index);
    }
    return taken;
}

const std::vector<Nanos> kTimes{0ms, 0ms, 100ms, 250ms, 900ms, 1000ms, 1000ms, 2500ms};

} // namespace

class TestArrivals : public QObject {
    Q_OBJECT
private slots:
    void scheduleEndsJustAfterTheLastArrival() {
        const ArrivalSchedule schedule(explicitArrivals(kTimes));
        QCOMPARE(schedule.duration(), 2500ms + 1ns);
        QCOMPARE(schedule.totalCount(), 8.0);
        QCOMPARE((LoadModel{explicitArrivals(kTimes), std::nullopt}.duration()), 2500ms + 1ns);
    }

    // Λ(t) counts the arrivals strictly before t, so [from, to) intervals split them without double counting.
    void countsArrivalsInHalfOpenIntervals() {
        const ArrivalSchedule schedule(explicitArrivals(kTimes));
        QCOMPARE(schedule.cumulativeCount(0ms), 0.0);
        QCOMPARE(schedule.cumulativeCount(1ns), 2.0);
        QCOMPARE(schedule.cumulativeCount(1000ms), 5.0);
        QCOMPARE(schedule.cumulativeCount(schedule.duration()), 8.0);
        QCOMPARE(schedule.expectedCount(0ms, 1s), 5.0);
        QCOMPARE(schedule.expectedCount(1s, 2s), 2.0);
        QCOMPARE(schedule.expectedCount(2s, 3s), 1.0);
        QCOMPARE(schedule.expectedCount(3s, 4s), 0.0);
    }

    void timeOfCountIsTheGivenTime() {
        const ArrivalSchedule schedule(explicitArrivals(kTimes));
        for (std::size_t k = 0; k < kTimes.size(); ++k)
            QCOMPARE(schedule.timeOfCount(double(k)), std::optional<Nanos>(kTimes[k]));
        QVERIFY(!schedule.timeOfCount(8.0));
        QVERIFY(!schedule.timeOfCount(-1.0));
    }

    void targetRateIsTheCountOverTheSurroundingSecond() {
        const ArrivalSchedule schedule(explicitArrivals(kTimes));
        QCOMPARE(schedule.targetRateAt(400ms), 4.0);  // 0, 0, 100, 250 ms in [-100 ms, 900 ms)
        QCOMPARE(schedule.targetRateAt(1000ms), 3.0); // 900, 1000, 1000 ms
        QCOMPARE(schedule.targetRateAt(3s), 0.0);
        QCOMPARE(schedule.targetRateAt(-1ms), 0.0);
    }

    void workersTakeEveryNthArrival_data() {
        QTest::addColumn<int>("workers");
        QTest::addRow("1 worker") << 1;
        QTest::addRow("3 workers") << 3;
        QTest::addRow("more workers than arrivals") << 11;
    }
    void workersTakeEveryNthArrival() {
        QFETCH(int, workers);
        const ArrivalSchedule schedule(explicitArrivals(kTimes));
        std::vector<std::uint64_t> allIndices;
        for (int w = 0; w < workers; ++w) {
            const Taken taken = takeAll(schedule, w, workers);
            QCOMPARE(taken.indices.size(), taken.times.size());
            for (std::size_t j = 0; j < taken.indices.size(); ++j) {
                QCOMPARE(taken.indices[j], std::uint64_t(w) + j * std::uint64_t(workers));
                QCOMPARE(taken.times[j], kTimes[taken.indices[j]]);
            }
            allIndices.insert(allIndices.end(), taken.indices.begin(), taken.indices.end());
        }
        std::sort(allIndices.begin(), allIndices.end());
        QCOMPARE(allIndices.size(), kTimes.size());
        for (std::size_t k = 0; k < allIndices.size(); ++k)
            QCOMPARE(allIndices[k], std::uint64_t(k));
    }

    // Poisson gaps would invent arrivals the trace does not have: explicit arrivals stay exact.
    void poissonIsIgnoredForExplicitArrivals() {
        const ArrivalSchedule schedule(explicitArrivals(kTimes));
        const Taken taken = takeAll(schedule, 0, 1, true);
        QCOMPARE(taken.times, kTimes);
        QCOMPARE(taken.indices.size(), kTimes.size());
    }

    void rateArrivalsHaveTheirCountAsIndex() {
        const ArrivalSchedule schedule(OpenLoop{{RateStage{100, 100, 1s}}, false});
        const Taken taken = takeAll(schedule, 1, 4);
        QCOMPARE(taken.indices.size(), std::size_t(25));
        for (std::size_t j = 0; j < taken.indices.size(); ++j)
            QCOMPARE(taken.indices[j], 1 + 4 * j);
    }

    void poissonArrivalsHaveNoIndex() {
        const ArrivalSchedule schedule(OpenLoop{{RateStage{100, 100, 1s}}, true});
        ArrivalStream stream(schedule, 0, 2, true, 3);
        QVERIFY(stream.next());
        QVERIFY(!stream.lastIndex());
    }

    void noIndexBeforeTheFirstArrival() {
        const ArrivalSchedule schedule(explicitArrivals(kTimes));
        ArrivalStream stream(schedule, 0, 1, false, 1);
        QVERIFY(!stream.lastIndex());
    }
};

QTEST_GUILESS_MAIN(TestArrivals)
#include "tst_arrivals.moc"
