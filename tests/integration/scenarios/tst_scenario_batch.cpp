// The batch scenario end to end on the embedded local platform: 200 tweets from resources/datasets/tweets.csv, 10 per
// request, with 1 and 4 workers (a sweep), into an SQLite sink; the sink's verdicts are checked against what
// 600.sentiment answers for single texts, asked directly of a function host started here.
#include "engine/runner.h"
#include "http_call.h"
#include "model/experiment_loader.h"
#include "scenario_run.h"
#include "testutils.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>

using namespace faaswb;
using nlohmann::json;

namespace {

constexpr int kRecords = 200;

// One row of a query on an SQLite file as "a|b|c"; empty when there is none.
QString sqliteRow(const QString& path, const QString& sql) {
    QString row;
    sqlite3* db = nullptr;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql.toUtf8().constData(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
        QStringList fields;
        for (int i = 0; i < sqlite3_column_count(statement); ++i)
            fields << QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(statement, i)));
        row = fields.join('|');
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return row;
}

} // namespace

class TestScenarioBatch : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeExperiment() {
        const QString path = m_dir.filePath(QStringLiteral("batch.yaml"));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return {};
        const QString yaml =
            QStringLiteral("name: batch-test\n"
                           "platforms:\n"
                           "  local: {type: local, autoscaler: {stable-window: 6s, scale-to-zero-grace-period: 1s}}\n"
                           "platform: local\n"
                           "benchmarks:\n"
                           "  - {id: 600.sentiment, languages: [cpp],\n"
                           "     autoscaling: {metric: concurrency, target: 1, maxScale: 4}}\n"
                           "scenarios:\n"
                           "  - name: batch\n"
                           "    type: batch\n"
                           "    source: {csv: '%1'}\n"
                           "    limit: %2\n"
                           "    batchSize: 10\n"
                           "    sink: {sqlite: sink.db, table: verdicts}\n"
                           "    sweep: {grid: {workers: [1, 4]}}\n")
                .arg(test::sourcePath(QStringLiteral("resources/datasets/tweets.csv")))
                .arg(kRecords);
        file.write(yaml.toUtf8());
        return path;
    }

    // {sentiment, score} of one text as 600.sentiment answers it.
    static json verdictOf(const std::string& baseUrl, const std::string& text) {
        test::HttpCallOptions options;
        options.body = json{{"text", text}}.dump();
        const auto reply = test::httpCall(baseUrl + "/", options);
        if (reply.status != 200)
            return nullptr;
        return json::parse(reply.body, nullptr, false).value("result", json());
    }

private slots:
    void batchesGoThroughTheFunctionIntoTheSink() {
        QVERIFY(m_dir.isValid());
        const QString experimentPath = writeExperiment();
        QVERIFY(!experimentPath.isEmpty());
        auto report = model::loadExperimentFile(experimentPath.toStdString());
        if (!report.experiment)
            for (const auto& issue : report.issues)
                qWarning("%s", issue.format().c_str());
        QVERIFY(report.experiment);
        const model::Experiment& experiment = *report.experiment;

        auto created = test::startLocalPlatform(experiment, m_dir.filePath(QStringLiteral("state")));
        QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());
        engine::Runner runner(experiment, **created);
        CancellationToken cancel;
        const auto results = runner.run(cancel);

        QCOMPARE(results.size(), std::size_t(2)); // workers 1 and 4
        for (const auto& result : results) {
            QVERIFY2(result.status == engine::RunStatus::Complete, result.message.c_str());
            QCOMPARE(test::metricValue(result, "records"), std::optional<double>(kRecords));
            QCOMPARE(test::metricValue(result, "sink_rows"), std::optional<double>(kRecords));
            QCOMPARE(test::metricValue(result, "failed_records"), std::optional<double>(0));
            const auto seconds = test::metricValue(result, "completion_seconds");
            const auto perSecond = test::metricValue(result, "records_per_second");
            QVERIFY(seconds && *seconds > 0 && *seconds < 60);
            QVERIFY(perSecond && std::abs(*perSecond * *seconds - kRecords) < 1e-6 * kRecords);
            QVERIFY(result.summary && result.summary->requests == kRecords / 10);
        }

        // Two runs appended to the one sink: every record twice, with the same verdict both times.
        const QString sink = m_dir.filePath(QStringLiteral("sink.db"));
        QCOMPARE(sqliteRow(sink, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM verdicts"),
                 QStringLiteral("400|200|1|200"));
        QCOMPARE(sqliteRow(sink, "SELECT count(*) FROM (SELECT id FROM verdicts GROUP BY id "
                                 "HAVING count(DISTINCT sentiment) > 1 OR count(DISTINCT score) > 1)"),
                 QStringLiteral("0"));

        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("PORT"), QStringLiteral("0"));
        auto host = test::ServerProcess::start(test::binaryPath(QStringLiteral("faaswb-function-host")),
                                               {QStringLiteral("600.sentiment")}, environment);
        QVERIFY(host);
        // Row 2 is positive, row 7 negative ("not good, not good at all"), as benchmark.yaml's small input shows.
        const std::map<int, std::string> spots{
            {2, "@StratoCloud Wow, appreciate the help, bill fixed \xF0\x9F\x91\x8D"},
            {7, "@NimbusAir Hi the seat was not good, not good at all \xF0\x9F\x91\x8D"}};
        for (const auto& [id, text] : spots) {
            const json expected = verdictOf(host->baseUrl().toStdString(), text);
            QVERIFY2(expected.is_object(), text.c_str());
            const QString row = sqliteRow(
                sink, QStringLiteral("SELECT sentiment, printf('%.4f', score) FROM verdicts WHERE id = %1").arg(id));
            QCOMPARE(row, QStringLiteral("%1|%2").arg(QString::fromStdString(expected["sentiment"].get<std::string>()),
                                                      QString::number(expected["score"].get<double>(), 'f', 4)));
        }
        QCOMPARE(sqliteRow(sink, "SELECT sentiment FROM verdicts WHERE id = 7"), QStringLiteral("negative"));
    }
};

QTEST_GUILESS_MAIN(TestScenarioBatch)
#include "tst_scenario_batch.moc"
