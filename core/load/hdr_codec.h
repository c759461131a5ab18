// HdrHistogram interchange: the compressed V2 histogram encoding (zlib-deflated, as HdrHistogram's Java/C
// libraries write it) and the interval log (.hlog) format HdrHistogram's own tools read. Pure; thread-safe.
#pragma once

#include "common/result.h"
#include "load/histogram.h"

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace faaswb::load {

// Compressed V2 encoding: a zlib wrapper (cookie 0x1c849314, base 0x1c849304) around the V2 encoding (cookie
// 0x1c849313, base 0x1c849303), as HdrHistogram writes them; the form stored in the results DB and in .hlog lines.
// encodeCompressed returns an empty vector only if zlib runs out of memory.
std::vector<std::uint8_t> encodeCompressed(const LatencyHistogram& histogram);
Result<LatencyHistogram> decodeCompressed(const std::uint8_t* data, std::size_t size);

std::string base64Encode(const std::vector<std::uint8_t>& bytes);
Result<std::vector<std::uint8_t>> base64Decode(std::string_view text);

struct HlogInterval {
    double startSeconds = 0; // relative to the log's StartTime
    double lengthSeconds = 0;
    LatencyHistogram histogram;
};

// Writes an interval log. Values are recorded in microseconds; `maxValueUnitRatio` (default 1000) makes the
// Interval_Max column read in milliseconds, as HdrHistogram's tools expect for jHiccup/wrk2-style logs.
class HlogWriter {
public:
    explicit HlogWriter(std::ostream& out, double maxValueUnitRatio = 1000.0);
    void writeHeader(double startTimeEpochSeconds, const std::string& comment);
    void writeInterval(double startSeconds, double lengthSeconds, const LatencyHistogram& histogram);

private:
    std::ostream& m_out;
    double m_maxValueUnitRatio;
};

struct Hlog {
    double startTimeEpochSeconds = 0;
    std::vector<HlogInterval> intervals;
};
Result<Hlog> readHlog(std::istream& in);

} // namespace faaswb::load
