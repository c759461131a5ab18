// CloudEventStream: the events the eventing scenario sends to a broker, one per load request, as a RequestVariation:
// binary-mode CloudEvents 1.0 (ce-id "<run>-<sequence>", ce-type dev.faaswb.benchmark, ce-sequence, ce-faaswbsentus
// = the send time in epoch µs taken in prepare()), whose JSON data the 711.event-consumer reads. It also remembers
// which events the broker accepted (2xx). prepare/onResponse are called from load workers concurrently.
#pragma once

#include "load/request.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace faaswb::engine::eventing {

inline constexpr const char* kBenchmarkEventType = "dev.faaswb.benchmark";

struct EventStreamOptions {
    std::string run;                // unique per drive; the ids' prefix
    std::string source;             // ce-source
    std::uint64_t payloadBytes = 0; // the event body is padded to this size (at least its JSON fields)
};

class CloudEventStream final : public load::RequestVariation {
public:
    explicit CloudEventStream(EventStreamOptions options);

    bool prepare(std::uint64_t index, std::string& body,
                 std::vector<std::pair<std::string, std::string>>& headers) override;
    void onResponse(std::uint64_t index, int status, load::ErrorKind error, std::string_view body) override;

    const std::string& run() const noexcept { return m_options.run; }
    std::string eventId(std::uint64_t index) const; // "<run>-<index + 1>"
    // The index of an id of this stream; nullopt for any other id.
    std::optional<std::uint64_t> indexOf(std::string_view id) const;
    bool accepted(std::uint64_t index) const;
    std::uint64_t acceptedCount() const;

    // The event's data: {"run", "sequence", "sent_us", "payload"} with `payload` padded so the whole body is
    // `payloadBytes` long when that is more than the fields need.
    static std::string eventBody(const std::string& run, std::uint64_t sequence, std::int64_t sentUs,
                                 std::uint64_t payloadBytes);

private:
    EventStreamOptions m_options;
    mutable std::mutex m_mutex; // only onResponse and the readers after the drive take it
    std::unordered_set<std::uint64_t> m_accepted;
};

// A fresh run tag: "ev" and 12 hex digits.
std::string newEventRunTag();

} // namespace faaswb::engine::eventing
