#include "ui/main_window.h"

#include "ui/live/dashboard_page.h"
#include "ui/live/experiment_run.h"
#include "ui/main_window_ui.h"
#include "ui/results/results_page.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/theme.h"
#include "ui/setup/experiment_document.h"
#include "ui/setup/setup_page.h"
#include "ui/start/start_page.h"
#include "ui/summary/summary_page.h"

#include <QAction>
#include <QCloseEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoStack>

namespace faaswb::ui {
namespace {

// The Summary tab sits after Compare; main_window.h has no member for it (yet), so it is found by type.
SummaryPage* summaryOf(const QTabWidget* tabs) {
    return tabs->findChild<SummaryPage*>();
}

QString firstExperimentFile(const QMimeData* mime) {
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl& url : mime->urls()) {
        const QString path = url.toLocalFile();
        if (path.endsWith(QStringLiteral(".yaml")) || path.endsWith(QStringLiteral(".yml")))
            return path;
    }
    return {};
}

// A message box that does not block the event loop (runs and tests keep going while it is shown).
void showWarning(QWidget* parent, const QString& title, const QString& text) {
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui>()) {
    m_ui->document = new ExperimentDocument(this);
    m_ui->run = new ExperimentRun(this);
    setupPages();
    setupFileMenu();
    setupEditMenu();
    setupRunMenu();
    setupViewMenu();
    setupHelpMenu();
    connectRun();
    setAcceptDrops(true);
    m_ui->databaseLabel = new QLabel(this);
    m_ui->runLabel = new QLabel(tr("Idle"), this);
    statusBar()->addPermanentWidget(m_ui->runLabel);
    statusBar()->addPermanentWidget(m_ui->databaseLabel);
    const AppSettings settings;
    setDatabase(settings.databasePath());
    m_ui->dashboard->setRefreshInterval(settings.refreshMs());
    m_ui->document->newDocument();
    connect(m_ui->document, &ExperimentDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_ui->document, &ExperimentDocument::pathChanged, this, &MainWindow::updateTitle);
    connect(m_ui->document, &ExperimentDocument::issuesChanged, this, &MainWindow::updateRunActions);
    showStartPage();
    updateRunActions();
    resize(1400, 900);
}

MainWindow::~MainWindow() {
    // The document and the run are children destroyed after this body: their last signals must not reach a
    // half-destroyed window.
    m_ui->document->disconnect(this);
    m_ui->run->disconnect(this);
}

void MainWindow::setupPages() {
    m_ui->tabs = new QTabWidget(this);
    m_ui->tabs->setDocumentMode(true);
    m_ui->setup = new SetupPage(m_ui->document, m_ui->tabs);
    m_ui->dashboard = new DashboardPage(m_ui->tabs);
    m_ui->results = new ResultsPage(m_ui->tabs);
    m_ui->compare = new ComparePage(m_ui->tabs);
    m_ui->dashboard->attach(m_ui->run);
    m_ui->tabs->addTab(m_ui->setup, tr("Setup"));
    m_ui->tabs->addTab(m_ui->dashboard, tr("Live dashboard"));
    m_ui->tabs->addTab(m_ui->results, tr("Results"));
    m_ui->tabs->addTab(m_ui->compare, tr("Compare"));
    auto* summary = new SummaryPage(m_ui->tabs);
    summary->setObjectName(QStringLiteral("summaryPage"));
    m_ui->tabs->addTab(summary, tr("Summary"));
    m_ui->stack = new QStackedWidget(this);
    setupStartPage();
    m_ui->stack->addWidget(m_ui->tabs);
    setCentralWidget(m_ui->stack);
    connect(m_ui->setup, &SetupPage::runRequested, this, &MainWindow::startRun);
    connect(m_ui->results, &ResultsPage::compareRequested, this, [this](const QList<qint64>& ids) {
        m_ui->compare->setRuns(m_ui->database, ids);
        showPage(Page::Compare);
    });
    connect(m_ui->results, &ResultsPage::summaryRequested, this, [this, summary](const QList<qint64>& ids) {
        summary->showRuns(ids);
        m_ui->tabs->setCurrentWidget(summary);
    });
}

void MainWindow::setupStartPage() {
    m_ui->start = new StartPage(m_ui->stack);
    m_ui->stack->addWidget(m_ui->start);
    connect(m_ui->start, &StartPage::openRequested, this, [this](const QString& path) {
        if (confirmDiscardChanges())
            openExperiment(path);
    });
    connect(m_ui->start, &StartPage::openDialogRequested, this, &MainWindow::openExperimentDialog);
    connect(m_ui->start, &StartPage::newExperimentRequested, this, &MainWindow::newExperiment);
    connect(m_ui->start, &StartPage::clusterExperimentRequested, this, &MainWindow::newExperimentFromText);
    connect(m_ui->start, &StartPage::recentFilesChanged, this, &MainWindow::rebuildRecentMenu);
}

void MainWindow::showStartPage() {
    m_ui->start->refresh(); // recent files may have changed, or gone missing, meanwhile
    m_ui->stack->setCurrentWidget(m_ui->start);
    updateTitle();
}

bool MainWindow::isStartPageShown() const {
    return m_ui->stack->currentWidget() == m_ui->start;
}

void MainWindow::newExperimentFromText(const QString& text) {
    if (!confirmDiscardChanges())
        return;
    m_ui->document->newDocument();
    m_ui->document->setText(text); // one undoable step, and modified: it has never been saved
    showPage(Page::Setup);
}

void MainWindow::applySettings() {
    const AppSettings settings;
    if (settings.databasePath() != m_ui->database)
        setDatabase(settings.databasePath());
    applyTheme(settings.theme());
    m_ui->dashboard->setRefreshInterval(settings.refreshMs());
}

StartPage* MainWindow::startPage() const {
    return m_ui->start;
}

void MainWindow::connectRun() {
    connect(m_ui->run, &ExperimentRun::started, this, [this] {
        m_ui->runLabel->setText(tr("Running…"));
        updateRunActions();
    });
    connect(m_ui->run, &ExperimentRun::finished, this, [this](const RunFinish& finish) {
        m_ui->runLabel->setText(finish.exitCode == 0 ? tr("Finished")
                                                     : tr("Finished (exit code %1)").arg(finish.exitCode));
        statusBar()->showMessage(finish.error.isEmpty() ? finish.summary.section(QLatin1Char('\n'), 0, 0)
                                                        : finish.error);
        updateRunActions();
        m_ui->results->refresh();
        m_ui->results->selectRuns(finish.runIds);
        if (SummaryPage* summary = summaryOf(m_ui->tabs))
            summary->showNewestExperiment(); // the experiment that just ran
    });
}

bool MainWindow::startRun() {
    if (m_ui->run->isRunning())
        return false;
    const auto experiment = m_ui->document->experiment();
    if (!experiment) {
        const auto& issues = m_ui->document->issues();
        statusBar()->showMessage(issues.empty() ? tr("The experiment is not valid")
                                                : QString::fromStdString(issues.front().format()));
        showPage(Page::Setup);
        return false;
    }
    QString error;
    if (!m_ui->run->start(*experiment, m_ui->database, QString(), &error)) {
        statusBar()->showMessage(error);
        showWarning(this, tr("Cannot start the run"), error);
        return false;
    }
    showPage(Page::Dashboard);
    updateRunActions();
    return true;
}

void MainWindow::stopRun() {
    if (m_ui->run->isRunning()) {
        m_ui->runLabel->setText(tr("Stopping…"));
        m_ui->run->stop();
    }
}

bool MainWindow::openExperiment(const QString& path) {
    QString error;
    if (!m_ui->document->load(path, &error)) {
        showWarning(this, tr("Cannot open experiment"), error);
        return false;
    }
    rememberRecent(QFileInfo(path).absoluteFilePath());
    showPage(Page::Setup);
    return true;
}

void MainWindow::setDatabase(const QString& path) {
    m_ui->database = path;
    AppSettings().setDatabasePath(path);
    m_ui->databaseLabel->setText(tr("Results DB: %1").arg(path));
    m_ui->results->setDatabase(path);
    if (SummaryPage* summary = summaryOf(m_ui->tabs))
        summary->setDatabase(path);
}

QString MainWindow::database() const {
    return m_ui->database;
}

void MainWindow::showPage(Page page) {
    m_ui->tabs->setCurrentIndex(static_cast<int>(page));
    if (isStartPageShown()) {
        m_ui->stack->setCurrentWidget(m_ui->tabs);
        updateTitle();
    }
}

MainWindow::Page MainWindow::currentPage() const {
    return static_cast<Page>(m_ui->tabs->currentIndex());
}

ExperimentDocument* MainWindow::document() const {
    return m_ui->document;
}
ExperimentRun* MainWindow::experimentRun() const {
    return m_ui->run;
}
SetupPage* MainWindow::setupPage() const {
    return m_ui->setup;
}
DashboardPage* MainWindow::dashboardPage() const {
    return m_ui->dashboard;
}
ResultsPage* MainWindow::resultsPage() const {
    return m_ui->results;
}
ComparePage* MainWindow::comparePage() const {
    return m_ui->compare;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!confirmDiscardChanges()) {
        event->ignore();
        return;
    }
    if (m_ui->run->isRunning()) {
        const auto answer = QMessageBox::question(this, tr("Stop the run?"),
                                                  tr("An experiment is running. Stop it and quit? What it measured so "
                                                     "far stays in the results database."));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_ui->run->stop();
    }
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!firstExperimentFile(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString path = firstExperimentFile(event->mimeData());
    if (path.isEmpty() || !confirmDiscardChanges())
        return;
    event->acceptProposedAction();
    openExperiment(path);
}

void MainWindow::updateTitle() {
    if (isStartPageShown()) {
        setWindowFilePath(QString());
        setWindowTitle(tr("Start"));
        setWindowModified(false);
        return;
    }
    const QString path = m_ui->document->path();
    setWindowFilePath(path);
    setWindowTitle((path.isEmpty() ? tr("untitled.yaml") : QFileInfo(path).fileName()) + QStringLiteral("[*]"));
    setWindowModified(m_ui->document->isModified());
}

void MainWindow::updateRunActions() {
    const bool running = m_ui->run->isRunning();
    m_ui->runAction->setEnabled(!running && m_ui->document->experiment().has_value());
    m_ui->stopAction->setEnabled(running);
}

} // namespace faaswb::ui
