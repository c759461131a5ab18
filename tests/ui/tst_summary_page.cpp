// SummaryPage over a real results DB: a warm-latency scenario swept over rate with 6 repeats per point (so medians
// have their order-statistic CI) and a workflow-chain scenario swept over mechanism x payloadSize. The table's medians
// and CI tooltips, the chart of p99 vs rate with CI bars, the chain's grouped bars, the "selected runs" source, the
// offscreen summary-chart exports and the HTML report's scenario summary; screenshots summary-light/-dark/-chain.
#include "analysis/stats.h"
#include "results/result_store.h"
#include "ui/export/chart_export.h"
#include "ui/summary/summary_chart.h"
#include "ui/summary/summary_page.h"
#include "ui/summary/summary_table_model.h"
#include "ui_testutils.h"

#include <QAbstractAxis>
#include <QAbstractItemModelTester>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QFontMetrics>
#include <QHeaderView>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>
#include <chrono>
#include <map>
#include <vector>

using namespace faaswb;

namespace {

constexpr int kRepeats = 6;
const int kRates[] = {10, 50, 100};
const char* const kMechanisms[] = {"direct", "serving"};
const int kPayloads[] = {1024, 1048576};

// p99 of the warm scenario: grows with the rate, spread over the repeats.
double warmP99(int rate, int repeat) {
    return 5.0 + rate * 0.2 + repeat * 0.5;
}
double chainHandover(int mechanism, int payload, int repeat) {
    return (mechanism == 0 ? 2.0 : 6.0) + payload / 65536.0 + repeat * 0.25;
}

struct Fixture {
    std::int64_t experimentId = 0;
    QList<qint64> warmRuns, chainRuns;
    std::map<int, std::vector<double>> warmByRate;
};

analysis::RunMetricsReport report(const std::string& name, double value, std::optional<double> limit) {
    analysis::RunMetricsReport metrics;
    const std::string unit = "ms";
    metrics.metrics.push_back({name, value, unit});
    metrics.metrics.push_back({"error_rate", 0.0, "%"});
    metrics.metrics.push_back({"max_pods", std::nullopt, "count"}); // the platform reports no pods: n/a
    if (limit) {
        analysis::ThresholdResult threshold;
        threshold.text = name + " < " + std::to_string(static_cast<int>(*limit)) + "ms";
        threshold.metric = name;
        threshold.value = value;
        threshold.passed = value < *limit;
        metrics.thresholds.push_back(threshold);
    }
    return metrics;
}

qint64 addRun(results::ResultStore& store, std::int64_t experiment, const std::string& scenario,
              const std::string& type, const std::string& benchmark, nlohmann::json values, int index, int repeat,
              const analysis::RunMetricsReport& metrics, int minute) {
    engine::RunDescription run;
    run.experimentName = "sweeps";
    run.scenario = scenario;
    run.scenarioType = type;
    run.benchmark = benchmark;
    run.language = "python";
    run.platform = "local";
    run.sweep = {{"index", index}, {"values", std::move(values)}};
    run.repeat = repeat;
    run.startedAt = std::chrono::system_clock::time_point(std::chrono::minutes(28'573'000 + minute));
    const auto id = store.beginRun(experiment, run);
    if (!id || !store.addRunMetrics(*id, metrics) ||
        !store.finishRun(*id, engine::RunStatus::Complete, "", run.startedAt + std::chrono::seconds(30)))
        return 0;
    return *id;
}

bool buildDatabase(const QString& path, Fixture& fixture) {
    auto store = results::ResultStore::open(path.toStdString());
    if (!store)
        return false;
    const auto experiment = store->addExperiment("sweeps", "name: sweeps\n");
    if (!experiment)
        return false;
    fixture.experimentId = *experiment;
    int minute = 0, index = 0;
    for (const int rate : kRates) {
        for (int repeat = 0; repeat < kRepeats; ++repeat) {
            const double p99 = warmP99(rate, repeat);
            fixture.warmByRate[rate].push_back(p99);
            fixture.warmRuns << addRun(*store, *experiment, "warm", "warm-latency", "010.sleep", {{"rate", rate}},
                                       index, repeat, report("p99", p99, 20.0), minute++);
        }
        ++index;
    }
    index = 0;
    for (int mechanism = 0; mechanism < 2; ++mechanism)
        for (const int payload : kPayloads) {
            for (int repeat = 0; repeat < 3; ++repeat)
                fixture.chainRuns << addRun(
                    *store, *experiment, "chain", "workflow-chain", "700.chain",
                    {{"mechanism", kMechanisms[mechanism]}, {"payloadSize", payload}}, index, repeat,
                    report("handover_sum_p50", chainHandover(mechanism, payload, repeat), std::nullopt), minute++);
            ++index;
        }
    return !fixture.warmRuns.contains(0) && !fixture.chainRuns.contains(0);
}

QComboBox* comboOf(ui::SummaryPage& page, const char* name) {
    return page.findChild<QComboBox*>(QString::fromLatin1(name));
}

void choose(QComboBox* box, const QVariant& data) {
    QVERIFY(box);
    const int index = box->findData(data);
    QVERIFY2(index >= 0, qPrintable(data.toString()));
    box->setCurrentIndex(index);
}

int rowOf(const QAbstractItemModel& model, const QString& scenario, int sweepColumn, const QString& sweep) {
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.index(row, 0).data().toString() == scenario &&
            model.index(row, sweepColumn).data().toString() == sweep)
            return row;
    return -1;
}

template <typename T>
QList<T*> seriesOf(QChart& chart) {
    QList<T*> found;
    for (QAbstractSeries* series : chart.series())
        if (auto* typed = qobject_cast<T*>(series))
            found << typed;
    return found;
}

} // namespace

class TestSummaryPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        test::applyTheme(test::Theme::Light);
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("results.db"));
        QVERIFY(buildDatabase(m_db, m_fixture));
    }

    void tableShowsMediansPerSweepPoint() {
        ui::SummaryPage page;
        QAbstractItemModelTester tester(page.tableModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(load(page));
        auto& model = *static_cast<ui::SummaryTableModel*>(page.tableModel());
        QCOMPARE(model.rowCount(), 3 + 4); // 3 rates, 2 mechanisms x 2 payload sizes
        QCOMPARE(page.summarizedRuns().size(), m_fixture.warmRuns.size() + m_fixture.chainRuns.size());
        const int rateColumn = model.sweepColumn("rate");
        const int p99Column = model.metricColumn("p99");
        QVERIFY(rateColumn >= 0 && p99Column >= 0);
        QCOMPARE(model.headerData(rateColumn, Qt::Horizontal).toString(), QStringLiteral("rate (req/s)"));
        QCOMPARE(model.headerData(p99Column, Qt::Horizontal).toString(), QStringLiteral("p99 (ms)"));
        const int row = rowOf(model, QStringLiteral("warm"), rateColumn, QStringLiteral("50"));
        QVERIFY(row >= 0);
        const auto expected = analysis::describeSample(m_fixture.warmByRate[50]);
        QCOMPARE(model.index(row, p99Column).data(ui::SummaryTableModel::ValueRole).toDouble(), expected.median);
        QCOMPARE(model.index(row, model.runsColumn()).data().toString(), QString::number(kRepeats));
        const QString tip = model.index(row, p99Column).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("95% CI [")) && tip.contains(QStringLiteral("n = 6")), qPrintable(tip));
        // every warm run above 20 ms failed its threshold: rate 100 gives 25..27.5 ms, all 6 failed
        const int failingRow = rowOf(model, QStringLiteral("warm"), rateColumn, QStringLiteral("100"));
        QCOMPARE(model.index(failingRow, model.runsColumn() + 1).data().toString(), QStringLiteral("6"));
        // unavailable metrics read n/a, never 0 (when the summary lists a metric no run measured at all)
        const int podsColumn = model.metricColumn("max_pods");
        QVERIFY(podsColumn < 0 || model.index(row, podsColumn).data().toString() == QStringLiteral("n/a"));
        // payload sizes read in KiB / MiB
        const int payloadColumn = model.sweepColumn("payloadSize");
        QVERIFY(rowOf(model, QStringLiteral("chain"), payloadColumn, QStringLiteral("1 MiB")) >= 0);
        // every header fits its column, the last one too (it used to keep the default width and clip)
        const auto* table = page.findChild<QTableView*>();
        QVERIFY(table);
        const QFontMetrics metrics(table->horizontalHeader()->font());
        for (int column = 0; column < model.columnCount(); ++column) {
            const QString header = model.headerData(column, Qt::Horizontal).toString();
            QVERIFY2(table->columnWidth(column) >= metrics.horizontalAdvance(header), qPrintable(header));
        }
    }

    void chartsMetricAgainstSweepWithCiBars() {
        ui::SummaryPage page;
        QVERIFY(load(page));
        choose(comboOf(page, "summaryScenario"), QStringLiteral("warm"));
        QCOMPARE(comboOf(page, "summaryMetric")->currentData().toString(), QStringLiteral("p99")); // the headline
        QChart& chart = *page.chart();
        const auto lines = seriesOf<QLineSeries>(chart);
        QCOMPARE(lines.size(), 1 + 3); // the median line and one CI bar per rate
        QLineSeries* centre = nullptr;
        for (QLineSeries* line : lines)
            if (line->count() == 3)
                centre = line;
        QVERIFY(centre);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(centre->at(i).x(), double(kRates[i]));
            QCOMPARE(centre->at(i).y(), analysis::describeSample(m_fixture.warmByRate[kRates[i]]).median);
        }
        // each bar spans the median's CI around its point
        const auto stats = analysis::describeSample(m_fixture.warmByRate[10]);
        bool found = false;
        for (QLineSeries* line : lines)
            if (line->count() == 6 && std::abs(line->at(2).x() - 10) < 1e-9) {
                QCOMPARE(line->at(2).y(), *stats.medianCiLow);
                QCOMPARE(line->at(3).y(), *stats.medianCiHigh);
                found = true;
            }
        QVERIFY(found);
        QStringList titles;
        for (QAbstractAxis* axis : chart.axes())
            titles << axis->titleText();
        QVERIFY2(titles.contains(QStringLiteral("p99 (ms)")) && titles.contains(QStringLiteral("rate (req/s)")),
                 qPrintable(titles.join(QStringLiteral(", "))));
        // the mean instead: its t interval needs 2 runs, so every point keeps its bar
        choose(comboOf(page, "summaryStatistic"), int(ui::SummaryStatistic::Mean));
        QVERIFY(page.chart()->title().contains(QStringLiteral("mean")));
        QCOMPARE(seriesOf<QLineSeries>(*page.chart()).size(), 4);
    }

    // Two repeats of 1 and 30 ms: the mean's t interval reaches far below zero, but a latency is drawn from 0.
    void meanIntervalOfALatencyIsDrawnFromZero() {
        analysis::SummaryTable table;
        table.sweepKeys = {"rate"};
        table.metricNames = {"p50"};
        for (const double rate : {10.0, 20.0}) {
            analysis::SummaryRow row;
            row.scenario = "warm";
            row.scenarioType = "warm-latency";
            row.benchmark = "000.noop";
            row.language = "cpp";
            row.sweepValues = {{"rate", rate}};
            row.runs = 2;
            const std::vector<double> values{1.0, 30.0};
            row.metrics["p50"] = analysis::describeSample(values);
            QVERIFY(*row.metrics["p50"].meanCiLow < 0);
            table.rows.push_back(row);
        }
        QChart chart;
        const auto info = ui::populateSummaryChart(chart, table, {"warm", "p50", "rate", std::nullopt});
        QCOMPARE(info.statistic, ui::SummaryStatistic::Mean);
        const auto* y = qobject_cast<QValueAxis*>(chart.axes(Qt::Vertical).value(0));
        QVERIFY(y);
        QVERIFY2(y->min() >= 0, qPrintable(QString::number(y->min())));
    }

    void chainShowsGroupedBarsOfMedians() {
        ui::SummaryPage page;
        QVERIFY(load(page));
        choose(comboOf(page, "summaryScenario"), QStringLiteral("chain"));
        QCOMPARE(comboOf(page, "summaryMetric")->currentData().toString(), QStringLiteral("handover_sum_p50"));
        const auto bars = seriesOf<QBarSeries>(*page.chart());
        QCOMPARE(bars.size(), 1);
        QCOMPARE(bars[0]->count(), 2); // direct, serving
        const QBarSet* serving = bars[0]->barSets().at(1);
        QCOMPARE(serving->label(), QStringLiteral("mechanism=serving"));
        QCOMPARE(serving->count(), 2);
        const double expected =
            analysis::describeSample(std::vector<double>{chainHandover(1, 1048576, 0), chainHandover(1, 1048576, 1),
                                                         chainHandover(1, 1048576, 2)})
                .median;
        QCOMPARE(serving->at(1), expected);
        // the same data as lines: payloadSize on x, one line per mechanism
        choose(comboOf(page, "summaryChartKind"), 0);
        QVERIFY(seriesOf<QBarSeries>(*page.chart()).isEmpty());
        QVERIFY(page.chart()->title().contains(QStringLiteral("vs mechanism")) ||
                page.chart()->title().contains(QStringLiteral("vs payloadSize")));
    }

    void summarizesSelectedRuns() {
        ui::SummaryPage page;
        QVERIFY(load(page));
        QSignalSpy loaded(&page, &ui::SummaryPage::loaded);
        const QList<qint64> chosen = m_fixture.warmRuns.mid(0, kRepeats); // rate 10 only
        page.showRuns(chosen);
        QVERIFY(loaded.wait(10'000));
        QTRY_COMPARE_WITH_TIMEOUT(page.summarizedRuns(), chosen, 10'000);
        QCOMPARE(page.tableModel()->rowCount(), 1);
        QVERIFY(comboOf(page, "summarySource")->currentText().startsWith(QStringLiteral("Selected runs (6)")));
    }

    void exportsSummaryChartsAndReport() {
        auto store = results::ResultStore::open(m_db.toStdString(), true);
        QVERIFY(store.ok());
        const QString out = m_dir.filePath(QStringLiteral("charts"));
        for (const char* format : {"png", "svg"}) {
            const auto files = ui::exportSummaryCharts(*store, {}, format, out.toStdString());
            QVERIFY2(files.ok(), files.ok() ? "" : files.error().message.c_str());
            QCOMPARE(files->size(), std::size_t(2));
            for (const QString& name :
                 {QStringLiteral("summary-warm-p99"), QStringLiteral("summary-chain-handover_sum_p50")}) {
                const QString file = out + QLatin1Char('/') + name + QLatin1Char('.') + QLatin1String(format);
                QVERIFY2(QFile::exists(file), qPrintable(file));
                QVERIFY(QFileInfo(file).size() > 1000);
            }
        }
        QVERIFY(!ui::exportSummaryCharts(*store, {}, "gif", out.toStdString()).ok());
        const QString html = m_dir.filePath(QStringLiteral("html"));
        QVERIFY(ui::exportRunCharts(*store, {m_fixture.warmRuns[0], m_fixture.warmRuns[6]}, "html", html.toStdString())
                    .ok());
        QFile report(html + QStringLiteral("/report.html"));
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(report.readAll());
        QVERIFY(text.contains(QStringLiteral("<h2>Scenario summary</h2>")));
        QVERIFY(text.contains(QStringLiteral("<th>rate (req/s)</th>"))); // the sweep column
        QVERIFY(text.contains(QStringLiteral("<svg")));
    }

    void screenshots_data() {
        QTest::addColumn<bool>("dark");
        QTest::addColumn<QString>("scenario");
        QTest::addRow("light") << false << QStringLiteral("warm");
        QTest::addRow("dark") << true << QStringLiteral("warm");
        QTest::addRow("chain") << false << QStringLiteral("chain");
    }

    void screenshots() {
        QFETCH(bool, dark);
        QFETCH(QString, scenario);
        test::applyTheme(dark ? test::Theme::Dark : test::Theme::Light);
        ui::SummaryPage page;
        page.resize(1400, 900);
        page.show();
        QVERIFY(load(page));
        choose(comboOf(page, "summaryScenario"), scenario);
        const QString name = QStringLiteral("summary-") + QString::fromLatin1(QTest::currentDataTag());
        QVERIFY(QFile::exists(test::saveScreenshot(page, name)));
        const QString chartFile = test::screenshotDir() + QStringLiteral("/") + name + QStringLiteral("-chart.png");
        QVERIFY(ui::saveChart(*page.chart(), chartFile, ui::ImageFormat::Png).ok());
        test::applyTheme(test::Theme::Light);
    }

private:
    bool load(ui::SummaryPage& page) {
        QSignalSpy loaded(&page, &ui::SummaryPage::loaded);
        page.setDatabase(m_db);
        return loaded.wait(10'000) && page.tableModel()->rowCount() > 0;
    }

    QTemporaryDir m_dir;
    QString m_db;
    Fixture m_fixture;
};

QTEST_MAIN(TestSummaryPage)
#include "tst_summary_page.moc"
