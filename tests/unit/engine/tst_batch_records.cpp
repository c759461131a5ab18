// The batch scenario's record sources (CSV, SQLite, PostgreSQL when initdb can run here), request bodies, response
// parsing and the SQLite sink.
#include "batch_postgres_server.h"
#include "engine/batch_csv.h"
#include "engine/batch_records.h"
#include "testutils.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>
#include <thread>

using namespace faaswb;
using namespace faaswb::engine;
using nlohmann::json;

namespace {

std::string writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content) {
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path.toStdString();
}

// Runs SQL on an SQLite file (created when missing); false on any error.
bool sqliteExec(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    bool ok =
        sqlite3_open(path.c_str(), &db) == SQLITE_OK && sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

// Rows of `SELECT ...` as "a|b|c" strings.
QStringList sqliteRows(const std::string& path, const char* sql) {
    QStringList rows;
    sqlite3* db = nullptr;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK)
        while (sqlite3_step(statement) == SQLITE_ROW) {
            QStringList fields;
            for (int i = 0; i < sqlite3_column_count(statement); ++i)
                fields << QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(statement, i)));
            rows << fields.join('|');
        }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return rows;
}

std::vector<std::vector<std::string>> parseCsv(const std::string& text, std::size_t chunk, Status* status) {
    std::vector<std::vector<std::string>> rows;
    CsvParser parser;
    const auto onRow = [&rows](std::vector<std::string>& fields, int) {
        rows.push_back(fields);
        return Status{};
    };
    for (std::size_t i = 0; i < text.size(); i += chunk) {
        *status = parser.feed(std::string_view(text).substr(i, chunk), onRow, [] { return false; });
        if (!*status)
            return rows;
    }
    *status = parser.finish(onRow);
    return rows;
}

QString messageOf(const Error& error) {
    return QString::fromStdString(error.message);
}

} // namespace

class TestBatchRecords : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void csvParserSplitsRowsInAnyChunking_data() {
        QTest::addColumn<int>("chunk");
        for (int chunk : {1, 2, 3, 7, 4096})
            QTest::addRow("chunk %d", chunk) << chunk;
    }
    void csvParserSplitsRowsInAnyChunking() {
        QFETCH(int, chunk);
        const std::string text = "\xEF\xBB\xBFid,text\r\n"
                                 "1,\"a, \"\"quoted\"\" word\"\r\n"
                                 "\n"
                                 "2,\"two\nlines\"\r"
                                 "3,\r\n"
                                 "4,\"\"\n"
                                 "5,last";
        Status status;
        const auto rows = parseCsv(text, static_cast<std::size_t>(chunk), &status);
        QVERIFY2(status.ok(), status.ok() ? "" : status.error().message.c_str());
        const std::vector<std::vector<std::string>> expected{
            {"id", "text"}, {"1", "a, \"quoted\" word"}, {"2", "two\nlines"}, {"3", ""}, {"4", ""}, {"5", "last"}};
        QCOMPARE(rows, expected);
    }

    void csvErrorsNameTheLine_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::addRow("open quote") << QByteArray("id,text\n1,ok\n2,\"never closed\n")
                                    << ":3: a quoted field is not closed";
        QTest::addRow("quote in field") << QByteArray("id,text\n1,say \"hi\"\n")
                                        << ":2: a quote inside an unquoted field";
        QTest::addRow("after quote") << QByteArray("id,text\n1,\"hi\"x\n") << ":2: text after the closing quote";
        QTest::addRow("field count") << QByteArray("id,text\n1,a\n2,b,c\n") << ":3: 3 fields, the header has 2";
        QTest::addRow("no text column") << QByteArray("id,body\n1,a\n")
                                        << "no column \"text\" (textColumn) in the header: id, body";
        QTest::addRow("empty") << QByteArray("") << "the file is empty";
    }
    void csvErrorsNameTheLine() {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        const std::string path = writeFile(m_dir, QStringLiteral("bad.csv"), content);
        CancellationToken stop;
        auto read = readCsvRecords(path, {}, stop);
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, ErrorCode::InvalidInput);
        QVERIFY2(messageOf(read.error()).contains(message), read.error().message.c_str());
    }

    void csvIdsAreIntegersOrStringsOrRowNumbers() {
        const std::string path =
            writeFile(m_dir, QStringLiteral("ids.csv"), "key,text\n7,a\nx-1,b\n99999999999999999,c\n");
        CancellationToken stop;
        auto keyed = readCsvRecords(path, {"key", "text", std::nullopt}, stop);
        QVERIFY(keyed.ok());
        QCOMPARE(keyed->size(), std::size_t(3));
        QCOMPARE((*keyed)[0].id, json(7));
        QCOMPARE((*keyed)[1].id, json("x-1"));
        QCOMPARE((*keyed)[2].id, json("99999999999999999")); // beyond 2^53: JavaScript would round it
        auto numbered = readCsvRecords(path, {}, stop);      // no `id` column: the row number
        QVERIFY(numbered.ok());
        QCOMPARE((*numbered)[2].id, json(3));
        QCOMPARE((*numbered)[2].text, std::string("c"));
    }

    void readsTheTweetsDataset() {
        const std::string path = test::sourcePath(QStringLiteral("resources/datasets/tweets.csv")).toStdString();
        CancellationToken stop;
        auto all = readCsvRecords(path, {}, stop);
        QVERIFY2(all.ok(), all.ok() ? "" : all.error().message.c_str());
        QCOMPARE(all->size(), std::size_t(14670)); // resources/datasets/README.md
        QCOMPARE(all->back().id, json(14670));
        QCOMPARE((*all)[1].text, std::string("@StratoCloud Wow, appreciate the help, bill fixed \xF0\x9F\x91\x8D"));
        QCOMPARE((*all)[13].text,
                 std::string("@CumulusMobile Just saying, they told me \"just wait\" about my store, unacceptable "
                             "#travel")); // benchmark.yaml's row 14, quoted in the file
        auto limited = readCsvRecords(path, {"id", "text", 25}, stop);
        QVERIFY(limited.ok());
        QCOMPARE(limited->size(), std::size_t(25));
        QCOMPARE(limited->back().id, json(25));
    }

    void readingStopsWhenCancelled() {
        const std::string path = test::sourcePath(QStringLiteral("resources/datasets/tweets.csv")).toStdString();
        CancellationToken stop;
        stop.cancel();
        auto read = readCsvRecords(path, {}, stop);
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, ErrorCode::Cancelled);
    }

    void readsAnSqliteTable() {
        const std::string path = m_dir.filePath(QStringLiteral("source.db")).toStdString();
        QVERIFY(sqliteExec(path, "CREATE TABLE \"my source\"(id INTEGER, body TEXT);"
                                 "INSERT INTO \"my source\" VALUES (1, 'good'), (2, NULL), (3, 'bad');"
                                 "CREATE TABLE named(id TEXT, text TEXT); INSERT INTO named VALUES ('a7', 'x');"));
        CancellationToken stop;
        auto read = readSqliteRecords(path, "my source", {"id", "body", 2}, stop);
        QVERIFY2(read.ok(), read.ok() ? "" : read.error().message.c_str());
        QCOMPARE(read->size(), std::size_t(2));
        QCOMPARE((*read)[0].id, json(1));
        QCOMPARE((*read)[0].text, std::string("good"));
        QCOMPARE((*read)[1].text, std::string()); // NULL text is sent as ""
        auto named = readSqliteRecords(path, "named", {}, stop);
        QVERIFY(named.ok());
        QCOMPARE((*named)[0].id, json("a7"));

        auto missingColumn = readSqliteRecords(path, "named", {"id", "body", std::nullopt}, stop);
        QVERIFY(!missingColumn.ok());
        QVERIFY2(messageOf(missingColumn.error()).contains("no such column: body"),
                 missingColumn.error().message.c_str());
        auto missingTable = readSqliteRecords(path, "nope", {}, stop);
        QVERIFY(!missingTable.ok());
        QVERIFY2(messageOf(missingTable.error()).contains("no such table: nope"), missingTable.error().message.c_str());
        auto missingFile = readSqliteRecords(m_dir.filePath("absent.db").toStdString(), "t", {}, stop);
        QVERIFY(!missingFile.ok());
    }

    void batchBodiesCarryKRecords() {
        const std::vector<BatchRecord> records{{1, "a"}, {2, "b \"q\""}, {"x", "c"}};
        QCOMPARE(json::parse(batchBody(records, 0, 2)),
                 json({{"records", {{{"id", 1}, {"text", "a"}}, {{"id", 2}, {"text", "b \"q\""}}}}}));
        QCOMPARE(json::parse(batchBody(records, 2, 2)), json::parse(R"({"records":[{"id":"x","text":"c"}]})"));
        const std::vector<BatchRecord> invalid{{1, "bad \xFF utf-8"}};
        QVERIFY(json::accept(batchBody(invalid, 0, 1))); // replaced, not thrown
    }

    void parsesBatchResponses() {
        const std::string wrapped = R"({"result": {"sentiment": "positive", "score": 0.5, "summary": {},
            "results": [{"id": 1, "sentiment": "positive", "score": 0.8402}, {"id": "b", "sentiment": "neutral",
            "score": 0}]}, "begin_us": 1, "end_us": 2, "cold": false, "instance": "i"})";
        auto rows = parseBatchResponse(wrapped, 2);
        QVERIFY2(rows.ok(), rows.ok() ? "" : rows.error().message.c_str());
        QCOMPARE(rows->size(), std::size_t(2));
        QCOMPARE((*rows)[0].id, json(1));
        QCOMPARE((*rows)[0].sentiment, std::string("positive"));
        QCOMPARE((*rows)[0].score, 0.8402);
        QCOMPARE((*rows)[1].id, json("b"));
        auto bare = parseBatchResponse(R"({"results": [{"id": 3, "sentiment": "negative", "score": -0.3}]})", 1);
        QVERIFY(bare.ok()); // OpenWhisk's /run answers the handler's object itself
        QCOMPARE((*bare)[0].score, -0.3);

        QVERIFY(messageOf(parseBatchResponse(wrapped, 3).error()).contains("2 results for 3 records"));
        QVERIFY(messageOf(parseBatchResponse("not json", 1).error()).contains("not a JSON object"));
        QVERIFY(messageOf(parseBatchResponse(R"({"result": {"slept_ms": 1}})", 1).error()).contains("no \"results\""));
        QVERIFY(messageOf(parseBatchResponse(R"({"results": [{"id": 1, "score": 1}]})", 1).error()).contains("lacks"));
    }

    void sinkWritesRowsPushedFromManyThreads() {
        const std::string path = m_dir.filePath(QStringLiteral("sink.db")).toStdString();
        auto sink = BatchSink::open(path, "sink");
        QVERIFY2(sink.ok(), sink.ok() ? "" : sink.error().message.c_str());
        std::vector<std::thread> pushers;
        for (int t = 0; t < 4; ++t)
            pushers.emplace_back([&sink, t] {
                for (int b = 0; b < 25; ++b)
                    (*sink)->push(
                        {{t * 1000 + b, "positive", 0.5}, {"s" + std::to_string(t * 1000 + b), "neutral", 0}});
            });
        for (auto& pusher : pushers)
            pusher.join();
        QVERIFY((*sink)->finish().ok());
        QCOMPARE((*sink)->rowsWritten(), std::uint64_t(200));
        QCOMPARE(sqliteRows(path, "SELECT count(*), count(DISTINCT id) FROM sink"), QStringList{"200|200"});
        QCOMPARE(sqliteRows(path, "SELECT typeof(id), sentiment, score FROM sink WHERE id = 3024"),
                 QStringList{"integer|positive|0.5"});
        QCOMPARE(sqliteRows(path, "SELECT typeof(id) FROM sink WHERE id = 's3024'"), QStringList{"text"});

        auto again = BatchSink::open(path, "sink"); // an existing sink table is appended to
        QVERIFY(again.ok());
        (*again)->push({{1, "negative", -1}});
        QVERIFY((*again)->finish().ok());
        QCOMPARE(sqliteRows(path, "SELECT count(*) FROM sink"), QStringList{"201"});
    }

    void sinkRefusesATableOfAnotherShape() {
        const std::string path = m_dir.filePath(QStringLiteral("other.db")).toStdString();
        QVERIFY(sqliteExec(path, "CREATE TABLE sink(compound REAL, negative REAL)"));
        auto sink = BatchSink::open(path, "sink");
        QVERIFY(!sink.ok());
        QVERIFY2(messageOf(sink.error()).contains("has no column named"), sink.error().message.c_str());
        QVERIFY(!BatchSink::open(m_dir.filePath("no/such/dir/sink.db").toStdString(), "sink").ok());
    }

    void postgresDsnReferencesMustBeSet() {
        model::BatchConfig config;
        config.sourceKind = model::BatchConfig::SourceKind::Postgres;
        config.source = "${FAASWB_TEST_SURELY_UNSET_DSN}";
        CancellationToken stop;
        auto read = readBatchRecords(config, stop);
        QVERIFY(!read.ok());
        QVERIFY2(messageOf(read.error()).contains("FAASWB_TEST_SURELY_UNSET_DSN"), read.error().message.c_str());
    }

    void readsAPostgresTable() {
        if (!postgresSupported()) {
            auto read = readPostgresRecords("host=127.0.0.1", "source", {}, CancellationToken());
            QVERIFY(messageOf(read.error()).contains("this build has no PostgreSQL support (libpq-dev)"));
            QSKIP("this build has no libpq (libpq-dev)");
        }
        test::PostgresServer server;
        if (const QString why = server.start(m_dir.filePath(QStringLiteral("pg"))); !why.isEmpty())
            QSKIP(qPrintable(why));
        // The demo's populate_db.sh schema: unquoted SOURCE, folded to lower case by PostgreSQL.
        QVERIFY2(server.psql("CREATE TABLE SOURCE(ID SERIAL, TEXT VARCHAR);"
                             "INSERT INTO SOURCE(TEXT) VALUES ('I love it'), (NULL), ('it''s \"bad\"');"
                             "CREATE TABLE named(key TEXT, body TEXT); INSERT INTO named VALUES ('k1', 'x');"),
                 qPrintable(server.lastError()));
        CancellationToken stop;
        auto read = readPostgresRecords(server.dsn(), "SOURCE", {}, stop);
        QVERIFY2(read.ok(), read.ok() ? "" : read.error().message.c_str());
        QCOMPARE(read->size(), std::size_t(3));
        QCOMPARE((*read)[0].id, json(1));
        QCOMPARE((*read)[0].text, std::string("I love it"));
        QCOMPARE((*read)[1].text, std::string());
        QCOMPARE((*read)[2].text, std::string("it's \"bad\""));
        auto named = readPostgresRecords(server.dsn(), "public.named", {"key", "body", 1}, stop);
        QVERIFY2(named.ok(), named.ok() ? "" : named.error().message.c_str());
        QCOMPARE((*named)[0].id, json("k1"));

        auto missing = readPostgresRecords(server.dsn(), "absent", {}, stop);
        QVERIFY(!missing.ok());
        QVERIFY2(messageOf(missing.error()).contains("\"absent\" does not exist"), missing.error().message.c_str());
        CancellationToken cancelledToken;
        cancelledToken.cancel();
        QCOMPARE(readPostgresRecords(server.dsn(), "source", {}, cancelledToken).error().code, ErrorCode::Cancelled);
    }

    void postgresErrorsNeverShowThePassword() {
        if (!postgresSupported())
            QSKIP("this build has no libpq (libpq-dev)");
        // Port 1 on loopback: nothing listens, so the connection is refused at once.
        auto read =
            readPostgresRecords("postgresql://reader:s3cr3t-pw@127.0.0.1:1/db", "source", {}, CancellationToken());
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, ErrorCode::Platform);
        QVERIFY2(!messageOf(read.error()).contains("s3cr3t-pw"), read.error().message.c_str());
        QVERIFY2(messageOf(read.error()).contains("cannot connect"), read.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestBatchRecords)
#include "tst_batch_records.moc"
