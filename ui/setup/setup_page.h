// SetupPage: point-and-click experiment setup over an ExperimentDocument — benchmark picker (id, languages, input
// size), platform picker with "Test connection", scenario list with type-specific fields and a preview chart of the
// load shape, autoscaling fields with Knative's annotation names as hints, inline validation messages, and the YAML
// view kept in sync both ways. UI thread only.
#pragma once

#include <QWidget>
#include <memory>

namespace faaswb::ui {

class ExperimentDocument;

class SetupPage : public QWidget {
    Q_OBJECT
public:
    explicit SetupPage(ExperimentDocument* document, QWidget* parent = nullptr);
    ~SetupPage() override;

    // For tests and the main window: find form editors by the document field path they edit ("scenarios[0].rate").
    QWidget* editorFor(const QString& fieldPath) const;
    QString inlineMessageFor(const QString& fieldPath) const; // what the form shows under that field, empty if none

signals:
    void runRequested();

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::ui
