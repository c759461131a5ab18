// Load requests authenticate as configured (Basic, Bearer, AWS SigV4): checked on what a loopback server received,
// SigV4 by recomputing the signature independently from the received request.
#include "load/load_generator.h"
#include "platform/http_platform.h"
#include "recording_server.h"
#include "testutils.h"

#include <QtTest>
#include <algorithm>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sstream>

using namespace faaswb;
using namespace faaswb::load;

namespace {

class NullSink final : public LoadSink {
public:
    void onInterval(const IntervalSnapshot&, std::vector<RequestRecord>&&) override {}
};

// Sends `count` requests, one after another, and returns the summary.
Result<LoadSummary> send(const RequestSpec& request, std::uint64_t count = 1) {
    LoadModel model = LoadModel::virtualUsers(1, std::chrono::seconds(20));
    model.maxRequests = count;
    LoadOptions options;
    options.threads = 1;
    NullSink sink;
    LoadGenerator generator(request, model, options);
    CancellationToken cancel;
    return generator.run(sink, cancel);
}

std::string hex(const unsigned char* data, std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < size; ++i)
        out += {kDigits[data[i] >> 4], kDigits[data[i] & 0xf]};
    return out;
}

std::string sha256Hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
    return hex(digest, size);
}

std::string hmac(const std::string& key, const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), digest, &size);
    return std::string(reinterpret_cast<const char*>(digest), size);
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, separator);)
        parts.push_back(part);
    return parts;
}

// Header values as SigV4 canonicalises them: trimmed, inner runs of blanks collapsed to one space.
std::string canonicalValue(const std::string& value) {
    std::string out;
    for (char c : value) {
        const bool blank = c == ' ' || c == '\t';
        if (blank && (out.empty() || out.back() == ' '))
            continue;
        out += blank ? ' ' : c;
    }
    if (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

// The parts of "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b,
// Signature=hex".
struct SigV4Header {
    std::string accessKeyId, date, region, service, signedHeaders, signature;
};

std::optional<SigV4Header> parseAuthorization(const std::string& value) {
    const std::string prefix = "AWS4-HMAC-SHA256 ";
    if (value.rfind(prefix, 0) != 0)
        return std::nullopt;
    std::map<std::string, std::string> fields;
    for (std::string part : split(value.substr(prefix.size()), ',')) {
        part.erase(0, part.find_first_not_of(' '));
        const auto equals = part.find('=');
        if (equals != std::string::npos)
            fields[part.substr(0, equals)] = part.substr(equals + 1);
    }
    const auto scope = split(fields["Credential"], '/');
    if (scope.size() != 5 || scope[4] != "aws4_request")
        return std::nullopt;
    return SigV4Header{scope[0], scope[1], scope[2], scope[3], fields["SignedHeaders"], fields["Signature"]};
}

// AWS's "canonical query string": parameters sorted by name (they are already URI-encoded as sent).
std::string canonicalQuery(const std::string& query) {
    auto parameters = split(query, '&');
    for (auto& parameter : parameters)
        if (parameter.find('=') == std::string::npos)
            parameter += '=';
    std::sort(parameters.begin(), parameters.end());
    std::string out;
    for (const auto& parameter : parameters)
        out += (out.empty() ? "" : "&") + parameter;
    return out;
}

// The signature recomputed from the request as received and the secret key (AWS SigV4, "Create a signed request").
std::string expectedSignature(const test::RecordedRequest& request, const SigV4Header& auth,
                              const std::string& secretKey) {
    const auto question = request.target.find('?');
    std::ostringstream canonical;
    canonical << request.method << '\n'
              << request.target.substr(0, question) << '\n'
              << (question == std::string::npos ? "" : canonicalQuery(request.target.substr(question + 1))) << '\n';
    for (const auto& name : split(auth.signedHeaders, ';'))
        canonical << name << ':' << canonicalValue(request.header(name)) << '\n';
    canonical << '\n' << auth.signedHeaders << '\n' << sha256Hex(request.body);
    const std::string scope = auth.date + "/" + auth.region + "/" + auth.service + "/aws4_request";
    const std::string toSign =
        "AWS4-HMAC-SHA256\n" + request.header("x-amz-date") + "\n" + scope + "\n" + sha256Hex(canonical.str());
    std::string key = hmac("AWS4" + secretKey, auth.date);
    for (const std::string& part : {auth.region, auth.service, std::string("aws4_request")})
        key = hmac(key, part);
    const std::string signature = hmac(key, toSign);
    return hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

std::string basicValue(const std::string& user, const std::string& password) {
    return "Basic " + QByteArray::fromStdString(user + ":" + password).toBase64().toStdString();
}

struct Cli {
    int exitCode = -1;
    QString err;
};

Cli runLoadCli(const QStringList& args, const QProcessEnvironment& env) {
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(test::binaryPath(QStringLiteral("faas-workbench")), QStringList{QStringLiteral("load")} + args);
    if (!process.waitForFinished(30'000))
        qFatal("faas-workbench load did not finish");
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardError())};
}

QProcessEnvironment cleanEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"FAASWB_PASSWORD", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
        env.remove(QString::fromLatin1(name));
    return env;
}

} // namespace

class TestHttpAuth : public QObject {
    Q_OBJECT
private slots:
    void basic() {
        test::RecordingServer server;
        RequestSpec request;
        request.url = server.url("/basic");
        request.auth.kind = RequestAuth::Kind::Basic;
        request.auth.username = "alice";
        request.auth.secret = "pa:ss wörd";
        const auto summary = send(request, 3);
        QVERIFY2(summary, summary ? "" : summary.error().message.c_str());
        QCOMPARE(summary->errors, 0u);
        const auto received = server.requests();
        QCOMPARE(received.size(), std::size_t{3});
        for (const auto& r : received)
            QCOMPARE(r.header("authorization"), basicValue("alice", "pa:ss wörd"));
    }

    void bearer() {
        test::RecordingServer server;
        RequestSpec request;
        request.url = server.url("/bearer");
        request.auth.kind = RequestAuth::Kind::Bearer;
        request.auth.secret = "tok-abc.def";
        const auto summary = send(request, 2);
        QVERIFY(summary);
        const auto received = server.requests();
        QCOMPARE(received.size(), std::size_t{2});
        for (const auto& r : received)
            QCOMPARE(r.header("authorization"), std::string("Bearer tok-abc.def"));
    }

    void noAuthSendsNoHeader() {
        test::RecordingServer server;
        RequestSpec request;
        request.url = server.url("/");
        QVERIFY(send(request));
        QCOMPARE(server.requests().at(0).header("authorization"), std::string());
    }

    void sigv4_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("sessionToken");
        QTest::addColumn<bool>("traceHeaders");
        QTest::addRow("POST with session token") << "POST"
                                                 << "{\"n\": 1}"
                                                 << "FwoGZXIvYXdzE+session/token==" << false;
        QTest::addRow("GET without session token") << "GET"
                                                   << ""
                                                   << "" << false;
        QTest::addRow("POST with trace headers") << "POST"
                                                 << "x"
                                                 << "st" << true;
    }

    void sigv4() {
        QFETCH(QString, method);
        QFETCH(QString, body);
        QFETCH(QString, sessionToken);
        QFETCH(bool, traceHeaders);
        test::RecordingServer server;
        RequestSpec request;
        // Unsorted parameters: AWS signs them sorted, which libcurl 7.88 does not do by itself.
        request.url = server.url("/2015-03-31/functions/fn/invocations?Qualifier=live&b=2&a=1");
        request.method = method.toStdString();
        request.body = body.toStdString();
        if (!request.body.empty())
            request.headers.emplace_back("Content-Type", "application/json");
        request.auth.kind = RequestAuth::Kind::AwsSigV4;
        request.auth.username = "AKIDEXAMPLE";
        request.auth.secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        request.auth.sigv4 = "aws:amz:eu-central-1:lambda";
        request.auth.sessionToken = sessionToken.toStdString();
        LoadModel model = LoadModel::virtualUsers(1, std::chrono::seconds(20));
        model.maxRequests = 2;
        LoadOptions options;
        options.threads = 1;
        options.sendTraceHeaders = traceHeaders;
        NullSink sink;
        LoadGenerator generator(request, model, options);
        CancellationToken cancel;
        const auto summary = generator.run(sink, cancel);
        QVERIFY(summary);
        QCOMPARE(summary->errors, 0u);

        const auto received = server.requests();
        QCOMPARE(received.size(), std::size_t{2});
        for (const auto& r : received) {
            QCOMPARE(r.method, request.method);
            QCOMPARE(r.body, request.body);
            const auto auth = parseAuthorization(r.header("authorization"));
            QVERIFY2(auth, r.header("authorization").c_str());
            QCOMPARE(auth->accessKeyId, std::string("AKIDEXAMPLE"));
            QCOMPARE(auth->region, std::string("eu-central-1"));
            QCOMPARE(auth->service, std::string("lambda"));
            QCOMPARE(auth->date, r.header("x-amz-date").substr(0, 8));
            const auto signedHeaders = split(auth->signedHeaders, ';');
            auto isSigned = [&](const char* name) {
                return std::find(signedHeaders.begin(), signedHeaders.end(), name) != signedHeaders.end();
            };
            QVERIFY2(isSigned("host") && isSigned("x-amz-date"), auth->signedHeaders.c_str());
            if (!sessionToken.isEmpty()) {
                QCOMPARE(r.header("x-amz-security-token"), sessionToken.toStdString());
                QVERIFY2(isSigned("x-amz-security-token"), auth->signedHeaders.c_str());
            } else {
                QVERIFY(r.headers.count("x-amz-security-token") == 0);
            }
            if (traceHeaders)
                QVERIFY2(isSigned("x-b3-traceid"), auth->signedHeaders.c_str());
            QCOMPARE(auth->signature, expectedSignature(r, *auth, request.auth.secret));
        }
        // Each request is signed on its own: a different trace id must give a different signature.
        if (traceHeaders)
            QVERIFY(parseAuthorization(received[0].header("authorization"))->signature !=
                    parseAuthorization(received[1].header("authorization"))->signature);
    }

    // The check itself must be able to fail: a wrong key gives a different signature.
    void sigv4CheckRejectsWrongKey() {
        test::RecordingServer server;
        RequestSpec request;
        request.url = server.url("/x");
        request.auth = {RequestAuth::Kind::AwsSigV4, "AKID", "right-key", "aws:amz:us-east-1:lambda", ""};
        QVERIFY(send(request));
        const auto r = server.requests().at(0);
        const auto auth = parseAuthorization(r.header("authorization"));
        QVERIFY(auth);
        QCOMPARE(auth->signature, expectedSignature(r, *auth, "right-key"));
        QVERIFY(auth->signature != expectedSignature(r, *auth, "wrong-key"));
    }

    // The http platform hands its auth to the load engine and keeps every secret out of describe().
    void httpPlatformCarriesAuth() {
        model::PlatformConfig config;
        config.name = "api";
        config.type = model::PlatformType::Http;
        config.url = "https://user:url-pw@example.invalid/fn";
        config.headers = {{"X-Api-Key", "header-key"}};
        config.auth.type = model::AuthType::AwsSigV4;
        config.auth.region = "us-east-1";
        config.auth.service = "lambda";
        config.auth.accessKeyId = "AKIDP";
        config.auth.secretAccessKey = "sig-secret";
        config.auth.sessionToken = "sig-session";
        platform::HttpPlatform http(config);
        CancellationToken cancel;
        const auto deployment =
            http.deploy(platform::FunctionSpec{"fn", "000.noop", "python", "", 0, {}, {}, {}, {}}, cancel);
        QVERIFY(deployment);
        QCOMPARE(int(deployment->auth.kind), int(RequestAuth::Kind::AwsSigV4));
        QCOMPARE(deployment->auth.sigv4, std::string("aws:amz:us-east-1:lambda"));
        QCOMPARE(deployment->auth.username, std::string("AKIDP"));
        QCOMPARE(deployment->auth.secret, std::string("sig-secret"));
        QCOMPARE(deployment->auth.sessionToken, std::string("sig-session"));
        const std::string details = http.describe().details.dump();
        QCOMPARE(details, std::string("{\"auth\":\"sigv4\",\"name\":\"api\",\"tlsVerify\":true,"
                                      "\"url\":\"https://user:<redacted>@example.invalid/fn\"}"));
    }

    void cliBasicFromEnvironment() {
        test::RecordingServer server;
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("FAASWB_PASSWORD"), QStringLiteral("cli-pw"));
        const auto outcome = runLoadCli({QString::fromStdString(server.url("/cli")), QStringLiteral("--connections"),
                                         QStringLiteral("1"), QStringLiteral("--requests"), QStringLiteral("2"),
                                         QStringLiteral("--user"), QStringLiteral("bob")},
                                        env);
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.err));
        const auto received = server.requests();
        QCOMPARE(received.size(), std::size_t{2});
        QCOMPARE(received[0].header("authorization"), basicValue("bob", "cli-pw"));
    }

    void cliSigV4FromEnvironment() {
        test::RecordingServer server;
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIDCLI"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("cli-secret"));
        env.insert(QStringLiteral("AWS_SESSION_TOKEN"), QStringLiteral("cli-session"));
        const auto outcome =
            runLoadCli({QString::fromStdString(server.url("/sig")), QStringLiteral("--connections"),
                        QStringLiteral("1"), QStringLiteral("--requests"), QStringLiteral("1"),
                        QStringLiteral("--aws-sigv4"), QStringLiteral("aws:amz:us-west-2:execute-api")},
                       env);
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.err));
        const auto r = server.requests().at(0);
        const auto auth = parseAuthorization(r.header("authorization"));
        QVERIFY(auth);
        QCOMPARE(auth->service, std::string("execute-api"));
        QCOMPARE(r.header("x-amz-security-token"), std::string("cli-session"));
        QCOMPARE(auth->signature, expectedSignature(r, *auth, "cli-secret"));
    }

    void cliRejectsSecretsInArguments_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::addRow("password in --user") << QStringList{QStringLiteral("--user"), QStringLiteral("bob:pw")}
                                            << QStringLiteral("put the password in the environment variable "
                                                              "FAASWB_PASSWORD");
        QTest::addRow("sigv4 without keys")
            << QStringList{QStringLiteral("--aws-sigv4"), QStringLiteral("aws:amz:us-east-1:lambda")}
            << QStringLiteral("needs the environment variable AWS_ACCESS_KEY_ID");
        QTest::addRow("bad provider") << QStringList{QStringLiteral("--aws-sigv4"), QStringLiteral("lambda")}
                                      << QStringLiteral("is not aws:amz:REGION:SERVICE");
        QTest::addRow("both") << QStringList{QStringLiteral("--user"), QStringLiteral("u"),
                                             QStringLiteral("--aws-sigv4"), QStringLiteral("aws:amz:r:s")}
                              << QStringLiteral("at most one of --user and --aws-sigv4");
    }

    void cliRejectsSecretsInArguments() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto outcome =
            runLoadCli(QStringList{QStringLiteral("http://127.0.0.1:1/"), QStringLiteral("--connections"),
                                   QStringLiteral("1"), QStringLiteral("--duration"), QStringLiteral("1s")} +
                           args,
                       cleanEnvironment());
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.err.contains(message), qPrintable(outcome.err));
    }
};

QTEST_GUILESS_MAIN(TestHttpAuth)
#include "tst_http_auth.moc"
