// A real kubectl against the control API (HttpServer + ControlApi on an ephemeral loopback port, served from an
// io_context thread inside the test): discovery, short names, Tables, label selectors, -o json, watches, errors.
// Skips when kubectl is not installed.
//
// kubectl (client-go clientcmd) sends a kubeconfig's credentials only to https:// servers ("only try to read the auth
// information if we are secure"), so against this plain-http server it sends no token at all. The main server below
// therefore adds the bearer token kubectl would send over TLS; a second server without that shim shows that the API
// itself still refuses kubectl without a token.
#include "localplatform/control_api.h"
#include "localplatform/http_server.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <thread>

using namespace faaswb;
using namespace faaswb::localplatform;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

const std::string kToken = "kubectl-test-token";

Json pod(const std::string& name, const std::string& service) {
    return {{"metadata", {{"name", name}, {"labels", {{"serving.knative.dev/service", service}}}}},
            {"spec", {{"containers", {{{"name", "user-container"}, {"image", "local/010.sleep:python"}}}}}},
            {"status", {{"phase", "Running"}, {"containerStatuses", {{{"ready", true}, {"restartCount", 0}}}}}}};
}

struct KubectlRun {
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestKubectl : public QObject {
    Q_OBJECT

    asio::io_context m_io;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> m_work;
    std::thread m_thread;
    ObjectStore m_store;
    SpanStore m_spans;
    std::unique_ptr<ControlApi> m_api;
    std::unique_ptr<HttpServer> m_server;
    std::unique_ptr<HttpServer> m_plainServer; // no token shim
    QTemporaryDir m_dir;
    QString m_kubectl;
    QString m_kubeconfig;
    std::uint16_t m_port = 0;

    // Runs `work` on the io thread (the platform thread owns the store and the API) and waits for it.
    template <class Work>
    auto onIo(Work work) {
        std::packaged_task<decltype(work())()> task(std::move(work));
        auto result = task.get_future();
        asio::post(m_io, [&task] { task(); });
        return result.get();
    }

    KubectlRun kubectl(const QStringList& args) {
        QProcess process;
        process.start(m_kubectl, QStringList{"--kubeconfig", m_kubeconfig} + args);
        KubectlRun run;
        if (!process.waitForFinished(20000)) {
            process.kill();
            process.waitForFinished();
            run.err = "kubectl did not finish";
            return run;
        }
        run.exitCode = process.exitCode();
        run.out = QString::fromUtf8(process.readAllStandardOutput());
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }

    void writeKubeconfig(const QString& path, std::uint16_t port, const std::string& token) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("apiVersion: v1\nkind: Config\n"
                                  "clusters:\n- name: local\n  cluster:\n    server: http://127.0.0.1:%1\n"
                                  "users:\n- name: local\n  user:\n    token: %2\n"
                                  "contexts:\n- name: local\n  context:\n    cluster: local\n    user: local\n"
                                  "    namespace: default\n"
                                  "current-context: local\n")
                       .arg(port)
                       .arg(QString::fromStdString(token))
                       .toUtf8());
    }

private slots:
    void initTestCase() {
        m_kubectl = QStandardPaths::findExecutable("kubectl");
        if (m_kubectl.isEmpty())
            QSKIP("kubectl is not installed (Debian: kubernetes-client)");
        QVERIFY(m_dir.isValid());
        ControlApiHooks hooks;
        hooks.schedule = [this](std::chrono::milliseconds delay, std::function<void()> callback) {
            auto timer = std::make_shared<asio::steady_timer>(m_io, delay);
            timer->async_wait([timer, callback](boost::system::error_code error) {
                if (!error)
                    callback();
            });
        };
        m_api = std::make_unique<ControlApi>(m_store, m_spans, hooks, kToken);
        m_server =
            std::make_unique<HttpServer>(m_io, [this](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
                if (!request.header("Authorization"))
                    request.headers.emplace_back("Authorization", "Bearer " + kToken);
                m_api->handle(std::move(request), std::move(writer));
            });
        m_plainServer =
            std::make_unique<HttpServer>(m_io, [this](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
                m_api->handle(std::move(request), std::move(writer));
            });
        const auto port = m_server->listen("127.0.0.1", 0);
        const auto plainPort = m_plainServer->listen("127.0.0.1", 0);
        QVERIFY(port.ok() && plainPort.ok());
        m_port = *plainPort;
        m_kubeconfig = m_dir.filePath("kubeconfig");
        writeKubeconfig(m_kubeconfig, *port, kToken);
        m_work.emplace(m_io.get_executor());
        m_thread = std::thread([this] { m_io.run(); });
        seed();
    }

    void cleanupTestCase() {
        if (!m_thread.joinable())
            return;
        onIo([this] {
            m_server->stop();
            m_plainServer->stop();
            return 0;
        });
        m_work.reset();
        m_io.stop();
        m_thread.join();
    }

    void getKsvc_showsKnativeColumns() {
        const auto run = kubectl({"get", "ksvc"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QStringList lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].simplified() == "NAME URL LATESTCREATED LATESTREADY READY REASON", qPrintable(lines[0]));
        QVERIFY2(lines[1].simplified() == "hello http://hello.default.127.0.0.1.sslip.io hello-00001 hello-00001 True",
                 qPrintable(lines[1]));
    }

    void getPods_withLabelSelector() {
        const auto run = kubectl({"get", "pods", "-l", "serving.knative.dev/service=hello"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QStringList lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].simplified() == "NAME READY STATUS RESTARTS AGE", qPrintable(lines[0]));
        QVERIFY(lines[1].startsWith("hello-00001-a "));
        QVERIFY(lines[1].simplified().contains(" 1/1 Running 0 "));
        QVERIFY(lines[2].startsWith("hello-00001-b "));
        QVERIFY(!run.out.contains("other"));
    }

    void getKsvc_asJson() {
        const auto run = kubectl({"get", "ksvc", "hello", "-o", "json"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const Json service = Json::parse(run.out.toStdString(), nullptr, false);
        QCOMPARE(service["kind"], Json("Service"));
        QCOMPARE(service["metadata"]["name"], Json("hello"));
        QCOMPARE(service["status"]["latestReadyRevisionName"], Json("hello-00001"));
    }

    void errors_fromStatusObjects_andNoTokenIsRefused() {
        const auto missing = kubectl({"get", "ksvc", "nope"});
        QVERIFY(missing.exitCode != 0);
        QVERIFY2(missing.err.contains("Error from server (NotFound): services.serving.knative.dev \"nope\" not found"),
                 qPrintable(missing.err));

        const QString badConfig = m_dir.filePath("bad-kubeconfig");
        writeKubeconfig(badConfig, m_port, kToken);
        QProcess process;
        process.start(m_kubectl, {"--kubeconfig", badConfig, "get", "pods"});
        QVERIFY(process.waitForFinished(20000));
        QVERIFY(process.exitCode() != 0);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains("Unauthorized") || err.contains("provide credentials"), qPrintable(err));
    }

    void createAndDelete_fromManifest() {
        const QString manifest = m_dir.filePath("svc.yaml");
        QFile file(manifest);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: made\nspec:\n  template:\n"
                   "    spec:\n      containers:\n        - image: local/010.sleep:python\n");
        file.close();
        const auto created = kubectl({"create", "--validate=false", "-f", manifest});
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        QVERIFY2(created.out.contains("service.serving.knative.dev/made created"), qPrintable(created.out));
        QVERIFY(onIo([this] { return m_store.get(resource("services"), "default", "made").has_value(); }));

        const auto invalid = kubectl({"create", "--validate=false", "-f", manifest});
        QVERIFY(invalid.exitCode != 0);
        QVERIFY2(invalid.err.contains("AlreadyExists"), qPrintable(invalid.err));

        const auto deleted = kubectl({"delete", "ksvc", "made"});
        QVERIFY2(deleted.exitCode == 0, qPrintable(deleted.err));
        QVERIFY2(deleted.out.contains("\"made\" deleted"), qPrintable(deleted.out));
        QVERIFY(!onIo([this] { return m_store.get(resource("services"), "default", "made").has_value(); }));
    }

    void watchPods_streamsChanges() {
        QProcess process;
        process.start(m_kubectl, {"--kubeconfig", m_kubeconfig, "get", "pods", "-w", "--request-timeout=20s"});
        QString out;
        const auto waitFor = [&](const QString& text) {
            QDeadlineTimer deadline(15000);
            while (!out.contains(text) && !deadline.hasExpired()) {
                process.waitForReadyRead(100);
                out += QString::fromUtf8(process.readAllStandardOutput());
            }
            return out.contains(text);
        };
        QVERIFY2(waitFor("other-00001-a"), qPrintable(out + QString::fromUtf8(process.readAllStandardError())));
        // kubectl prints the list first, then opens the watch from the list's resourceVersion.
        QTRY_VERIFY_WITH_TIMEOUT(onIo([this] { return m_api->openWatches(); }) >= 1, 10000);
        onIo([this] { return m_store.create(resource("pods"), "default", pod("hello-00001-c", "hello")).ok(); });
        QVERIFY2(waitFor("hello-00001-c"), qPrintable(out));
        onIo([this] { return m_store.markDeleting(resource("pods"), "default", "hello-00001-a").ok(); });
        QVERIFY2(waitFor("Terminating"), qPrintable(out));
        process.kill();
        process.waitForFinished();
        QTRY_COMPARE_WITH_TIMEOUT(onIo([this] { return m_api->openWatches(); }), std::size_t(0), 5000);
    }

private:
    void seed() {
        onIo([this] {
            const auto& services = resource("services");
            (void)m_store.create(
                services, "default",
                Json{{"metadata", {{"name", "hello"}}},
                     {"spec", {{"template", {{"spec", {{"containers", {{{"image", "local/010.sleep:python"}}}}}}}}}}});
            (void)m_store.updateStatus(services, "default", "hello",
                                       {{"url", "http://hello.default.127.0.0.1.sslip.io"},
                                        {"latestCreatedRevisionName", "hello-00001"},
                                        {"latestReadyRevisionName", "hello-00001"},
                                        {"observedGeneration", 1},
                                        {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}});
            for (const char* name : {"hello-00001-a", "hello-00001-b"})
                (void)m_store.create(resource("pods"), "default", pod(name, "hello"));
            (void)m_store.create(resource("pods"), "default", pod("other-00001-a", "other"));
            return 0;
        });
    }
};

QTEST_GUILESS_MAIN(TestKubectl)
#include "tst_kubectl.moc"
