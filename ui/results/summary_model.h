// SummaryModel: the headline numbers of one or more runs, one row per metric (units in the row labels), one value
// column per run; after the first run (the baseline) each run also gets "Δ vs #<baseline>" and "% change" columns.
// Deltas are coloured by whether they are better or worse (latency up: red). ValueRole gives the raw number of a
// numeric cell. Used by the run detail (one run) and the compare page. UI thread only.
#pragma once

#include "ui/results/results_loader.h"

#include <QAbstractTableModel>
#include <optional>

namespace faaswb::ui {

class SummaryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Metric {
        Requests,
        Errors,
        ErrorRate,
        Achieved,
        P50,
        P90,
        P99,
        P999,
        Max,
        ColdStarts,
        Duration,
        Platform,
        Status,
        Message,
        MetricCount
    };
    enum Role { ValueRole = Qt::UserRole };
    enum class ColumnKind { Value, Delta, PercentChange };
    struct ColumnRef {
        int run = 0;
        ColumnKind kind = ColumnKind::Value;
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setRuns(QList<RunInfo> runs); // the first is the baseline
    void setTextRows(bool shown);      // Platform, Status and Message rows (default: shown)
    const QList<RunInfo>& runs() const { return m_runs; }
    static ColumnRef columnRef(int column);
    static int valueColumn(int run);
    static std::optional<double> metricValue(const RunInfo& run, Metric metric); // nothing for text or missing data

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::optional<double> cellValue(Metric metric, ColumnRef ref) const;
    QString cellText(Metric metric, ColumnRef ref) const;
    QVariant cellColor(Metric metric, ColumnRef ref) const;
    QList<RunInfo> m_runs;
    bool m_textRows = true;
};

} // namespace faaswb::ui
