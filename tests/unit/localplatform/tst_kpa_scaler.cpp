// From desired scale to replicas: bounds, initial-scale, the scale-to-zero steps (active for a stable window, then
// inactive for the grace period or pod retention), activation timeout, the activator-in-path rule, and the
// RevisionAutoscaler / AutoscalerSet façades, checked tick by tick with the 2s tick of the local platform.
#include "kpa_test_support.h"
#include "localplatform/revision_autoscaler.h"
#include "localplatform/scaler.h"

#include <QtTest>
#include <functional>
#include <vector>

using namespace faaswb;
using namespace faaswb::localplatform;
using namespace faaswb::localplatform::test;
using std::chrono::seconds;

namespace {

struct Step {
    int t;
    int desired; // the decider's desired scale after the tick
    int replicas;
    PaActivity activity;
};

// A one-revision world: `load` concurrent requests each second, `ready(t)` ready pods. While a pod is ready the
// scraper reports the load from the pods; with none, requests wait in the activator, which reports them.
class World {
public:
    World(RevisionScalingConfig config, std::function<double(int)> load, std::function<int(int)> ready)
        : m_autoscaler(std::move(config), 0, at(0))
        , m_load(std::move(load))
        , m_ready(std::move(ready)) {}

    // Records every second and ticks every 2s up to t, as the platform does; returns the tick at t.
    RevisionTick tickAt(int t) {
        RevisionTick tick;
        for (; m_nextTick <= t; m_nextTick += 2) {
            for (; m_nextRecord <= m_nextTick; ++m_nextRecord)
                recordSecond(m_nextRecord);
            tick = m_autoscaler.tick(m_ready(m_nextTick), true, at(m_nextTick));
        }
        return tick;
    }

    void check(const std::vector<Step>& steps) {
        for (const Step& step : steps) {
            const RevisionTick tick = tickAt(step.t);
            const QString where = QStringLiteral("t=%1: desired %2 replicas %3 activity %4; expected %5 %6 %7")
                                      .arg(step.t)
                                      .arg(tick.decision.desiredScale)
                                      .arg(tick.scaler.replicas)
                                      .arg(int(tick.scaler.status.activity))
                                      .arg(step.desired)
                                      .arg(step.replicas)
                                      .arg(int(step.activity));
            QVERIFY2(tick.decision.desiredScale == step.desired, qPrintable(where));
            QVERIFY2(tick.scaler.replicas == step.replicas, qPrintable(where));
            QVERIFY2(tick.scaler.status.activity == step.activity, qPrintable(where));
        }
    }

    RevisionAutoscaler& autoscaler() { return m_autoscaler; }

private:
    void recordSecond(int t) {
        const double load = m_load(t);
        if (m_ready(t) > 0) {
            const std::vector<Stat> pods(static_cast<std::size_t>(m_ready(t)), concurrencyStat(load / m_ready(t)));
            m_autoscaler.recordPodStats(pods, at(t));
        } else if (load > 0) {
            m_autoscaler.recordActivatorStat(concurrencyStat(load), at(t));
        }
    }

    RevisionAutoscaler m_autoscaler;
    std::function<double(int)> m_load;
    std::function<int(int)> m_ready;
    int m_nextRecord = 0;
    int m_nextTick = 0;
};

AutoscalerDefaults withBurstCapacity(AutoscalerDefaults defaults, double targetBurstCapacity) {
    defaults.targetBurstCapacity = targetBurstCapacity;
    return defaults;
}

// 10 concurrent requests for t = 0..9, then none; the pod is ready from t = 2 and gone once replicas reach 0.
double briefLoad(int t) {
    return t <= 9 ? 10.0 : 0.0;
}

constexpr PaActivity kActivating = PaActivity::Activating;
constexpr PaActivity kActive = PaActivity::Active;
constexpr PaActivity kInactive = PaActivity::Inactive;

} // namespace

class TestKpaScaler : public QObject {
    Q_OBJECT
private slots:
    void activatorInPath_data() {
        QTest::addColumn<int>("want");
        QTest::addColumn<int>("ebc");
        QTest::addColumn<bool>("inPath");
        QTest::addRow("scaled to zero") << 0 << 10 << true;
        QTest::addRow("3 pods, EBC 39: Serve") << 3 << 39 << false;
        QTest::addRow("2 pods, EBC -61: Proxy") << 2 << -61 << true;
        QTest::addRow("EBC 0 (TBC 0): Serve") << 5 << 0 << false;
        QTest::addRow("TBC -1 gives EBC -1: Proxy") << 5 << -1 << true;
    }
    void activatorInPath() {
        QFETCH(int, want);
        QFETCH(int, ebc);
        QFETCH(bool, inPath);
        QCOMPARE(localplatform::activatorInPath(want, ebc), inPath);
    }

    void activatorCount_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("readyPods");
        QTest::addColumn<int>("activators");
        QTest::addRow("ceil((300 + 211) / 100)") << "" << 3 << 6;
        QTest::addRow("ceil(211 / 100)") << "" << 0 << 3;
        QTest::addRow("TBC 0: the minimum") << "target-burst-capacity=0" << 9 << 2;
        QTest::addRow("ceil(50 / 100) < 2") << "target-burst-capacity=50" << 0 << 2;
    }
    void activatorCount() {
        QFETCH(QString, spec);
        QFETCH(int, readyPods);
        QFETCH(int, activators);
        QCOMPARE(localplatform::activatorCount(readyPods, resolved(annotations(spec))), activators);
    }

    void bounds_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("desired");
        QTest::addColumn<bool>("reachable");
        QTest::addColumn<int>("replicas");
        QTest::addRow("min-scale applies when reachable") << "min-scale=2" << 1 << true << 2;
        QTest::addRow("min-scale ignored when unreachable") << "min-scale=2" << 1 << false << 1;
        QTest::addRow("min-scale holds a desired 0") << "min-scale=2" << 0 << true << 2;
        QTest::addRow("max-scale clamps") << "max-scale=5" << 7 << true << 5;
        QTest::addRow("max-scale 0 is unbounded") << "" << 7 << true << 7;
        QTest::addRow("inside the bounds") << "min-scale=2;max-scale=5" << 3 << true << 3;
    }
    void bounds() {
        QFETCH(QString, spec);
        QFETCH(int, desired);
        QFETCH(bool, reachable);
        QFETCH(int, replicas);
        PaScaler scaler(resolved(annotations(spec)), at(0));
        const ScalerResult result = scaler.reconcile(desired, 0, 1, reachable, at(0));
        QCOMPARE(result.replicas, replicas);
        QCOMPARE(result.status.desiredScale, replicas);
    }

    void initialScaleUntilInitialized() {
        PaScaler scaler(resolved(annotations(QStringLiteral("initial-scale=3"))), at(0));
        QCOMPARE(scaler.replicas(), 3); // the deployment is created with initial-scale replicas
        ScalerResult result = scaler.reconcile(-1, 0, 0, true, at(0));
        QCOMPARE(result.replicas, 3); // activating: the unknown scale is bounded below by initial-scale
        QCOMPARE(result.status.activity, kActivating);
        QCOMPARE(result.status.reason, std::string("Queued"));
        result = scaler.reconcile(1, 0, 3, true, at(2));
        QCOMPARE(result.replicas, 3); // not initialized when this reconcile started: the floor is still 3
        QCOMPARE(result.status.activity, kActive);
        QVERIFY(result.status.scaleTargetInitialized);
        result = scaler.reconcile(1, 0, 3, true, at(4));
        QCOMPARE(result.replicas, 1); // initialized: initial-scale no longer matters
        QVERIFY(result.replicasChanged);
    }

    void unknownDesiredIsNotApplied() {
        PaScaler scaler(resolved(), at(0));
        (void)scaler.reconcile(2, 0, 2, true, at(0));
        const ScalerResult result = scaler.reconcile(-1, 0, 2, true, at(2));
        QCOMPARE(result.replicas, 2);
        QCOMPARE(result.status.desiredScale, -1);
        QVERIFY(!result.replicasChanged);
    }

    void scaleToZeroShortWindows() {
        // Stable window 6s (panic 1s), grace 2s, TBC 0 so one pod serves without the activator (EBC 0).
        World world(resolved({}, 0, withBurstCapacity(shortWindows(), 0)), briefLoad,
                    [](int t) { return t >= 2 && t <= 18 ? 1 : 0; });
        world.check({
            {0, 1, 1, kActivating}, // activator reports 10 -> ceil(10/70) = 1; no pod ready yet
            {2, 1, 1, kActive},     // the pod is ready: active since t=2
            {8, 1, 1, kActive},
            {10, 1, 1, kActive},   // t=5..10: 50/6 = 8.3 -> 1
            {14, 1, 1, kActive},   // t=9..14: 10/6 -> 1
            {16, 0, 1, kInactive}, // t=11..16 all 0 -> 0; active 14s >= 6s: deactivate, keep the pod
            {18, 0, 0, kInactive}, // inactive 2s >= grace 2s: the last pod goes
            {20, 0, 0, kInactive}, // no pod: last write t=18 is 2s old, the average is 0
        });
        QVERIFY(world.autoscaler().activatorInPath());
    }

    void activatorOutOfPathWithOnePodAndNoBurstCapacity() {
        World world(resolved({}, 0, withBurstCapacity(shortWindows(), 0)), briefLoad,
                    [](int t) { return t >= 2 ? 1 : 0; });
        QVERIFY(world.tickAt(0).scaler.status.activatorInPath); // no ready pod: the SKS falls back to proxy
        const RevisionTick tick = world.tickAt(2);
        QCOMPARE(tick.scaler.status.sksMode, SksMode::Serve);
        QVERIFY(!tick.scaler.status.activatorInPath);
    }

    void newRevisionWithoutTraffic() {
        // No requests at all; the pod is ready at t=2 and reports 0. Same short windows, TBC 0.
        World world(
            resolved({}, 0, withBurstCapacity(shortWindows(), 0)), [](int) { return 0.0; },
            [](int t) { return t >= 2 && t <= 10 ? 1 : 0; });
        world.check({
            {0, -1, 1, kActivating}, // no data: the deployment keeps its initial 1 replica
            {2, 0, 1, kActive},      // wants 0, but an activating PA does not scale to 0; the ready pod activates it
        });
        RevisionTick tick = world.tickAt(4);
        QCOMPARE(tick.scaler.replicas, 1); // active 2s < stable window 6s: keep one pod...
        QCOMPARE(tick.scaler.status.desiredScale, 1);
        QCOMPARE(tick.scaler.recheckAt, std::optional<TimePoint>(at(8))); // ...until active since t=2 + 6s
        world.check({
            {6, 0, 1, kActive},
            {8, 0, 1, kInactive},  // active 6s: deactivate
            {10, 0, 0, kInactive}, // inactive 2s = grace: 0
        });
    }

    void scaleToZeroKnativeDefaults() {
        // Stable window 60s, grace 30s, TBC 0. The last non-zero bucket is t=9.
        World world(resolved({}, 0, withBurstCapacity({}, 0)), briefLoad, [](int t) { return t >= 2 ? 1 : 0; });
        world.check({
            {68, 1, 1, kActive},    // t=9..68: 10/60 = 0.17 -> 1
            {70, 0, 1, kInactive},  // t=11..70: 0; active since t=2 for 68s >= 60s: deactivate
            {98, 0, 1, kInactive},  // inactive and proxying 28s < 30s
            {100, 0, 0, kInactive}, // 30s: the last pod goes, 90s after the last request
        });
    }

    void fastPathWhenActivatorWasInPath() {
        // Default TBC 211: with one pod EBC = 100 - 211 - panic < 0, so the activator has been in the path all
        // along and ProxyFor is far above the grace period when the PA goes inactive.
        World world(resolved(), briefLoad, [](int t) { return t >= 2 ? 1 : 0; });
        world.check({{70, 0, 1, kInactive}, {72, 0, 0, kInactive}});
    }

    void podRetentionIsAHardMinimum() {
        World world(resolved(annotations(QStringLiteral("scale-to-zero-pod-retention-period=40s"))), briefLoad,
                    [](int t) { return t >= 2 ? 1 : 0; });
        world.check({
            {70, 0, 1, kInactive},
            {72, 0, 1, kInactive},  // inactive 2s < max(grace 30s, retention 40s), and < retention
            {108, 0, 1, kInactive}, // 38s
            {110, 0, 0, kInactive}, // 40s
        });
    }

    void scaleToZeroDisabledKeepsOne() {
        AutoscalerDefaults defaults = withBurstCapacity(shortWindows(), 0);
        defaults.enableScaleToZero = false;
        World world(resolved({}, 0, defaults), briefLoad, [](int t) { return t >= 2 ? 1 : 0; });
        world.check({{16, 0, 1, kActive}, {18, 0, 1, kActive}, {40, 0, 1, kActive}});
        QCOMPARE(world.tickAt(42).scaler.status.desiredScale, 1);
    }

    void activationTimesOut() {
        // progress deadline 10s + 30s buffer = 40s. One request at t=0; the pod never becomes ready.
        AutoscalerDefaults defaults = shortWindows();
        defaults.progressDeadline = seconds(10);
        World world(
            resolved({}, 0, defaults), [](int t) { return t == 0 ? 10.0 : 0.0; }, [](int) { return 0; });
        world.check({{0, 1, 1, kActivating}, {4, 1, 1, kActivating}}); // young series: 10/1 -> 1
        const RevisionTick tick = world.tickAt(6);                     // t=0 is a whole window back: 0
        QCOMPARE(tick.decision.desiredScale, 0);
        QCOMPARE(tick.scaler.status.desiredScale, -1); // activating: waits for the timeout
        QCOMPARE(tick.scaler.recheckAt, std::optional<TimePoint>(at(40)));
        world.check({{8, 0, 1, kActivating}, {40, 0, 1, kActivating}, {42, 0, 0, kInactive}});
        QCOMPARE(world.autoscaler().status().reason, std::string("TimedOut"));
    }

    void setTicksAllRevisions() {
        AutoscalerSet set;
        QVERIFY(set.add("hello-00001", resolved(), 0, at(0)).ok());
        QVERIFY(set.add("hello-00002", resolved(), 0, at(0)).ok());
        const Status duplicate = set.add("hello-00001", resolved(), 0, at(0));
        QVERIFY(!duplicate.ok());
        QVERIFY(QString::fromStdString(duplicate.error().message).contains(QStringLiteral("hello-00001")));
        set.setReadyPods("hello-00001", 1);
        set.recordPodStats("hello-00001", std::vector<Stat>{concurrencyStat(140)}, at(0));
        const auto& outcomes = set.tickAll(at(0));
        QCOMPARE(outcomes.size(), std::size_t(2));
        QCOMPARE(outcomes[0].revision, std::string("hello-00001"));
        QCOMPARE(outcomes[0].tick.decision.desiredScale, 2); // 140/70
        QVERIFY(!outcomes[1].tick.decision.valid);           // no data for the second revision
        set.remove("hello-00002");
        QCOMPARE(set.size(), std::size_t(1));
        QVERIFY(set.find("hello-00002") == nullptr);
    }

    void setPokesFromZero() {
        AutoscalerSet set;
        QVERIFY(set.add("idle", resolved(), 0, at(0)).ok());
        set.setReadyPods("idle", 1);
        set.recordPodStats("idle", std::vector<Stat>{concurrencyStat(0)}, at(0));
        QCOMPARE(set.tickAll(at(0))[0].tick.decision.desiredScale, 0);
        const auto poked = set.recordActivatorStat("idle", concurrencyStat(1), at(1));
        QVERIFY(poked.has_value());
        QCOMPARE(poked->decision.desiredScale, 1); // (0 + 1) / 2 = 0.5 -> 1, without waiting for t=2
        QVERIFY(!set.recordActivatorStat("idle", concurrencyStat(1), at(1)).has_value()); // desired is 1 now
        QVERIFY(!set.recordActivatorStat("unknown", concurrencyStat(1), at(1)).has_value());
    }

    void setReconcilesAtRecheckTime() {
        AutoscalerSet set;
        QVERIFY(set.add("quiet", resolved({}, 0, withBurstCapacity(shortWindows(), 0)), 0, at(0)).ok());
        for (int t = 0; t <= 4; t += 2) {
            set.setReadyPods("quiet", t >= 2 ? 1 : 0);
            if (t >= 2)
                set.recordPodStats("quiet", std::vector<Stat>{concurrencyStat(0)}, at(t));
            (void)set.tickAll(at(t));
        }
        QCOMPARE(set.nextRecheck(), std::optional<TimePoint>(at(8))); // active since t=2 + stable window 6s
        QVERIFY(set.reconcileDue(at(7)).empty());
        const auto& due = set.reconcileDue(at(8));
        QCOMPARE(due.size(), std::size_t(1));
        QCOMPARE(due[0].tick.scaler.status.activity, kInactive);
    }
};

QTEST_GUILESS_MAIN(TestKpaScaler)
#include "tst_kpa_scaler.moc"
