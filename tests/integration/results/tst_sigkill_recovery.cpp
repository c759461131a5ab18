// A writer process killed with SIGKILL mid-run leaves a readable database whose run shows as 'incomplete' and keeps
// everything queued more than a second before the kill. The writer is this binary re-executed with --writer-child.
#include "results/result_store.h"
#include "results/results_writer.h"
#include "results_fixtures.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

using namespace faaswb;
using namespace std::chrono_literals;

namespace {

constexpr int kFlushedAt = 20; // intervals written before the one explicit flush
constexpr int kRequestsPerInterval = 10;

// The child: a run that never ends. Only the first 20 intervals are flushed explicitly; everything after relies on
// the writer's own periodic commits, which is what the parent checks.
int runWriterChild(const char* path) {
    results::ResultsWriter writer(path);
    writer.onRunStarted(test::runDescription());
    for (int index = 0;; ++index) {
        writer.onInterval(0, test::interval(index, {1000 + index, 2000, 3000}));
        writer.onRequests(
            0, test::requests(static_cast<std::uint64_t>(index) * kRequestsPerInterval, kRequestsPerInterval));
        const int written = index + 1;
        if (written == kFlushedAt) {
            if (auto flushed = writer.flush(); !flushed) {
                std::fprintf(stderr, "flush failed: %s\n", flushed.error().message.c_str());
                return 1;
            }
            std::printf("flushed %d\n", written);
        } else if (written % 10 == 0) {
            std::printf("queued %d\n", written);
        }
        std::fflush(stdout);
        std::this_thread::sleep_for(10ms); // paces data generation (a 100 Hz collector), not synchronisation
    }
}

// The next line the child printed, or an empty one when it printed none within the timeout.
QByteArray readLine(QProcess& process, int timeoutMs = 10'000) {
    QDeadlineTimer deadline(timeoutMs);
    while (!process.canReadLine())
        if (process.state() == QProcess::NotRunning || !process.waitForReadyRead(int(deadline.remainingTime())))
            return {};
    return process.readLine().trimmed();
}

int countAfter(const QByteArray& line, const QByteArray& prefix) {
    return line.startsWith(prefix) ? line.mid(prefix.size()).toInt() : -1;
}

} // namespace

class TestSigkillRecovery : public QObject {
    Q_OBJECT

private slots:
    void killedWriterLeavesAReadableIncompleteRun() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("results.db"));
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--writer-child"), path});
        QVERIFY(child.waitForStarted());
        const auto killOnFailure = qScopeGuard([&] {
            if (child.state() != QProcess::NotRunning) {
                child.kill();
                child.waitForFinished();
            }
        });

        QByteArray line;
        while (!(line = readLine(child)).isEmpty() && !line.startsWith("flushed "))
            QVERIFY2(line.startsWith("queued "), line.constData());
        QVERIFY2(countAfter(line, "flushed ") == kFlushedAt, line.isEmpty() ? "no output" : line.constData());

        // Let it write ~1.5 s more, noting when each progress line arrived (it was printed no later than that).
        QElapsedTimer clock;
        clock.start();
        std::vector<std::pair<qint64, int>> queued;
        int latest = kFlushedAt;
        while (latest < kFlushedAt + 150) {
            line = readLine(child);
            QVERIFY2(!line.isEmpty(), "the writer child stopped reporting progress");
            latest = countAfter(line, "queued ");
            QVERIFY2(latest > 0, line.constData());
            queued.emplace_back(clock.elapsed(), latest);
        }
        const qint64 killedAt = clock.elapsed();
        const auto pid = child.processId();
        QCOMPARE(::kill(static_cast<pid_t>(pid), SIGKILL), 0);
        QVERIFY(child.waitForFinished(10'000)); // reaped: its pid is gone when the store looks
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        int durable = kFlushedAt; // queued at least one second before the kill: must have been committed
        for (const auto& [at, count] : queued)
            if (at <= killedAt - 1000)
                durable = std::max(durable, count);

        auto store = results::ResultStore::open(path.toStdString());
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        const auto integrity = store->checkIntegrity();
        QVERIFY2(integrity.ok(), integrity.ok() ? "" : integrity.error().message.c_str());
        test::RawDb raw(path.toStdString());
        QCOMPARE(raw.text("PRAGMA integrity_check"), std::string("ok"));

        auto runs = store->listRuns();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), std::size_t(1));
        const auto& run = runs->front();
        QCOMPARE(run.status, engine::RunStatus::Incomplete);
        QVERIFY2(QString::fromStdString(run.message).contains(QStringLiteral("pid %1").arg(pid)), run.message.c_str());

        auto intervals = store->intervals(run.id);
        QVERIFY(intervals.ok());
        const int stored = int(intervals->size());
        qInfo("flushed %d, durable %d, last queued %d, stored %d intervals", kFlushedAt, durable, latest, stored);
        QVERIFY2(stored >= durable, qPrintable(QStringLiteral("%1 stored < %2 durable").arg(stored).arg(durable)));
        QVERIFY(stored <= latest + 100); // nothing invented: at most what was generated before the kill landed
        for (int i = 0; i < stored; ++i)
            QCOMPARE((*intervals)[std::size_t(i)].index, i); // a prefix, in order, without holes
        std::size_t requests = 0;
        QVERIFY(store->forEachRequest(run.id, [&](const load::RequestRecord&) { ++requests; }).ok());
        QVERIFY(requests >= std::size_t(durable) * kRequestsPerInterval);
    }
};

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--writer-child") == 0)
        return runWriterChild(argv[2]);
    QCoreApplication app(argc, argv);
    TestSigkillRecovery test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_sigkill_recovery.moc"
