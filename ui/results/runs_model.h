// RunsModel: the runs of a results database as a table (one row per run; IDs, labels, the sweep point, status, the
// threshold outcome ("Checks": pass / FAIL / —), counts, rates and latency percentiles with units in the headers).
// Qt::UserRole (SortRole) gives each cell's sort key — numbers as numbers, so sorting by p99 is numeric. RunIdRole
// gives the run id in every column. UI thread only.
#pragma once

#include "ui/results/results_loader.h"

#include <QAbstractTableModel>
#include <optional>

namespace faaswb::ui {

class RunsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Id,
        Started,
        Experiment,
        Scenario,
        Sweep,
        Benchmark,
        Language,
        Platform,
        Status,
        Checks,
        Requests,
        Errors,
        ErrorRate,
        Achieved,
        P50,
        P99,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, RunIdRole };

    using QAbstractTableModel::QAbstractTableModel;

    void setRuns(QList<RunInfo> runs);
    const QList<RunInfo>& runs() const { return m_runs; }
    const RunInfo& run(int row) const { return m_runs.at(row); }
    int rowOfRun(qint64 runId) const; // -1 when absent

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const RunInfo& run, int column) const;
    QVariant sortKey(const RunInfo& run, int column) const;
    QVariant foreground(const RunInfo& run, int column) const;
    QVariant font(const RunInfo& run, int column) const;
    QVariant toolTip(const RunInfo& run, int column) const;
    QList<RunInfo> m_runs;
};

// Error rate in percent, or nothing when the run has no requests.
std::optional<double> errorRatePercent(quint64 requests, quint64 errors);

} // namespace faaswb::ui
