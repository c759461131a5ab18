#include "model/experiment_loader.h"
#include "model/metric_catalog.h"

#include <QtTest>

using namespace faaswb;
using namespace faaswb::model;

Q_DECLARE_METATYPE(faaswb::model::Threshold::Op)

namespace {

LoadReport loadWithThresholds(const std::string& type, const std::string& typeKeys, const std::string& thresholds) {
    const std::string text = "name: t\nbenchmarks:\n  - {id: 010.sleep, languages: [python]}\nscenarios:\n"
                             "  - name: s\n    type: " +
                             type + "\n" + typeKeys + "    thresholds: " + thresholds + "\n";
    return loadExperimentText(text, "thresholds.yaml");
}

} // namespace

class TestThresholds : public QObject {
    Q_OBJECT
private slots:
    void parsesUnitsAndOperators_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("metric");
        QTest::addColumn<Threshold::Op>("op");
        QTest::addColumn<double>("value");
        QTest::addRow("ms metric in ms") << "p99 < 200ms"
                                         << "p99" << Threshold::Op::Less << 200.0;
        QTest::addRow("ms metric in s") << "cold_start_p50 <= 1.5s"
                                        << "cold_start_p50" << Threshold::Op::LessEqual << 1500.0;
        QTest::addRow("ms metric in us") << "p50<250us"
                                         << "p50" << Threshold::Op::Less << 0.25;
        QTest::addRow("ms metric compound") << "max < 1m30s"
                                            << "max" << Threshold::Op::Less << 90'000.0;
        QTest::addRow("s metric in ms") << "time_to_first_response < 500ms"
                                        << "time_to_first_response" << Threshold::Op::Less << 0.5;
        QTest::addRow("s metric in m") << "completion_seconds <= 2m"
                                       << "completion_seconds" << Threshold::Op::LessEqual << 120.0;
        QTest::addRow("percent with sign") << "error_rate < 0.1%"
                                           << "error_rate" << Threshold::Op::Less << 0.1;
        QTest::addRow("percent plain") << "loss_rate <= 5"
                                       << "loss_rate" << Threshold::Op::LessEqual << 5.0;
        QTest::addRow("percent spaced sign") << "overprovisioning > 10 %"
                                             << "overprovisioning" << Threshold::Op::Greater << 10.0;
        QTest::addRow("count") << "requests >= 1000"
                               << "requests" << Threshold::Op::GreaterEqual << 1000.0;
        QTest::addRow("rate") << "throughput > 99.5"
                              << "throughput" << Threshold::Op::Greater << 99.5;
        QTest::addRow("ratio") << "cold_warm_ratio > 2"
                               << "cold_warm_ratio" << Threshold::Op::Greater << 2.0;
        QTest::addRow("family") << "handover_p50.hop2 < 20ms"
                                << "handover_p50.hop2" << Threshold::Op::Less << 20.0;
        QTest::addRow("spaces around") << "  p90   >=   3ms  "
                                       << "p90" << Threshold::Op::GreaterEqual << 3.0;
        QTest::addRow("negative") << "errors > -1"
                                  << "errors" << Threshold::Op::Greater << -1.0;
    }
    void parsesUnitsAndOperators() {
        QFETCH(QString, text);
        QFETCH(QString, metric);
        QFETCH(Threshold::Op, op);
        QFETCH(double, value);
        const auto threshold = parseThreshold(text.toStdString());
        QVERIFY2(threshold.ok(), threshold.ok() ? "" : threshold.error().message.c_str());
        QCOMPARE(QString::fromStdString(threshold->metric), metric);
        QCOMPARE(threshold->op, op);
        QCOMPARE(threshold->value, value);
        QCOMPARE(QString::fromStdString(threshold->text), text.trimmed());
    }

    void rejectsBadText_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::addRow("empty") << ""
                               << "expected a threshold such as 'p99 < 200ms'";
        QTest::addRow("operator only") << "< 200ms"
                                       << "expected a threshold such as";
        QTest::addRow("unknown metric") << "p98 < 200ms"
                                        << "unknown metric 'p98' (close: p90, p99, p50, p999)";
        QTest::addRow("unknown far") << "latency < 2ms"
                                     << "unknown metric 'latency'";
        QTest::addRow("suffix on plain metric") << "p99.hop1 < 2ms"
                                                << "unknown metric 'p99.hop1'";
        QTest::addRow("no operator") << "p99 200ms"
                                     << "expected an operator < <= > or >= after 'p99', got '200ms'";
        QTest::addRow("equality") << "p99 == 200ms"
                                  << "expected an operator";
        QTest::addRow("no value") << "p99 <"
                                  << "expected a value after 'p99 <'";
        QTest::addRow("duration without unit") << "p99 < 200"
                                               << "(a unit is required, e.g. '200ms')";
        QTest::addRow("duration word") << "p99 < fast"
                                       << "expected a duration such as 200ms or 1.5s, got 'fast'";
        QTest::addRow("percent word") << "error_rate < some%"
                                      << "expected a percentage such as 0.1% or 5";
        QTest::addRow("count with unit") << "requests > 10ms"
                                         << "expected a number (requests is in count)";
    }
    void rejectsBadText() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const auto threshold = parseThreshold(text.toStdString());
        QVERIFY(!threshold.ok());
        QCOMPARE(threshold.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(threshold.error().message).contains(message),
                 threshold.error().message.c_str());
    }

    void loaderReadsThresholds() {
        const LoadReport report =
            loadWithThresholds("cold-start", "    repetitions: 3\n", "[\"cold_start_p50 < 1s\", \"error_rate < 1%\"]");
        QVERIFY(report.experiment);
        const auto& thresholds = report.experiment->scenarios.at(0).thresholds;
        QCOMPARE(thresholds.size(), std::size_t(2));
        QCOMPARE(thresholds[0].metric, std::string("cold_start_p50"));
        QCOMPARE(thresholds[0].value, 1000.0);
        QCOMPARE(thresholds[1].text, std::string("error_rate < 1%"));
    }

    void loaderRejectsMetricTheTypeNeverReports() {
        const LoadReport report =
            loadWithThresholds("warm-latency", "    rate: 10\n    duration: 1s\n", "[p99 < 1s, cold_start_p50 < 1s]");
        QVERIFY(!report.experiment);
        QCOMPARE(report.issues.size(), std::size_t(1));
        QCOMPARE(report.issues[0].where.line, 9);
        QCOMPARE(report.issues[0].where.column, 28);
        QCOMPARE(report.issues[0].message,
                 std::string("scenarios[0].thresholds[1]: a warm-latency scenario does not report 'cold_start_p50' "
                             "(cold-start and perf-cost scenarios do)"));
    }

    void loaderReportsParseErrorsAtTheItem() {
        const LoadReport report = loadWithThresholds("load", "    rate: 10\n    duration: 1s\n",
                                                     "\n      - p99 < 1s\n"
                                                     "      - p98 < 1s\n"
                                                     "      - []\n");
        QVERIFY(!report.experiment);
        QCOMPARE(report.issues.size(), std::size_t(2));
        QCOMPARE(report.issues[0].where.line, 11);
        QVERIFY2(report.issues[0].message.starts_with("scenarios[0].thresholds[1]: unknown metric 'p98'"),
                 report.issues[0].message.c_str());
        QCOMPARE(report.issues[1].where.line, 12);
        QVERIFY(report.issues[1].message.starts_with("scenarios[0].thresholds[2]: expected non-empty text"));
    }

    void everyCatalogueMetricParses() {
        for (const MetricInfo& info : metricCatalog()) {
            const bool duration = info.unit == MetricUnit::Milliseconds || info.unit == MetricUnit::Seconds;
            const std::string name = std::string(info.name) + (info.family ? ".hop1" : "");
            const auto threshold = parseThreshold(name + " >= " + (duration ? "1s" : "1"));
            QVERIFY2(threshold.ok(), name.c_str());
            QCOMPARE(threshold->value, info.unit == MetricUnit::Milliseconds ? 1000.0 : 1.0);
        }
    }
};

QTEST_GUILESS_MAIN(TestThresholds)
#include "tst_thresholds.moc"
