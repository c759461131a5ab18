// The eventing scenario: its pieces (event stream, stats replies, the tally over consumer instances) against
// hand-made inputs, and the whole scenario through the Runner on an embedded local platform — a broker, two
// triggers, two 711.event-consumer services — where every accepted event must arrive once at each consumer. Also:
// the documentation's and the resources' experiment files validate.
#include "engine/eventing_consumers.h"
#include "engine/eventing_events.h"
#include "engine/eventing_tally.h"
#include "engine/runner.h"
#include "platform/http_platform.h"
#include "scenario_run.h"

#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

using namespace faaswb;
using namespace faaswb::engine::eventing;
using nlohmann::json;

namespace {

InstanceStats instance(std::string name, std::vector<ConsumerDelivery> deliveries, std::int64_t dropped = 0) {
    InstanceStats stats;
    stats.instance = std::move(name);
    stats.received = static_cast<std::int64_t>(deliveries.size()) + dropped;
    stats.deliveries = std::move(deliveries);
    stats.deliveriesDropped = dropped;
    return stats;
}

std::string headerValue(const std::vector<std::pair<std::string, std::string>>& headers, const std::string& name) {
    for (const auto& [key, value] : headers)
        if (key == name)
            return value;
    return {};
}

} // namespace

class TestScenarioEventing : public QObject {
    Q_OBJECT

private slots:
    void experimentFilesValidate() {
        const QString resource = test::sourceText(QStringLiteral("resources/experiments/eventing.yaml"));
        QVERIFY(!resource.isEmpty());
        std::string problems = test::loadProblems(resource.toStdString(), "eventing.yaml");
        QVERIFY2(problems.empty(), problems.c_str());
        const QString snippet = test::firstYamlBlock(test::sourceText(QStringLiteral("docs/scenarios/eventing.md")));
        QVERIFY2(!snippet.isEmpty(), "docs/scenarios/eventing.md has no ```yaml snippet");
        problems = test::loadProblems(snippet.toStdString(), "eventing.md");
        QVERIFY2(problems.empty(), problems.c_str());
    }

    // Binary-mode CloudEvents: the attributes as ce-* headers, the consumer's fields in the JSON body.
    void eventStreamPreparesBinaryCloudEvents() {
        CloudEventStream stream({"evtest", "/faaswb/eventing/s", 300});
        std::string body;
        std::vector<std::pair<std::string, std::string>> headers;
        QVERIFY(stream.prepare(41, body, headers));
        QCOMPARE(headerValue(headers, "ce-id"), std::string("evtest-42"));
        QCOMPARE(headerValue(headers, "ce-type"), std::string("dev.faaswb.benchmark"));
        QCOMPARE(headerValue(headers, "ce-specversion"), std::string("1.0"));
        QCOMPARE(headerValue(headers, "ce-source"), std::string("/faaswb/eventing/s"));
        QCOMPARE(headerValue(headers, "ce-sequence"), std::string("42"));
        const std::string sentUs = headerValue(headers, "ce-faaswbsentus");
        QVERIFY(std::stoll(sentUs) > 1'600'000'000'000'000LL);
        QCOMPARE(body.size(), std::size_t(300));
        const json data = json::parse(body);
        QCOMPARE(data["sequence"].get<int>(), 42);
        QCOMPARE(std::to_string(data["sent_us"].get<std::int64_t>()), sentUs);
        // Smaller than the fields: the fields as they are.
        QVERIFY(CloudEventStream::eventBody("r", 1, 1, 0).size() < 80);
    }

    void eventStreamKnowsItsIdsAndAcceptedEvents() {
        CloudEventStream stream({"evtest", "/s", 0});
        QCOMPARE(stream.indexOf("evtest-1"), std::optional<std::uint64_t>(0));
        QCOMPARE(stream.indexOf("evtest-0"), std::optional<std::uint64_t>());
        QCOMPARE(stream.indexOf("evtestw-1"), std::optional<std::uint64_t>());
        QCOMPARE(stream.indexOf("evtest-1x"), std::optional<std::uint64_t>());
        QCOMPARE(stream.indexOf("other-1"), std::optional<std::uint64_t>());
        stream.onResponse(0, 202, load::ErrorKind::None, {});
        stream.onResponse(1, 500, load::ErrorKind::HttpStatus, {});
        stream.onResponse(2, 0, load::ErrorKind::Timeout, {});
        QVERIFY(stream.accepted(0));
        QVERIFY(!stream.accepted(1) && !stream.accepted(2));
        QCOMPARE(stream.acceptedCount(), std::uint64_t(1));
        QVERIFY(newEventRunTag() != newEventRunTag());
    }

    void statsRepliesAreParsed() {
        const json reply{{"result",
                          {{"received", 3},
                           {"duplicates", 1},
                           {"unique", 2},
                           {"deliveries", json::array({json::array({"a-1", 1500}), json::array({"a-2", nullptr}),
                                                       json::array({"a-1", 2500})})},
                           {"deliveries_dropped", 0}}},
                         {"instance", "host-7"}};
        auto stats = parseStatsReply(reply.dump());
        QVERIFY2(stats.ok(), stats.ok() ? "" : stats.error().message.c_str());
        QCOMPARE(stats->instance, std::string("host-7"));
        QCOMPARE(stats->received, std::int64_t(3));
        QCOMPARE(stats->duplicates, std::int64_t(1));
        QCOMPARE(stats->deliveries.size(), std::size_t(3));
        QCOMPARE(stats->deliveries[0].latencyUs, std::optional<std::int64_t>(1500));
        QCOMPARE(stats->deliveries[1].latencyUs, std::optional<std::int64_t>());
        QVERIFY(!parseStatsReply(R"({"result": {"slept_ms": 1}})").ok());
        QVERIFY(!parseStatsReply("not json").ok());
    }

    // Two triggers: consumer 1 runs two instances (one duplicate across them), consumer 2 misses an event. Ids of
    // other runs and events the broker did not accept are ignored.
    void tallyMergesInstancesPerTrigger() {
        const auto accepted = [](std::string_view id) { return id == "r-1" || id == "r-2" || id == "r-3"; };
        std::vector<std::vector<InstanceStats>> consumers{
            {instance("a", {{"r-1", 1000}, {"r-2", 3000}, {"old-9", 5}}), instance("b", {{"r-3", 2000}, {"r-2", 500}})},
            {instance("c", {{"r-1", 4000}, {"r-3", std::nullopt}, {"r-4", 10}})}};
        const EventingTally tally = tallyDeliveries(3, consumers, accepted);
        QCOMPARE(tally.sent, std::uint64_t(3));
        QCOMPARE(tally.expected, std::uint64_t(6));
        QCOMPARE(tally.delivered, std::uint64_t(5));
        QCOMPARE(tally.lost, std::uint64_t(1));
        QCOMPARE(tally.duplicated, std::uint64_t(1));
        QVERIFY(tally.exact);
        QVERIFY(qFuzzyCompare(*tally.lossRatePercent, 100.0 / 6.0));
        // First delivery per (trigger, event): r-1 1 ms, r-2 0.5 ms (the earlier arrival), r-3 2 ms, r-1 4 ms.
        QCOMPARE(tally.latenciesMs, (std::vector<double>{0.5, 1.0, 2.0, 4.0}));
        QCOMPARE(quantile(tally.latenciesMs, 0.5), std::optional<double>(1.0));
        QCOMPARE(quantile(tally.latenciesMs, 0.99), std::optional<double>(4.0));
        QCOMPARE(mean(tally.latenciesMs), std::optional<double>(1.875));
        QCOMPARE(quantile({}, 0.5), std::optional<double>());
    }

    void tallyWithoutEventsHasNoRates() {
        const EventingTally tally = tallyDeliveries(0, {{instance("a", {})}}, [](std::string_view) { return true; });
        QCOMPARE(tally.expected, std::uint64_t(0));
        QCOMPARE(tally.lossRatePercent, std::optional<double>());
        QVERIFY(tally.latenciesMs.empty());
    }

    // A consumer that kept only part of its list: its own counters give the distinct count.
    void tallyFallsBackToCountersWhenListsAreCut() {
        InstanceStats cut = instance("a", {{"r-1", 1000}}, 2);
        cut.duplicates = 0;
        const EventingTally tally = tallyDeliveries(3, {{cut}}, [](std::string_view) { return true; });
        QVERIFY(!tally.exact);
        QCOMPARE(tally.delivered, std::uint64_t(3));
        QCOMPARE(tally.lost, std::uint64_t(0));
    }

    // The http platform has no eventing: the cell fails and says so, naming the platform.
    void needsAPlatformWithEventing() {
        const auto experiment =
            test::experimentFromText("name: eventing-http\nplatform: plain\n"
                                     "platforms:\n  plain: {type: http, url: 'http://127.0.0.1:1/'}\n"
                                     "benchmarks:\n  - {id: 711.event-consumer, languages: [cpp]}\n"
                                     "scenarios:\n"
                                     "  - {name: events, type: eventing, rate: 10, duration: 1s}\n");
        platform::HttpPlatform platform(*experiment.findPlatform("plain"));
        engine::Runner runner(experiment, platform);
        CancellationToken cancel;
        const auto results = runner.run(cancel);
        QCOMPARE(results.size(), std::size_t(1));
        QCOMPARE(results[0].status, engine::RunStatus::Failed);
        QVERIFY2(results[0].message.find("Eventing") != std::string::npos &&
                     results[0].message.find("\"plain\"") != std::string::npos,
                 results[0].message.c_str());
    }

    // 50 events/s for 3 s into a broker with two triggers: each accepted event reaches both consumers exactly once.
    void deliversEveryEventToEveryTrigger() {
        QTemporaryDir stateDir;
        QVERIFY(stateDir.isValid());
        const auto experiment = test::experimentFromText("name: eventing-local\nplatform: local\n"
                                                         "platforms:\n  local: {type: local}\n"
                                                         "benchmarks:\n  - {id: 711.event-consumer, languages: [cpp]}\n"
                                                         "scenarios:\n  - {name: events, type: eventing, rate: 50, "
                                                         "duration: 3s, triggers: 2, payloadSize: 512}\n");
        auto created = test::startLocalPlatform(experiment, stateDir.filePath("state"));
        QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());
        std::unique_ptr<platform::Platform> platform = std::move(created).value();
        QVERIFY(platform->supports(platform::Capability::Eventing));

        engine::Runner runner(experiment, *platform);
        CancellationToken cancel;
        const auto results = runner.run(cancel);
        QCOMPARE(results.size(), std::size_t(1));
        const engine::CellResult& cell = results[0];
        QVERIFY2(cell.status == engine::RunStatus::Complete, cell.message.c_str());

        const double sent = test::metricValue(cell, "events_sent").value_or(-1);
        QVERIFY2(sent >= 140 && sent <= 151, qPrintable(QString::number(sent))); // 50/s x 3 s, all accepted
        QCOMPARE(test::metricValue(cell, "events_expected"), std::optional<double>(2 * sent));
        QCOMPARE(test::metricValue(cell, "events_delivered"), std::optional<double>(2 * sent));
        QCOMPARE(test::metricValue(cell, "events_lost"), std::optional<double>(0));
        QCOMPARE(test::metricValue(cell, "events_duplicated"), std::optional<double>(0));
        QCOMPARE(test::metricValue(cell, "loss_rate"), std::optional<double>(0));
        const double p50 = test::metricValue(cell, "delivery_p50").value_or(-1);
        const double p99 = test::metricValue(cell, "delivery_p99").value_or(-1);
        QVERIFY2(p50 > 0 && p50 < 1000, qPrintable(QString::number(p50)));
        QVERIFY2(p99 >= p50, qPrintable(QString::number(p99)));
        QVERIFY(test::metricValue(cell, "delivery_mean").value_or(-1) > 0);

        // Teardown removed what the scenario created: nothing is left for removeAll to do.
        QVERIFY(platform->eventing()->removeAll().ok());
    }
};

QTEST_GUILESS_MAIN(TestScenarioEventing)
#include "tst_scenario_eventing.moc"
