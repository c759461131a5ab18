#include "load/hdr_codec.h"
#include "results/csv_export.h"
#include "results/result_store.h"
#include "results_fixtures.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <sstream>

using namespace faaswb;
using namespace faaswb::results;

namespace {

QStringList lines(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString text = QString::fromUtf8(file.readAll());
    QStringList rows = text.split(QStringLiteral("\r\n"));
    if (!rows.isEmpty() && rows.last().isEmpty())
        rows.removeLast(); // after the last CRLF
    return rows;
}

} // namespace

class TestCsv : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::int64_t m_runId = 0;

    std::string dbPath() const { return m_dir.filePath(QStringLiteral("results.db")).toStdString(); }
    QString exportDir() const { return m_dir.filePath(QStringLiteral("export")); }

    // One run whose names need quoting: warm-up interval, two measured ones, three requests, two scale events.
    void fillStore(ResultStore& store) {
        auto description = test::runDescription(0, "warm, \"steady\"");
        description.experimentName = "Zürich quickstart";
        auto experiment = store.addExperiment(description.experimentName, description.experimentYaml);
        m_runId = *store.beginRun(*experiment, description);
        QVERIFY(store
                    .appendIntervals(m_runId, std::vector{test::interval(0, {2040}, true),
                                                          test::interval(1, {1000, 1000, 1000, 2000}),
                                                          test::interval(2, {1000, 1500, 1800, 1900, 1200, 1100})})
                    .ok());
        auto requests = test::requests(1, 3);
        requests[1].error = load::ErrorKind::Timeout;
        requests[1].status = 0;
        requests[1].instance = "pod, \"b\"";
        QVERIFY(store.appendRequests(m_runId, requests).ok());
        platform::ScaleSample known{500, "sleep-00001", 3, 2, 1, 1, 0, true};
        platform::ScaleSample unknown;
        unknown.tMs = 1500;
        unknown.revision = "sleep-00001";
        unknown.desired = 4;
        QVERIFY(store.appendScale(m_runId, std::vector{known, unknown}).ok());
        auto report = test::metricsReport(12.5, true);
        report.metrics[2].value = 0.1 + 0.2;
        report.thresholds[1].note = "no pods, \"reported\"";
        QVERIFY(store.addRunMetrics(m_runId, report).ok());
        QVERIFY(store.finishRun(m_runId, engine::RunStatus::Complete, "", test::fixedStart()).ok());
    }

    // A workflow-chain scenario swept over mechanism x payloadSize, two repetitions per point (one failed run).
    std::string chainStore() {
        const std::string path = m_dir.filePath(QStringLiteral("chain.db")).toStdString();
        auto store = ResultStore::open(path);
        auto description = test::runDescription(0, "chain / sweep");
        description.scenarioType = "workflow-chain";
        auto experiment = store->addExperiment(description.experimentName, description.experimentYaml);
        int index = 0;
        for (const char* mechanism : {"direct", "serving"})
            for (int payload : {1024, 10240}) {
                for (int repeat = 0; repeat < 2; ++repeat) {
                    description.sweep = test::sweepPoint(index, {{"mechanism", mechanism}, {"payloadSize", payload}});
                    description.repeat = repeat;
                    const auto runId = *store->beginRun(*experiment, description);
                    const double handover = (mechanism == std::string("direct") ? 1.0 : 3.0) + payload / 1024.0;
                    analysis::RunMetricsReport report;
                    report.metrics = {{"end_to_end_p50", handover * 2 + repeat, "ms"},
                                      {"handover_sum_p50", handover + repeat, "ms"}};
                    (void)store->addRunMetrics(runId, report);
                    const bool failed = index == 3 && repeat == 1;
                    (void)store->finishRun(runId, failed ? engine::RunStatus::Failed : engine::RunStatus::Complete, "",
                                           test::fixedStart());
                }
                ++index;
            }
        return path;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        auto store = ResultStore::open(dbPath());
        QVERIFY(store.ok());
        fillStore(*store);
        QVERIFY(exportCsv(*store, {m_runId}, exportDir().toStdString()).ok());
    }

    void quoting_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::addRow("plain") << "abc"
                               << "abc";
        QTest::addRow("empty") << ""
                               << "";
        QTest::addRow("comma") << "a,b"
                               << "\"a,b\"";
        QTest::addRow("quote doubled") << "say \"hi\""
                                       << "\"say \"\"hi\"\"\"";
        QTest::addRow("only a quote") << "\""
                                      << "\"\"\"\"";
        QTest::addRow("CR") << "a\rb"
                            << "\"a\rb\"";
        QTest::addRow("LF") << "a\nb"
                            << "\"a\nb\"";
        QTest::addRow("CRLF") << "a\r\nb"
                              << "\"a\r\nb\"";
        QTest::addRow("leading space kept") << " a"
                                            << "\" a\"";
        QTest::addRow("trailing space kept") << "a "
                                             << "\"a \"";
        QTest::addRow("inner space") << "a b"
                                     << "a b";
        QTest::addRow("unicode") << QStringLiteral("Zürich → 東京 😀") << QStringLiteral("Zürich → 東京 😀");
        QTest::addRow("semicolon and tab") << "a;b\tc"
                                           << "a;b\tc";
    }
    void quoting() {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        const std::string utf8 = field.toStdString();
        QCOMPARE(QString::fromStdString(CsvWriter::escape(utf8)), expected);
        std::ostringstream out;
        CsvWriter csv(out);
        csv.field(utf8).field("x");
        csv.endRow();
        QCOMPARE(QString::fromStdString(out.str()), expected + QStringLiteral(",x\r\n"));
    }

    void rows() {
        std::ostringstream out;
        CsvWriter csv(out);
        csv.row({"a", "b", ""});
        csv.emptyField().field("1");
        csv.endRow();
        QCOMPARE(out.str(), std::string("a,b,\r\n,1\r\n"));
    }

    void numberFormatting() {
        QCOMPARE(formatFixed(1.5, 3), std::string("1.500"));
        QCOMPARE(formatFixed(1234567.0, 3), std::string("1234567.000"));
        QCOMPARE(formatFixed(0.0005, 3), std::string("0.001"));
        QCOMPARE(formatMicrosAsMillis(12'345), std::string("12.345"));
        QCOMPARE(formatMicrosAsMillis(5), std::string("0.005"));
        QCOMPARE(formatMicrosAsMillis(0), std::string("0.000"));
        QCOMPARE(formatMicrosAsMillis(-1'500), std::string("-1.500"));
        QCOMPARE(formatMicrosAsMillis(3'600'000'000), std::string("3600000.000"));
    }

    void summaryFile() {
        const auto rows = lines(exportDir() + QStringLiteral("/summary.csv"));
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0], QStringLiteral("run_id,experiment,scenario,benchmark,language,platform,status,started_at,"
                                         "requests,errors,achieved_rps,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,"
                                         "cold_starts"));
        QCOMPARE(rows[1], QStringLiteral("%1,Zürich quickstart,\"warm, \"\"steady\"\"\",010.sleep,python,local,"
                                         "complete,2024-05-01T12:00:00.250Z,10,2,5.000,1.100,1.900,2.000,2.000,"
                                         "2.000,0")
                              .arg(m_runId));
    }

    void intervalsFile() {
        const auto rows = lines(exportDir() + QStringLiteral("/intervals.csv"));
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows[0], QStringLiteral("run_id,t_ms,requests,errors,rate_target_rps,rate_achieved_rps,p50_ms,p90_ms,"
                                         "p99_ms,p999_ms,max_ms,svc_p50_ms,svc_p90_ms,svc_p99_ms,svc_p999_ms,"
                                         "svc_max_ms,cold_starts,warmup"));
        QCOMPARE(rows[1], QStringLiteral("%1,0,1,1,100.000,1.000,2.040,2.040,2.040,2.040,2.040,1.020,1.020,1.020,"
                                         "1.020,1.020,1,1")
                              .arg(m_runId));
        QCOMPARE(rows[2], QStringLiteral("%1,1000,4,1,100.000,4.000,1.000,2.000,2.000,2.000,2.000,0.500,1.000,1.000,"
                                         "1.000,1.000,0,0")
                              .arg(m_runId));
    }

    void requestsFile() {
        const auto rows = lines(exportDir() + QStringLiteral("/requests.csv"));
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows[0], QStringLiteral("run_id,seq,intended_ms,sent_ms,dns_ms,connect_ms,tls_ms,ttfb_ms,total_ms,"
                                         "latency_ms,status,bytes,error,cold,instance,trace_id"));
        // seq 1: cold = true; seq 2: failed, no response, cold = false; seq 3: cold unknown (empty).
        QCOMPARE(rows[1], QStringLiteral("%1,1,5.000,5.012,0.010,0.120,0.000,1.501,1.541,1.553,200,512,,1,"
                                         "sleep-python-00001-deployment-7d9f,463ac35c9f6413ad48485a3953bb1001")
                              .arg(m_runId));
        QCOMPARE(rows[2], QStringLiteral("%1,2,10.000,10.012,0.010,0.120,0.000,1.502,1.542,1.554,,512,timeout,0,"
                                         "\"pod, \"\"b\"\"\",463ac35c9f6413ad48485a3953bb1002")
                              .arg(m_runId));
        QVERIFY2(rows[3].contains(QStringLiteral(",200,512,,,sleep-python")), qPrintable(rows[3]));
    }

    void scaleEventsFile() {
        const auto rows = lines(exportDir() + QStringLiteral("/scale_events.csv"));
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0], QStringLiteral("run_id,t_ms,revision,desired,actual,ready,pending,terminating,panic"));
        QCOMPARE(rows[1], QStringLiteral("%1,500,sleep-00001,3,2,1,1,0,1").arg(m_runId));
        QCOMPARE(rows[2], QStringLiteral("%1,1500,sleep-00001,4,,,,,").arg(m_runId));
    }

    void runMetricsFile() {
        const auto rows = lines(exportDir() + QStringLiteral("/run_metrics.csv"));
        QCOMPARE(rows.size(), 5);
        QCOMPARE(rows[0], QStringLiteral("run_id,metric,value,unit"));
        QCOMPARE(rows[1], QStringLiteral("%1,p50,6.25,ms").arg(m_runId));
        QCOMPARE(rows[2], QStringLiteral("%1,p99,12.5,ms").arg(m_runId));
        QCOMPARE(rows[3], QStringLiteral("%1,error_rate,0.3,%").arg(m_runId));
        QCOMPARE(rows[4], QStringLiteral("%1,max_pods,,count").arg(m_runId)); // unavailable: empty, not 0
    }

    void thresholdsFile() {
        const auto rows = lines(exportDir() + QStringLiteral("/thresholds.csv"));
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0], QStringLiteral("run_id,threshold,metric,value,unit,passed,note"));
        QCOMPARE(rows[1], QStringLiteral("%1,p99 < 10ms,p99,12.5,ms,0,").arg(m_runId));
        QCOMPARE(rows[2],
                 QStringLiteral("%1,max_pods <= 3,max_pods,,count,0,\"no pods, \"\"reported\"\"\"").arg(m_runId));
    }

    void scenarioSummaryFiles() {
        auto store = ResultStore::open(chainStore(), true);
        QVERIFY(store.ok());
        const QString dir = m_dir.filePath(QStringLiteral("scenarios"));
        auto written = exportScenarioSummary(*store, {}, dir.toStdString());
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());
        const QStringList expected{QStringLiteral("scenarios.csv"),
                                   QStringLiteral("chain-chain___sweep-handover_sum_p50.csv"),
                                   QStringLiteral("chain-chain___sweep-end_to_end_p50.csv")};
        QCOMPARE(written->size(), std::size_t(expected.size()));
        for (int n = 0; n < expected.size(); ++n)
            QCOMPARE(QString::fromStdString((*written)[n]), dir + u'/' + expected[n]);

        const auto summary = lines(dir + QStringLiteral("/scenarios.csv"));
        QCOMPARE(summary.size(), 5); // header + 4 sweep points
        QVERIFY2(summary[0].startsWith(QStringLiteral("scenario,type,benchmark,language,mechanism,payloadSize,runs,"
                                                      "failed_runs,threshold_failures,end_to_end_p50_mean [ms]")),
                 qPrintable(summary[0]));
        QVERIFY2(
            summary[1].startsWith(QStringLiteral("chain / sweep,workflow-chain,010.sleep,python,direct,1024,2,0,0,")),
            qPrintable(summary[1]));
        QVERIFY2(
            summary[4].startsWith(QStringLiteral("chain / sweep,workflow-chain,010.sleep,python,serving,10240,1,1,")),
            qPrintable(summary[4]));

        // Medians over the complete repetitions: handover + 0.5 (repeats 0 and 1), the failed run left out.
        const auto pivot = lines(dir + QStringLiteral("/chain-chain___sweep-handover_sum_p50.csv"));
        QCOMPARE(pivot.size(), 3);
        QVERIFY2(pivot[0].endsWith(QStringLiteral(",1024,10240")), qPrintable(pivot[0]));
        QVERIFY2(pivot[0].contains(QStringLiteral("handover_sum_p50")), qPrintable(pivot[0]));
        QCOMPARE(pivot[1], QStringLiteral("direct,2.5,11.5"));
        QCOMPARE(pivot[2], QStringLiteral("serving,4.5,13"));
    }

    void scenarioSummaryWithoutChains() {
        auto store = ResultStore::open(dbPath(), true);
        const QString dir = m_dir.filePath(QStringLiteral("plain-summary"));
        auto written = exportScenarioSummary(*store, {m_runId}, dir.toStdString());
        QVERIFY(written.ok());
        QCOMPARE(written->size(), std::size_t(1));
        const auto rows = lines(dir + QStringLiteral("/scenarios.csv"));
        QCOMPARE(rows.size(), 2);
        QVERIFY2(rows[1].contains(QStringLiteral(",1,0,1,")),
                 qPrintable(rows[1])); // 1 run, 0 failed, 1 threshold failure
        QVERIFY(!exportScenarioSummary(*store, {m_runId + 100}, dir.toStdString()).ok());
    }

    // An interval without responses has no latency: its percentile cells are empty, not 0.
    void intervalWithoutResponsesHasEmptyPercentiles() {
        const std::string path = m_dir.filePath(QStringLiteral("idle.db")).toStdString();
        auto store = ResultStore::open(path);
        QVERIFY(store.ok());
        auto description = test::runDescription(0, "idle");
        auto experiment = store->addExperiment(description.experimentName, description.experimentYaml);
        const auto runId = *store->beginRun(*experiment, description);
        auto idle = test::interval(1, {});
        idle.errors = 0;
        idle.errorsByKind = {};
        idle.statusCounts.clear();
        QVERIFY(store->appendIntervals(runId, std::vector{test::interval(0, {1000, 3000}), idle}).ok());
        const QString dir = m_dir.filePath(QStringLiteral("idle"));
        QVERIFY(exportCsv(*store, {runId}, dir.toStdString()).ok());
        const auto rows = lines(dir + QStringLiteral("/intervals.csv"));
        QCOMPARE(rows.size(), 3);
        QVERIFY2(rows[1].contains(QStringLiteral(",1.000,")), qPrintable(rows[1]));
        QCOMPARE(rows[2], QStringLiteral("%1,1000,0,0,100.000,0.000,,,,,,,,,,,0,0").arg(runId));
    }

    void exportAllRunsWhenNoneGiven() {
        auto store = ResultStore::open(dbPath(), true);
        QVERIFY(store.ok());
        const QString dir = m_dir.filePath(QStringLiteral("all/nested"));
        QVERIFY(exportCsv(*store, {}, dir.toStdString()).ok());
        QCOMPARE(lines(dir + QStringLiteral("/summary.csv")).size(), 2);
    }

    void exportUnknownRunFails() {
        auto store = ResultStore::open(dbPath(), true);
        const auto exported = exportCsv(*store, {m_runId + 100}, m_dir.filePath(QStringLiteral("x")).toStdString());
        QVERIFY(!exported.ok());
        QVERIFY(QString::fromStdString(exported.error().message).contains(QStringLiteral("no run with id")));
    }

    void hlogExport() {
        auto store = ResultStore::open(dbPath(), true);
        const std::string path = m_dir.filePath(QStringLiteral("run.hlog")).toStdString();
        QVERIFY(exportHlog(*store, m_runId, path).ok());
        std::ifstream in(path);
        auto log = load::readHlog(in);
        QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
        QCOMPARE(log->startTimeEpochSeconds, 1'714'564'800.25);
        QCOMPARE(log->intervals.size(), std::size_t(3));
        QCOMPARE(log->intervals[1].startSeconds, 1.0);
        QCOMPARE(log->intervals[1].lengthSeconds, 1.0);
        QCOMPARE(log->intervals[1].histogram.totalCount(), std::int64_t(4));
        QCOMPARE(log->intervals[2].histogram.valueAtPercentile(50.0), std::int64_t(1200)); // 3rd of 6
    }
};

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"
