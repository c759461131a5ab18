// Parsing and printing of the units used in experiment files and on the command line:
// durations (500ms, 30s, 2m, 1h, 1m30s), rates (200, 200/s, 12k, 3000/m) and byte sizes (512, 1KB, 2MiB).
// Pure functions; thread-safe.
#pragma once

#include "common/result.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace faaswb {

using Nanos = std::chrono::nanoseconds;

// "500ms", "30s", "2m", "1h", "1m30s", "250us", "0". A bare number is rejected: units are mandatory.
Result<Nanos> parseDuration(std::string_view text);
// Requests per second: "200", "200/s", "1.5k", "12k/s", "3000/m", "10/h". Negative is rejected.
Result<double> parseRate(std::string_view text);
// Bytes: "512", "512B", "1KB" (1000), "1KiB" (1024), "2MB", "2MiB", "1GB".
Result<std::uint64_t> parseByteSize(std::string_view text);

// "1.5s", "250ms", "2m30s" — the shortest exact-enough form, for messages and reports.
std::string formatDuration(Nanos duration);
// A latency in microseconds as "850us", "12.3ms", "1.20s".
std::string formatMicros(double micros);
// "12.3k", "950", "1.20M" for counts and rates.
std::string formatCount(double value);

} // namespace faaswb
