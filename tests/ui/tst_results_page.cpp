// ResultsPage: the runs table over a real results DB (model tests, filters, numeric sort, selection and Compare,
// delete, detail summary, CSV export), the sweep and threshold columns and the detail's metrics and checks, missing and
// empty databases, and screenshots (results-light, results-dark).
#include "results/result_store.h"
#include "ui/charts/chart_panel.h"
#include "ui/results/results_format.h"
#include "ui/results/results_page.h"
#include "ui_testutils.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QFont>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>
#include <optional>
#include <vector>

using namespace faaswb;

namespace {

// Column and row numbers of the page's models (RunsModel, SummaryModel), as the user sees them.
constexpr int kIdColumn = 0, kSweepColumn = 4, kLanguageColumn = 6, kStatusColumn = 8, kChecksColumn = 9,
              kRequestsColumn = 10, kErrorRateColumn = 12, kAchievedColumn = 13, kP99Column = 15;
constexpr int kSummaryP99Row = 6;

struct RunSpec {
    std::string scenario, scenarioType, benchmark, language;
    double lowMs, highMs; // latencies spread evenly in [lowMs, highMs]
    engine::RunStatus status;
    std::string message;
    nlohmann::json sweep;               // null: no sweep
    std::optional<double> p99Threshold; // a "p99 < N ms" threshold; none: the scenario has no thresholds
};

// The run's metrics as the runner stores them: p99 and throughput measured, max_pods unavailable (n/a).
analysis::RunMetricsReport metricsOf(const RunSpec& spec) {
    analysis::RunMetricsReport report;
    const double p99 = spec.highMs;
    report.metrics.push_back({"p99", p99, "ms"});
    report.metrics.push_back({"throughput", 100.0, "1/s"});
    report.metrics.push_back({"max_pods", std::nullopt, "count"});
    if (spec.p99Threshold) {
        analysis::ThresholdResult threshold;
        threshold.text = "p99 < " + std::to_string(static_cast<int>(*spec.p99Threshold)) + "ms";
        threshold.metric = "p99";
        threshold.value = p99;
        threshold.passed = p99 < *spec.p99Threshold;
        report.thresholds.push_back(threshold);
    }
    return report;
}

// Three measured intervals after a warm-up one; each interval has 100 requests, 2 errors and (the first) a cold start.
load::IntervalSnapshot interval(int index, const RunSpec& spec) {
    auto latency = std::make_shared<load::LatencyHistogram>();
    auto service = std::make_shared<load::LatencyHistogram>();
    for (int i = 0; i < 100; ++i) {
        const double ms = spec.lowMs + (spec.highMs - spec.lowMs) * i / 99.0;
        latency->record(static_cast<std::int64_t>(ms * 1000 * (1 + 0.02 * index)));
        service->record(static_cast<std::int64_t>(ms * 800));
    }
    load::IntervalSnapshot s;
    s.index = index;
    s.startMs = index * 1000;
    s.endMs = s.startMs + 1000;
    s.requests = 100;
    s.errors = 2;
    s.errorsByKind[static_cast<std::size_t>(load::ErrorKind::Timeout)] = 2;
    s.sent = 100;
    s.coldStarts = index == 1 ? 1 : 0;
    s.targetRate = 100;
    s.achievedRate = 100;
    s.warmup = index == 0;
    s.corrected = load::LatencyPercentiles::of(*latency);
    s.uncorrected = load::LatencyPercentiles::of(*service);
    s.latency = latency;
    s.serviceTime = service;
    return s;
}

qint64 addRun(results::ResultStore& store, std::int64_t experimentId, const RunSpec& spec, int minute) {
    engine::RunDescription run;
    run.experimentName = "browser";
    run.scenario = spec.scenario;
    run.scenarioType = spec.scenarioType;
    run.benchmark = spec.benchmark;
    run.language = spec.language;
    run.platform = "local";
    run.startedAt = std::chrono::system_clock::time_point(std::chrono::minutes(28'573'000 + minute));
    run.sweep = spec.sweep;
    run.repeat = spec.sweep.is_null() ? 0 : 1;
    const auto id = store.beginRun(experimentId, run);
    if (!id)
        return 0;
    if (!spec.sweep.is_null() || spec.p99Threshold)
        if (!store.addRunMetrics(*id, metricsOf(spec)))
            return 0;
    std::vector<load::IntervalSnapshot> intervals;
    for (int i = 0; i < 4; ++i)
        intervals.push_back(interval(i, spec));
    if (!store.appendIntervals(*id, intervals) ||
        !store.finishRun(*id, spec.status, spec.message, run.startedAt + std::chrono::seconds(4)))
        return 0;
    return *id;
}

// #1 python complete (p99 ~15 ms), #2 nodejs failed (~40 ms), #3 python cancelled (~8 ms): the p99 values sort
// differently as text ("15" < "40" < "8") and as numbers.
QList<qint64> buildDatabase(const QString& path) {
    auto store = results::ResultStore::open(path.toStdString());
    if (!store)
        return {};
    const auto experiment = store->addExperiment("browser", "name: browser\n");
    if (!experiment)
        return {};
    const RunSpec specs[] = {
        {"warm",
         "warm-latency",
         "010.sleep",
         "python",
         5,
         15,
         engine::RunStatus::Complete,
         "",
         {{"index", 1}, {"values", {{"rate", 50}, {"payloadSize", 1024}}}},
         20.0},
        {"html", "warm-latency", "110.dynamic-html", "nodejs", 20, 40, engine::RunStatus::Failed, "deploy timed out",
         nullptr, 30.0},
        {"cold", "cold-start", "010.sleep", "python", 4, 8, engine::RunStatus::Cancelled, "cancelled by the user",
         nullptr, std::nullopt},
    };
    QList<qint64> ids;
    for (const RunSpec& spec : specs)
        ids << addRun(*store, *experiment, spec, static_cast<int>(ids.size()));
    return ids.contains(0) ? QList<qint64>() : ids;
}

QTableView* runsTable(ui::ResultsPage& page) {
    return page.findChild<QTableView*>(QStringLiteral("runsTable"));
}

QList<qint64> shownIds(ui::ResultsPage& page) {
    QAbstractItemModel* model = runsTable(page)->model();
    QList<qint64> ids;
    for (int row = 0; row < model->rowCount(); ++row)
        ids << model->index(row, kIdColumn).data().toLongLong();
    return ids;
}

} // namespace

class TestResultsPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { test::applyTheme(test::Theme::Light); }

    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_db = m_dir->filePath(QStringLiteral("results.db"));
        m_ids = buildDatabase(m_db);
        QCOMPARE(m_ids.size(), 3);
    }

    void listsRunsWithModelTester() {
        ui::ResultsPage page;
        QAbstractItemModelTester sourceTester(page.runsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(runsTable(page)->model(),
                                             QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(load(page));
        QCOMPARE(page.runsModel()->rowCount(), 3);
        QCOMPARE(shownIds(page), (QList<qint64>{m_ids[2], m_ids[1], m_ids[0]})); // newest first
        QAbstractItemModel* model = page.runsModel();
        QCOMPARE(model->headerData(kP99Column, Qt::Horizontal).toString(), QStringLiteral("p99 (ms)"));
        QCOMPARE(model->headerData(kAchievedColumn, Qt::Horizontal).toString(), QStringLiteral("Achieved (req/s)"));
        const int failedRow = 1; // source order is the store's: oldest first
        QCOMPARE(model->index(failedRow, kStatusColumn).data().toString(), QStringLiteral("failed"));
        const auto red = model->index(failedRow, kStatusColumn).data(Qt::ForegroundRole).value<QColor>();
        QVERIFY(red.isValid() && red.red() > 150 && red.green() < 100);
        QCOMPARE(model->index(failedRow, kRequestsColumn).data().toString(), QStringLiteral("300")); // warm-up excluded
        QCOMPARE(model->index(failedRow, kErrorRateColumn).data().toString(), QStringLiteral("2.00"));
        QVERIFY(model->index(failedRow, kRequestsColumn).data(Qt::TextAlignmentRole).value<Qt::Alignment>() &
                Qt::AlignRight);
        // a refresh keeps both models consistent (the testers watch the reset)
        QSignalSpy loaded(&page, &ui::ResultsPage::loaded);
        page.refresh();
        QVERIFY(loaded.wait(10'000));
        QCOMPARE(page.runsModel()->rowCount(), 3);
    }

    // Checks: pass (green) for #1 (p99 15 < 20 ms), FAIL (red, bold) for #2 (40 >= 30 ms), "—" for #3 (none).
    void checksAndSweepColumns() {
        ui::ResultsPage page;
        QVERIFY(load(page));
        QAbstractItemModel* model = page.runsModel();
        QCOMPARE(model->headerData(kChecksColumn, Qt::Horizontal).toString(), QStringLiteral("Checks"));
        QCOMPARE(model->headerData(kSweepColumn, Qt::Horizontal).toString(), QStringLiteral("Sweep"));
        const int passRow = 0, failRow = 1, noneRow = 2; // source order is the store's: oldest first
        QCOMPARE(model->index(passRow, kChecksColumn).data().toString(), QStringLiteral("pass"));
        QCOMPARE(model->index(failRow, kChecksColumn).data().toString(), QStringLiteral("FAIL"));
        QCOMPARE(model->index(noneRow, kChecksColumn).data().toString(), QStringLiteral("—"));
        const auto green = model->index(passRow, kChecksColumn).data(Qt::ForegroundRole).value<QColor>();
        const auto red = model->index(failRow, kChecksColumn).data(Qt::ForegroundRole).value<QColor>();
        QVERIFY(green.isValid() && green.green() > green.red());
        QVERIFY(red.isValid() && red.red() > 150 && red.green() < 100);
        QVERIFY(model->index(failRow, kChecksColumn).data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(!model->index(noneRow, kChecksColumn).data(Qt::ForegroundRole).isValid());
        // JSON objects keep their keys sorted
        QCOMPARE(model->index(passRow, kSweepColumn).data().toString(), QStringLiteral("payloadSize=1024, rate=50"));
        QCOMPARE(model->index(noneRow, kSweepColumn).data().toString(), QString());
        QVERIFY(
            model->index(passRow, kSweepColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("repeat 2")));
        // FAIL sorts first, then pass, then runs without thresholds
        runsTable(page)->sortByColumn(kChecksColumn, Qt::AscendingOrder);
        QCOMPARE(shownIds(page), (QList<qint64>{m_ids[1], m_ids[0], m_ids[2]}));
        // the free-text filter finds sweep values
        page.findChild<QLineEdit*>(QStringLiteral("filterText"))->setText(QStringLiteral("rate=50"));
        QCOMPARE(shownIds(page), (QList<qint64>{m_ids[0]}));
    }

    // Sweep points order by magnitude, not as text: rate=100 after rate=50, 2MB after 512B, 2s after 500ms.
    void sweepSortsByMagnitude() {
        const auto key = [](const char* json) { return ui::sweepSortKey(json); };
        QVERIFY(key(R"({"rate":50})") < key(R"({"rate":100})"));
        QVERIFY(key(R"({"rate":2.5})") < key(R"({"rate":10})"));
        QVERIFY(key(R"({"payload":"512B"})") < key(R"({"payload":"1KB"})"));
        QVERIFY(key(R"({"payload":"1KB"})") < key(R"({"payload":"2MB"})"));
        QVERIFY(key(R"({"window":"500ms"})") < key(R"({"window":"2s"})"));
        QVERIFY(key(R"({"mechanism":"direct"})") < key(R"({"mechanism":"serving"})"));
        QVERIFY(key(R"({"index":1,"values":{"rate":9}})") < key(R"({"index":0,"values":{"rate":10}})"));
        QCOMPARE(key(""), QString());
    }

    void detailShowsMetricsAndChecks() {
        ui::ResultsPage page;
        QVERIFY(load(page));
        QSignalSpy detail(&page, &ui::ResultsPage::detailLoaded);
        page.selectRuns({m_ids[1]});
        QTRY_VERIFY_WITH_TIMEOUT(!detail.isEmpty() && detail.last().at(0).toLongLong() == m_ids[1], 10'000);
        QAbstractItemModel* metrics = page.findChild<QTableView*>(QStringLiteral("runMetrics"))->model();
        QCOMPARE(metrics->rowCount(), 3);
        QCOMPARE(metrics->headerData(1, Qt::Horizontal).toString(), QStringLiteral("Value"));
        QCOMPARE(metrics->index(0, 0).data().toString(), QStringLiteral("p99"));
        QCOMPARE(metrics->index(0, 1).data().toString(), QStringLiteral("40"));
        QCOMPARE(metrics->index(0, 2).data().toString(), QStringLiteral("ms"));
        QCOMPARE(metrics->index(2, 0).data().toString(), QStringLiteral("max_pods"));
        QCOMPARE(metrics->index(2, 1).data().toString(), QStringLiteral("n/a")); // unavailable, never 0
        QAbstractItemModel* checks = page.findChild<QTableView*>(QStringLiteral("runThresholds"))->model();
        QCOMPARE(checks->rowCount(), 1);
        QCOMPARE(checks->index(0, 0).data().toString(), QStringLiteral("p99 < 30ms"));
        QCOMPARE(checks->index(0, 1).data().toString(), QStringLiteral("FAIL"));
        QCOMPARE(checks->index(0, 2).data().toString(), QStringLiteral("40 ms"));
        auto* tabs = page.findChild<QTabWidget*>(QStringLiteral("runTables"));
        QCOMPARE(tabs->tabText(2), QStringLiteral("Checks: 1 of 1 FAIL"));
        QCOMPARE(tabs->tabText(1), QStringLiteral("Metrics (3)"));
        // a run without stored metrics: empty tables, plain tab titles
        page.selectRuns({m_ids[2]});
        QTRY_VERIFY_WITH_TIMEOUT(detail.last().at(0).toLongLong() == m_ids[2], 10'000);
        QCOMPARE(metrics->rowCount(), 0);
        QCOMPARE(tabs->tabText(2), QStringLiteral("Checks"));
    }

    void filtersByLanguageAndText() {
        ui::ResultsPage page;
        QVERIFY(load(page));
        auto* language = page.findChild<QComboBox*>(QStringLiteral("filterLanguage"));
        QVERIFY(language);
        QCOMPARE(language->itemText(0), QStringLiteral("All"));
        QCOMPARE(language->count(), 3); // All, nodejs, python
        language->setCurrentIndex(language->findText(QStringLiteral("python")));
        QCOMPARE(shownIds(page), (QList<qint64>{m_ids[2], m_ids[0]}));
        QAbstractItemModel* shown = runsTable(page)->model();
        for (int row = 0; row < shown->rowCount(); ++row)
            QCOMPARE(shown->index(row, kLanguageColumn).data().toString(), QStringLiteral("python"));
        auto* status = page.findChild<QComboBox*>(QStringLiteral("filterStatus"));
        status->setCurrentIndex(status->findText(QStringLiteral("cancelled")));
        QCOMPARE(shownIds(page), (QList<qint64>{m_ids[2]}));
        status->setCurrentIndex(0);
        language->setCurrentIndex(0);
        auto* text = page.findChild<QLineEdit*>(QStringLiteral("filterText"));
        text->setText(QStringLiteral("TIMED OUT")); // matches the failed run's message, case-insensitively
        QCOMPARE(shownIds(page), (QList<qint64>{m_ids[1]}));
        text->clear();
        QCOMPARE(shownIds(page).size(), 3);
    }

    void sortsP99Numerically() {
        ui::ResultsPage page;
        QVERIFY(load(page));
        runsTable(page)->sortByColumn(kP99Column, Qt::AscendingOrder);
        QCOMPARE(shownIds(page), (QList<qint64>{m_ids[2], m_ids[0], m_ids[1]}));
        QAbstractItemModel* shown = runsTable(page)->model();
        const double first = shown->index(0, kP99Column).data().toDouble();
        const double last = shown->index(2, kP99Column).data().toDouble();
        QVERIFY2(first > 7 && first < 9.5, qPrintable(QString::number(first)));
        QVERIFY2(last > 39 && last < 44, qPrintable(QString::number(last)));
        runsTable(page)->sortByColumn(kP99Column, Qt::DescendingOrder);
        QCOMPARE(shownIds(page), (QList<qint64>{m_ids[1], m_ids[0], m_ids[2]}));
    }

    void compareNeedsTwoSelectedRuns() {
        ui::ResultsPage page;
        QVERIFY(load(page));
        auto* compare = page.findChild<QPushButton*>(QStringLiteral("compareButton"));
        page.selectRuns({m_ids[0]});
        QCOMPARE(page.selectedRuns(), QList<qint64>{m_ids[0]});
        QVERIFY(!compare->isEnabled());
        page.selectRuns({m_ids[0], m_ids[2]});
        QVERIFY(compare->isEnabled());
        QSignalSpy requested(&page, &ui::ResultsPage::compareRequested);
        QTest::mouseClick(compare, Qt::LeftButton);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.at(0).at(0).value<QList<qint64>>(), (QList<qint64>{m_ids[2], m_ids[0]})); // shown order
    }

    // The main window refreshes and selects the new runs at once, before the reload has listed them.
    void selectionAskedDuringReloadAppliesAfterIt() {
        ui::ResultsPage page;
        QVERIFY(load(page));
        page.selectRuns({m_ids[0]});
        QSignalSpy loaded(&page, &ui::ResultsPage::loaded);
        page.refresh();
        page.selectRuns({m_ids[1], m_ids[2]});
        QVERIFY(loaded.wait(10'000));
        QCOMPARE(page.selectedRuns(), (QList<qint64>{m_ids[2], m_ids[1]}));
        page.refresh(); // a plain refresh keeps the user's selection
        QVERIFY(loaded.wait(10'000));
        QCOMPARE(page.selectedRuns(), (QList<qint64>{m_ids[2], m_ids[1]}));
    }

    void deleteRemovesRunFromDatabaseAndTable() {
        ui::ResultsPage page;
        page.setConfirmDeletes(false);
        QVERIFY(load(page));
        page.selectRuns({m_ids[1]});
        QSignalSpy loaded(&page, &ui::ResultsPage::loaded);
        QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("deleteButton")), Qt::LeftButton);
        QVERIFY(loaded.wait(10'000));
        QCOMPARE(shownIds(page), (QList<qint64>{m_ids[2], m_ids[0]}));
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("resultsMessage"))->text().contains(QStringLiteral("Deleted")));
        auto store = results::ResultStore::open(m_db.toStdString(), true);
        QVERIFY(store.ok());
        QVERIFY(!store->runRow(m_ids[1]).ok());
        QCOMPARE(store->listRuns()->size(), std::size_t(2));
    }

    void detailShowsSelectedRunsSummary() {
        ui::ResultsPage page;
        QVERIFY(load(page));
        QSignalSpy detail(&page, &ui::ResultsPage::detailLoaded);
        page.selectRuns({m_ids[1]});
        QTRY_VERIFY_WITH_TIMEOUT(!detail.isEmpty() && detail.last().at(0).toLongLong() == m_ids[1], 10'000);
        auto* summaryView = page.findChild<QTableView*>(QStringLiteral("runSummary"));
        QVERIFY(summaryView);
        QAbstractItemModel* summary = summaryView->model();
        QCOMPARE(summary->headerData(kSummaryP99Row, Qt::Vertical).toString(), QStringLiteral("p99 latency (ms)"));
        QCOMPARE(summary->index(kSummaryP99Row, 0).data().toString(), expectedP99(m_ids[1]));
        QCOMPARE(summary->index(0, 0).data().toString(), QStringLiteral("300"));     // requests
        QCOMPARE(summary->index(12, 0).data().toString(), QStringLiteral("failed")); // status
        QCOMPARE(summary->index(13, 0).data().toString(), QStringLiteral("deploy timed out"));
        const QList<ui::ChartPanel*> panels = page.findChildren<ui::ChartPanel*>();
        QCOMPARE(panels.size(), 7);
        for (const ui::ChartPanel* panel : panels)
            QCOMPARE(panel->runs().size(), 1);
        page.selectRuns({m_ids[2]});
        QTRY_VERIFY_WITH_TIMEOUT(detail.last().at(0).toLongLong() == m_ids[2], 10'000);
        QCOMPARE(summary->index(kSummaryP99Row, 0).data().toString(), expectedP99(m_ids[2]));
        QVERIFY(expectedP99(m_ids[2]) != expectedP99(m_ids[1]));
    }

    void exportsCsv() {
        ui::ResultsPage page;
        QVERIFY(load(page));
        const QString out = m_dir->filePath(QStringLiteral("csv"));
        QSignalSpy finished(&page, &ui::ResultsPage::exportFinished);
        page.exportCsv({m_ids[0]}, out);
        QVERIFY(finished.wait(10'000));
        QCOMPARE(finished.at(0).at(0).toString(), QString());
        QFile summary(out + QStringLiteral("/summary.csv"));
        QVERIFY(summary.open(QIODevice::ReadOnly));
        QCOMPARE(summary.readAll().count('\n'), 2); // header and the one run
    }

    void missingDatabaseShowsError() {
        ui::ResultsPage page;
        const QString missing = m_dir->filePath(QStringLiteral("nope/absent.db"));
        QVERIFY(load(page, missing));
        QCOMPARE(page.runsModel()->rowCount(), 0);
        const QString text = page.findChild<QLabel*>(QStringLiteral("resultsPlaceholder"))->text();
        QVERIFY2(text.contains(QStringLiteral("does not exist")) && text.contains(missing), qPrintable(text));
        QVERIFY(!QFile::exists(missing)); // read-only: never created
        QVERIFY(!page.findChild<QPushButton*>(QStringLiteral("deleteButton"))->isEnabled());
    }

    void emptyDatabaseShowsPlaceholder() {
        const QString empty = m_dir->filePath(QStringLiteral("empty.db"));
        QVERIFY(results::ResultStore::open(empty.toStdString()).ok());
        ui::ResultsPage page;
        QVERIFY(load(page, empty));
        const QString text = page.findChild<QLabel*>(QStringLiteral("resultsPlaceholder"))->text();
        QCOMPARE(text, QStringLiteral("No runs yet in %1 — run an experiment.").arg(empty));
    }

    void screenshots_data() {
        QTest::addColumn<bool>("dark");
        QTest::addRow("light") << false;
        QTest::addRow("dark") << true;
    }

    void screenshots() {
        QFETCH(bool, dark);
        test::applyTheme(dark ? test::Theme::Dark : test::Theme::Light);
        ui::ResultsPage page;
        page.resize(1400, 900);
        page.show();
        QVERIFY(load(page));
        QSignalSpy detail(&page, &ui::ResultsPage::detailLoaded);
        page.selectRuns({m_ids[0]});
        QTRY_VERIFY_WITH_TIMEOUT(!detail.isEmpty() && detail.last().at(0).toLongLong() == m_ids[0], 10'000);
        page.findChild<QTabWidget*>(QStringLiteral("runCharts"))->setCurrentIndex(2); // percentiles over time
        const QString path =
            test::saveScreenshot(page, dark ? QStringLiteral("results-dark") : QStringLiteral("results-light"));
        QVERIFY(QFile::exists(path));
        if (!dark) { // the failed run's checks tab, as a user opening it sees it
            page.selectRuns({m_ids[1]});
            QTRY_VERIFY_WITH_TIMEOUT(detail.last().at(0).toLongLong() == m_ids[1], 10'000);
            page.findChild<QTabWidget*>(QStringLiteral("runTables"))->setCurrentIndex(2);
            QVERIFY(QFile::exists(test::saveScreenshot(page, QStringLiteral("results-checks"))));
        }
        test::applyTheme(test::Theme::Light);
    }

private:
    bool load(ui::ResultsPage& page, const QString& path = {}) {
        QSignalSpy loaded(&page, &ui::ResultsPage::loaded);
        page.setDatabase(path.isEmpty() ? m_db : path);
        return loaded.wait(10'000);
    }

    QString expectedP99(qint64 runId) const {
        auto store = results::ResultStore::open(m_db.toStdString(), true);
        return store ? QString::number(store->runSummary(runId)->p99Ms, 'f', 3) : QString();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
    QList<qint64> m_ids;
};

QTEST_MAIN(TestResultsPage)
#include "tst_results_page.moc"
