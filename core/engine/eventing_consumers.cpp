// ConsumerProbe: the stats side channel of 711.event-consumer.
#include "engine/eventing_consumers.h"

#include "engine/eventing_http.h"

#include <map>
#include <nlohmann/json.hpp>

namespace faaswb::engine::eventing {
namespace {

using nlohmann::json;

constexpr std::chrono::milliseconds kStatsTimeout{30'000};
// Through a service URL the platform picks the instance; this many tries per instance make missing one unlikely.
constexpr int kTriesPerInstance = 8;

std::string joinPath(const std::string& base, const std::string& path) {
    if (path.empty() || path == "/")
        return base;
    return (!base.empty() && base.back() == '/' ? base.substr(0, base.size() - 1) : base) + path;
}

std::int64_t count(const json& stats, const char* key) {
    const auto found = stats.find(key);
    return found != stats.end() && found->is_number_integer() ? found->get<std::int64_t>() : 0;
}

std::vector<ConsumerDelivery> deliveriesOf(const json& list) {
    std::vector<ConsumerDelivery> deliveries;
    deliveries.reserve(list.size());
    for (const json& entry : list) {
        if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string())
            continue;
        ConsumerDelivery delivery{entry[0].get<std::string>(), std::nullopt};
        if (entry[1].is_number())
            delivery.latencyUs = entry[1].get<std::int64_t>();
        deliveries.push_back(std::move(delivery));
    }
    return deliveries;
}

} // namespace

Result<InstanceStats> parseStatsReply(std::string_view body) {
    const json reply = json::parse(body, nullptr, false);
    if (reply.is_discarded() || !reply.is_object() || !reply.contains("result") || !reply["result"].is_object())
        return platformError("the consumer's stats reply is not the 711.event-consumer answer: " +
                             std::string(body.substr(0, 200)));
    const json& stats = reply["result"];
    if (!stats.contains("received"))
        return platformError("the consumer's stats reply has no `received` count; is the benchmark "
                             "711.event-consumer?");
    InstanceStats instance;
    instance.instance = reply.value("instance", "");
    instance.received = count(stats, "received");
    instance.duplicates = count(stats, "duplicates");
    instance.deliveriesDropped = count(stats, "deliveries_dropped");
    if (stats.contains("deliveries") && stats["deliveries"].is_array())
        instance.deliveries = deliveriesOf(stats["deliveries"]);
    return instance;
}

ConsumerProbe::ConsumerProbe(platform::Platform& platform, const CellPlan& plan, const model::Settings& settings,
                             int instances)
    : m_platform(platform)
    , m_plan(plan)
    , m_settings(settings)
    , m_instances(std::max(1, instances)) {}

Result<std::vector<InstanceStats>> ConsumerProbe::read(const platform::Deployment& consumer, StatsQuery query,
                                                       const CancellationToken& cancel) {
    if (m_platform.supports(platform::Capability::InstanceUrls))
        return readDirect(consumer, query, cancel);
    return readThroughService(consumer, query, cancel);
}

load::RequestSpec ConsumerProbe::statsRequest(const platform::Deployment& consumer, StatsQuery query) const {
    load::RequestSpec request = requestFor(m_plan, consumer, m_settings);
    request.method = "POST";
    request.body = json{{"stats", true}, {"reset", query.reset}, {"deliveries", query.deliveries}}.dump();
    request.timeout = kStatsTimeout;
    return request;
}

Result<InstanceStats> ConsumerProbe::ask(const load::RequestSpec& request, const CancellationToken& cancel) const {
    auto answer = exchange(request, cancel);
    if (!answer)
        return answer.error();
    if (answer->status != 200)
        return platformError("stats request to " + request.url + " answered HTTP " + std::to_string(answer->status) +
                             ": " + answer->body.substr(0, 200));
    return parseStatsReply(answer->body);
}

// Straight to each ready instance (no gateway, so no Host header): every instance answers exactly once.
Result<std::vector<InstanceStats>> ConsumerProbe::readDirect(const platform::Deployment& consumer, StatsQuery query,
                                                             const CancellationToken& cancel) {
    auto urls = m_platform.instanceUrls(consumer);
    if (!urls)
        return urls.error();
    if (static_cast<int>(urls->size()) < m_instances)
        return platformError("consumer \"" + consumer.name + "\" has " + std::to_string(urls->size()) + " of " +
                             std::to_string(m_instances) + " instances ready");
    load::RequestSpec request = statsRequest(consumer, query);
    request.headers.assign(m_plan.benchmark->headers.begin(), m_plan.benchmark->headers.end());
    request.headers.emplace_back("Content-Type", "application/json");
    std::vector<InstanceStats> instances;
    for (const std::string& url : *urls) {
        request.url = joinPath(url, m_plan.benchmark->path);
        auto stats = ask(request, cancel);
        if (!stats)
            return stats.error();
        instances.push_back(std::move(*stats));
    }
    return instances;
}

// Each answer names its instance; asking again until every instance has answered (a reset is harmless to repeat,
// and a read without reset returns the same counters, kept from the latest answer).
Result<std::vector<InstanceStats>> ConsumerProbe::readThroughService(const platform::Deployment& consumer,
                                                                     StatsQuery query,
                                                                     const CancellationToken& cancel) {
    const load::RequestSpec request = statsRequest(consumer, query);
    std::map<std::string, InstanceStats> answered;
    for (int attempt = 0; attempt < kTriesPerInstance * m_instances + 2; ++attempt) {
        auto stats = ask(request, cancel);
        if (!stats)
            return stats.error();
        answered[stats->instance] = std::move(*stats);
        if (static_cast<int>(answered.size()) >= m_instances)
            break;
    }
    if (static_cast<int>(answered.size()) < m_instances)
        return platformError("only " + std::to_string(answered.size()) + " of " + std::to_string(m_instances) +
                             " instances of consumer \"" + consumer.name +
                             "\" answered through its service URL, and the platform cannot address instances "
                             "directly; use consumers: 1 here");
    std::vector<InstanceStats> instances;
    for (auto& [name, stats] : answered)
        instances.push_back(std::move(stats));
    return instances;
}

} // namespace faaswb::engine::eventing
