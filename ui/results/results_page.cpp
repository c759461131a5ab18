#include "ui/results/results_page.h"

#include "ui/results/results_format.h"
#include "ui/results/results_page_impl.h"
#include "ui/results/run_detail.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace faaswb::ui {

ResultsPage::Impl::Impl(ResultsPage* page)
    : q(page)
    , runsJob(page)
    , writeJob(page) {}

void ResultsPage::Impl::setupTopBar() {
    databaseLabel = new QLabel(q);
    databaseLabel->setObjectName(QStringLiteral("databaseLabel"));
    databaseLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    refreshButton = new QPushButton(ResultsPage::tr("Refresh"), q);
    refreshButton->setObjectName(QStringLiteral("refreshButton"));
    refreshButton->setToolTip(ResultsPage::tr("Read the database again"));
    messageLabel = new QLabel(q);
    messageLabel->setObjectName(QStringLiteral("resultsMessage"));
    messageLabel->setWordWrap(true);
    messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    messageLabel->hide();
}

void ResultsPage::Impl::setupFilters() {
    filterText = new QLineEdit(q);
    filterText->setObjectName(QStringLiteral("filterText"));
    filterText->setPlaceholderText(ResultsPage::tr("Filter runs: ID, experiment, scenario, benchmark, message…"));
    filterText->setClearButtonEnabled(true);
    for (const RunField field : kAllRunFields) {
        auto* combo = new QComboBox(q);
        combo->setObjectName(QStringLiteral("filter") + runFieldLabel(field).remove(QLatin1Char(' ')));
        combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        combo->addItem(ResultsPage::tr("All"), QString());
        filterCombos.at(static_cast<std::size_t>(field)) = combo;
    }
}

void ResultsPage::Impl::setupTable() {
    model = new RunsModel(q);
    proxy = new RunsFilter(q);
    proxy->setSourceModel(model);
    table = new QTableView(q);
    table->setObjectName(QStringLiteral("runsTable"));
    table->setModel(proxy);
    table->setSortingEnabled(true);
    table->sortByColumn(RunsModel::Id, Qt::DescendingOrder); // newest first
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setHighlightSections(false);
}

void ResultsPage::Impl::setupTableButtons() {
    placeholder = new QLabel(q);
    placeholder->setObjectName(QStringLiteral("resultsPlaceholder"));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setWordWrap(true);
    placeholder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    countLabel = new QLabel(q);
    compareButton = new QPushButton(ResultsPage::tr("Compare"), q);
    compareButton->setObjectName(QStringLiteral("compareButton"));
    compareButton->setToolTip(ResultsPage::tr("Compare the selected runs (select two or more)"));
    summaryButton = new QPushButton(ResultsPage::tr("Summarize"), q);
    summaryButton->setObjectName(QStringLiteral("summaryButton"));
    summaryButton->setToolTip(ResultsPage::tr("Medians and 95% CIs of the selected runs per sweep point, in the "
                                              "Summary view"));
    deleteButton = new QPushButton(ResultsPage::tr("Delete…"), q);
    deleteButton->setObjectName(QStringLiteral("deleteButton"));
    exportButton = new QPushButton(ResultsPage::tr("Export CSV…"), q);
    exportButton->setObjectName(QStringLiteral("exportButton"));
    exportButton->setToolTip(ResultsPage::tr("Write CSV files of the selected runs (all runs when none is selected)"));
}

QLayout* ResultsPage::Impl::filterRow() {
    auto* filters = new QHBoxLayout;
    filters->addWidget(filterText, 1);
    for (const RunField field : kAllRunFields) {
        filters->addSpacing(6);
        filters->addWidget(new QLabel(runFieldLabel(field) + QLatin1Char(':'), q));
        filters->addWidget(filterCombos.at(static_cast<std::size_t>(field)));
    }
    return filters;
}

// The table with its buttons, or the placeholder when there is nothing to list.
QWidget* ResultsPage::Impl::runsArea() {
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(countLabel, 1);
    buttons->addWidget(compareButton);
    buttons->addWidget(summaryButton);
    buttons->addWidget(deleteButton);
    buttons->addWidget(exportButton);
    tablePage = new QWidget(q);
    auto* tableLayout = new QVBoxLayout(tablePage);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(table, 1);
    tableLayout->addLayout(buttons);
    stack = new QStackedWidget(q);
    stack->addWidget(tablePage);
    stack->addWidget(placeholder);
    return stack;
}

void ResultsPage::Impl::setupLayout() {
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(ResultsPage::tr("Database:"), q));
    top->addWidget(databaseLabel, 1);
    top->addWidget(refreshButton);
    detail = new RunDetail(q);
    auto* splitter = new QSplitter(Qt::Vertical, q);
    splitter->addWidget(runsArea());
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(q);
    layout->addLayout(top);
    layout->addWidget(messageLabel);
    layout->addLayout(filterRow());
    layout->addWidget(splitter, 1);
}

void ResultsPage::Impl::load() {
    if (path.isEmpty()) {
        runsJob.cancel();
        model->setRuns({});
        showPlaceholder(ResultsPage::tr("No results database selected."));
        emit q->loaded();
        return;
    }
    rememberSelection();
    countLabel->setText(ResultsPage::tr("Loading…"));
    runsJob.start([databasePath = path] { return loadRuns(databasePath); },
                  [this](const RunsSnapshot& snapshot) { applyRuns(snapshot); });
}

void ResultsPage::Impl::applyRuns(const RunsSnapshot& snapshot) {
    model->setRuns(snapshot.runs);
    fillFilterCombos();
    if (!snapshot.error.isEmpty()) {
        hasPendingSelection = false;
        showPlaceholder(snapshot.error);
        setMessage(snapshot.error, true);
    } else if (snapshot.runs.isEmpty()) {
        hasPendingSelection = false;
        showPlaceholder(ResultsPage::tr("No runs yet in %1 — run an experiment.").arg(path));
    } else {
        if (messageIsError)
            setMessage(QString(), false); // the database reads again: the old error is stale
        stack->setCurrentWidget(tablePage);
        fitColumnsToContents(*table);
        restoreSelection();
    }
    updateCounts();
    updateButtons();
    emit q->loaded();
}

void ResultsPage::Impl::showPlaceholder(const QString& text) {
    placeholder->setText(text);
    stack->setCurrentWidget(placeholder);
    detail->clear(QString());
    updateButtons();
}

// Each combo offers the values present in the data; a chosen value that disappeared falls back to "All".
void ResultsPage::Impl::fillFilterCombos() {
    for (const RunField field : kAllRunFields) {
        QComboBox* combo = filterCombos.at(static_cast<std::size_t>(field));
        const QString chosen = combo->currentData().toString();
        QSet<QString> values;
        for (const RunInfo& run : model->runs())
            values.insert(runFieldValue(run, field));
        QStringList sorted(values.cbegin(), values.cend());
        std::sort(sorted.begin(), sorted.end());
        const QSignalBlocker blocker(combo);
        combo->clear();
        combo->addItem(ResultsPage::tr("All"), QString());
        for (const QString& value : std::as_const(sorted))
            combo->addItem(value.isEmpty() ? ResultsPage::tr("(none)") : value, value);
        const int index = chosen.isEmpty() ? 0 : combo->findData(chosen);
        combo->setCurrentIndex(std::max(index, 0));
        proxy->setFieldFilter(field, combo->currentData().toString());
    }
}

void ResultsPage::Impl::updateCounts() {
    const int total = model->rowCount();
    const int shown = proxy->rowCount();
    const auto selected = static_cast<int>(q->selectedRuns().size());
    QString text = shown == total ? ResultsPage::tr("%n run(s)", "", total)
                                  : ResultsPage::tr("%1 of %n run(s) shown", "", total).arg(shown);
    if (selected > 0)
        text += ResultsPage::tr(", %1 selected").arg(selected);
    countLabel->setText(text);
}

void ResultsPage::Impl::setMessage(const QString& text, bool error) {
    messageLabel->setText(text);
    messageLabel->setStyleSheet(error ? QStringLiteral("color: %1;").arg(worseColor().name()) : QString());
    messageLabel->setVisible(!text.isEmpty());
    messageIsError = error && !text.isEmpty();
}

ResultsPage::ResultsPage(QWidget* parent)
    : QWidget(parent)
    , m_impl(std::make_unique<Impl>(this)) {
    m_impl->setupTopBar();
    m_impl->setupFilters();
    m_impl->setupTable();
    m_impl->setupTableButtons();
    m_impl->setupLayout();
    m_impl->connectActions();
    m_impl->databaseLabel->setText(tr("(none)"));
    m_impl->showPlaceholder(tr("No results database selected."));
}

// The children go first, while the Impl their connections call into is still alive (a selection model, for one,
// signals while its view is destroyed).
ResultsPage::~ResultsPage() {
    qDeleteAll(findChildren<QObject*>(Qt::FindDirectChildrenOnly));
}

void ResultsPage::setDatabase(const QString& path) {
    m_impl->path = path;
    m_impl->databaseLabel->setText(path.isEmpty() ? tr("(none)") : path);
    m_impl->setMessage(QString(), false);
    m_impl->hasPendingSelection = false;
    m_impl->detail->clear(QString());
    refresh();
}

QString ResultsPage::database() const {
    return m_impl->path;
}

QAbstractItemModel* ResultsPage::runsModel() const {
    return m_impl->model;
}

void ResultsPage::setConfirmDeletes(bool confirm) {
    m_impl->confirmDeletes = confirm;
}

void ResultsPage::refresh() {
    m_impl->load();
}

} // namespace faaswb::ui
