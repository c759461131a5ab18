// The run detail's metric tables: RunMetricsModel lists a run's metrics (name, value, unit; "n/a" where the platform
// could not measure it), ThresholdsModel its thresholds (as written, PASS/FAIL, the run's value, the note). Both
// read an analysis::RunMetricsReport as ResultStore::runMetrics returns it. UI thread only.
#pragma once

#include "analysis/run_metrics.h"

#include <QAbstractTableModel>

namespace faaswb::ui {

class RunMetricsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Value, Unit, ColumnCount };
    enum Role { ValueRole = Qt::UserRole }; // the raw number; invalid when unavailable

    using QAbstractTableModel::QAbstractTableModel;

    void setMetrics(std::vector<analysis::MetricValue> metrics);
    const std::vector<analysis::MetricValue>& metrics() const { return m_metrics; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<analysis::MetricValue> m_metrics;
};

class ThresholdsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Threshold, Result, Value, Note, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    // `units` gives each metric's unit for the value column (from the run's metrics).
    void setThresholds(std::vector<analysis::ThresholdResult> thresholds,
                       const std::vector<analysis::MetricValue>& metrics);
    int failures() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString valueText(const analysis::ThresholdResult& threshold) const;
    std::vector<analysis::ThresholdResult> m_thresholds;
    std::vector<std::pair<std::string, std::string>> m_units; // metric -> unit
};

} // namespace faaswb::ui
