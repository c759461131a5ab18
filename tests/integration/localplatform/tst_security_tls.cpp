// TLS verification (issue 8): on by default, off only where asked (`load --insecure`, a platform's
// insecureSkipTlsVerify), and the run's environment record says which. The HTTPS endpoint is the embedded local
// platform's TLS port: a self-signed certificate on loopback that nothing trusts unless told to.
#include "localplatform/daemon.h"
#include "test_daemon.h"
#include "testutils.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

using namespace faaswb;
using nlohmann::json;

namespace {

using Outcome = test::WorkbenchOutcome;

Outcome runWorkbench(const QStringList& args, const QString& token) {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("FAASWB_TEST_TOKEN"), token);
    return test::runWorkbench(args, environment);
}

struct StoredRun {
    json environment;
    std::map<std::string, long long> errors; // by kind, over the run's intervals
    long long requests = 0;
};

// The runs of a results DB in id order.
std::vector<StoredRun> storedRuns(const QString& path) {
    std::vector<StoredRun> runs;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return runs;
    }
    const auto text = [](sqlite3_stmt* s, int column) {
        const auto* value = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
        return std::string(value ? value : "");
    };
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT id, environment_json FROM runs ORDER BY id", -1, &s, nullptr);
    std::vector<long long> ids;
    while (sqlite3_step(s) == SQLITE_ROW) {
        ids.push_back(sqlite3_column_int64(s, 0));
        runs.push_back({json::parse(text(s, 1), nullptr, false), {}, 0});
    }
    sqlite3_finalize(s);
    sqlite3_prepare_v2(db, "SELECT requests, errors_json FROM intervals WHERE run_id = ?", -1, &s, nullptr);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        sqlite3_bind_int64(s, 1, ids[i]);
        while (sqlite3_step(s) == SQLITE_ROW) {
            runs[i].requests += sqlite3_column_int64(s, 0);
            const json errors = json::parse(text(s, 1), nullptr, false);
            if (errors.is_object())
                for (const auto& [kind, count] : errors.items())
                    runs[i].errors[kind] += count.is_number() ? count.get<long long>() : 0;
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return runs;
}

long long totalErrors(const StoredRun& run) {
    long long total = 0;
    for (const auto& [kind, count] : run.errors)
        total += count;
    return total;
}

} // namespace

class TestSecurityTls : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<localplatform::LocalPlatformDaemon> m_daemon;

    QString pods() const {
        return QStringLiteral("https://127.0.0.1:%1/api/v1/namespaces/default/pods").arg(m_daemon->state().apiTlsPort);
    }
    QString token() const { return QString::fromStdString(m_daemon->state().token); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        auto daemon = localplatform::LocalPlatformDaemon::start(test::testDaemonOptions(m_dir.path() + "/state"));
        QVERIFY2(daemon.ok(), daemon.ok() ? "" : daemon.error().message.c_str());
        m_daemon = std::move(*daemon);
    }

    void cleanupTestCase() {
        if (m_daemon)
            m_daemon->stop();
    }

    void loadVerifiesUnlessInsecure() {
        const QStringList common{"load", pods(), "--requests", "10", "--rate", "20", "--duration", "10s"};
        const Outcome verified = runWorkbench(common, token());
        const auto failed =
            QRegularExpression(QStringLiteral(R"(Errors: (\d+) \(tls (\d+)\))")).match(QString::fromUtf8(verified.out));
        QVERIFY2(failed.hasMatch() && failed.captured(1) == failed.captured(2) && failed.captured(1).toInt() > 0,
                 verified.out.constData());
        const Outcome insecure = runWorkbench(common + QStringList{"--insecure"}, token());
        // Without the token the API answers 401: TLS itself succeeded.
        QVERIFY2(!insecure.out.contains("tls"), insecure.out.constData());
        const auto answered =
            QRegularExpression(QStringLiteral(R"((\d+) requests in)")).match(QString::fromUtf8(insecure.out));
        QVERIFY2(answered.hasMatch() && answered.captured(1).toInt() > 0, insecure.out.constData());
    }

    // Two platforms on the same endpoint, one of them with verification turned off; only that one gets through,
    // and its run says so.
    void perPlatformAndRecorded() {
        const QString experiment = m_dir.filePath(QStringLiteral("tls.yaml"));
        QFile file(experiment);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral(R"(name: tls
platform: verified
platforms:
  verified: {type: http, url: '%1', auth: {type: bearer, token: '${FAASWB_TEST_TOKEN}'}}
  trusting: {type: http, url: '%1', auth: {type: bearer, token: '${FAASWB_TEST_TOKEN}'}, insecureSkipTlsVerify: true}
benchmarks:
  - {id: 000.noop, languages: [cpp]}
scenarios:
  - {name: warm, type: warm-latency, rate: 20, duration: 1s}
)")
                       .arg(pods())
                       .toUtf8());
        file.close();
        const QString db = m_dir.filePath(QStringLiteral("tls.db"));
        const Outcome verified = runWorkbench({"run", experiment, "--db", db}, token());
        const Outcome trusting = runWorkbench({"run", experiment, "--db", db, "--platform", "trusting"}, token());
        QVERIFY2(verified.exitCode >= 0 && trusting.exitCode >= 0, (verified.err + trusting.err).constData());
        const auto runs = storedRuns(db);
        QCOMPARE(runs.size(), std::size_t(2));
        QVERIFY(runs[0].requests >= 10);
        QCOMPARE(runs[0].errors.count("tls") ? runs[0].errors.at("tls") : 0, totalErrors(runs[0]));
        QCOMPARE(totalErrors(runs[0]), runs[0].requests);
        QVERIFY(runs[1].requests >= 10);
        QVERIFY2(!runs[1].errors.count("tls"), runs[1].environment.dump().c_str());
        QCOMPARE(runs[1].environment.value("details", json::object()).value("tlsVerify", true), false);
    }
};

QTEST_GUILESS_MAIN(TestSecurityTls)
#include "tst_security_tls.moc"
