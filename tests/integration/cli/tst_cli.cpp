// The command-line contract (ARCHITECTURE.md, "Command line"): the real executable against a loopback target.
#include "testutils.h"

#include <QtTest>
#include <csignal>
#include <sqlite3.h>

using namespace faaswb;

namespace {

struct Outcome {
    int exitCode = -1;
    QString out;
    QString err;
};

// test::runWorkbench with the output as text.
Outcome runWorkbench(const QStringList& args,
                     const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    const auto outcome = test::runWorkbench(args, env, 120'000);
    return {outcome.exitCode, QString::fromUtf8(outcome.out), QString::fromUtf8(outcome.err)};
}

qint64 queryInt(const QString& dbPath, const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(dbPath.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    qint64 value = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
        value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
}

QString writeExperiment(const QTemporaryDir& dir, const QString& url, const QString& scenario) {
    const QString path = dir.filePath(QStringLiteral("experiment.yaml"));
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(QStringLiteral("name: cli-test\nplatform: target\nplatforms:\n  target: {type: http, url: '%1'}\n"
                              "benchmarks:\n  - {id: 000.noop, languages: [python]}\nscenarios:\n  - %2\n")
                   .arg(url, scenario)
                   .toUtf8());
    return path;
}

// An experiment on the embedded local platform: 000.noop in Python, one warm-latency scenario per entry.
QString writeLocalExperiment(const QTemporaryDir& dir, const QString& name, const QStringList& scenarios) {
    const QString path = dir.filePath(name + QStringLiteral(".yaml"));
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(QStringLiteral("name: %1\nplatform: local\nplatforms:\n  local: {type: local}\n"
                              "benchmarks:\n  - {id: 000.noop, languages: [python]}\nscenarios:\n  - %2\n")
                   .arg(name, scenarios.join(QStringLiteral("\n  - ")))
                   .toUtf8());
    return path;
}

int lineCount(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    return file.readAll().count('\n');
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        m_server = test::ServerProcess::start(test::binaryPath(QStringLiteral("faaswb-target")),
                                              {QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(m_server);
    }

    void versionAndHelp() {
        QCOMPARE(runWorkbench({QStringLiteral("--version")}).exitCode, 0);
        for (const char* command :
             {"run", "validate", "runs", "summary", "export", "load", "benchmarks", "local-platform", "gui"}) {
            const auto outcome = runWorkbench({QString::fromLatin1(command), QStringLiteral("--help")});
            QCOMPARE(outcome.exitCode, 0);
            QVERIFY2(outcome.out.startsWith(QStringLiteral("usage: faas-workbench ")), command);
        }
        const auto help = runWorkbench({QStringLiteral("--help")});
        QVERIFY2(help.out.contains(QStringLiteral("4 a threshold failed")), qPrintable(help.out));
        QVERIFY2(help.out.contains(QStringLiteral("summary")), qPrintable(help.out));
        const auto runHelp = runWorkbench({QStringLiteral("run"), QStringLiteral("--help")});
        QVERIFY2(runHelp.out.contains(QStringLiteral("Exit code 4")), qPrintable(runHelp.out));
        for (const char* file : {"scenarios.csv", "run_metrics.csv", "thresholds.csv", "summary-<scenario>-<metric>"})
            QVERIFY2(runHelp.out.contains(QString::fromLatin1(file)), file);
    }

    void unknownCommandSuggests() {
        const auto outcome = runWorkbench({QStringLiteral("vaildate")});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(QStringLiteral("did you mean 'validate'")), qPrintable(outcome.err));
    }

    void unknownOptionSuggests() {
        const auto outcome = runWorkbench({QStringLiteral("load"), QStringLiteral("http://127.0.0.1:1/"),
                                           QStringLiteral("--rat"), QStringLiteral("10")});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(QStringLiteral("did you mean '--rate'")), qPrintable(outcome.err));
    }

    void validateExitCodes() {
        const auto ok = runWorkbench(
            {QStringLiteral("validate"), test::sourcePath(QStringLiteral("resources/experiments/quickstart.yaml"))});
        QCOMPARE(ok.exitCode, 0);
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("bad.yaml"));
        QFile file(bad);
        file.open(QIODevice::WriteOnly);
        file.write("name: x\nbenchmarks:\n  - {id: 000.noop, languages: [python]}\nscenarios:\n"
                   "  - {name: a, type: warm-latency, rate: fast, duration: 1s}\n");
        file.close();
        const auto outcome = runWorkbench({QStringLiteral("validate"), bad});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(QStringLiteral("bad.yaml:5:")), qPrintable(outcome.err));
    }

    void runStoresAndExports() {
        QTemporaryDir dir;
        const QString experiment = writeExperiment(
            dir, m_server->baseUrl(), QStringLiteral("{name: warm, type: warm-latency, rate: 100, duration: 1s}"));
        const QString db = dir.filePath(QStringLiteral("results.db"));
        const QString out = dir.filePath(QStringLiteral("out"));
        const auto outcome = runWorkbench({QStringLiteral("run"), experiment, QStringLiteral("--db"), db,
                                           QStringLiteral("--out"), out, QStringLiteral("--quiet")});
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.err));
        QVERIFY(outcome.out.contains(QStringLiteral("Results: ")));
        QCOMPARE(queryInt(db, "SELECT count(*) FROM runs WHERE status = 'complete'"), 1);
        const qint64 requests = queryInt(db, "SELECT count(*) FROM requests");
        QVERIFY2(requests >= 95 && requests <= 105, qPrintable(QString::number(requests)));
        QCOMPARE(lineCount(out + QStringLiteral("/summary.csv")), 2);
        QCOMPARE(lineCount(out + QStringLiteral("/requests.csv")), int(requests) + 1);
        QVERIFY(QFile::exists(out + QStringLiteral("/run-1.hlog")));

        const auto runs = runWorkbench({QStringLiteral("runs"), QStringLiteral("--db"), db});
        QCOMPARE(runs.exitCode, 0);
        QVERIFY(runs.out.contains(QStringLiteral("complete")));

        const QString again = dir.filePath(QStringLiteral("again"));
        QCOMPARE(runWorkbench({QStringLiteral("export"), QStringLiteral("--db"), db, QStringLiteral("--run"),
                               QStringLiteral("1"), QStringLiteral("--format"), QStringLiteral("csv"),
                               QStringLiteral("--out"), again})
                     .exitCode,
                 0);
        QVERIFY(QFile::exists(again + QStringLiteral("/intervals.csv")));
        QCOMPARE(runWorkbench({QStringLiteral("export"), QStringLiteral("--db"), db, QStringLiteral("--run"),
                               QStringLiteral("1"), QStringLiteral("--format"), QStringLiteral("xlsx"),
                               QStringLiteral("--out"), again})
                     .exitCode,
                 2);
    }

    // Thresholds on the local platform: a run whose p99 cannot be under 1 us exits 4 and says FAIL; a generous one
    // passes with exit 0. Both land in one database, which `runs` and `summary` then show.
    void thresholdsDecideTheExitCode() {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("results.db"));
        const QString strict =
            writeLocalExperiment(dir, QStringLiteral("strict"),
                                 {QStringLiteral("{name: strict, type: warm-latency, rate: 20, duration: 1s, "
                                                 "thresholds: ['p99 < 1us', 'error_rate < 50%']}")});
        const auto failed =
            runWorkbench({QStringLiteral("run"), strict, QStringLiteral("--db"), db, QStringLiteral("--quiet")});
        QVERIFY2(failed.exitCode == 4, qPrintable(failed.out + failed.err));
        QVERIFY2(
            failed.out.contains(QRegularExpression(QStringLiteral("FAIL  p99 < 1us  \\(p99 = [0-9.]+(us|ms|s)\\)"))),
            qPrintable(failed.out));
        QVERIFY2(failed.out.contains(QStringLiteral("PASS  error_rate < 50%")), qPrintable(failed.out));
        QVERIFY2(failed.out.contains(QRegularExpression(QStringLiteral("metrics: .*p99 [0-9.]+(us|ms|s)"))),
                 qPrintable(failed.out));

        const QString relaxed = writeLocalExperiment(
            dir, QStringLiteral("relaxed"),
            {QStringLiteral("{name: relaxed, type: warm-latency, rate: 20, duration: 1s, thresholds: ['p99 < 10s']}")});
        const QString out = dir.filePath(QStringLiteral("out"));
        const auto passed = runWorkbench({QStringLiteral("run"), relaxed, QStringLiteral("--db"), db,
                                          QStringLiteral("--out"), out, QStringLiteral("--quiet")});
        QVERIFY2(passed.exitCode == 0, qPrintable(passed.out + passed.err));
        QVERIFY2(passed.out.contains(QStringLiteral("PASS  p99 < 10s")), qPrintable(passed.out));
        QVERIFY2(!passed.out.contains(QStringLiteral("FAIL")), qPrintable(passed.out));
        for (const char* file : {"scenarios.csv", "run_metrics.csv", "thresholds.csv"}) {
            QVERIFY2(QFile::exists(out + u'/' + QString::fromLatin1(file)), file);
            QVERIFY2(passed.out.contains(QString::fromLatin1(file)), qPrintable(passed.out));
        }
        QCOMPARE(lineCount(out + QStringLiteral("/thresholds.csv")), 2);
        QCOMPARE(queryInt(db, "SELECT count(*) FROM run_thresholds WHERE passed = 0"), 1);

        const auto runs = runWorkbench({QStringLiteral("runs"), QStringLiteral("--db"), db});
        QCOMPARE(runs.exitCode, 0);
        QVERIFY2(runs.out.contains(QRegularExpression(QStringLiteral("strict .*FAIL\n"))), qPrintable(runs.out));
        QVERIFY2(runs.out.contains(QRegularExpression(QStringLiteral("relaxed .*pass\n"))), qPrintable(runs.out));

        const auto summary = runWorkbench({QStringLiteral("summary"), QStringLiteral("--db"), db});
        QVERIFY2(summary.exitCode == 0, qPrintable(summary.err));
        QVERIFY2(summary.out.contains(QStringLiteral("strict \u00b7 000.noop \u00b7 python")), qPrintable(summary.out));
        QVERIFY2(summary.out.contains(QStringLiteral("thresholds failed in 1")), qPrintable(summary.out));
        QVERIFY2(summary.out.contains(QRegularExpression(QStringLiteral("p99 \\[ms\\] +[0-9.]+"))),
                 qPrintable(summary.out));
    }

    // A swept, repeated scenario: `runs` shows each run's sweep values and repetition, `summary` aggregates the
    // repetitions of each point, `export --format csv` includes scenarios.csv.
    void sweptRunsInRunsSummaryAndExport() {
        QTemporaryDir dir;
        const QString experiment =
            writeExperiment(dir, m_server->baseUrl(),
                            QStringLiteral("{name: rates, type: warm-latency, rate: 20, duration: 300ms, repeat: 2, "
                                           "sweep: {grid: {rate: [20, 40]}}, thresholds: ['p99 < 10s']}"));
        const QString db = dir.filePath(QStringLiteral("results.db"));
        const auto outcome =
            runWorkbench({QStringLiteral("run"), experiment, QStringLiteral("--db"), db, QStringLiteral("--quiet")});
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.out + outcome.err));
        QCOMPARE(queryInt(db, "SELECT count(*) FROM runs WHERE status = 'complete'"), 4);
        QCOMPARE(outcome.out.count(QStringLiteral("PASS  p99 < 10s")), 4);

        const auto runs = runWorkbench({QStringLiteral("runs"), QStringLiteral("--db"), db});
        QCOMPARE(runs.out.count(QRegularExpression(QStringLiteral("rate=20 +[01] +pass"))), 2);
        QCOMPARE(runs.out.count(QRegularExpression(QStringLiteral("rate=40 +1 +pass"))), 1);

        const auto summary = runWorkbench({QStringLiteral("summary"), QStringLiteral("--db"), db});
        QCOMPARE(summary.out.count(QStringLiteral("2 run(s) aggregated")), 2);
        QVERIFY2(summary.out.contains(QStringLiteral("rates \u00b7 000.noop \u00b7 python \u00b7 rate=40")),
                 qPrintable(summary.out));
        const QString csv = dir.filePath(QStringLiteral("summary.csv"));
        QCOMPARE(runWorkbench({QStringLiteral("summary"), QStringLiteral("--db"), db, QStringLiteral("--run"),
                               QStringLiteral("1"), QStringLiteral("--run"), QStringLiteral("3"),
                               QStringLiteral("--out"), csv})
                     .exitCode,
                 0);
        QCOMPARE(lineCount(csv), 3); // runs 1 and 3: one repetition of each rate
        QCOMPARE(runWorkbench({QStringLiteral("summary"), QStringLiteral("--db"), db, QStringLiteral("--run"),
                               QStringLiteral("99")})
                     .exitCode,
                 2);

        const QString exported = dir.filePath(QStringLiteral("export"));
        QCOMPARE(runWorkbench({QStringLiteral("export"), QStringLiteral("--db"), db, QStringLiteral("--run"),
                               QStringLiteral("2"), QStringLiteral("--format"), QStringLiteral("csv"),
                               QStringLiteral("--out"), exported})
                     .exitCode,
                 0);
        QCOMPARE(lineCount(exported + QStringLiteral("/scenarios.csv")), 2);
        QCOMPARE(lineCount(exported + QStringLiteral("/run_metrics.csv")) > 1, true);
    }

    void unreachableTargetIsExitThree() {
        QTemporaryDir dir;
        const QString experiment =
            writeExperiment(dir, QStringLiteral("http://127.0.0.1:1/"),
                            QStringLiteral("{name: w, type: warm-latency, rate: 20, duration: 500ms}"));
        const auto outcome = runWorkbench({QStringLiteral("run"), experiment, QStringLiteral("--db"),
                                           dir.filePath(QStringLiteral("r.db")), QStringLiteral("--quiet")});
        QCOMPARE(outcome.exitCode, 3);
        QVERIFY2(outcome.out.contains(QStringLiteral("errors")), qPrintable(outcome.out));
    }

    void unwritableDatabaseFailsBeforeRunning() {
        QTemporaryDir dir;
        const QString experiment = writeExperiment(
            dir, m_server->baseUrl(), QStringLiteral("{name: w, type: warm-latency, rate: 20, duration: 500ms}"));
        const auto outcome = runWorkbench({QStringLiteral("run"), experiment, QStringLiteral("--db"),
                                           QStringLiteral("/nonexistent-dir/x/results.db")});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(QStringLiteral("/nonexistent-dir/x")), qPrintable(outcome.err));
    }

    void interruptKeepsPartialResults() {
        QTemporaryDir dir;
        const QString experiment = writeExperiment(
            dir, m_server->baseUrl(), QStringLiteral("{name: long, type: warm-latency, rate: 100, duration: 60s}"));
        const QString db = dir.filePath(QStringLiteral("results.db"));
        QProcess process;
        process.start(test::binaryPath(QStringLiteral("faas-workbench")),
                      {QStringLiteral("run"), experiment, QStringLiteral("--db"), db});
        // Progress lines go to stderr when it is not a terminal; the measure phase starting means load is flowing.
        process.setReadChannel(QProcess::StandardError);
        QByteArray seen;
        while (!seen.contains("measure")) {
            QVERIFY(process.waitForReadyRead(10'000));
            seen += process.readAllStandardError();
        }
        while (queryInt(db, "SELECT count(*) FROM intervals") < 1)
            QVERIFY(process.waitForReadyRead(300) || process.state() == QProcess::Running);
        ::kill(static_cast<pid_t>(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(5000));
        QCOMPARE(process.exitCode(), 130);
        QCOMPARE(queryInt(db, "SELECT count(*) FROM runs WHERE status = 'cancelled'"), 1);
        QVERIFY(queryInt(db, "SELECT count(*) FROM requests") >= 50);
    }

    void loadPrintsWrkStyleSummary() {
        const auto outcome = runWorkbench({QStringLiteral("load"), m_server->baseUrl(), QStringLiteral("--rate"),
                                           QStringLiteral("200"), QStringLiteral("--duration"), QStringLiteral("1s"),
                                           QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.err));
        QVERIFY(outcome.out.contains(
            QRegularExpression(QStringLiteral("^Requests/sec: +[0-9.]+$"), QRegularExpression::MultilineOption)));
        QVERIFY(outcome.out.contains(QRegularExpression(
            QStringLiteral("Latency p50/p90/p99/p99.9/max: [0-9.]+ms [0-9.]+ms [0-9.]+ms [0-9.]+ms [0-9.]+ms"))));
    }

    void loadRejectsBadInput() {
        QCOMPARE(runWorkbench({QStringLiteral("load"), QStringLiteral("ftp://x/"), QStringLiteral("--rate"),
                               QStringLiteral("1"), QStringLiteral("--duration"), QStringLiteral("1s")})
                     .exitCode,
                 2);
        QCOMPARE(runWorkbench({QStringLiteral("load"), m_server->baseUrl(), QStringLiteral("--rate"),
                               QStringLiteral("1"), QStringLiteral("--connections"), QStringLiteral("2"),
                               QStringLiteral("--duration"), QStringLiteral("1s")})
                     .exitCode,
                 2);
    }

private:
    std::unique_ptr<test::ServerProcess> m_server;
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
