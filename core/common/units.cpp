#include "common/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace faaswb {
namespace {

struct NumberPrefix {
    double value = 0;
    std::string_view rest;
};

// Reads a leading decimal number ("1.5" of "1.5k/s"); from_chars for double is in libstdc++ 11+.
bool readNumber(std::string_view text, NumberPrefix& out) {
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(begin, end, out.value);
    if (ec != std::errc() || ptr == begin || !std::isfinite(out.value))
        return false;
    out.rest = text.substr(static_cast<std::size_t>(ptr - begin));
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

double durationUnitNanos(std::string_view unit) {
    if (unit == "ns")
        return 1;
    if (unit == "us" || unit == "µs")
        return 1e3;
    if (unit == "ms")
        return 1e6;
    if (unit == "s")
        return 1e9;
    if (unit == "m")
        return 60e9;
    if (unit == "h")
        return 3600e9;
    return 0;
}

// Built by appending: GCC 12's -Wrestrict misfires on "'" + std::string(...) in optimised builds.
std::string quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '\'';
    out.append(text);
    out += '\'';
    return out;
}

} // namespace

Result<Nanos> parseDuration(std::string_view input) {
    std::string_view text = trim(input);
    const std::string expected = "expected a duration such as 500ms, 30s, 2m or 1h";
    if (text == "0")
        return Nanos{0};
    if (text.empty())
        return invalidInput("empty duration: " + expected);
    double totalNanos = 0;
    while (!text.empty()) {
        NumberPrefix number;
        if (!readNumber(text, number) || number.value < 0)
            return invalidInput("invalid duration " + quoted(input) + ": " + expected);
        std::size_t unitLength = 0;
        while (unitLength < number.rest.size() && !std::isdigit(static_cast<unsigned char>(number.rest[unitLength])) &&
               number.rest[unitLength] != '.')
            ++unitLength;
        const double unit = durationUnitNanos(number.rest.substr(0, unitLength));
        if (unit == 0)
            return invalidInput("invalid duration " + quoted(input) + ": missing or unknown unit; " + expected);
        totalNanos += number.value * unit;
        text = number.rest.substr(unitLength);
    }
    if (totalNanos > 1e9 * 3600 * 24 * 365)
        return invalidInput("duration " + quoted(input) + " is longer than a year");
    return Nanos{static_cast<Nanos::rep>(std::llround(totalNanos))};
}

Result<double> parseRate(std::string_view input) {
    std::string_view text = trim(input);
    NumberPrefix number;
    const std::string expected = "expected a rate such as 200, 200/s, 1.5k/s or 3000/m";
    if (!readNumber(text, number))
        return invalidInput("invalid rate " + quoted(input) + ": " + expected);
    if (number.value < 0)
        return invalidInput("rate " + quoted(input) + " is negative");
    std::string_view rest = number.rest;
    double value = number.value;
    if (!rest.empty() && (rest.front() == 'k' || rest.front() == 'K')) {
        value *= 1e3;
        rest.remove_prefix(1);
    } else if (!rest.empty() && rest.front() == 'M') {
        value *= 1e6;
        rest.remove_prefix(1);
    }
    if (rest.empty() || rest == "/s" || rest == "rps")
        return value;
    if (rest == "/m")
        return value / 60;
    if (rest == "/h")
        return value / 3600;
    return invalidInput("invalid rate " + quoted(input) + ": " + expected);
}

Result<std::uint64_t> parseByteSize(std::string_view input) {
    std::string_view text = trim(input);
    NumberPrefix number;
    const std::string expected = "expected a size such as 512, 1KB, 2MiB or 1GB";
    if (!readNumber(text, number) || number.value < 0)
        return invalidInput("invalid size " + quoted(input) + ": " + expected);
    const std::string_view unit = trim(number.rest);
    double multiplier = 0;
    if (unit.empty() || unit == "B")
        multiplier = 1;
    else if (unit == "KB" || unit == "kB" || unit == "K" || unit == "k")
        multiplier = 1e3;
    else if (unit == "KiB")
        multiplier = 1024;
    else if (unit == "MB" || unit == "M")
        multiplier = 1e6;
    else if (unit == "MiB")
        multiplier = 1024.0 * 1024;
    else if (unit == "GB" || unit == "G")
        multiplier = 1e9;
    else if (unit == "GiB")
        multiplier = 1024.0 * 1024 * 1024;
    if (multiplier == 0)
        return invalidInput("invalid size " + quoted(input) + ": unknown unit; " + expected);
    // llround has no defined result beyond long long, so "1e30GB" would come back as an arbitrary size.
    const double bytes = number.value * multiplier;
    if (bytes > 1e18)
        return invalidInput("size " + quoted(input) + " is larger than 1 EB");
    return static_cast<std::uint64_t>(std::llround(bytes));
}

std::string formatDuration(Nanos duration) {
    const double ns = static_cast<double>(duration.count());
    char buffer[64];
    if (ns < 1e3)
        std::snprintf(buffer, sizeof buffer, "%.0fns", ns);
    else if (ns < 1e6)
        std::snprintf(buffer, sizeof buffer, "%gus", ns / 1e3);
    else if (ns < 1e9)
        std::snprintf(buffer, sizeof buffer, "%gms", std::round(ns / 1e4) / 100);
    else if (ns < 60e9)
        std::snprintf(buffer, sizeof buffer, "%gs", std::round(ns / 1e7) / 100);
    else {
        const auto totalSeconds = static_cast<long long>(std::llround(ns / 1e9));
        const long long hours = totalSeconds / 3600, minutes = totalSeconds / 60 % 60, seconds = totalSeconds % 60;
        std::ostringstream out;
        if (hours)
            out << hours << 'h';
        if (minutes)
            out << minutes << 'm';
        if (seconds || (!hours && !minutes))
            out << seconds << 's';
        return out.str();
    }
    return buffer;
}

std::string formatMicros(double micros) {
    char buffer[64];
    if (micros < 1000)
        std::snprintf(buffer, sizeof buffer, "%.0fus", micros);
    else if (micros < 1e6)
        std::snprintf(buffer, sizeof buffer, "%.2fms", micros / 1e3);
    else
        std::snprintf(buffer, sizeof buffer, "%.2fs", micros / 1e6);
    return buffer;
}

std::string formatCount(double value) {
    char buffer[64];
    if (std::fabs(value) < 1e4)
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
    else if (std::fabs(value) < 1e6)
        std::snprintf(buffer, sizeof buffer, "%.1fk", value / 1e3);
    else
        std::snprintf(buffer, sizeof buffer, "%.2fM", value / 1e6);
    return buffer;
}

} // namespace faaswb
