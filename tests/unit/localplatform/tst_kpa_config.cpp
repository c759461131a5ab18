// Resolving a revision's autoscaling annotations and the platform's config-autoscaler defaults: targets, windows,
// legacy keys, and validation errors that name the annotation.
#include "kpa_test_support.h"
#include "localplatform/autoscaler_config.h"

#include <QtTest>

using namespace faaswb;
using namespace faaswb::localplatform;
using namespace faaswb::localplatform::test;
using std::chrono::seconds;

class TestKpaConfig : public QObject {
    Q_OBJECT
private slots:
    void targets_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("containerConcurrency");
        QTest::addColumn<double>("target");
        QTest::addColumn<double>("total");
        QTest::addColumn<int>("panicWindowSeconds");
        QTest::addRow("defaults: 100 x 0.7") << "" << 0 << 70.0 << 100.0 << 6;
        QTest::addRow("CC 10: 10 x 0.7") << "" << 10 << 7.0 << 10.0 << 6;
        QTest::addRow("rps: 200 x 0.7") << "metric=rps" << 0 << 140.0 << 200.0 << 6;
        QTest::addRow("rps ignores CC") << "metric=rps" << 10 << 140.0 << 200.0 << 6;
        QTest::addRow("target 50: 50 x 0.7") << "target=50" << 0 << 35.0 << 50.0 << 6;
        QTest::addRow("target 50 above CC 10: min") << "target=50" << 10 << 7.0 << 10.0 << 6;
        QTest::addRow("utilization 50 percent") << "target-utilization-percentage=50" << 0 << 50.0 << 100.0 << 6;
        QTest::addRow("legacy utilization 90 percent") << "targetUtilizationPercentage=90" << 10 << 9.0 << 10.0 << 6;
        QTest::addRow("floor 0.01") << "target=0.01;target-utilization-percentage=1" << 0 << 0.01 << 0.01 << 6;
        QTest::addRow("window 6s: 0.6s rounds to 1s") << "window=6s" << 0 << 70.0 << 100.0 << 1;
        QTest::addRow("window 45s: 4.5s rounds up") << "window=45s" << 0 << 70.0 << 100.0 << 5;
        QTest::addRow("window 2m at 5 percent") << "window=2m;panic-window-percentage=5" << 0 << 70.0 << 100.0 << 6;
        QTest::addRow("legacy percentage 25 percent")
            << "window=100s;panicWindowPercentage=25" << 0 << 70.0 << 100.0 << 25;
    }
    void targets() {
        QFETCH(QString, spec);
        QFETCH(int, containerConcurrency);
        QFETCH(double, target);
        QFETCH(double, total);
        QFETCH(int, panicWindowSeconds);
        const auto config = resolveScalingConfig(annotations(spec), containerConcurrency);
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->targetValue, target);
        QCOMPARE(config->totalValue, total);
        QCOMPARE(config->panicWindow, Nanos(seconds(panicWindowSeconds)));
    }

    void knativeDefaults() {
        const RevisionScalingConfig config = resolved();
        QCOMPARE(config.metric, ScalingMetric::Concurrency);
        QCOMPARE(config.algorithm, AggregationAlgorithm::Linear);
        QCOMPARE(config.stableWindow, Nanos(seconds(60)));
        QCOMPARE(config.panicThreshold, 2.0);
        QCOMPARE(config.targetBurstCapacity, 211.0);
        QCOMPARE(config.maxScaleUpRate, 1000.0);
        QCOMPARE(config.maxScaleDownRate, 2.0);
        QCOMPARE(config.initialScale, 1);
        QCOMPARE(config.activationScale, 1);
        QCOMPARE(config.scaleToZeroGracePeriod, Nanos(seconds(30)));
        QCOMPARE(config.activationTimeout, Nanos(seconds(630))); // progress deadline 600s + 30s
        QVERIFY(validate(AutoscalerDefaults{}).ok());
    }

    void badAnnotations_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("containerConcurrency");
        QTest::addColumn<QString>("messagePart");
        const QString p = QStringLiteral("autoscaling.knative.dev/");
        QTest::addRow("negative min-scale") << "min-scale=-1" << 0 << p + "min-scale";
        QTest::addRow("legacy minScale not a number") << "minScale=two" << 0 << p + "minScale";
        QTest::addRow("max below min") << "min-scale=5;max-scale=2" << 0 << "max-scale=2 is less than min-scale=5";
        QTest::addRow("window below 6s") << "window=5s" << 0 << p + "window";
        QTest::addRow("window with ms") << "window=6500ms" << 0 << "second precision";
        QTest::addRow("window without unit") << "window=60" << 0 << p + "window";
        QTest::addRow("panic window 0 percent") << "panic-window-percentage=0" << 0 << p + "panic-window-percentage";
        QTest::addRow("legacy threshold 105 percent")
            << "panicThresholdPercentage=105" << 0 << p + "panicThresholdPercentage";
        QTest::addRow("TBC -2") << "target-burst-capacity=-2" << 0 << p + "target-burst-capacity";
        QTest::addRow("metric cpu is HPA") << "metric=cpu" << 0 << p + "metric";
        QTest::addRow("HPA class") << "class=hpa.autoscaling.knative.dev" << 0 << p + "class";
        QTest::addRow("initial-scale 0 not allowed") << "initial-scale=0" << 0 << p + "initial-scale";
        QTest::addRow("activation-scale 1") << "activation-scale=1" << 0 << p + "activation-scale";
        QTest::addRow("target 0") << "target=0" << 0 << p + "target";
        QTest::addRow("utilization 101 percent")
            << "target-utilization-percentage=101" << 0 << p + "target-utilization-percentage";
        QTest::addRow("unknown algorithm")
            << "metric-aggregation-algorithm=median" << 0 << p + "metric-aggregation-algorithm";
        QTest::addRow("scale-down-delay over 1h") << "scale-down-delay=2h" << 0 << p + "scale-down-delay";
        QTest::addRow("legacy retention negative")
            << "scaleToZeroPodRetentionPeriod=-5s" << 0 << p + "scaleToZeroPodRetentionPeriod";
        QTest::addRow("containerConcurrency over 1000") << "" << 1001 << "containerConcurrency";
    }
    void badAnnotations() {
        QFETCH(QString, spec);
        QFETCH(int, containerConcurrency);
        QFETCH(QString, messagePart);
        const auto config = resolveScalingConfig(annotations(spec), containerConcurrency);
        QVERIFY(!config.ok());
        QCOMPARE(config.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(config.error().message).contains(messagePart), config.error().message.c_str());
    }

    void allProblemsReported() {
        const auto config = resolveScalingConfig(annotations(QStringLiteral("min-scale=x;window=1s")), 0);
        QVERIFY(!config.ok());
        const QString message = QString::fromStdString(config.error().message);
        QVERIFY2(message.contains(QStringLiteral("/min-scale")) && message.contains(QStringLiteral("/window")),
                 qPrintable(message));
    }

    void legacyKeysAccepted() {
        const RevisionScalingConfig config = resolved(annotations(
            QStringLiteral("minScale=2;maxScale=5;initialScale=3;panicWindowPercentage=20;panicThresholdPercentage=300;"
                           "targetBurstCapacity=0;scaleDownDelay=10s;metricAggregationAlgorithm=weightedExponential;"
                           "scaleToZeroPodRetentionPeriod=1m")));
        QCOMPARE(config.minScale, 2);
        QCOMPARE(config.maxScale, 5);
        QCOMPARE(config.initialScale, 3);
        QCOMPARE(config.panicWindow, Nanos(seconds(12))); // 60s x 20%
        QCOMPARE(config.panicThreshold, 3.0);
        QCOMPARE(config.targetBurstCapacity, 0.0);
        QCOMPARE(config.scaleDownDelay, Nanos(seconds(10)));
        QCOMPARE(config.algorithm, AggregationAlgorithm::WeightedExponential);
        QCOMPARE(config.scaleToZeroPodRetention, Nanos(seconds(60)));
    }

    void kebabKeyWinsOverLegacy() {
        QCOMPARE(resolved(annotations(QStringLiteral("min-scale=1;minScale=4"))).minScale, 1);
    }

    void zeroInitialScaleWhenAllowed() {
        AutoscalerDefaults defaults;
        defaults.allowZeroInitialScale = true;
        QCOMPARE(resolved(annotations(QStringLiteral("initial-scale=0")), 0, defaults).initialScale, 0);
    }

    void maxScaleLimit() {
        AutoscalerDefaults defaults;
        defaults.maxScaleLimit = 10;
        defaults.maxScale = 10;
        QVERIFY(resolveScalingConfig(annotations(QStringLiteral("max-scale=10")), 0, defaults).ok());
        const auto over = resolveScalingConfig(annotations(QStringLiteral("max-scale=11")), 0, defaults);
        QVERIFY(!over.ok());
        QVERIFY(QString::fromStdString(over.error().message).contains(QStringLiteral("max-scale-limit")));
    }

    void defaultsFromConfigMap() {
        const auto defaults = autoscalerDefaultsFromMap({{"stable-window", "6s"},
                                                         {"scale-to-zero-grace-period", "2s"},
                                                         {"container-concurrency-target-percentage", "80"},
                                                         {"enable-scale-to-zero", "false"},
                                                         {"target-burst-capacity", "0"}});
        QVERIFY2(defaults.ok(), defaults.ok() ? "" : defaults.error().message.c_str());
        QCOMPARE(defaults->stableWindow, Nanos(seconds(6)));
        QCOMPARE(defaults->scaleToZeroGracePeriod, Nanos(seconds(2)));
        QCOMPARE(defaults->containerConcurrencyTargetFraction, 0.8); // 80 is a percentage: divided by 100
        QVERIFY(!defaults->enableScaleToZero);
        const RevisionScalingConfig config = resolved({}, 0, *defaults);
        QCOMPARE(config.panicWindow, Nanos(seconds(1)));
        QCOMPARE(config.targetValue, 80.0);
        QCOMPARE(config.targetBurstCapacity, 0.0);
    }

    void badConfigMap_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("messagePart");
        QTest::addRow("stable window too short") << "stable-window"
                                                 << "5s"
                                                 << "stable-window";
        QTest::addRow("scale-down rate 1") << "max-scale-down-rate"
                                           << "1"
                                           << "max-scale-down-rate";
        QTest::addRow("grace 0") << "scale-to-zero-grace-period"
                                 << "0s"
                                 << "scale-to-zero-grace-period";
        QTest::addRow("not a bool") << "enable-scale-to-zero"
                                    << "maybe"
                                    << "enable-scale-to-zero";
        QTest::addRow("typo") << "stable-windw"
                              << "6s"
                              << "unknown config-autoscaler key";
        QTest::addRow("percentage over 100") << "container-concurrency-target-percentage"
                                             << "120"
                                             << "container-concurrency-target-percentage";
    }
    void badConfigMap() {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, messagePart);
        const auto defaults = autoscalerDefaultsFromMap({{key.toStdString(), value.toStdString()}});
        QVERIFY(!defaults.ok());
        QVERIFY2(QString::fromStdString(defaults.error().message).contains(messagePart),
                 defaults.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestKpaConfig)
#include "tst_kpa_config.moc"
