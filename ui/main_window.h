// MainWindow: the workbench's one window — pages Setup, Dashboard, Results and Compare in tabs; File (new, open,
// recent, save, export), Edit (undo/redo), Run (run, stop) and View menus; drag and drop of experiment files; the
// results DB and recent files remembered with QSettings. UI thread only.
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

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Page { Setup, Dashboard, Results, Compare };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    bool openExperiment(const QString& path); // shows an error box and returns false when it cannot
    void setDatabase(const QString& path);
    QString database() const;
    void showPage(Page page);
    Page currentPage() const;
    QStringList recentFiles() const;

    // For tests and the dialogs' owners.
    ExperimentDocument* document() const;
    ExperimentRun* experimentRun() const;
    SetupPage* setupPage() const;
    DashboardPage* dashboardPage() const;
    ResultsPage* resultsPage() const;
    ComparePage* comparePage() const;

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
    void chooseDatabase();
    void exportReportDialog();
    void exportCsvDialog();
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    void updateTitle();
    void updateRunActions();
    void showAbout();
};

} // namespace faaswb::ui
