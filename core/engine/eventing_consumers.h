// ConsumerProbe: reads and resets the counters of 711.event-consumer instances ({"stats": true} in the benchmark's
// contract) — through each instance's own address when the platform has Capability::InstanceUrls, else through the
// service URL, repeating until every instance has answered. Runner thread only.
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "engine/cell_plan.h"
#include "platform/platform.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faaswb::engine::eventing {

struct ConsumerDelivery {
    std::string id;
    std::optional<std::int64_t> latencyUs; // arrival - send time, as the consumer measured it
};

// One consumer process's counters since its last reset.
struct InstanceStats {
    std::string instance;
    std::int64_t received = 0;
    std::int64_t duplicates = 0;
    std::vector<ConsumerDelivery> deliveries; // in arrival order, when asked for
    std::int64_t deliveriesDropped = 0;       // deliveries beyond what the consumer keeps
};

// The wrapper's reply to a stats request: {"result": {received, duplicates, deliveries?, ...}, "instance": ...}.
Result<InstanceStats> parseStatsReply(std::string_view body);

struct StatsQuery {
    bool reset = false;      // zero the counters after reading them
    bool deliveries = false; // include the [id, latency] list
};

class ConsumerProbe {
public:
    // `instances`: how many instances each consumer runs (min = max scale), all of which must answer.
    ConsumerProbe(platform::Platform& platform, const CellPlan& plan, const model::Settings& settings, int instances);

    // The counters of every instance of `consumer`; an error when some instance did not answer.
    Result<std::vector<InstanceStats>> read(const platform::Deployment& consumer, StatsQuery query,
                                            const CancellationToken& cancel);

private:
    load::RequestSpec statsRequest(const platform::Deployment& consumer, StatsQuery query) const;
    Result<InstanceStats> ask(const load::RequestSpec& request, const CancellationToken& cancel) const;
    Result<std::vector<InstanceStats>> readDirect(const platform::Deployment& consumer, StatsQuery query,
                                                  const CancellationToken& cancel);
    Result<std::vector<InstanceStats>> readThroughService(const platform::Deployment& consumer, StatsQuery query,
                                                          const CancellationToken& cancel);

    platform::Platform& m_platform;
    const CellPlan& m_plan;
    const model::Settings& m_settings;
    int m_instances;
};

} // namespace faaswb::engine::eventing
