#include "ui/setup/experiment_document.h"

#include "ui/setup/yaml_edit.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUndoCommand>
#include <QUndoStack>
#include <functional>

namespace faaswb::ui {
namespace {

const QString kTypingKey = QStringLiteral("text:");

QString newExperimentText() {
    return QStringLiteral(
        "# A new experiment: one benchmark on the built-in local platform, one warm-latency scenario.\n"
        "name: new-experiment\n"
        "platform: local\n"
        "benchmarks:\n"
        "  - id: 000.noop\n"
        "    languages: [cpp]\n"
        "scenarios:\n"
        "  - {name: warm, type: warm-latency, rate: 50, duration: 10s, warmup: 2s}\n");
}

QVariantMap scenarioDefaults(const QString& type) {
    const auto stage = [](int rate, const QString& duration) {
        return QVariantMap{{QStringLiteral("rate"), rate}, {QStringLiteral("for"), duration}};
    };
    QVariantMap fields{{QStringLiteral("type"), type}};
    if (type == QLatin1String("cold-start")) {
        fields.insert(QStringLiteral("repetitions"), 3);
    } else if (type == QLatin1String("perf-cost")) {
        fields.insert(QStringLiteral("repetitions"), 3);
        fields.insert(QStringLiteral("memory"), QVariantList{QStringLiteral("128Mi"), QStringLiteral("256Mi")});
    } else if (type == QLatin1String("trace-replay")) {
        // The validator asks for the file until one is named: the form shows that under the scenario.
        fields.insert(QStringLiteral("trace"), QVariantMap{{QStringLiteral("file"), QStringLiteral("trace.csv")},
                                                           {QStringLiteral("format"), QStringLiteral("timestamps")}});
    } else if (type == QLatin1String("workflow-chain")) {
        fields.insert(QStringLiteral("steps"), 3);
        fields.insert(QStringLiteral("mechanism"), QStringLiteral("serving"));
        fields.insert(QStringLiteral("requests"), 20);
    } else if (type == QLatin1String("batch")) {
        fields.insert(QStringLiteral("source"), QVariantMap{{QStringLiteral("csv"), QStringLiteral("records.csv")}});
        fields.insert(QStringLiteral("batchSize"), 10);
        fields.insert(QStringLiteral("workers"), 2);
    } else if (type == QLatin1String("autoscaling")) {
        fields.insert(QStringLiteral("stages"),
                      QVariantList{stage(10, QStringLiteral("10s")), stage(100, QStringLiteral("30s")),
                                   stage(0, QStringLiteral("30s"))});
    } else {
        fields.insert(QStringLiteral("rate"), type == QLatin1String("concurrency-one") ? 10 : 50);
        fields.insert(QStringLiteral("duration"), QStringLiteral("10s"));
        if (type == QLatin1String("warm-latency"))
            fields.insert(QStringLiteral("warmup"), QStringLiteral("2s"));
    }
    return fields;
}

} // namespace

class ExperimentDocument::Impl {
public:
    explicit Impl(ExperimentDocument* owner)
        : q(owner)
        , undo(new QUndoStack(owner)) {}

    void apply(const QString& newText);
    void revalidate();
    void pushEdit(const QString& newText, const QString& mergeKey, const QString& label);
    std::optional<YAML::Node> editedTree(const std::vector<yamledit::Segment>& path, const QVariant& value) const;

    ExperimentDocument* q;
    QUndoStack* undo;
    QString text;
    QString path;
    YAML::Node tree{YAML::NodeType::Map}; // the last text that parsed
    model::LoadReport report;
};

namespace {

// One undoable text change. Edits of the same field (or consecutive typing) merge into one step.
class TextEdit : public QUndoCommand {
public:
    using Apply = std::function<void(const QString&)>;
    TextEdit(Apply apply, QString before, QString after, QString mergeKey, const QString& label)
        : QUndoCommand(label)
        , m_apply(std::move(apply))
        , m_before(std::move(before))
        , m_after(std::move(after))
        , m_mergeKey(std::move(mergeKey)) {}

    int id() const override { return m_mergeKey.isEmpty() ? -1 : 1; }
    void redo() override { m_apply(m_after); }
    void undo() override { m_apply(m_before); }
    bool mergeWith(const QUndoCommand* other) override {
        const auto* edit = static_cast<const TextEdit*>(other);
        if (edit->m_mergeKey != m_mergeKey)
            return false;
        m_after = edit->m_after;
        setObsolete(m_after == m_before);
        return true;
    }

private:
    Apply m_apply;
    QString m_before;
    QString m_after;
    QString m_mergeKey;
};

} // namespace

void ExperimentDocument::Impl::apply(const QString& newText) {
    if (newText == text)
        return;
    text = newText;
    try {
        tree = YAML::Load(text.toStdString());
    } catch (const YAML::Exception&) {
        // Keep the last good tree: the form keeps showing it while the YAML is being typed.
    }
    revalidate();
    emit q->textChanged();
}

void ExperimentDocument::Impl::revalidate() {
    const QString source = path.isEmpty() ? QStringLiteral("untitled.yaml") : path;
    report = model::loadExperimentText(text.toStdString(), source.toStdString());
    emit q->issuesChanged();
}

void ExperimentDocument::Impl::pushEdit(const QString& newText, const QString& mergeKey, const QString& label) {
    if (newText == text)
        return;
    undo->push(new TextEdit([this](const QString& next) { apply(next); }, text, newText, mergeKey, label));
}

std::optional<YAML::Node> ExperimentDocument::Impl::editedTree(const std::vector<yamledit::Segment>& segments,
                                                               const QVariant& value) const {
    YAML::Node copy = YAML::Clone(tree);
    if (!copy.IsMap())
        copy = YAML::Node(YAML::NodeType::Map);
    if (!yamledit::assign(copy, segments, value))
        return std::nullopt;
    return copy;
}

ExperimentDocument::ExperimentDocument(QObject* parent)
    : QObject(parent)
    , m_impl(std::make_unique<Impl>(this)) {
    connect(m_impl->undo, &QUndoStack::cleanChanged, this, [this](bool clean) { emit modifiedChanged(!clean); });
    newDocument();
}

ExperimentDocument::~ExperimentDocument() {
    // The stack's commands point into m_impl; drop them before it goes.
    m_impl->undo->clear();
}

void ExperimentDocument::newDocument() {
    m_impl->undo->clear();
    m_impl->path.clear();
    m_impl->apply(newExperimentText());
    m_impl->undo->setClean();
    emit pathChanged(QString());
    emit modifiedChanged(false);
}

bool ExperimentDocument::load(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return false;
    }
    const QString contents = QString::fromUtf8(file.readAll());
    m_impl->undo->clear();
    m_impl->path = QFileInfo(path).absoluteFilePath();
    m_impl->text.clear(); // forces the re-parse even when the text is the same
    m_impl->apply(contents);
    m_impl->undo->setClean();
    emit pathChanged(m_impl->path);
    emit modifiedChanged(false);
    return true;
}

bool ExperimentDocument::save(QString* error) {
    if (m_impl->path.isEmpty()) {
        if (error)
            *error = QStringLiteral("the experiment has no file yet: use Save As");
        return false;
    }
    return saveAs(m_impl->path, error);
}

bool ExperimentDocument::saveAs(const QString& path, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_impl->text.toUtf8()) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("cannot save %1: %2").arg(path, file.errorString());
        return false;
    }
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (absolute != m_impl->path) {
        m_impl->path = absolute;
        m_impl->revalidate(); // issues name the file
        emit pathChanged(absolute);
    }
    m_impl->undo->setClean();
    return true;
}

QString ExperimentDocument::path() const {
    return m_impl->path;
}
QString ExperimentDocument::text() const {
    return m_impl->text;
}
bool ExperimentDocument::isModified() const {
    return !m_impl->undo->isClean();
}
QUndoStack* ExperimentDocument::undoStack() const {
    return m_impl->undo;
}

void ExperimentDocument::setText(const QString& text) {
    m_impl->pushEdit(text, kTypingKey, tr("Edit YAML"));
}

void ExperimentDocument::setValue(const QString& fieldPath, const QVariant& value) {
    const auto segments = yamledit::parsePath(fieldPath);
    if (!segments)
        return;
    const QString label = tr("Set %1").arg(fieldPath);
    if (const auto spliced = yamledit::spliceScalar(m_impl->text, m_impl->tree, *segments, value)) {
        m_impl->pushEdit(*spliced, fieldPath, label);
        return;
    }
    const auto edited = m_impl->editedTree(*segments, value);
    if (!edited)
        return;
    // Prefer a local text edit that keeps comments and layout; re-emit the whole tree only when that is not possible.
    const auto spliced = yamledit::spliceKey(m_impl->text, m_impl->tree, *segments, value, *edited);
    m_impl->pushEdit(spliced ? *spliced : yamledit::emitText(*edited), fieldPath, label);
}

QVariant ExperimentDocument::value(const QString& fieldPath) const {
    const auto segments = yamledit::parsePath(fieldPath);
    return segments ? yamledit::toVariant(yamledit::find(m_impl->tree, *segments)) : QVariant();
}

void ExperimentDocument::addScenario(const QString& type) {
    const YAML::Node scenarios = yamledit::find(m_impl->tree, {QStringLiteral("scenarios")});
    const int count = scenarios.IsSequence() ? static_cast<int>(scenarios.size()) : 0;
    QStringList names;
    for (int i = 0; i < count; ++i)
        names.append(value(QStringLiteral("scenarios[%1].name").arg(i)).toString());
    QString name = type;
    for (int n = 2; names.contains(name); ++n)
        name = QStringLiteral("%1-%2").arg(type).arg(n);
    QVariantMap fields = scenarioDefaults(type);
    fields.insert(QStringLiteral("name"), name);
    const auto edited = m_impl->editedTree({QStringLiteral("scenarios"), count}, fields);
    if (edited)
        m_impl->pushEdit(yamledit::emitText(*edited), QString(), tr("Add scenario %1").arg(name));
}

void ExperimentDocument::removeScenario(int index) {
    const auto edited = m_impl->editedTree({QStringLiteral("scenarios"), index}, QVariant());
    if (edited)
        m_impl->pushEdit(yamledit::emitText(*edited), QString(), tr("Remove scenario"));
}

const std::vector<model::ValidationIssue>& ExperimentDocument::issues() const {
    return m_impl->report.issues;
}

std::optional<model::Experiment> ExperimentDocument::experiment() const {
    return m_impl->report.experiment;
}

QStringList ExperimentDocument::issuesFor(const QString& fieldPath) const {
    QStringList messages;
    const std::string prefix = fieldPath.toStdString();
    for (const auto& issue : m_impl->report.issues) {
        const std::string& message = issue.message;
        if (!message.starts_with(prefix))
            continue;
        const char next = message.size() > prefix.size() ? message[prefix.size()] : '\0';
        if (next == ':' || next == '.' || next == '[')
            messages.append(QString::fromStdString(message));
    }
    return messages;
}

} // namespace faaswb::ui
