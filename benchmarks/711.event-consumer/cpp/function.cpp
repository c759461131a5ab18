// 711.event-consumer: records the arrival of a CloudEvent (Knative Eventing consumer; pairs with 710.event-producer).
//
// For each event it answers the event id and the delivery latency: arrival time minus the `faaswbsentus` extension
// (epoch microseconds, set by 710.event-producer), or minus `sent_us` in the data; null when neither is there.
// Latency across hosts includes their clock offset. A plain JSON event (no CloudEvent) may carry `id` (and
// `sent_us`) itself. Per-process counters are answered for {"stats": true}; "reset": true zeroes them after reading,
// "deliveries": true adds the deliveries since the last reset as [id, latency_us] pairs in arrival order (the first
// kMaxDeliveries; `deliveries_dropped` counts the rest), so a caller can merge instances and take percentiles.
// Ids are remembered up to kMaxRememberedIds, oldest forgotten first, so memory stays bounded on a long run.
#include "function_api.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t kMaxRememberedIds = 1'000'000;
constexpr std::size_t kMaxIdChars = 1024;
constexpr std::size_t kMaxDeliveries = 200'000;

using faaswb::bench::InvalidInput;
using Json = nlohmann::json;

std::int64_t epochUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Handlers run on the host's worker pool, so the per-process counters are guarded by one mutex.
class Counters {
public:
    struct Recorded {
        bool duplicate;
        std::int64_t received;
    };

    Recorded record(const std::string& id, std::optional<std::int64_t> latencyUs) {
        const std::lock_guard lock(m_mutex);
        ++m_received;
        const bool duplicate = m_seen.contains(id);
        if (duplicate)
            ++m_duplicates;
        else
            remember(id);
        if (latencyUs)
            addLatency(*latencyUs);
        if (m_deliveries.size() < kMaxDeliveries)
            m_deliveries.emplace_back(id, latencyUs);
        else
            ++m_deliveriesDropped;
        return {duplicate, m_received};
    }

    Json snapshot(bool reset, bool withDeliveries) {
        const std::lock_guard lock(m_mutex);
        const Json optionalMin = m_latencies ? Json(m_latencyMin) : Json();
        const Json optionalMax = m_latencies ? Json(m_latencyMax) : Json();
        const Json mean = m_latencies ? Json(roundedMean()) : Json();
        Json stats = {
            {"received", m_received},
            {"duplicates", m_duplicates},
            {"unique", m_received - m_duplicates},
            {"latency_us", {{"count", m_latencies}, {"min", optionalMin}, {"max", optionalMax}, {"mean", mean}}}};
        if (withDeliveries) {
            stats["deliveries"] = deliveriesJson();
            stats["deliveries_dropped"] = m_deliveriesDropped;
        }
        if (reset)
            clear();
        return stats;
    }

private:
    void clear() {
        m_received = m_duplicates = m_latencies = m_latencySum = m_latencyMin = m_latencyMax = 0;
        m_deliveriesDropped = 0;
        m_seen.clear();
        m_order.clear();
        m_deliveries.clear();
    }

    Json deliveriesJson() const {
        Json list = Json::array();
        for (const auto& [id, latency] : m_deliveries)
            list.push_back(Json::array({id, latency ? Json(*latency) : Json()}));
        return list;
    }

    void remember(const std::string& id) {
        m_seen.insert(id);
        m_order.push_back(id);
        if (m_order.size() > kMaxRememberedIds) {
            m_seen.erase(m_order.front());
            m_order.pop_front();
        }
    }

    // floor(mean + 0.5) in every language, so the same samples report the same mean.
    std::int64_t roundedMean() const {
        const double mean = static_cast<double>(m_latencySum) / static_cast<double>(m_latencies);
        return static_cast<std::int64_t>(std::floor(mean + 0.5));
    }

    void addLatency(std::int64_t latencyUs) {
        m_latencyMin = m_latencies ? std::min(m_latencyMin, latencyUs) : latencyUs;
        m_latencyMax = m_latencies ? std::max(m_latencyMax, latencyUs) : latencyUs;
        ++m_latencies;
        m_latencySum += latencyUs;
    }

    std::mutex m_mutex;
    std::int64_t m_received = 0;
    std::int64_t m_duplicates = 0;
    std::int64_t m_latencies = 0;
    std::int64_t m_latencySum = 0;
    std::int64_t m_latencyMin = 0;
    std::int64_t m_latencyMax = 0;
    std::unordered_set<std::string> m_seen;
    std::deque<std::string> m_order;
    std::vector<std::pair<std::string, std::optional<std::int64_t>>> m_deliveries; // arrival order, bounded
    std::int64_t m_deliveriesDropped = 0;
};

Counters& counters() {
    static Counters shared;
    return shared;
}

bool flag(const Json& event, const char* key) {
    if (!event.contains(key))
        return false;
    if (!event[key].is_boolean())
        throw InvalidInput(std::string(key) + " must be true or false");
    return event[key].get<bool>();
}

std::string eventId(const Json& event, const Json* attributes) {
    const Json& source = attributes ? *attributes : event;
    const auto found = source.find("id");
    if (found == source.end() || !found->is_string() || found->get<std::string>().empty() ||
        found->get<std::string>().size() > kMaxIdChars)
        throw InvalidInput("the event needs an id (a string of 1 to " + std::to_string(kMaxIdChars) +
                           R"( characters): send a CloudEvent or put "id" in the JSON body)");
    return found->get<std::string>();
}

std::int64_t parseMicros(const std::string& text) {
    const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || text.size() > 18)
        throw InvalidInput("faaswbsentus must be epoch microseconds, got " + Json(text).dump());
    return std::stoll(text);
}

// The producer's send time: the CloudEvent extension first, the data's `sent_us` otherwise.
std::optional<std::int64_t> sentUs(const Json& event, const Json* attributes) {
    if (attributes && attributes->contains("faaswbsentus") && !(*attributes)["faaswbsentus"].is_null()) {
        const Json& value = (*attributes)["faaswbsentus"];
        if (value.is_string())
            return parseMicros(value.get<std::string>());
        return faaswb::bench::integerField(*attributes, "faaswbsentus", 0, INT64_MAX);
    }
    if (!event.contains("sent_us") || event["sent_us"].is_null())
        return std::nullopt;
    return faaswb::bench::integerField(event, "sent_us", 0, INT64_MAX);
}

Json handler(const Json& event, faaswb::bench::Context&) {
    const std::int64_t arrivedUs = epochUs();
    faaswb::bench::requireObject(event);
    if (flag(event, "stats"))
        return counters().snapshot(flag(event, "reset"), flag(event, "deliveries"));
    const Json* attributes = nullptr;
    if (event.contains("_cloudevent") && !event["_cloudevent"].is_null()) {
        attributes = &event["_cloudevent"];
        if (!attributes->is_object())
            throw InvalidInput("_cloudevent must be an object");
    }
    const std::string id = eventId(event, attributes);
    std::optional<std::int64_t> latency;
    Json latencyJson; // null when the send time is unknown
    if (const std::optional<std::int64_t> sent = sentUs(event, attributes)) {
        latency = arrivedUs - *sent;
        latencyJson = arrivedUs - *sent;
    }
    const Counters::Recorded recorded = counters().record(id, latency);
    return {{"received_id", id},
            {"latency_us", std::move(latencyJson)},
            {"sequence", event.value("sequence", Json())},
            {"duplicate", recorded.duplicate},
            {"received", recorded.received}};
}

} // namespace

FAASWB_REGISTER_BENCHMARK("711.event-consumer", handler);
