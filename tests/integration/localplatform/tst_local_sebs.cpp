// A SeBS-layout benchmark on the local platform end to end: the example resources/sebs-example/120.hello deploys
// through the `local` adapter as a local-path image, answers a POSTed event with its handler's result, and a SeBS
// directory whose requirements.txt names a module that is not installed fails the deploy, naming the module.
#include "http_call.h"
#include "localplatform/sebs_function.h"
#include "platform/local_platform.h"
#include "test_daemon.h"
#include "testutils.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace faaswb;
using namespace faaswb::test;
namespace fs = std::filesystem;

namespace {

platform::FunctionSpec sebsSpec(const std::string& name, const fs::path& dir) {
    platform::FunctionSpec spec;
    spec.name = name;
    spec.benchmark = dir.filename().string();
    spec.language = "python";
    spec.image = localplatform::localPathImage(dir.string(), "python");
    return spec;
}

} // namespace

class TestLocalSebs : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_stateDir;
    std::unique_ptr<platform::Platform> m_platform;
    std::optional<platform::Deployment> m_deployment;

private slots:
    void initTestCase() {
        QVERIFY(m_stateDir.isValid());
        model::PlatformConfig config;
        config.name = "local";
        config.type = model::PlatformType::Local;
        localplatform::DaemonOptions options = test::testDaemonOptions(m_stateDir.filePath(QStringLiteral("state")));
        auto created = platform::createLocalPlatform(config, options);
        QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());
        m_platform = std::move(created).value();
    }

    void cleanupTestCase() {
        if (m_platform && m_deployment)
            (void)m_platform->remove(*m_deployment);
        m_platform.reset();
    }

    void servesTheExample() {
        const fs::path dir =
            fs::canonical(sourcePath(QStringLiteral("resources/sebs-example/120.hello")).toStdString());
        CancellationToken cancel;
        auto deployed = m_platform->deploy(sebsSpec("hello-python", dir), cancel);
        QVERIFY2(deployed.ok(), deployed.ok() ? "" : deployed.error().message.c_str());
        m_deployment = *deployed;

        HttpCallOptions options;
        options.body = R"({"name": "sebs"})";
        options.headers.assign(deployed->headers.begin(), deployed->headers.end());
        const HttpReply reply = httpCall(deployed->url, options);
        QCOMPARE(reply.status, 200L);
        const auto body = nlohmann::json::parse(reply.body, nullptr, false);
        QVERIFY2(body.is_object() && body.contains("result"), reply.body.c_str());
        QCOMPARE(body["result"]["result"].get<std::string>(), std::string("hello, sebs"));
    }

    void missingModuleFailsTheDeploy() {
        const fs::path dir = fs::canonical(m_stateDir.path().toStdString()) / "321.needs-modules";
        fs::create_directories(dir / "python");
        std::ofstream(dir / "config.json") << R"({"timeout": 10, "memory": 128, "languages": ["python"]})";
        std::ofstream(dir / "python" / "function.py") << "import squiggle_never_installed\n"
                                                         "def handler(event):\n    return {}\n";
        std::ofstream(dir / "python" / "requirements.txt") << "squiggle-never-installed==1.0\n";
        CancellationToken cancel;
        const auto start = std::chrono::steady_clock::now();
        auto deployed = m_platform->deploy(sebsSpec("needs-modules-python", dir), cancel);
        QVERIFY(!deployed.ok());
        QCOMPARE(deployed.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(deployed.error().message)
                     .contains(QStringLiteral("Python modules missing: squiggle_never_installed")),
                 deployed.error().message.c_str());
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(10)); // refused up front, no timeout
    }
};

QTEST_GUILESS_MAIN(TestLocalSebs)
#include "tst_local_sebs.moc"
