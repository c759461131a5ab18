// ISO-8601 UTC timestamps as the results database stores them ("2024-05-01T12:00:00.123Z"): sortable as text and
// understood by SQLite's date functions. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace faaswb::results {

std::string formatIsoUtc(std::chrono::system_clock::time_point time);
// Accepts what formatIsoUtc writes, with or without the milliseconds.
std::optional<std::chrono::system_clock::time_point> parseIsoUtc(std::string_view text);

} // namespace faaswb::results
