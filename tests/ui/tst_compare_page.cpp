// ComparePage: summary table with deltas and % change against the first run (values, colours, headers), overlaid
// charts, a run that cannot be loaded, removing a run, and screenshots (compare-light, compare-dark).
#include "results/result_store.h"
#include "ui/charts/chart_panel.h"
#include "ui/results/results_page.h"
#include "ui_testutils.h"

#include <QAbstractItemModelTester>
#include <QChart>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <chrono>
#include <vector>

using namespace faaswb;

namespace {

// Rows of the summary model.
constexpr int kRequestsRow = 0, kAchievedRow = 3, kP50Row = 4;

// One measured interval: 80 requests at exactly `p50Us` and a tail of 20 that varies between intervals, so p50 is the
// bucket of p50Us.
load::IntervalSnapshot interval(int index, std::int64_t p50Us, double achievedRate) {
    auto latency = std::make_shared<load::LatencyHistogram>();
    for (int i = 0; i < 100; ++i)
        latency->record(i < 80 ? p50Us : p50Us + p50Us * (i - 79) * (10 + index % 4) / 100);
    load::IntervalSnapshot s;
    s.index = index;
    s.startMs = index * 1000;
    s.endMs = s.startMs + 1000;
    s.requests = 100;
    s.sent = 100;
    s.targetRate = 100;
    s.achievedRate = achievedRate;
    s.corrected = load::LatencyPercentiles::of(*latency);
    s.uncorrected = s.corrected;
    s.latency = latency;
    s.serviceTime = latency;
    return s;
}

qint64 addRun(results::ResultStore& store, std::int64_t experimentId, const std::string& language, std::int64_t p50Us,
              int seconds) {
    engine::RunDescription run;
    run.experimentName = "compare";
    run.scenario = "warm";
    run.scenarioType = "warm-latency";
    run.benchmark = "010.sleep";
    run.language = language;
    run.platform = "local";
    run.startedAt = std::chrono::system_clock::time_point(std::chrono::hours(480'000));
    const auto id = store.beginRun(experimentId, run);
    if (!id)
        return 0;
    std::vector<load::IntervalSnapshot> intervals;
    for (int i = 0; i < seconds; ++i)
        intervals.push_back(interval(i, p50Us, 100));
    if (!store.appendIntervals(*id, intervals) ||
        !store.finishRun(*id, engine::RunStatus::Complete, "", run.startedAt + std::chrono::seconds(seconds)))
        return 0;
    return *id;
}

// python: p50 10 ms, 10 s; nodejs: p50 12 ms, 8 s; go: p50 7 ms, 10 s.
QList<qint64> buildDatabase(const QString& path) {
    auto store = results::ResultStore::open(path.toStdString());
    if (!store)
        return {};
    const auto experiment = store->addExperiment("compare", "name: compare\n");
    if (!experiment)
        return {};
    QList<qint64> ids{addRun(*store, *experiment, "python", 10'000, 10),
                      addRun(*store, *experiment, "nodejs", 12'000, 8), addRun(*store, *experiment, "go", 7'000, 10)};
    return ids.contains(0) ? QList<qint64>() : ids;
}

QString text(QAbstractItemModel* model, int row, int column) {
    return model->index(row, column).data().toString();
}

} // namespace

class TestComparePage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        test::applyTheme(test::Theme::Light);
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("compare.db"));
        m_ids = buildDatabase(m_db);
        QCOMPARE(m_ids.size(), 3);
    }

    void deltasAgainstTheFirstRun() {
        ui::ComparePage page;
        QAbstractItemModelTester tester(page.summaryModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(load(page, {m_ids[0], m_ids[1]}));
        QAbstractItemModel* model = page.summaryModel();
        QCOMPARE(model->columnCount(), 4); // run 1, run 2, Δ, % change
        QCOMPARE(model->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Run #%1").arg(m_ids[0]));
        QCOMPARE(model->headerData(1, Qt::Horizontal).toString(), QStringLiteral("Run #%1").arg(m_ids[1]));
        QCOMPARE(model->headerData(2, Qt::Horizontal).toString(), QStringLiteral("Δ vs #%1").arg(m_ids[0]));
        QCOMPARE(model->headerData(3, Qt::Horizontal).toString(), QStringLiteral("% change"));
        QCOMPARE(model->headerData(kP50Row, Qt::Vertical).toString(), QStringLiteral("p50 latency (ms)"));
        // 10 ms and 12 ms land in HdrHistogram buckets reported as 10.007 and 12.007 ms
        QCOMPARE(text(model, kP50Row, 0), QStringLiteral("10.007"));
        QCOMPARE(text(model, kP50Row, 1), QStringLiteral("12.007"));
        QCOMPARE(text(model, kP50Row, 2), QStringLiteral("+2.000 ms"));
        QCOMPARE(text(model, kP50Row, 3), QStringLiteral("+20.0 %"));
        QCOMPARE(text(model, kRequestsRow, 0), QStringLiteral("1000"));
        QCOMPARE(text(model, kRequestsRow, 2), QStringLiteral("-200"));
        QCOMPARE(text(model, kRequestsRow, 3), QStringLiteral("-20.0 %"));
        QCOMPARE(text(model, kAchievedRow, 2), QStringLiteral("0.0 req/s")); // same rate: no sign
        QCOMPARE(model->rowCount(), 11); // numbers only: platform, status and message are in the header
        const auto worse = model->index(kP50Row, 2).data(Qt::ForegroundRole).value<QColor>();
        QVERIFY(worse.isValid() && worse.red() > worse.green());                    // slower: red
        QVERIFY(!model->index(kRequestsRow, 2).data(Qt::ForegroundRole).isValid()); // neutral metric
    }

    void fasterRunIsGreen() {
        ui::ComparePage page;
        QVERIFY(load(page, {m_ids[1], m_ids[0], m_ids[2]}));
        QAbstractItemModel* model = page.summaryModel();
        QCOMPARE(model->columnCount(), 7);
        QCOMPARE(text(model, kP50Row, 2), QStringLiteral("-2.000 ms"));
        QCOMPARE(text(model, kP50Row, 3), QStringLiteral("-16.7 %"));
        const auto better = model->index(kP50Row, 3).data(Qt::ForegroundRole).value<QColor>();
        QVERIFY(better.isValid() && better.green() > better.red()); // faster: green
        QCOMPARE(text(model, kP50Row, 4), QStringLiteral("7.003"));
        QCOMPARE(model->headerData(5, Qt::Horizontal).toString(), QStringLiteral("Δ vs #%1").arg(m_ids[1]));
    }

    void chartsOverlayAllRuns() {
        ui::ComparePage page;
        QVERIFY(load(page, {m_ids[0], m_ids[1]}));
        const QList<ui::ChartPanel*> panels = page.chartPanels();
        QCOMPARE(panels.size(), 4);
        QCOMPARE(panels[0]->kind(), ui::ChartKind::LatencyCdf);
        QCOMPARE(panels[0]->runs().size(), 2);
        QCOMPARE(panels[0]->chart()->series().size(), 2);
        for (const ui::ChartPanel* panel : panels)
            QCOMPARE(panel->runs().size(), 2);
        const QString header = page.findChild<QLabel*>(QStringLiteral("compareHeader"))->text();
        QVERIFY2(header.contains(QStringLiteral("python")) && header.contains(QStringLiteral("nodejs")),
                 qPrintable(header));
    }

    void missingRunIsReported() {
        ui::ComparePage page;
        QVERIFY(load(page, {m_ids[0], 99'999}));
        QCOMPARE(page.summaryModel()->columnCount(), 1);
        auto* message = page.findChild<QLabel*>(QStringLiteral("compareMessage"));
        QVERIFY2(message->text().contains(QStringLiteral("99999")), qPrintable(message->text()));
        QCOMPARE(page.runIds(), (QList<qint64>{m_ids[0], 99'999}));
    }

    void removesARun() {
        ui::ComparePage page;
        QVERIFY(load(page, m_ids));
        auto* remove = page.findChild<QToolButton*>(QStringLiteral("removeRunButton"));
        QVERIFY(remove->isEnabled());
        QCOMPARE(remove->menu()->actions().size(), 3);
        QSignalSpy loaded(&page, &ui::ComparePage::loaded);
        remove->menu()->actions().at(1)->trigger();
        QVERIFY(loaded.wait(10'000));
        QCOMPARE(page.runIds(), (QList<qint64>{m_ids[0], m_ids[2]}));
        QCOMPARE(page.summaryModel()->columnCount(), 4);
        QVERIFY(!remove->isEnabled()); // two left
    }

    void screenshots_data() {
        QTest::addColumn<bool>("dark");
        QTest::addRow("light") << false;
        QTest::addRow("dark") << true;
    }

    void screenshots() {
        QFETCH(bool, dark);
        test::applyTheme(dark ? test::Theme::Dark : test::Theme::Light);
        ui::ComparePage page;
        page.resize(1400, 900);
        page.show();
        QVERIFY(load(page, m_ids));
        const QString path =
            test::saveScreenshot(page, dark ? QStringLiteral("compare-dark") : QStringLiteral("compare-light"));
        QVERIFY(QFile::exists(path));
        test::applyTheme(test::Theme::Light);
    }

private:
    bool load(ui::ComparePage& page, const QList<qint64>& ids) {
        QSignalSpy loaded(&page, &ui::ComparePage::loaded);
        page.setRuns(m_db, ids);
        return loaded.wait(10'000);
    }

    QTemporaryDir m_dir;
    QString m_db;
    QList<qint64> m_ids;
};

QTEST_MAIN(TestComparePage)
#include "tst_compare_page.moc"
