// ExperimentDocument: path edits of the YAML text, undo/redo, merging, validation issues and file round trips.
#include "ui/setup/experiment_document.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using faaswb::ui::ExperimentDocument;

namespace {

QString sourceFile(const QString& relative) {
    return qEnvironmentVariable("FAASWB_SOURCE_ROOT") + QLatin1Char('/') + relative;
}

faaswb::model::Experiment reparsed(const ExperimentDocument& document) {
    auto report = faaswb::model::loadExperimentText(document.text().toStdString(), "check.yaml");
    if (!report.experiment) {
        for (const auto& issue : report.issues)
            qWarning("%s", issue.format().c_str());
        qFatal("the document's text does not load:\n%s", qPrintable(document.text()));
    }
    return *report.experiment;
}

} // namespace

class TestExperimentDocument : public QObject {
    Q_OBJECT
private slots:
    void newDocumentIsValid();
    void setValueOnNestedPaths();
    void scalarEditKeepsComments();
    void undoRedoRestoresTextExactly();
    void consecutiveEditsMerge();
    void invalidValueReportsValidatorMessage();
    void brokenYamlKeepsLastGoodTree();
    void addAndRemoveScenario();
    void loadSaveRoundTrip_data();
    void loadSaveRoundTrip();
    void loadReportsMissingFile();
    void keyEditsKeepTheRestOfTheFile();
};

void TestExperimentDocument::newDocumentIsValid() {
    ExperimentDocument document;
    QVERIFY2(document.issues().empty(), qPrintable(document.text()));
    const auto experiment = document.experiment();
    QVERIFY(experiment);
    QCOMPARE(experiment->platform, std::string("local"));
    QCOMPARE(experiment->benchmarks.at(0).id, std::string("000.noop"));
    QCOMPARE(experiment->benchmarks.at(0).languages, std::vector<std::string>{"cpp"});
    QCOMPARE(experiment->scenarios.at(0).rate.value_or(0), 50.0);
    QCOMPARE(experiment->scenarios.at(0).duration.value_or(faaswb::model::Nanos{}), std::chrono::seconds(10));
    QCOMPARE(experiment->scenarios.at(0).warmup, std::chrono::seconds(2));
    QVERIFY(!document.isModified());
    QVERIFY(document.path().isEmpty());
}

void TestExperimentDocument::setValueOnNestedPaths() {
    ExperimentDocument document;
    QSignalSpy textChanged(&document, &ExperimentDocument::textChanged);
    QSignalSpy modified(&document, &ExperimentDocument::modifiedChanged);
    document.setValue(QStringLiteral("benchmarks[0].autoscaling.target"), 7.5);
    document.setValue(QStringLiteral("benchmarks[0].autoscaling.window"), QStringLiteral("30s"));
    document.setValue(QStringLiteral("benchmarks[0].autoscaling.minScale"), 1);
    document.setValue(QStringLiteral("benchmarks[0].languages"),
                      QStringList{QStringLiteral("cpp"), QStringLiteral("python")});
    document.setValue(QStringLiteral("scenarios[0].rate"), 120);
    document.setValue(QStringLiteral("name"), QStringLiteral("edited"));
    QCOMPARE(textChanged.count(), 6);
    QVERIFY(document.isModified());
    QCOMPARE(modified.count(), 1);

    QCOMPARE(document.value(QStringLiteral("benchmarks[0].autoscaling.target")).toDouble(), 7.5);
    QCOMPARE(document.value(QStringLiteral("benchmarks[0].autoscaling.window")).toString(), QStringLiteral("30s"));
    QCOMPARE(document.value(QStringLiteral("benchmarks[0].languages")).toStringList(),
             (QStringList{QStringLiteral("cpp"), QStringLiteral("python")}));
    QCOMPARE(document.value(QStringLiteral("scenarios[0].rate")).toInt(), 120);
    QVERIFY(!document.value(QStringLiteral("scenarios[0].connections")).isValid());

    const auto experiment = reparsed(document);
    QCOMPARE(experiment.name, std::string("edited"));
    const auto& autoscaling = experiment.benchmarks.at(0).autoscaling;
    QCOMPARE(autoscaling.target.value_or(0), 7.5);
    QCOMPARE(autoscaling.window.value_or(faaswb::model::Nanos{}), std::chrono::seconds(30));
    QCOMPARE(autoscaling.minScale.value_or(-1), 1);
    QCOMPARE(experiment.benchmarks.at(0).languages, (std::vector<std::string>{"cpp", "python"}));
    QCOMPARE(experiment.scenarios.at(0).rate.value_or(0), 120.0);
    QVERIFY(document.issues().empty());

    // An invalid QVariant removes the key.
    document.setValue(QStringLiteral("benchmarks[0].autoscaling.target"), QVariant());
    QVERIFY(!document.value(QStringLiteral("benchmarks[0].autoscaling.target")).isValid());
    QVERIFY(!reparsed(document).benchmarks.at(0).autoscaling.target);
}

void TestExperimentDocument::scalarEditKeepsComments() {
    ExperimentDocument document;
    QVERIFY(document.text().startsWith(QLatin1Char('#')));
    document.setValue(QStringLiteral("scenarios[0].duration"), QStringLiteral("45s"));
    QVERIFY(document.text().startsWith(QLatin1Char('#')));
    QVERIFY2(document.text().contains(
                 QLatin1String("{name: warm, type: warm-latency, rate: 50, duration: 45s, warmup: 2s}")),
             qPrintable(document.text()));
}

void TestExperimentDocument::undoRedoRestoresTextExactly() {
    ExperimentDocument document;
    const QString original = document.text();
    document.setValue(QStringLiteral("benchmarks[0].memory"), QStringLiteral("256Mi"));
    const QString afterFirst = document.text();
    document.setValue(QStringLiteral("scenarios[0].warmup"), QStringLiteral("5s"));
    const QString afterSecond = document.text();
    QVERIFY(afterFirst != original && afterSecond != afterFirst);

    QUndoStack* undo = document.undoStack();
    QCOMPARE(undo->count(), 2);
    undo->undo();
    QCOMPARE(document.text(), afterFirst);
    undo->undo();
    QCOMPARE(document.text(), original);
    QVERIFY(!document.isModified());
    QVERIFY(!document.value(QStringLiteral("benchmarks[0].memory")).isValid());
    undo->redo();
    undo->redo();
    QCOMPARE(document.text(), afterSecond);
    QCOMPARE(document.value(QStringLiteral("scenarios[0].warmup")).toString(), QStringLiteral("5s"));
}

void TestExperimentDocument::consecutiveEditsMerge() {
    ExperimentDocument document;
    const QString original = document.text();
    for (int rate : {1, 12, 123})
        document.setValue(QStringLiteral("scenarios[0].rate"), rate);
    QCOMPARE(document.undoStack()->count(), 1);
    document.setValue(QStringLiteral("scenarios[0].duration"), QStringLiteral("20s"));
    QCOMPARE(document.undoStack()->count(), 2);
    document.undoStack()->undo();
    QCOMPARE(document.value(QStringLiteral("scenarios[0].rate")).toInt(), 123);
    document.undoStack()->undo();
    QCOMPARE(document.text(), original);

    // Typing in the YAML merges too.
    QString typed = original;
    for (const QChar c : QStringLiteral("# hi")) {
        typed.append(c);
        document.setText(typed);
    }
    QCOMPARE(document.undoStack()->count(), 1);
    QCOMPARE(document.text(), typed);
    document.undoStack()->undo();
    QCOMPARE(document.text(), original);
}

void TestExperimentDocument::invalidValueReportsValidatorMessage() {
    ExperimentDocument document;
    QSignalSpy issuesChanged(&document, &ExperimentDocument::issuesChanged);
    document.setValue(QStringLiteral("scenarios[0].rate"), QStringLiteral("fast"));
    QVERIFY(issuesChanged.count() >= 1);
    QVERIFY(!document.experiment());
    const auto report = faaswb::model::loadExperimentText(document.text().toStdString(), "untitled.yaml");
    QCOMPARE(report.issues.size(), std::size_t(1));
    const QString expected = QString::fromStdString(report.issues.front().message);
    QVERIFY(expected.startsWith(QLatin1String("scenarios[0].rate: ")));
    QCOMPARE(document.issuesFor(QStringLiteral("scenarios[0].rate")), QStringList{expected});
    QCOMPARE(document.issuesFor(QStringLiteral("scenarios[0]")), QStringList{expected});
    QVERIFY(document.issuesFor(QStringLiteral("scenarios[0].r")).isEmpty());
    QVERIFY(document.issuesFor(QStringLiteral("name")).isEmpty());
    QCOMPARE(document.issues().front().where.line, 8);
}

void TestExperimentDocument::brokenYamlKeepsLastGoodTree() {
    ExperimentDocument document;
    document.setValue(QStringLiteral("scenarios[0].rate"), 77);
    QString broken = document.text();
    broken.replace(QLatin1String("languages: [cpp]"), QLatin1String("languages: [cpp"));
    document.setText(broken);
    QCOMPARE(document.text(), broken);
    QVERIFY(!document.experiment());
    QCOMPARE(document.issues().size(), std::size_t(1));
    const auto& issue = document.issues().front();
    QVERIFY2(QString::fromStdString(issue.message).contains(QLatin1String("YAML syntax error")), issue.message.c_str());
    QVERIFY(issue.where.line >= 6);
    QCOMPARE(document.value(QStringLiteral("scenarios[0].rate")).toInt(), 77); // the last good tree
    QCOMPARE(document.value(QStringLiteral("benchmarks[0].languages")).toStringList(),
             QStringList{QStringLiteral("cpp")});
    document.undoStack()->undo();
    QVERIFY(document.experiment());
}

void TestExperimentDocument::addAndRemoveScenario() {
    ExperimentDocument document;
    document.addScenario(QStringLiteral("autoscaling"));
    document.addScenario(QStringLiteral("cold-start"));
    document.addScenario(QStringLiteral("autoscaling"));
    auto experiment = reparsed(document);
    QCOMPARE(experiment.scenarios.size(), std::size_t(4));
    QCOMPARE(experiment.scenarios[1].name, std::string("autoscaling"));
    QCOMPARE(experiment.scenarios[1].type, faaswb::model::ScenarioType::Autoscaling);
    QCOMPARE(experiment.scenarios[1].stages.size(), std::size_t(3));
    QCOMPARE(experiment.scenarios[2].repetitions, 3);
    QCOMPARE(experiment.scenarios[3].name, std::string("autoscaling-2"));
    document.removeScenario(1);
    experiment = reparsed(document);
    QCOMPARE(experiment.scenarios.size(), std::size_t(3));
    QCOMPARE(experiment.scenarios[1].name, std::string("cold-start"));
}

void TestExperimentDocument::loadSaveRoundTrip_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("quickstart") << QStringLiteral("resources/experiments/quickstart.yaml");
    QTest::newRow("local-quickstart") << QStringLiteral("resources/experiments/local-quickstart.yaml");
}

void TestExperimentDocument::loadSaveRoundTrip() {
    QFETCH(QString, file);
    ExperimentDocument document;
    QSignalSpy pathChanged(&document, &ExperimentDocument::pathChanged);
    QString error;
    QVERIFY2(document.load(sourceFile(file), &error), qPrintable(error));
    QCOMPARE(pathChanged.count(), 1);
    QVERIFY(!document.isModified());
    QVERIFY(document.issues().empty());
    const auto original = document.experiment();
    QVERIFY(original);
    QVERIFY(document.undoStack()->count() == 0);

    document.setValue(QStringLiteral("scenarios[0].duration"), QStringLiteral("12s"));
    QVERIFY(document.isModified());
    QTemporaryDir dir;
    const QString copy = dir.filePath(QStringLiteral("copy.yaml"));
    QVERIFY2(document.saveAs(copy, &error), qPrintable(error));
    QVERIFY(!document.isModified());
    QCOMPARE(document.path(), copy);

    ExperimentDocument reloaded;
    QVERIFY2(reloaded.load(copy, &error), qPrintable(error));
    QCOMPARE(reloaded.text(), document.text());
    const auto again = reloaded.experiment();
    QVERIFY(again);
    QCOMPARE(again->name, original->name);
    QCOMPARE(again->platform, original->platform);
    QCOMPARE(again->platforms.size(), original->platforms.size());
    QCOMPARE(again->benchmarks.size(), original->benchmarks.size());
    QCOMPARE(again->benchmarks[0].languages, original->benchmarks[0].languages);
    QCOMPARE(again->benchmarks[0].autoscaling.target, original->benchmarks[0].autoscaling.target);
    QCOMPARE(again->scenarios.size(), original->scenarios.size());
    QCOMPARE(again->scenarios[0].duration.value_or(faaswb::model::Nanos{}), std::chrono::seconds(12));
    QCOMPARE(again->scenarios.back().stages.size(), original->scenarios.back().stages.size());
    // Comments survive a field edit.
    QVERIFY(reloaded.text().contains(QLatin1String("# The functions under test")) ||
            reloaded.text().contains(QLatin1String("# Knative autoscaling annotations")));
}

void TestExperimentDocument::loadReportsMissingFile() {
    ExperimentDocument document;
    QString error;
    QVERIFY(!document.load(QStringLiteral("/nonexistent/x.yaml"), &error));
    QVERIFY2(error.startsWith(QLatin1String("cannot open /nonexistent/x.yaml: ")), qPrintable(error));
    QVERIFY(!document.save(&error));
    QVERIFY(!error.isEmpty());
}

void TestExperimentDocument::keyEditsKeepTheRestOfTheFile() {
    ExperimentDocument document;
    QString error;
    QVERIFY2(document.load(sourceFile(QStringLiteral("resources/experiments/local-quickstart.yaml")), &error),
             qPrintable(error));
    const QString original = document.text();
    document.setValue(QStringLiteral("benchmarks[0].memory"), QStringLiteral("256Mi"));
    document.setValue(QStringLiteral("benchmarks[0].autoscaling.window"), QStringLiteral("30s"));
    document.setValue(QStringLiteral("benchmarks[0].autoscaling.maxScale"), QVariant());
    document.setValue(QStringLiteral("benchmarks[0].languages"), QStringList{QStringLiteral("nodejs")});
    document.setValue(QStringLiteral("scenarios[0].warmup"), QVariant());
    const QString text = document.text();
    QVERIFY2(text.contains(QLatin1String("    containerConcurrency: 0       # requests one instance serves at once; "
                                         "0 = no limit\n    memory: 256Mi\n")),
             qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("      target: 2                   # in-flight requests per instance the "
                                         "autoscaler aims for\n      window: 30s\n")),
             qPrintable(text));
    QVERIFY(!text.contains(QLatin1String("maxScale")));
    QVERIFY(text.contains(QLatin1String("    languages: [nodejs]\n")));
    QVERIFY(text.contains(QLatin1String("  - {name: warm, type: warm-latency, rate: 100, duration: 10s}\n")));
    // Every comment of the original is still there.
    for (const QString& line : original.split(QLatin1Char('\n')))
        if (line.trimmed().startsWith(QLatin1Char('#')))
            QVERIFY2(text.contains(line), qPrintable(line));
    const auto experiment = reparsed(document);
    QCOMPARE(experiment.benchmarks[0].memory.value_or(""), std::string("256Mi"));
    QVERIFY(!experiment.benchmarks[0].autoscaling.maxScale);
    QCOMPARE(experiment.benchmarks[0].autoscaling.window.value_or(faaswb::model::Nanos{}), std::chrono::seconds(30));
    while (document.undoStack()->canUndo())
        document.undoStack()->undo();
    QCOMPARE(document.text(), original);
}

QTEST_GUILESS_MAIN(TestExperimentDocument)
#include "tst_experiment_document.moc"
