// MainWindow: the workbench's one window — a start page while no experiment is open, then the pages Setup, Dashboard,
// Results, Compare and Summary in tabs; File (new, open, recent, save, close, settings, export), Edit (undo/redo), Run
// (run, stop) and View menus; drag and drop of experiment files; settings (results DB, theme, live refresh, recent
// files) through AppSettings. UI thread only.
#pragma once

#include <QMainWindow>
#include <memory>

namespace faaswb::ui {

class ExperimentDocument;
class ExperimentRun;
class SetupPage;
class DashboardPage;
class ResultsPage;
class ComparePage;
class StartPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Page { Setup, Dashboard, Results, Compare };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    bool openExperiment(const QString& path); // shows an error box and returns false when it cannot
    void setDatabase(const QString& path);
    QString database() const;
    void showPage(Page page); // also leaves the start page
    Page currentPage() const;
    void showStartPage(); // File ▸ Close after asking about unsaved changes; shown at launch without a file
    bool isStartPageShown() const;
    QStringList recentFiles() const;
    // Opens a new unsaved experiment with this text in Setup (the start page's "Connect a cluster…").
    void newExperimentFromText(const QString& text);
    // Re-reads AppSettings and applies them: database, theme, live refresh (after the Settings dialog).
    void applySettings();

    // For tests and the dialogs' owners.
    ExperimentDocument* document() const;
    ExperimentRun* experimentRun() const;
    SetupPage* setupPage() const;
    DashboardPage* dashboardPage() const;
    ResultsPage* resultsPage() const;
    ComparePage* comparePage() const;
    StartPage* startPage() const;

public slots:
    bool startRun(); // validates, then runs the experiment; false (with the reason in the status bar) when it cannot
    void stopRun();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Ui;
    std::unique_ptr<Ui> m_ui;

    void setupPages();
    void setupStartPage();
    void setupFileMenu();
    void setupEditMenu();
    void setupRunMenu();
    void setupViewMenu();
    void setupHelpMenu();
    void connectRun();
    void newExperiment();
    void openExperimentDialog();
    bool saveExperiment();
    bool saveExperimentAs();
    bool confirmDiscardChanges();
    void closeExperiment();
    void openSettings();
    void exportReportDialog();
    void exportCsvDialog();
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    void updateTitle();
    void updateRunActions();
    void showAbout();
};

} // namespace faaswb::ui
