#include "kube/client.h"
#include "kube/credentials.h"
#include "kube/encoding.h"
#include "kube/kubeconfig.h"

#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

using namespace faaswb;

namespace {

const char* const twoContexts = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example:6443
    certificate-authority: certs/ca.crt
- name: prod-cluster
  cluster:
    server: https://prod.example:6443
    certificate-authority-data: %1
    tls-server-name: api.prod.internal
    proxy-url: http://proxy.example:3128
    insecure-skip-tls-verify: false
users:
- name: dev-user
  user:
    token: s3cr3t-token
- name: prod-user
  user:
    client-certificate: ../shared/client.crt
    client-key: ~/keys/client.key
    username: admin
    password: hunter2
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user}
- name: prod
  context: {cluster: prod-cluster, user: prod-user, namespace: bench}
)";

// The exec plugin fixture: counts its runs, records what it was given, prints a token numbered by the run.
const char* const pluginScript = R"(#!/bin/sh
dir=$(dirname "$0")
n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$dir/count"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/exec-info.json"
printf '%s' "$FOO" > "$dir/foo"
printf '%s' "$1" > "$dir/arg1"
if [ -n "$FAIL" ]; then echo "please run 'cloud login' first" >&2; exit 3; fi
if [ -n "$GARBAGE" ]; then echo "not json, but secret-ish stuff"; exit 0; fi
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"tok-%s","expirationTimestamp":"%s"}}\n' \
  "$VERSION" "$n" "$EXPIRY"
)";

// A user whose exec plugin is the fixture above; %1 CA data, %2 apiVersion, %3 expiry, %4 extra env entries.
const char* const execTemplate = R"(current-context: c
clusters:
- name: k
  cluster:
    server: https://k.example
    certificate-authority-data: %1
users:
- name: u
  user:
    exec:
      apiVersion: %2
      command: ../plugin/get-token
      args: [first-arg]
      interactiveMode: Never
      provideClusterInfo: true
      installHint: install get-token from example.com
      env:
      - {name: FOO, value: bar}
      - {name: VERSION, value: %2}
      - {name: EXPIRY, value: "%3"}
%4contexts:
- name: c
  context: {cluster: k, user: u}
)";

class Fixture {
public:
    Fixture() { QVERIFY(m_dir.isValid()); }
    QString path(const QString& name) const { return m_dir.filePath(name); }
    std::string stdPath(const QString& name) const { return path(name).toStdString(); }

    void write(const QString& name, const QByteArray& text) const {
        QDir().mkpath(QFileInfo(path(name)).absolutePath());
        QFile file(path(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text);
    }
    QByteArray read(const QString& name) const {
        QFile file(path(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    Result<kube::Kubeconfig> load(const QString& yaml) const {
        write(QStringLiteral("kube/config"), yaml.toUtf8());
        return kube::Kubeconfig::load(stdPath(QStringLiteral("kube/config")));
    }
    void writePlugin() const {
        write(QStringLiteral("plugin/get-token"), pluginScript);
        QFile::setPermissions(path(QStringLiteral("plugin/get-token")),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    // A kubeconfig whose user runs the plugin fixture with extra env entries.
    QString execConfig(const QString& version, const QString& expiry, const QString& extraEnv = {}) const {
        return QString::fromLatin1(execTemplate)
            .arg(QString::fromStdString(kube::base64Encode("CA PEM")), version, expiry, extraEnv);
    }
    int runs() const { return read(QStringLiteral("plugin/count")).trimmed().toInt(); }

private:
    QTemporaryDir m_dir;
};

QString message(const Error& error) {
    return QString::fromStdString(error.message);
}

const QString v1 = QStringLiteral("client.authentication.k8s.io/v1");
const QString future = QStringLiteral("2999-01-01T00:00:00Z");

} // namespace

class TestKubeconfig : public QObject {
    Q_OBJECT
private slots:
    void currentAndNamedContexts() {
        Fixture fixture;
        const auto config = fixture.load(QString::fromLatin1(twoContexts).arg("Q0EgUEVN"));
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->currentContext(), std::string("dev"));
        QCOMPARE(config->contextNames(), (std::vector<std::string>{"dev", "prod"}));
        const auto dev = config->context();
        QVERIFY(dev.ok());
        QCOMPARE(dev->name, std::string("dev"));
        QCOMPARE(dev->namespaceName, std::string("default"));
        QCOMPARE(dev->cluster.server, std::string("https://dev.example:6443"));
        QCOMPARE(dev->user.token, std::string("s3cr3t-token"));
        QVERIFY(!dev->cluster.insecureSkipTlsVerify);
        const auto prod = config->context("prod");
        QVERIFY(prod.ok());
        QCOMPARE(prod->namespaceName, std::string("bench"));
        QCOMPARE(prod->cluster.tlsServerName, std::string("api.prod.internal"));
        QCOMPARE(prod->cluster.proxyUrl, std::string("http://proxy.example:3128"));
        QCOMPARE(prod->user.username, std::string("admin"));
        QCOMPARE(prod->sourceFile, fixture.stdPath(QStringLiteral("kube/config")));
    }
    void relativePathsAndHome() {
        Fixture fixture;
        const QByteArray home = qgetenv("HOME");
        qputenv("HOME", fixture.path(QStringLiteral("home")).toUtf8());
        const auto config = fixture.load(QString::fromLatin1(twoContexts).arg("Q0EgUEVN"));
        qputenv("HOME", home);
        QVERIFY(config.ok());
        QCOMPARE(config->context("dev")->cluster.certificateAuthority,
                 fixture.stdPath(QStringLiteral("kube/certs/ca.crt")));
        const auto prod = config->context("prod");
        QCOMPARE(prod->user.clientCertificate, fixture.stdPath(QStringLiteral("shared/client.crt")));
        QCOMPARE(prod->user.clientKey, fixture.stdPath(QStringLiteral("home/keys/client.key")));
    }
    void base64Data() {
        Fixture fixture;
        const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        const auto config =
            fixture.load(QString::fromLatin1(twoContexts).arg(QString::fromStdString(kube::base64Encode(pem))));
        QVERIFY(config.ok());
        QCOMPARE(config->context("prod")->cluster.certificateAuthorityPem, pem);
    }
    void badBase64NamesFieldNotValue() {
        Fixture fixture;
        const auto config = fixture.load(QString::fromLatin1(twoContexts).arg("not*base64*KEYMATERIAL"));
        QVERIFY(!config.ok());
        QCOMPARE(config.error().code, ErrorCode::InvalidInput);
        QVERIFY2(message(config.error()).contains(QStringLiteral("config:12:")), config.error().message.c_str());
        QVERIFY(message(config.error()).contains(QStringLiteral("clusters[1].cluster.certificate-authority-data")));
        QVERIFY(!message(config.error()).contains(QStringLiteral("KEYMATERIAL")));
    }
    // Files a kubeconfig names but that cannot be read fail when the client is made, naming the field and the file.
    void missingFilesNameTheField_data() {
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("file");
        QTest::addRow("certificate-authority") << "dev"
                                               << "cluster 'dev-cluster'.certificate-authority"
                                               << "kube/certs/ca.crt";
        QTest::addRow("client-certificate") << "prod"
                                            << "user 'prod-user'.client-certificate"
                                            << "shared/client.crt";
        QTest::addRow("client-key") << "prod"
                                    << "user 'prod-user'.client-key"
                                    << "home/keys/client.key";
    }
    void missingFilesNameTheField() {
        QFETCH(QString, context);
        QFETCH(QString, field);
        QFETCH(QString, file);
        Fixture fixture;
        const QByteArray home = qgetenv("HOME");
        qputenv("HOME", fixture.path(QStringLiteral("home")).toUtf8());
        QVERIFY(fixture.load(QString::fromLatin1(twoContexts).arg("Q0EgUEVN")).ok()); // writes kube/config
        // Every file but the one under test exists.
        for (const QString& present : {QStringLiteral("kube/certs/ca.crt"), QStringLiteral("shared/client.crt"),
                                       QStringLiteral("home/keys/client.key")})
            if (present != file)
                fixture.write(present, "PEM");
        const auto client =
            kube::KubeClient::fromKubeconfig(fixture.stdPath(QStringLiteral("kube/config")), context.toStdString());
        qputenv("HOME", home);
        QVERIFY(!client.ok());
        QCOMPARE(client.error().code, ErrorCode::InvalidInput);
        QVERIFY2(message(client.error()).contains(field), client.error().message.c_str());
        QVERIFY(message(client.error()).contains(fixture.path(file)));
        QVERIFY(message(client.error()).contains(QStringLiteral("No such file")));
        QVERIFY(message(client.error()).contains(QStringLiteral("context '") + context + QLatin1Char('\'')));
    }
    void presentFilesMakeAClient() {
        Fixture fixture;
        QVERIFY(fixture.load(QString::fromLatin1(twoContexts).arg("Q0EgUEVN")).ok());
        fixture.write(QStringLiteral("kube/certs/ca.crt"), "PEM");
        QVERIFY(kube::KubeClient::fromKubeconfig(fixture.stdPath(QStringLiteral("kube/config")), "dev").ok());
    }
    void badBase64InUserData_data() {
        QTest::addColumn<QString>("field");
        QTest::addRow("client-certificate-data") << "client-certificate-data";
        QTest::addRow("client-key-data") << "client-key-data";
    }
    void badBase64InUserData() {
        QFETCH(QString, field);
        Fixture fixture;
        const auto config = fixture.load(QStringLiteral("current-context: c\nclusters:\n- name: k\n  cluster: "
                                                        "{server: https://k.example}\nusers:\n- name: u\n  user:\n"
                                                        "    %1: '@@KEYMATERIAL@@'\ncontexts:\n- name: c\n"
                                                        "  context: {cluster: k, user: u}\n")
                                             .arg(field));
        QVERIFY(!config.ok());
        QCOMPARE(config.error().code, ErrorCode::InvalidInput);
        QVERIFY2(message(config.error()).contains(QStringLiteral("users[0].user.") + field),
                 config.error().message.c_str());
        QVERIFY(message(config.error()).contains(fixture.path(QStringLiteral("kube/config"))));
        QVERIFY(!message(config.error()).contains(QStringLiteral("KEYMATERIAL")));
    }
    void tokenFileIsReread() {
        Fixture fixture;
        fixture.write(QStringLiteral("kube/token"), "first-token\n");
        const auto config = fixture.load(
            QStringLiteral("current-context: c\nclusters: [{name: k, cluster: {server: 'http://127.0.0.1:1'}}]\n"
                           "users: [{name: u, user: {token: static, tokenFile: token}}]\n"
                           "contexts: [{name: c, context: {cluster: k, user: u}}]\n"));
        QVERIFY(config.ok());
        kube::CredentialSource source(*config->context());
        QVERIFY(source.refreshable());
        QCOMPARE(source.credentials()->bearerToken, std::string("first-token"));
        fixture.write(QStringLiteral("kube/token"), "second-token");
        QCOMPARE(source.credentials()->bearerToken, std::string("second-token"));
        QFile::remove(fixture.path(QStringLiteral("kube/token")));
        const auto missing = source.credentials();
        QVERIFY(!missing.ok());
        QVERIFY(message(missing.error()).contains(QStringLiteral("tokenFile")));
    }
    void missingCurrentContext() {
        Fixture fixture;
        const auto config = fixture.load(
            QStringLiteral("clusters: [{name: k, cluster: {server: 'https://k'}}]\n"
                           "contexts: [{name: one, context: {cluster: k}}, {name: two, context: {cluster: k}}]\n"));
        QVERIFY(config.ok());
        const auto context = config->context();
        QVERIFY(!context.ok());
        QCOMPARE(context.error().code, ErrorCode::InvalidInput);
        QVERIFY2(message(context.error()).contains(QStringLiteral("current-context is not set")),
                 context.error().message.c_str());
        QVERIFY(message(context.error()).contains(QStringLiteral("one, two")));
        QVERIFY(config->context("two").ok()); // no user: anonymous, as kubectl
    }
    void unknownContextListsKnown() {
        Fixture fixture;
        const auto config = fixture.load(QString::fromLatin1(twoContexts).arg("Q0EgUEVN"));
        const auto context = config->context("staging");
        QVERIFY(!context.ok());
        QVERIFY2(message(context.error()).contains(QStringLiteral("no context named 'staging' (known: dev, prod)")),
                 context.error().message.c_str());
    }
    void unknownClusterAndMissingServer() {
        Fixture fixture;
        const auto config = fixture.load(QStringLiteral(
            "clusters:\n- name: empty\n  cluster: {insecure-skip-tls-verify: true}\n"
            "contexts:\n- name: a\n  context: {cluster: nowhere}\n- name: b\n  context: {cluster: empty}\n"));
        QVERIFY(config.ok());
        const auto a = config->context("a");
        QVERIFY(!a.ok());
        QVERIFY2(message(a.error()).contains(QStringLiteral("config:6:12: contexts[0].context.cluster: no cluster "
                                                            "named 'nowhere' (known: empty)")),
                 a.error().message.c_str());
        const auto b = config->context("b");
        QVERIFY(!b.ok());
        QVERIFY2(message(b.error()).contains(QStringLiteral("clusters[0].cluster.server: missing")),
                 b.error().message.c_str());
    }
    void malformedYaml_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::addRow("unclosed flow") << "current-context: a\nclusters:\n- name: x\n  cluster: {server: [\n"
                                       << "config:5:";
        QTest::addRow("bad indentation") << "current-context: a\n  users: 3\n bad"
                                         << "config:2:";
        QTest::addRow("wrong type")
            << "clusters:\n- name: k\n  cluster:\n    insecure-skip-tls-verify: maybe\n"
            << "config:4:31: clusters[0].cluster.insecure-skip-tls-verify: expected true or false";
        QTest::addRow("list expected") << "users: {name: u}\n"
                                       << "config:1:8: users: expected a list";
        QTest::addRow("exec v1alpha1")
            << "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}\n"
            << "users[0].user.exec.apiVersion: expected client.authentication.k8s.io/v1";
        QTest::addRow("exec v1 needs interactiveMode")
            << "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: x}\n"
            << "users[0].user.exec.interactiveMode: required";
        QTest::addRow("exec without command")
            << "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1}\n"
            << "users[0].user.exec.command: missing";
    }
    void malformedYaml() {
        QFETCH(QString, yaml);
        QFETCH(QString, expected);
        Fixture fixture;
        const auto config = fixture.load(yaml);
        QVERIFY(!config.ok());
        QCOMPARE(config.error().code, ErrorCode::InvalidInput);
        QVERIFY2(message(config.error()).contains(expected), config.error().message.c_str());
    }
    void unreadableFile() {
        const auto config = kube::Kubeconfig::load("/nonexistent/kubeconfig");
        QVERIFY(!config.ok());
        QVERIFY(message(config.error()).contains(QStringLiteral("/nonexistent/kubeconfig")));
    }
    void execPluginCachesUntilExpiry() {
        Fixture fixture;
        fixture.writePlugin();
        const auto config = fixture.load(fixture.execConfig(v1, future));
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->context()->user.exec->command, fixture.stdPath(QStringLiteral("plugin/get-token")));
        kube::CredentialSource source(*config->context());
        const auto first = source.credentials();
        QVERIFY2(first.ok(), first.ok() ? "" : first.error().message.c_str());
        QCOMPARE(first->bearerToken, std::string("tok-1"));
        QCOMPARE(source.credentials()->bearerToken, std::string("tok-1"));
        QCOMPARE(fixture.runs(), 1);
        source.invalidateCredentials();
        QCOMPARE(source.credentials()->bearerToken, std::string("tok-2"));
        QCOMPARE(fixture.runs(), 2);
    }
    void execPluginRerunsWhenExpired() {
        Fixture fixture;
        fixture.writePlugin();
        const auto config = fixture.load(fixture.execConfig(v1, QStringLiteral("2001-01-01T00:00:00.5+01:00")));
        kube::CredentialSource source(*config->context());
        QCOMPARE(source.credentials()->bearerToken, std::string("tok-1"));
        QCOMPARE(source.credentials()->bearerToken, std::string("tok-2"));
        QCOMPARE(fixture.runs(), 2);
    }
    void execPluginEnvironment() {
        Fixture fixture;
        fixture.writePlugin();
        const QString v1beta1 = QStringLiteral("client.authentication.k8s.io/v1beta1");
        const auto config = fixture.load(fixture.execConfig(v1beta1, future));
        kube::CredentialSource source(*config->context());
        QVERIFY(source.credentials().ok());
        QCOMPARE(fixture.read(QStringLiteral("plugin/foo")), QByteArray("bar"));
        QCOMPARE(fixture.read(QStringLiteral("plugin/arg1")), QByteArray("first-arg"));
        const auto info =
            nlohmann::json::parse(fixture.read(QStringLiteral("plugin/exec-info.json")).toStdString(), nullptr, false);
        QVERIFY(info.is_object());
        QCOMPARE(info["apiVersion"], nlohmann::json(v1beta1.toStdString()));
        QCOMPARE(info["kind"], nlohmann::json("ExecCredential"));
        QCOMPARE(info["spec"]["interactive"], nlohmann::json(false));
        QCOMPARE(info["spec"]["cluster"]["server"], nlohmann::json("https://k.example"));
        QCOMPARE(info["spec"]["cluster"]["certificate-authority-data"], nlohmann::json(kube::base64Encode("CA PEM")));
    }
    void execPluginFailure() {
        Fixture fixture;
        fixture.writePlugin();
        const auto config =
            fixture.load(fixture.execConfig(v1, future, QStringLiteral("      - {name: FAIL, value: '1'}\n")));
        kube::CredentialSource source(*config->context());
        const auto credentials = source.credentials();
        QVERIFY(!credentials.ok());
        QCOMPARE(credentials.error().code, ErrorCode::Platform);
        QVERIFY2(message(credentials.error()).contains(QStringLiteral("exit code 3")),
                 credentials.error().message.c_str());
        QVERIFY(message(credentials.error()).contains(QStringLiteral("please run 'cloud login' first")));
    }
    void execPluginGarbageIsNotQuoted() {
        Fixture fixture;
        fixture.writePlugin();
        const auto config =
            fixture.load(fixture.execConfig(v1, future, QStringLiteral("      - {name: GARBAGE, value: '1'}\n")));
        kube::CredentialSource source(*config->context());
        const auto credentials = source.credentials();
        QVERIFY(!credentials.ok());
        QVERIFY2(message(credentials.error()).contains(QStringLiteral("no ExecCredential JSON")),
                 credentials.error().message.c_str());
        QVERIFY(!message(credentials.error()).contains(QStringLiteral("secret-ish")));
    }
    void execPluginMissing() {
        Fixture fixture;
        const auto config = fixture.load(fixture.execConfig(v1, future));
        kube::CredentialSource source(*config->context());
        const auto credentials = source.credentials();
        QVERIFY(!credentials.ok());
        QVERIFY2(message(credentials.error()).contains(QStringLiteral("install get-token from example.com")),
                 credentials.error().message.c_str());
    }
    void execCredentialParsing() {
        const std::string version = "client.authentication.k8s.io/v1";
        auto parsed = kube::parseExecCredential(
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
                "status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}})",
            version);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->clientKeyPem, std::string("KEY"));
        QVERIFY(!parsed->expiration);
        QVERIFY(!kube::parseExecCredential(
                     R"({"apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"t"}})", version)
                     .ok());
        QVERIFY(!kube::parseExecCredential(
                     R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"clientKeyData":"K"}})", version)
                     .ok());
        QVERIFY(!kube::parseExecCredential(R"({"apiVersion":"client.authentication.k8s.io/v1","status":{}})", version)
                     .ok());
    }
    void rfc3339() {
        using namespace std::chrono;
        const auto epochPlusDay = kube::parseRfc3339("1970-01-02T00:00:00Z");
        QVERIFY(epochPlusDay);
        QCOMPARE(duration_cast<seconds>(epochPlusDay->time_since_epoch()).count(), qint64(86400));
        QCOMPARE(
            duration_cast<seconds>(kube::parseRfc3339("1970-01-02T02:00:00.123+02:00")->time_since_epoch()).count(),
            qint64(86400));
        QCOMPARE(*kube::parseRfc3339("9999-12-31T23:59:59Z"), std::chrono::system_clock::time_point::max());
        QVERIFY(!kube::parseRfc3339("tomorrow"));
        QVERIFY(!kube::parseRfc3339("2024-13-01T00:00:00Z"));
        QVERIFY(!kube::parseRfc3339("2024-01-01T00:00:00"));
    }
};

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
