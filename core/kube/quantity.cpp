#include "kube/quantity.h"

#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

namespace faaswb::kube {
namespace {

Error invalidQuantity(std::string_view text, const std::string& why) {
    return invalidInput("invalid quantity '" + std::string(text) + "': " + why);
}

bool isNumberChar(char c) {
    return (c >= '0' && c <= '9') || c == '.';
}

// The longest prefix of optional sign, digits and at most one point; the rest is the suffix.
std::size_t numberLength(std::string_view text) {
    std::size_t end = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
    while (end < text.size() && isNumberChar(text[end]))
        ++end;
    return end;
}

std::optional<double> suffixMultiplier(std::string_view suffix) {
    static constexpr std::array<std::pair<std::string_view, double>, 16> table{{
        {"", 1.0},
        {"n", 1e-9},
        {"u", 1e-6},
        {"m", 1e-3},
        {"k", 1e3},
        {"M", 1e6},
        {"G", 1e9},
        {"T", 1e12},
        {"P", 1e15},
        {"E", 1e18},
        {"Ki", 0x1p10},
        {"Mi", 0x1p20},
        {"Gi", 0x1p30},
        {"Ti", 0x1p40},
        {"Pi", 0x1p50},
        {"Ei", 0x1p60},
    }};
    for (const auto& [name, multiplier] : table) {
        if (name == suffix)
            return multiplier;
    }
    return std::nullopt;
}

// "e3", "E-2": a decimal exponent. A lone "E" is the exa suffix and never reaches here.
std::optional<double> exponentMultiplier(std::string_view suffix) {
    if (suffix.size() < 2 || (suffix[0] != 'e' && suffix[0] != 'E'))
        return std::nullopt;
    std::string_view digits = suffix.substr(1);
    if (digits[0] == '+')
        digits.remove_prefix(1);
    int exponent = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), exponent);
    if (error != std::errc{} || end != digits.data() + digits.size())
        return std::nullopt;
    return std::pow(10.0, exponent);
}

// from_chars, unlike strtod, ignores the locale (a Qt application runs with the user's LC_NUMERIC).
std::optional<double> parseNumber(std::string_view number) {
    if (!number.empty() && number[0] == '+')
        number.remove_prefix(1);
    double value = 0;
    const auto [end, error] =
        std::from_chars(number.data(), number.data() + number.size(), value, std::chars_format::fixed);
    if (error != std::errc{} || end != number.data() + number.size())
        return std::nullopt;
    return value;
}

} // namespace

Result<double> parseQuantity(std::string_view text) {
    if (text.empty())
        return invalidQuantity(text, "empty");
    const std::size_t split = numberLength(text);
    const std::string_view number = text.substr(0, split);
    const std::string_view suffix = text.substr(split);
    const auto value = parseNumber(number);
    if (!value)
        return invalidQuantity(text, "expected a number such as 100m, 1.5Gi or 1e3");
    auto multiplier = suffixMultiplier(suffix);
    if (!multiplier)
        multiplier = exponentMultiplier(suffix);
    if (!multiplier)
        return invalidQuantity(text, "unknown suffix '" + std::string(suffix) +
                                         "' (use n u m k M G T P E, Ki Mi Gi "
                                         "Ti Pi Ei, or an exponent like e3)");
    return *value * *multiplier;
}

Result<double> cpuMillicores(std::string_view text) {
    auto value = parseQuantity(text);
    if (!value)
        return value.error();
    return *value * 1000.0;
}

Result<double> bytes(std::string_view text) {
    return parseQuantity(text);
}

} // namespace faaswb::kube
