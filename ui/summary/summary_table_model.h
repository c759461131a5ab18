// SummaryTableModel: an analysis::SummaryTable as a table — scenario, benchmark, language, one column per sweep key,
// the runs aggregated (failed ones in the tooltip), runs whose thresholds failed, then per metric the median over the
// repeats with the unit in the header and the 95% confidence intervals (median and mean) in the tooltip.
// SortRole sorts numbers as numbers. UI thread only.
#pragma once

#include "analysis/summary.h"

#include <QAbstractTableModel>

namespace faaswb::ui {

class SummaryTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role { SortRole = Qt::UserRole, ValueRole, MetricRole }; // MetricRole: the column's metric name
    enum FixedColumn { Scenario, Benchmark, Language, FixedColumns };

    using QAbstractTableModel::QAbstractTableModel;

    void setTable(analysis::SummaryTable table);
    const analysis::SummaryTable& table() const { return m_table; }
    int metricColumn(const std::string& metric) const; // -1 when absent
    int sweepColumn(const std::string& key) const;     // -1 when absent
    int runsColumn() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    enum class Kind { Fixed, Sweep, Runs, Checks, Metric };
    struct ColumnInfo {
        Kind kind = Kind::Fixed;
        int index = 0; // fixed column, sweep key or metric index
    };
    ColumnInfo columnInfo(int column) const;
    QVariant display(const analysis::SummaryRow& row, ColumnInfo column) const;
    QVariant sortKey(const analysis::SummaryRow& row, ColumnInfo column) const;
    QVariant toolTip(const analysis::SummaryRow& row, ColumnInfo column) const;
    const analysis::SampleStats* stats(const analysis::SummaryRow& row, ColumnInfo column) const;
    analysis::SummaryTable m_table;
    std::vector<int> m_decimals; // per metric: one precision for the whole column, so values line up
};

// "median 12.3 ms, 95% CI [11.8, 13.0] · mean 12.4 ms ± 0.5, 95% CI [11.9, 12.9] · n = 5" (one line each).
QString statsToolTip(const analysis::SampleStats& stats, const QString& unit);

} // namespace faaswb::ui
