#include "ui/results/summary_model.h"

#include "ui/results/results_format.h"
#include "ui/results/runs_model.h"

namespace faaswb::ui {
namespace {

enum class Better { Neutral, Lower, Higher };

struct MetricSpec {
    const char* label;
    const char* deltaUnit; // appended to deltas: " ms", " req/s", " pp" (percentage points)
    int decimals;
    Better better;
};

MetricSpec spec(SummaryModel::Metric metric) {
    switch (metric) {
    case SummaryModel::Requests:
        return {"Requests (count)", "", 0, Better::Neutral};
    case SummaryModel::Errors:
        return {"Errors (count)", "", 0, Better::Lower};
    case SummaryModel::ErrorRate:
        return {"Error rate (%)", " pp", 2, Better::Lower};
    case SummaryModel::Achieved:
        return {"Achieved throughput (req/s)", " req/s", 1, Better::Higher};
    case SummaryModel::P50:
        return {"p50 latency (ms)", " ms", 3, Better::Lower};
    case SummaryModel::P90:
        return {"p90 latency (ms)", " ms", 3, Better::Lower};
    case SummaryModel::P99:
        return {"p99 latency (ms)", " ms", 3, Better::Lower};
    case SummaryModel::P999:
        return {"p99.9 latency (ms)", " ms", 3, Better::Lower};
    case SummaryModel::Max:
        return {"Max latency (ms)", " ms", 3, Better::Lower};
    case SummaryModel::ColdStarts:
        return {"Cold starts (count)", "", 0, Better::Lower};
    case SummaryModel::Duration:
        return {"Duration (s)", " s", 1, Better::Neutral};
    case SummaryModel::Platform:
        return {"Platform", "", 0, Better::Neutral};
    case SummaryModel::Status:
        return {"Status", "", 0, Better::Neutral};
    case SummaryModel::Message:
        return {"Message", "", 0, Better::Neutral};
    case SummaryModel::MetricCount:
        break;
    }
    return {"", "", 0, Better::Neutral};
}

bool isText(SummaryModel::Metric metric) {
    return metric >= SummaryModel::Platform;
}

QString textValue(const RunInfo& run, SummaryModel::Metric metric) {
    switch (metric) {
    case SummaryModel::Platform:
        return run.platform;
    case SummaryModel::Status:
        return run.status;
    case SummaryModel::Message:
        return run.message;
    default:
        return {};
    }
}

std::optional<double> latency(const RunInfo& run, SummaryModel::Metric metric) {
    if (run.summary.requests == 0)
        return std::nullopt; // no measured request: no latency, rather than a misleading 0 ms
    switch (metric) {
    case SummaryModel::P50:
        return run.summary.p50Ms;
    case SummaryModel::P90:
        return run.summary.p90Ms;
    case SummaryModel::P99:
        return run.summary.p99Ms;
    case SummaryModel::P999:
        return run.summary.p999Ms;
    default:
        return run.summary.maxMs;
    }
}

} // namespace

void SummaryModel::setRuns(QList<RunInfo> runs) {
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

void SummaryModel::setTextRows(bool shown) {
    beginResetModel();
    m_textRows = shown;
    endResetModel();
}

SummaryModel::ColumnRef SummaryModel::columnRef(int column) {
    if (column == 0)
        return {0, ColumnKind::Value};
    const int run = 1 + (column - 1) / 3;
    const int kind = (column - 1) % 3;
    return {run, kind == 0 ? ColumnKind::Value : kind == 1 ? ColumnKind::Delta : ColumnKind::PercentChange};
}

int SummaryModel::valueColumn(int run) {
    return run == 0 ? 0 : 1 + (run - 1) * 3;
}

std::optional<double> SummaryModel::metricValue(const RunInfo& run, Metric metric) {
    if (!run.hasSummary || isText(metric))
        return std::nullopt;
    const auto& summary = run.summary;
    switch (metric) {
    case Requests:
        return static_cast<double>(summary.requests);
    case Errors:
        return static_cast<double>(summary.errors);
    case ErrorRate:
        return errorRatePercent(summary.requests, summary.errors);
    case Achieved:
        return summary.achievedRps;
    case ColdStarts:
        return static_cast<double>(summary.coldStarts);
    case Duration:
        return summary.durationSeconds;
    default:
        return latency(run, metric);
    }
}

int SummaryModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() || m_runs.isEmpty())
        return 0;
    return m_textRows ? MetricCount : Platform;
}

int SummaryModel::columnCount(const QModelIndex& parent) const {
    // a value column per run, and a delta and a % change column per run after the baseline
    return parent.isValid() || m_runs.isEmpty() ? 0 : 1 + 3 * (static_cast<int>(m_runs.size()) - 1);
}

std::optional<double> SummaryModel::cellValue(Metric metric, ColumnRef ref) const {
    const auto value = metricValue(m_runs.at(ref.run), metric);
    if (ref.kind == ColumnKind::Value || !value)
        return value;
    const auto base = metricValue(m_runs.at(0), metric);
    if (!base)
        return std::nullopt;
    if (ref.kind == ColumnKind::Delta)
        return *value - *base;
    if (*base == 0.0)
        return std::nullopt; // a change from zero has no percentage
    return 100.0 * (*value - *base) / *base;
}

QString SummaryModel::cellText(Metric metric, ColumnRef ref) const {
    if (isText(metric)) {
        const QString text = ref.kind == ColumnKind::Value ? textValue(m_runs.at(ref.run), metric) : QString();
        return text.isEmpty() && ref.kind == ColumnKind::Value ? notAvailable() : text;
    }
    const auto value = cellValue(metric, ref);
    if (!value)
        return notAvailable();
    const MetricSpec metricSpec = spec(metric);
    switch (ref.kind) {
    case ColumnKind::Value:
        return formatFixed(*value, metricSpec.decimals);
    case ColumnKind::Delta:
        return formatSigned(*value, metricSpec.decimals) + QLatin1String(metricSpec.deltaUnit);
    case ColumnKind::PercentChange:
        return formatSigned(*value, 1) + QStringLiteral(" %");
    }
    return {};
}

QVariant SummaryModel::cellColor(Metric metric, ColumnRef ref) const {
    if (metric == Status && ref.kind == ColumnKind::Value) {
        const QColor color = statusColor(m_runs.at(ref.run).status);
        return color.isValid() ? QVariant(color) : QVariant();
    }
    const Better better = spec(metric).better;
    if (ref.kind == ColumnKind::Value || better == Better::Neutral)
        return {};
    const auto delta = cellValue(metric, {ref.run, ColumnKind::Delta});
    if (!delta || *delta == 0.0)
        return {};
    const bool worse = (*delta > 0) == (better == Better::Lower);
    return worse ? worseColor() : betterColor();
}

QVariant SummaryModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto metric = static_cast<Metric>(index.row());
    const ColumnRef ref = columnRef(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return cellText(metric, ref);
    case Qt::ToolTipRole:
        return metric == Message ? QVariant(m_runs.at(ref.run).message) : QVariant();
    case Qt::TextAlignmentRole:
        return isText(metric) ? QVariant() : rightAligned();
    case Qt::ForegroundRole:
        return cellColor(metric, ref);
    case ValueRole: {
        const auto value = cellValue(metric, ref);
        return value ? QVariant(*value) : QVariant();
    }
    default:
        return {};
    }
}

QVariant SummaryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Vertical) {
        if (section < 0 || section >= rowCount())
            return {};
        if (role == Qt::DisplayRole)
            return QString::fromLatin1(spec(static_cast<Metric>(section)).label);
        return role == Qt::TextAlignmentRole ? QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter))
                                             : QVariant();
    }
    if (section < 0 || section >= columnCount())
        return {};
    const ColumnRef ref = columnRef(section);
    const RunInfo& run = m_runs.at(ref.run);
    if (role == Qt::ToolTipRole)
        return runLabel(run);
    if (role != Qt::DisplayRole)
        return {};
    switch (ref.kind) {
    case ColumnKind::Value:
        return m_runs.size() == 1 ? QStringLiteral("Value") : QStringLiteral("Run #%1").arg(run.id);
    case ColumnKind::Delta:
        return QStringLiteral("Δ vs #%1").arg(m_runs.at(0).id);
    case ColumnKind::PercentChange:
        return QStringLiteral("% change");
    }
    return {};
}

} // namespace faaswb::ui
