// ResultsPage: selection, detail, Compare, Delete and Export (the layout and loading are in results_page.cpp).
#include "ui/results/results_page.h"
#include "ui/results/results_page_impl.h"
#include "ui/results/run_detail.h"

#include <QComboBox>
#include <QFileDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <algorithm>

namespace faaswb::ui {
namespace {

QString idList(const QList<qint64>& ids) {
    QStringList parts;
    for (const qint64 id : ids)
        parts << QStringLiteral("#%1").arg(id);
    return parts.join(QStringLiteral(", "));
}

} // namespace

void ResultsPage::Impl::connectActions() {
    QObject::connect(refreshButton, &QPushButton::clicked, q, &ResultsPage::refresh);
    QObject::connect(filterText, &QLineEdit::textChanged, q, [this](const QString& text) {
        proxy->setText(text);
        updateCounts();
    });
    for (const RunField field : kAllRunFields) {
        QComboBox* combo = filterCombos.at(static_cast<std::size_t>(field));
        QObject::connect(combo, &QComboBox::currentIndexChanged, q, [this, field, combo] {
            proxy->setFieldFilter(field, combo->currentData().toString());
            updateCounts();
        });
    }
    QObject::connect(table->selectionModel(), &QItemSelectionModel::selectionChanged, q, [this] {
        updateButtons();
        updateCounts();
    });
    QObject::connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, q,
                     [this] { onCurrentChanged(); });
    QObject::connect(compareButton, &QPushButton::clicked, q, [this] { emit q->compareRequested(q->selectedRuns()); });
    QObject::connect(summaryButton, &QPushButton::clicked, q, [this] { emit q->summaryRequested(q->selectedRuns()); });
    QObject::connect(deleteButton, &QPushButton::clicked, q, [this] { deleteSelected(); });
    QObject::connect(exportButton, &QPushButton::clicked, q, [this] { chooseExportDir(); });
    QObject::connect(detail, &RunDetail::loaded, q, &ResultsPage::detailLoaded);
}

// Keeps what the user selected across a reload, unless selectRuns() asked for something else meanwhile.
void ResultsPage::Impl::rememberSelection() {
    if (hasPendingSelection)
        return;
    pendingSelection = q->selectedRuns();
    pendingCurrent = currentRunId();
    hasPendingSelection = true;
}

void ResultsPage::Impl::restoreSelection() {
    const QList<qint64> ids = hasPendingSelection ? pendingSelection : QList<qint64>();
    const qint64 current = hasPendingSelection ? pendingCurrent : 0;
    hasPendingSelection = false;
    restoring = true;
    applySelection(ids, current);
    if (!table->selectionModel()->hasSelection() && proxy->rowCount() > 0)
        applySelection({proxy->index(0, 0).data(RunsModel::RunIdRole).toLongLong()}, 0);
    restoring = false;
    const qint64 shown = currentRunId();
    if (shown != 0)
        detail->showRun(path, shown); // reload: the run may have changed (finished, more intervals)
    else
        detail->clear(ResultsPage::tr("Select a run to see its summary and charts."));
}

void ResultsPage::Impl::applySelection(const QList<qint64>& runIds, qint64 currentId) {
    QItemSelection selection;
    QModelIndex current;
    for (const qint64 id : runIds) {
        const int row = model->rowOfRun(id);
        const QModelIndex index = row < 0 ? QModelIndex() : proxy->mapFromSource(model->index(row, 0));
        if (!index.isValid())
            continue; // deleted or filtered out
        selection.select(index, index);
        if (!current.isValid() || id == currentId)
            current = index;
    }
    auto* selectionModel = table->selectionModel();
    selectionModel->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (current.isValid()) {
        selectionModel->setCurrentIndex(current, QItemSelectionModel::NoUpdate);
        table->scrollTo(current);
    }
}

qint64 ResultsPage::Impl::currentRunId() const {
    const QModelIndex current = table->selectionModel()->currentIndex();
    return current.isValid() ? current.data(RunsModel::RunIdRole).toLongLong() : 0;
}

void ResultsPage::Impl::onCurrentChanged() {
    const qint64 id = currentRunId();
    if (restoring || id == 0 || id == detail->runId())
        return;
    detail->showRun(path, id);
}

void ResultsPage::Impl::updateButtons() {
    const auto selected = q->selectedRuns().size();
    const bool haveRuns = stack->currentWidget() == tablePage && model->rowCount() > 0;
    compareButton->setEnabled(haveRuns && selected >= 2);
    summaryButton->setEnabled(haveRuns && selected >= 1);
    deleteButton->setEnabled(haveRuns && selected >= 1 && !writeJob.busy());
    exportButton->setEnabled(haveRuns && !writeJob.busy());
}

void ResultsPage::Impl::deleteSelected() {
    const QList<qint64> ids = q->selectedRuns();
    if (ids.isEmpty())
        return;
    if (confirmDeletes) {
        const QString question = ResultsPage::tr("Delete %n run(s) (%1) and all their data from %2?\n"
                                                 "This cannot be undone.",
                                                 "", static_cast<int>(ids.size()))
                                     .arg(idList(ids), path);
        if (QMessageBox::question(q, ResultsPage::tr("Delete runs"), question, QMessageBox::Yes | QMessageBox::Cancel,
                                  QMessageBox::Cancel) != QMessageBox::Yes)
            return;
    }
    writeJob.start([databasePath = path, ids] { return deleteRuns(databasePath, ids); },
                   [this, ids](const QString& error) {
                       setMessage(error.isEmpty() ? ResultsPage::tr("Deleted %1.").arg(idList(ids)) : error,
                                  !error.isEmpty());
                       load();
                   });
    updateButtons();
}

void ResultsPage::Impl::chooseExportDir() {
    const QString dir = QFileDialog::getExistingDirectory(q, ResultsPage::tr("Export CSV files into folder"));
    if (!dir.isEmpty())
        q->exportCsv(q->selectedRuns(), dir);
}

void ResultsPage::exportCsv(const QList<qint64>& runIds, const QString& outDir) {
    Impl& d = *m_impl;
    d.writeJob.start([databasePath = d.path, runIds, outDir] { return exportRunsCsv(databasePath, runIds, outDir); },
                     [this, runIds, outDir](const QString& error) {
                         const QString what = runIds.isEmpty() ? tr("all runs") : idList(runIds);
                         m_impl->setMessage(error.isEmpty() ? tr("Exported %1 as CSV to %2").arg(what, outDir) : error,
                                            !error.isEmpty());
                         m_impl->updateButtons();
                         emit exportFinished(error);
                     });
    d.updateButtons();
}

void ResultsPage::selectRuns(const QList<qint64>& runIds) {
    Impl& d = *m_impl;
    if (d.runsJob.busy()) { // the runs may not be listed yet: select them when the load arrives
        d.pendingSelection = runIds;
        d.pendingCurrent = runIds.isEmpty() ? 0 : runIds.first();
        d.hasPendingSelection = true;
        return;
    }
    d.applySelection(runIds, runIds.isEmpty() ? 0 : runIds.first());
}

QList<qint64> ResultsPage::selectedRuns() const {
    QModelIndexList rows = m_impl->table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QList<qint64> ids;
    ids.reserve(rows.size());
    for (const QModelIndex& index : std::as_const(rows))
        ids.push_back(index.data(RunsModel::RunIdRole).toLongLong());
    return ids;
}

} // namespace faaswb::ui
