// The wrapper contract (benchmarks/README.md) for every benchmark in every language it lists: each
// benchmarks/*/benchmark.yaml is discovered, its wrapper started on an ephemeral loopback port, and its `test` input,
// `invalid` event, non-JSON body and both CloudEvents modes sent to it. Results of the `test` input must agree
// across languages. A language whose runtime is missing skips with the reason.
#include "model/yaml_reader.h"
#include "testutils.h"
#include "wrapper_support.h"

#include <QDateTime>
#include <QDir>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

using namespace faaswb;
using nlohmann::json;

namespace {

constexpr int kRequestTimeoutMs = 30'000;
const QByteArray kJson = "application/json";
const QByteArray kStructured = "application/cloudevents+json";

struct Manifest {
    QString id;
    QStringList languages;
    json testInput;
    std::optional<json> invalid; // absent or null: every JSON event is acceptable
    std::vector<std::string> required;
    std::vector<std::string> vary; // output keys whose values may differ between languages
};

std::vector<std::string> stringList(const std::optional<json>& value) {
    std::vector<std::string> strings;
    if (value && value->is_array())
        for (const auto& item : *value)
            strings.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    return strings;
}

// Reads benchmark.yaml with the same YAML-to-JSON rules the experiment loader uses for inputs.
std::optional<Manifest> readManifest(const QString& path, QString& error) {
    model::YamlReader reader(path.toStdString());
    try {
        const model::Field root = reader.root(YAML::LoadFile(path.toStdString()));
        Manifest manifest;
        manifest.id = QString::fromStdString(reader.text(reader.child(root, "id")).value_or(""));
        for (const auto& language : stringList(reader.json(reader.child(root, "languages"))))
            manifest.languages << QString::fromStdString(language);
        manifest.testInput = reader.json(reader.child(reader.child(root, "inputs"), "test")).value_or(json());
        manifest.invalid = reader.json(reader.child(root, "invalid"));
        if (manifest.invalid && manifest.invalid->is_null())
            manifest.invalid.reset();
        const model::Field output = reader.child(root, "output");
        manifest.required = stringList(reader.json(reader.child(output, "required")));
        manifest.vary = stringList(reader.json(reader.child(output, "vary")));
        for (const auto& issue : reader.takeIssues())
            error += QString::fromStdString(issue.message) + u'\n';
        return error.isEmpty() ? std::optional(manifest) : std::nullopt;
    } catch (const YAML::Exception& e) {
        error = QString::fromStdString(e.what());
        return std::nullopt;
    }
}

std::vector<Manifest> discoverManifests(QString& errors) {
    std::vector<Manifest> manifests;
    const QDir root(test::sourcePath(QStringLiteral("benchmarks")));
    for (const QString& folder : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString path = root.filePath(folder + QStringLiteral("/benchmark.yaml"));
        if (!QFile::exists(path))
            continue;
        QString error;
        if (auto manifest = readManifest(path, error))
            manifests.push_back(std::move(*manifest));
        else
            errors += path + QStringLiteral(": ") + error + u'\n';
    }
    return manifests;
}

using Reply = test::WrapperReply;

// POSTs to / as the platforms' gateways send invocations.
class Client : public test::WrapperClient {
public:
    explicit Client(QString baseUrl)
        : test::WrapperClient(std::move(baseUrl), kRequestTimeoutMs) {}

    Reply post(const QByteArray& body, const std::map<QByteArray, QByteArray>& headers = {{"Content-Type", kJson}}) {
        return send("POST", QStringLiteral("/"), body, headers);
    }
    Reply postJson(const json& value) { return post(QByteArray::fromStdString(value.dump())); }
};

bool hasKeys(const json& value, const std::vector<std::string>& keys, QString& missing) {
    for (const auto& key : keys)
        if (!value.is_object() || !value.contains(key))
            missing += QString::fromStdString(key) + u' ';
    return missing.isEmpty();
}

// Equal JSON, with numbers compared to a relative 1e-6 (the languages' float arithmetic may differ in the last bits).
bool agrees(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) {
        const double x = a.get<double>();
        const double y = b.get<double>();
        return std::abs(x - y) <= 1e-6 * std::max({1.0, std::abs(x), std::abs(y)});
    }
    if (a.type() != b.type() || a.size() != b.size())
        return false;
    if (a.is_object())
        return std::all_of(a.items().begin(), a.items().end(), [&b](const auto& item) {
            return b.contains(item.key()) && agrees(item.value(), b[item.key()]);
        });
    if (a.is_array())
        return std::equal(a.begin(), a.end(), b.begin(), [](const json& x, const json& y) { return agrees(x, y); });
    return a == b;
}

} // namespace

class TestBenchmarks : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QString errors;
        m_manifests = discoverManifests(errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors));
        QVERIFY2(!m_manifests.empty(), "no benchmarks/*/benchmark.yaml found");
    }

    void manifests_data() {
        QTest::addColumn<int>("index");
        for (std::size_t i = 0; i < m_manifests.size(); ++i)
            QTest::addRow("%s", qPrintable(m_manifests[i].id)) << static_cast<int>(i);
    }

    void manifests() {
        QFETCH(int, index);
        const Manifest& manifest = m_manifests.at(static_cast<std::size_t>(index));
        const QString folder = test::sourcePath(QStringLiteral("benchmarks/") + manifest.id);
        QVERIFY2(QFileInfo(folder).isDir(), "the id must equal the folder name");
        QVERIFY2(!manifest.languages.isEmpty(), "languages is empty");
        QVERIFY2(manifest.testInput.is_object(), "inputs.test must be a mapping (the JSON event sent)");
    }

    void contract_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("language");
        for (std::size_t i = 0; i < m_manifests.size(); ++i)
            for (const QString& language : m_manifests[i].languages)
                QTest::addRow("%s/%s", qPrintable(m_manifests[i].id), qPrintable(language))
                    << static_cast<int>(i) << language;
    }

    void contract() {
        QFETCH(int, index);
        QFETCH(QString, language);
        const Manifest& manifest = m_manifests.at(static_cast<std::size_t>(index));
        const auto server = startWrapper(manifest.id, language);
        if (!server)
            return; // skipped or failed inside
        Client client(server->baseUrl());
        for (const auto check : {&TestBenchmarks::checkHealth, &TestBenchmarks::checkInvocations,
                                 &TestBenchmarks::checkRejections, &TestBenchmarks::checkCloudEvents}) {
            (this->*check)(client, manifest, language);
            if (QTest::currentTestFailed())
                return;
        }
    }

    void tracing_data() {
        QTest::addColumn<QString>("language");
        for (const char* language : {"cpp", "python", "nodejs"})
            QTest::addRow("%s", language) << QString::fromLatin1(language);
    }

    // One B3-traced call to 000.noop: the wrapper posts a SERVER span, child of the caller's span, to Zipkin.
    void tracing() {
        QFETCH(QString, language);
        test::CaptureServer collector(nlohmann::json::object(), 202); // a stand-in Zipkin collector
        const auto server =
            startWrapper(QStringLiteral("000.noop"), language, collector.url() + QStringLiteral("api/v2/spans"));
        if (!server)
            return;
        Client client(server->baseUrl());
        const QByteArray traceId = "463ac35c9f6413ad48485a3953bb6124";
        const Reply reply = client.post("{}", {{"Content-Type", kJson},
                                               {"X-B3-TraceId", traceId},
                                               {"X-B3-SpanId", "a2fb4a1d1a96d312"},
                                               {"X-B3-Sampled", "1"}});
        QCOMPARE(reply.status, 200);
        QSignalSpy received(&collector, &test::CaptureServer::requestReceived);
        QVERIFY2(!collector.requests().empty() || received.wait(10'000), "no span reached the collector");
        const json& batch = collector.requests().front().body;
        QVERIFY2(batch.is_array() && !batch.empty(), batch.dump().c_str());
        const json& span = batch.front();
        QCOMPARE(span.value("traceId", ""), traceId.toStdString());
        QCOMPARE(span.value("parentId", ""), std::string("a2fb4a1d1a96d312"));
        QCOMPARE(span.value("name", ""), std::string("function"));
        QCOMPARE(span.value("kind", ""), std::string("SERVER"));
        QCOMPARE(span["localEndpoint"].value("serviceName", ""), std::string("000.noop"));
        QVERIFY(span.value("id", "").size() == 16 && span.value("duration", 0) > 0);
    }

    void consumerDeliveries_data() { tracing_data(); }

    // 711.event-consumer's stats with "deliveries": every delivery since the reset as [id, latency_us] in arrival
    // order (the eventing scenario merges instances and takes percentiles from them); absent unless asked for.
    void consumerDeliveries() {
        QFETCH(QString, language);
        const auto server = startWrapper(QStringLiteral("711.event-consumer"), language);
        if (!server)
            return;
        Client client(server->baseUrl());
        const auto event = [&](const QByteArray& id, const QByteArray& sentUs) {
            std::map<QByteArray, QByteArray> headers{{"Content-Type", kJson},
                                                     {"ce-specversion", "1.0"},
                                                     {"ce-id", id},
                                                     {"ce-source", "/faaswb/tests"},
                                                     {"ce-type", "dev.faaswb.benchmark"}};
            if (!sentUs.isEmpty())
                headers["ce-faaswbsentus"] = sentUs;
            return client.post(R"({"sequence": 1})", headers).status;
        };
        const QByteArray sentUs = QByteArray::number(QDateTime::currentMSecsSinceEpoch() * 1000);
        QCOMPARE(event("e-1", sentUs), 200);
        QCOMPARE(event("e-2", {}), 200);
        QCOMPARE(event("e-1", sentUs), 200);
        const Reply plain = client.postJson({{"stats", true}});
        QVERIFY2(plain.status == 200 && !plain.bodyJson()["result"].contains("deliveries"),
                 plain.describe().constData());
        const Reply stats = client.postJson({{"stats", true}, {"deliveries", true}, {"reset", true}});
        QVERIFY2(stats.status == 200, stats.describe().constData());
        const json answer = stats.bodyJson();
        const json& result = answer["result"];
        QCOMPARE(result["received"], json(3));
        QCOMPARE(result["duplicates"], json(1));
        QCOMPARE(result["deliveries_dropped"], json(0));
        const json& deliveries = result["deliveries"];
        QVERIFY2(deliveries.is_array() && deliveries.size() == 3, stats.describe().constData());
        QCOMPARE(deliveries[0][0], json("e-1"));
        QCOMPARE(deliveries[1][0], json("e-2"));
        QCOMPARE(deliveries[2][0], json("e-1"));
        QVERIFY(deliveries[0][1].is_number_integer() && deliveries[0][1].get<qint64>() >= 0);
        QVERIFY(deliveries[1][1].is_null()); // no send time, no latency
        const Reply after = client.postJson({{"stats", true}, {"deliveries", true}});
        QCOMPARE(after.bodyJson()["result"]["deliveries"], json::array());
        const Reply invalid = client.postJson({{"stats", true}, {"deliveries", "yes"}});
        QVERIFY2(invalid.status == 400, invalid.describe().constData());
    }

private:
    std::unique_ptr<test::ServerProcess> startWrapper(const QString& id, const QString& language,
                                                      const QString& zipkinEndpoint = {}) {
        std::map<QString, QString> extra;
        if (!zipkinEndpoint.isEmpty())
            extra[QStringLiteral("ZIPKIN_ENDPOINT")] = zipkinEndpoint;
        return test::startWrapper(id, language, extra);
    }

    // Each check takes (client, manifest, language); a failed QVERIFY returns from the check only.
    void checkHealth(Client& client, const Manifest&, const QString&) {
        const Reply health = client.get(QStringLiteral("/healthz"));
        QVERIFY2(health.status == 200, health.describe().constData());
        QCOMPARE(health.bodyJson().value("ready", false), true);
        QCOMPARE(client.get(QStringLiteral("/no-such-path")).status, 404);
        QCOMPARE(client.get(QStringLiteral("/")).status, 405);
    }

    void checkInvocations(Client& client, const Manifest& manifest, const QString& language) {
        const Reply first = client.postJson(manifest.testInput);
        QVERIFY2(first.status == 200, first.describe().constData());
        json body = first.bodyJson();
        QString missing;
        QVERIFY2(hasKeys(body, {"result", "begin_us", "end_us", "cold", "instance"}, missing), qPrintable(missing));
        QVERIFY2(hasKeys(body["result"], manifest.required, missing),
                 qPrintable(QStringLiteral("result lacks ") + missing));
        QVERIFY(first.header("X-Faaswb-Handler-Begin-Us").toLongLong() > 0);
        QVERIFY(first.header("X-Faaswb-Handler-Begin-Us").toLongLong() <=
                first.header("X-Faaswb-Handler-End-Us").toLongLong());
        QCOMPARE(first.header("X-Faaswb-Handler-Begin-Us").toLongLong(), body["begin_us"].get<qint64>());
        QCOMPARE(first.header("X-Faaswb-First-Invocation"), QByteArray("1"));
        QCOMPARE(body["cold"], json(true));
        QCOMPARE(first.header("X-Faaswb-Instance").toStdString(), body["instance"].get<std::string>());
        const Reply second = client.postJson(manifest.testInput);
        QVERIFY2(second.status == 200, second.describe().constData());
        QCOMPARE(second.header("X-Faaswb-First-Invocation"), QByteArray("0"));
        QCOMPARE(second.bodyJson()["cold"], json(false));
        checkAgreement(manifest, language, body["result"]);
    }

    // The required outputs of inputs.test must be the same in every language (minus output.vary).
    void checkAgreement(const Manifest& manifest, const QString& language, const json& result) {
        json compared = json::object();
        for (const auto& key : manifest.required)
            if (std::find(manifest.vary.begin(), manifest.vary.end(), key) == manifest.vary.end())
                compared[key] = result.value(key, json());
        const auto [reference, inserted] = m_references.try_emplace(manifest.id, language, compared);
        if (inserted)
            return;
        const QString message = QStringLiteral("%1 answers %2, %3 answered %4")
                                    .arg(language, QString::fromStdString(compared.dump()), reference->second.first,
                                         QString::fromStdString(reference->second.second.dump()));
        QVERIFY2(agrees(compared, reference->second.second), qPrintable(message));
    }

    void checkRejections(Client& client, const Manifest& manifest, const QString&) {
        if (manifest.invalid) {
            const Reply invalid = client.postJson(*manifest.invalid);
            QVERIFY2(invalid.status == 400, invalid.describe().constData());
            QVERIFY2(invalid.bodyJson()["error"].is_string(), invalid.describe().constData());
            const Reply after = client.postJson(manifest.testInput);
            QVERIFY2(after.status == 200, (QByteArray("after the invalid event: ") + after.describe()).constData());
        }
        const Reply notJson = client.post("this is {not json");
        QVERIFY2(notJson.status == 400, notJson.describe().constData());
        QVERIFY2(notJson.bodyJson()["error"].is_string(), notJson.describe().constData());
        QCOMPARE(client.get(QStringLiteral("/healthz")).status, 200);
    }

    void checkCloudEvents(Client& client, const Manifest& manifest, const QString&) {
        QString missing;
        const Reply binary =
            client.post(QByteArray::fromStdString(manifest.testInput.dump()), {{"Content-Type", kJson},
                                                                               {"ce-specversion", "1.0"},
                                                                               {"ce-id", "faaswb-test-1"},
                                                                               {"ce-source", "/faaswb/tests"},
                                                                               {"ce-type", "dev.faaswb.test"}});
        QVERIFY2(binary.status == 200, binary.describe().constData());
        QCOMPARE(binary.header("ce-type"), QByteArray("dev.faaswb.response"));
        QCOMPARE(binary.header("ce-source"), ("/faaswb/" + manifest.id).toUtf8());
        QVERIFY(!binary.header("ce-id").isEmpty() && binary.header("ce-id") != "faaswb-test-1");
        QCOMPARE(binary.header("ce-specversion"), QByteArray("1.0"));
        QVERIFY2(hasKeys(binary.bodyJson()["result"], manifest.required, missing), binary.describe().constData());

        const json envelope{{"specversion", "1.0"},
                            {"id", "faaswb-test-2"},
                            {"source", "/faaswb/tests"},
                            {"type", "dev.faaswb.test"},
                            {"datacontenttype", "application/json"},
                            {"data", manifest.testInput}};
        const Reply structured =
            client.post(QByteArray::fromStdString(envelope.dump()), {{"Content-Type", kStructured}});
        QVERIFY2(structured.status == 200, structured.describe().constData());
        QVERIFY(structured.header("Content-Type").startsWith(kStructured));
        json reply = structured.bodyJson();
        QCOMPARE(reply.value("type", ""), std::string("dev.faaswb.response"));
        QCOMPARE(reply.value("source", ""), "/faaswb/" + manifest.id.toStdString());
        QCOMPARE(reply.value("specversion", ""), std::string("1.0"));
        QVERIFY2(hasKeys(reply["data"]["result"], manifest.required, missing), structured.describe().constData());
    }

    std::vector<Manifest> m_manifests;
    std::map<QString, std::pair<QString, json>> m_references; // benchmark id -> (first language, its outputs)
};

QTEST_GUILESS_MAIN(TestBenchmarks)
#include "tst_benchmarks.moc"
