#include "ui/start/start_examples.h"

#include "common/paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace faaswb::ui {
namespace {

struct ExampleText {
    const char* type;
    const char* title;
    const char* description;
};

// One card per scenario type of docs/scenarios.md, in the order that page explains them.
constexpr ExampleText kExamples[] = {
    {"warm-latency", QT_TRANSLATE_NOOP("StartPage", "Warm latency"),
     QT_TRANSLATE_NOOP("StartPage", "Latency per language at fixed rates, with a sweep and thresholds")},
    {"cold-start", QT_TRANSLATE_NOOP("StartPage", "Cold start"),
     QT_TRANSLATE_NOOP("StartPage", "First request after scale to zero, against warm requests")},
    {"concurrency-one", QT_TRANSLATE_NOOP("StartPage", "Concurrency one"),
     QT_TRANSLATE_NOOP("StartPage", "One request per instance: fan-out and activator queueing")},
    {"autoscaling", QT_TRANSLATE_NOOP("StartPage", "Autoscaling"),
     QT_TRANSLATE_NOOP("StartPage", "How pods follow a step, a ramp and a sine wave of load")},
    {"batch", QT_TRANSLATE_NOOP("StartPage", "Batch"),
     QT_TRANSLATE_NOOP("StartPage", "Pull-based batch of tweets through a sentiment function")},
    {"workflow-chain", QT_TRANSLATE_NOOP("StartPage", "Workflow chain"),
     QT_TRANSLATE_NOOP("StartPage", "Handover latency between the steps of a 3-step workflow")},
    {"eventing", QT_TRANSLATE_NOOP("StartPage", "Eventing"),
     QT_TRANSLATE_NOOP("StartPage", "CloudEvents into a broker, fanned out to 1, 2 and 4 triggers")},
    {"trace-replay", QT_TRANSLATE_NOOP("StartPage", "Trace replay"),
     QT_TRANSLATE_NOOP("StartPage", "Invocations replayed from an Azure Functions trace")},
    {"perf-cost", QT_TRANSLATE_NOOP("StartPage", "Performance and cost"),
     QT_TRANSLATE_NOOP("StartPage", "The same function at several memory limits")},
};

} // namespace

QString experimentsDir() {
    return QDir(QString::fromStdString(dataRoot())).filePath(QStringLiteral("resources/experiments"));
}

QString quickstartPath() {
    const QString path = QDir(experimentsDir()).filePath(QStringLiteral("local-quickstart.yaml"));
    return QFileInfo::exists(path) ? path : QString();
}

QList<StartExample> startExamples() {
    const QDir dir(experimentsDir());
    QList<StartExample> examples;
    for (const ExampleText& text : kExamples) {
        const QString type = QString::fromLatin1(text.type);
        const QString path = dir.filePath(type + QStringLiteral(".yaml"));
        if (!QFileInfo(path).isFile())
            continue;
        examples.append({type, QCoreApplication::translate("StartPage", text.title),
                         QCoreApplication::translate("StartPage", text.description),
                         QFileInfo(path).absoluteFilePath()});
    }
    return examples;
}

} // namespace faaswb::ui
