// DashboardPage + ExperimentRun end to end: a short warm-latency run of 000.noop (cpp) on the embedded local platform
// fills the live charts (screenshots mid-run, light and dark), and Stop ends a long run with exit code 130 while the
// database keeps the cancelled run and its intervals.
#include "model/experiment_loader.h"
#include "results/result_store.h"
#include "ui/charts/chart_panel.h"
#include "ui/live/dashboard_page.h"
#include "ui/live/engine_bridge.h"
#include "ui/live/experiment_run.h"
#include "ui_testutils.h"

#include <QChart>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QXYSeries>
#include <QtTest>

using namespace faaswb;

namespace {

std::string experimentYaml(const char* duration, const char* warmup) {
    return std::string("name: dashboard-test\n"
                       "platforms:\n"
                       "  local: {type: local, autoscaler: {stable-window: 6s, scale-to-zero-grace-period: 1s}}\n"
                       "platform: local\n"
                       "benchmarks:\n"
                       "  - {id: 000.noop, languages: [cpp]}\n"
                       "scenarios:\n"
                       "  - {name: warm, type: warm-latency, rate: 50, duration: ") +
           duration + ", warmup: " + warmup + "}\n";
}

std::optional<model::Experiment> experiment(const char* duration, const char* warmup) {
    auto report = model::loadExperimentText(experimentYaml(duration, warmup), "dashboard-test.yaml");
    for (const auto& issue : report.issues)
        qWarning("%s", issue.format().c_str());
    return report.experiment;
}

ui::ChartPanel* panel(ui::DashboardPage& page, ui::ChartKind kind) {
    for (auto* candidate : page.chartPanels())
        if (candidate->kind() == kind)
            return candidate;
    return nullptr;
}

// Points drawn by a panel's line/scatter series (0 when the panel is missing).
qsizetype points(ui::DashboardPage& page, ui::ChartKind kind) {
    auto* chartPanel = panel(page, kind);
    if (!chartPanel)
        return 0;
    qsizetype total = 0;
    const auto series = chartPanel->chart()->series();
    for (auto* one : series)
        if (auto* xy = qobject_cast<QXYSeries*>(one))
            total += xy->count();
    return total;
}

QPushButton* stopButton(ui::DashboardPage& page) {
    const auto buttons = page.findChildren<QPushButton*>();
    for (auto* button : buttons)
        if (button->text() == QStringLiteral("Stop"))
            return button;
    return nullptr;
}

} // namespace

class TestDashboard : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void placeholderBeforeAnyRun() {
        test::applyTheme(test::Theme::Light);
        ui::DashboardPage page;
        page.resize(1400, 900);
        test::saveScreenshot(page, QStringLiteral("dashboard-empty-light"));
        QCOMPARE(page.displayedCell(), -1);
        QCOMPARE(page.chartPanels().size(), qsizetype(std::size(ui::kAllChartKinds)));
        bool placeholderShown = false;
        const auto labels = page.findChildren<QLabel*>();
        for (auto* label : labels)
            placeholderShown |= label->isVisible() && label->text().startsWith(QStringLiteral("No run yet"));
        QVERIFY(placeholderShown);
    }

    void liveRunFillsTheCharts() {
        auto warm = experiment("10s", "1s");
        QVERIFY(warm);
        test::applyTheme(test::Theme::Light);
        ui::ExperimentRun run;
        ui::DashboardPage page;
        page.attach(&run);
        page.resize(1400, 900);
        page.show();
        QSignalSpy finished(&run, &ui::ExperimentRun::finished);
        const QString db = m_dir.filePath(QStringLiteral("results.db"));
        QString error;
        QVERIFY2(run.start(*warm, db, {}, &error), qPrintable(error));
        QVERIFY(run.isRunning());

        // Mid-measurement: several intervals drawn, the run still going.
        QTRY_VERIFY_WITH_TIMEOUT(points(page, ui::ChartKind::Percentiles) >= 16 || !finished.isEmpty(), 30000);
        QVERIFY(finished.isEmpty()); // four intervals of p50, p90, p99 and max while the run goes on
        QVERIFY(points(page, ui::ChartKind::Throughput) >= 8); // target, achieved
        QVERIFY(points(page, ui::ChartKind::Pods) > 0);
        QCOMPARE(run.bridge()->progress().phase, QStringLiteral("measure"));
        QCOMPARE(page.displayedCell(), 0);
        test::saveScreenshot(page, QStringLiteral("dashboard-light"));
        // A second page opened mid-run in the dark theme catches up with the running cell.
        test::applyTheme(test::Theme::Dark);
        ui::DashboardPage darkPage;
        darkPage.attach(&run);
        darkPage.resize(1400, 900);
        darkPage.show();
        QCOMPARE(darkPage.displayedCell(), 0);
        QTRY_VERIFY(points(darkPage, ui::ChartKind::Percentiles) >= 8);
        QVERIFY(finished.isEmpty()); // still a mid-run picture
        test::saveScreenshot(darkPage, QStringLiteral("dashboard-dark"));
        test::applyTheme(test::Theme::Light);

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        const auto finish = finished.first().first().value<ui::RunFinish>();
        QVERIFY2(finish.exitCode == 0, qPrintable(finish.error + finish.summary));
        QCOMPARE(finish.runIds.size(), 1);
        QVERIFY2(finish.summary.contains(QStringLiteral("warm · 000.noop · cpp  complete")),
                 qPrintable(finish.summary));
        QVERIFY(!run.isRunning());
        const auto series = run.bridge()->series(0);
        QCOMPARE(series.status, QStringLiteral("complete"));
        QVERIFY(series.requests >= 450); // 50 req/s for 10 s, minus the edges
        QVERIFY(points(page, ui::ChartKind::Pods) > 0);
        QVERIFY(points(page, ui::ChartKind::PodResources) > 0);
        test::saveScreenshot(page, QStringLiteral("dashboard-finished-light"));
    }

    void stopCancelsAndKeepsPartialResults() {
        auto longRun = experiment("120s", "0s");
        QVERIFY(longRun);
        ui::ExperimentRun run;
        ui::DashboardPage page;
        page.attach(&run);
        page.resize(1400, 900);
        page.show();
        QSignalSpy finished(&run, &ui::ExperimentRun::finished);
        QSignalSpy stopRequested(&page, &ui::DashboardPage::stopRequested);
        const QString db = m_dir.filePath(QStringLiteral("stopped.db"));
        QString error;
        QVERIFY2(run.start(*longRun, db, {}, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(run.bridge()->series(0).corrected.p50.size() >= 2, 30000);

        QPushButton* stop = stopButton(page);
        QVERIFY(stop && stop->isEnabled());
        QTest::mouseClick(stop, Qt::LeftButton);
        QCOMPARE(stopRequested.count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        const auto finish = finished.first().first().value<ui::RunFinish>();
        QCOMPARE(finish.exitCode, 130);
        QCOMPARE(finish.runIds.size(), 1);

        auto store = results::ResultStore::open(db.toStdString(), true);
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        auto row = store->runRow(finish.runIds.first());
        QVERIFY(row);
        QCOMPARE(row->status, engine::RunStatus::Cancelled);
        auto intervals = store->intervals(finish.runIds.first());
        QVERIFY(intervals);
        QVERIFY(intervals->size() >= 2);
    }

    // A failed cell says why (here: Eventing on a plain HTTP platform) in the finish the status bar shows and on the
    // dashboard, not only "Failed (exit code 3)"; a lost platform reaches the user the same way.
    void failedCellShowsItsReason() {
        auto loaded =
            model::loadExperimentText("name: fails\nplatform: plain\n"
                                      "platforms:\n  plain: {type: http, url: 'http://127.0.0.1:1/'}\n"
                                      "benchmarks:\n  - {id: 711.event-consumer, languages: [cpp]}\n"
                                      "scenarios:\n  - {name: events, type: eventing, rate: 10, duration: 1s}\n",
                                      "fails.yaml");
        QVERIFY(loaded.experiment);
        ui::ExperimentRun run;
        ui::DashboardPage page;
        page.attach(&run);
        QSignalSpy finished(&run, &ui::ExperimentRun::finished);
        QString error;
        QVERIFY2(run.start(*loaded.experiment, m_dir.filePath(QStringLiteral("failed.db")), {}, &error),
                 qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        const auto finish = finished.first().first().value<ui::RunFinish>();
        QCOMPARE(finish.exitCode, 3);
        QVERIFY2(finish.error.contains(QStringLiteral("Eventing")), qPrintable(finish.error));
        bool shown = false;
        for (auto* label : page.findChildren<QLabel*>())
            shown |= label->text().contains(QStringLiteral("Eventing"));
        QVERIFY2(shown, "the dashboard does not show why the run failed");
    }

    void startRefusesAnUnwritableDatabase() {
        auto warm = experiment("6s", "1s");
        QVERIFY(warm);
        ui::ExperimentRun run;
        QString error;
        QVERIFY(!run.start(*warm, QStringLiteral("/nonexistent-dir/results.db"), {}, &error));
        QVERIFY2(error.contains(QStringLiteral("/nonexistent-dir")), qPrintable(error));
        QVERIFY(!run.start(*warm, m_dir.filePath(QStringLiteral("x.db")), QStringLiteral("knative-prod"), &error));
        QVERIFY2(error.contains(QStringLiteral("knative-prod")), qPrintable(error));
        QVERIFY(!run.isRunning());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
