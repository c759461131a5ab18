#include "ui/setup/form_binder.h"

#include "ui/setup/experiment_document.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QStyle>
#include <QVBoxLayout>

namespace faaswb::ui {

QVariant lineValue(const QString& text, FormBinder::Kind kind) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    if (kind == FormBinder::Kind::Text)
        return trimmed;
    bool ok = false;
    if (const qlonglong integer = trimmed.toLongLong(&ok); ok)
        return integer;
    if (const double number = trimmed.toDouble(&ok); ok)
        return number;
    return trimmed; // left as typed: the validator says what is wrong with it
}

FormBinder::FormBinder(ExperimentDocument* document, QObject* parent)
    : QObject(parent)
    , m_document(document) {}

QWidget* FormBinder::wrap(Binding binding) {
    auto* holder = new QWidget;
    auto* layout = new QVBoxLayout(holder);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(binding.editor);
    binding.message = new QLabel(holder);
    binding.message->setObjectName(QStringLiteral("inlineMessage"));
    binding.message->setWordWrap(true);
    binding.message->hide();
    layout->addWidget(binding.message);
    m_bindings.push_back(std::move(binding));
    refreshOne(m_bindings.back());
    return holder;
}

QWidget* FormBinder::bindLine(QLineEdit* editor, PathFn path, Kind kind) {
    connect(editor, &QLineEdit::textEdited, this,
            [this, editor, path, kind](const QString& text) { write(editor, path(), lineValue(text, kind)); });
    return wrap({editor, nullptr, std::move(path), kind, {}});
}

QWidget* FormBinder::bindCombo(QComboBox* editor, PathFn path) {
    connect(editor, &QComboBox::activated, this,
            [this, editor, path](int index) { write(editor, path(), editor->itemData(index)); });
    return wrap({editor, nullptr, std::move(path), Kind::Text, {}});
}

QWidget* FormBinder::bindCheck(QCheckBox* editor, PathFn path) {
    connect(editor, &QCheckBox::clicked, this,
            [this, editor, path](bool checked) { write(editor, path(), checked ? QVariant(true) : QVariant()); });
    return wrap({editor, nullptr, std::move(path), Kind::Text, {}});
}

QWidget* FormBinder::bindCustom(QWidget* editor, PathFn path, std::function<void(const QVariant&)> show) {
    Binding binding{editor, nullptr, std::move(path), Kind::Text, {}};
    binding.show = std::move(show);
    return wrap(std::move(binding));
}

void FormBinder::write(QWidget* editor, const QString& path, const QVariant& value) {
    m_writing = editor;
    m_document->setValue(path, value);
    m_writing = nullptr;
}

void FormBinder::refresh() {
    for (const Binding& binding : m_bindings)
        if (binding.editor != m_writing)
            refreshOne(binding);
}

void FormBinder::refreshOne(const Binding& binding) {
    const QVariant value = m_document->value(binding.path());
    const QSignalBlocker blocker(binding.editor);
    if (binding.show)
        binding.show(value);
    else if (auto* line = qobject_cast<QLineEdit*>(binding.editor)) {
        const QString text = value.isValid() ? value.toString() : QString();
        if (lineValue(line->text(), binding.kind) != lineValue(text, binding.kind))
            line->setText(text);
    } else if (auto* combo = qobject_cast<QComboBox*>(binding.editor)) {
        int index = -1;
        for (int i = 0; i < combo->count() && index < 0; ++i)
            if (combo->itemData(i).isValid() == value.isValid() && combo->itemData(i).toString() == value.toString())
                index = i;
        if (index < 0 && value.isValid() && combo->isEditable())
            combo->setEditText(value.toString());
        else
            combo->setCurrentIndex(std::max(index, 0));
    } else if (auto* check = qobject_cast<QCheckBox*>(binding.editor)) {
        check->setChecked(value.toBool());
    }
}

void FormBinder::markInvalid(QWidget* editor, bool invalid) {
    if (editor->property("invalid").toBool() == invalid)
        return;
    editor->setProperty("invalid", invalid);
    editor->style()->unpolish(editor);
    editor->style()->polish(editor);
    editor->update();
}

void FormBinder::showIssues() {
    for (const Binding& binding : m_bindings) {
        const QStringList messages = m_document->issuesFor(binding.path());
        markInvalid(binding.editor, !messages.isEmpty());
        binding.message->setText(messages.join(QLatin1Char('\n')));
        binding.message->setVisible(!messages.isEmpty());
    }
}

QWidget* FormBinder::editorFor(const QString& path) const {
    for (const Binding& binding : m_bindings)
        if (binding.path() == path)
            return binding.editor;
    return nullptr;
}

QString FormBinder::messageFor(const QString& path) const {
    for (const Binding& binding : m_bindings)
        if (binding.path() == path)
            return binding.message->text();
    return {};
}

} // namespace faaswb::ui
