#include "trace_context.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <random>

namespace faaswb::bench {
namespace {

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool isHex(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

} // namespace

std::string randomHex(std::size_t bytes) {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    text.reserve(bytes * 2);
    while (text.size() < bytes * 2) {
        std::uint64_t word = generator();
        for (int i = 0; i < 16 && text.size() < bytes * 2; ++i, word >>= 4)
            text.push_back(kDigits[word & 0xF]);
    }
    return text;
}

std::int64_t epochMicros() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

SpanContext::SpanContext(const HeaderLookup& header) {
    if (!readB3(header))
        readTraceparent(header);
    if (m_traceId.empty())
        m_traceId = randomHex(16);
    m_spanId = randomHex(8);
}

bool SpanContext::readB3(const HeaderLookup& header) {
    const std::string traceId = header("X-B3-TraceId");
    if (traceId.empty())
        return false;
    m_traceId = lowercase(traceId);
    m_parentId = lowercase(header("X-B3-SpanId"));
    const std::string sampled = header("X-B3-Sampled");
    m_sampled = sampled != "0" && sampled != "false";
    return true;
}

// traceparent: 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags, bit 0 = sampled>
bool SpanContext::readTraceparent(const HeaderLookup& header) {
    const std::string value = header("traceparent");
    if (value.size() < 55 || value[2] != '-' || value[35] != '-' || value[52] != '-')
        return false;
    const std::string_view text(value);
    if (!isHex(text.substr(3, 32)) || !isHex(text.substr(36, 16)))
        return false;
    m_traceId = lowercase(value.substr(3, 32));
    m_parentId = lowercase(value.substr(36, 16));
    const std::string_view flags = text.substr(53, 2);
    m_sampled = !isHex(flags) || (std::stoi(std::string(flags), nullptr, 16) & 1) == 1;
    return true;
}

std::map<std::string, std::string> SpanContext::outgoingHeaders() const {
    const std::string flag = m_sampled ? "1" : "0";
    const std::string paddedTrace = std::string(32 - std::min<std::size_t>(32, m_traceId.size()), '0') + m_traceId;
    return {{"X-B3-TraceId", m_traceId},
            {"X-B3-SpanId", m_spanId},
            {"X-B3-Sampled", flag},
            {"traceparent", "00-" + paddedTrace + "-" + m_spanId + "-0" + flag}};
}

nlohmann::json SpanContext::toZipkin(const std::string& service, SpanTimes times,
                                     const std::map<std::string, std::string>& tags) const {
    nlohmann::json span{{"traceId", m_traceId},
                        {"id", m_spanId},
                        {"name", "function"},
                        {"kind", "SERVER"},
                        {"timestamp", times.beginUs},
                        {"duration", std::max<std::int64_t>(1, times.endUs - times.beginUs)},
                        {"localEndpoint", {{"serviceName", service}}},
                        {"tags", tags}};
    if (!m_parentId.empty())
        span["parentId"] = m_parentId;
    return span;
}

} // namespace faaswb::bench
