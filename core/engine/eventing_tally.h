// EventingTally: what the eventing scenario reports from the consumers' counters (model/metric_catalog.h): events the
// broker accepted, expected deliveries (accepted x triggers), distinct deliveries, losses, duplicates and the
// send-to-consumer latency of each event's first delivery. Pure functions.
#pragma once

#include "engine/eventing_consumers.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace faaswb::engine::eventing {

struct EventingTally {
    std::uint64_t sent = 0;       // accepted by the broker (2xx)
    std::uint64_t expected = 0;   // sent x triggers
    std::uint64_t delivered = 0;  // distinct (trigger, event) pairs received
    std::uint64_t lost = 0;       // expected - delivered
    std::uint64_t duplicated = 0; // deliveries beyond the first of a (trigger, event)
    std::optional<double> lossRatePercent;
    std::vector<double> latenciesMs; // first delivery of each (trigger, event), ascending
    // False when a consumer kept only part of its deliveries: delivered/duplicated then come from its own counters,
    // which cannot see a duplicate that went to another instance, and latencies cover what was kept.
    bool exact = true;
};

// `consumers[i]` holds the instances of trigger i's consumer; `acceptedEvent` says whether an id is an event of this
// run that the broker accepted (deliveries of other ids are ignored).
EventingTally tallyDeliveries(std::uint64_t sent, const std::vector<std::vector<InstanceStats>>& consumers,
                              const std::function<bool(std::string_view id)>& acceptedEvent);

// Nearest-rank quantile (0 < q <= 1) of ascending values; nullopt when empty.
std::optional<double> quantile(const std::vector<double>& ascending, double q);
std::optional<double> mean(const std::vector<double>& values);

} // namespace faaswb::engine::eventing
