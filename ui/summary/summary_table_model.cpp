#include "ui/summary/summary_table_model.h"

#include "ui/results/results_format.h"
#include "ui/summary/summary_data.h"

#include <QGuiApplication>
#include <QPalette>
#include <algorithm>
#include <cmath>

namespace faaswb::ui {
namespace {

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}

QString withUnit(double value, const QString& unit) {
    const QString number = formatMetric(value);
    return unit.isEmpty() || unit == QLatin1String("count") ? number : number + QLatin1Char(' ') + unit;
}

QString interval(const std::optional<double>& low, const std::optional<double>& high) {
    return QStringLiteral("[%1, %2]").arg(formatMetric(low), formatMetric(high));
}

} // namespace

QString statsToolTip(const analysis::SampleStats& stats, const QString& unit) {
    if (stats.n == 0)
        return QStringLiteral("No complete run measured it");
    QStringList lines;
    lines << (stats.medianCiLow
                  ? QStringLiteral("median %1, 95% CI %2")
                        .arg(withUnit(stats.median, unit), interval(stats.medianCiLow, stats.medianCiHigh))
                  : QStringLiteral("median %1 (its 95% CI needs at least 6 runs)").arg(withUnit(stats.median, unit)));
    if (stats.meanCiLow)
        lines << QStringLiteral("mean %1, 95% CI %2")
                     .arg(withUnit(stats.mean, unit), interval(stats.meanCiLow, stats.meanCiHigh));
    else
        lines << QStringLiteral("mean %1").arg(withUnit(stats.mean, unit));
    if (stats.stddev)
        lines << QStringLiteral("standard deviation %1").arg(withUnit(*stats.stddev, unit));
    lines << QStringLiteral("range %1 – %2 · n = %3")
                 .arg(formatMetric(stats.min), withUnit(stats.max, unit))
                 .arg(stats.n);
    return lines.join(QLatin1Char('\n'));
}

namespace {

// Fewer decimals for bigger numbers; whole counts without any.
int decimalsFor(const analysis::SummaryTable& table, const std::string& metric) {
    double largest = 0;
    bool whole = true;
    for (const auto& row : table.rows) {
        const auto found = row.metrics.find(metric);
        if (found == row.metrics.end() || found->second.n == 0)
            continue;
        largest = std::max(largest, std::abs(found->second.median));
        whole = whole && std::round(found->second.median) == found->second.median;
    }
    if (whole || largest >= 1000)
        return 0;
    if (largest >= 100)
        return 1;
    return largest >= 1 ? 2 : 3;
}

} // namespace

void SummaryTableModel::setTable(analysis::SummaryTable table) {
    beginResetModel();
    m_table = std::move(table);
    m_decimals.clear();
    for (const auto& metric : m_table.metricNames)
        m_decimals.push_back(decimalsFor(m_table, metric));
    endResetModel();
}

int SummaryTableModel::metricColumn(const std::string& metric) const {
    for (std::size_t i = 0; i < m_table.metricNames.size(); ++i)
        if (m_table.metricNames[i] == metric)
            return runsColumn() + 2 + static_cast<int>(i);
    return -1;
}

int SummaryTableModel::sweepColumn(const std::string& key) const {
    for (std::size_t i = 0; i < m_table.sweepKeys.size(); ++i)
        if (m_table.sweepKeys[i] == key)
            return FixedColumns + static_cast<int>(i);
    return -1;
}

int SummaryTableModel::runsColumn() const {
    return FixedColumns + static_cast<int>(m_table.sweepKeys.size());
}

SummaryTableModel::ColumnInfo SummaryTableModel::columnInfo(int column) const {
    if (column < FixedColumns)
        return {Kind::Fixed, column};
    const int runs = runsColumn();
    if (column < runs)
        return {Kind::Sweep, column - FixedColumns};
    if (column == runs)
        return {Kind::Runs, 0};
    if (column == runs + 1)
        return {Kind::Checks, 0};
    return {Kind::Metric, column - runs - 2};
}

int SummaryTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_table.rows.size());
}

int SummaryTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : runsColumn() + 2 + static_cast<int>(m_table.metricNames.size());
}

const analysis::SampleStats* SummaryTableModel::stats(const analysis::SummaryRow& row, ColumnInfo column) const {
    if (column.kind != Kind::Metric)
        return nullptr;
    const auto found = row.metrics.find(m_table.metricNames.at(static_cast<std::size_t>(column.index)));
    return found == row.metrics.end() || found->second.n == 0 ? nullptr : &found->second;
}

QVariant SummaryTableModel::display(const analysis::SummaryRow& row, ColumnInfo column) const {
    switch (column.kind) {
    case Kind::Fixed:
        return qs(column.index == Scenario ? row.scenario : column.index == Benchmark ? row.benchmark : row.language);
    case Kind::Sweep: {
        const std::string& key = m_table.sweepKeys.at(static_cast<std::size_t>(column.index));
        return row.sweepValues.contains(key) ? sweepValueLabel(key, row.sweepValues[key]) : notAvailable();
    }
    case Kind::Runs:
        return row.failedRuns > 0 ? QStringLiteral("%1 (+%2 failed)").arg(row.runs).arg(row.failedRuns)
                                  : QString::number(row.runs);
    case Kind::Checks:
        return QString::number(row.thresholdFailures);
    case Kind::Metric: {
        const analysis::SampleStats* s = stats(row, column);
        return s ? formatFixed(s->median, m_decimals.at(static_cast<std::size_t>(column.index)))
                 : QStringLiteral("n/a");
    }
    }
    return {};
}

QVariant SummaryTableModel::sortKey(const analysis::SummaryRow& row, ColumnInfo column) const {
    switch (column.kind) {
    case Kind::Sweep: {
        const std::string& key = m_table.sweepKeys.at(static_cast<std::size_t>(column.index));
        if (row.sweepValues.contains(key) && row.sweepValues[key].is_number())
            return row.sweepValues[key].get<double>();
        return display(row, column);
    }
    case Kind::Runs:
        return row.runs;
    case Kind::Checks:
        return row.thresholdFailures;
    case Kind::Metric: {
        const analysis::SampleStats* s = stats(row, column);
        return s ? s->median : -1e300; // unavailable sorts below every value
    }
    default:
        return display(row, column).toString().toLower();
    }
}

QVariant SummaryTableModel::toolTip(const analysis::SummaryRow& row, ColumnInfo column) const {
    if (column.kind == Kind::Runs)
        return QStringLiteral("%1 complete run(s) aggregated; %2 failed, cancelled or incomplete (left out)")
            .arg(row.runs)
            .arg(row.failedRuns);
    if (column.kind == Kind::Checks)
        return QStringLiteral("Runs of this point whose thresholds failed");
    if (column.kind != Kind::Metric)
        return {};
    const std::string& metric = m_table.metricNames.at(static_cast<std::size_t>(column.index));
    const analysis::SampleStats* s = stats(row, column);
    return s ? statsToolTip(*s, metricUnit(metric)) : QStringLiteral("Not available: no complete run measured it");
}

QVariant SummaryTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const analysis::SummaryRow& row = m_table.rows.at(static_cast<std::size_t>(index.row()));
    const ColumnInfo column = columnInfo(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case SortRole:
        return sortKey(row, column);
    case ValueRole: {
        const analysis::SampleStats* s = stats(row, column);
        return s ? QVariant(s->median) : QVariant();
    }
    case MetricRole:
        return column.kind == Kind::Metric ? qs(m_table.metricNames.at(static_cast<std::size_t>(column.index)))
                                           : QVariant();
    case Qt::ToolTipRole:
        return toolTip(row, column);
    case Qt::TextAlignmentRole:
        return column.kind >= Kind::Runs ? rightAligned() : QVariant();
    case Qt::ForegroundRole:
        if (column.kind == Kind::Checks && row.thresholdFailures > 0)
            return worseColor();
        if (column.kind == Kind::Metric && !stats(row, column))
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        return {};
    default:
        return {};
    }
}

QVariant SummaryTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    const ColumnInfo column = columnInfo(section);
    if (role == Qt::TextAlignmentRole)
        return column.kind >= Kind::Runs ? rightAligned() : QVariant();
    if (role == MetricRole && column.kind == Kind::Metric)
        return qs(m_table.metricNames.at(static_cast<std::size_t>(column.index)));
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (column.kind) {
    case Kind::Fixed:
        return column.index == Scenario ? tr("Scenario") : column.index == Benchmark ? tr("Benchmark") : tr("Language");
    case Kind::Sweep:
        return sweepKeyLabel(m_table.sweepKeys.at(static_cast<std::size_t>(column.index)));
    case Kind::Runs:
        return tr("Runs");
    case Kind::Checks:
        return role == Qt::ToolTipRole ? tr("Runs whose thresholds failed") : tr("Failed checks");
    case Kind::Metric: {
        const std::string& metric = m_table.metricNames.at(static_cast<std::size_t>(column.index));
        return role == Qt::ToolTipRole ? tr("Median over the repeats; the cell's tooltip has its 95% CI")
                                       : metricHeader(metric);
    }
    }
    return {};
}

} // namespace faaswb::ui
