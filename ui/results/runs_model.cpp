#include "ui/results/runs_model.h"

#include "ui/results/results_format.h"

#include <QFont>

namespace faaswb::ui {
namespace {

bool isNumeric(int column) {
    return column == RunsModel::Id || column >= RunsModel::Requests;
}

// Latencies exist only for runs with measured requests; otherwise the cell shows "—", never a zero.
std::optional<double> latencyMs(const RunInfo& run, int column) {
    if (!run.hasSummary || run.summary.requests == 0)
        return std::nullopt;
    return column == RunsModel::P50 ? run.summary.p50Ms : run.summary.p99Ms;
}

std::optional<double> numericValue(const RunInfo& run, int column) {
    switch (column) {
    case RunsModel::Id:
        return static_cast<double>(run.id);
    case RunsModel::Requests:
        return static_cast<double>(run.requests);
    case RunsModel::Errors:
        return static_cast<double>(run.errors);
    case RunsModel::ErrorRate:
        return errorRatePercent(run.requests, run.errors);
    case RunsModel::Achieved:
        return run.achievedRps;
    case RunsModel::P50:
    case RunsModel::P99:
        return latencyMs(run, column);
    default:
        return std::nullopt;
    }
}

QString formatNumeric(int column, double value) {
    switch (column) {
    case RunsModel::Id:
    case RunsModel::Requests:
    case RunsModel::Errors:
        return formatCount(static_cast<quint64>(value));
    case RunsModel::ErrorRate:
        return formatFixed(value, 2);
    case RunsModel::Achieved:
        return formatFixed(value, 1);
    default:
        return formatFixed(value, 3);
    }
}

QString headerText(int column) {
    switch (column) {
    case RunsModel::Id:
        return QStringLiteral("ID");
    case RunsModel::Started:
        return QStringLiteral("Started");
    case RunsModel::Experiment:
        return QStringLiteral("Experiment");
    case RunsModel::Scenario:
        return QStringLiteral("Scenario");
    case RunsModel::Sweep:
        return QStringLiteral("Sweep");
    case RunsModel::Benchmark:
        return QStringLiteral("Benchmark");
    case RunsModel::Language:
        return QStringLiteral("Language");
    case RunsModel::Platform:
        return QStringLiteral("Platform");
    case RunsModel::Status:
        return QStringLiteral("Status");
    case RunsModel::Checks:
        return QStringLiteral("Checks");
    case RunsModel::Requests:
        return QStringLiteral("Requests");
    case RunsModel::Errors:
        return QStringLiteral("Errors");
    case RunsModel::ErrorRate:
        return QStringLiteral("Error rate (%)");
    case RunsModel::Achieved:
        return QStringLiteral("Achieved (req/s)");
    case RunsModel::P50:
        return QStringLiteral("p50 (ms)");
    case RunsModel::P99:
        return QStringLiteral("p99 (ms)");
    default:
        return {};
    }
}

QString headerToolTip(int column) {
    switch (column) {
    case RunsModel::Started:
        return QStringLiteral("Start of the run, local time");
    case RunsModel::Sweep:
        return QStringLiteral("The run's sweep point (scenario sweep values)");
    case RunsModel::Checks:
        return QStringLiteral("The scenario's thresholds: pass when all held, FAIL when one did not, — without any");
    case RunsModel::Requests:
        return QStringLiteral("Completed requests in the measured (non-warm-up) intervals");
    case RunsModel::Achieved:
        return QStringLiteral("Completed requests per second over the measured intervals");
    case RunsModel::P50:
    case RunsModel::P99:
        return QStringLiteral("Latency from the intended send time (corrected), measured intervals");
    default:
        return {};
    }
}

} // namespace

std::optional<double> errorRatePercent(quint64 requests, quint64 errors) {
    if (requests == 0)
        return std::nullopt;
    return 100.0 * static_cast<double>(errors) / static_cast<double>(requests);
}

void RunsModel::setRuns(QList<RunInfo> runs) {
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

int RunsModel::rowOfRun(qint64 runId) const {
    for (int row = 0; row < m_runs.size(); ++row)
        if (m_runs.at(row).id == runId)
            return row;
    return -1;
}

int RunsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int RunsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunInfo& run = m_runs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(run, index.column());
    case SortRole:
        return sortKey(run, index.column());
    case RunIdRole:
        return run.id;
    case Qt::TextAlignmentRole:
        return isNumeric(index.column()) ? rightAligned() : QVariant();
    case Qt::ForegroundRole:
        return foreground(run, index.column());
    case Qt::FontRole:
        return font(run, index.column());
    case Qt::ToolTipRole:
        return toolTip(run, index.column());
    default:
        return {};
    }
}

QVariant RunsModel::display(const RunInfo& run, int column) const {
    if (isNumeric(column)) {
        const auto value = numericValue(run, column);
        return value ? formatNumeric(column, *value) : notAvailable();
    }
    switch (column) {
    case Started:
        return run.startedAt.isValid() ? run.startedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                       : run.startedAtIso;
    case Experiment:
        return run.experiment;
    case Scenario:
        return run.scenario;
    case Benchmark:
        return run.benchmark;
    case Language:
        return run.language;
    case Platform:
        return run.platform;
    case Status:
        return run.status;
    case Sweep:
        return run.sweep;
    case Checks:
        return checksText(run.thresholdsPassed);
    default:
        return {};
    }
}

QVariant RunsModel::foreground(const RunInfo& run, int column) const {
    QColor color;
    if (column == Status)
        color = statusColor(run.status);
    else if (column == Checks)
        color = checksColor(run.thresholdsPassed);
    return color.isValid() ? QVariant(color) : QVariant();
}

// A failed check is what the eye should find first in a long table.
QVariant RunsModel::font(const RunInfo& run, int column) const {
    if (column != Checks || !run.thresholdsPassed || *run.thresholdsPassed)
        return {};
    QFont bold;
    bold.setBold(true);
    return bold;
}

QVariant RunsModel::toolTip(const RunInfo& run, int column) const {
    if (column == Status && !run.message.isEmpty())
        return run.message;
    if (column == Sweep && (!run.sweep.isEmpty() || run.repeat > 0))
        return QStringLiteral("%1\nrepeat %2")
            .arg(run.sweep.isEmpty() ? QStringLiteral("no sweep") : run.sweep)
            .arg(run.repeat + 1);
    if (column == Checks && run.thresholdsPassed)
        return *run.thresholdsPassed ? QStringLiteral("Every threshold held; the run detail lists them")
                                     : QStringLiteral("A threshold failed; the run detail says which");
    return {};
}

// Numbers sort as numbers; a missing value sorts below every real one. Checks sort FAIL, pass, none.
QVariant RunsModel::sortKey(const RunInfo& run, int column) const {
    if (column == Checks)
        return run.thresholdsPassed ? (*run.thresholdsPassed ? 1 : 0) : 2;
    if (column == Sweep)
        return QString(sweepSortKey(run.sweepJson.toStdString()) +
                       QStringLiteral("#%1").arg(run.repeat, 4, 10, QLatin1Char('0')));
    if (isNumeric(column))
        return numericValue(run, column).value_or(-1.0);
    if (column == Started)
        return run.startedAtIso;
    return display(run, column).toString().toLower();
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return headerText(section);
    if (role == Qt::ToolTipRole) {
        const QString tip = headerToolTip(section);
        return tip.isEmpty() ? QVariant() : QVariant(tip);
    }
    if (role == Qt::TextAlignmentRole && isNumeric(section))
        return rightAligned();
    return {};
}

} // namespace faaswb::ui
