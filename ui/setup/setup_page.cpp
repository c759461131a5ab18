#include "ui/setup/setup_page.h"

#include "ui/setup/experiment_document.h"
#include "ui/setup/setup_page_impl.h"
#include "ui/setup/yaml_highlighter.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QStyle>
#include <QTextBlock>
#include <QUndoStack>
#include <QVBoxLayout>

namespace faaswb::ui {
namespace {

bool isDark(const QWidget* widget) {
    return widget->palette().window().color().lightness() < 128;
}

QString pageStyleSheet(bool dark) {
    const QString red = dark ? QStringLiteral("#f28b82") : QStringLiteral("#c5221f");
    const QString tint = dark ? QStringLiteral("rgba(242,139,130,0.16)") : QStringLiteral("rgba(217,48,37,0.08)");
    return QStringLiteral("*[invalid=\"true\"] { border: 1px solid %1; border-radius: 3px; background: %2; }\n"
                          "QLabel#inlineMessage { color: %1; font-size: 11px; }\n"
                          "QLabel#sectionTitle { font-weight: 600; font-size: 13px; padding-top: 6px; }\n"
                          "QLabel#problemStatus { color: %1; }")
        .arg(red, tint);
}

QString droppedYaml(const QMimeData* mime) {
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl& url : mime->urls()) {
        const QString file = url.toLocalFile();
        if (file.endsWith(QLatin1String(".yaml"), Qt::CaseInsensitive) ||
            file.endsWith(QLatin1String(".yml"), Qt::CaseInsensitive))
            return file;
    }
    return {};
}

} // namespace

SetupPage::Impl::Impl(SetupPage* page, ExperimentDocument* document)
    : QObject(page)
    , q(page)
    , doc(document)
    , binder(new FormBinder(document, this))
    , catalog(loadBenchmarkCatalog()) {}

// Three panes side by side: the benchmark / platform form, the scenarios with their preview, and the YAML.
void SetupPage::Impl::build() {
    auto* splitter = new QSplitter(Qt::Horizontal, q);
    splitter->setChildrenCollapsible(false);
    for (QWidget* pane : {buildForm(), buildScenarioSection()}) {
        auto* scroll = new QScrollArea;
        scroll->setWidget(pane);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        scroll->setMinimumWidth(360);
        splitter->addWidget(scroll);
    }
    splitter->addWidget(buildYamlPane());
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setStretchFactor(2, 1);
    splitter->setSizes({450, 470, 460});
    auto* layout = new QVBoxLayout(q);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(buildHeader());
    layout->addWidget(splitter, 1);
    q->setStyleSheet(pageStyleSheet(isDark(q)));
    q->setAcceptDrops(true);
    q->installEventFilter(this);
    yaml->viewport()->installEventFilter(this);
    yaml->installEventFilter(this);
    const auto lineEdits = q->findChildren<QLineEdit*>();
    for (QLineEdit* edit : lineEdits)
        edit->installEventFilter(this);
    auto* undo = new QShortcut(QKeySequence::Undo, q, doc->undoStack(), &QUndoStack::undo);
    auto* redo = new QShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+Z")), q, doc->undoStack(), &QUndoStack::redo);
    undo->setContext(Qt::WidgetWithChildrenShortcut);
    redo->setContext(Qt::WidgetWithChildrenShortcut);
    connect(doc, &ExperimentDocument::textChanged, this, &Impl::onTextChanged);
    connect(doc, &ExperimentDocument::issuesChanged, this, &Impl::onIssuesChanged);
    connect(doc, &ExperimentDocument::pathChanged, this, [this] { onIssuesChanged(); });
    onTextChanged();
    onIssuesChanged();
}

QWidget* SetupPage::Impl::buildForm() {
    auto* form = new QWidget;
    auto* layout = new QVBoxLayout(form);
    layout->setContentsMargins(4, 0, 12, 8);
    layout->setSpacing(6);
    for (QWidget* section :
         {buildExperimentSection(), buildPlatformSection(), buildBenchmarkSection(), buildAutoscalingSection()})
        layout->addWidget(section);
    layout->addStretch(1);
    return form;
}

QWidget* SetupPage::Impl::buildHeader() {
    auto* header = new QWidget;
    auto* layout = new QHBoxLayout(header);
    layout->setContentsMargins(4, 0, 4, 4);
    title = new QLabel;
    title->setObjectName(QStringLiteral("sectionTitle"));
    status = new QLabel;
    runButton = new QPushButton(tr("Run"));
    runButton->setObjectName(QStringLiteral("runButton"));
    runButton->setToolTip(tr("Run this experiment (disabled while the experiment has problems)"));
    runButton->setMinimumWidth(96);
    connect(runButton, &QPushButton::clicked, q, &SetupPage::runRequested);
    layout->addWidget(title, 1);
    layout->addWidget(status);
    layout->addSpacing(12);
    layout->addWidget(runButton);
    return header;
}

QWidget* SetupPage::Impl::buildYamlPane() {
    auto* pane = new QSplitter(Qt::Vertical);
    yaml = new QPlainTextEdit;
    yaml->setObjectName(QStringLiteral("yamlView"));
    yaml->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    yaml->setLineWrapMode(QPlainTextEdit::NoWrap);
    yaml->setUndoRedoEnabled(false); // the document's undo stack is the only history
    yaml->setTabChangesFocus(false);
    new YamlHighlighter(yaml->document(), isDark(q));
    connect(yaml, &QPlainTextEdit::textChanged, this, [this] {
        if (!syncing)
            doc->setText(yaml->toPlainText());
    });
    issueList = new QListWidget;
    issueList->setObjectName(QStringLiteral("issueList"));
    issueList->setWordWrap(true);
    connect(issueList, &QListWidget::itemClicked, this,
            [this](QListWidgetItem* item) { jumpToLine(item->data(Qt::UserRole).toInt()); });
    pane->addWidget(yaml);
    pane->addWidget(issueList);
    pane->setStretchFactor(0, 4);
    pane->setStretchFactor(1, 1);
    pane->setSizes({760, 90});
    return pane;
}

void SetupPage::Impl::onTextChanged() {
    syncYamlView();
    refreshPlatforms();
    refreshScenarioList();
    binder->refresh();
    updateScenarioRows();
}

// Replaces only the part of the view that differs, so the cursor and the scroll position stay where they were.
void SetupPage::Impl::syncYamlView() {
    const QString now = yaml->toPlainText();
    const QString wanted = doc->text();
    if (now == wanted)
        return;
    qsizetype prefix = 0;
    while (prefix < now.size() && prefix < wanted.size() && now[prefix] == wanted[prefix])
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < now.size() - prefix && suffix < wanted.size() - prefix &&
           now[now.size() - 1 - suffix] == wanted[wanted.size() - 1 - suffix])
        ++suffix;
    QTextCursor cursor(yaml->document());
    cursor.setPosition(static_cast<int>(prefix));
    cursor.setPosition(static_cast<int>(now.size() - suffix), QTextCursor::KeepAnchor);
    syncing = true;
    cursor.insertText(wanted.mid(prefix, wanted.size() - prefix - suffix));
    syncing = false;
}

void SetupPage::Impl::onIssuesChanged() {
    binder->showIssues();
    refreshIssueList();
    markYamlIssues();
    refreshPreview();
    const auto& issues = doc->issues();
    const QString file = doc->path().isEmpty() ? tr("untitled.yaml") : QFileInfo(doc->path()).fileName();
    title->setText(tr("Experiment setup: %1%2").arg(file, doc->isModified() ? QStringLiteral(" *") : QString()));
    status->setObjectName(issues.empty() ? QStringLiteral("okStatus") : QStringLiteral("problemStatus"));
    status->setText(issues.empty() ? tr("Valid: ready to run")
                                   : tr("%n problem(s): fix them to run", nullptr, static_cast<int>(issues.size())));
    status->style()->unpolish(status);
    status->style()->polish(status);
    runButton->setEnabled(issues.empty());
    // Only the issues of the scenario as a whole: its fields show their own under the field.
    const QString own = QStringLiteral("scenarios[%1]: ").arg(currentScenario);
    QStringList scenarioIssues;
    for (const QString& message : doc->issuesFor(QStringLiteral("scenarios[%1]").arg(currentScenario)))
        if (message.startsWith(own))
            scenarioIssues.append(message);
    scenarioMessage->setText(scenarioIssues.join(QLatin1Char('\n')));
    scenarioMessage->setVisible(!scenarioIssues.isEmpty());
}

void SetupPage::Impl::refreshIssueList() {
    issueList->clear();
    for (const auto& issue : doc->issues()) {
        const QString where = issue.where.line > 0 ? tr("line %1: ").arg(issue.where.line) : QString();
        auto* item = new QListWidgetItem(where + QString::fromStdString(issue.message), issueList);
        item->setData(Qt::UserRole, issue.where.line);
        item->setToolTip(QString::fromStdString(issue.format()));
    }
    if (doc->issues().empty())
        new QListWidgetItem(tr("No problems found."), issueList);
}

void SetupPage::Impl::markYamlIssues() {
    QList<QTextEdit::ExtraSelection> selections;
    const QColor red = isDark(q) ? QColor(0xf2, 0x8b, 0x82) : QColor(0xd9, 0x30, 0x25);
    for (const auto& issue : doc->issues()) {
        const QTextBlock block = yaml->document()->findBlockByNumber(issue.where.line - 1);
        if (issue.where.line <= 0 || !block.isValid())
            continue;
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(block);
        selection.cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        selection.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        selection.format.setUnderlineColor(red);
        selection.format.setBackground(QColor(red.red(), red.green(), red.blue(), 36));
        selections.append(selection);
    }
    yaml->setExtraSelections(selections);
}

void SetupPage::Impl::jumpToLine(int line) {
    const QTextBlock block = yaml->document()->findBlockByNumber(line - 1);
    if (line <= 0 || !block.isValid())
        return;
    yaml->setTextCursor(QTextCursor(block));
    yaml->centerCursor();
    yaml->setFocus();
}

bool SetupPage::Impl::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::ShortcutOverride) {
        // Line edits and the YAML view claim Ctrl+Z for their own history; the page's shortcuts must get it.
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo)) {
            event->ignore();
            return true;
        }
    }
    if (event->type() == QEvent::DragEnter || event->type() == QEvent::DragMove || event->type() == QEvent::Drop)
        return handleDrop(event);
    return QObject::eventFilter(watched, event);
}

bool SetupPage::Impl::handleDrop(QEvent* event) {
    auto* drop = static_cast<QDropEvent*>(event);
    const QString file = droppedYaml(drop->mimeData());
    if (file.isEmpty())
        return false;
    drop->acceptProposedAction();
    if (event->type() == QEvent::Drop) {
        QString error;
        if (!doc->load(file, &error))
            status->setText(error);
    }
    return true;
}

SetupPage::SetupPage(ExperimentDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_impl(std::make_unique<Impl>(this, document)) {
    m_impl->build();
}

SetupPage::~SetupPage() {
    // The impl is a child QObject as well; release it first so QObject does not delete it a second time.
    m_impl->setParent(nullptr);
}

QWidget* SetupPage::editorFor(const QString& fieldPath) const {
    static const QRegularExpression scenario(QStringLiteral(R"(^scenarios\[(\d+)\]\.)"));
    if (const auto match = scenario.match(fieldPath); match.hasMatch())
        m_impl->selectScenario(match.captured(1).toInt());
    return m_impl->binder->editorFor(fieldPath);
}

QString SetupPage::inlineMessageFor(const QString& fieldPath) const {
    if (fieldPath == QStringLiteral("scenarios[%1]").arg(m_impl->currentScenario))
        return m_impl->scenarioMessage->text();
    return m_impl->binder->messageFor(fieldPath);
}

} // namespace faaswb::ui
