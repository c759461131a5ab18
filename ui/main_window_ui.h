// MainWindow's widgets and actions, shared by its implementation files (main_window*.cpp). Internal to ui/.
#pragma once

#include "ui/main_window.h"

#include <QString>

QT_BEGIN_NAMESPACE
class QAction;
class QLabel;
class QMenu;
class QStackedWidget;
class QTabWidget;
QT_END_NAMESPACE

namespace faaswb::ui {

class StartPage;

struct MainWindow::Ui {
    QStackedWidget* stack = nullptr; // the start page, or the tabs once an experiment is open
    StartPage* start = nullptr;
    QTabWidget* tabs = nullptr;
    ExperimentDocument* document = nullptr;
    ExperimentRun* run = nullptr;
    SetupPage* setup = nullptr;
    DashboardPage* dashboard = nullptr;
    ResultsPage* results = nullptr;
    ComparePage* compare = nullptr;
    QAction* runAction = nullptr;
    QAction* stopAction = nullptr;
    QMenu* recentMenu = nullptr;
    QLabel* databaseLabel = nullptr;
    QLabel* runLabel = nullptr;
    QString database;
};

} // namespace faaswb::ui
