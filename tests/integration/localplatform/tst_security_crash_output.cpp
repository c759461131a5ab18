// Secrets in failing runs (issue 8, "crash output"): a run whose endpoint refuses every connection, a cluster that
// cannot be reached, a load command with a token in the URL's query and a URL the command rejects. Every byte they
// produce (stdout, stderr, the results DB with its WAL, every exported file) is searched for the known secrets.
// tst_secrets covers runs that succeed; this covers the error paths.
#include "model/redact.h"
#include "testutils.h"

#include <QDirIterator>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace faaswb;

namespace {

// Every secret below carries this marker, so one search finds any of them.
constexpr char kMarker[] = "SECRET-";
constexpr char kEnvToken[] = "env-SECRET-3";
constexpr char kPassword[] = "pw-SECRET-5";

using Outcome = test::WorkbenchOutcome;

Outcome runWorkbench(const QStringList& args) {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("FAASWB_TEST_TOKEN"), QString::fromLatin1(kEnvToken));
    environment.insert(QStringLiteral("FAASWB_PASSWORD"), QString::fromLatin1(kPassword));
    return test::runWorkbench(args, environment);
}

// A loopback port nothing listens on: bound, then released (nobody else binds ephemeral ports in between in practice,
// and if someone did, the run would still fail to find our endpoint).
quint16 closedPort() {
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0;
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestSecurityCrashOutput : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFile(const QString& name, const QString& text) {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0)
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    // stdout, stderr, and every file below `dir` (the DB, its WAL, exports).
    static void verifyNoSecret(const Outcome& outcome, const QString& dir) {
        QVERIFY2(!outcome.out.contains(kMarker), outcome.out.constData());
        QVERIFY2(!outcome.err.contains(kMarker), outcome.err.constData());
        if (dir.isEmpty())
            return;
        QDirIterator files(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString path = files.next();
            QVERIFY2(!readAll(path).contains(kMarker), qPrintable(path));
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // The search below relies on URLs being redacted: query tokens too, not only user:password@.
    void urlSecretsAreRedacted_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        QTest::addRow("token") << "http://h/fn?token=abc&x=1"
                               << "http://h/fn?token=<redacted>&x=1";
        QTest::addRow("azure code") << "https://a.azurewebsites.net/api/f?code=k1=="
                                    << "https://a.azurewebsites.net/api/f?code=<redacted>";
        QTest::addRow("sigv4 presigned") << "https://b.s3/o?X-Amz-Credential=AK&X-Amz-Signature=ff&v=2"
                                         << "https://b.s3/o?X-Amz-Credential=<redacted>&X-Amz-Signature=<redacted>&v=2";
        QTest::addRow("password and key") << "http://u:pw@h/?api_key=k#frag"
                                          << "http://u:<redacted>@h/?api_key=<redacted>#frag";
        QTest::addRow("env reference kept") << "http://h/?access_token=${TOKEN}"
                                            << "http://h/?access_token=${TOKEN}";
        QTest::addRow("harmless query kept") << "http://h/?ms=20&n=3"
                                             << "http://h/?ms=20&n=3";
        QTest::addRow("no query") << "http://h/fn"
                                  << "http://h/fn";
    }

    void urlSecretsAreRedacted() {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(model::redactUrl(url.toStdString())), expected);
        const std::string yaml = "platforms:\n  api: {type: http, url: '" + url.toStdString() + "'}\n";
        QCOMPARE(QString::fromStdString(model::redactSecrets(yaml)),
                 QStringLiteral("platforms:\n  api: {type: http, url: '%1'}\n").arg(expected));
    }

    // An http endpoint that refuses every connection and a Knative cluster that is not there, each with secrets in
    // the URL, the auth and the headers (and the kubeconfig's token).
    void failingRunsLeakNothing() {
        const quint16 port = closedPort();
        QVERIFY(port > 0);
        const QString kubeconfig = writeFile(QStringLiteral("kubeconfig"), QStringLiteral(R"(apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: 'https://127.0.0.1:%1'}
users:
- name: u
  user: {token: kube-SECRET-8}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
)")
                                                                               .arg(port));
        const QString experiment = writeFile(QStringLiteral("leak.yaml"), QStringLiteral(R"(name: leak
platform: api
platforms:
  api:
    type: http
    url: 'http://user:url-SECRET-0@127.0.0.1:%1/fn?token=qs-SECRET-1&ms=1'
    auth: {type: bearer, token: '${FAASWB_TEST_TOKEN}'}
    headers: {X-Api-Key: hdr-SECRET-2, Authorization-Extra: lit-SECRET-4}
  cluster:
    type: knative
    kubeconfig: '%2'
    ingress: 'http://127.0.0.1:%1/?code=ing-SECRET-6'
benchmarks:
  - {id: 000.noop, languages: [cpp]}
scenarios:
  - {name: warm, type: warm-latency, rate: 20, duration: 1s}
)")
                                                                              .arg(port)
                                                                              .arg(kubeconfig));
        const QString runs = m_dir.filePath(QStringLiteral("runs"));
        QVERIFY(QDir().mkpath(runs));
        const QString db = runs + QStringLiteral("/results.db");
        const Outcome http = runWorkbench({"run", experiment, "--db", db, "--out", runs + "/out"});
        QVERIFY2(http.exitCode == 3, http.err.constData()); // every request failed: connection refused
        const Outcome cluster = runWorkbench({"run", experiment, "--db", db, "--platform", "cluster"});
        QVERIFY2(cluster.exitCode == 3, cluster.err.constData());
        QVERIFY2(!cluster.err.isEmpty(), "the unreachable cluster must be reported");
        // The control: what the runs stored is where the secrets would be, redacted.
        const QByteArray stored = readAll(db) + readAll(db + "-wal");
        QVERIFY(stored.contains("<redacted>"));
        QVERIFY(stored.contains("${FAASWB_TEST_TOKEN}"));
        verifyNoSecret(http, runs);
        verifyNoSecret(cluster, runs);
    }

    void loadCommandLeaksNothing() {
        const quint16 port = closedPort();
        const QString url = QStringLiteral("http://127.0.0.1:%1/fn?access_token=qs-SECRET-1").arg(port);
        const Outcome refused = runWorkbench(
            {"load", url, "--rate", "20", "--duration", "1s", "--user", "me", "--header", "X-Api-Key: hdr-SECRET-2"});
        QVERIFY2(refused.exitCode == 3, refused.err.constData());
        QVERIFY2(refused.out.contains("access_token=<redacted>"), refused.out.constData());
        verifyNoSecret(refused, {});
        const Outcome rejected =
            runWorkbench({"load", QStringLiteral("ftp://127.0.0.1:%1/?token=qs-SECRET-7").arg(port), "--rate", "20",
                          "--duration", "1s"});
        QCOMPARE(rejected.exitCode, 2);
        QVERIFY2(rejected.err.contains("token=<redacted>"), rejected.err.constData());
        verifyNoSecret(rejected, {});
    }
};

QTEST_GUILESS_MAIN(TestSecurityCrashOutput)
#include "tst_security_crash_output.moc"
