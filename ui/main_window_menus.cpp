// MainWindow's menus and file actions (split from main_window.cpp so each file is about one thing).
#include "results/csv_export.h"
#include "results/result_store.h"
#include "ui/export/chart_export.h"
#include "ui/live/experiment_run.h"
#include "ui/main_window.h"
#include "ui/main_window_ui.h"
#include "ui/results/results_page.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/settings_dialog.h"
#include "ui/setup/experiment_document.h"
#include "ui/start/start_page.h"
#include "ui/summary/summary_page.h"
#include "ui/ui_info.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoStack>

namespace faaswb::ui {
namespace {

const QString kYamlFilter = QStringLiteral("Experiment files (*.yaml *.yml);;All files (*)");

std::vector<std::int64_t> toIds(const QList<qint64>& ids) {
    return {ids.begin(), ids.end()};
}

} // namespace

void MainWindow::setupFileMenu() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New experiment"), QKeySequence::New, this, [this] { newExperiment(); });
    file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] { openExperimentDialog(); });
    m_ui->recentMenu = file->addMenu(tr("Open &recent"));
    file->addAction(tr("&Save"), QKeySequence::Save, this, [this] { saveExperiment(); });
    file->addAction(tr("Save &as…"), QKeySequence::SaveAs, this, [this] { saveExperimentAs(); });
    file->addAction(tr("&Close"), QKeySequence::Close, this, [this] { closeExperiment(); });
    file->addSeparator();
    file->addAction(tr("Se&ttings…"), QKeySequence(Qt::CTRL | Qt::Key_Comma), this, [this] { openSettings(); });
    file->addAction(tr("Export &HTML report of selected runs…"), this, [this] { exportReportDialog(); });
    file->addAction(tr("Export &CSV of selected runs…"), this, [this] { exportCsvDialog(); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    rebuildRecentMenu();
}

void MainWindow::setupEditMenu() {
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_ui->document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_ui->document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
}

void MainWindow::setupRunMenu() {
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    m_ui->runAction =
        run->addAction(tr("&Run experiment"), QKeySequence(Qt::CTRL | Qt::Key_R), this, [this] { startRun(); });
    m_ui->stopAction = run->addAction(tr("&Stop (keep partial results)"), QKeySequence(Qt::CTRL | Qt::Key_Period), this,
                                      &MainWindow::stopRun);
}

void MainWindow::setupViewMenu() {
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("Start &page"), QKeySequence(Qt::CTRL | Qt::Key_0), this, [this] { showStartPage(); });
    const QList<QPair<QString, Page>> pages = {{tr("&Setup"), Page::Setup},
                                               {tr("Live &dashboard"), Page::Dashboard},
                                               {tr("&Results"), Page::Results},
                                               {tr("&Compare"), Page::Compare}};
    int key = Qt::Key_1;
    for (const auto& [name, page] : pages) {
        const Page target = page;
        view->addAction(name, QKeySequence(Qt::CTRL | static_cast<Qt::Key>(key++)), this,
                        [this, target] { showPage(target); });
    }
    view->addAction(tr("S&ummary"), QKeySequence(Qt::CTRL | static_cast<Qt::Key>(key)), this, [this] {
        if (auto* summary = m_ui->tabs->findChild<SummaryPage*>())
            m_ui->tabs->setCurrentWidget(summary);
    });
}

void MainWindow::setupHelpMenu() {
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About FaaS Workbench"), this, [this] { showAbout(); });
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About FaaS Workbench"),
                       tr("<h3>FaaS Workbench %1</h3><p>Benchmark serverless platforms: deploy, load, watch "
                          "autoscaling live, compare and export.</p><p>Qt %2</p>")
                           .arg(QCoreApplication::applicationVersion(), qtVersionString()));
}

bool MainWindow::confirmDiscardChanges() {
    if (!m_ui->document->isModified())
        return true;
    const auto answer =
        QMessageBox::question(this, tr("Unsaved changes"), tr("The experiment has unsaved changes. Save them?"),
                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return saveExperiment();
    return answer == QMessageBox::Discard;
}

void MainWindow::newExperiment() {
    if (!confirmDiscardChanges())
        return;
    m_ui->document->newDocument();
    showPage(Page::Setup);
}

void MainWindow::closeExperiment() {
    if (!confirmDiscardChanges())
        return;
    m_ui->document->newDocument();
    showStartPage();
}

void MainWindow::openExperimentDialog() {
    if (!confirmDiscardChanges())
        return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment"), QString(), kYamlFilter);
    if (!path.isEmpty())
        openExperiment(path);
}

bool MainWindow::saveExperiment() {
    if (m_ui->document->path().isEmpty())
        return saveExperimentAs();
    QString error;
    if (!m_ui->document->save(&error)) {
        QMessageBox::warning(this, tr("Cannot save"), error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(m_ui->document->path()), 4000);
    return true;
}

bool MainWindow::saveExperimentAs() {
    QString path = QFileDialog::getSaveFileName(this, tr("Save experiment"), m_ui->document->path(), kYamlFilter);
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".yaml");
    QString error;
    if (!m_ui->document->saveAs(path, &error)) {
        QMessageBox::warning(this, tr("Cannot save"), error);
        return false;
    }
    rememberRecent(QFileInfo(path).absoluteFilePath());
    return true;
}

void MainWindow::openSettings() {
    auto* dialog = new SettingsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::applied, this, &MainWindow::applySettings);
    dialog->open();
}

void MainWindow::exportReportDialog() {
    const QList<qint64> ids = m_ui->results->selectedRuns();
    if (ids.isEmpty()) {
        statusBar()->showMessage(tr("Select one or more runs on the Results page first"), 5000);
        showPage(Page::Results);
        return;
    }
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export HTML report into"));
    if (dir.isEmpty())
        return;
    auto store = results::ResultStore::open(m_ui->database.toStdString(), true);
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const Status exported =
        store ? exportRunCharts(*store, toIds(ids), "html", dir.toStdString()) : Status(store.error());
    QApplication::restoreOverrideCursor();
    if (!exported)
        QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(exported.error().message));
    else
        statusBar()->showMessage(tr("Report written to %1").arg(QDir(dir).filePath(QStringLiteral("report.html"))));
}

void MainWindow::exportCsvDialog() {
    const QList<qint64> ids = m_ui->results->selectedRuns();
    if (ids.isEmpty()) {
        statusBar()->showMessage(tr("Select one or more runs on the Results page first"), 5000);
        showPage(Page::Results);
        return;
    }
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export CSV files into"));
    if (dir.isEmpty())
        return;
    auto store = results::ResultStore::open(m_ui->database.toStdString(), true);
    const Status exported = store ? results::exportCsv(*store, toIds(ids), dir.toStdString()) : Status(store.error());
    if (!exported)
        QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(exported.error().message));
    else
        statusBar()->showMessage(tr("CSV files written to %1").arg(dir));
}

QStringList MainWindow::recentFiles() const {
    return AppSettings().recentFiles();
}

void MainWindow::rememberRecent(const QString& path) {
    AppSettings().addRecentFile(path);
    rebuildRecentMenu();
    m_ui->start->refresh();
}

void MainWindow::rebuildRecentMenu() {
    m_ui->recentMenu->clear();
    const QStringList recent = recentFiles();
    for (const QString& path : recent)
        m_ui->recentMenu
            ->addAction(QFileInfo(path).fileName(), this,
                        [this, path] {
                            if (confirmDiscardChanges())
                                openExperiment(path);
                        })
            ->setToolTip(path);
    m_ui->recentMenu->addSeparator();
    m_ui->recentMenu->addAction(tr("&Clear recent files"), this, [this] {
        AppSettings().clearRecentFiles();
        rebuildRecentMenu();
        m_ui->start->refresh();
    });
    m_ui->recentMenu->setEnabled(!recent.isEmpty());
}

} // namespace faaswb::ui
