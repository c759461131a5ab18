// redactSecrets(): secret values in experiment YAML become <redacted>, everything else stays byte for byte.
#include "model/experiment_loader.h"
#include "model/redact.h"

#include <QtTest>

using namespace faaswb;

namespace {

QString redacted(const QString& yaml) {
    return QString::fromStdString(model::redactSecrets(yaml.toStdString()));
}

} // namespace

class TestRedact : public QObject {
    Q_OBJECT
private slots:
    void redacts_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* name, const char* in, const char* out) {
            QTest::addRow("%s", name) << QString::fromUtf8(in) << QString::fromUtf8(out);
        };
        row("plain", "token: abc\n", "token: <redacted>\n");
        row("no newline at end", "password: abc", "password: <redacted>");
        row("comment kept", "  token: abc   # the prod one\n", "  token: <redacted>   # the prod one\n");
        row("single quoted", "token: 'a b''c'\n", "token: '<redacted>'\n");
        row("double quoted", "token: \"a\\\"b\" # x\n", "token: \"<redacted>\" # x\n");
        row("case-insensitive key", "Password: x\nSecretAccessKey: y\n",
            "Password: <redacted>\nSecretAccessKey: <redacted>\n");
        row("every secret key",
            "token: a\npassword: b\nsecretAccessKey: c\nsessionToken: d\nauthKey: e\naccessKeyId: f\n",
            "token: <redacted>\npassword: <redacted>\nsecretAccessKey: <redacted>\nsessionToken: <redacted>\n"
            "authKey: <redacted>\naccessKeyId: <redacted>\n");
        row("other keys untouched", "username: bob\ntype: bearer\nregion: eu-west-1\nurl: http://h:1/\n",
            "username: bob\ntype: bearer\nregion: eu-west-1\nurl: http://h:1/\n");
        row("env reference kept", "token: ${API_TOKEN}\n", "token: ${API_TOKEN}\n");
        row("postgres dsn", "    source: {postgres: 'postgresql://bench:pw1@127.0.0.1/db', table: src}\n",
            "    source: {postgres: '<redacted>', table: src}\n");
        row("postgres dsn from env", "    source: {postgres: \"${PG_DSN}\"}\n",
            "    source: {postgres: \"${PG_DSN}\"}\n");
        row("env default redacted", "token: ${API_TOKEN:-abc}\n", "token: ${API_TOKEN:-<redacted>}\n");
        row("env empty default kept", "token: \"${API_TOKEN:-}\"\n", "token: \"${API_TOKEN:-}\"\n");
        row("literal around reference", "password: pre${P}post\n", "password: <redacted>${P}<redacted>\n");
        row("escaped reference is literal", "token: $${NOT}\n", "token: <redacted>\n");
        row("empty value kept", "password:\nusername: u\n", "password:\nusername: u\n");
        row("empty quoted kept", "password: ''\n", "password: ''\n");
        row("nested block auth",
            "platforms:\n  api:\n    type: http\n    auth:\n      type: basic\n      username: me\n"
            "      password: pw1 # c\n    url: http://x/\n",
            "platforms:\n  api:\n    type: http\n    auth:\n      type: basic\n      username: me\n"
            "      password: <redacted> # c\n    url: http://x/\n");
        row("flow auth", "    auth: {type: bearer, token: abc}\n", "    auth: {type: bearer, token: <redacted>}\n");
        row("flow nested in flow",
            "  t: {type: http, url: 'http://a:1', auth: {type: sigv4, accessKeyId: AK, secretAccessKey: 'S/k+'}}\n",
            "  t: {type: http, url: 'http://a:1', auth: {type: sigv4, accessKeyId: <redacted>, secretAccessKey: "
            "'<redacted>'}}\n");
        row("flow over lines", "auth: {\n  type: bearer,\n  token: abc  # c\n}\n",
            "auth: {\n  type: bearer,\n  token: <redacted>  # c\n}\n");
        row("json style", "{\"auth\": {\"token\": \"abc\", \"type\": \"bearer\"}}\n",
            "{\"auth\": {\"token\": \"<redacted>\", \"type\": \"bearer\"}}\n");
        row("block headers",
            "headers:\n  Authorization: Bearer abc\n  X-Api-Key: k1\n  Accept: text/plain\n  Cookie: s=1\n",
            "headers:\n  Authorization: <redacted>\n  X-Api-Key: <redacted>\n  Accept: text/plain\n  Cookie: "
            "<redacted>\n");
        row("header names", "headers: {x-apikey: a, X-Auth-Token: b, X-Client-Secret: c, X-Password: d, Host: h}\n",
            "headers: {x-apikey: <redacted>, X-Auth-Token: <redacted>, X-Client-Secret: <redacted>, X-Password: "
            "<redacted>, Host: h}\n");
        row("bearer scheme kept before reference", "headers: {Authorization: 'Bearer ${TOKEN}'}\n",
            "headers: {Authorization: 'Bearer ${TOKEN}'}\n");
        row("header-like key outside headers kept", "env:\n  X-Api-Key: k\n", "env:\n  X-Api-Key: k\n");
        row("headers in a sequence item",
            "benchmarks:\n  - id: 000.noop\n    headers:\n      Authorization: abc\n    path: /\n"
            "  - id: 010.sleep\n    Authorization: not-a-header\n",
            "benchmarks:\n  - id: 000.noop\n    headers:\n      Authorization: <redacted>\n    path: /\n"
            "  - id: 010.sleep\n    Authorization: not-a-header\n");
        row("sequence flow item", "benchmarks:\n  - {id: x, headers: {Cookie: c}}\n",
            "benchmarks:\n  - {id: x, headers: {Cookie: <redacted>}}\n");
        row("block scalar", "token: |\n  line1\n\n  line2\nother: 1\n",
            "token: |\n  <redacted>\n\n  <redacted>\nother: 1\n");
        row("folded scalar with comment", "  password: >- # folded\n    abc\n  next: ok\n",
            "  password: >- # folded\n    <redacted>\n  next: ok\n");
        row("value on the next line", "token:\n  abc\nnext: 1\n", "token:\n  <redacted>\nnext: 1\n");
        row("multi-line quoted", "token: \"ab\n  cd\"\nx: 1\n", "token: \"<redacted>\n  <redacted>\"\nx: 1\n");
        row("anchor and alias", "base: &tok abc\nauth: {type: bearer, token: *tok}\n",
            "base: &tok <redacted>\nauth: {type: bearer, token: *tok}\n");
        row("tagged value", "token: !!str 12345\n", "token: !!str <redacted>\n");
        row("crlf", "token: abc\r\nx: 1\r\n", "token: <redacted>\r\nx: 1\r\n");
        row("documents", "---\ntoken: a\n---\nheaders:\n  Cookie: c\n...\n",
            "---\ntoken: <redacted>\n---\nheaders:\n  Cookie: <redacted>\n...\n");
        row("comment lines untouched", "# token: abc\nauth:\n  # password: x\n  password: y\n",
            "# token: abc\nauth:\n  # password: x\n  password: <redacted>\n");
        row("url password", "url: https://me:pw%40x@host:8443/p?q=1 # c\n",
            "url: https://me:<redacted>@host:8443/p?q=1 # c\n");
        row("url password in flow", "t: {url: 'http://me:${PW}@h/'}\n", "t: {url: 'http://me:${PW}@h/'}\n");
        row("url without password", "url: http://me@host/a@b\nzipkin: http://h:9411/\n",
            "url: http://me@host/a@b\nzipkin: http://h:9411/\n");
        row("hash inside value is not a comment", "token: a#b\n", "token: <redacted>\n");
    }

    void redacts() {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(redacted(input), expected);
    }

    void keepsLineStructure() {
        const QString text = QStringLiteral("a: 1\ntoken: |\n  x\n  y\nheaders: {\n  Cookie: \"c\n d\"}\n");
        QCOMPARE(redacted(text).count(u'\n'), text.count(u'\n'));
    }

    void redactedExperimentStillLoads() {
        const std::string yaml =
            "name: r\nplatform: api\nplatforms:\n  api:\n    type: http\n    url: http://127.0.0.1:1/\n"
            "    auth: {type: bearer, token: tok-1}\n    headers: {X-Api-Key: k}\n"
            "benchmarks:\n  - {id: 000.noop, languages: [python]}\n"
            "scenarios:\n  - {name: w, type: warm-latency, rate: 1, duration: 1s}\n";
        const auto report = model::loadExperimentText(model::redactSecrets(yaml), "r.yaml");
        QVERIFY(report.experiment);
        QCOMPARE(report.experiment->platforms.at("api").auth.token, std::string(model::kRedacted));
    }

    void urls() {
        QCOMPARE(model::redactUrl("http://u:p@h:1/x"), std::string("http://u:<redacted>@h:1/x"));
        QCOMPARE(model::redactUrl("http://u@h/x:y@z"), std::string("http://u@h/x:y@z"));
        QCOMPARE(model::redactUrl("http://h:8080/"), std::string("http://h:8080/"));
    }

    void names() {
        QVERIFY(model::isSecretKey("SessionToken"));
        QVERIFY(!model::isSecretKey("username"));
        QVERIFY(model::isSecretHeaderName("Proxy-Authorization"));
        QVERIFY(model::isSecretHeaderName("X-Amz-Security-Token"));
        QVERIFY(!model::isSecretHeaderName("Content-Type"));
    }
};

QTEST_APPLESS_MAIN(TestRedact)
#include "tst_redact.moc"
