// eventing (docs/scenarios/eventing.md): CloudEvents into a Broker at `rate` for `duration`, `triggers` Triggers each
// delivering to its own 711.event-consumer service (the cell's function is the first), then the consumers' counters
// say what arrived: losses, duplicates and the send-to-consumer latency of every event.
#include "engine/eventing_consumers.h"
#include "engine/eventing_events.h"
#include "engine/eventing_tally.h"
#include "engine/scenario_driver.h"

#include <chrono>
#include <sstream>

namespace faaswb::engine {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using eventing::CloudEventStream;
using eventing::ConsumerProbe;

constexpr const char* kConsumerBenchmark = "711.event-consumer";
constexpr auto kPoll = 250ms;
// Deliveries still arriving keep the wait going; this long without a new one ends it (the rest count as lost).
constexpr auto kQuietPeriod = 5s;
constexpr auto kSettleLimit = 120s; // the whole wait for deliveries, whatever still trickles in
constexpr auto kInstancesTimeout = 120s;

std::string secondsText(Clock::duration duration) {
    std::ostringstream text;
    text << std::chrono::duration_cast<std::chrono::milliseconds>(duration).count() / 1000.0 << " s";
    return text.str();
}

class EventingDriver final : public ScenarioDriver {
public:
    Status run(CellContext& cell) override;
    void teardown(CellContext& cell) override;

private:
    Status checkCell(CellContext& cell) const;
    Status deployConsumers(CellContext& cell);
    Result<platform::EventTarget> setUpBroker(CellContext& cell);
    Status resetConsumers(CellContext& cell, ConsumerProbe& probe);
    Result<std::int64_t> receivedTotal(CellContext& cell, ConsumerProbe& probe);
    Status waitForDeliveries(CellContext& cell, ConsumerProbe& probe, std::uint64_t expected);
    load::RequestSpec eventRequest(CellContext& cell, std::shared_ptr<CloudEventStream> stream) const;
    Status warmUp(CellContext& cell, ConsumerProbe& probe);
    Status report(CellContext& cell, ConsumerProbe& probe, const CloudEventStream& stream);

    platform::Eventing* m_eventing = nullptr;
    std::vector<platform::Deployment> m_consumers; // trigger i delivers to m_consumers[i]
    platform::EventTarget m_target;
    std::string m_run; // the ids' prefix, unique per cell
};

Status EventingDriver::checkCell(CellContext& cell) const {
    auto& platform = cell.platform();
    if (!platform.supports(platform::Capability::Eventing) || !platform.eventing())
        return invalidInput("scenario \"" + cell.scenario().name + "\" (eventing) needs Knative Eventing, which the " +
                            platform.describe().kind + " platform \"" + cell.experiment().platform +
                            "\" does not have; run it on a local or knative platform");
    if (cell.plan().benchmark->id != kConsumerBenchmark)
        return invalidInput("scenario \"" + cell.scenario().name + "\" (eventing) needs the benchmark " +
                            kConsumerBenchmark + " as its consumer, not " + cell.plan().benchmark->id);
    return {};
}

// Consumer 1 is the cell's own function; the others are copies named <name>-c2, <name>-c3, ...
Status EventingDriver::deployConsumers(CellContext& cell) {
    const auto& config = cell.scenario().eventing;
    // The plan pins every consumer's scale to `consumers` instances (cell_plan.cpp), so the copies are pinned too.
    const platform::FunctionSpec& spec = cell.plan().function;
    const platform::Deployment& first = cell.deployment();
    m_consumers = {first};
    for (int i = 2; i <= config.triggers; ++i) {
        platform::FunctionSpec copy = spec;
        copy.name = spec.name + "-c" + std::to_string(i);
        cell.phase("eventing: deploying consumer " + std::to_string(i) + "/" + std::to_string(config.triggers));
        auto deployed = cell.deployExtra(copy);
        if (!deployed)
            return deployed.error();
        m_consumers.push_back(std::move(*deployed));
    }
    return {};
}

// The broker, and one trigger per consumer that passes only our events: the consumers answer each event with a
// reply event, which goes back into the broker and must not reach them again.
Result<platform::EventTarget> EventingDriver::setUpBroker(CellContext& cell) {
    const std::string base = cell.deployment().name;
    cell.phase("eventing: broker and " + std::to_string(m_consumers.size()) + " triggers");
    auto target = m_eventing->ensureBroker({base + "-broker"}, cell.stop());
    if (!target)
        return target.error();
    for (std::size_t i = 0; i < m_consumers.size(); ++i) {
        platform::TriggerSpec trigger;
        trigger.name = base + "-t" + std::to_string(i + 1);
        trigger.broker = base + "-broker";
        trigger.filterAttributes = {{"type", eventing::kBenchmarkEventType}};
        trigger.subscriberService = m_consumers[i].name;
        if (Status ensured = m_eventing->ensureTrigger(trigger, cell.stop()); !ensured)
            return ensured.error();
    }
    return target;
}

// Zeroes every instance's counters; instances still starting are waited for (bounded).
Status EventingDriver::resetConsumers(CellContext& cell, ConsumerProbe& probe) {
    const auto deadline = Clock::now() + kInstancesTimeout;
    for (const auto& consumer : m_consumers) {
        for (;;) {
            auto reset = probe.read(consumer, {.reset = true, .deliveries = false}, cell.stop());
            if (reset || cell.stop().isCancelled())
                break;
            if (Clock::now() >= deadline)
                return Error{reset.error().code, "eventing: consumer \"" + consumer.name + "\" was not ready within " +
                                                     secondsText(kInstancesTimeout) + ": " + reset.error().message};
            if (cell.stop().waitFor(kPoll))
                break;
        }
    }
    return {};
}

Result<std::int64_t> EventingDriver::receivedTotal(CellContext& cell, ConsumerProbe& probe) {
    std::int64_t total = 0;
    for (const auto& consumer : m_consumers) {
        auto instances = probe.read(consumer, {}, cell.stop());
        if (!instances)
            return instances.error();
        for (const auto& instance : *instances)
            total += instance.received;
    }
    return total;
}

// Until the consumers' received counts stop growing: all expected deliveries in (and one more poll without news, so
// immediate duplicates are counted), or kQuietPeriod without a new one, or kSettleLimit in all.
Status EventingDriver::waitForDeliveries(CellContext& cell, ConsumerProbe& probe, std::uint64_t expected) {
    const auto start = Clock::now();
    std::int64_t last = -1;
    auto lastChange = start;
    for (;;) {
        auto total = receivedTotal(cell, probe);
        if (!total)
            return cell.stop().isCancelled() ? Status{} : Status{total.error()};
        const auto now = Clock::now();
        if (*total != last) {
            last = *total;
            lastChange = now;
            cell.phase("eventing: deliveries " + std::to_string(*total) + "/" + std::to_string(expected));
        }
        if (static_cast<std::uint64_t>(*total) >= expected && now - lastChange >= kPoll)
            return {};
        if (now - lastChange >= kQuietPeriod)
            return {};
        if (now - start >= kSettleLimit) {
            cell.note("eventing: deliveries were still arriving after " + secondsText(kSettleLimit) +
                      "; later ones are counted as lost");
            return {};
        }
        if (cell.stop().waitFor(kPoll))
            return {};
    }
}

load::RequestSpec EventingDriver::eventRequest(CellContext& cell, std::shared_ptr<CloudEventStream> stream) const {
    load::RequestSpec request = cell.request(); // timeout, HTTP version and TLS settings of the cell
    request.url = m_target.url;
    request.method = "POST";
    request.headers = m_target.headers;
    request.headers.emplace_back("Content-Type", "application/json");
    request.body.clear();
    request.auth = {}; // the function's credentials are not the broker's
    request.variation = std::move(stream);
    return request;
}

// Events during the warm-up reach the consumers like any other, so they are waited for and then forgotten.
Status EventingDriver::warmUp(CellContext& cell, ConsumerProbe& probe) {
    const auto& scenario = cell.scenario();
    if (scenario.warmup <= load::Nanos{0} || !scenario.rate)
        return {};
    auto stream = std::make_shared<CloudEventStream>(
        eventing::EventStreamOptions{m_run + "w", "/faaswb/eventing/" + scenario.name, scenario.eventing.payloadBytes});
    DriveOptions options;
    options.warmup = true;
    auto drove =
        cell.drive(eventRequest(cell, stream), load::LoadModel::constantRate(*scenario.rate, scenario.warmup), options);
    if (!drove)
        return drove.error();
    if (Status settled = waitForDeliveries(cell, probe, stream->acceptedCount() * m_consumers.size()); !settled)
        return settled;
    return resetConsumers(cell, probe);
}

Status EventingDriver::report(CellContext& cell, ConsumerProbe& probe, const CloudEventStream& stream) {
    std::vector<std::vector<eventing::InstanceStats>> readings;
    for (const auto& consumer : m_consumers) {
        auto instances = probe.read(consumer, {.reset = false, .deliveries = true}, cell.stop());
        if (!instances)
            return instances.error();
        readings.push_back(std::move(*instances));
    }
    const auto accepted = [&stream](std::string_view id) {
        const auto index = stream.indexOf(id);
        return index && stream.accepted(*index);
    };
    const eventing::EventingTally tally = eventing::tallyDeliveries(stream.acceptedCount(), readings, accepted);
    auto& metrics = cell.metrics();
    metrics.set("events_sent", static_cast<double>(tally.sent));
    metrics.set("events_expected", static_cast<double>(tally.expected));
    metrics.set("events_delivered", static_cast<double>(tally.delivered));
    metrics.set("events_lost", static_cast<double>(tally.lost));
    metrics.set("events_duplicated", static_cast<double>(tally.duplicated));
    metrics.set("loss_rate", tally.lossRatePercent);
    metrics.set("delivery_p50", eventing::quantile(tally.latenciesMs, 0.50));
    metrics.set("delivery_p99", eventing::quantile(tally.latenciesMs, 0.99));
    metrics.set("delivery_mean", eventing::mean(tally.latenciesMs));
    if (!tally.exact)
        cell.note("eventing: a consumer kept only its first deliveries; duplicates across its instances may be "
                  "missed and the latencies cover the kept ones");
    return {};
}

Status EventingDriver::run(CellContext& cell) {
    if (Status usable = checkCell(cell); !usable)
        return usable;
    m_eventing = cell.platform().eventing();
    m_run = eventing::newEventRunTag();
    if (Status deployed = deployConsumers(cell); !deployed)
        return deployed;
    auto target = setUpBroker(cell);
    if (!target)
        return target.error();
    m_target = std::move(*target);
    ConsumerProbe probe(cell.platform(), cell.plan(), cell.experiment().settings, cell.scenario().eventing.consumers);
    cell.phase("eventing: waiting for the consumers");
    if (Status reset = resetConsumers(cell, probe); !reset)
        return reset;
    if (Status warm = warmUp(cell, probe); !warm)
        return warm;
    const auto& scenario = cell.scenario();
    auto stream = std::make_shared<CloudEventStream>(
        eventing::EventStreamOptions{m_run, "/faaswb/eventing/" + scenario.name, scenario.eventing.payloadBytes});
    const load::LoadModel model = scenario.loadModel();
    cell.phase("measure", model.duration());
    auto drove = cell.drive(eventRequest(cell, stream), model, DriveOptions{});
    if (!drove)
        return drove.error();
    cell.metrics().set("events_sent", static_cast<double>(stream->acceptedCount()));
    if (cell.stop().isCancelled())
        return {};
    if (Status settled = waitForDeliveries(cell, probe, stream->acceptedCount() * m_consumers.size()); !settled)
        return settled;
    if (cell.stop().isCancelled())
        return {};
    return report(cell, probe, *stream);
}

// Triggers before the broker (removeAll goes newest first); the runner removes the consumer services afterwards.
void EventingDriver::teardown(CellContext& cell) {
    if (!m_eventing)
        return;
    if (Status removed = m_eventing->removeAll(); !removed)
        cell.note(removed.error().message);
    m_eventing = nullptr;
}

} // namespace

std::unique_ptr<ScenarioDriver> makeEventingDriver() {
    return std::make_unique<EventingDriver>();
}

} // namespace faaswb::engine
