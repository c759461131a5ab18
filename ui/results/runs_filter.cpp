#include "ui/results/runs_filter.h"

namespace faaswb::ui {

QString runFieldValue(const RunInfo& run, RunField field) {
    switch (field) {
    case RunField::ScenarioType:
        return run.scenarioType;
    case RunField::Benchmark:
        return run.benchmark;
    case RunField::Language:
        return run.language;
    case RunField::Platform:
        return run.platform;
    case RunField::Status:
        return run.status;
    }
    return {};
}

QString runFieldLabel(RunField field) {
    switch (field) {
    case RunField::ScenarioType:
        return QStringLiteral("Type");
    case RunField::Benchmark:
        return QStringLiteral("Benchmark");
    case RunField::Language:
        return QStringLiteral("Language");
    case RunField::Platform:
        return QStringLiteral("Platform");
    case RunField::Status:
        return QStringLiteral("Status");
    }
    return {};
}

RunsFilter::RunsFilter(QObject* parent)
    : QSortFilterProxyModel(parent) {
    setSortRole(RunsModel::SortRole);
}

void RunsFilter::setSourceModel(QAbstractItemModel* model) {
    m_runs = qobject_cast<const RunsModel*>(model);
    Q_ASSERT(m_runs || !model);
    QSortFilterProxyModel::setSourceModel(model);
}

void RunsFilter::setText(const QString& text) {
    if (text.trimmed() == m_text)
        return;
    m_text = text.trimmed();
    invalidateRowsFilter();
}

void RunsFilter::setFieldFilter(RunField field, const QString& value) {
    QString& current = m_fields.at(static_cast<std::size_t>(field));
    if (current == value)
        return;
    current = value;
    invalidateRowsFilter();
}

bool RunsFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (!m_runs || sourceParent.isValid())
        return false;
    const RunInfo& run = m_runs->run(sourceRow);
    for (const RunField field : kAllRunFields) {
        const QString& wanted = m_fields.at(static_cast<std::size_t>(field));
        if (!wanted.isEmpty() && runFieldValue(run, field) != wanted)
            return false;
    }
    return matchesText(run);
}

bool RunsFilter::matchesText(const RunInfo& run) const {
    if (m_text.isEmpty())
        return true;
    const QString id = QString::number(run.id);
    for (const QString* text : {&id, &run.experiment, &run.scenario, &run.scenarioType, &run.benchmark, &run.language,
                                &run.platform, &run.status, &run.message, &run.sweep})
        if (text->contains(m_text, Qt::CaseInsensitive))
            return true;
    return false;
}

} // namespace faaswb::ui
