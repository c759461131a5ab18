// ResultsPage: the runs table over a real results DB (model tests, filters, numeric sort, selection and Compare,
// delete, detail summary, CSV export), missing and empty databases, and screenshots (results-light, results-dark).
#include "results/result_store.h"
#include "ui/charts/chart_panel.h"
#include "ui/results/results_page.h"
#include "ui_testutils.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>
#include <vector>

using namespace faaswb;

namespace {

// Column and row numbers of the page's models (RunsModel, SummaryModel), as the user sees them.
constexpr int kIdColumn = 0, kLanguageColumn = 5, kStatusColumn = 7, kP99Column = 13;
constexpr int kSummaryP99Row = 6;

struct RunSpec {
    std::string scenario, scenarioType, benchmark, language;
    double lowMs, highMs; // latencies spread evenly in [lowMs, highMs]
    engine::RunStatus status;
    std::string message;
};

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
    const auto id = store.beginRun(experimentId, run);
    if (!id)
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
        {"warm", "warm-latency", "010.sleep", "python", 5, 15, engine::RunStatus::Complete, ""},
        {"html", "warm-latency", "110.dynamic-html", "nodejs", 20, 40, engine::RunStatus::Failed, "deploy timed out"},
        {"cold", "cold-start", "010.sleep", "python", 4, 8, engine::RunStatus::Cancelled, "cancelled by the user"},
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
        QCOMPARE(model->headerData(11, Qt::Horizontal).toString(), QStringLiteral("Achieved (req/s)"));
        const int failedRow = 1; // source order is the store's: newest first
        QCOMPARE(model->index(failedRow, kStatusColumn).data().toString(), QStringLiteral("failed"));
        const auto red = model->index(failedRow, kStatusColumn).data(Qt::ForegroundRole).value<QColor>();
        QVERIFY(red.isValid() && red.red() > 150 && red.green() < 100);
        QCOMPARE(model->index(failedRow, 8).data().toString(), QStringLiteral("300"));   // requests, warm-up excluded
        QCOMPARE(model->index(failedRow, 10).data().toString(), QStringLiteral("2.00")); // error rate (%)
        QVERIFY(model->index(failedRow, 8).data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignRight);
        // a refresh keeps both models consistent (the testers watch the reset)
        QSignalSpy loaded(&page, &ui::ResultsPage::loaded);
        page.refresh();
        QVERIFY(loaded.wait(10'000));
        QCOMPARE(page.runsModel()->rowCount(), 3);
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
