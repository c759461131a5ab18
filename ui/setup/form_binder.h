// FormBinder: ties form editors (QLineEdit, QComboBox, QCheckBox) to document field paths. An edit writes the field
// with ExperimentDocument::setValue; a document change refreshes every editor except the one being typed in; the
// validator's issues for a field mark its editor (dynamic property "invalid") and fill a small red label below it.
// UI thread only.
#pragma once

#include <QObject>
#include <QString>
#include <QVariant>
#include <functional>
#include <vector>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QWidget;
QT_END_NAMESPACE

namespace faaswb::ui {

class ExperimentDocument;

class FormBinder : public QObject {
    Q_OBJECT
public:
    using PathFn = std::function<QString()>; // the field path now (scenario fields follow the selected scenario)
    enum class Kind { Text, Number };

    FormBinder(ExperimentDocument* document, QObject* parent);

    // Each returns a widget holding the editor and its (hidden) message label, to put into a form row.
    QWidget* bindLine(QLineEdit* editor, PathFn path, Kind kind);
    QWidget* bindCombo(QComboBox* editor, PathFn path); // item data = the value; an invalid item data removes the key
    QWidget* bindCheck(QCheckBox* editor, PathFn path); // checked = true; unchecked removes the key
    // Any other editor (a row of checkboxes, a table): `show` puts the document's value into it; it writes itself
    // through write().
    QWidget* bindCustom(QWidget* editor, PathFn path, std::function<void(const QVariant&)> show);
    void write(QWidget* editor, const QString& path, const QVariant& value);

    void refresh();    // document -> editors
    void showIssues(); // marks editors and fills their labels
    QWidget* editorFor(const QString& path) const;
    QString messageFor(const QString& path) const;

    static void markInvalid(QWidget* editor, bool invalid); // the dynamic property the page's stylesheet styles

private:
    struct Binding {
        QWidget* editor = nullptr;
        QLabel* message = nullptr;
        PathFn path;
        Kind kind = Kind::Text;
        std::function<void(const QVariant&)> show;
    };
    QWidget* wrap(Binding binding);
    void refreshOne(const Binding& binding);

    ExperimentDocument* m_document;
    std::vector<Binding> m_bindings;
    QWidget* m_writing = nullptr; // the editor whose edit is being written: not refreshed meanwhile
};

QVariant lineValue(const QString& text, FormBinder::Kind kind); // empty -> invalid; numbers as numbers

} // namespace faaswb::ui
