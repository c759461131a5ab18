// EventingTally: merges the instances of each consumer by event id.
#include "engine/eventing_tally.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>

namespace faaswb::engine::eventing {
namespace {

struct ConsumerCount {
    std::uint64_t distinct = 0;
    std::uint64_t duplicates = 0;
    bool exact = true;
};

// One trigger's consumer: the earliest latency of each accepted event over all its instances.
ConsumerCount countConsumer(const std::vector<InstanceStats>& instances,
                            const std::function<bool(std::string_view)>& acceptedEvent,
                            std::vector<double>& latencies) {
    std::unordered_map<std::string, std::optional<std::int64_t>> first; // id -> lowest latency seen
    std::uint64_t deliveries = 0;
    ConsumerCount count;
    for (const InstanceStats& instance : instances) {
        count.exact = count.exact && instance.deliveriesDropped == 0;
        for (const ConsumerDelivery& delivery : instance.deliveries) {
            if (!acceptedEvent(delivery.id))
                continue;
            ++deliveries;
            auto [it, inserted] = first.try_emplace(delivery.id, delivery.latencyUs);
            if (!inserted && delivery.latencyUs && (!it->second || *delivery.latencyUs < *it->second))
                it->second = delivery.latencyUs;
        }
    }
    for (const auto& [id, latency] : first)
        if (latency)
            latencies.push_back(static_cast<double>(*latency) / 1000.0);
    count.distinct = first.size();
    count.duplicates = deliveries - first.size();
    if (!count.exact) { // the consumers' own counters saw every delivery, the lists only the first ones
        std::int64_t received = 0;
        std::int64_t duplicates = 0;
        for (const InstanceStats& instance : instances) {
            received += instance.received;
            duplicates += instance.duplicates;
        }
        count.duplicates = static_cast<std::uint64_t>(std::max<std::int64_t>(0, duplicates));
        count.distinct = std::max<std::uint64_t>(count.distinct, static_cast<std::uint64_t>(received - duplicates));
    }
    return count;
}

} // namespace

EventingTally tallyDeliveries(std::uint64_t sent, const std::vector<std::vector<InstanceStats>>& consumers,
                              const std::function<bool(std::string_view id)>& acceptedEvent) {
    EventingTally tally;
    tally.sent = sent;
    tally.expected = sent * consumers.size();
    for (const auto& instances : consumers) {
        const ConsumerCount count = countConsumer(instances, acceptedEvent, tally.latenciesMs);
        tally.delivered += std::min(count.distinct, sent);
        tally.duplicated += count.duplicates;
        tally.exact = tally.exact && count.exact;
    }
    tally.lost = tally.expected - tally.delivered;
    if (tally.expected > 0)
        tally.lossRatePercent = 100.0 * static_cast<double>(tally.lost) / static_cast<double>(tally.expected);
    std::sort(tally.latenciesMs.begin(), tally.latenciesMs.end());
    return tally;
}

std::optional<double> quantile(const std::vector<double>& ascending, double q) {
    if (ascending.empty())
        return std::nullopt;
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ascending.size())));
    return ascending[std::clamp<std::size_t>(rank, 1, ascending.size()) - 1];
}

std::optional<double> mean(const std::vector<double>& values) {
    if (values.empty())
        return std::nullopt;
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

} // namespace faaswb::engine::eventing
