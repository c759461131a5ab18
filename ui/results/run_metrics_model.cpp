#include "ui/results/run_metrics_model.h"

#include "model/metric_catalog.h"
#include "ui/results/results_format.h"

#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <algorithm>

namespace faaswb::ui {
namespace {

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}

QString description(const std::string& metric) {
    const model::MetricInfo* info = model::findMetric(metric);
    return info ? QString::fromUtf8(info->description.data(), static_cast<qsizetype>(info->description.size()))
                : QString();
}

QVariant leftAligned() {
    return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
}

} // namespace

void RunMetricsModel::setMetrics(std::vector<analysis::MetricValue> metrics) {
    beginResetModel();
    m_metrics = std::move(metrics);
    endResetModel();
}

int RunMetricsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_metrics.size());
}

int RunMetricsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunMetricsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const analysis::MetricValue& metric = m_metrics.at(static_cast<std::size_t>(index.row()));
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == Name)
            return qs(metric.name);
        if (index.column() == Value)
            return formatMetric(metric.value);
        return qs(metric.unit);
    case Qt::ToolTipRole: {
        QString tip = description(metric.name);
        if (!metric.value)
            tip += QStringLiteral("\nNot available: the platform or the run could not measure it");
        return tip.trimmed().isEmpty() ? QVariant() : QVariant(tip.trimmed());
    }
    case Qt::TextAlignmentRole:
        return index.column() == Value ? rightAligned() : leftAligned();
    case Qt::ForegroundRole:
        return index.column() == Value && !metric.value
                   ? QVariant(QGuiApplication::palette().color(QPalette::PlaceholderText))
                   : QVariant();
    case ValueRole:
        return index.column() == Value && metric.value ? QVariant(*metric.value) : QVariant();
    default:
        return {};
    }
}

QVariant RunMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == Value ? rightAligned() : leftAligned();
    if (role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {"Metric", "Value", "Unit"};
    return QString::fromLatin1(names[section]);
}

void ThresholdsModel::setThresholds(std::vector<analysis::ThresholdResult> thresholds,
                                    const std::vector<analysis::MetricValue>& metrics) {
    beginResetModel();
    m_thresholds = std::move(thresholds);
    m_units.clear();
    for (const auto& metric : metrics)
        m_units.emplace_back(metric.name, metric.unit);
    endResetModel();
}

int ThresholdsModel::failures() const {
    return static_cast<int>(std::count_if(m_thresholds.cbegin(), m_thresholds.cend(),
                                          [](const analysis::ThresholdResult& t) { return !t.passed; }));
}

int ThresholdsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_thresholds.size());
}

int ThresholdsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

// The run's value with the metric's unit ("212.40 ms"), so it reads against the threshold as written.
QString ThresholdsModel::valueText(const analysis::ThresholdResult& threshold) const {
    if (!threshold.value)
        return QStringLiteral("n/a");
    const auto unit = std::find_if(m_units.cbegin(), m_units.cend(),
                                   [&](const auto& entry) { return entry.first == threshold.metric; });
    std::string unitName = unit != m_units.cend() ? unit->second : std::string();
    if (unitName.empty())
        if (const model::MetricInfo* info = model::findMetric(threshold.metric))
            unitName = model::metricUnitName(info->unit);
    const QString number = formatMetric(threshold.value);
    return unitName.empty() || unitName == "count" ? number : number + QLatin1Char(' ') + qs(unitName);
}

QVariant ThresholdsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const analysis::ThresholdResult& threshold = m_thresholds.at(static_cast<std::size_t>(index.row()));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Threshold:
            return qs(threshold.text);
        case Result:
            return threshold.passed ? QStringLiteral("PASS") : QStringLiteral("FAIL");
        case Value:
            return valueText(threshold);
        default:
            return qs(threshold.note);
        }
    case Qt::ForegroundRole:
        return index.column() == Result ? QVariant(threshold.passed ? betterColor() : worseColor()) : QVariant();
    case Qt::FontRole: {
        if (index.column() != Result)
            return {};
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    case Qt::ToolTipRole:
        return index.column() == Note || index.column() == Threshold ? QVariant(description(threshold.metric))
                                                                     : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == Value ? rightAligned() : leftAligned();
    default:
        return {};
    }
}

QVariant ThresholdsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == Value ? rightAligned() : leftAligned();
    if (role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {"Threshold", "Result", "Value", "Note"};
    return QString::fromLatin1(names[section]);
}

} // namespace faaswb::ui
