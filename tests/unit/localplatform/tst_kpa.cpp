// The KPA decider and its windows, fed synthetic 1s series and checked tick by tick against worked examples.
// Unless a test says otherwise: CC = 0, so total 100 x 0.7 = target 70 per pod; stable window 60s, panic window 6s.
#include "kpa_test_support.h"
#include "localplatform/autoscaler.h"
#include "localplatform/metric_window.h"
#include "localplatform/scaler.h"

#include <QtTest>
#include <functional>
#include <vector>

using namespace faaswb;
using namespace faaswb::localplatform;
using namespace faaswb::localplatform::test;
using std::chrono::seconds;

namespace {

// "0-9:60,12:5" -> record 60 at t = 0..9 and 5 at t = 12.
void recordSeries(MetricWindow& window, const QString& series) {
    for (const QString& segment : series.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const auto parts = segment.split(QLatin1Char(':'));
        const auto range = parts.value(0).split(QLatin1Char('-'));
        const int from = range.value(0).toInt();
        const int to = range.size() > 1 ? range.value(1).toInt() : from;
        for (int t = from; t <= to; ++t)
            window.record(at(t), parts.value(1).toDouble());
    }
}

struct Expected {
    int t;
    int readyPods;
    int desired;
    bool panic;
};

// Records load(s) every second and ticks every 2s, as the platform does, up to each expected tick (the ticks in
// between see that step's ready count); then compares desired scale and panic mode.
class TickDriver {
public:
    TickDriver(KpaAutoscaler& kpa, std::function<double(int)> load)
        : m_kpa(kpa)
        , m_load(std::move(load)) {}

    ScaleDecision tickAt(int t, int readyPods, bool reachable = true) {
        ScaleDecision decision;
        for (; m_nextTick <= t; m_nextTick += 2) {
            for (; m_nextRecord <= m_nextTick; ++m_nextRecord)
                m_kpa.record(concurrencyStat(m_load(m_nextRecord)), at(m_nextRecord));
            decision = m_kpa.scale(readyPods, reachable, at(m_nextTick));
        }
        return decision;
    }

    void check(const std::vector<Expected>& ticks, bool reachable = true) {
        for (const Expected& expected : ticks) {
            const ScaleDecision decision = tickAt(expected.t, expected.readyPods, reachable);
            const QString where = QStringLiteral("t=%1: desired %2 panic %3, expected %4 panic %5")
                                      .arg(expected.t)
                                      .arg(decision.desiredScale)
                                      .arg(decision.panicMode)
                                      .arg(expected.desired)
                                      .arg(expected.panic);
            QVERIFY2(decision.valid, qPrintable(where));
            QVERIFY2(decision.desiredScale == expected.desired, qPrintable(where));
            QVERIFY2(decision.panicMode == expected.panic, qPrintable(where));
        }
    }

private:
    KpaAutoscaler& m_kpa;
    std::function<double(int)> m_load;
    int m_nextRecord = 0;
    int m_nextTick = 0;
};

} // namespace

class TestKpa : public QObject {
    Q_OBJECT
private slots:
    void linearWindow_data() {
        QTest::addColumn<int>("window");
        QTest::addColumn<QString>("series");
        QTest::addColumn<int>("now");
        QTest::addColumn<double>("average");
        // A young series is averaged over the seconds since its first write, not over the whole window.
        QTest::addRow("young: 3 buckets") << 60 << "0-2:10" << 2 << 10.0;
        QTest::addRow("young: (10+10+10+40)/4") << 60 << "0-2:10,3:40" << 3 << 17.5;
        QTest::addRow("gap counts 0: (60+0+0+60)/4") << 60 << "0:60,3:60" << 3 << 30.0;
        QTest::addRow("same second adds up: 30+40") << 60 << "0:30,0:40" << 0 << 70.0;
        // Silent seconds after the last write are left out of sum and count: still 600/10.
        QTest::addRow("silent tail: 600/10") << 60 << "0-9:60" << 12 << 60.0;
        QTest::addRow("full: t=1..59 at 10, t=60 at 70 -> 660/60") << 60 << "0-59:10,60:70" << 60 << 11.0;
        // Last write t=59, now 65: buckets t=60..65 (which held t=0..5) drop out: 540 over 60-6 = 54 buckets.
        QTest::addRow("stale slots subtracted: 540/54") << 60 << "0-59:10" << 65 << 10.0;
        QTest::addRow("late write inside window: 30/3") << 60 << "5:10,3:20" << 5 << 10.0;
        QTest::addRow("write a window too old is dropped") << 60 << "70:10,5:20" << 70 << 10.0;
        QTest::addRow("a silent window restarts the series") << 60 << "0:100,70:10" << 70 << 10.0;
        QTest::addRow("a whole window since the last write") << 60 << "0:10" << 60 << 0.0;
        QTest::addRow("panic window: t=3..8 = (0+0+0+60+60+60)/6") << 6 << "0-5:0,6-8:60" << 8 << 30.0;
        // 1/3 is truncated to six digits, which is what keeps float residue from holding a pod.
        QTest::addRow("six digits: 1/3") << 60 << "0:1,1-2:0" << 2 << 0.333333;
    }
    void linearWindow() {
        QFETCH(int, window);
        QFETCH(QString, series);
        QFETCH(int, now);
        QFETCH(double, average);
        MetricWindow buckets{seconds(window)};
        recordSeries(buckets, series);
        QCOMPARE(buckets.average(at(now)), average);
    }

    void windowEmptiness() {
        MetricWindow buckets{seconds(60)};
        QVERIFY(buckets.isEmpty(at(0)));
        QCOMPARE(buckets.average(at(0)), 0.0);
        buckets.record(at(0), 5);
        QVERIFY(!buckets.isEmpty(at(60))); // 60s since the last write is not more than the window
        QVERIFY(buckets.isEmpty(at(61)));
    }

    void weightedWindow() {
        // 6 buckets: alpha = 1 - 0.0001^(1/6) = 0.784557, so (1 - alpha)^6 = 0.0001 and six buckets of 10 give
        // 10 x alpha x (1 + (1-alpha) + ... + (1-alpha)^5) = 10 x (1 - 0.0001) = 9.999.
        MetricWindow six{seconds(6), kBucketSize, AggregationAlgorithm::WeightedExponential};
        QVERIFY(qAbs(six.smoothingCoefficient() - 0.784557) < 1e-6);
        recordSeries(six, QStringLiteral("0-5:10"));
        QVERIFY(qAbs(six.average(at(5)) - 9.999) < 1e-9);
        // 60 buckets: 1 - 0.0001^(1/60) = 0.142 is below the floor, so alpha = 0.2; no young-series rule here.
        MetricWindow sixty{seconds(60), kBucketSize, AggregationAlgorithm::WeightedExponential};
        QCOMPARE(sixty.smoothingCoefficient(), 0.2);
        sixty.record(at(0), 10);
        QVERIFY(qAbs(sixty.average(at(0)) - 2.0) < 1e-12); // 10 x 0.2
        QVERIFY(qAbs(sixty.average(at(1)) - 1.6) < 1e-12); // one silent second: 10 x 0.2 x 0.8
    }

    void maxWindow() {
        // scale-down-delay 10s = 5 slots of 2s: a value counts until a tick 10s later.
        MaxTimeWindow window{seconds(10)};
        QCOMPARE(window.current(), 0);
        const std::vector<std::pair<int, int>> recordsAndMax = {{5, 5}, {1, 5}, {1, 5}, {1, 5}, {1, 5}, {1, 1}};
        int t = 0;
        for (const auto& [value, expected] : recordsAndMax) {
            window.record(at(t), value);
            QCOMPARE(window.current(), expected);
            t += 2;
        }
        window.record(at(t - 1), 3); // same 2s slot as the previous record: the larger one stays
        QCOMPARE(window.current(), 3);
    }

    void rampEntersAndHoldsPanic() {
        // Load: 0 at t=0,1; 350 at t=2..8; 70 from t=9. Sums below are over the written buckets.
        KpaAutoscaler kpa(resolved(), 0, at(0));
        TickDriver driver(kpa, [](int t) { return t < 2 ? 0.0 : t <= 8 ? 350.0 : 70.0; });
        driver.check({
            {0, 1, 0, false},  // stable 0/1 = 0
            {2, 1, 2, true},   // (0+0+350)/3 = 116.7 -> ceil(1.67) = 2; dppc 2 / ready 1 >= 2: panic
            {4, 1, 3, true},   // 1050/5 = 210 -> 3
            {6, 2, 5, true},   // stable 1750/7 = 250 -> 4; panic (0+5x350)/6 = 291.7 -> 5; 5/2 >= 2: extends
            {8, 5, 5, true},   // stable 2450/9 = 272.2 -> 4; panic 350 -> 5; 5/5 < 2, but panic lasts 60s
            {10, 5, 5, true},  // load 70: stable 2590/11 = 235.5 -> 4, panic 1540/6 = 256.7 -> 4: held at 5
            {12, 5, 5, true},  // stable 2730/13 = 210 -> 3, panic 980/6 = 163.3 -> 3: no scale-down in panic
            {14, 5, 5, true},  // stable 2870/15 = 191.3 -> 3, panic 70 -> 1: still 5
            {30, 5, 5, true},  // stable 3990/31 = 128.7 -> 2: still 5
            {66, 5, 5, true},  // panic time 6 + stable window 60 = 66 is not before 66: still panicking
            {68, 5, 2, false}, // leaves panic; stable t=9..68 = 70 -> 1, but floor(5 / max-scale-down-rate 2) = 2
            {70, 2, 1, false}, // ready 2: floor(2/2) = 1
        });
    }

    void rampValues() {
        KpaAutoscaler kpa(resolved(), 0, at(0));
        TickDriver driver(kpa, [](int t) { return t < 2 ? 0.0 : 350.0; });
        const ScaleDecision decision = driver.tickAt(6, 2);
        QCOMPARE(decision.stableValue, 250.0);     // (0 + 0 + 5 x 350) / 7
        QCOMPARE(decision.panicValue, 291.666666); // (0 + 5 x 350) / 6, truncated to six digits
        QCOMPARE(decision.targetValue, 70.0);
        QCOMPARE(decision.desiredStablePods, 4);
        QCOMPARE(decision.desiredPanicPods, 5);
        QCOMPARE(decision.excessBurstCapacity, -303); // floor(2 x 100 - 211 - 291.67)
    }

    void restartStartsInPanic_data() {
        QTest::addColumn<bool>("reachable");
        QTest::addColumn<int>("afterPanic");
        // Load 70 = one pod's worth, 10 ready: dspc 1; reachable: floor(10 / 2) = 5 at least; unreachable: no floor.
        QTest::addRow("reachable: rate-limited to 5") << true << 5;
        QTest::addRow("unreachable: straight to 1") << false << 1;
    }
    void restartStartsInPanic() {
        QFETCH(bool, reachable);
        QFETCH(int, afterPanic);
        KpaAutoscaler kpa(resolved(), 10, at(0)); // created with 10 ready: panic, holding 10
        QVERIFY(kpa.panicking());
        TickDriver driver(kpa, [](int) { return 70.0; });
        driver.check({{0, 10, 10, true}, {60, 10, 10, true}, {62, 10, afterPanic, false}}, reachable);
    }

    void scaleUpRate_data() {
        QTest::addColumn<double>("rate");
        QTest::addColumn<int>("readyPods");
        QTest::addColumn<double>("load");
        QTest::addColumn<int>("desired");
        QTest::addRow("1000: 70000/70 = 1000 fits") << 1000.0 << 1 << 70000.0 << 1000;
        QTest::addRow("1000: 1001 wanted, ceil(1000 x 1)") << 1000.0 << 1 << 70070.0 << 1000;
        QTest::addRow("2: 10 wanted, ceil(2 x 1)") << 2.0 << 1 << 700.0 << 2;
        QTest::addRow("1.5: 10 wanted, ceil(1.5 x 3)") << 1.5 << 3 << 700.0 << 5;
    }
    void scaleUpRate() {
        QFETCH(double, rate);
        QFETCH(int, readyPods);
        QFETCH(double, load);
        QFETCH(int, desired);
        AutoscalerDefaults defaults;
        defaults.maxScaleUpRate = rate;
        KpaAutoscaler kpa(resolved({}, 0, defaults), 0, at(0));
        kpa.record(concurrencyStat(load), at(0));
        QCOMPARE(kpa.scale(readyPods, true, at(0)).desiredScale, desired);
    }

    void activationScale_data() {
        QTest::addColumn<double>("load");
        QTest::addColumn<int>("readyPods");
        QTest::addColumn<int>("desired");
        QTest::addRow("needs 1 pod: raised to 3") << 10.0 << 1 << 3;
        QTest::addRow("needs none: stays 0") << 0.0 << 1 << 0;
        QTest::addRow("needs 5: above 3") << 350.0 << 5 << 5;
    }
    void activationScale() {
        QFETCH(double, load);
        QFETCH(int, readyPods);
        QFETCH(int, desired);
        KpaAutoscaler kpa(resolved(annotations(QStringLiteral("activation-scale=3"))), 0, at(0));
        kpa.record(concurrencyStat(load), at(0));
        QCOMPARE(kpa.scale(readyPods, true, at(0)).desiredScale, desired);
    }

    void scaleDownDelayKeepsMax() {
        // window 6s (panic window round(0.6s) = 1s), scale-down-delay 10s. Load 140 at t=0..5, then 0.
        KpaAutoscaler kpa(resolved(annotations(QStringLiteral("window=6s;scale-down-delay=10s"))), 0, at(0));
        TickDriver driver(kpa, [](int t) { return t <= 5 ? 140.0 : 0.0; });
        driver.check({
            {0, 2, 2, false}, // 140/70 = 2
            {2, 2, 2, false},
            {4, 2, 2, false},
            {6, 2, 2, false},  // t=1..6: 700/6 = 116.7 -> 2
            {8, 2, 2, false},  // t=3..8: 420/6 = 70 -> 1, but t=6's 2 is within the last 10s
            {10, 2, 2, false}, // 140/6 -> 1; max still 2
            {12, 1, 2, false}, // 0 -> 0 (ready 1: floor(1/2) = 0); max still 2
            {14, 1, 2, false}, // t=6's 2 is in its last slot
            {16, 1, 1, false}, // the max of t=8..16 is t=8's and t=10's 1
            {18, 1, 1, false},
            {20, 1, 0, false}, // t=12..20 all want 0
        });
    }

    void scaleDownDelayOnlyWhenReachable() {
        KpaAutoscaler kpa(resolved(annotations(QStringLiteral("window=6s;scale-down-delay=10s"))), 0, at(0));
        TickDriver driver(kpa, [](int t) { return t <= 5 ? 140.0 : 0.0; });
        driver.check({{6, 2, 2, false}, {8, 2, 1, false}, {12, 1, 0, false}}, false);
    }

    void noDataIsAnInvalidTick() {
        KpaAutoscaler kpa(resolved(), 0, at(0));
        ScaleDecision decision = kpa.scale(0, true, at(0));
        QVERIFY(!decision.valid);
        QCOMPARE(decision.desiredScale, -1);          // unknown until the first valid tick
        QCOMPARE(decision.excessBurstCapacity, -111); // initial: 1 x 100 - 211
        for (int t = 0; t <= 8; ++t)
            kpa.record(concurrencyStat(140), at(t));
        QCOMPARE(kpa.scale(2, true, at(8)).desiredScale, 2); // 140/70; panic 2/2 < 2
        kpa.record(concurrencyStat(140), at(9));
        decision = kpa.scale(2, true, at(70)); // last write t=9: 61s > the 60s window, no data
        QVERIFY(!decision.valid);
        QCOMPARE(decision.desiredScale, 2);
        QCOMPARE(kpa.desiredScale(), 2);
    }

    void noScrapeTargetMeansZeroNotNoData() {
        // TBC -1: no pod scraping, so an empty window is "no requests at the activator", a valid 0.
        KpaAutoscaler kpa(resolved(annotations(QStringLiteral("target-burst-capacity=-1"))), 0, at(0));
        const ScaleDecision decision = kpa.scale(0, true, at(0));
        QVERIFY(decision.valid);
        QCOMPARE(decision.desiredScale, 0);
        QCOMPARE(decision.excessBurstCapacity, -1);
    }

    void excessBurstCapacity_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("containerConcurrency");
        QTest::addColumn<int>("readyPods");
        QTest::addColumn<double>("load");
        QTest::addColumn<int>("ebc");
        QTest::addColumn<bool>("activatorInPath");
        QTest::addRow("3 x 100 - 211 - 50 = 39") << "" << 0 << 3 << 50.0 << 39 << false;
        QTest::addRow("2 x 100 - 211 - 50 = -61") << "" << 0 << 2 << 50.0 << -61 << true;
        QTest::addRow("3 x 100 - 211 - 89 = 0") << "" << 0 << 3 << 89.0 << 0 << false;
        QTest::addRow("floor(-0.5) = -1") << "" << 0 << 3 << 89.5 << -1 << true;
        QTest::addRow("CC 10: 5 x 10 - 211 - 20") << "" << 10 << 5 << 20.0 << -181 << true;
        QTest::addRow("TBC 0: always 0") << "target-burst-capacity=0" << 0 << 1 << 50.0 << 0 << false;
        QTest::addRow("TBC -1: always -1") << "target-burst-capacity=-1" << 0 << 9 << 50.0 << -1 << true;
    }
    void excessBurstCapacity() {
        QFETCH(QString, spec);
        QFETCH(int, containerConcurrency);
        QFETCH(int, readyPods);
        QFETCH(double, load);
        QFETCH(int, ebc);
        QFETCH(bool, activatorInPath);
        KpaAutoscaler kpa(resolved(annotations(spec), containerConcurrency), 0, at(0));
        kpa.record(concurrencyStat(load), at(0));
        const ScaleDecision decision = kpa.scale(readyPods, true, at(0));
        QCOMPARE(decision.excessBurstCapacity, ebc);
        QCOMPARE(localplatform::activatorInPath(decision.desiredScale, decision.excessBurstCapacity), activatorInPath);
    }

    void initialBurstCapacity_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("containerConcurrency");
        QTest::addColumn<int>("ebc");
        QTest::addRow("1 x 100 - 211") << "" << 0 << -111;
        QTest::addRow("initial-scale 3: 300 - 211") << "initial-scale=3" << 0 << 89;
        QTest::addRow("TBC 0") << "target-burst-capacity=0" << 0 << 0;
        QTest::addRow("TBC -1") << "target-burst-capacity=-1" << 0 << -1;
        QTest::addRow("CC 10, TBC 5: 10 - 5") << "target-burst-capacity=5" << 10 << 5;
    }
    void initialBurstCapacity() {
        QFETCH(QString, spec);
        QFETCH(int, containerConcurrency);
        QFETCH(int, ebc);
        const KpaAutoscaler kpa(resolved(annotations(spec), containerConcurrency), 0, at(0));
        QCOMPARE(kpa.desiredScale(), -1);
        QCOMPARE(kpa.excessBurstCapacity(), ebc);
    }

    void pokeOnlyFromZero() {
        KpaAutoscaler kpa(resolved(), 0, at(0));
        QVERIFY(!kpa.shouldPoke(concurrencyStat(1))); // desired -1 (unknown), not 0
        kpa.record(concurrencyStat(0), at(0));
        QCOMPARE(kpa.scale(1, true, at(0)).desiredScale, 0);
        QVERIFY(kpa.shouldPoke(concurrencyStat(1)));
        QVERIFY(!kpa.shouldPoke(concurrencyStat(0)));
        kpa.record(concurrencyStat(7), at(1));
        QCOMPARE(kpa.scale(1, true, at(1)).desiredScale, 1); // (0 + 7) / 2 = 3.5 -> 1
        QVERIFY(!kpa.shouldPoke(concurrencyStat(1)));
    }

    void scrapeSampleSize_data() {
        QTest::addColumn<int>("pods");
        QTest::addColumn<int>("sample");
        QTest::addRow("none") << 0 << 0;
        QTest::addRow("1") << 1 << 1;
        QTest::addRow("3: all") << 3 << 3;
        QTest::addRow("4: ceil(4 x 15.37 / 18.37) = ceil(3.35)") << 4 << 4;
        QTest::addRow("10: ceil(153.66 / 24.37) = ceil(6.31)") << 10 << 7;
        QTest::addRow("100: ceil(1536.6 / 114.4) = ceil(13.4)") << 100 << 14;
    }
    void scrapeSampleSize() {
        QFETCH(int, pods);
        QFETCH(int, sample);
        QCOMPARE(localplatform::scrapeSampleSize(pods), sample);
    }

    void podStatsAndActivatorAddUp() {
        KpaAutoscaler kpa(resolved(), 0, at(0));
        Stat pod = concurrencyStat(30);
        pod.averageProxiedConcurrency = 10; // counted by the activator already
        const std::vector<Stat> pods(3, pod);
        kpa.recordPodStats(pods, at(0));                     // (30 - 10) x 3 = 60
        kpa.recordActivatorStat(concurrencyStat(20), at(0)); // + 20 in the same bucket
        const ScaleDecision decision = kpa.scale(3, true, at(0));
        QCOMPARE(decision.stableValue, 80.0);
        QCOMPARE(decision.desiredScale, 2); // ceil(80/70)
    }

    void podStatsSampleOldPodsFirst_data() {
        QTest::addColumn<int>("oldPods");
        QTest::addColumn<double>("total");
        // 10 pods, sample 7. Old pods (up for at least the stable window) report 10, young ones 100.
        QTest::addRow("7 old: only old sampled, 70/7 x 10") << 7 << 100.0;
        QTest::addRow("4 old: + 3 young, 340/7 x 10") << 4 << 485.714285;
        QTest::addRow("10 old") << 10 << 100.0;
    }
    void podStatsSampleOldPodsFirst() {
        QFETCH(int, oldPods);
        QFETCH(double, total);
        std::vector<Stat> pods;
        for (int i = 0; i < 10; ++i) {
            Stat stat = concurrencyStat(i < oldPods ? 10 : 100);
            stat.processUptimeSeconds = i < oldPods ? 600 : 5;
            pods.push_back(stat);
        }
        KpaAutoscaler kpa(resolved(), 0, at(0));
        kpa.recordPodStats(pods, at(0));
        QCOMPARE(kpa.scale(10, true, at(0)).stableValue, total);
    }

    void podStatsIgnoredWithUnlimitedBurst() {
        KpaAutoscaler kpa(resolved(annotations(QStringLiteral("target-burst-capacity=-1"))), 0, at(0));
        const std::vector<Stat> pods(2, concurrencyStat(100));
        kpa.recordPodStats(pods, at(0));
        QCOMPARE(kpa.scale(2, true, at(0)).stableValue, 0.0);
        kpa.recordActivatorStat(concurrencyStat(100), at(1)); // the first write: a young series of one bucket
        QCOMPARE(kpa.scale(2, true, at(1)).desiredScale, 2);  // ceil(100/70)
    }

    void rpsMetric() {
        // metric rps: total 200 x 0.7 = target 140 rps per pod. Proxied requests are the activator's to report.
        KpaAutoscaler kpa(resolved(annotations(QStringLiteral("metric=rps"))), 0, at(0));
        Stat pod;
        pod.requestCount = 280;
        pod.proxiedRequestCount = 140;
        kpa.recordPodStats(std::vector<Stat>{pod}, at(0));
        ScaleDecision decision = kpa.scale(1, true, at(0));
        QCOMPARE(decision.targetValue, 140.0);
        QCOMPARE(decision.desiredScale, 1); // 280 - 140 = 140 -> 1
        Stat activator;
        activator.requestCount = 140;
        kpa.recordActivatorStat(activator, at(1));
        kpa.recordPodStats(std::vector<Stat>{pod}, at(1));
        decision = kpa.scale(1, true, at(1));
        QCOMPARE(decision.stableValue, 210.0); // (140 + 280) / 2
        QCOMPARE(decision.desiredScale, 2);
    }
};

QTEST_GUILESS_MAIN(TestKpa)
#include "tst_kpa.moc"
