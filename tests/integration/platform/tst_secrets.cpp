// Secrets of every platform type — an http platform's auth, secret headers and ${ENV} values, an OpenWhisk key, the
// API token in a knative platform's kubeconfig — really authenticate, and never reach the results DB, exported files,
// or the command's output. The real executable against loopback servers (a recording server, a fake OpenWhisk and
// an embedded local platform as the Knative cluster).
#include "fake_openwhisk_server.h"
#include "localplatform/daemon.h"
#include "recording_server.h"
#include "test_daemon.h"
#include "testutils.h"

#include <QtTest>
#include <sqlite3.h>

using namespace faaswb;

namespace {

// Every secret the experiment below carries, in every form it could leak in. Add platforms' secrets (kubeconfig
// tokens, OpenWhisk keys) here together with their experiment lines.
struct Secret {
    const char* what;
    QByteArray value;
};

constexpr char kOpenWhiskKey[] = "0c5fd8a2-ow-uuid:owkey-SECRET-5e5e";

std::vector<Secret> secrets(const QByteArray& kubeToken) {
    return {
        {"bearer token (literal)", "tok-SECRET-4f2a9c"},
        {"basic password (literal)", "pw-SECRET-77b1"},
        {"basic Authorization value", QByteArray("tester:pw-SECRET-77b1").toBase64()},
        {"X-Api-Key header (literal)", "key-SECRET-c0ffee"},
        {"token from ${FAASWB_TEST_TOKEN}", "env-SECRET-9d9d"},
        {"OpenWhisk key secret (literal)", "owkey-SECRET-5e5e"},
        {"OpenWhisk Authorization value", QByteArray(kOpenWhiskKey).toBase64()},
        {"any secret's marker", "SECRET-"},
        {"kubeconfig bearer token", kubeToken},
    };
}

constexpr char kEnvToken[] = "env-SECRET-9d9d";

QString experimentText(const std::string& url, const std::string& openWhiskUrl, const QString& kubeconfig,
                       const std::string& ingress) {
    return QStringLiteral(R"(# secrets for tst_secrets
name: secrets
platform: bearer
platforms:
  bearer:
    type: http
    url: '%1'
    auth: {type: bearer, token: tok-SECRET-4f2a9c}
    headers: {X-Api-Key: key-SECRET-c0ffee, X-Env-Token: '${FAASWB_TEST_TOKEN}', Accept: text/plain}
  basic:
    type: http
    url: '%1'
    auth:
      type: basic
      username: tester
      password: "pw-SECRET-77b1"   # literal on purpose
  whisk:
    type: openwhisk
    url: '%2'
    authKey: %3
  cluster:
    type: knative
    kubeconfig: '%4'
    ingress: '%5'
    images: "local/{benchmark}:{language}"
benchmarks:
  - {id: 000.noop, languages: [python]}
scenarios:
  - {name: warm, type: warm-latency, rate: 20, duration: 1s}
)")
        .arg(QString::fromStdString(url), QString::fromStdString(openWhiskUrl), QString::fromLatin1(kOpenWhiskKey),
             kubeconfig, QString::fromStdString(ingress));
}

QProcessEnvironment childEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FAASWB_TEST_TOKEN"), QString::fromLatin1(kEnvToken));
    return env;
}

test::WorkbenchOutcome runWorkbench(const QStringList& args) {
    return test::runWorkbench(args, childEnvironment(), 40'000);
}

QStringList storedYaml(const QString& dbPath) {
    QStringList texts;
    sqlite3* db = nullptr;
    sqlite3_open_v2(dbPath.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT yaml FROM experiments", -1, &statement, nullptr) == SQLITE_OK)
        while (sqlite3_step(statement) == SQLITE_ROW)
            texts << QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return texts;
}

} // namespace

class TestSecrets : public QObject {
    Q_OBJECT
private slots:
    // Four runs (bearer + headers, basic, openwhisk, knative) into one DB, exported both ways; every byte produced
    // is kept.
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        startCluster();
        const QString experiment = m_dir.filePath(QStringLiteral("secrets.yaml"));
        QFile file(experiment);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(experimentText(m_server.url("/"), m_openWhisk.url(),
                                  QString::fromStdString(m_daemon->state().kubeconfigPath),
                                  m_daemon->state().ingressUrl)
                       .toUtf8());
        file.close();
        m_db = m_dir.filePath(QStringLiteral("results.db"));
        const QString out = m_dir.filePath(QStringLiteral("out"));
        const QString base[] = {QStringLiteral("run"), experiment, QStringLiteral("--db"), m_db};
        collect(QStringList(std::begin(base), std::end(base)) << QStringLiteral("--out") << out);
        for (const char* platform : {"basic", "whisk", "cluster"})
            collect(QStringList(std::begin(base), std::end(base))
                    << QStringLiteral("--platform") << QString::fromLatin1(platform) << QStringLiteral("--out") << out);
        collect({QStringLiteral("runs"), QStringLiteral("--db"), m_db});
        for (const char* format : {"csv", "html"}) {
            QStringList args{QStringLiteral("export"), QStringLiteral("--db"), m_db};
            for (int run = 1; run <= 4; ++run)
                args << QStringLiteral("--run") << QString::number(run);
            collect(args << QStringLiteral("--format") << QString::fromLatin1(format) << QStringLiteral("--out")
                         << m_dir.filePath(QStringLiteral("export-") + QString::fromLatin1(format)));
        }
        m_daemon.reset(); // its state dir (kubeconfig, state.json) holds the token by design: not an artifact
        QDir(m_stateDir).removeRecursively();
        QDirIterator files(m_dir.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString path = files.next();
            if (path == experiment)
                continue;
            QFile produced(path);
            QVERIFY2(produced.open(QIODevice::ReadOnly), qPrintable(path));
            m_artifacts.append({QDir(m_dir.path()).relativeFilePath(path), produced.readAll()});
        }
    }

    void authReachedTheServer() {
        int bearer = 0, basic = 0;
        const std::string basicValue = "Basic " + QByteArray("tester:pw-SECRET-77b1").toBase64().toStdString();
        for (const auto& request : m_server.requests()) {
            const std::string authorization = request.header("authorization");
            if (authorization == "Bearer tok-SECRET-4f2a9c") {
                ++bearer;
                QCOMPARE(request.header("x-api-key"), std::string("key-SECRET-c0ffee"));
                QCOMPARE(request.header("x-env-token"), std::string(kEnvToken));
            } else {
                QCOMPARE(authorization, basicValue);
                ++basic;
            }
        }
        QVERIFY2(bearer >= 15 && basic >= 15, qPrintable(QStringLiteral("%1 bearer, %2 basic").arg(bearer).arg(basic)));
    }

    void everythingWasProduced() {
        QStringList names;
        for (const auto& artifact : m_artifacts)
            names << artifact.name;
        for (const QString& expected : {QStringLiteral("results.db"), QStringLiteral("out/summary.csv"),
                                        QStringLiteral("out/requests.csv"), QStringLiteral("out/run-1.hlog"),
                                        QStringLiteral("out/run-2.hlog"), QStringLiteral("export-csv/intervals.csv")})
            QVERIFY2(names.contains(expected), qPrintable(names.join(u' ')));
        QVERIFY2(
            std::any_of(names.begin(), names.end(), [](const QString& n) { return n.startsWith(u"export-html/"); }),
            qPrintable(names.join(u' ')));
        QVERIFY(m_artifacts.size() > 8);
    }

    void storedExperimentIsRedacted() {
        const QStringList texts = storedYaml(m_db);
        QVERIFY(!texts.isEmpty());
        for (const QString& text : texts) {
            QVERIFY2(text.contains(QStringLiteral("token: <redacted>}")), qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("password: \"<redacted>\"   # literal on purpose")),
                     qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("X-Api-Key: <redacted>, X-Env-Token: '${FAASWB_TEST_TOKEN}', "
                                                  "Accept: text/plain")),
                     qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("username: tester")), qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("authKey: <redacted>")), qPrintable(text));
        }
    }

    void openWhiskAndKnativeRunsAuthenticated() {
        const std::string expected = "Basic " + QByteArray(kOpenWhiskKey).toBase64().toStdString();
        int invokes = 0;
        for (const auto& request : m_openWhisk.requests()) {
            if (request.method != "POST" || !request.path.ends_with("/actions/noop-python"))
                continue;
            ++invokes;
            QCOMPARE(request.authorization, expected);
        }
        QVERIFY2(invokes >= 15, qPrintable(QString::number(invokes)));
        QVERIFY(!m_kubeToken.isEmpty()); // the knative run itself succeeding (collect) shows the token worked
    }

    void noSecretAnywhere_data() {
        QTest::addColumn<QByteArray>("secret");
        for (const auto& secret : secrets(m_kubeToken))
            QTest::addRow("%s", secret.what) << secret.value;
    }

    void noSecretAnywhere() {
        QFETCH(QByteArray, secret);
        // The control: each entry is a value that really went over the wire, so the search below can find it.
        QByteArray sent;
        for (const auto& request : m_server.requests())
            for (const auto& [name, value] : request.headers) {
                sent += QByteArray::fromStdString(name + ": " + value + "\n");
                if (value.rfind("Basic ", 0) == 0) // and the user:password it encodes
                    sent += QByteArray::fromBase64(QByteArray::fromStdString(value.substr(6))) + "\n";
            }
        for (const auto& request : m_openWhisk.requests())
            if (request.authorization.rfind("Basic ", 0) == 0)
                sent += QByteArray::fromStdString(request.authorization) + "\n" +
                        QByteArray::fromBase64(QByteArray::fromStdString(request.authorization.substr(6))) + "\n";
        sent += m_kubeconfigText; // the API token went to the daemon over TLS, as the kubeconfig says
        QVERIFY2(sent.contains(secret), sent.constData());
        for (const auto& artifact : m_artifacts)
            QVERIFY2(!artifact.bytes.contains(secret), qPrintable(artifact.name));
    }

private:
    // The Knative cluster: an embedded local platform whose kubeconfig carries its API token.
    void startCluster() {
        m_stateDir = m_dir.filePath(QStringLiteral("cluster-state"));
        localplatform::DaemonOptions options = test::testDaemonOptions(m_stateDir);
        auto daemon = localplatform::LocalPlatformDaemon::start(options);
        QVERIFY2(daemon.ok(), daemon.ok() ? "" : daemon.error().message.c_str());
        m_daemon = std::move(daemon).value();
        m_kubeToken = QByteArray::fromStdString(m_daemon->state().token);
        QFile kubeconfig(QString::fromStdString(m_daemon->state().kubeconfigPath));
        QVERIFY(kubeconfig.open(QIODevice::ReadOnly));
        m_kubeconfigText = kubeconfig.readAll();
        QVERIFY(m_kubeconfigText.contains(m_kubeToken));
    }

    struct Artifact {
        QString name;
        QByteArray bytes;
    };

    void collect(const QStringList& args) {
        const test::WorkbenchOutcome outcome = runWorkbench(args);
        QVERIFY2(outcome.exitCode == 0, qPrintable(args.join(u' ') + u'\n' + QString::fromUtf8(outcome.err)));
        m_artifacts.append({QStringLiteral("stdout of ") + args.join(u' '), outcome.out});
        m_artifacts.append({QStringLiteral("stderr of ") + args.join(u' '), outcome.err});
    }

    test::RecordingServer m_server;
    test::FakeOpenWhiskServer m_openWhisk{kOpenWhiskKey};
    std::unique_ptr<localplatform::LocalPlatformDaemon> m_daemon;
    QByteArray m_kubeToken;
    QByteArray m_kubeconfigText;
    QString m_stateDir;
    QTemporaryDir m_dir;
    QString m_db;
    QList<Artifact> m_artifacts;
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
