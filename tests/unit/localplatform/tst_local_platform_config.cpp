// The `local` platform's config keys: stateDir and config-autoscaler overrides, on a declared `local` entry and on
// the built-in default.
#include "model/experiment_loader.h"

#include <QtTest>

using namespace faaswb;
using namespace faaswb::model;

namespace {

const std::string kRest = R"(
benchmarks:
  - {id: 000.noop, languages: [cpp]}
scenarios:
  - {name: warm, type: warm-latency, rate: 10, duration: 5s}
)";

QString describe(const LoadReport& report) {
    QString out;
    for (const auto& issue : report.issues)
        out += QString::fromStdString(issue.message) + QLatin1Char('\n');
    return out;
}

} // namespace

class TestLocalPlatformConfig : public QObject {
    Q_OBJECT
private slots:
    void builtinLocalHasNoOverrides() {
        auto report = loadExperimentText("name: x\nplatform: local\n" + kRest, "builtin.yaml");
        QVERIFY2(report.experiment, qPrintable(describe(report)));
        const PlatformConfig* local = report.experiment->findPlatform({});
        QVERIFY(local);
        QCOMPARE(local->type, PlatformType::Local);
        QVERIFY(local->stateDir.empty());
        QVERIFY(local->autoscaler.empty());
    }

    void declaredLocalCarriesOverrides() {
        qputenv("FAASWB_TEST_STATE_DIR", "/run/user/1000/faas-workbench/local-42");
        auto report = loadExperimentText(R"(name: x
platform: local
platforms:
  local:
    type: local
    autoscaler:
      stable-window: 6s
      scale-to-zero-grace-period: 2s
      max-scale-down-rate: 4
      enable-scale-to-zero: true
  shared:
    type: local
    stateDir: ${FAASWB_TEST_STATE_DIR}
)" + kRest,
                                         "declared.yaml");
        QVERIFY2(report.experiment, qPrintable(describe(report)));
        const PlatformConfig* local = report.experiment->findPlatform("local");
        QVERIFY(local);
        QCOMPARE(local->type, PlatformType::Local);
        const std::map<std::string, std::string> expected = {{"stable-window", "6s"},
                                                             {"scale-to-zero-grace-period", "2s"},
                                                             {"max-scale-down-rate", "4"},
                                                             {"enable-scale-to-zero", "true"}};
        QCOMPARE(local->autoscaler, expected);
        QVERIFY(local->stateDir.empty());
        const PlatformConfig* shared = report.experiment->findPlatform("shared");
        QVERIFY(shared);
        QCOMPARE(shared->stateDir, std::string("/run/user/1000/faas-workbench/local-42"));
        QVERIFY(shared->autoscaler.empty());
    }

    void invalidOverrides_data() {
        QTest::addColumn<QString>("autoscaler");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");
        QTest::addRow("window too short") << "{stable-window: 2s}" << 6 << "autoscaler.stable-window: must be in";
        QTest::addRow("unknown key") << "{stable-windw: 6s}" << 6 << "stable-windw: unknown config-autoscaler key";
        QTest::addRow("bad number") << "{max-scale-down-rate: fast}" << 6 << "max-scale-down-rate: invalid value";
        QTest::addRow("not a map") << "6s" << 6 << "autoscaler: expected";
        QTest::addRow("second key on its own line")
            << "\n      stable-window: 6s\n      max-scale-up-rate: 0.5" << 8 << "max-scale-up-rate";
    }
    void invalidOverrides() {
        QFETCH(QString, autoscaler);
        QFETCH(int, line);
        QFETCH(QString, message);
        auto report =
            loadExperimentText("name: x\nplatform: local\nplatforms:\n  local:\n    type: local\n    autoscaler: " +
                                   autoscaler.toStdString() + "\n" + kRest,
                               "invalid.yaml");
        QVERIFY(!report.experiment);
        QCOMPARE(report.issues.size(), std::size_t(1));
        QVERIFY2(QString::fromStdString(report.issues.front().message).contains(message), qPrintable(describe(report)));
        QCOMPARE(report.issues.front().where.line, line);
        QCOMPARE(report.issues.front().file, std::string("invalid.yaml"));
    }

    void localKeysOnOtherTypes() {
        auto report = loadExperimentText(R"(name: x
platform: lab
platforms:
  lab:
    type: knative
    kubeconfig: /tmp/kubeconfig
    autoscaler: {stable-window: 6s}
)" + kRest,
                                         "knative.yaml");
        QVERIFY(!report.experiment);
        QVERIFY2(describe(report).contains(QStringLiteral("platforms.lab.autoscaler: only a platform of type local")),
                 qPrintable(describe(report)));
    }
};

QTEST_GUILESS_MAIN(TestLocalPlatformConfig)
#include "tst_local_platform_config.moc"
