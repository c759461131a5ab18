// StartPage's widgets, shared by start_page.cpp (layout, examples, recent files) and start_page_cluster.cpp.
// Internal to ui/start.
#pragma once

#include "ui/start/start_page.h"

#include <QList>
#include <QString>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QComboBox;
class QFrame;
class QGridLayout;
class QLabel;
class QPushButton;
class QVBoxLayout;
QT_END_NAMESPACE

namespace faaswb::ui {

class StartPage::Impl {
public:
    explicit Impl(StartPage* page)
        : q(page) {}

    static QString tr(const char* text) { return StartPage::tr(text); }

    StartPage* q;
    QAbstractButton* quickstart = nullptr;
    QGridLayout* examplesGrid = nullptr;
    QList<QAbstractButton*> examples;
    QLabel* examplesEmpty = nullptr;
    QVBoxLayout* recentList = nullptr;
    QList<QAbstractButton*> recent;
    QLabel* recentEmpty = nullptr;
    QPushButton* clearRecent = nullptr;

    QFrame* clusterPanel = nullptr;
    QLabel* clusterFile = nullptr;
    QComboBox* contextPicker = nullptr;
    QPushButton* createCluster = nullptr;
    QLabel* clusterError = nullptr;
    QString kubeconfig;
    QStringList contexts;

    QWidget* buildHeader();
    QWidget* buildStartColumn();
    QWidget* buildRecentColumn();
    QWidget* buildExamples();
    QWidget* buildClusterPanel();
    void fillExamples();
    void fillRecent();
    void pickKubeconfig();
    void showClusterError(const QString& message);
};

QLabel* sectionTitle(const QString& text);

} // namespace faaswb::ui
