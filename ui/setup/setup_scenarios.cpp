// The scenarios section of the setup form: the list, type-specific fields of the selected scenario, its stages
// table and the load-shape preview.
#include "ui/setup/experiment_document.h"
#include "ui/setup/load_shape_preview.h"
#include "ui/setup/setup_page_impl.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace faaswb::ui {
namespace {

const QStringList kScenarioTypes{
    QStringLiteral("warm-latency"),   QStringLiteral("cold-start"), QStringLiteral("concurrency-one"),
    QStringLiteral("autoscaling"),    QStringLiteral("load"),       QStringLiteral("batch"),
    QStringLiteral("workflow-chain"), QStringLiteral("eventing"),   QStringLiteral("trace-replay"),
    QStringLiteral("perf-cost")};

struct ScenarioField {
    const char* key;
    const char* label;
    const char* placeholder;
    bool number;
};

const ScenarioField kScenarioFields[] = {
    {"rate", "Rate (req/s)", "open loop, e.g. 200 or 1.5k", true},
    {"connections", "Connections", "closed loop: virtual users", true},
    {"duration", "Duration", "e.g. 30s", false},
    {"warmup", "Warm-up", "0s (load sent first, not measured)", false},
    {"requests", "Requests", "stop after this many", true},
    {"repetitions", "Repetitions", "1", true},
    {"timeout", "Timeout", "per request, e.g. 5s", false},
    {"repeat", "Repeat", "1 (runs of each cell, for confidence intervals)", true},
};

// Which fields each scenario type uses; the others are hidden (still kept in the YAML). Keys the form has no field
// for (sweep, thresholds, trace, memory, batch/chain/eventing settings) are edited in the YAML text.
bool typeUses(const QString& type, const QString& key) {
    const bool coldStart = type == QLatin1String("cold-start") || type == QLatin1String("perf-cost");
    if (key == QLatin1String("repeat"))
        return true;
    if (key == QLatin1String("repetitions"))
        return coldStart;
    if (key == QLatin1String("timeout") || key == QLatin1String("name") || key == QLatin1String("type"))
        return true;
    if (type == QLatin1String("trace-replay")) // the trace sets the arrivals
        return key == QLatin1String("warmup");
    if (type == QLatin1String("workflow-chain")) // chain invocations, one at a time
        return key == QLatin1String("requests");
    if (type == QLatin1String("batch")) // the source's records set the work
        return false;
    if (key == QLatin1String("stages"))
        return type == QLatin1String("autoscaling") || type == QLatin1String("load");
    if (key == QLatin1String("connections") && type == QLatin1String("autoscaling"))
        return false; // autoscaling scenarios are open loop
    if (key == QLatin1String("requests"))
        return !coldStart && type != QLatin1String("autoscaling") && type != QLatin1String("warm-latency");
    return !coldStart;
}

QLabel* formLabel(const QString& text) {
    auto* label = new QLabel(text);
    label->setMinimumWidth(150);
    label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return label;
}

QString cellText(const QVariant& value) {
    return value.isValid() ? value.toString() : QString();
}

} // namespace

QString SetupPage::Impl::scenarioPath(const QString& key) const {
    return QStringLiteral("scenarios[%1].%2").arg(currentScenario).arg(key);
}

QWidget* SetupPage::Impl::buildScenarioSection() {
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(8, 0, 12, 8);
    auto* heading = new QLabel(tr("Scenarios"));
    heading->setObjectName(QStringLiteral("sectionTitle"));
    layout->addWidget(heading);

    auto* top = new QHBoxLayout;
    scenarioList = new QListWidget;
    scenarioList->setObjectName(QStringLiteral("scenarioList"));
    scenarioList->setMaximumHeight(96);
    connect(scenarioList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            selectScenario(row);
    });
    auto* buttons = new QVBoxLayout;
    auto* add = new QToolButton;
    add->setText(tr("Add…"));
    add->setToolTip(tr("Add a scenario of the chosen type with working defaults"));
    add->setPopupMode(QToolButton::InstantPopup);
    add->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* menu = new QMenu(add);
    for (const QString& type : kScenarioTypes)
        menu->addAction(type, this, [this, type] {
            doc->addScenario(type);
            selectScenario(scenarioList->count() - 1);
        });
    add->setMenu(menu);
    removeScenarioButton = new QToolButton;
    removeScenarioButton->setText(tr("Remove"));
    connect(removeScenarioButton, &QToolButton::clicked, this, [this] { doc->removeScenario(currentScenario); });
    for (QToolButton* button : {add, removeScenarioButton}) {
        button->setMinimumWidth(76);
        button->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
        buttons->addWidget(button);
    }
    buttons->addStretch(1);
    top->addWidget(scenarioList, 1);
    top->addLayout(buttons);
    layout->addLayout(top);

    scenarioMessage = new QLabel;
    scenarioMessage->setObjectName(QStringLiteral("inlineMessage"));
    scenarioMessage->setWordWrap(true);
    scenarioMessage->hide();
    layout->addWidget(scenarioMessage);

    scenarioForm = new QFormLayout;
    scenarioForm->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    scenarioForm->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    scenarioForm->setHorizontalSpacing(12);
    scenarioForm->setVerticalSpacing(6);
    layout->addLayout(scenarioForm);

    auto* name = new QLineEdit;
    scenarioRows.insert(QStringLiteral("name"),
                        binder->bindLine(
                            name, [this] { return scenarioPath(QStringLiteral("name")); }, FormBinder::Kind::Text));
    scenarioForm->addRow(formLabel(tr("Name")), scenarioRows.value(QStringLiteral("name")));
    auto* type = new QComboBox;
    for (const QString& typeName : kScenarioTypes)
        type->addItem(typeName, typeName);
    scenarioRows.insert(QStringLiteral("type"),
                        binder->bindCombo(type, [this] { return scenarioPath(QStringLiteral("type")); }));
    scenarioForm->addRow(formLabel(tr("Type")), scenarioRows.value(QStringLiteral("type")));
    for (const ScenarioField& field : kScenarioFields) {
        const QString key = QString::fromLatin1(field.key);
        auto* edit = new QLineEdit;
        edit->setPlaceholderText(tr(field.placeholder));
        edit->setClearButtonEnabled(true);
        QWidget* row = binder->bindLine(
            edit, [this, key] { return scenarioPath(key); },
            field.number ? FormBinder::Kind::Number : FormBinder::Kind::Text);
        scenarioRows.insert(key, row);
        scenarioForm->addRow(formLabel(tr(field.label)), row);
    }
    auto* poisson = new QCheckBox(tr("Poisson arrivals"));
    poisson->setToolTip(tr("Exponential gaps between requests with the same mean rate, instead of even spacing"));
    scenarioRows.insert(QStringLiteral("poisson"),
                        binder->bindCheck(poisson, [this] { return scenarioPath(QStringLiteral("poisson")); }));
    scenarioForm->addRow(formLabel(QString()), scenarioRows.value(QStringLiteral("poisson")));
    scenarioRows.insert(QStringLiteral("stages"), buildStagesEditor());
    scenarioForm->addRow(formLabel(tr("Stages")), scenarioRows.value(QStringLiteral("stages")));

    preview = new LoadShapePreview;
    preview->setObjectName(QStringLiteral("loadShapePreview"));
    layout->addWidget(preview, 1);
    return box;
}

QWidget* SetupPage::Impl::buildStagesEditor() {
    auto* holder = new QWidget;
    auto* layout = new QVBoxLayout(holder);
    layout->setContentsMargins(0, 0, 0, 0);
    stages = new QTableWidget(0, 3);
    stages->setObjectName(QStringLiteral("stagesTable"));
    stages->setHorizontalHeaderLabels({tr("From (req/s)"), tr("To (req/s)"), tr("For (duration)")});
    stages->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    stages->verticalHeader()->setDefaultSectionSize(24);
    stages->setMinimumHeight(110);
    stages->setMaximumHeight(150);
    stages->setMinimumWidth(200);
    stages->setToolTip(tr("Leave 'To' empty (or equal to 'From') for a step at a constant rate"));
    connect(stages, &QTableWidget::cellChanged, this, &Impl::writeStages);
    auto* buttons = new QHBoxLayout;
    auto* add = new QToolButton;
    add->setText(tr("Add stage"));
    connect(add, &QToolButton::clicked, this, &Impl::addStage);
    auto* remove = new QToolButton;
    remove->setText(tr("Remove stage"));
    connect(remove, &QToolButton::clicked, this, &Impl::removeStage);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    layout->addWidget(binder->bindCustom(
        stages, [this] { return scenarioPath(QStringLiteral("stages")); },
        [this](const QVariant& value) { showStages(value); }));
    layout->addLayout(buttons);
    return holder;
}

void SetupPage::Impl::showStages(const QVariant& value) {
    const QVariantList list = value.toList();
    stages->setRowCount(static_cast<int>(list.size()));
    for (int row = 0; row < list.size(); ++row) {
        const QVariantMap stage = list[row].toMap();
        const bool step = stage.contains(QStringLiteral("rate"));
        const QString from = cellText(stage.value(step ? QStringLiteral("rate") : QStringLiteral("from")));
        const QString to = step ? QString() : cellText(stage.value(QStringLiteral("to")));
        const QStringList cells{from, to, cellText(stage.value(QStringLiteral("for")))};
        for (int column = 0; column < 3; ++column)
            stages->setItem(row, column, new QTableWidgetItem(cells[column]));
    }
}

void SetupPage::Impl::writeStages() {
    QVariantList list;
    for (int row = 0; row < stages->rowCount(); ++row) {
        const auto text = [this, row](int column) {
            const QTableWidgetItem* item = stages->item(row, column);
            return item ? item->text().trimmed() : QString();
        };
        QVariantMap stage;
        const QVariant from = lineValue(text(0), FormBinder::Kind::Number);
        const QVariant to = lineValue(text(1), FormBinder::Kind::Number);
        if (!to.isValid() || to == from) {
            stage.insert(QStringLiteral("rate"), from.isValid() ? from : QVariant(0));
        } else {
            stage.insert(QStringLiteral("from"), from.isValid() ? from : QVariant(0));
            stage.insert(QStringLiteral("to"), to);
        }
        stage.insert(QStringLiteral("for"), text(2).isEmpty() ? QStringLiteral("10s") : text(2));
        list.append(stage);
    }
    binder->write(stages, scenarioPath(QStringLiteral("stages")), list.isEmpty() ? QVariant() : QVariant(list));
}

void SetupPage::Impl::addStage() {
    QVariantList list = doc->value(scenarioPath(QStringLiteral("stages"))).toList();
    QVariant rate = 10;
    if (!list.isEmpty()) {
        const QVariantMap last = list.back().toMap();
        rate = last.value(QStringLiteral("rate"), last.value(QStringLiteral("to"), 10));
    }
    list.append(QVariantMap{{QStringLiteral("rate"), rate}, {QStringLiteral("for"), QStringLiteral("10s")}});
    doc->setValue(scenarioPath(QStringLiteral("stages")), list);
}

void SetupPage::Impl::removeStage() {
    QVariantList list = doc->value(scenarioPath(QStringLiteral("stages"))).toList();
    const int row = stages->currentRow() >= 0 ? stages->currentRow() : static_cast<int>(list.size()) - 1;
    if (row < 0 || row >= list.size())
        return;
    list.removeAt(row);
    doc->setValue(scenarioPath(QStringLiteral("stages")), list.isEmpty() ? QVariant() : QVariant(list));
}

void SetupPage::Impl::refreshScenarioList() {
    const QVariantList scenarios = doc->value(QStringLiteral("scenarios")).toList();
    QStringList labels;
    for (const QVariant& scenario : scenarios) {
        const QVariantMap fields = scenario.toMap();
        labels.append(
            tr("%1  (%2)")
                .arg(fields.value(QStringLiteral("name")).toString(), fields.value(QStringLiteral("type")).toString()));
    }
    currentScenario = std::clamp(currentScenario, 0, std::max(0, static_cast<int>(labels.size()) - 1));
    const QSignalBlocker blocker(scenarioList);
    if (scenarioList->count() != labels.size()) {
        scenarioList->clear();
        scenarioList->addItems(labels);
    } else {
        for (int i = 0; i < labels.size(); ++i)
            scenarioList->item(i)->setText(labels[i]);
    }
    scenarioList->setCurrentRow(labels.isEmpty() ? -1 : currentScenario);
    removeScenarioButton->setEnabled(labels.size() > 1);
}

void SetupPage::Impl::selectScenario(int index) {
    if (index < 0 || index >= scenarioList->count() || index == currentScenario) {
        return;
    }
    currentScenario = index;
    {
        const QSignalBlocker blocker(scenarioList);
        scenarioList->setCurrentRow(index);
    }
    binder->refresh();
    binder->showIssues();
    updateScenarioRows();
    onIssuesChanged();
}

void SetupPage::Impl::updateScenarioRows() {
    const QString type = doc->value(scenarioPath(QStringLiteral("type"))).toString();
    const bool any = scenarioList->count() > 0;
    for (auto it = scenarioRows.begin(); it != scenarioRows.end(); ++it)
        scenarioForm->setRowVisible(it.value(), any && typeUses(type, it.key()));
}

void SetupPage::Impl::refreshPreview() {
    const auto experiment = doc->experiment();
    if (experiment && currentScenario < static_cast<int>(experiment->scenarios.size())) {
        preview->setScenario(experiment->scenarios[static_cast<std::size_t>(currentScenario)]);
        previewScenario = currentScenario;
    } else if (!experiment && previewScenario == currentScenario) {
        preview->markStale();
    } else {
        preview->setScenario(std::nullopt);
        previewScenario = -1;
    }
}

} // namespace faaswb::ui
