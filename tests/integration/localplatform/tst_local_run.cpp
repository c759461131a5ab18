// The vertical slice headless: an experiment file naming `platform: local` -> an embedded local platform -> load ->
// SQLite, with the platform's scale events, pod CPU/memory and spans stored beside the requests.
#include "testutils.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>

using namespace faaswb::test;

namespace {

// One integer from a query on the results DB; -1 when the query fails.
long long scalar(const QString& dbPath, const char* sql) {
    sqlite3* db = nullptr;
    long long value = -1;
    if (sqlite3_open_v2(dbPath.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
            value = sqlite3_column_int64(statement, 0);
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return value;
}

} // namespace

class TestLocalRun : public QObject {
    Q_OBJECT

private slots:
    void experimentOnTheEmbeddedPlatform() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString experiment = dir.filePath("experiment.yaml");
        QFile file(experiment);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("name: local-run\n"
                   "platforms:\n"
                   "  local: {type: local, autoscaler: {stable-window: 6s, scale-to-zero-grace-period: 1s}}\n"
                   "platform: local\n"
                   "benchmarks:\n"
                   "  - {id: 020.cpu, languages: [cpp], input: {n: 20000}}\n"
                   "scenarios:\n"
                   "  - {name: warm, type: warm-latency, rate: 50, duration: 4s, warmup: 1s}\n");
        file.close();
        const QString db = dir.filePath("results.db");
        QProcess run;
        run.start(binaryPath("faas-workbench"), {"run", experiment, "--db", db, "--quiet"});
        QVERIFY(run.waitForStarted());
        // A hang here is the bug this test guards: the pod-metrics sampler never stopping at teardown.
        QVERIFY2(run.waitForFinished(90000), "the run did not finish");
        QVERIFY2(run.exitCode() == 0, run.readAllStandardError().constData());
        QCOMPARE(scalar(db, "SELECT count(*) FROM runs WHERE status = 'complete'"), 1LL);
        QVERIFY(scalar(db, "SELECT count(*) FROM requests WHERE status = 200") >= 150);
        QVERIFY(scalar(db, "SELECT count(*) FROM scale_events WHERE ready >= 1") >= 1);
        QVERIFY(scalar(db, "SELECT count(*) FROM pod_metrics WHERE memory_bytes > 0 AND cpu_millicores IS NOT NULL") >=
                1);
        QVERIFY(scalar(db, "SELECT count(*) FROM spans WHERE name = 'queue_proxy'") >= 150);
    }
};

QTEST_GUILESS_MAIN(TestLocalRun)
#include "tst_local_run.moc"
