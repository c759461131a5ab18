// docs/csv-reference.md against the exporter: a fixture database (a warm-latency run with intervals, requests, scale
// events, metrics and thresholds, and a workflow-chain scenario swept over mechanism x payloadSize) goes through
// exportCsv and exportScenarioSummary; every file and header column written must be in the reference, and every
// file and column the reference names must be written. Units come from a fixed list.
#include "results/csv_export.h"
#include "results/result_store.h"
#include "results_fixtures.h"
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace faaswb;
using namespace faaswb::results;

namespace {

struct DocColumn {
    QString name; // may hold <placeholders>
    QString unit;
};

struct DocFile {
    QString name; // may hold <placeholders>
    QList<DocColumn> columns;
};

QStringList cells(const QString& line) {
    QStringList parts = line.trimmed().split(QLatin1Char('|'));
    if (parts.size() >= 2) {
        parts.removeFirst();
        parts.removeLast();
    }
    for (QString& part : parts)
        part = part.trimmed();
    return parts;
}

QString unquoted(const QString& cell) {
    return cell.size() >= 2 && cell.startsWith(QLatin1Char('`')) && cell.endsWith(QLatin1Char('`'))
               ? cell.mid(1, cell.size() - 2)
               : QString();
}

// "## `file`" headings, each with the rows of its "| column | unit | meaning |" table.
QList<DocFile> readReference(const QString& path) {
    QFile file(path);
    QList<DocFile> files;
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return files;
    for (const QString& line : QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'))) {
        if (line.startsWith(QStringLiteral("## "))) {
            files.append({unquoted(line.mid(3).trimmed()), {}});
            continue;
        }
        const QStringList row = cells(line);
        if (files.isEmpty() || !line.trimmed().startsWith(QLatin1Char('|')) || row.size() < 3)
            continue;
        if (row[0] == QStringLiteral("column") || row[0].startsWith(QStringLiteral("---")))
            continue;
        files.last().columns.append({unquoted(row[0]), row[1]});
    }
    return files;
}

bool isPattern(const QString& name) {
    return name.contains(QLatin1Char('<'));
}

// `<anything>` stands for a name without spaces, brackets or colons.
bool matches(const QString& pattern, const QString& text) {
    QString expression;
    static const QRegularExpression placeholder(QStringLiteral("<[^>]+>"));
    qsizetype last = 0;
    for (const auto& match : placeholder.globalMatch(pattern)) {
        expression += QRegularExpression::escape(pattern.mid(last, match.capturedStart() - last));
        expression += QStringLiteral("[^\\s\\[\\]:]+");
        last = match.capturedEnd();
    }
    expression += QRegularExpression::escape(pattern.mid(last));
    return QRegularExpression(QRegularExpression::anchoredPattern(expression)).match(text).hasMatch();
}

// The header row of an exported file: RFC 4180 fields up to the first CRLF.
QStringList headerOf(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString text = QString::fromUtf8(file.readAll());
    QStringList fields{QString()};
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted && c == QLatin1Char('"') && i + 1 < text.size() && text[i + 1] == QLatin1Char('"'))
            fields.last() += text[++i];
        else if (c == QLatin1Char('"'))
            quoted = !quoted;
        else if (!quoted && c == QLatin1Char(','))
            fields.append(QString());
        else if (!quoted && c == QLatin1Char('\r'))
            break;
        else
            fields.last() += c;
    }
    return fields;
}

const DocFile* documentedFile(const QList<DocFile>& reference, const QString& fileName) {
    for (const DocFile& file : reference)
        if (file.name == fileName)
            return &file;
    for (const DocFile& file : reference)
        if (isPattern(file.name) && matches(file.name, fileName))
            return &file;
    return nullptr;
}

// Columns written but not documented, and documented ones not written (a pattern needs one column only it matches).
QStringList mismatches(const DocFile& doc, const QStringList& header) {
    QStringList problems;
    auto exact = [&](const QString& column) {
        return std::any_of(doc.columns.begin(), doc.columns.end(),
                           [&](const DocColumn& c) { return c.name == column; });
    };
    for (const QString& column : header)
        if (!exact(column) && std::none_of(doc.columns.begin(), doc.columns.end(), [&](const DocColumn& c) {
                return isPattern(c.name) && matches(c.name, column);
            }))
            problems.append(QStringLiteral("written, not documented: '%1'").arg(column));
    for (const DocColumn& c : doc.columns) {
        const bool written =
            isPattern(c.name)
                ? std::any_of(header.begin(), header.end(),
                              [&](const QString& column) { return !exact(column) && matches(c.name, column); })
                : header.contains(c.name);
        if (!written)
            problems.append(QStringLiteral("documented, not written: '%1'").arg(c.name));
    }
    return problems;
}

} // namespace

class TestCsvDocs : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QList<DocFile> m_reference;

    QString exportDir() const { return m_dir.filePath(QStringLiteral("export")); }

    void addWarmRun(ResultStore& store) {
        const auto description = test::runDescription(0, "warm");
        auto experiment = store.addExperiment(description.experimentName, description.experimentYaml);
        const auto runId = *store.beginRun(*experiment, description);
        QVERIFY(
            store.appendIntervals(runId, std::vector{test::interval(0, {2000}, true), test::interval(1, {1000})}).ok());
        QVERIFY(store.appendRequests(runId, test::requests(1, 2)).ok());
        platform::ScaleSample sample{500, "sleep-00001", 3, 2, 1, 1, 0, true};
        QVERIFY(store.appendScale(runId, std::vector{sample}).ok());
        QVERIFY(store.addRunMetrics(runId, test::metricsReport(12.5, true)).ok());
        QVERIFY(store.finishRun(runId, engine::RunStatus::Complete, "", test::fixedStart()).ok());
    }

    // A workflow-chain scenario swept over mechanism x payloadSize: the chain pivots are written for it.
    void addChainRuns(ResultStore& store) {
        auto description = test::runDescription(1, "chain");
        description.scenarioType = "workflow-chain";
        auto experiment = store.addExperiment(description.experimentName, description.experimentYaml);
        int index = 0;
        for (const char* mechanism : {"direct", "serving"})
            for (int payload : {1024, 10240}) {
                description.sweep = test::sweepPoint(index++, {{"mechanism", mechanism}, {"payloadSize", payload}});
                const auto runId = *store.beginRun(*experiment, description);
                analysis::RunMetricsReport report;
                report.metrics = {{"end_to_end_p50", 4.0 + index, "ms"}, {"handover_sum_p50", 2.0 + index, "ms"}};
                QVERIFY(store.addRunMetrics(runId, report).ok());
                QVERIFY(store.finishRun(runId, engine::RunStatus::Complete, "", test::fixedStart()).ok());
            }
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_reference = readReference(test::sourcePath(QStringLiteral("docs/csv-reference.md")));
        QVERIFY2(!m_reference.isEmpty(), "docs/csv-reference.md has no '## `file`' sections");
        auto store = ResultStore::open(m_dir.filePath(QStringLiteral("results.db")).toStdString());
        QVERIFY(store.ok());
        addWarmRun(*store);
        addChainRuns(*store);
        QVERIFY(exportCsv(*store, {}, exportDir().toStdString()).ok());
        QVERIFY(exportScenarioSummary(*store, {}, exportDir().toStdString()).ok());
    }

    void everyWrittenFileIsDocumented() {
        const QStringList written = QDir(exportDir()).entryList({QStringLiteral("*.csv")}, QDir::Files, QDir::Name);
        QVERIFY(written.contains(QStringLiteral("chain-chain-end_to_end_p50.csv"))); // the fixture reaches them
        for (const QString& name : written)
            QVERIFY2(documentedFile(m_reference, name), qPrintable(name + QStringLiteral(" is not in the reference")));
    }

    void everyDocumentedFileIsWritten() {
        const QStringList written = QDir(exportDir()).entryList({QStringLiteral("*.csv")}, QDir::Files);
        for (const DocFile& doc : m_reference) {
            QVERIFY2(!doc.name.isEmpty() && doc.name.endsWith(QStringLiteral(".csv")),
                     "every '## ' heading of the reference names a `file.csv`");
            const bool found = std::any_of(written.begin(), written.end(), [&](const QString& name) {
                return isPattern(doc.name) ? matches(doc.name, name) : name == doc.name;
            });
            QVERIFY2(found, qPrintable(doc.name + QStringLiteral(" is documented but not written")));
        }
    }

    void columns_data() {
        QTest::addColumn<QString>("file");
        for (const QString& name : QDir(exportDir()).entryList({QStringLiteral("*.csv")}, QDir::Files, QDir::Name))
            QTest::addRow("%s", qPrintable(name)) << name;
    }
    void columns() {
        QFETCH(QString, file);
        const DocFile* doc = documentedFile(m_reference, file);
        QVERIFY(doc);
        const QStringList header = headerOf(QDir(exportDir()).filePath(file));
        QVERIFY(!header.isEmpty());
        const QStringList problems = mismatches(*doc, header);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
        if (std::none_of(doc->columns.begin(), doc->columns.end(),
                         [](const DocColumn& c) { return isPattern(c.name); })) {
            QStringList documented;
            for (const DocColumn& c : doc->columns)
                documented.append(c.name);
            QCOMPARE(header, documented); // fixed layouts are documented in their order
        }
    }

    void unitsAreFromTheList() {
        const QStringList units{QStringLiteral("ms"),    QStringLiteral("s"),     QStringLiteral("requests/s"),
                                QStringLiteral("bytes"), QStringLiteral("count"), QStringLiteral("%"),
                                QStringLiteral("—")};
        for (const DocFile& doc : m_reference)
            for (const DocColumn& column : doc.columns)
                QVERIFY2(units.contains(column.unit),
                         qPrintable(QStringLiteral("%1: %2: unit '%3'").arg(doc.name, column.name, column.unit)));
    }

    // The matcher itself: a column the reference lacks is reported, and so is one it names but nothing writes.
    void mismatchesAreReported() {
        const DocFile doc{QStringLiteral("x.csv"),
                          {{QStringLiteral("run_id"), QStringLiteral("—")},
                           {QStringLiteral("<metric>_n"), QStringLiteral("count")},
                           {QStringLiteral("gone"), QStringLiteral("—")}}};
        const QStringList problems =
            mismatches(doc, {QStringLiteral("run_id"), QStringLiteral("p99_n"), QStringLiteral("new column")});
        QCOMPARE(problems, (QStringList{QStringLiteral("written, not documented: 'new column'"),
                                        QStringLiteral("documented, not written: 'gone'")}));
    }
};

QTEST_GUILESS_MAIN(TestCsvDocs)
#include "tst_csv_docs.moc"
