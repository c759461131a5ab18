// Where results cannot be written: checkWritable names the path before a run starts, and a writer whose file stops
// growing mid-run (RLIMIT_FSIZE in a child, i.e. "disk full") reports lastError, refuses more data, and exits cleanly.
#include "results/result_store.h"
#include "results/results_writer.h"
#include "results_fixtures.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <grp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace faaswb;

namespace {

constexpr rlim_t kFileSizeLimit = 2 << 20;
constexpr uid_t kNobody = 65534;

// The child: writes until the file size limit makes SQLite fail, then checks that the writer refuses more data.
int runFillDiskChild(const char* path) {
    std::signal(SIGXFSZ, SIG_IGN); // writes past the limit then fail with EFBIG instead of killing the process
    const rlimit limit{kFileSizeLimit, kFileSizeLimit};
    setrlimit(RLIMIT_FSIZE, &limit);
    results::ResultsWriter writer(path);
    writer.onRunStarted(test::runDescription());
    for (int index = 0; index < 1000; ++index) {
        writer.onInterval(0, test::interval(index, {1000, 2000}));
        writer.onRequests(0, test::requests(static_cast<std::uint64_t>(index) * 1000, 1000));
        if (auto flushed = writer.flush(); !flushed) {
            writer.onRequests(0, test::requests(0, 1000));
            writer.onRunFinished({0, engine::RunStatus::Complete, "", std::chrono::system_clock::now()});
            const auto again = writer.flush();
            std::printf("error: %s\n", flushed.error().message.c_str());
            std::printf("again: %s\n", again.ok() ? "ok" : again.error().message.c_str());
            std::printf("last: %s\n", writer.lastError().ok() ? "ok" : writer.lastError().error().message.c_str());
            return 0;
        }
    }
    std::printf("no error\n");
    return 1;
}

// Root ignores permission bits, so as root the check runs in a forked child that became 'nobody'.
QString checkAsUnprivileged(const QString& path, bool* skipped) {
    int fds[2];
    if (pipe(fds) != 0)
        return QStringLiteral("pipe failed");
    const QByteArray file = path.toUtf8();
    const pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        std::string message = "cannot drop privileges";
        if (setgroups(0, nullptr) == 0 && setgid(kNobody) == 0 && setuid(kNobody) == 0) {
            const auto status = results::ResultsWriter::checkWritable(file.toStdString());
            message = status.ok() ? "ok" : status.error().message;
        }
        (void)!write(fds[1], message.data(), message.size());
        _exit(0);
    }
    close(fds[1]);
    QByteArray output;
    char buffer[512];
    for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
        output.append(buffer, n);
    close(fds[0]);
    waitpid(child, nullptr, 0);
    *skipped = output == "cannot drop privileges";
    return QString::fromUtf8(output);
}

} // namespace

class TestWriterUnwritable : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    // checkWritable's message for `path` as an unprivileged user would see it; "ok" when writable.
    QString unprivilegedCheck(const QString& path) {
        if (geteuid() != 0) {
            const auto status = results::ResultsWriter::checkWritable(path.toStdString());
            return status.ok() ? QStringLiteral("ok") : QString::fromStdString(status.error().message);
        }
        bool skipped = false;
        const QString message = checkAsUnprivileged(path, &skipped);
        if (skipped)
            qWarning("running as root and cannot switch to uid %u", kNobody);
        return message;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // Let an unprivileged child (see checkAsUnprivileged) into the directory.
        QVERIFY(QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                        QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                                        QFileDevice::ExeOther | QFileDevice::ReadGroup |
                                                        QFileDevice::ExeGroup));
    }

    void writableLocations() {
        const QString fresh = m_dir.filePath(QStringLiteral("fresh.db"));
        const auto ok = results::ResultsWriter::checkWritable(fresh.toStdString());
        QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
        QVERIFY(!QFile::exists(fresh)); // checking creates nothing
        QVERIFY(results::ResultStore::open(fresh.toStdString()).ok());
        QVERIFY(results::ResultsWriter::checkWritable(fresh.toStdString()).ok());
    }

    void missingDirectory() {
        const QString path = m_dir.filePath(QStringLiteral("no/such/dir/results.db"));
        const auto status = results::ResultsWriter::checkWritable(path.toStdString());
        QVERIFY(!status.ok());
        const auto message = QString::fromStdString(status.error().message);
        QVERIFY2(message.contains(path) && message.contains(QStringLiteral("does not exist")), qPrintable(message));
    }

    void pathIsADirectory() {
        const auto status = results::ResultsWriter::checkWritable(m_dir.path().toStdString());
        QVERIFY(!status.ok());
        QVERIFY2(QString::fromStdString(status.error().message).contains(QStringLiteral("is a directory")),
                 status.error().message.c_str());
    }

    void readOnlyDirectory() {
        const QString readOnly = m_dir.filePath(QStringLiteral("read-only"));
        QVERIFY(QDir().mkpath(readOnly));
        QVERIFY(QFile::setPermissions(readOnly, QFileDevice::ReadOwner | QFileDevice::ExeOwner |
                                                    QFileDevice::ReadOther | QFileDevice::ExeOther));
        const QString path = readOnly + QStringLiteral("/results.db");
        const QString message = unprivilegedCheck(path);
        if (message == QStringLiteral("cannot drop privileges"))
            QSKIP("running as root without permission to switch users; permission bits do not apply to root");
        QVERIFY2(message.contains(path) && message.contains(QStringLiteral("not writable")), qPrintable(message));
    }

    void readOnlyFile() {
        const QString path = m_dir.filePath(QStringLiteral("read-only.db"));
        QVERIFY(results::ResultStore::open(path.toStdString()).ok());
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        const QString message = unprivilegedCheck(path);
        if (message == QStringLiteral("cannot drop privileges"))
            QSKIP("running as root without permission to switch users; permission bits do not apply to root");
        QVERIFY2(message.contains(path) && message.contains(QStringLiteral("read-only")), qPrintable(message));
    }

    void newerDatabaseIsRefusedUpFront() {
        const QString path = m_dir.filePath(QStringLiteral("newer.db"));
        QVERIFY(results::ResultStore::open(path.toStdString()).ok());
        {
            test::RawDb raw(path.toStdString());
            QVERIFY(raw.exec("PRAGMA user_version = 999"));
        }
        const auto status = results::ResultsWriter::checkWritable(path.toStdString());
        QVERIFY(!status.ok());
        QVERIFY2(QString::fromStdString(status.error().message).contains(QStringLiteral("newer")),
                 status.error().message.c_str());
    }

    void writerOpeningAnUnusableFileReportsIt() {
        const QString path = m_dir.filePath(QStringLiteral("not-a-db.db"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        results::ResultsWriter writer(path.toStdString());
        writer.onRunStarted(test::runDescription());
        writer.onRequests(0, test::requests(0, 100));
        const auto flushed = writer.flush();
        QVERIFY(!flushed.ok());
        QVERIFY2(QString::fromStdString(flushed.error().message).contains(path), flushed.error().message.c_str());
        QVERIFY(!writer.lastError().ok());
        QCOMPARE(writer.runIdForCell(0), std::optional<std::int64_t>());
    }

    void writerStopsWhenTheDiskFills() {
        const QString path = m_dir.filePath(QStringLiteral("filling.db"));
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--fill-disk"), path});
        QVERIFY(child.waitForFinished(60'000));
        const QString output = QString::fromUtf8(child.readAllStandardOutput());
        QCOMPARE(child.exitStatus(), QProcess::NormalExit); // no crash, no SIGXFSZ
        QVERIFY2(child.exitCode() == 0, qPrintable(output));
        const auto lines = output.split(QLatin1Char('\n'));
        QVERIFY2(lines.size() >= 3, qPrintable(output));
        QVERIFY2(lines[0].startsWith(QStringLiteral("error: cannot write results to ") + path), qPrintable(output));
        QCOMPARE(lines[1].mid(QStringLiteral("again: ").size()), lines[0].mid(QStringLiteral("error: ").size()));
        QCOMPARE(lines[2].mid(QStringLiteral("last: ").size()), lines[0].mid(QStringLiteral("error: ").size()));

        // What was committed before the failure is intact, and the run did not pass for complete.
        auto store = results::ResultStore::open(path.toStdString());
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        QVERIFY(store->checkIntegrity().ok());
        auto runs = store->listRuns();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), std::size_t(1));
        const auto status = runs->front().status;
        QVERIFY2(status == engine::RunStatus::Failed || status == engine::RunStatus::Incomplete,
                 engine::runStatusName(status));
        QVERIFY(runs->front().requests > 0);
    }
};

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--fill-disk") == 0)
        return runFillDiskChild(argv[2]);
    QCoreApplication app(argc, argv);
    TestWriterUnwritable test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_writer_unwritable.moc"
