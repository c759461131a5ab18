// The experiment, benchmark, autoscaling and platform sections of the setup form.
#include "ui/setup/experiment_document.h"
#include "ui/setup/setup_page_impl.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace faaswb::ui {
namespace {

const QStringList kLanguages{QStringLiteral("cpp"), QStringLiteral("python"), QStringLiteral("nodejs")};

struct AutoscalingField {
    const char* key; // the YAML key under benchmarks[0].autoscaling
    const char* label;
    const char* annotation;  // autoscaling.knative.dev/<annotation>
    const char* placeholder; // Knative's default
};

const AutoscalingField kAutoscalingFields[] = {
    {"target", "Target", "target", "100 in flight (concurrency) / 200 req/s (rps)"},
    {"targetUtilizationPercentage", "Target utilization (%)", "target-utilization-percentage", "70"},
    {"window", "Stable window", "window", "60s"},
    {"minScale", "Min scale", "min-scale", "0"},
    {"maxScale", "Max scale", "max-scale", "0 (no limit)"},
    {"initialScale", "Initial scale", "initial-scale", "1"},
    {"panicWindowPercentage", "Panic window (%)", "panic-window-percentage", "10"},
    {"panicThresholdPercentage", "Panic threshold (%)", "panic-threshold-percentage", "200"},
    {"scaleDownDelay", "Scale-down delay", "scale-down-delay", "0s"},
};

QWidget* section(const QString& title, QFormLayout*& form) {
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 6);
    auto* heading = new QLabel(title);
    heading->setObjectName(QStringLiteral("sectionTitle"));
    heading->setWordWrap(true);
    layout->addWidget(heading);
    form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setHorizontalSpacing(12);
    form->setVerticalSpacing(6);
    layout->addLayout(form);
    return box;
}

// Labels of every section share one width, so the fields line up down the whole form.
QLabel* label(const QString& text) {
    auto* widget = new QLabel(text);
    widget->setMinimumWidth(150);
    widget->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return widget;
}

QLineEdit* lineEdit(const QString& placeholder, const QString& tooltip = {}) {
    auto* edit = new QLineEdit;
    edit->setPlaceholderText(placeholder);
    edit->setToolTip(tooltip);
    edit->setClearButtonEnabled(true);
    return edit;
}

} // namespace

QWidget* SetupPage::Impl::buildExperimentSection() {
    QFormLayout* form = nullptr;
    QWidget* box = section(tr("Experiment"), form);
    auto* name = lineEdit(tr("the name results are stored under"));
    form->addRow(label(tr("Name")), binder->bindLine(
                                        name, [] { return QStringLiteral("name"); }, FormBinder::Kind::Text));
    return box;
}

QWidget* SetupPage::Impl::buildBenchmarkSection() {
    QFormLayout* form = nullptr;
    QWidget* box = section(tr("Benchmark"), form);
    benchmarkId = new QComboBox;
    benchmarkId->setObjectName(QStringLiteral("benchmarkId"));
    for (const BenchmarkEntry& entry : catalog) {
        benchmarkId->addItem(entry.id, entry.id);
        benchmarkId->setItemData(benchmarkId->count() - 1, entry.description, Qt::ToolTipRole);
    }
    form->addRow(label(tr("Benchmark")),
                 binder->bindCombo(benchmarkId, [] { return QStringLiteral("benchmarks[0].id"); }));

    languageBox = new QWidget;
    auto* row = new QHBoxLayout(languageBox);
    row->setContentsMargins(0, 0, 0, 0);
    for (const QString& language : kLanguages) {
        auto* check = new QCheckBox(language);
        languages.insert(language, check);
        row->addWidget(check);
        connect(check, &QCheckBox::clicked, this, &Impl::writeLanguages);
    }
    row->addStretch(1);
    form->addRow(label(tr("Languages")), binder->bindCustom(
                                             languageBox, [] { return QStringLiteral("benchmarks[0].languages"); },
                                             [this](const QVariant& value) { showLanguages(value); }));

    auto* size = new QComboBox;
    size->addItem(tr("not set (the experiment's input)"), QVariant());
    for (const QString& name : {QStringLiteral("test"), QStringLiteral("small"), QStringLiteral("large")})
        size->addItem(name, name);
    size->setToolTip(tr("Use the input of this size from benchmark.yaml"));
    form->addRow(label(tr("Input size")), binder->bindCombo(size, [] { return QStringLiteral("benchmarks[0].size"); }));

    const auto field = [this, form](const QString& key, const QString& text, const QString& placeholder,
                                    FormBinder::Kind kind) {
        form->addRow(label(text), binder->bindLine(
                                      lineEdit(placeholder),
                                      [key]() -> QString { return QStringLiteral("benchmarks[0].") + key; }, kind));
    };
    field(QStringLiteral("containerConcurrency"), tr("Container concurrency"), tr("0 (no limit)"),
          FormBinder::Kind::Number);
    field(QStringLiteral("timeoutSeconds"), tr("Timeout (s)"), tr("300"), FormBinder::Kind::Number);
    field(QStringLiteral("memory"), tr("Memory"), tr("platform default, e.g. 256Mi"), FormBinder::Kind::Text);
    return box;
}

void SetupPage::Impl::showLanguages(const QVariant& value) {
    const QStringList chosen = value.toStringList();
    QStringList available = kLanguages;
    const QString id = doc->value(QStringLiteral("benchmarks[0].id")).toString();
    for (const BenchmarkEntry& entry : catalog)
        if (entry.id == id && !entry.languages.isEmpty())
            available = entry.languages;
    for (auto it = languages.begin(); it != languages.end(); ++it) {
        const QSignalBlocker blocker(it.value());
        it.value()->setChecked(chosen.contains(it.key()));
        it.value()->setEnabled(available.contains(it.key()) || chosen.contains(it.key()));
        it.value()->setToolTip(available.contains(it.key()) ? QString() : tr("%1 has no %2 version").arg(id, it.key()));
    }
}

void SetupPage::Impl::writeLanguages() {
    QStringList chosen;
    for (const QString& language : kLanguages)
        if (languages.value(language)->isChecked())
            chosen.append(language);
    binder->write(languageBox, QStringLiteral("benchmarks[0].languages"), chosen);
}

QWidget* SetupPage::Impl::buildAutoscalingSection() {
    QFormLayout* form = nullptr;
    QWidget* box = section(tr("Autoscaling"), form);
    auto* hint = new QLabel(tr("Knative annotations (autoscaling.knative.dev/*). Empty fields keep the platform's "
                               "default, shown in grey."));
    hint->setWordWrap(true);
    hint->setEnabled(false);
    form->addRow(hint);
    auto* metric = new QComboBox;
    metric->addItem(tr("concurrency (default)"), QVariant());
    metric->addItem(QStringLiteral("concurrency"), QStringLiteral("concurrency"));
    metric->addItem(QStringLiteral("rps"), QStringLiteral("rps"));
    metric->setToolTip(QStringLiteral("autoscaling.knative.dev/metric"));
    form->addRow(label(tr("Metric")),
                 binder->bindCombo(metric, [] { return QStringLiteral("benchmarks[0].autoscaling.metric"); }));
    for (const AutoscalingField& field : kAutoscalingFields) {
        const QString key = QString::fromLatin1(field.key);
        const bool duration = key == QLatin1String("window") || key == QLatin1String("scaleDownDelay");
        auto* edit = lineEdit(QString::fromLatin1(field.placeholder),
                              QStringLiteral("autoscaling.knative.dev/") + QString::fromLatin1(field.annotation));
        form->addRow(label(tr(field.label)),
                     binder->bindLine(
                         edit, [key]() -> QString { return QStringLiteral("benchmarks[0].autoscaling.") + key; },
                         duration ? FormBinder::Kind::Text : FormBinder::Kind::Number));
    }
    return box;
}

QWidget* SetupPage::Impl::buildPlatformSection() {
    QFormLayout* form = nullptr;
    QWidget* box = section(tr("Platform"), form);
    platform = new QComboBox;
    platform->setObjectName(QStringLiteral("platform"));
    form->addRow(label(tr("Platform")), binder->bindCombo(platform, [] { return QStringLiteral("platform"); }));
    platformType = new QLabel;
    platformType->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(label(tr("Type")), platformType);
    testButton = new QPushButton(tr("Test connection"));
    testButton->setObjectName(QStringLiteral("testConnection"));
    connectionResult = new QLabel;
    connectionResult->setObjectName(QStringLiteral("connectionResult"));
    connectionResult->setWordWrap(true);
    auto* row = new QWidget;
    auto* rowLayout = new QHBoxLayout(row);
    rowLayout->setContentsMargins(0, 0, 0, 0);
    rowLayout->addWidget(testButton);
    rowLayout->addWidget(connectionResult, 1);
    form->addRow(label(QString()), row);
    probeWatcher = new QFutureWatcher<ProbeResult>(this);
    connect(testButton, &QPushButton::clicked, this, &Impl::testConnection);
    connect(probeWatcher, &QFutureWatcher<ProbeResult>::finished, this, [this] {
        const ProbeResult result = probeWatcher->result();
        connectionResult->setText(result.message);
        connectionResult->setProperty("ok", result.ok);
        FormBinder::markInvalid(connectionResult, !result.ok);
        testButton->setEnabled(true);
    });
    return box;
}

void SetupPage::Impl::refreshPlatforms() {
    QStringList names{QStringLiteral("local")};
    const QVariantMap declared = doc->value(QStringLiteral("platforms")).toMap();
    for (auto it = declared.begin(); it != declared.end(); ++it)
        if (!names.contains(it.key()))
            names.append(it.key());
    const QString chosen = doc->value(QStringLiteral("platform")).toString();
    if (!chosen.isEmpty() && !names.contains(chosen))
        names.append(chosen); // undeclared: the validator says so; the combo still shows it
    QStringList current;
    for (int i = 0; i < platform->count(); ++i)
        current.append(platform->itemText(i));
    if (current != names) {
        const QSignalBlocker blocker(platform);
        platform->clear();
        for (const QString& name : std::as_const(names))
            platform->addItem(name, name);
    }
    const QString name = chosen.isEmpty() ? QStringLiteral("local") : chosen;
    const QVariantMap config = declared.value(name).toMap();
    const QString type = config.value(QStringLiteral("type"), QStringLiteral("local")).toString();
    const QString url = config.value(QStringLiteral("url")).toString();
    platformType->setText(url.isEmpty() ? (config.isEmpty() ? tr("local (built in)") : type)
                                        : tr("%1 at %2").arg(type, url));
}

// Runs on a worker thread: creating a local platform starts its daemon, and an endpoint may take seconds to answer.
void SetupPage::Impl::testConnection() {
    const auto experiment = doc->experiment();
    if (!experiment) {
        connectionResult->setText(tr("fix the problems in the experiment first"));
        FormBinder::markInvalid(connectionResult, true);
        return;
    }
    model::PlatformConfig config;
    if (const model::PlatformConfig* found = experiment->findPlatform(experiment->platform))
        config = *found;
    testButton->setEnabled(false);
    connectionResult->setText(tr("connecting to %1…").arg(QString::fromStdString(experiment->platform)));
    FormBinder::markInvalid(connectionResult, false);
    probeWatcher->setFuture(QtConcurrent::run([config] { return probePlatform(config); }));
}

} // namespace faaswb::ui
