#include "engine/arrival_trace.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <string_view>
#include <strings.h>

namespace faaswb::engine {
namespace {

using Distribution = model::ReplayConfig::Distribution;

constexpr std::array<std::string_view, 4> kAzureIdColumns{"HashOwner", "HashApp", "HashFunction", "Trigger"};
constexpr std::size_t kHashFunctionColumn = 2;
// A replay holds its arrivals in memory (8 bytes each); beyond this a trace wants `minutes`, not more memory.
constexpr std::uint64_t kMaxArrivals = 20'000'000;

struct FieldAt {
    std::string_view text;
    std::size_t column = 1; // 1-based character column where the field starts
};

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

// Plain comma separation: the trace formats hold hashes, names and numbers, never quoted commas.
std::vector<FieldAt> splitFields(std::string_view line) {
    std::vector<FieldAt> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = std::min(line.find(',', start), line.size());
        fields.push_back({trimmed(line.substr(start, comma - start)), start + 1});
        if (comma == line.size())
            return fields;
        start = comma + 1;
    }
}

// Reads lines with their numbers, without the line end (\n or \r\n) or a UTF-8 byte order mark.
class LineReader {
public:
    explicit LineReader(std::istream& in)
        : m_in(in) {}
    bool next(std::string& line) {
        if (!std::getline(m_in, line))
            return false;
        ++m_number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (m_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0)
            line.erase(0, 3);
        return true;
    }
    std::size_t number() const noexcept { return m_number; }

private:
    std::istream& m_in;
    std::size_t m_number = 0;
};

Error errorAt(const std::string& file, std::size_t line, std::size_t column, const std::string& message) {
    return Error{ErrorCode::InvalidInput,
                 file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message};
}

bool allDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

template <class T>
std::optional<T> parseNumber(std::string_view text) {
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// The header's minute columns: 1, 2, ... in order. Returns how many there are.
Result<std::size_t> checkAzureHeader(const std::string& line, const std::string& file) {
    const auto fields = splitFields(line);
    const std::string expected = " (the Azure Functions header is HashOwner,HashApp,HashFunction,Trigger,1,2,...)";
    for (std::size_t i = 0; i < kAzureIdColumns.size(); ++i)
        if (i >= fields.size() || fields[i].text != kAzureIdColumns[i])
            return errorAt(file, 1, i < fields.size() ? fields[i].column : line.size() + 1,
                           "expected column '" + std::string(kAzureIdColumns[i]) + "'" + expected);
    if (fields.size() == kAzureIdColumns.size())
        return errorAt(file, 1, line.size() + 1, "no minute columns" + expected);
    for (std::size_t i = kAzureIdColumns.size(); i < fields.size(); ++i) {
        const std::string minute = std::to_string(i - kAzureIdColumns.size() + 1);
        if (fields[i].text != minute)
            return errorAt(file, 1, fields[i].column,
                           "expected minute column '" + minute + "', found '" + std::string(fields[i].text) + "'");
    }
    return fields.size() - kAzureIdColumns.size();
}

bool rowMatches(const std::vector<FieldAt>& fields, std::size_t row, const std::string& function) {
    if (function.empty())
        return true;
    if (allDigits(function))
        return std::to_string(row) == function;
    return fields.size() > kHashFunctionColumn && fields[kHashFunctionColumn].text == function;
}

Result<MinuteCounts> countsOfRow(const std::vector<FieldAt>& fields, std::size_t minuteColumns, std::size_t keep,
                                 const std::string& file, std::size_t line) {
    if (fields.size() != kAzureIdColumns.size() + minuteColumns)
        return errorAt(file, line, 1,
                       "the row has " + std::to_string(fields.size()) + " columns, the header " +
                           std::to_string(kAzureIdColumns.size() + minuteColumns));
    MinuteCounts counts;
    counts.function = std::string(fields[kHashFunctionColumn].text);
    for (std::size_t m = 0; m < keep; ++m) {
        const FieldAt& field = fields[kAzureIdColumns.size() + m];
        const auto count = parseNumber<std::uint64_t>(field.text);
        if (!count)
            return errorAt(file, line, field.column,
                           "the count for minute " + std::to_string(m + 1) + " is not a whole number >= 0: '" +
                               std::string(field.text) + "'");
        counts.perMinute.push_back(*count);
    }
    return counts;
}

std::string noSuchFunction(const std::string& file, const std::string& function, std::size_t rows) {
    const std::string what =
        allDigits(function) ? "no row " + function : "no function with HashFunction '" + function + "'";
    return file + ": " + what + " (the trace has " + std::to_string(rows) + " function rows; `function` takes a " +
           "HashFunction or a 1-based row number)";
}

// Uniform in [0, 1) from the top 53 bits, and exponential by inversion: written out rather than taken from
// <random>'s distributions, whose algorithms differ between standard libraries (mt19937_64's output does not).
double uniform01(std::mt19937_64& random) {
    return static_cast<double>(random() >> 11) * 0x1.0p-53;
}
double exponential(std::mt19937_64& random, double mean) {
    return -mean * std::log1p(-uniform01(random));
}

void placeMinute(std::uint64_t count, double start, Distribution distribution, std::mt19937_64& random,
                 std::vector<double>& times) {
    if (count == 0)
        return;
    const double perArrival = 60.0 / static_cast<double>(count);
    switch (distribution) {
    case Distribution::Equidistant:
        for (std::uint64_t j = 0; j < count; ++j)
            times.push_back(start + static_cast<double>(j) * perArrival);
        return;
    case Distribution::Uniform: {
        const auto first = times.size();
        for (std::uint64_t j = 0; j < count; ++j)
            times.push_back(start + 60.0 * uniform01(random));
        std::sort(times.begin() + static_cast<std::ptrdiff_t>(first), times.end());
        return;
    }
    case Distribution::Exponential:
        for (double t = exponential(random, perArrival); t < 60.0; t += exponential(random, perArrival))
            times.push_back(start + t);
        return;
    }
}

std::vector<load::Nanos> scaled(const std::vector<double>& seconds, double timeScale) {
    std::vector<load::Nanos> arrivals;
    arrivals.reserve(seconds.size());
    for (double s : seconds)
        arrivals.emplace_back(std::llround(s / timeScale * 1e9));
    return arrivals;
}

Result<ArrivalTrace> azureTrace(std::istream& in, const model::ReplayConfig& config) {
    auto counts = readAzureCounts(in, config.file, config.function, config.minutes);
    if (!counts)
        return counts.error();
    std::uint64_t total = 0;
    for (std::uint64_t count : counts->perMinute)
        total += count;
    if (total > kMaxArrivals)
        return invalidInput(config.file + ": the selected minutes hold " + std::to_string(total) +
                            " invocations, more than the " + std::to_string(kMaxArrivals) +
                            " a replay takes; replay fewer `minutes`");
    ArrivalTrace trace;
    trace.arrivals = scaled(placeArrivals(counts->perMinute, config.distribution, config.seed), config.timeScale);
    trace.replayedSeconds = 60.0 * static_cast<double>(counts->perMinute.size()) / config.timeScale;
    trace.source = "function " + counts->function + " (row " + std::to_string(counts->row) + "), minutes 1-" +
                   std::to_string(counts->perMinute.size());
    return trace;
}

Result<ArrivalTrace> timestampTrace(std::istream& in, const model::ReplayConfig& config) {
    auto seconds = readTimestamps(in, config.file);
    if (!seconds)
        return seconds.error();
    if (seconds->size() > kMaxArrivals)
        return invalidInput(config.file + ": more than " + std::to_string(kMaxArrivals) + " timestamps");
    ArrivalTrace trace;
    trace.arrivals = scaled(*seconds, config.timeScale);
    trace.replayedSeconds = seconds->empty() ? 0.0 : seconds->back() / config.timeScale;
    trace.source = std::to_string(seconds->size()) + " timestamps";
    return trace;
}

} // namespace

Result<MinuteCounts> readAzureCounts(std::istream& in, const std::string& fileName, const std::string& function,
                                     std::optional<int> minutes) {
    LineReader lines(in);
    std::string line;
    if (!lines.next(line))
        return invalidInput(fileName + ": the trace file is empty");
    const auto minuteColumns = checkAzureHeader(line, fileName);
    if (!minuteColumns)
        return minuteColumns.error();
    if (minutes && static_cast<std::size_t>(*minutes) > *minuteColumns)
        return invalidInput(fileName + ": `minutes` is " + std::to_string(*minutes) + " but the trace has " +
                            std::to_string(*minuteColumns) + " minute columns");
    const std::size_t keep = minutes ? static_cast<std::size_t>(std::max(0, *minutes)) : *minuteColumns;
    std::size_t row = 0;
    while (lines.next(line)) {
        if (trimmed(line).empty())
            continue;
        const auto fields = splitFields(line);
        if (!rowMatches(fields, ++row, function))
            continue;
        auto counts = countsOfRow(fields, *minuteColumns, keep, fileName, lines.number());
        if (counts)
            counts->row = row;
        return counts;
    }
    if (row == 0)
        return invalidInput(fileName + ": the trace has a header but no function rows");
    return invalidInput(noSuchFunction(fileName, function, row));
}

Result<std::vector<double>> readTimestamps(std::istream& in, const std::string& fileName) {
    LineReader lines(in);
    std::string line;
    std::vector<double> seconds;
    bool first = true;
    while (lines.next(line)) {
        const std::string_view text = trimmed(line);
        if (text.empty())
            continue;
        const bool header = first && text.size() == 9 && strncasecmp(text.data(), "timestamp", 9) == 0;
        first = false;
        if (header)
            continue;
        const auto column = static_cast<std::size_t>(text.data() - line.data()) + 1;
        if (text.find(',') != std::string_view::npos)
            return errorAt(fileName, lines.number(), column + text.find(','),
                           "expected one column of seconds since the start");
        const auto value = parseNumber<double>(text);
        if (!value || !std::isfinite(*value) || *value < 0)
            return errorAt(fileName, lines.number(), column,
                           "expected seconds since the start (a number >= 0), found '" + std::string(text) + "'");
        seconds.push_back(*value);
    }
    std::sort(seconds.begin(), seconds.end());
    return seconds;
}

std::vector<double> placeArrivals(const std::vector<std::uint64_t>& perMinute, Distribution distribution,
                                  std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::vector<double> times;
    for (std::size_t m = 0; m < perMinute.size(); ++m)
        placeMinute(perMinute[m], 60.0 * static_cast<double>(m), distribution, random, times);
    return times;
}

Result<ArrivalTrace> loadArrivalTrace(const model::ReplayConfig& config) {
    if (!(config.timeScale > 0))
        return invalidInput("trace.timeScale must be above 0");
    std::ifstream in(config.file, std::ios::binary);
    if (!in)
        return invalidInput("cannot read the trace file " + config.file + ": " + std::strerror(errno));
    return config.format == model::ReplayConfig::Format::AzureFunctions ? azureTrace(in, config)
                                                                        : timestampTrace(in, config);
}

} // namespace faaswb::engine
