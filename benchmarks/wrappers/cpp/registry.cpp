#include "function_api.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>

namespace faaswb::bench {
namespace {

// The value as an integer when it is one: 1 and 1.0 alike (Python and Node do not tell them apart either).
std::optional<std::int64_t> asInteger(const nlohmann::json& value) {
    constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (value.is_number_unsigned())
        return value.get<std::uint64_t>() > largest ? std::nullopt : std::optional(value.get<std::int64_t>());
    if (value.is_number_integer())
        return value.get<std::int64_t>();
    if (!value.is_number_float())
        return std::nullopt;
    const double number = value.get<double>();
    if (!std::isfinite(number) || number != std::trunc(number) || std::abs(number) > 9.0e18)
        return std::nullopt;
    return static_cast<std::int64_t>(number);
}

} // namespace

Registry& Registry::instance() {
    // A function-local static: registrars in other translation units may run before any global here is built.
    static Registry registry;
    return registry;
}

void Registry::add(const std::string& id, Handler handler) {
    if (!m_handlers.emplace(id, std::move(handler)).second) {
        std::fprintf(stderr, "error: two handlers register the benchmark %s\n", id.c_str());
        std::abort();
    }
}

const Handler* Registry::find(const std::string& id) const {
    const auto found = m_handlers.find(id);
    return found == m_handlers.end() ? nullptr : &found->second;
}

std::vector<std::string> Registry::ids() const {
    std::vector<std::string> ids;
    for (const auto& [id, handler] : m_handlers)
        ids.push_back(id);
    return ids;
}

void requireObject(const nlohmann::json& event) {
    if (!event.is_object())
        throw InvalidInput("expected a JSON object");
}

std::int64_t integerField(const nlohmann::json& event, const std::string& key, std::int64_t min, std::int64_t max) {
    requireObject(event);
    const auto found = event.find(key);
    const auto integer = found == event.end() ? std::nullopt : asInteger(*found);
    if (!integer || *integer < min || *integer > max)
        throw InvalidInput(key + " must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
    return *integer;
}

std::string stringField(const nlohmann::json& event, const std::string& key) {
    requireObject(event);
    const auto found = event.find(key);
    if (found == event.end() || !found->is_string())
        throw InvalidInput(key + " must be a string");
    return found->get<std::string>();
}

} // namespace faaswb::bench
