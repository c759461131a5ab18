// MainWindow end to end: open an experiment (title, recent files), bad files fail without blocking, drag and drop,
// a run started from the GUI against the loopback target server lands on the Results page, and screenshots.
#include "testutils.h"
#include "ui/live/experiment_run.h"
#include "ui/main_window.h"
#include "ui/results/results_page.h"
#include "ui/setup/experiment_document.h"
#include "ui/summary/summary_page.h"
#include "ui_testutils.h"

#include <QAbstractItemModel>
#include <QDropEvent>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace faaswb;

namespace {

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(text);
    return path;
}

QByteArray httpExperiment(const QString& url) {
    return QStringLiteral("name: gui-smoke\nplatform: target\nplatforms:\n  target: {type: http, url: '%1/'}\n"
                          "benchmarks:\n  - {id: 000.noop, languages: [python]}\n"
                          "scenarios:\n  - {name: warm, type: warm-latency, rate: 100, duration: 3s, warmup: 1s}\n")
        .arg(url)
        .toUtf8();
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
        m_server = test::ServerProcess::start(test::binaryPath(QStringLiteral("faaswb-target")),
                                              {QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(m_server);
    }

    void opensExperimentAndRemembersIt() {
        ui::MainWindow window;
        const QString path = test::sourcePath(QStringLiteral("resources/experiments/local-quickstart.yaml"));
        QVERIFY(window.openExperiment(path));
        QVERIFY2(window.windowTitle().contains(QStringLiteral("local-quickstart.yaml")),
                 qPrintable(window.windowTitle()));
        QCOMPARE(window.recentFiles().value(0), QFileInfo(path).absoluteFilePath());
        QVERIFY(window.document()->experiment().has_value());
        QCOMPARE(window.currentPage(), ui::MainWindow::Page::Setup);
    }

    void missingFileFailsWithoutBlocking() {
        ui::MainWindow window;
        QVERIFY(!window.openExperiment(m_dir.filePath(QStringLiteral("nope.yaml"))));
        QVERIFY(window.document()->path().isEmpty());
    }

    void dropOpensYamlFile() {
        ui::MainWindow window;
        const QString path = writeFile(m_dir, QStringLiteral("dropped.yaml"), httpExperiment(m_server->baseUrl()));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        // A drop is delivered to the widget that accepted the drag's enter event, as during a real drag.
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QCOMPARE(window.document()->path(), path);
    }

    void runFromTheGuiLandsInResults() {
        test::applyTheme(test::Theme::Light);
        ui::MainWindow window;
        window.setDatabase(m_dir.filePath(QStringLiteral("gui.db")));
        QVERIFY(window.openExperiment(
            writeFile(m_dir, QStringLiteral("gui-smoke.yaml"), httpExperiment(m_server->baseUrl()))));
        window.show();
        test::saveScreenshot(window, QStringLiteral("main-setup-light"));
        QSignalSpy finished(window.experimentRun(), &ui::ExperimentRun::finished);
        QVERIFY(window.startRun());
        QCOMPARE(window.currentPage(), ui::MainWindow::Page::Dashboard);
        QVERIFY(finished.wait(30'000));
        const auto finish = finished.takeFirst().at(0).value<ui::RunFinish>();
        QVERIFY2(finish.exitCode == 0, qPrintable(finish.error + finish.summary));
        QCOMPARE(finish.runIds.size(), 1);
        test::saveScreenshot(window, QStringLiteral("main-dashboard-light"));
        QTRY_COMPARE_WITH_TIMEOUT(window.resultsPage()->runsModel()->rowCount(), 1, 10'000);
        window.showPage(ui::MainWindow::Page::Results);
        test::saveScreenshot(window, QStringLiteral("main-results-light"));
        // the Summary tab (after Compare) shows the experiment that just ran
        auto* tabs = window.findChild<QTabWidget*>();
        QCOMPARE(tabs->tabText(static_cast<int>(ui::MainWindow::Page::Compare)), QStringLiteral("Compare"));
        QCOMPARE(tabs->tabText(tabs->count() - 1), QStringLiteral("Summary"));
        auto* summary = window.findChild<ui::SummaryPage*>();
        QVERIFY(summary);
        QTRY_COMPARE_WITH_TIMEOUT(summary->summarizedRuns(), finish.runIds, 10'000);
        QCOMPARE(summary->tableModel()->rowCount(), 1);
        tabs->setCurrentWidget(summary);
        test::saveScreenshot(window, QStringLiteral("main-summary-light"));
    }

    void invalidExperimentDoesNotStart() {
        ui::MainWindow window;
        window.document()->setText(QStringLiteral("name: broken\nscenarios: []\n"));
        QVERIFY(!window.startRun());
        QVERIFY(!window.experimentRun()->isRunning());
        QCOMPARE(window.currentPage(), ui::MainWindow::Page::Setup);
    }

private:
    QTemporaryDir m_settings;
    QTemporaryDir m_dir;
    std::unique_ptr<test::ServerProcess> m_server;
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
