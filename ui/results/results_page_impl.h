// ResultsPage::Impl: the widgets and state behind ResultsPage, shared by results_page.cpp (layout, loading) and
// results_page_actions.cpp (selection, delete, export). UI thread only.
#pragma once

#include "ui/results/results_loader.h"
#include "ui/results/results_page.h"
#include "ui/results/runs_filter.h"

#include <array>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;
QT_END_NAMESPACE

namespace faaswb::ui {

class RunDetail;

class ResultsPage::Impl {
public:
    explicit Impl(ResultsPage* page);

    // results_page.cpp
    void setupTopBar();
    void setupFilters();
    void setupTable();
    void setupTableButtons();
    QLayout* filterRow();
    QWidget* runsArea();
    void setupLayout();
    void load();
    void applyRuns(const RunsSnapshot& snapshot);
    void showPlaceholder(const QString& text);
    void fillFilterCombos();
    void updateCounts();
    void setMessage(const QString& text, bool error);

    // results_page_actions.cpp
    void connectActions();
    void rememberSelection();
    void restoreSelection();
    void applySelection(const QList<qint64>& runIds, qint64 currentId);
    qint64 currentRunId() const;
    void onCurrentChanged();
    void updateButtons();
    void deleteSelected();
    void chooseExportDir();

    ResultsPage* q;
    QString path;
    JobTracker runsJob, writeJob;
    bool confirmDeletes = true;
    bool restoring = false;         // selection changes while restoring do not load the detail
    QList<qint64> pendingSelection; // applied after the load in flight
    qint64 pendingCurrent = 0;
    bool hasPendingSelection = false;
    bool messageIsError = false;

    QLabel* databaseLabel = nullptr;
    QPushButton* refreshButton = nullptr;
    QLabel* messageLabel = nullptr;
    QLineEdit* filterText = nullptr;
    std::array<QComboBox*, kAllRunFields.size()> filterCombos{};
    QStackedWidget* stack = nullptr;
    QWidget* tablePage = nullptr;
    QTableView* table = nullptr;
    QLabel* placeholder = nullptr;
    QLabel* countLabel = nullptr;
    QPushButton* compareButton = nullptr;
    QPushButton* summaryButton = nullptr;
    QPushButton* deleteButton = nullptr;
    QPushButton* exportButton = nullptr;
    RunsModel* model = nullptr;
    RunsFilter* proxy = nullptr;
    RunDetail* detail = nullptr;
};

} // namespace faaswb::ui
