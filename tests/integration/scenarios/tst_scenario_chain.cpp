// workflow-chain end to end on an embedded local platform: 3-step 700.chain workflows handed over directly
// (instance to instance), through Serving (the gateway) and through Eventing (Broker -> Trigger -> instance), at 1 KB;
// every chain metric is reported and the hops fit inside the chain. Also: the
// documentation's and the resources' experiment files validate.
#include "scenario_run.h"

#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <mutex>

using namespace faaswb;

namespace {

// The sweep point's mechanism of each cell.
class MechanismObserver final : public engine::RunObserver {
public:
    void onRunStarted(const engine::RunDescription& description) override {
        std::lock_guard lock(m_mutex);
        const auto& values =
            description.sweep.is_object() ? description.sweep.value("values", nlohmann::json()) : nlohmann::json();
        mechanisms[description.cell] = values.is_object() ? values.value("mechanism", "") : "";
    }
    std::map<int, std::string> mechanisms;

private:
    std::mutex m_mutex;
};

constexpr const char* kExperiment = R"(name: chain-test
platform: local
platforms:
  local: {type: local}
benchmarks:
  - {id: 700.chain, languages: [cpp]}
scenarios:
  - name: handover
    type: workflow-chain
    steps: 3
    payloadSize: 1KB
    requests: 20
    warmupRequests: 3
    sweep:
      grid:
        mechanism: [serving, direct, eventing]   # not direct first: the freshly started platform is noisier
)";

} // namespace

class TestScenarioChain : public QObject {
    Q_OBJECT

private slots:
    void experimentFilesValidate() {
        const QString resource = test::sourceText(QStringLiteral("resources/experiments/workflow-chain.yaml"));
        QVERIFY(!resource.isEmpty());
        std::string problems = test::loadProblems(resource.toStdString(), "workflow-chain.yaml");
        QVERIFY2(problems.empty(), problems.c_str());
        const QString snippet =
            test::firstYamlBlock(test::sourceText(QStringLiteral("docs/scenarios/workflow-chain.md")));
        QVERIFY2(!snippet.isEmpty(), "docs/scenarios/workflow-chain.md has no ```yaml snippet");
        problems = test::loadProblems(snippet.toStdString(), "workflow-chain.md");
        QVERIFY2(problems.empty(), problems.c_str());
    }

    void chainsOnTheLocalPlatform() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto experiment = test::experimentFromText(kExperiment, "chain-test.yaml");
        auto created = test::startLocalPlatform(experiment, dir.filePath(QStringLiteral("state")));
        QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());
        QVERIFY(created.value()->supports(platform::Capability::InstanceUrls));

        engine::Runner runner(experiment, *created.value());
        MechanismObserver observer;
        runner.addObserver(&observer);
        CancellationToken cancel;
        const auto results = runner.run(cancel);
        QCOMPARE(results.size(), std::size_t(3));

        std::map<std::string, double> handover; // mechanism -> median handover of hop 1 and 2 together
        for (const auto& result : results) {
            const std::string mechanism = observer.mechanisms[result.cell];
            QVERIFY2(result.status == engine::RunStatus::Complete, (mechanism + ": " + result.message).c_str());
            for (const char* name :
                 {"end_to_end_p50", "end_to_end_p99", "handover_p50.hop1", "handover_p50.hop2", "handover_sum_p50"})
                QVERIFY2(test::metricValue(result, name), (mechanism + ": no " + name).c_str());
            const double sum = *test::metricValue(result, "handover_sum_p50");
            const double endToEnd = *test::metricValue(result, "end_to_end_p50");
            qInfo("%-9s end_to_end_p50 %7.3f ms  p99 %7.3f ms  hop1 %6.3f ms  hop2 %6.3f ms  sum %6.3f ms",
                  mechanism.c_str(), endToEnd, *test::metricValue(result, "end_to_end_p99"),
                  *test::metricValue(result, "handover_p50.hop1"), *test::metricValue(result, "handover_p50.hop2"),
                  sum);
            QVERIFY2(sum > 0, mechanism.c_str());
            QVERIFY2(sum <= endToEnd, (mechanism + ": the hops take longer than the chain").c_str());
            handover[mechanism] = sum;
        }
        QVERIFY2(handover.count("direct") && handover.count("serving") && handover.count("eventing"),
                 "a mechanism is missing");
        // Not asserted: direct <= serving. Here the gateway adds ~0.1 ms per hop, while 700.chain opens a new
        // connection for every hop either way and a shared CI machine varies by milliseconds between runs.
        qInfo("direct - serving handover: %+.3f ms", handover["direct"] - handover["serving"]);
    }
};

QTEST_GUILESS_MAIN(TestScenarioChain)
#include "tst_scenario_chain.moc"
