#include "ui/summary/summary_page.h"

#include "ui/results/results_format.h"
#include "ui/summary/summary_page_impl.h"
#include "ui/summary/summary_table_model.h"

#include <QChartView>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <sstream>

namespace faaswb::ui {
namespace {

constexpr qint64 kSelectedRuns = -1; // the source combo's id for the chosen runs

QString experimentText(const ExperimentChoice& experiment) {
    const QString started = experiment.startedAt.left(16).replace(QLatin1Char('T'), QLatin1Char(' '));
    return SummaryPage::tr("%1 (#%2) · %n run(s) · %3", "", experiment.runs)
        .arg(experiment.name)
        .arg(experiment.id)
        .arg(started);
}

} // namespace

SummaryPage::Impl::Impl(SummaryPage* page)
    : q(page)
    , listJob(page)
    , summaryJob(page) {}

QWidget* SummaryPage::Impl::buildTopBar() {
    auto* bar = new QWidget(q);
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    source = new QComboBox(bar);
    source->setObjectName(QStringLiteral("summarySource"));
    source->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    source->setToolTip(SummaryPage::tr("The experiment (or the runs chosen in Results) to summarize"));
    refreshButton = new QPushButton(SummaryPage::tr("Refresh"), bar);
    csvButton = new QPushButton(SummaryPage::tr("Export CSV…"), bar);
    csvButton->setObjectName(QStringLiteral("summaryCsvButton"));
    csvButton->setToolTip(SummaryPage::tr("Write the summary table (means, medians and their 95% CIs) as CSV"));
    message = new QLabel(bar);
    message->setObjectName(QStringLiteral("summaryMessage"));
    message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(new QLabel(SummaryPage::tr("Summarize:"), bar));
    layout->addWidget(source);
    layout->addWidget(refreshButton);
    layout->addWidget(message, 1);
    layout->addWidget(csvButton);
    QObject::connect(source, &QComboBox::activated, q, [this] {
        wantedExperiment = 0;
        loadSummary();
    });
    QObject::connect(refreshButton, &QPushButton::clicked, q, &SummaryPage::refresh);
    QObject::connect(csvButton, &QPushButton::clicked, q, [this] { exportCsv(); });
    return bar;
}

QWidget* SummaryPage::Impl::buildTable() {
    model = new SummaryTableModel(q);
    proxy = new QSortFilterProxyModel(q);
    proxy->setSourceModel(model);
    proxy->setSortRole(SummaryTableModel::SortRole);
    table = new QTableView(q);
    table->setObjectName(QStringLiteral("summaryTable"));
    table->setModel(proxy);
    table->setSortingEnabled(true);
    table->sortByColumn(-1, Qt::AscendingOrder); // table order (the sweep's order) until the user sorts
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setHighlightSections(false);
    useCompactRows(*table);
    return table;
}

void SummaryPage::Impl::setMessage(const QString& text, bool error) {
    message->setText(text);
    message->setStyleSheet(error ? QStringLiteral("color: %1;").arg(worseColor().name()) : QString());
}

void SummaryPage::Impl::loadExperiments() {
    if (path.isEmpty()) {
        listJob.cancel();
        summaryJob.cancel();
        source->clear();
        applySummary({SummaryPage::tr("No results database selected."), {}, {}});
        return;
    }
    listJob.start([databasePath = path] { return ui::loadExperiments(databasePath); },
                  [this](const ExperimentList& list) { applyExperiments(list); });
}

// Keeps the source shown before when it still exists; otherwise the newest experiment.
void SummaryPage::Impl::applyExperiments(const ExperimentList& list) {
    qint64 current = wantedExperiment != 0 ? wantedExperiment
                     : source->count() > 0 ? source->currentData().toLongLong()
                                           : 0;
    if (wantNewest && !list.experiments.isEmpty())
        current = list.experiments.first().id;
    wantedExperiment = 0;
    wantNewest = false;
    const QSignalBlocker blocker(source);
    source->clear();
    if (!chosenRuns.isEmpty())
        source->addItem(SummaryPage::tr("Selected runs (%1)").arg(chosenRuns.size()), kSelectedRuns);
    for (const ExperimentChoice& experiment : list.experiments)
        source->addItem(experimentText(experiment), experiment.id);
    const int index = source->findData(current);
    source->setCurrentIndex(index >= 0 ? index : 0);
    if (!list.error.isEmpty()) {
        applySummary({list.error, {}, {}});
        return;
    }
    if (source->count() == 0) {
        applySummary({SummaryPage::tr("No runs yet in %1 — run an experiment.").arg(path), {}, {}});
        return;
    }
    loadSummary();
}

void SummaryPage::Impl::loadSummary() {
    const qint64 id = source->currentData().toLongLong();
    if (path.isEmpty() || source->count() == 0)
        return;
    setMessage(SummaryPage::tr("Loading…"), false);
    if (id == kSelectedRuns)
        summaryJob.start([databasePath = path, ids = chosenRuns] { return loadRunsSummary(databasePath, ids); },
                         [this](const SummaryData& answer) { applySummary(answer); });
    else
        summaryJob.start([databasePath = path, id] { return loadExperimentSummary(databasePath, id); },
                         [this](const SummaryData& answer) { applySummary(answer); });
}

void SummaryPage::Impl::applySummary(const SummaryData& answer) {
    data = answer;
    model->setTable(answer.table);
    fitColumnsToContents(*table);
    // The last column does not stretch here, so it is sized like the others: a wide metric header stays readable.
    table->horizontalHeader()->setStretchLastSection(false);
    if (const int last = model->columnCount() - 1; last >= 0)
        table->resizeColumnToContents(last);
    if (!answer.error.isEmpty())
        setMessage(answer.error, true);
    else
        setMessage(SummaryPage::tr("%n run(s) in %1 row(s) · medians over the repeats; hover a value for its 95% CI",
                                   "", static_cast<int>(answer.runIds.size()))
                       .arg(answer.table.rows.size()),
                   false);
    csvButton->setEnabled(!answer.table.rows.empty());
    fillScenarioCombo();
    emit q->loaded();
}

void SummaryPage::Impl::exportCsv() {
    const QString file =
        QFileDialog::getSaveFileName(q, SummaryPage::tr("Export the summary as CSV"), QStringLiteral("scenarios.csv"),
                                     SummaryPage::tr("CSV files (*.csv)"));
    if (file.isEmpty())
        return;
    std::ostringstream csv;
    analysis::writeSummaryCsv(data.table, csv);
    QSaveFile out(file);
    const QByteArray bytes = QByteArray::fromStdString(csv.str());
    const bool ok = out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size() && out.commit();
    setMessage(ok ? SummaryPage::tr("Wrote %1").arg(file)
                  : SummaryPage::tr("Could not write %1: %2").arg(file, out.errorString()),
               !ok);
}

SummaryPage::SummaryPage(QWidget* parent)
    : QWidget(parent)
    , m_impl(std::make_unique<Impl>(this)) {
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_impl->buildTable());
    splitter->addWidget(m_impl->buildChartArea());
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_impl->buildTopBar());
    layout->addWidget(splitter, 1);
    m_impl->applySummary({tr("No results database selected."), {}, {}});
}

// The children go first, while the Impl their connections call into is still alive.
SummaryPage::~SummaryPage() {
    qDeleteAll(findChildren<QObject*>(Qt::FindDirectChildrenOnly));
}

void SummaryPage::setDatabase(const QString& path) {
    if (path != m_impl->path) {
        m_impl->chosenRuns.clear();
        m_impl->source->clear();
    }
    m_impl->path = path;
    refresh();
}

QString SummaryPage::database() const {
    return m_impl->path;
}

void SummaryPage::showExperiment(qint64 experimentId) {
    m_impl->wantedExperiment = experimentId;
    refresh();
}

void SummaryPage::showNewestExperiment() {
    m_impl->wantNewest = true;
    refresh();
}

void SummaryPage::showRuns(const QList<qint64>& runIds) {
    m_impl->chosenRuns = runIds;
    m_impl->wantedExperiment = runIds.isEmpty() ? 0 : kSelectedRuns;
    refresh();
}

QAbstractItemModel* SummaryPage::tableModel() const {
    return m_impl->model;
}

QChart* SummaryPage::chart() const {
    return m_impl->chartView->chart();
}

QList<qint64> SummaryPage::summarizedRuns() const {
    return m_impl->data.runIds;
}

void SummaryPage::refresh() {
    m_impl->loadExperiments();
}

} // namespace faaswb::ui
