#include "ui/start/start_page.h"

#include "ui/settings/app_settings.h"
#include "ui/start/start_examples.h"
#include "ui/start/start_page_impl.h"

#include <QApplication>
#include <QCommandLinkButton>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QVBoxLayout>

namespace faaswb::ui {
namespace {

constexpr int kExampleColumns = 3;
constexpr int kContentMaxWidth = 1100;

QLabel* scaledLabel(const QString& text, double scale, bool bold) {
    auto* label = new QLabel(text);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * scale);
    font.setBold(bold);
    label->setFont(font);
    return label;
}

QCommandLinkButton* actionCard(const QIcon& icon, const QString& title, const QString& description) {
    auto* button = new QCommandLinkButton(title, description);
    if (!icon.isNull()) // the style's small icons scaled up, so every card's text starts at the same column
        button->setIcon(
            QIcon(icon.pixmap(QSize(64, 64)).scaled(24, 24, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    button->setIconSize(QSize(24, 24));
    return button;
}

// deleteLater: the button being clicked may be among them (opening a recent file refreshes the list).
void clearLayout(QLayout* layout) {
    while (QLayoutItem* item = layout->takeAt(0)) {
        if (QWidget* widget = item->widget()) {
            widget->hide();
            widget->deleteLater();
        }
        delete item;
    }
}

// "~/experiments" instead of "/home/me/experiments": shorter, and the same folder.
QString displayFolder(const QString& path) {
    const QString folder = QFileInfo(path).absolutePath();
    const QString home = QDir::homePath();
    return folder.startsWith(home) ? QStringLiteral("~") + folder.mid(home.size()) : folder;
}

} // namespace

QLabel* sectionTitle(const QString& text) {
    QLabel* label = scaledLabel(text, 1.15, true);
    label->setContentsMargins(0, 8, 0, 2);
    return label;
}

StartPage::StartPage(QWidget* parent)
    : QWidget(parent)
    , m_impl(std::make_unique<Impl>(this)) {
    setObjectName(QStringLiteral("startPage"));
    auto& d = *m_impl;
    auto* column = new QWidget;
    column->setMaximumWidth(kContentMaxWidth);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(32, 28, 32, 28);
    layout->setSpacing(14);
    layout->addWidget(d.buildHeader());
    auto* top = new QHBoxLayout;
    top->setSpacing(36);
    top->addWidget(d.buildStartColumn(), 1);
    top->addWidget(d.buildRecentColumn(), 1);
    layout->addLayout(top);
    layout->addWidget(d.buildExamples());
    layout->addStretch(1);

    auto* content = new QWidget;
    auto* centering = new QHBoxLayout(content);
    centering->addStretch(0);
    centering->addWidget(column, 1);
    centering->addStretch(0);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    refresh();
}

StartPage::~StartPage() = default;

QWidget* StartPage::Impl::buildHeader() {
    auto* header = new QWidget;
    auto* layout = new QHBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 8);
    layout->setSpacing(16);
    const QIcon icon = QApplication::windowIcon();
    if (!icon.isNull()) {
        auto* logo = new QLabel;
        logo->setPixmap(icon.pixmap(56, 56));
        layout->addWidget(logo, 0, Qt::AlignTop);
    }
    auto* text = new QVBoxLayout;
    text->setSpacing(4);
    text->addWidget(scaledLabel(tr("FaaS Workbench"), 2.0, true));
    QLabel* tagline = scaledLabel(tr("Benchmark serverless platforms: deploy functions, send load, watch the "
                                     "autoscaler live, then compare and export the results."),
                                  1.05, false);
    tagline->setWordWrap(true);
    tagline->setForegroundRole(QPalette::PlaceholderText);
    text->addWidget(tagline);
    layout->addLayout(text, 1);
    return header;
}

QWidget* StartPage::Impl::buildStartColumn() {
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(sectionTitle(tr("Start")));
    QStyle* style = q->style();
    quickstart = actionCard(style->standardIcon(QStyle::SP_CommandLink), tr("Quickstart"),
                            tr("Warm latency, cold starts and autoscaling on the built-in local platform"));
    quickstart->setObjectName(QStringLiteral("quickstart"));
    QObject::connect(quickstart, &QAbstractButton::clicked, q,
                     [this] { emit q->openRequested(quickstart->property("path").toString()); });
    auto* blank = actionCard(style->standardIcon(QStyle::SP_FileIcon), tr("New experiment"),
                             tr("An empty experiment to fill in on the Setup page"));
    QObject::connect(blank, &QAbstractButton::clicked, q, &StartPage::newExperimentRequested);
    auto* open = actionCard(style->standardIcon(QStyle::SP_DirOpenIcon), tr("Open an experiment…"),
                            tr("A YAML experiment file, the same one the command line runs"));
    QObject::connect(open, &QAbstractButton::clicked, q, &StartPage::openDialogRequested);
    auto* cluster = actionCard(style->standardIcon(QStyle::SP_DriveNetIcon), tr("Connect a cluster…"),
                               tr("Pick a kubeconfig and a context: a new experiment on its Knative"));
    cluster->setObjectName(QStringLiteral("connectCluster"));
    QObject::connect(cluster, &QAbstractButton::clicked, q, [this] { pickKubeconfig(); });
    for (QWidget* widget : {static_cast<QWidget*>(quickstart), static_cast<QWidget*>(blank),
                            static_cast<QWidget*>(open), static_cast<QWidget*>(cluster)})
        layout->addWidget(widget);
    layout->addWidget(buildClusterPanel());
    layout->addStretch(1);
    return box;
}

QWidget* StartPage::Impl::buildRecentColumn() {
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* titleRow = new QHBoxLayout;
    titleRow->addWidget(sectionTitle(tr("Recent files")));
    titleRow->addStretch(1);
    clearRecent = new QPushButton(tr("Clear"));
    clearRecent->setObjectName(QStringLiteral("clearRecent"));
    clearRecent->setFlat(true);
    QObject::connect(clearRecent, &QPushButton::clicked, q, [this] {
        AppSettings().clearRecentFiles();
        fillRecent();
        emit q->recentFilesChanged();
    });
    titleRow->addWidget(clearRecent, 0, Qt::AlignBottom);
    layout->addLayout(titleRow);
    recentEmpty = new QLabel(tr("Experiments you open or save appear here."));
    recentEmpty->setForegroundRole(QPalette::PlaceholderText);
    recentEmpty->setContentsMargins(8, 6, 0, 0);
    layout->addWidget(recentEmpty);
    recentList = new QVBoxLayout;
    recentList->setSpacing(0);
    layout->addLayout(recentList);
    layout->addStretch(1);
    return box;
}

QWidget* StartPage::Impl::buildExamples() {
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(sectionTitle(tr("Scenario examples")));
    examplesEmpty = new QLabel(tr("No example experiments found in %1").arg(experimentsDir()));
    examplesEmpty->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(examplesEmpty);
    examplesGrid = new QGridLayout;
    examplesGrid->setHorizontalSpacing(8);
    examplesGrid->setVerticalSpacing(2);
    layout->addLayout(examplesGrid);
    return box;
}

void StartPage::Impl::fillExamples() {
    const QList<StartExample> found = startExamples();
    QStringList paths;
    for (const StartExample& example : found)
        paths.append(example.path);
    QStringList shown;
    for (const QAbstractButton* button : std::as_const(examples))
        shown.append(button->property("path").toString());
    if (!examples.isEmpty() && paths == shown)
        return; // unchanged: keep the cards (and their focus)
    clearLayout(examplesGrid);
    examples.clear();
    const QIcon icon = q->style()->standardIcon(QStyle::SP_FileDialogDetailedView);
    for (const StartExample& example : found) {
        QCommandLinkButton* card = actionCard(icon, example.title, example.description);
        card->setObjectName(QStringLiteral("example-") + example.type);
        card->setProperty("path", example.path);
        card->setToolTip(example.path);
        QObject::connect(card, &QAbstractButton::clicked, q,
                         [this, path = example.path] { emit q->openRequested(path); });
        const int index = static_cast<int>(examples.size());
        examplesGrid->addWidget(card, index / kExampleColumns, index % kExampleColumns);
        examples.append(card);
    }
    for (int column = 0; column < kExampleColumns; ++column)
        examplesGrid->setColumnStretch(column, 1);
    examplesEmpty->setVisible(found.isEmpty());
}

void StartPage::Impl::fillRecent() {
    clearLayout(recentList);
    recent.clear();
    const QStringList files = AppSettings().recentFiles();
    for (const QString& path : files) {
        const bool exists = QFileInfo::exists(path);
        const QString name = QFileInfo(path).fileName();
        QCommandLinkButton* entry =
            actionCard(q->style()->standardIcon(exists ? QStyle::SP_FileIcon : QStyle::SP_MessageBoxWarning),
                       exists ? name : tr("%1 (missing)").arg(name), displayFolder(path));
        entry->setIconSize(QSize(16, 16));
        entry->setProperty("path", path);
        entry->setToolTip(path);
        entry->setEnabled(exists);
        QObject::connect(entry, &QAbstractButton::clicked, q, [this, path] { emit q->openRequested(path); });
        recentList->addWidget(entry);
        recent.append(entry);
    }
    recentEmpty->setVisible(files.isEmpty());
    clearRecent->setEnabled(!files.isEmpty());
}

void StartPage::refresh() {
    auto& d = *m_impl;
    const QString quickstart = quickstartPath();
    d.quickstart->setProperty("path", quickstart);
    d.quickstart->setToolTip(quickstart);
    d.quickstart->setEnabled(!quickstart.isEmpty());
    d.fillExamples();
    d.fillRecent();
}

QAbstractButton* StartPage::quickstartButton() const {
    return m_impl->quickstart;
}

QList<QAbstractButton*> StartPage::exampleButtons() const {
    return m_impl->examples;
}

QList<QAbstractButton*> StartPage::recentButtons() const {
    return m_impl->recent;
}

} // namespace faaswb::ui
