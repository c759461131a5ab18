// The command line renders charts with the GUI's chart code: `run --out DIR` writes PNG charts and report.html next
// to the CSV files, `export --format png|svg|pdf|html` writes them for stored runs, and a bad format is exit 2.
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace faaswb;

namespace {

struct Outcome {
    int exitCode = -1;
    QString out, err;
};

// test::runWorkbench with the output as text.
Outcome runWorkbench(const QStringList& args) {
    const auto outcome = test::runWorkbench(args, QProcessEnvironment::systemEnvironment(), 90'000);
    return {outcome.exitCode, QString::fromUtf8(outcome.out), QString::fromUtf8(outcome.err)};
}

qint64 fileSize(const QString& path) {
    return QFileInfo(path).size();
}

} // namespace

class TestCliCharts : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        m_server = test::ServerProcess::start(test::binaryPath(QStringLiteral("faaswb-target")),
                                              {QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(m_server);
        QFile file(m_dir.filePath(QStringLiteral("charts.yaml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("name: charts\nplatform: target\nplatforms:\n  target: {type: http, url: '%1/'}\n"
                                  "benchmarks:\n  - {id: 000.noop, languages: [python]}\n"
                                  "scenarios:\n  - {name: warm, type: warm-latency, rate: 200, duration: 2s}\n")
                       .arg(m_server->baseUrl())
                       .toUtf8());
    }

    void runOutWritesChartsAndReport() {
        const QString out = m_dir.filePath(QStringLiteral("out"));
        const auto outcome =
            runWorkbench({QStringLiteral("run"), m_dir.filePath(QStringLiteral("charts.yaml")), QStringLiteral("--db"),
                          db(), QStringLiteral("--out"), out, QStringLiteral("--quiet")});
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.err));
        QVERIFY2(outcome.out.contains(QStringLiteral("report.html")), qPrintable(outcome.out));
        const QImage cdf(out + QStringLiteral("/run-1-latency-cdf.png"));
        QVERIFY(!cdf.isNull());
        QVERIFY2(cdf.width() >= 1200, qPrintable(QString::number(cdf.width())));
        QVERIFY(fileSize(out + QStringLiteral("/report.html")) > 20'000);
        QVERIFY(QFile::exists(out + QStringLiteral("/summary.csv")));
    }

    void exportFormats_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("magic");
        QTest::addRow("png") << QStringLiteral("png") << QStringLiteral("run-1-latency-percentiles.png")
                             << QByteArray("\x89PNG");
        QTest::addRow("svg") << QStringLiteral("svg") << QStringLiteral("run-1-throughput.svg") << QByteArray("<?xml");
        QTest::addRow("pdf") << QStringLiteral("pdf") << QStringLiteral("run-1-pods.pdf") << QByteArray("%PDF");
        QTest::addRow("html") << QStringLiteral("html") << QStringLiteral("report.html") << QByteArray("<!DOCTYPE");
    }

    void exportFormats() {
        QFETCH(QString, format);
        QFETCH(QString, file);
        QFETCH(QByteArray, magic);
        const QString out = m_dir.filePath(QStringLiteral("export-") + format);
        const auto outcome =
            runWorkbench({QStringLiteral("export"), QStringLiteral("--db"), db(), QStringLiteral("--run"),
                          QStringLiteral("1"), QStringLiteral("--format"), format, QStringLiteral("--out"), out});
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.err));
        QFile exported(out + QLatin1Char('/') + file);
        QVERIFY2(exported.open(QIODevice::ReadOnly), qPrintable(exported.fileName()));
        const QByteArray head = exported.read(64);
        QVERIFY2(head.startsWith(magic), head.constData());
        QVERIFY(exported.size() > 2'000);
    }

    void unknownFormatIsInvalidInput() {
        const auto outcome = runWorkbench({QStringLiteral("export"), QStringLiteral("--db"), db(),
                                           QStringLiteral("--run"), QStringLiteral("1"), QStringLiteral("--format"),
                                           QStringLiteral("gif"), QStringLiteral("--out"), m_dir.path()});
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(QStringLiteral("gif")), qPrintable(outcome.err));
    }

    void noDisplayGuiIsAClearError() {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            env.remove(QString::fromLatin1(name));
        process.setProcessEnvironment(env);
        process.start(test::binaryPath(QStringLiteral("faas-workbench")), {QStringLiteral("gui")});
        QVERIFY(process.waitForFinished(20'000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("no display"));
    }

private:
    QString db() const { return m_dir.filePath(QStringLiteral("charts.db")); }
    QTemporaryDir m_dir;
    std::unique_ptr<test::ServerProcess> m_server;
};

QTEST_GUILESS_MAIN(TestCliCharts)
#include "tst_cli_charts.moc"
