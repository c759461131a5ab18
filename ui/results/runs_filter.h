// RunsFilter: the sorting and filtering proxy over RunsModel — a free-text filter (any of the text columns, case
// insensitive) and exact filters on scenario type, benchmark, language, platform and status. Sorts by
// RunsModel::SortRole, so numeric columns sort numerically. UI thread only.
#pragma once

#include "ui/results/runs_model.h"

#include <QSortFilterProxyModel>
#include <array>

namespace faaswb::ui {

enum class RunField { ScenarioType, Benchmark, Language, Platform, Status };
inline constexpr std::array kAllRunFields{RunField::ScenarioType, RunField::Benchmark, RunField::Language,
                                          RunField::Platform, RunField::Status};
QString runFieldValue(const RunInfo& run, RunField field);
QString runFieldLabel(RunField field); // "Type", "Benchmark", ...

class RunsFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit RunsFilter(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override; // must be a RunsModel
    void setText(const QString& text);
    void setFieldFilter(RunField field, const QString& value); // empty: all

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool matchesText(const RunInfo& run) const;
    const RunsModel* m_runs = nullptr;
    QString m_text;
    std::array<QString, kAllRunFields.size()> m_fields;
};

} // namespace faaswb::ui
