// SetupPage's internals, shared by the setup_page*.cpp files of this room (layout and sync, form sections, scenario
// section). Private to ui/setup. UI thread only.
#pragma once

#include "ui/setup/benchmark_catalog.h"
#include "ui/setup/form_binder.h"
#include "ui/setup/platform_probe.h"
#include "ui/setup/setup_page.h"

#include <QFutureWatcher>
#include <QMap>
#include <QObject>
#include <vector>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QToolButton;
QT_END_NAMESPACE

namespace faaswb::ui {

class ExperimentDocument;
class LoadShapePreview;

class SetupPage::Impl : public QObject {
    Q_OBJECT
public:
    Impl(SetupPage* page, ExperimentDocument* document);

    // setup_page.cpp: layout, document <-> view sync, issues, drop, undo keys.
    void build();
    QWidget* buildForm();
    QWidget* buildYamlPane();
    QWidget* buildHeader();
    void onTextChanged();
    void onIssuesChanged();
    void syncYamlView();
    void markYamlIssues();
    void refreshIssueList();
    void jumpToLine(int line);
    bool eventFilter(QObject* watched, QEvent* event) override;
    bool handleDrop(QEvent* event);

    // setup_sections.cpp: experiment, benchmark, autoscaling and platform sections.
    QWidget* buildExperimentSection();
    QWidget* buildBenchmarkSection();
    QWidget* buildAutoscalingSection();
    QWidget* buildPlatformSection();
    void showLanguages(const QVariant& value);
    void writeLanguages();
    void refreshPlatforms();
    void testConnection();

    // setup_scenarios.cpp: the scenario list, its type-specific fields, stages and the preview.
    QWidget* buildScenarioSection();
    QWidget* buildStagesEditor();
    QString scenarioPath(const QString& key) const;
    void refreshScenarioList();
    void selectScenario(int index);
    void updateScenarioRows();
    void showStages(const QVariant& value);
    void writeStages();
    void addStage();
    void removeStage();
    void refreshPreview();

    SetupPage* q;
    ExperimentDocument* doc;
    FormBinder* binder;
    std::vector<BenchmarkEntry> catalog;
    bool syncing = false; // the YAML view is being set from the document

    QComboBox* benchmarkId = nullptr;
    QWidget* languageBox = nullptr;
    QMap<QString, QCheckBox*> languages;
    QComboBox* platform = nullptr;
    QLabel* platformType = nullptr;
    QPushButton* testButton = nullptr;
    QLabel* connectionResult = nullptr;
    QFutureWatcher<ProbeResult>* probeWatcher = nullptr;

    QListWidget* scenarioList = nullptr;
    QToolButton* removeScenarioButton = nullptr;
    QFormLayout* scenarioForm = nullptr;
    QMap<QString, QWidget*> scenarioRows; // key -> the row's field widget (for showing/hiding per type)
    QTableWidget* stages = nullptr;
    LoadShapePreview* preview = nullptr;
    QLabel* scenarioMessage = nullptr;
    int currentScenario = 0;
    int previewScenario = -1; // the scenario the preview last showed from a valid experiment

    QLabel* title = nullptr;
    QLabel* status = nullptr;
    QPushButton* runButton = nullptr;
    QPlainTextEdit* yaml = nullptr;
    QListWidget* issueList = nullptr;
};

} // namespace faaswb::ui
