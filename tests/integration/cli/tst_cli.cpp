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

Outcome runWorkbench(const QStringList& args,
                     const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(test::binaryPath(QStringLiteral("faas-workbench")), args);
    if (!process.waitForFinished(120'000))
        qFatal("faas-workbench %s did not finish", qPrintable(args.join(u' ')));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
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
             {"run", "validate", "runs", "export", "load", "benchmarks", "local-platform", "gui"}) {
            const auto outcome = runWorkbench({QString::fromLatin1(command), QStringLiteral("--help")});
            QCOMPARE(outcome.exitCode, 0);
            QVERIFY2(outcome.out.startsWith(QStringLiteral("usage: faas-workbench ")), command);
        }
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
