// ExperimentDocument: the experiment being edited — its YAML text (the source of truth, the same file the CLI runs),
// file path, modified flag, undo/redo history and the validator's issues for the current text. Form edits go through
// setValue(), which rewrites the YAML; YAML edits go through setText(). UI thread only.
#pragma once

#include "model/experiment.h"
#include "model/experiment_loader.h"

#include <QObject>
#include <QString>
#include <QVariant>
#include <optional>

QT_BEGIN_NAMESPACE
class QUndoStack;
QT_END_NAMESPACE

namespace faaswb::ui {

class ExperimentDocument : public QObject {
    Q_OBJECT
public:
    explicit ExperimentDocument(QObject* parent = nullptr);
    ~ExperimentDocument() override;

    void newDocument();                             // a small valid experiment on the local platform
    bool load(const QString& path, QString* error); // replaces the text; clears history
    bool save(QString* error);                      // to path(); false when there is none
    bool saveAs(const QString& path, QString* error);

    QString path() const;
    QString text() const;
    bool isModified() const;
    QUndoStack* undoStack() const;

    // Edits, each one undoable step. `fieldPath` uses the validator's spelling: "name", "platform",
    // "benchmarks[0].id", "scenarios[1].rate", "benchmarks[0].autoscaling.target"; an empty/invalid QVariant removes
    // the key. Lists (languages) are QStringList.
    void setText(const QString& text);
    void setValue(const QString& fieldPath, const QVariant& value);
    QVariant value(const QString& fieldPath) const; // from the current text; invalid when absent
    void addScenario(const QString& type);          // appends a scenario with that type's defaults
    void removeScenario(int index);

    // Validation of the current text.
    const std::vector<model::ValidationIssue>& issues() const;
    std::optional<model::Experiment> experiment() const; // when valid
    // The issue messages for a field path and its children ("scenarios[0]" matches "scenarios[0].rate").
    QStringList issuesFor(const QString& fieldPath) const;

signals:
    void textChanged(); // after every edit, undo or redo
    void issuesChanged();
    void pathChanged(const QString& path);
    void modifiedChanged(bool modified);

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::ui
