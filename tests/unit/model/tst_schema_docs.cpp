// docs/experiment-file.md against the validator's schema (model::experimentSchema()): every key of every section has
// a row in a key table (a table whose first header cell is "key") of that section's part of the page, and every key
// such a table names is one the schema knows there. So neither the page nor the readers can drift alone.
#include "model/experiment_schema.h"
#include "testutils.h"

#include <QFile>
#include <QRegularExpression>
#include <QtTest>

using namespace faaswb;

namespace {

// Where the page documents a schema section: the parts under these headings; nested keys are written with a
// prefix (`trace.file`, `auth.token`).
struct DocPlace {
    QString path;
    QStringList headings;
    QString prefix;
};

const QList<DocPlace>& docPlaces() {
    static const QList<DocPlace> places{
        {QString(), {QStringLiteral("Top level")}, QString()},
        {QStringLiteral("settings"), {QStringLiteral("Settings")}, QString()},
        {QStringLiteral("platforms.NAME"), {QStringLiteral("Platforms")}, QString()},
        {QStringLiteral("platforms.NAME.auth"), {QStringLiteral("Platform credentials")}, QStringLiteral("auth.")},
        {QStringLiteral("benchmarks[]"), {QStringLiteral("Benchmarks")}, QString()},
        {QStringLiteral("benchmarks[].autoscaling"),
         {QStringLiteral("Benchmark autoscaling")},
         QStringLiteral("autoscaling.")},
        {QStringLiteral("scenarios[]"),
         {QStringLiteral("Scenarios: keys of every type"), QStringLiteral("Scenario types")},
         QString()},
        {QStringLiteral("scenarios[].stages[]"), {QStringLiteral("Stages")}, QString()},
        {QStringLiteral("scenarios[].stages[].sine"), {QStringLiteral("Stages")}, QStringLiteral("sine.")},
        {QStringLiteral("scenarios[].trace"), {QStringLiteral("trace-replay")}, QStringLiteral("trace.")},
        {QStringLiteral("scenarios[].source"), {QStringLiteral("batch")}, QStringLiteral("source.")},
        {QStringLiteral("scenarios[].sink"), {QStringLiteral("batch")}, QStringLiteral("sink.")},
    };
    return places;
}

struct Heading {
    QString text;
    int level = 0;
    int line = 0;
};

struct KeyRow {
    int line = 0;
    QStringList keys; // the backticked names of the first cell
};

struct Page {
    QList<Heading> headings;
    QList<KeyRow> rows;
    int lineCount = 0;
};

QStringList cells(const QString& line) {
    QStringList parts = line.trimmed().split(QLatin1Char('|'));
    if (parts.size() >= 2) {
        parts.removeFirst();
        parts.removeLast();
    }
    return parts;
}

QStringList backticked(const QString& text) {
    static const QRegularExpression code(QStringLiteral("`([^`]+)`"));
    QStringList names;
    for (const auto& match : code.globalMatch(text))
        names.append(match.captured(1));
    return names;
}

// Headings and key-table rows outside code fences.
Page readPage(const QString& path) {
    QFile file(path);
    Page page;
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return page;
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    page.lineCount = int(lines.size());
    static const QRegularExpression heading(QStringLiteral("^(#+)\\s+(.*)$"));
    bool inFence = false;
    bool inKeyTable = false;
    for (int i = 0; i < lines.size(); ++i) {
        const QString& line = lines[i];
        if (line.trimmed().startsWith(QStringLiteral("```")))
            inFence = !inFence;
        if (inFence)
            continue;
        if (const auto match = heading.match(line); match.hasMatch())
            page.headings.append({match.captured(2).trimmed(), int(match.captured(1).size()), i});
        const bool tableLine = line.trimmed().startsWith(QLatin1Char('|'));
        if (!tableLine) {
            inKeyTable = false;
            continue;
        }
        const QStringList row = cells(line);
        if (row.isEmpty() || row.first().trimmed().startsWith(QStringLiteral("---")))
            continue;
        if (!inKeyTable && i > 0 && !lines[i - 1].trimmed().startsWith(QLatin1Char('|'))) {
            inKeyTable = row.first().trimmed() == QStringLiteral("key"); // a table's header row
            continue;
        }
        if (inKeyTable)
            page.rows.append({i, backticked(row.first())});
    }
    return page;
}

// The lines [first, end) of each part under `text` headings.
QList<QPair<int, int>> partsUnder(const Page& page, const QString& text) {
    QList<QPair<int, int>> parts;
    for (qsizetype h = 0; h < page.headings.size(); ++h) {
        if (page.headings[h].text != text)
            continue;
        int end = page.lineCount;
        for (qsizetype next = h + 1; next < page.headings.size(); ++next)
            if (page.headings[next].level <= page.headings[h].level) {
                end = page.headings[next].line;
                break;
            }
        parts.append({page.headings[h].line, end});
    }
    return parts;
}

bool within(const QList<QPair<int, int>>& parts, int line) {
    return std::any_of(parts.begin(), parts.end(), [line](const auto& p) { return line > p.first && line < p.second; });
}

QList<QPair<int, int>> partsOf(const Page& page, const DocPlace& place) {
    QList<QPair<int, int>> parts;
    for (const QString& heading : place.headings)
        parts += partsUnder(page, heading);
    return parts;
}

const DocPlace* placeOf(const QString& path) {
    for (const DocPlace& place : docPlaces())
        if (place.path == path)
            return &place;
    return nullptr;
}

bool knownAt(const Page& page, int line, const QString& written) {
    for (const model::SchemaSection& section : model::experimentSchema()) {
        const DocPlace* place = placeOf(QString::fromStdString(section.path));
        if (!place || !within(partsOf(page, *place), line) || !written.startsWith(place->prefix))
            continue;
        const std::string key = written.mid(place->prefix.size()).toStdString();
        if (std::find(section.keys.begin(), section.keys.end(), key) != section.keys.end())
            return true;
    }
    return false;
}

// "line N: `key`" for each key-table name the schema does not know where it stands (or a row naming none).
QStringList keysUnknownToTheSchema(const Page& page) {
    QStringList unknown;
    for (const KeyRow& row : page.rows) {
        if (row.keys.isEmpty())
            unknown.append(QStringLiteral("line %1: a row without a `key`").arg(row.line + 1));
        for (const QString& written : row.keys)
            if (!knownAt(page, row.line, written))
                unknown.append(QStringLiteral("line %1: `%2`").arg(row.line + 1).arg(written));
    }
    return unknown;
}

QString pagePath() {
    return test::sourcePath(QStringLiteral("docs/experiment-file.md"));
}

} // namespace

class TestSchemaDocs : public QObject {
    Q_OBJECT

    Page m_page;

private slots:
    void initTestCase() {
        m_page = readPage(pagePath());
        QVERIFY2(!m_page.rows.isEmpty(), qPrintable(pagePath() + QStringLiteral(": no key tables")));
    }

    // A schema section the test does not place on the page fails here rather than going unchecked.
    void everySectionHasAPlace() {
        for (const model::SchemaSection& section : model::experimentSchema()) {
            const QString path = QString::fromStdString(section.path);
            const DocPlace* place = placeOf(path);
            QVERIFY2(place, qPrintable(QStringLiteral("schema section '%1' has no place on the page").arg(path)));
            QVERIFY2(!partsOf(m_page, *place).isEmpty(),
                     qPrintable(QStringLiteral("no heading '%1' for '%2'").arg(place->headings.join(", "), path)));
            QVERIFY2(!section.keys.empty(), qPrintable(path));
        }
    }

    void everySchemaKeyIsDocumented_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("key");
        for (const model::SchemaSection& section : model::experimentSchema())
            for (const std::string& key : section.keys)
                QTest::addRow("%s:%s", section.path.empty() ? "top" : section.path.c_str(), key.c_str())
                    << QString::fromStdString(section.path) << QString::fromStdString(key);
    }
    void everySchemaKeyIsDocumented() {
        QFETCH(QString, path);
        QFETCH(QString, key);
        const DocPlace* place = placeOf(path);
        QVERIFY(place);
        const auto parts = partsOf(m_page, *place);
        const QString written = place->prefix + key;
        const bool found = std::any_of(m_page.rows.begin(), m_page.rows.end(), [&](const KeyRow& row) {
            return within(parts, row.line) && row.keys.contains(written);
        });
        QVERIFY2(found, qPrintable(QStringLiteral("`%1` has no key-table row under '%2' in docs/experiment-file.md")
                                       .arg(written, place->headings.join(QStringLiteral("' or '")))));
    }

    void everyDocumentedKeyIsInTheSchema() {
        const QStringList unknown = keysUnknownToTheSchema(m_page);
        QVERIFY2(unknown.isEmpty(), qPrintable(QStringLiteral("docs/experiment-file.md names keys the validator does "
                                                              "not accept there: ") +
                                               unknown.join(QStringLiteral(", "))));
    }

    // The check itself: a made-up key on a copy of the page is caught.
    void aStrayKeyIsCaught() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString copy = dir.filePath(QStringLiteral("page.md"));
        QVERIFY(QFile::copy(pagePath(), copy));
        QFile file(copy);
        QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        QVERIFY(file.open(QIODevice::Append | QIODevice::Text));
        file.write("\n## Settings again\n\n| key | meaning |\n|---|---|\n| `notAKey` | nothing |\n");
        file.close();
        const Page page = readPage(copy);
        QCOMPARE(keysUnknownToTheSchema(page),
                 QStringList{QStringLiteral("line %1: `notAKey`").arg(page.lineCount - 1)});
    }
};

QTEST_GUILESS_MAIN(TestSchemaDocs)
#include "tst_schema_docs.moc"
