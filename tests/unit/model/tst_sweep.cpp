#include "model/experiment_loader.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace faaswb;
using namespace faaswb::model;

namespace {

QString describe(const std::vector<ValidationIssue>& issues) {
    QString text;
    for (const ValidationIssue& issue : issues)
        text += QString::fromStdString(issue.format()) + QLatin1Char('\n');
    return text;
}

const std::string kBenchmarks = R"(name: sweep
benchmarks:
  - id: 010.sleep
    languages: [cpp, python]
    memory: 64Mi
    input: {payload: {size: 0, kind: text}, ms: 5}
    autoscaling: {target: 2, maxScale: 4}
  - {id: 020.cpu, languages: [python]}
scenarios:
)"; // the scenario starts on line 10

LoadReport loadScenarios(const std::string& scenarios) {
    return loadExperimentText(kBenchmarks + scenarios, "sweep.yaml");
}

Experiment loadValid(const std::string& scenarios) {
    LoadReport report = loadScenarios(scenarios);
    if (!report.experiment)
        qWarning("%s", qPrintable(describe(report.issues)));
    return report.experiment.value_or(Experiment{});
}

const Sweep& sweepOf(const Experiment& experiment) {
    static const Sweep none;
    if (experiment.scenarios.empty() || !experiment.scenarios[0].sweep)
        return none;
    return *experiment.scenarios[0].sweep;
}

} // namespace

class TestSweep : public QObject {
    Q_OBJECT
private slots:
    void gridVariesTheLastParameterFastest() {
        const Experiment experiment = loadValid(R"(  - name: grid
    type: load
    duration: 1s
    sweep: {grid: {rate: [10, 20], threads: [1, 2, 4]}}
)");
        const Sweep& sweep = sweepOf(experiment);
        QCOMPARE(sweep.mode, Sweep::Mode::Grid);
        QCOMPARE(sweep.parameters.size(), std::size_t(2));
        QCOMPARE(sweep.parameters[0].path, std::string("rate"));
        QCOMPARE(sweep.parameters[1].values, (std::vector<nlohmann::json>{1, 2, 4}));
        QCOMPARE(sweep.points.size(), std::size_t(6));
        const std::vector<std::pair<double, int>> expected{{10, 1}, {10, 2}, {10, 4}, {20, 1}, {20, 2}, {20, 4}};
        for (std::size_t i = 0; i < expected.size(); ++i) {
            const SweepPoint& point = sweep.points[i];
            QCOMPARE(point.index, int(i));
            QCOMPARE(point.scenario->rate.value_or(0), expected[i].first);
            QCOMPARE(point.scenario->threads.value_or(0), expected[i].second);
            QCOMPARE(point.scenario->name, std::string("grid"));
            QVERIFY(!point.scenario->sweep);
            QCOMPARE(point.values, nlohmann::json({{"rate", expected[i].first}, {"threads", expected[i].second}}));
            QCOMPARE(point.benchmarks.size(), std::size_t(2));
        }
        QCOMPARE(experiment.scenarios[0].rate.value_or(0), 10.0); // the first point's values
    }

    void zipTakesTheIthValuesTogether() {
        const Experiment experiment = loadValid(R"(  - name: chain
    type: workflow-chain
    sweep:
      zip:
        payloadSize: [1KB, 2MB, 10MB]
        mechanism: [direct, serving, eventing-serving]
)");
        const Sweep& sweep = sweepOf(experiment);
        QCOMPARE(sweep.mode, Sweep::Mode::Zip);
        QCOMPARE(sweep.points.size(), std::size_t(3));
        QCOMPARE(sweep.points[0].scenario->chain.payloadBytes, std::uint64_t(1024));
        QCOMPARE(sweep.points[0].scenario->chain.mechanism, ChainConfig::Mechanism::Direct);
        QCOMPARE(sweep.points[1].scenario->chain.payloadBytes, std::uint64_t(2) << 20);
        QCOMPARE(sweep.points[2].scenario->chain.payloadBytes, std::uint64_t(10) << 20);
        QCOMPARE(sweep.points[2].scenario->chain.mechanism, ChainConfig::Mechanism::EventingServing);
        QCOMPARE(sweep.points[2].values, nlohmann::json({{"payloadSize", "10MB"}, {"mechanism", "eventing-serving"}}));
    }

    void benchmarkPathsSetEveryEntry() {
        const Experiment experiment = loadValid(R"(  - name: mem
    type: warm-latency
    rate: 5
    duration: 1s
    sweep:
      grid:
        benchmark.memory: [128Mi, 256Mi]
        benchmark.input.payload.size: [1024, 2048]
        benchmark.autoscaling.target: [5]
        benchmark.containerConcurrency: [1]
)");
        const Sweep& sweep = sweepOf(experiment);
        QCOMPARE(sweep.points.size(), std::size_t(4));
        const SweepPoint& last = sweep.points[3];
        QCOMPARE(last.benchmarks.size(), std::size_t(2));
        for (const BenchmarkConfig& benchmark : last.benchmarks) {
            QCOMPARE(benchmark.memory.value_or(""), std::string("256Mi"));
            QCOMPARE(benchmark.input["payload"]["size"], nlohmann::json(2048));
            QCOMPARE(benchmark.autoscaling.target.value_or(0), 5.0);
            QCOMPARE(benchmark.containerConcurrency, 1);
        }
        const BenchmarkConfig& sleep = last.benchmarks[0];
        QCOMPARE(sleep.id, std::string("010.sleep"));
        QCOMPARE(sleep.input["payload"]["kind"], nlohmann::json("text")); // the rest of the input stays
        QCOMPARE(sleep.input["ms"], nlohmann::json(5));
        QCOMPARE(sleep.autoscaling.maxScale.value_or(0), 4);
        QCOMPARE(sleep.languages, (std::vector<std::string>{"cpp", "python"}));
        QVERIFY(!last.benchmarks[1].autoscaling.maxScale); // created, not copied from the other entry
        QCOMPARE(sweep.points[0].benchmarks[1].memory.value_or(""), std::string("128Mi"));
        QCOMPARE(experiment.benchmarks[0].memory.value_or(""), std::string("64Mi")); // the file's own is untouched
        QCOMPARE(experiment.benchmarks[0].input["payload"]["size"], nlohmann::json(0));
    }

    void languageRestrictsEachBenchmark() {
        const Experiment experiment = loadValid(R"(  - name: lang
    type: warm-latency
    rate: 5
    duration: 1s
    sweep: {grid: {language: [cpp, python]}}
)");
        const Sweep& sweep = sweepOf(experiment);
        QCOMPARE(sweep.points.size(), std::size_t(2));
        QCOMPARE(sweep.points[0].benchmarks[0].languages, std::vector<std::string>{"cpp"});
        QVERIFY(sweep.points[0].benchmarks[1].languages.empty()); // 020.cpu has no cpp: no cell
        QCOMPARE(sweep.points[1].benchmarks[0].languages, std::vector<std::string>{"python"});
        QCOMPARE(sweep.points[1].benchmarks[1].languages, std::vector<std::string>{"python"});
    }

    void perfCostMemoryIsAnImplicitGridParameter() {
        const Experiment experiment = loadValid(R"(  - name: cost
    type: perf-cost
    repetitions: 3
    memory: [128Mi, 256Mi, 1Gi]
)");
        const Sweep& sweep = sweepOf(experiment);
        QCOMPARE(sweep.parameters.size(), std::size_t(1));
        QCOMPARE(sweep.parameters[0].path, std::string("benchmark.memory"));
        QCOMPARE(sweep.points.size(), std::size_t(3));
        QCOMPARE(sweep.points[2].benchmarks[1].memory.value_or(""), std::string("1Gi"));
        QCOMPARE(sweep.points[2].scenario->repetitions, 3);
        QCOMPARE(experiment.scenarios[0].memorySizes, (std::vector<std::string>{"128Mi", "256Mi", "1Gi"}));
    }

    void perfCostMemoryCombinesWithASweep() {
        const Experiment experiment = loadValid(R"(  - name: cost
    type: perf-cost
    repetitions: 3
    memory: [128Mi, 256Mi]
    sweep: {zip: {warmRequests: [1, 5, 9], timeout: [1s, 2s, 3s]}}
)");
        const Sweep& sweep = sweepOf(experiment);
        QCOMPARE(sweep.points.size(), std::size_t(6));
        QCOMPARE(sweep.points[0].values,
                 nlohmann::json({{"benchmark.memory", "128Mi"}, {"warmRequests", 1}, {"timeout", "1s"}}));
        QCOMPARE(sweep.points[2].scenario->coldStart.warmRequests, 9);
        QCOMPARE(sweep.points[3].benchmarks[0].memory.value_or(""), std::string("256Mi"));
        QCOMPARE(sweep.points[3].scenario->coldStart.warmRequests, 1);
    }

    void sweptKeyMayBeTheRequiredOne() {
        const Experiment experiment = loadValid(R"(  - name: rates
    type: warm-latency
    duration: 1s
    rate: 1
    sweep: {grid: {rate: [100, 200]}}
  - name: users
    type: warm-latency
    duration: 1s
    sweep: {grid: {connections: [1, 8]}}
)");
        QCOMPARE(experiment.scenarios.size(), std::size_t(2));
        QCOMPARE(sweepOf(experiment).points[0].scenario->rate.value_or(0), 100.0); // the sweep's value wins
        QCOMPARE(experiment.scenarios[1].sweep->points[1].scenario->connections.value_or(0), 8);
    }

    void thousandPoints() {
        QElapsedTimer timer;
        timer.start();
        const Experiment experiment = loadValid(R"(  - name: big
    type: load
    duration: 1s
    sweep:
      grid:
        rate: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        threads: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        benchmark.memory: [1Mi, 2Mi, 3Mi, 4Mi, 5Mi, 6Mi, 7Mi, 8Mi, 9Mi, 10Mi]
)");
        qInfo("1000 points loaded in %lld ms", static_cast<long long>(timer.elapsed()));
        const Sweep& sweep = sweepOf(experiment);
        QCOMPARE(sweep.points.size(), std::size_t(1000));
        QCOMPARE(sweep.points[999].scenario->rate.value_or(0), 10.0);
        QCOMPARE(sweep.points[999].benchmarks[1].memory.value_or(""), std::string("10Mi"));
        QCOMPARE(sweep.points[123].values, nlohmann::json({{"rate", 2}, {"threads", 3}, {"benchmark.memory", "4Mi"}}));
    }

    void errors_data() {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QStringList>("expected"); // "LINE:COLUMN: message start"
        const QString head = QStringLiteral("  - name: s\n    type: warm-latency\n    rate: 5\n    duration: 1s\n");
        QTest::addRow("bad scenario value")
            << head + "    sweep: {grid: {threads: [2, 0, 3]}}\n"
            << QStringList{"14:33: scenarios[0].sweep.grid.threads[1]: expected an integer from 1 to 256, got '0'"};
        QTest::addRow("bad benchmark value")
            << head + "    sweep:\n      grid:\n        benchmark.memory: [128Mi, lots]\n"
            << QStringList{"16:35: scenarios[0].sweep.grid.benchmark.memory[1]: expected a memory size"};
        QTest::addRow("bad nested benchmark value")
            << head + "    sweep:\n      zip:\n        benchmark.autoscaling.minScale: [1, 2]\n"
                      "        benchmark.autoscaling.maxScale: [3, 1]\n"
            << QStringList{"17:45: scenarios[0].sweep.zip.benchmark.autoscaling.maxScale[1]: expected at least "
                           "minScale (2)"};
        QTest::addRow("zip lengths") << head + "    sweep: {zip: {threads: [1, 2], timeout: [1s]}}\n"
                                     << QStringList{"14:18: scenarios[0].sweep.zip: zip lists must have the same "
                                                    "length: 'threads' has 2 values, 'timeout' has 1"};
        QTest::addRow("empty list") << head + "    sweep: {grid: {threads: []}}\n"
                                    << QStringList{"14:29: scenarios[0].sweep.grid.threads: expected at least one "
                                                   "value, got an empty list"};
        QTest::addRow("no parameter") << head + "    sweep: {zip: {}}\n"
                                      << QStringList{"14:18: scenarios[0].sweep.zip: expected at least one 'PATH: "
                                                     "[values]'"};
        QTest::addRow("name") << head + "    sweep: {grid: {name: [a, b]}}\n"
                              << QStringList{"14:20: scenarios[0].sweep.grid.name: 'name' cannot be swept"};
        QTest::addRow("repeat") << head + "    sweep: {grid: {repeat: [1, 2]}}\n"
                                << QStringList{"14:20: scenarios[0].sweep.grid.repeat: 'repeat' cannot be swept"};
        QTest::addRow("same path twice")
            << head + "    sweep:\n      grid:\n        threads: [1]\n        threads: [2]\n"
            << QStringList{"17:9: scenarios[0].sweep.grid: duplicate key 'threads' (first given on line 16)"};
        QTest::addRow("overlapping paths")
            << head + "    sweep:\n      grid:\n        benchmark.autoscaling: [{target: 1}]\n"
                      "        benchmark.autoscaling.target: [2]\n"
            << QStringList{"17:9: scenarios[0].sweep.grid.benchmark.autoscaling.target: 'benchmark.autoscaling."
                           "target' overlaps 'benchmark.autoscaling', swept already"};
        QTest::addRow("misspelt path") << head + "    sweep: {grid: {thread: [1, 2]}}\n"
                                       << QStringList{"14:20: scenarios[0].sweep.grid.thread: unknown key 'thread' "
                                                      "(did you mean 'threads'?)"};
        QTest::addRow("key of another type")
            << head + "    sweep: {grid: {steps: [2, 3]}}\n"
            << QStringList{"14:20: scenarios[0].sweep.grid.steps: 'steps' applies only to workflow-chain scenarios, "
                           "not to warm-latency"};
        QTest::addRow("unknown benchmark key") << head + "    sweep: {grid: {benchmark.memroy: [1Gi]}}\n"
                                               << QStringList{"14:20: scenarios[0].sweep.grid.benchmark.memroy: "
                                                              "unknown key 'memroy' in benchmarks (did you mean "
                                                              "'memory'?)"};
        QTest::addRow("benchmark languages")
            << head + "    sweep: {grid: {benchmark.languages: [[cpp]]}}\n"
            << QStringList{"14:20: scenarios[0].sweep.grid.benchmark.languages: 'benchmark.languages' cannot be "
                           "swept (sweep 'language'"};
        QTest::addRow("language nobody has")
            << head + "    sweep: {grid: {language: [python, nodejs]}}\n"
            << QStringList{"14:39: scenarios[0].sweep.grid.language[1]: 'nodejs' is not among the benchmarks' "
                           "languages"};
        QTest::addRow("grid and zip") << head + "    sweep: {grid: {threads: [1]}, zip: {timeout: [1s]}}\n"
                                      << QStringList{"14:12: scenarios[0].sweep: expected either 'grid'"};
        QTest::addRow("repeated grid value") << head + "    sweep: {grid: {threads: [1, 1]}}\n"
                                             << QStringList{"14:33: scenarios[0].sweep.grid.threads[1]: duplicate "
                                                            "value '1' (first used on line 14)"};
        QTest::addRow("too many points")
            << head + "    sweep: {grid: {threads: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], timeout: [1s, 2s, 3s, 4s, 5s, "
                      "6s, 7s, 8s, 9s, 10s], benchmark.memory: [1Mi, 2Mi, 3Mi, 4Mi, 5Mi, 6Mi, 7Mi, 8Mi, 9Mi, 10Mi, "
                      "11Mi]}}\n"
            << QStringList{"14:12: scenarios[0].sweep: the sweep has more than 1000 points (10 x 10 x 11)"};
        QTest::addRow("an unrelated error once")
            << QStringLiteral("  - name: s\n    type: load\n    rate: 5\n    duration: soon\n"
                              "    sweep: {grid: {threads: [1, 2, 3]}}\n")
            << QStringList{"13:15: scenarios[0].duration: expected a duration"};
        QTest::addRow("conflict made by the sweep")
            << head + "    sweep: {grid: {connections: [4]}}\n"
            << QStringList{"14:34: scenarios[0].sweep.grid.connections[0]: 'rate' and 'connections' cannot both be "
                           "set"};
        QTest::addRow("perf-cost memory value")
            << QStringLiteral("  - name: s\n    type: perf-cost\n    repetitions: 2\n    memory: [128Mi, lots]\n")
            << QStringList{"13:21: scenarios[0].memory[1]: expected a memory size such as 128Mi or 1Gi, got 'lots'"};
        QTest::addRow("perf-cost memory swept twice")
            << QStringLiteral("  - name: s\n    type: perf-cost\n    repetitions: 2\n    memory: [128Mi]\n"
                              "    sweep: {grid: {benchmark.memory: [1Gi]}}\n")
            << QStringList{"14:20: scenarios[0].sweep.grid.benchmark.memory: 'benchmark.memory' is swept by the "
                           "perf-cost 'memory' list already"};
    }
    void errors() {
        QFETCH(QString, scenario);
        QFETCH(QStringList, expected);
        const LoadReport report = loadScenarios(scenario.toStdString());
        QVERIFY(!report.experiment);
        const QString got = describe(report.issues);
        QVERIFY2(report.issues.size() == std::size_t(expected.size()), qPrintable(got));
        for (qsizetype i = 0; i < expected.size(); ++i)
            QVERIFY2(QString::fromStdString(report.issues[std::size_t(i)].format())
                         .startsWith(QStringLiteral("sweep.yaml:") + expected[i]),
                     qPrintable(got));
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
