// faaswb-doc-screenshots: the documentation's scenario screenshots from the real GUI. Opens an experiment in the main
// window, runs it (embedded local platform for `platform: local`), waits for the end, shows one page and saves the
// window as PNG. A tool for docs/tools/scenario-screenshots.sh, not a test. Runs offscreen; UI thread only.
//
//   faaswb-doc-screenshots --experiment FILE --db PATH --out PNG [--theme light|dark]
//                          [--page dashboard|summary|results] [--timeout SECONDS]
#include "ui/live/experiment_run.h"
#include "ui/main_window.h"
#include "ui/results/results_page.h"
#include "ui/summary/summary_page.h"
#include "ui_testutils.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextStream>
#include <cstdio>
#include <optional>

using namespace faaswb;

namespace {

struct Options {
    QString experiment;
    QString database;
    QString output;
    test::Theme theme = test::Theme::Light;
    QString page = QStringLiteral("dashboard");
    int timeoutSeconds = 600;
};

QTextStream& err() {
    static QTextStream stream(stderr);
    return stream;
}

std::optional<Options> parseOptions(const QApplication& app) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Runs an experiment in the workbench window and saves a page."));
    parser.addHelpOption();
    const QCommandLineOption experiment(QStringLiteral("experiment"), QStringLiteral("Experiment YAML."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("Results database."), QStringLiteral("PATH"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("PNG to write."), QStringLiteral("PNG"));
    const QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("light or dark."), QStringLiteral("THEME"),
                                   QStringLiteral("light"));
    const QCommandLineOption page(QStringLiteral("page"), QStringLiteral("dashboard, summary or results."),
                                  QStringLiteral("PAGE"), QStringLiteral("dashboard"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("Give up after this many seconds."),
                                     QStringLiteral("SECONDS"), QStringLiteral("600"));
    parser.addOptions({experiment, db, out, theme, page, timeout});
    parser.process(app);
    Options options;
    options.experiment = parser.value(experiment);
    options.database = parser.value(db);
    options.output = parser.value(out);
    options.page = parser.value(page);
    options.timeoutSeconds = parser.value(timeout).toInt();
    const QString themeName = parser.value(theme);
    if (options.experiment.isEmpty() || options.database.isEmpty() || options.output.isEmpty()) {
        err() << "--experiment, --db and --out are required\n";
        return std::nullopt;
    }
    if (themeName != QLatin1String("light") && themeName != QLatin1String("dark")) {
        err() << "--theme must be light or dark, not " << themeName << "\n";
        return std::nullopt;
    }
    const QStringList pages{QStringLiteral("dashboard"), QStringLiteral("summary"), QStringLiteral("results")};
    if (!pages.contains(options.page)) {
        err() << "--page must be one of " << pages.join(QStringLiteral(", ")) << "\n";
        return std::nullopt;
    }
    if (options.timeoutSeconds <= 0) {
        err() << "--timeout must be a positive number of seconds\n";
        return std::nullopt;
    }
    options.theme = themeName == QLatin1String("dark") ? test::Theme::Dark : test::Theme::Light;
    return options;
}

// Waits for a signal already being spied on, up to the deadline; the event loop keeps running meanwhile.
bool waitFor(QSignalSpy& spy, const QDeadlineTimer& deadline) {
    while (spy.isEmpty()) {
        const qint64 left = deadline.remainingTime();
        if (left <= 0)
            return false;
        spy.wait(static_cast<int>(qMin<qint64>(left, 1000)));
    }
    return true;
}

bool showSummary(ui::MainWindow& window, const QList<qint64>& runIds, const QDeadlineTimer& deadline) {
    auto* summary = window.findChild<ui::SummaryPage*>();
    auto* tabs = window.findChild<QTabWidget*>();
    if (!summary || !tabs) {
        err() << "the window has no Summary tab\n";
        return false;
    }
    // The window refreshes the summary after a run; wait until it shows this run's cells.
    QSignalSpy loaded(summary, &ui::SummaryPage::loaded);
    while (summary->summarizedRuns() != runIds) {
        loaded.clear();
        if (!waitFor(loaded, deadline)) {
            err() << "the Summary tab did not show the run in time\n";
            return false;
        }
    }
    tabs->setCurrentWidget(summary);
    return true;
}

bool showResults(ui::MainWindow& window, const QList<qint64>& runIds, const QDeadlineTimer& deadline) {
    ui::ResultsPage* results = window.resultsPage();
    QSignalSpy tableLoaded(results, &ui::ResultsPage::loaded);
    results->refresh();
    if (!waitFor(tableLoaded, deadline)) {
        err() << "the results table did not load in time\n";
        return false;
    }
    QSignalSpy detail(results, &ui::ResultsPage::detailLoaded);
    results->selectRuns({runIds.last()});
    window.showPage(ui::MainWindow::Page::Results);
    if (!waitFor(detail, deadline)) {
        err() << "the run detail did not load in time\n";
        return false;
    }
    return true;
}

bool showRequestedPage(ui::MainWindow& window, const Options& options, const QList<qint64>& runIds,
                       const QDeadlineTimer& deadline) {
    if (options.page == QLatin1String("summary"))
        return showSummary(window, runIds, deadline);
    if (options.page == QLatin1String("results"))
        return showResults(window, runIds, deadline);
    window.showPage(ui::MainWindow::Page::Dashboard);
    return true;
}

int runAndCapture(const Options& options) {
    test::applyTheme(options.theme);
    ui::MainWindow window;
    window.resize(1400, 900);
    window.setDatabase(options.database);
    if (!window.openExperiment(options.experiment))
        return 2;
    window.show();
    const QDeadlineTimer deadline(qint64(options.timeoutSeconds) * 1000);
    QSignalSpy finished(window.experimentRun(), &ui::ExperimentRun::finished);
    if (!window.startRun()) {
        err() << "the run did not start (see the experiment's validation)\n";
        return 2;
    }
    if (!waitFor(finished, deadline)) {
        err() << "the run did not finish within " << options.timeoutSeconds << " s\n";
        window.stopRun();
        return 1;
    }
    const auto finish = finished.takeFirst().at(0).value<ui::RunFinish>();
    err() << finish.summary << (finish.summary.endsWith(QLatin1Char('\n')) ? "" : "\n");
    if (finish.runIds.isEmpty()) {
        err() << "the run stored nothing: " << finish.error << "\n";
        return finish.exitCode ? finish.exitCode : 1;
    }
    if (!showRequestedPage(window, options, finish.runIds, deadline))
        return 1;
    QApplication::processEvents();
    QDir().mkpath(QFileInfo(options.output).absolutePath());
    if (!window.grab().save(options.output)) {
        err() << "cannot write " << options.output << "\n";
        return 1;
    }
    err() << "wrote " << options.output << " (exit code " << finish.exitCode << ")\n";
    return finish.exitCode;
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const auto options = parseOptions(app);
    if (!options)
        return 2;
    // Recent files and the chosen DB go to a throw-away settings folder, not the user's.
    QTemporaryDir settings;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
    return runAndCapture(*options);
}
