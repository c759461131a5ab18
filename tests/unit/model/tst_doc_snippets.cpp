// Every ```yaml block of docs/experiment-file.md, docs/scenarios.md, docs/scenarios/*.md and docs/guide/*.md is a whole
// experiment that loads, unless the line before it is `<!-- invalid -->`: then it must fail. Relative files in a
// snippet resolve as if it were saved in resources/experiments/, beside the example experiments
// (../datasets/tweets.csv).
#include "model/experiment_loader.h"
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QtTest>

using namespace faaswb;
using namespace faaswb::model;

namespace {

struct Snippet {
    QString doc;  // path
    int line = 0; // of the opening fence
    QString text;
    bool invalid = false;
};

QList<Snippet> snippetsOf(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    QList<Snippet> snippets;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].trimmed() != QStringLiteral("```yaml"))
            continue;
        Snippet snippet{path, int(i + 1), {}, false};
        snippet.invalid = i > 0 && lines[i - 1].trimmed() == QStringLiteral("<!-- invalid -->");
        for (++i; i < lines.size() && lines[i].trimmed() != QStringLiteral("```"); ++i)
            snippet.text += lines[i] + QLatin1Char('\n');
        snippets.append(snippet);
    }
    return snippets;
}

QStringList documents() {
    QStringList paths{test::sourcePath(QStringLiteral("docs/experiment-file.md")),
                      test::sourcePath(QStringLiteral("docs/scenarios.md"))};
    for (const char* folder : {"docs/scenarios", "docs/guide"}) {
        const QDir dir(test::sourcePath(QString::fromLatin1(folder)));
        for (const QString& name : dir.entryList({QStringLiteral("*.md")}, QDir::Files, QDir::Name))
            paths.append(dir.filePath(name));
    }
    return paths;
}

QString describe(const std::vector<ValidationIssue>& issues) {
    QString text;
    for (const ValidationIssue& issue : issues)
        text += QString::fromStdString(issue.format()) + QLatin1Char('\n');
    return text;
}

} // namespace

class TestDocSnippets : public QObject {
    Q_OBJECT
private slots:
    void referenceHasASnippetPerScenarioType() {
        const QList<Snippet> snippets = snippetsOf(test::sourcePath(QStringLiteral("docs/experiment-file.md")));
        QString all;
        for (const Snippet& snippet : snippets)
            all += snippet.invalid ? QString() : snippet.text;
        for (const char* type : {"warm-latency", "cold-start", "concurrency-one", "autoscaling", "load", "batch",
                                 "workflow-chain", "eventing", "trace-replay", "perf-cost"})
            QVERIFY2(all.contains(QStringLiteral("type: ") + QLatin1String(type)), type);
    }

    // The guide's examples are covered too: getting-started.md is among the documents and has at least one.
    void guideIsCovered() {
        const QString guide = test::sourcePath(QStringLiteral("docs/guide/getting-started.md"));
        QVERIFY(documents().contains(guide));
        QVERIFY(!snippetsOf(guide).isEmpty());
    }

    void snippets_data() {
        QTest::addColumn<QString>("doc");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("invalid");
        for (const QString& path : documents())
            for (const Snippet& snippet : snippetsOf(path))
                QTest::addRow("%s:%d", qPrintable(QFileInfo(path).fileName()), snippet.line)
                    << path << snippet.text << snippet.invalid;
    }
    void snippets() {
        QFETCH(QString, doc);
        QFETCH(QString, text);
        QFETCH(bool, invalid);
        const QString source = test::sourcePath(QStringLiteral("resources/experiments/") + QFileInfo(doc).baseName() +
                                                QStringLiteral("-snippet.yaml"));
        const LoadReport report = loadExperimentText(text.toStdString(), source.toStdString());
        if (invalid)
            QVERIFY2(!report.experiment, "a snippet marked <!-- invalid --> loaded");
        else
            QVERIFY2(report.experiment, qPrintable(describe(report.issues)));
    }
};

QTEST_GUILESS_MAIN(TestDocSnippets)
#include "tst_doc_snippets.moc"
