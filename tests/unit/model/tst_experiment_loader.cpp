#include "model/experiment_loader.h"
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>
#include <cmath>
#include <numbers>

using namespace faaswb;
using namespace faaswb::model;
using namespace std::chrono_literals;

namespace {

// One "# expect: LINE:COLUMN: message" line at the top of a malformed file per issue the loader must report.
struct ExpectedIssue {
    int line = 0;
    int column = 0;
    QString message;
};

QList<ExpectedIssue> readExpectations(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    static const QRegularExpression pattern(QStringLiteral("^# expect: (\\d+):(\\d+): (.+)$"));
    QList<ExpectedIssue> expected;
    while (!file.atEnd()) {
        const auto match = pattern.match(QString::fromUtf8(file.readLine()).trimmed());
        if (!match.hasMatch())
            break;
        expected.append({match.captured(1).toInt(), match.captured(2).toInt(), match.captured(3)});
    }
    return expected;
}

QString describe(const std::vector<ValidationIssue>& issues) {
    QString text;
    for (const ValidationIssue& issue : issues)
        text += QString::fromStdString(issue.format()) + QLatin1Char('\n');
    return text;
}

QStringList yamlFilesIn(const QString& relativeDir) {
    const QDir dir(test::sourcePath(relativeDir));
    QStringList paths;
    for (const QString& name : dir.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name))
        paths.append(dir.filePath(name));
    return paths;
}

// The YAML snippets below avoid "//" inside double quotes: moc mistakes it for a comment in a raw string.
LoadReport loadText(const char* text) {
    return loadExperimentText(text, "inline.yaml");
}

Experiment loadValid(const char* text) {
    LoadReport report = loadText(text);
    if (!report.experiment)
        qWarning("%s", qPrintable(describe(report.issues)));
    return report.experiment.value_or(Experiment{});
}

const char* const kMinimal = R"(
name: minimal
benchmarks:
  - {id: 010.sleep, languages: [python]}
scenarios:
  - {name: warm, type: warm-latency, rate: 10, duration: 5s}
)";

} // namespace

class TestExperimentLoader : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        qunsetenv("FAASWB_TEST_SURELY_UNSET_VARIABLE");
        qunsetenv("FAASWB_DEMO_URL");
    }

    void malformedCorpusCoversTheCases() {
        QVERIFY2(yamlFilesIn(QStringLiteral("tests/unit/model/malformed")).size() >= 25,
                 "expected at least 25 golden malformed files");
    }

    void malformedFiles_data() {
        QTest::addColumn<QString>("path");
        for (const QString& path : yamlFilesIn(QStringLiteral("tests/unit/model/malformed")))
            QTest::addRow("%s", qPrintable(QFileInfo(path).fileName())) << path;
    }
    void malformedFiles() {
        QFETCH(QString, path);
        const QList<ExpectedIssue> expected = readExpectations(path);
        QVERIFY2(!expected.isEmpty(), "the file must start with '# expect: LINE:COLUMN: message'");
        const LoadReport report = loadExperimentFile(path.toStdString());
        QVERIFY(!report.experiment);
        const QString got = describe(report.issues);
        QVERIFY2(report.issues.size() == std::size_t(expected.size()), qPrintable(got));
        for (qsizetype i = 0; i < expected.size(); ++i) {
            const ValidationIssue& issue = report.issues[std::size_t(i)];
            QCOMPARE(issue.file, path.toStdString());
            QCOMPARE(issue.where.line, expected[i].line);
            QCOMPARE(issue.where.column, expected[i].column);
            QVERIFY2(QString::fromStdString(issue.message).contains(expected[i].message), qPrintable(got));
            const QString prefix = QStringLiteral("%1:%2:%3: ").arg(path).arg(expected[i].line).arg(expected[i].column);
            QVERIFY(QString::fromStdString(issue.format()).startsWith(prefix));
        }
    }

    void exampleExperimentsLoad_data() {
        QTest::addColumn<QString>("path");
        const QStringList paths = yamlFilesIn(QStringLiteral("resources/experiments"));
        QVERIFY(paths.size() >= 2);
        for (const QString& path : paths)
            QTest::addRow("%s", qPrintable(QFileInfo(path).fileName())) << path;
    }
    void exampleExperimentsLoad() {
        QFETCH(QString, path);
        const LoadReport report = loadExperimentFile(path.toStdString());
        QVERIFY2(report.issues.empty(), qPrintable(describe(report.issues)));
        QVERIFY(report.experiment);
        QCOMPARE(report.experiment->sourcePath, path.toStdString());
    }

    void quickstartValues() {
        const QString path = test::sourcePath(QStringLiteral("resources/experiments/quickstart.yaml"));
        const auto experiment = loadExperiment(path.toStdString());
        QVERIFY2(experiment.ok(), experiment.ok() ? "" : experiment.error().message.c_str());
        QCOMPARE(experiment->name, std::string("quickstart"));
        QCOMPARE(experiment->platform, std::string("demo"));
        const PlatformConfig* platform = experiment->findPlatform("");
        QVERIFY(platform);
        QCOMPARE(platform->type, PlatformType::Http);
        QCOMPARE(platform->url, std::string("http://127.0.0.1:8080/"));
        QCOMPARE(experiment->benchmarks.size(), std::size_t(1));
        QCOMPARE(experiment->benchmarks[0].id, std::string("000.noop"));
        QCOMPARE(experiment->benchmarks[0].languages, std::vector<std::string>{"python"});
        QCOMPARE(experiment->scenarios.size(), std::size_t(2));
        const ScenarioConfig& warm = experiment->scenarios[0];
        QCOMPARE(warm.type, ScenarioType::WarmLatency);
        QCOMPARE(warm.rate.value_or(0), 200.0);
        QVERIFY(warm.duration == Nanos(10s));
        QVERIFY(warm.warmup == Nanos(2s));
        const ScenarioConfig& ramp = experiment->scenarios[1];
        QCOMPARE(ramp.type, ScenarioType::Load);
        QCOMPARE(ramp.stages.size(), std::size_t(2));
        QCOMPARE(ramp.stages[0].fromRps, 50.0);
        QCOMPARE(ramp.stages[0].toRps, 400.0);
        QVERIFY(ramp.stages[0].duration == Nanos(5s));
        QCOMPARE(ramp.stages[1].fromRps, 400.0);
        QCOMPARE(ramp.stages[1].toRps, 400.0);
        QVERIFY(ramp.loadModel().duration() == Nanos(10s));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(experiment->yaml, file.readAll().toStdString());
        QCOMPARE(experiment->sourcePath, path.toStdString());
    }

    void quickstartFollowsDemoUrl() {
        qputenv("FAASWB_DEMO_URL", "http://127.0.0.1:40123/");
        const auto experiment =
            loadExperiment(test::sourcePath(QStringLiteral("resources/experiments/quickstart.yaml")).toStdString());
        qunsetenv("FAASWB_DEMO_URL");
        QVERIFY(experiment.ok());
        QCOMPARE(experiment->findPlatform("demo")->url, std::string("http://127.0.0.1:40123/"));
    }

    void localQuickstartValues() {
        const auto path = test::sourcePath(QStringLiteral("resources/experiments/local-quickstart.yaml"));
        const auto experiment = loadExperiment(path.toStdString());
        QVERIFY2(experiment.ok(), experiment.ok() ? "" : experiment.error().message.c_str());
        QCOMPARE(experiment->platform, std::string("local"));
        QVERIFY(experiment->findPlatform("") && experiment->findPlatform("")->type == PlatformType::Local);
        QCOMPARE(experiment->findPlatform("")->autoscaler.at("stable-window"), std::string("6s"));
        const BenchmarkConfig& sleep = experiment->benchmarks.at(0);
        QCOMPARE(sleep.languages, (std::vector<std::string>{"cpp", "python"}));
        QCOMPARE(sleep.input, nlohmann::json({{"ms", 20}}));
        QCOMPARE(sleep.autoscaling.target.value_or(0), 2.0);
        QVERIFY(!sleep.autoscaling.window); // the platform's stable window applies
        QCOMPARE(sleep.autoscaling.maxScale.value_or(0), 20);
        QCOMPARE(experiment->scenarios.at(1).type, ScenarioType::ColdStart);
        QCOMPARE(experiment->scenarios.at(1).repetitions, 3);
        QCOMPARE(experiment->scenarios.at(2).stages.size(), std::size_t(3));
        QCOMPARE(experiment->scenarios.at(2).stages[2].toRps, 0.0);
    }

    void defaults() {
        const Experiment experiment = loadValid(kMinimal);
        QCOMPARE(experiment.platform, std::string("local"));
        QVERIFY(experiment.findPlatform("local"));
        QVERIFY(!experiment.findPlatform("elsewhere"));
        QCOMPARE(experiment.benchmarks.at(0).method, std::string("POST"));
        QCOMPARE(experiment.benchmarks.at(0).path, std::string("/"));
        QCOMPARE(experiment.benchmarks.at(0).input, nlohmann::json::object());
        QVERIFY(experiment.settings.interval == Nanos(1s));
        QCOMPARE(experiment.settings.httpVersion, std::string("1.1"));
        QVERIFY(experiment.sourcePath.empty());
    }

    void inputConvertsToJsonTypes() {
        qputenv("FAASWB_TEST_INPUT_MS", "25");
        const Experiment experiment = loadValid(R"(
name: input
benchmarks:
  - id: 010.sleep
    languages: [python]
    input:
      count: 20
      negative: -3
      ratio: 1.5
      exponent: 1e3
      enabled: true
      disabled: false
      word: hello
      quotedNumber: "42"
      taggedString: !!str 7
      nothing: ~
      fromEnv: ${FAASWB_TEST_INPUT_MS}
      nested: {list: [1, two, 3.25, false, null], map: {deep: [x]}}
scenarios:
  - {name: warm, type: warm-latency, rate: 10, duration: 5s}
)");
        qunsetenv("FAASWB_TEST_INPUT_MS");
        const nlohmann::json expected = nlohmann::json::parse(R"({
            "count": 20, "negative": -3, "ratio": 1.5, "exponent": 1000.0, "enabled": true, "disabled": false,
            "word": "hello", "quotedNumber": "42", "taggedString": "7", "nothing": null, "fromEnv": 25,
            "nested": {"list": [1, "two", 3.25, false, null], "map": {"deep": ["x"]}}})");
        const nlohmann::json& input = experiment.benchmarks.at(0).input;
        QVERIFY2(input == expected, input.dump().c_str());
        QVERIFY(input["count"].is_number_integer());
        QVERIFY(input["ratio"].is_number_float());
    }

    void environmentExpansion_data() {
        QTest::addColumn<QString>("nameValue");
        QTest::addColumn<bool>("setVariable");
        QTest::addColumn<QString>("expected");
        QTest::addRow("set") << "${FAASWB_TEST_NAME}" << true << "from-env";
        QTest::addRow("set, default ignored") << "${FAASWB_TEST_NAME:-fallback}" << true << "from-env";
        QTest::addRow("unset, default used") << "${FAASWB_TEST_NAME:-fallback}" << false << "fallback";
        QTest::addRow("embedded") << "run-${FAASWB_TEST_NAME:-x}-1" << true << "run-from-env-1";
        QTest::addRow("default with colon") << "${FAASWB_TEST_NAME:-http://h:1/}" << false << "http://h:1/";
        QTest::addRow("escaped") << "$${FAASWB_TEST_NAME}" << true << "${FAASWB_TEST_NAME}";
        QTest::addRow("lone dollar") << "cost$5" << false << "cost$5";
    }
    void environmentExpansion() {
        QFETCH(QString, nameValue);
        QFETCH(bool, setVariable);
        QFETCH(QString, expected);
        if (setVariable)
            qputenv("FAASWB_TEST_NAME", "from-env");
        else
            qunsetenv("FAASWB_TEST_NAME");
        const std::string text = "name: \"" + nameValue.toStdString() + "\"\n" + std::string(kMinimal).substr(14);
        const LoadReport report = loadExperimentText(text, "env.yaml");
        qunsetenv("FAASWB_TEST_NAME");
        QVERIFY2(report.experiment, qPrintable(describe(report.issues)));
        QCOMPARE(QString::fromStdString(report.experiment->name), expected);
    }

    void environmentExpansionErrors_data() {
        QTest::addColumn<QString>("nameValue");
        QTest::addColumn<QString>("message");
        QTest::addRow("unset") << "${FAASWB_TEST_SURELY_UNSET_VARIABLE}"
                               << "name: environment variable 'FAASWB_TEST_SURELY_UNSET_VARIABLE' is not set";
        QTest::addRow("unterminated") << "${FAASWB_TEST_NAME"
                                      << "name: unterminated '${'";
        QTest::addRow("bad name") << "${1ABC}"
                                  << "name: invalid environment variable name '1ABC'";
    }
    void environmentExpansionErrors() {
        QFETCH(QString, nameValue);
        QFETCH(QString, message);
        const std::string text = "name: \"" + nameValue.toStdString() + "\"\n" + std::string(kMinimal).substr(14);
        const LoadReport report = loadExperimentText(text, "env.yaml");
        QCOMPARE(report.issues.size(), std::size_t(1));
        QCOMPARE(report.issues[0].where.line, 1);
        QCOMPARE(report.issues[0].where.column, 7);
        QVERIFY2(QString::fromStdString(report.issues[0].message).startsWith(message),
                 report.issues[0].message.c_str());
    }

    void scenarioFieldsParse() {
        const Experiment experiment = loadValid(R"(
name: fields
benchmarks:
  - {id: 010.sleep, languages: [cpp]}
scenarios:
  - {name: users, type: load, connections: 50, thinkTime: 100ms, requests: 10k, threads: 4, timeout: 2s}
  - {name: poisson, type: load, rate: 1.5k/s, duration: 1m30s, poisson: true}
  - {name: steps, type: autoscaling, rate: 3000/m, duration: 20s}
  - {name: chain, type: workflow-chain, steps: 4, requests: 50}
settings: {interval: 500ms, threads: 2, httpVersion: 2, maxRequestRecords: 1M, insecureSkipTlsVerify: true}
)");
        QCOMPARE(experiment.scenarios.size(), std::size_t(4));
        const ScenarioConfig& users = experiment.scenarios[0];
        QCOMPARE(users.connections.value_or(0), 50);
        QVERIFY(users.thinkTime == Nanos(100ms));
        QCOMPARE(users.requests.value_or(0), std::uint64_t(10'000));
        QCOMPARE(users.threads.value_or(0), 4);
        QVERIFY(users.timeout == Nanos(2s));
        QCOMPARE(experiment.scenarios[1].rate.value_or(0), 1500.0);
        QVERIFY(experiment.scenarios[1].poisson);
        QVERIFY(experiment.scenarios[1].duration == Nanos(90s));
        QCOMPARE(experiment.scenarios[2].rate.value_or(0), 50.0);
        QCOMPARE(experiment.scenarios[3].type, ScenarioType::WorkflowChain);
        QVERIFY(experiment.settings.interval == Nanos(500ms));
        QCOMPARE(experiment.settings.httpVersion, std::string("2"));
        QCOMPARE(experiment.settings.maxRequestRecords, std::size_t(1'000'000));
        QVERIFY(experiment.settings.insecureSkipTlsVerify);
    }

    void scenarioTypeKeysParse() {
        qputenv("FAASWB_TEST_PG_PASSWORD", "secret");
        const QString experimentPath = test::sourcePath(QStringLiteral("resources/experiments/inline.yaml"));
        const LoadReport report = loadExperimentText(R"(
name: types
benchmarks:
  - {id: 010.sleep, languages: [python]}
scenarios:
  - {name: cold, type: cold-start, repetitions: 4, warmRequests: 0, repeat: 5, timeout: 3s}
  - {name: cost, type: perf-cost, repetitions: 2, warmRequests: 7, memory: [128Mi, 1Gi]}
  - name: csv
    type: batch
    source: {csv: ../datasets/tweets.csv}
    sink: {sqlite: ../sink.db, table: verdicts}
    idColumn: tweet_id
    textColumn: body
    limit: 100
    batchSize: 25
    workers: 6
  - name: pg
    type: batch
    source:
      postgres: postgresql://bench:${FAASWB_TEST_PG_PASSWORD}@127.0.0.1/db
      table: reviews
  - {name: chain, type: workflow-chain, steps: 5, mechanism: eventing-serving, payloadSize: 2MB, workMs: 1.5,
     requests: 40, warmupRequests: 0}
  - {name: events, type: eventing, rate: 20, duration: 5s, triggers: 4, consumers: 2, payloadSize: 512, poisson: true}
  - name: replay
    type: trace-replay
    trace: {file: ../traces/azure-sample.csv, function: abc123, minutes: 2, timeScale: 60}
    distribution: uniform
    seed: 42
    threads: 2
  - name: stamps
    type: trace-replay
    trace: {file: ../traces/azure-sample.csv, format: timestamps}
)",
                                                     experimentPath.toStdString());
        qunsetenv("FAASWB_TEST_PG_PASSWORD");
        QVERIFY2(report.experiment, qPrintable(describe(report.issues)));
        const auto& scenarios = report.experiment->scenarios;
        QCOMPARE(scenarios.at(0).coldStart.warmRequests, 0);
        QCOMPARE(scenarios.at(0).repeat, 5);
        QVERIFY(scenarios.at(0).timeout == Nanos(3s));
        QVERIFY(!scenarios.at(0).sweep);
        QCOMPARE(scenarios.at(1).type, ScenarioType::PerfCost);
        QCOMPARE(scenarios.at(1).coldStart.warmRequests, 7);
        QCOMPARE(scenarios.at(1).memorySizes, (std::vector<std::string>{"128Mi", "1Gi"}));
        QCOMPARE(scenarios.at(1).sweep->points.size(), std::size_t(2));
        const BatchConfig& csv = scenarios.at(2).batch;
        QCOMPARE(csv.sourceKind, BatchConfig::SourceKind::Csv);
        QCOMPARE(QString::fromStdString(csv.source),
                 QFileInfo(test::sourcePath(QStringLiteral("resources/datasets/tweets.csv"))).absoluteFilePath());
        QCOMPARE(QString::fromStdString(csv.sink),
                 QFileInfo(test::sourcePath(QStringLiteral("resources/sink.db"))).absoluteFilePath());
        QCOMPARE(csv.sinkTable, std::string("verdicts"));
        QCOMPARE(csv.idColumn, std::string("tweet_id"));
        QCOMPARE(csv.textColumn, std::string("body"));
        QCOMPARE(csv.limit.value_or(0), std::uint64_t(100));
        QCOMPARE(csv.batchSize, 25);
        QCOMPARE(csv.workers, 6);
        const BatchConfig& pg = scenarios.at(3).batch;
        QCOMPARE(pg.sourceKind, BatchConfig::SourceKind::Postgres);
        QCOMPARE(pg.source, std::string("postgresql://bench:${FAASWB_TEST_PG_PASSWORD}@127.0.0.1/db")); // unexpanded
        QCOMPARE(pg.table, std::string("reviews"));
        QVERIFY(pg.sink.empty());
        QCOMPARE(pg.batchSize, 10);
        QCOMPARE(pg.workers, 1);
        const ChainConfig& chain = scenarios.at(4).chain;
        QCOMPARE(chain.steps, 5);
        QCOMPARE(chain.mechanism, ChainConfig::Mechanism::EventingServing);
        QCOMPARE(chainMechanismName(chain.mechanism), "eventing-serving");
        QCOMPARE(chain.payloadBytes, std::uint64_t(2) << 20);
        QCOMPARE(chain.workMs, 1.5);
        QCOMPARE(chain.requests, std::uint64_t(40));
        QCOMPARE(chain.warmupRequests, std::uint64_t(0));
        QVERIFY(!scenarios.at(4).requests);
        const EventingConfig& events = scenarios.at(5).eventing;
        QCOMPARE(events.triggers, 4);
        QCOMPARE(events.consumers, 2);
        QCOMPARE(events.payloadBytes, std::uint64_t(512));
        QVERIFY(scenarios.at(5).poisson);
        const ReplayConfig& replay = scenarios.at(6).replay;
        QCOMPARE(replay.format, ReplayConfig::Format::AzureFunctions);
        QCOMPARE(QString::fromStdString(replay.file),
                 QFileInfo(test::sourcePath(QStringLiteral("resources/traces/azure-sample.csv"))).absoluteFilePath());
        QCOMPARE(replay.function, std::string("abc123"));
        QCOMPARE(replay.minutes.value_or(0), 2);
        QCOMPARE(replay.timeScale, 60.0);
        QCOMPARE(replay.distribution, ReplayConfig::Distribution::Uniform);
        QCOMPARE(replay.seed, std::uint64_t(42));
        QCOMPARE(scenarios.at(7).replay.format, ReplayConfig::Format::Timestamps);
        QCOMPARE(scenarios.at(7).replay.distribution, ReplayConfig::Distribution::Exponential);
        QCOMPARE(scenarios.at(7).replay.seed, std::uint64_t(1));
    }

    void scenarioTypeKeyErrors_data() {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("message");
        QTest::addRow("payload too big") << "{name: s, type: workflow-chain, payloadSize: 1GB}"
                                         << "scenarios[0].payloadSize: expected a size such as 512, 1KB or 2MB (1KB = "
                                            "1024 bytes) of at most 64MB, got '1GB'";
        QTest::addRow("payload unit") << "{name: s, type: eventing, rate: 1, duration: 1s, payloadSize: 2 parsecs}"
                                      << "scenarios[0].payloadSize: expected a size";
        QTest::addRow("mechanism") << "{name: s, type: workflow-chain, mechanism: Direct}"
                                   << "scenarios[0].mechanism: expected one of direct, serving, eventing, "
                                      "eventing-serving, got 'Direct' (did you mean 'direct'?)";
        QTest::addRow("steps") << "{name: s, type: workflow-chain, steps: 21}"
                               << "scenarios[0].steps: expected an integer from 2 to 20, got '21'";
        QTest::addRow("chain requests") << "{name: s, type: workflow-chain, requests: 0}"
                                        << "scenarios[0].requests: expected a whole number >= 1";
        QTest::addRow("triggers") << "{name: s, type: eventing, rate: 1, duration: 1s, triggers: 51}"
                                  << "scenarios[0].triggers: expected an integer from 1 to 50, got '51'";
        QTest::addRow("consumers") << "{name: s, type: eventing, rate: 1, duration: 1s, consumers: 0}"
                                   << "scenarios[0].consumers: expected an integer from 1 to 100, got '0'";
        QTest::addRow("warm requests") << "{name: s, type: cold-start, repetitions: 1, warmRequests: -1}"
                                       << "scenarios[0].warmRequests: expected an integer from 0 to 1000";
        QTest::addRow("memory not a list") << "{name: s, type: perf-cost, repetitions: 1, memory: 128Mi}"
                                           << "scenarios[0].memory: expected a list of memory sizes";
        QTest::addRow("memory repeated") << "{name: s, type: perf-cost, repetitions: 1, memory: [1Gi, 1Gi]}"
                                         << "scenarios[0].memory[1]: duplicate memory size '1Gi'";
        QTest::addRow("batch size") << "{name: s, type: batch, source: {csv: tweets.csv}, batchSize: 0}"
                                    << "scenarios[0].batchSize: expected an integer from 1 to 10000, got '0'";
        QTest::addRow("workers") << "{name: s, type: batch, source: {csv: tweets.csv}, workers: 1001}"
                                 << "scenarios[0].workers: expected an integer from 1 to 1000, got '1001'";
        QTest::addRow("table with csv") << "{name: s, type: batch, source: {csv: tweets.csv, table: t}}"
                                        << "scenarios[0].source.table: 'table' applies only to sqlite and postgres";
        QTest::addRow("sink folder") << "{name: s, type: batch, source: {csv: tweets.csv}, sink: {sqlite: no/s.db}}"
                                     << "scenarios[0].sink.sqlite: the folder of ";
        QTest::addRow("sink without file") << "{name: s, type: batch, source: {csv: tweets.csv}, sink: {table: t}}"
                                           << "scenarios[0].sink: missing required key 'sqlite'";
        QTest::addRow("postgres variable") << "{name: s, type: batch, source: {postgres: '${FAASWB_NO_SUCH_DSN}'}}"
                                           << "scenarios[0].source.postgres: environment variable "
                                              "'FAASWB_NO_SUCH_DSN' is not set";
        QTest::addRow("limit") << "{name: s, type: batch, source: {csv: tweets.csv}, limit: 0}"
                               << "scenarios[0].limit: expected a whole number >= 1";
        QTest::addRow("trace key") << "{name: s, type: trace-replay, trace: {file: tweets.csv, scale: 2}}"
                                   << "scenarios[0].trace: unknown key 'scale'";
        QTest::addRow("trace format") << "{name: s, type: trace-replay, trace: {file: tweets.csv, format: csv}}"
                                      << "scenarios[0].trace.format: expected one of azure, timestamps, got 'csv'";
        QTest::addRow("time scale") << "{name: s, type: trace-replay, trace: {file: tweets.csv, timeScale: 0}}"
                                    << "scenarios[0].trace.timeScale: expected a number above 0";
        QTest::addRow("trace file") << "{name: s, type: trace-replay, trace: {file: nothing.csv}}"
                                    << "scenarios[0].trace.file: no such file: ";
        QTest::addRow("distribution") << "{name: s, type: trace-replay, trace: {file: tweets.csv}, distribution: "
                                         "poisson}"
                                      << "scenarios[0].distribution: expected one of equidistant, uniform, "
                                         "exponential, got 'poisson'";
        QTest::addRow("seed") << "{name: s, type: trace-replay, trace: {file: tweets.csv}, seed: -1}"
                              << "scenarios[0].seed: expected a whole number >= 0";
        QTest::addRow("replay needs trace") << "{name: s, type: trace-replay}"
                                            << "scenarios[0]: a trace-replay scenario needs 'trace'";
        QTest::addRow("batch needs source") << "{name: s, type: batch}"
                                            << "scenarios[0]: a batch scenario needs 'source'";
        QTest::addRow("repeat") << "{name: s, type: cold-start, repetitions: 1, repeat: 1001}"
                                << "scenarios[0].repeat: expected an integer from 1 to 1000, got '1001'";
        QTest::addRow("rate on batch") << "{name: s, type: batch, source: {csv: tweets.csv}, rate: 5}"
                                       << "scenarios[0].rate: 'rate' applies only to warm-latency, concurrency-one, "
                                          "autoscaling, load and eventing scenarios, not to batch";
        QTest::addRow("sine period") << "{name: s, type: autoscaling, stages: [{sine: {mean: 5, amplitude: 1, "
                                        "period: 100ms}, for: 1s}]}"
                                     << "scenarios[0].stages[0].sine.period: expected a duration of at least 160ms";
        QTest::addRow("sine with rate") << "{name: s, type: autoscaling, stages: [{rate: 4, sine: {mean: 5, "
                                           "amplitude: 1, period: 1s}, for: 1s}]}"
                                        << "scenarios[0].stages[0].rate: 'rate' cannot be combined with 'sine'";
        QTest::addRow("sine too many ramps") << "{name: s, type: autoscaling, stages: [{sine: {mean: 5, amplitude: 1, "
                                                "period: 160ms}, for: 24h}]}"
                                             << "scenarios[0].stages[0].sine.period: the period is too short";
        QTest::addRow("sine missing key") << "{name: s, type: autoscaling, stages: [{sine: {mean: 5, amplitude: 1}, "
                                             "for: 1s}]}"
                                          << "scenarios[0].stages[0].sine: missing required key 'period'";
    }
    void scenarioTypeKeyErrors() {
        QFETCH(QString, scenario);
        QFETCH(QString, message);
        // beside resources/datasets/tweets.csv, so `tweets.csv` is an existing file
        const std::string source = test::sourcePath(QStringLiteral("resources/datasets/x.yaml")).toStdString();
        const std::string text = "name: e\nbenchmarks:\n  - {id: 010.sleep, languages: [python]}\nscenarios:\n  - " +
                                 scenario.toStdString() + "\n";
        const LoadReport report = loadExperimentText(text, source);
        QVERIFY(!report.experiment);
        QVERIFY2(report.issues.size() == 1, qPrintable(describe(report.issues)));
        QCOMPARE(report.issues[0].where.line, 5);
        QVERIFY2(QString::fromStdString(report.issues[0].message).startsWith(message),
                 report.issues[0].message.c_str());
    }

    void scenarioTypeNames() {
        QCOMPARE(scenarioTypeName(ScenarioType::TraceReplay), "trace-replay");
        QCOMPARE(scenarioTypeName(ScenarioType::PerfCost), "perf-cost");
        QCOMPARE(chainMechanismName(ChainConfig::Mechanism::Direct), "direct");
        QCOMPARE(chainMechanismName(ChainConfig::Mechanism::Serving), "serving");
        QCOMPARE(chainMechanismName(ChainConfig::Mechanism::Eventing), "eventing");
    }

    void sineStagesBecomeRamps() {
        const Experiment experiment = loadValid(R"(
name: sine
benchmarks:
  - {id: 010.sleep, languages: [cpp]}
scenarios:
  - name: wave
    type: autoscaling
    stages:
      - {rate: 5, for: 1s}
      - {sine: {mean: 100, amplitude: 50, period: 16s}, for: 20500ms}
)");
        const auto& stages = experiment.scenarios.at(0).stages;
        QCOMPARE(stages.size(), std::size_t(1 + 21)); // 20 whole 1 s ramps and one of 0.5 s
        QCOMPARE(stages[0].fromRps, 5.0);
        QCOMPARE(stages[1].fromRps, 100.0);
        QVERIFY(qAbs(stages[4].toRps - 150.0) < 1e-9); // a quarter period: the peak
        QVERIFY(qAbs(stages[12].toRps - 50.0) < 1e-9); // three quarters: the trough
        for (std::size_t i = 2; i < stages.size(); ++i)
            QCOMPARE(stages[i].fromRps, stages[i - 1].toRps); // continuous
        QVERIFY(stages.back().duration == Nanos(500ms));
        QVERIFY(qAbs(stages.back().toRps - (100 + 50 * std::sin(2 * std::numbers::pi * 20.5 / 16))) < 1e-9);
        QVERIFY(experiment.scenarios.at(0).loadModel().duration() == Nanos(21500ms));
    }

    void benchmarkAndPlatformFieldsParse() {
        const Experiment experiment = loadValid(R"(
name: fields
platform: lab
platforms:
  lab:
    type: knative
    kubeconfig: ~/.kube/config
    context: kind
    namespace: bench
    zipkin: http://127.0.0.1:9411
    ingress: http://127.0.0.1:8080
    brokerIngress: http://127.0.0.1:8081
    images: "registry.example/faaswb-{benchmark}:{language}"
    otlpReceiver: 127.0.0.1:4318
    deployTimeout: 5m
    coldStartTimeout: 15m
    coldStartWindow: 6s
  wsk:
    type: openwhisk
    url: https://wsk.example:443
    authKey: 23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP
    insecureSkipTlsVerify: true
    headers: {X-Team: perf}
  api:
    type: http
    url: https://fn.lambda-url.us-east-1.on.aws/
    auth: {type: sigv4, region: us-east-1, service: lambda, accessKeyId: AKIDEXAMPLE, secretAccessKey: s3cr3t}
benchmarks:
  - id: 110.dynamic-html
    languages: [nodejs, python]
    size: small
    method: GET
    path: /render
    headers: {Accept: text/html}
    containerConcurrency: 1
    timeoutSeconds: 60
    memory: 256Mi
    env: {LOG_LEVEL: debug, WORKERS: 4}
    autoscaling:
      metric: rps
      target: 150
      targetUtilizationPercentage: 80
      panicWindowPercentage: 20
      panicThresholdPercentage: 300
      minScale: 1
      maxScale: 0
      initialScale: 2
      activationScale: 3
      scaleDownDelay: 30s
      scaleToZeroPodRetention: 1m
      targetBurstCapacity: -1
scenarios:
  - {name: one, type: concurrency-one, rate: 5, duration: 5s}
)");
        const PlatformConfig* lab = experiment.findPlatform("");
        QVERIFY(lab);
        QCOMPARE(lab->type, PlatformType::Knative);
        QCOMPARE(lab->context, std::string("kind"));
        QCOMPARE(lab->namespaceName, std::string("bench"));
        QCOMPARE(QString::fromStdString(lab->kubeconfig), QDir::homePath() + QStringLiteral("/.kube/config"));
        QCOMPARE(lab->ingress, std::string("http://127.0.0.1:8080"));
        QCOMPARE(lab->brokerIngress, std::string("http://127.0.0.1:8081"));
        QCOMPARE(lab->images, std::string("registry.example/faaswb-{benchmark}:{language}"));
        QCOMPARE(lab->otlpReceiver, std::string("127.0.0.1:4318"));
        QVERIFY(lab->deployTimeout == Nanos(5min));
        QVERIFY(lab->coldStartTimeout == Nanos(15min));
        QVERIFY(lab->coldStartWindow == Nanos(6s));
        const PlatformConfig* wsk = experiment.findPlatform("wsk");
        QCOMPARE(wsk->headers.at("X-Team"), std::string("perf"));
        QCOMPARE(wsk->namespaceName, std::string("_")); // the key's own namespace unless set
        QVERIFY(wsk->authKey.starts_with("23bc46b1-"));
        const AuthConfig& auth = experiment.findPlatform("api")->auth;
        QCOMPARE(auth.type, AuthType::AwsSigV4);
        QCOMPARE(auth.region, std::string("us-east-1"));
        QCOMPARE(auth.service, std::string("lambda"));
        QCOMPARE(auth.accessKeyId, std::string("AKIDEXAMPLE"));
        QCOMPARE(auth.secretAccessKey, std::string("s3cr3t"));
        QVERIFY(auth.sessionToken.empty());
        const BenchmarkConfig& html = experiment.benchmarks.at(0);
        QCOMPARE(html.method, std::string("GET"));
        QCOMPARE(html.env.at("WORKERS"), std::string("4"));
        QCOMPARE(html.memory.value_or(""), std::string("256Mi"));
        QCOMPARE(html.autoscaling.metric.value_or(""), std::string("rps"));
        QCOMPARE(html.autoscaling.maxScale.value_or(-1), 0);
        QCOMPARE(html.autoscaling.targetBurstCapacity.value_or(0), -1.0);
        QVERIFY(html.autoscaling.scaleDownDelay == Nanos(30s));
        QVERIFY(!html.autoscaling.window);
    }

    void allIssuesAreCollectedInFileOrder() {
        const LoadReport report = loadText(R"(name: many
platform: nowhere
benchmarks:
  - {id: x, languages: [java], containerConcurrency: -1}
scenarios:
  - {name: a, type: load, rate: fast}
  - {name: a, type: cold-start, repetitions: 3, bogus: 1}
)");
        QVERIFY(!report.experiment);
        QVERIFY2(report.issues.size() >= 7, qPrintable(describe(report.issues)));
        for (std::size_t i = 1; i < report.issues.size(); ++i)
            QVERIFY(report.issues[i - 1].where.line <= report.issues[i].where.line);
    }

    void loadExperimentJoinsEveryIssue() {
        const QString path = test::sourcePath(QStringLiteral("tests/unit/model/malformed/several_errors.yaml"));
        const auto result = loadExperiment(path.toStdString());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::InvalidInput);
        const QStringList lines = QString::fromStdString(result.error().message).split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3);
        for (const QString& line : lines)
            QVERIFY2(line.startsWith(path + QLatin1Char(':')), qPrintable(line));
    }

    void unreadableFiles_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");
        QTest::addRow("missing") << QDir::temp().filePath(QStringLiteral("faaswb-no-such-file.yaml"))
                                 << "cannot open the file: No such file or directory";
        QTest::addRow("directory") << QDir::tempPath() << "cannot read the file: it is a directory";
    }
    // Binary junk is refused at the first bad byte, with its line and column, before yaml-cpp sees it (a fuzzed file
    // of NUL bytes and invalid UTF-8 used to keep the loader busy for minutes).
    void binaryInputIsNotYaml() {
        const LoadReport nul = loadExperimentText(std::string("name: x\nbench", 13) + '\0' + "marks: []\n", "nul.yaml");
        QVERIFY(!nul.experiment);
        QCOMPARE(nul.issues.size(), std::size_t(1));
        QCOMPARE(nul.issues[0].format(), std::string("nul.yaml:2:6: not a YAML text file: control character 0 (NUL)"));
        const LoadReport utf8 = loadExperimentText("name: caf\xc3\xa9\n# \xff\n", "bad.yaml");
        QVERIFY(!utf8.experiment);
        QCOMPARE(utf8.issues[0].format(), std::string("bad.yaml:2:3: not a YAML text file: invalid UTF-8 (byte 0xff)"));
        QFile hang(test::sourcePath(QStringLiteral("tests/fuzz/regressions/experiment_yaml/timeout-905f6ef1")));
        QVERIFY(hang.open(QIODevice::ReadOnly));
        const LoadReport fuzzed = loadExperimentText(hang.readAll().toStdString(), "fuzzed.yaml");
        QVERIFY(!fuzzed.experiment && !fuzzed.issues.empty());
    }

    void unreadableFiles() {
        QFETCH(QString, path);
        QFETCH(QString, message);
        const LoadReport report = loadExperimentFile(path.toStdString());
        QVERIFY(!report.experiment);
        QCOMPARE(report.issues.size(), std::size_t(1));
        QCOMPARE(report.issues[0].where.line, 0);
        QCOMPARE(QString::fromStdString(report.issues[0].format()), path + QStringLiteral(": ") + message);
    }
};

QTEST_GUILESS_MAIN(TestExperimentLoader)
#include "tst_experiment_loader.moc"
