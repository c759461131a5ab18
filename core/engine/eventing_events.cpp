// CloudEventStream: CloudEvents over the HTTP binary binding (ce-* headers, data as the body).
#include "engine/eventing_events.h"

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

namespace faaswb::engine::eventing {
namespace {

std::int64_t epochUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

CloudEventStream::CloudEventStream(EventStreamOptions options)
    : m_options(std::move(options)) {}

std::string CloudEventStream::eventBody(const std::string& run, std::uint64_t sequence, std::int64_t sentUs,
                                        std::uint64_t payloadBytes) {
    nlohmann::json data{{"run", run}, {"sequence", sequence}, {"sent_us", sentUs}, {"payload", ""}};
    std::string body = data.dump();
    if (payloadBytes > body.size()) {
        data["payload"] = std::string(payloadBytes - body.size(), 'x');
        body = data.dump();
    }
    return body;
}

bool CloudEventStream::prepare(std::uint64_t index, std::string& body,
                               std::vector<std::pair<std::string, std::string>>& headers) {
    const std::uint64_t sequence = index + 1;
    const std::int64_t sentUs = epochUs();
    body = eventBody(m_options.run, sequence, sentUs, m_options.payloadBytes);
    headers.emplace_back("ce-specversion", "1.0");
    headers.emplace_back("ce-id", eventId(index));
    headers.emplace_back("ce-type", kBenchmarkEventType);
    headers.emplace_back("ce-source", m_options.source);
    headers.emplace_back("ce-sequence", std::to_string(sequence));
    headers.emplace_back("ce-faaswbsentus", std::to_string(sentUs));
    return true;
}

void CloudEventStream::onResponse(std::uint64_t index, int status, load::ErrorKind, std::string_view) {
    if (status < 200 || status >= 300)
        return;
    const std::lock_guard lock(m_mutex);
    m_accepted.insert(index);
}

std::string CloudEventStream::eventId(std::uint64_t index) const {
    return m_options.run + "-" + std::to_string(index + 1);
}

std::optional<std::uint64_t> CloudEventStream::indexOf(std::string_view id) const {
    const std::string_view run = m_options.run;
    if (id.size() <= run.size() + 1 || !id.starts_with(run) || id[run.size()] != '-')
        return std::nullopt;
    const std::string_view digits = id.substr(run.size() + 1);
    std::uint64_t sequence = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), sequence);
    if (error != std::errc() || end != digits.data() + digits.size() || sequence == 0)
        return std::nullopt;
    return sequence - 1;
}

bool CloudEventStream::accepted(std::uint64_t index) const {
    const std::lock_guard lock(m_mutex);
    return m_accepted.contains(index);
}

std::uint64_t CloudEventStream::acceptedCount() const {
    const std::lock_guard lock(m_mutex);
    return m_accepted.size();
}

std::string newEventRunTag() {
    std::random_device device;
    std::mt19937_64 generator((static_cast<std::uint64_t>(device()) << 32) ^ device() ^
                              static_cast<std::uint64_t>(epochUs()));
    static constexpr char kHex[] = "0123456789abcdef";
    std::string tag = "ev";
    std::uint64_t bits = generator();
    for (int i = 0; i < 12; ++i, bits >>= 4)
        tag += kHex[bits & 15];
    return tag;
}

} // namespace faaswb::engine::eventing
