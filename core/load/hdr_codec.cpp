#include "load/hdr_codec.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <limits>
#include <locale>
#include <sstream>
#include <zlib.h>

namespace faaswb::load {
namespace {

// Cookies as HdrHistogram writes them: the V2 base with 0x10 in the word-size nibble, which marks the ZigZag LEB128
// payload. Readers compare only the base (cookie & ~0xf0), as HdrHistogram's own decoders do.
constexpr std::uint32_t kEncodingCookieBase = 0x1c849303;
constexpr std::uint32_t kCompressedCookieBase = 0x1c849304;
constexpr std::uint32_t kWordSizeNibble = 0x10;
constexpr std::uint32_t kCookieBaseMask = ~std::uint32_t{0xf0};
constexpr std::size_t kEncodingHeaderSize = 40;
constexpr std::size_t kCompressedHeaderSize = 8;
// A 1 h, 5-digit histogram needs under 50 MB inflated; anything larger is corrupt or hostile.
constexpr std::size_t kMaxInflatedSize = std::size_t{64} << 20;
constexpr int kMaxVarintBytes = 9;

using Bytes = std::vector<std::uint8_t>;

void putBigEndian(Bytes& out, std::uint64_t value, int bytes) {
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint64_t readBigEndian(const std::uint8_t* data, int bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i)
        value = (value << 8) | data[i];
    return value;
}

std::int32_t readInt32(const std::uint8_t* data) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(readBigEndian(data, 4)));
}

std::int64_t readInt64(const std::uint8_t* data) {
    return static_cast<std::int64_t>(readBigEndian(data, 8));
}

// HdrHistogram's "LEB128-64b9B" variant: eight 7-bit groups, then the last byte carries all 8 remaining bits,
// so a 64-bit value never needs the tenth byte standard LEB128 would use.
void putVarint(Bytes& out, std::int64_t value) {
    auto zigzag = (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
    for (int i = 0; i < kMaxVarintBytes - 1; ++i) {
        if ((zigzag >> 7) == 0) {
            out.push_back(static_cast<std::uint8_t>(zigzag));
            return;
        }
        out.push_back(static_cast<std::uint8_t>((zigzag & 0x7f) | 0x80));
        zigzag >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(zigzag));
}

// Returns false when the input ends inside a varint.
bool takeVarint(const std::uint8_t*& cursor, const std::uint8_t* end, std::int64_t& value) {
    std::uint64_t zigzag = 0;
    for (int i = 0; i < kMaxVarintBytes; ++i) {
        if (cursor == end)
            return false;
        const std::uint8_t byte = *cursor++;
        const bool last = i == kMaxVarintBytes - 1;
        zigzag |= std::uint64_t{last ? byte : static_cast<std::uint8_t>(byte & 0x7f)} << (7 * i);
        if (last || (byte & 0x80) == 0)
            break;
    }
    value = static_cast<std::int64_t>(zigzag >> 1) ^ -static_cast<std::int64_t>(zigzag & 1);
    return true;
}

// Counts up to the bucket of the largest value; a run of empty buckets becomes one negative run length.
Bytes encodeCounts(const LatencyHistogram& histogram) {
    Bytes payload;
    const std::size_t length = histogram.indexForValue(histogram.max()) + 1;
    for (std::size_t i = 0; i < length;) {
        std::int64_t zeros = 0;
        while (i < length && histogram.countAtIndex(i) == 0) {
            ++zeros;
            ++i;
        }
        if (zeros > 0)
            putVarint(payload, -zeros);
        else
            putVarint(payload, histogram.countAtIndex(i++));
    }
    return payload;
}

Bytes encodeUncompressed(const LatencyHistogram& histogram) {
    const Bytes payload = encodeCounts(histogram);
    Bytes out;
    out.reserve(kEncodingHeaderSize + payload.size());
    putBigEndian(out, kEncodingCookieBase | kWordSizeNibble, 4);
    putBigEndian(out, payload.size(), 4);
    putBigEndian(out, 0, 4); // normalizingIndexOffset: we never shift histograms
    putBigEndian(out, static_cast<std::uint64_t>(histogram.significantDigits()), 4);
    putBigEndian(out, static_cast<std::uint64_t>(histogram.lowestDiscernibleValue()), 8);
    putBigEndian(out, static_cast<std::uint64_t>(histogram.highestTrackableValue()), 8);
    putBigEndian(out, std::bit_cast<std::uint64_t>(1.0), 8); // integerToDoubleValueConversionRatio
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

Result<Bytes> inflateAll(const std::uint8_t* data, std::size_t size) {
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK)
        return internalError("cannot initialise zlib");
    stream.next_in = const_cast<Bytef*>(data);
    stream.avail_in = static_cast<uInt>(size);
    Bytes out;
    std::array<Bytef, 16384> chunk{};
    int status = Z_OK;
    while (status == Z_OK && out.size() < kMaxInflatedSize) {
        stream.next_out = chunk.data();
        stream.avail_out = static_cast<uInt>(chunk.size());
        status = inflate(&stream, Z_NO_FLUSH);
        out.insert(out.end(), chunk.begin(), chunk.end() - stream.avail_out);
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END)
        return invalidInput("histogram: the compressed data is corrupt or truncated");
    return out;
}

struct EncodingHeader {
    std::uint32_t cookie = 0;
    std::int32_t payloadLength = 0;
    // Ignored on reading, as hdr-histogram-js does: it writes 1 here (and a ratio of 5e-324) for plain histograms,
    // while the Java and C writers write 0 for everything but shifted histograms, which load tools never log.
    std::int32_t normalizingIndexOffset = 0;
    std::int32_t significantDigits = 0;
    std::int64_t lowest = 0;
    std::int64_t highest = 0;
};

EncodingHeader readEncodingHeader(const Bytes& bytes) {
    const std::uint8_t* p = bytes.data();
    return EncodingHeader{static_cast<std::uint32_t>(readBigEndian(p, 4)),
                          readInt32(p + 4),
                          readInt32(p + 8),
                          readInt32(p + 12),
                          readInt64(p + 16),
                          readInt64(p + 24)};
}

Status checkHeader(const EncodingHeader& header, std::size_t available) {
    if ((header.cookie & kCookieBaseMask) != kEncodingCookieBase)
        return invalidInput("histogram: not an HdrHistogram V2 encoding (V0/V1 logs are not supported)");
    if (header.payloadLength < 0 || static_cast<std::size_t>(header.payloadLength) > available)
        return invalidInput("histogram: the payload length exceeds the data");
    if (header.significantDigits < 1 || header.significantDigits > 5 || header.lowest < 1 || header.highest < 2 ||
        header.lowest > header.highest / 2)
        return invalidInput("histogram: invalid layout (lowest, highest or significant digits)");
    return {};
}

Status applyCounts(const std::uint8_t* cursor, const std::uint8_t* end, LatencyHistogram& histogram) {
    std::size_t index = 0;
    while (cursor != end) {
        std::int64_t value = 0;
        if (!takeVarint(cursor, end, value))
            return invalidInput("histogram: truncated count");
        const std::uint64_t span = value < 0 ? 0 - static_cast<std::uint64_t>(value) : 1;
        if (span > histogram.countsLength() - index)
            return invalidInput("histogram: more counts than the histogram's layout holds");
        if (value > std::numeric_limits<std::int64_t>::max() - histogram.totalCount())
            return invalidInput("histogram: the total count overflows");
        if (value > 0)
            histogram.addAtIndex(index, value);
        index += static_cast<std::size_t>(span);
    }
    return {};
}

Result<LatencyHistogram> decodeUncompressed(const Bytes& bytes) {
    if (bytes.size() < kEncodingHeaderSize)
        return invalidInput("histogram: the encoding header is truncated");
    const EncodingHeader header = readEncodingHeader(bytes);
    if (Status valid = checkHeader(header, bytes.size() - kEncodingHeaderSize); !valid)
        return valid.error();
    LatencyHistogram histogram(header.lowest, header.highest, header.significantDigits);
    if (histogram.lowestDiscernibleValue() != header.lowest)
        return invalidInput("histogram: lowest discernible value too large for its precision");
    const std::uint8_t* payload = bytes.data() + kEncodingHeaderSize;
    if (Status applied = applyCounts(payload, payload + header.payloadLength, histogram); !applied)
        return applied.error();
    return histogram;
}

constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64Value(char c) {
    const std::size_t position = kBase64Alphabet.find(c);
    return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

// Numbers in the log must read the same whatever locale the application (Qt sets it from the environment) uses.
std::ostringstream classicStream() {
    std::ostringstream stream;
    stream.imbue(std::locale::classic());
    stream << std::fixed << std::setprecision(3);
    return stream;
}

// The form of Java's Date.toString(), which HdrHistogram's writers use; always UTC so that logs are reproducible.
std::string humanDate(double epochSeconds) {
    static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto seconds = static_cast<std::time_t>(std::floor(epochSeconds));
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out << kDays[std::size_t(utc.tm_wday)] << ' ' << kMonths[std::size_t(utc.tm_mon)] << ' ' << std::setfill('0')
        << std::setw(2) << utc.tm_mday << ' ' << std::setw(2) << utc.tm_hour << ':' << std::setw(2) << utc.tm_min << ':'
        << std::setw(2) << utc.tm_sec << " UTC " << (utc.tm_year + 1900);
    return out.str();
}

bool parseDouble(std::string_view text, double& value) {
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    return error == std::errc{} && stop == end;
}

// Value of a "#[Name: 123.456 ...]" header line.
bool headerNumber(std::string_view line, std::string_view name, double& value) {
    if (!line.starts_with(name))
        return false;
    line.remove_prefix(name.size());
    return parseDouble(line.substr(0, line.find_first_of(" ]")), value);
}

std::vector<std::string_view> splitFields(std::string_view line) {
    std::vector<std::string_view> fields;
    for (std::size_t comma; (comma = line.find(',')) != std::string_view::npos; line.remove_prefix(comma + 1))
        fields.push_back(line.substr(0, comma));
    fields.push_back(line);
    return fields;
}

// Interval timestamps are relative to a base time. Without a BaseTime line HdrHistogram's reader guesses as we do:
// timestamps more than a year before StartTime cannot be absolute, so they are relative to it.
struct HlogReadState {
    Hlog log;
    bool haveBaseTime = false;
    double baseTime = 0;

    double relativeStart(double stamp) {
        if (!haveBaseTime) {
            baseTime = stamp < log.startTimeEpochSeconds - 365 * 24 * 3600.0 ? log.startTimeEpochSeconds : 0.0;
            haveBaseTime = true;
        }
        return stamp + baseTime - log.startTimeEpochSeconds;
    }
};

void readHeaderLine(std::string_view line, HlogReadState& state) {
    double value = 0;
    if (headerNumber(line, "#[StartTime: ", value))
        state.log.startTimeEpochSeconds = value;
    else if (headerNumber(line, "#[BaseTime: ", value)) {
        state.baseTime = value;
        state.haveBaseTime = true;
    }
}

Status readIntervalLine(std::string_view line, HlogReadState& state) {
    if (line.starts_with("Tag="))
        line.remove_prefix(std::min(line.size(), line.find(',') + 1));
    const std::vector<std::string_view> fields = splitFields(line);
    double start = 0;
    double length = 0;
    if (fields.size() != 4 || !parseDouble(fields[0], start) || !parseDouble(fields[1], length))
        return invalidInput("expected start,length,max,histogram");
    auto bytes = base64Decode(fields[3]);
    if (!bytes)
        return bytes.error();
    auto histogram = decodeCompressed(bytes->data(), bytes->size());
    if (!histogram)
        return histogram.error();
    state.log.intervals.push_back(HlogInterval{state.relativeStart(start), length, std::move(*histogram)});
    return {};
}

Status readHlogLine(std::string_view line, HlogReadState& state) {
    if (line.empty() || line.front() == '"')
        return {};
    if (line.front() == '#') {
        readHeaderLine(line, state);
        return {};
    }
    return readIntervalLine(line, state);
}

} // namespace

std::vector<std::uint8_t> encodeCompressed(const LatencyHistogram& histogram) {
    const Bytes plain = encodeUncompressed(histogram);
    uLongf deflatedSize = compressBound(static_cast<uLong>(plain.size()));
    Bytes out(kCompressedHeaderSize + deflatedSize);
    // compress2 only fails when out of memory or given a too small buffer; compressBound rules out the latter.
    if (compress2(out.data() + kCompressedHeaderSize, &deflatedSize, plain.data(), static_cast<uLong>(plain.size()),
                  Z_BEST_COMPRESSION) != Z_OK)
        return {};
    out.resize(kCompressedHeaderSize + deflatedSize);
    Bytes header;
    putBigEndian(header, kCompressedCookieBase | kWordSizeNibble, 4);
    putBigEndian(header, deflatedSize, 4);
    std::copy(header.begin(), header.end(), out.begin());
    return out;
}

Result<LatencyHistogram> decodeCompressed(const std::uint8_t* data, std::size_t size) {
    if (size < kCompressedHeaderSize)
        return invalidInput("histogram: shorter than the compressed header");
    if ((static_cast<std::uint32_t>(readBigEndian(data, 4)) & kCookieBaseMask) != kCompressedCookieBase)
        return invalidInput("histogram: not a compressed HdrHistogram V2 histogram (wrong cookie)");
    const std::int32_t deflatedSize = readInt32(data + 4);
    if (deflatedSize < 0 || static_cast<std::size_t>(deflatedSize) > size - kCompressedHeaderSize)
        return invalidInput("histogram: the compressed length exceeds the data");
    auto plain = inflateAll(data + kCompressedHeaderSize, static_cast<std::size_t>(deflatedSize));
    if (!plain)
        return plain.error();
    return decodeUncompressed(*plain);
}

std::string base64Encode(const std::vector<std::uint8_t>& bytes) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t available = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 3; ++j)
            group = (group << 8) | (j < available ? bytes[i + j] : 0u);
        for (std::size_t j = 0; j < 4; ++j)
            text.push_back(j <= available ? kBase64Alphabet[(group >> (18 - 6 * j)) & 0x3f] : '=');
    }
    return text;
}

// Strict about the alphabet and about padding appearing only at the end, lenient about missing padding.
Result<std::vector<std::uint8_t>> base64Decode(std::string_view text) {
    while (!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    if (text.size() % 4 == 1)
        return invalidInput("base64: the text length is not valid");
    std::vector<std::uint8_t> bytes;
    bytes.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const int value = base64Value(c);
        if (value < 0)
            return invalidInput("base64: unexpected character '" + std::string(1, c) + "'");
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push_back(static_cast<std::uint8_t>(buffer >> bits));
        }
    }
    return bytes;
}

HlogWriter::HlogWriter(std::ostream& out, double maxValueUnitRatio)
    : m_out(out)
    , m_maxValueUnitRatio(maxValueUnitRatio) {}

// Comment first, then version, start time and legend: the order HdrHistogram's Java and C writers use.
void HlogWriter::writeHeader(double startTimeEpochSeconds, const std::string& comment) {
    std::ostringstream header = classicStream();
    if (!comment.empty()) {
        std::string oneLine = comment;
        std::replace(oneLine.begin(), oneLine.end(), '\n', ' ');
        header << "#[" << oneLine << "]\n";
    }
    header << "#[Histogram log format version 1.3]\n";
    header << "#[StartTime: " << startTimeEpochSeconds << " (seconds since epoch), " << humanDate(startTimeEpochSeconds)
           << "]\n";
    header << "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n";
    m_out << header.str();
}

void HlogWriter::writeInterval(double startSeconds, double lengthSeconds, const LatencyHistogram& histogram) {
    std::ostringstream line = classicStream();
    line << startSeconds << ',' << lengthSeconds << ',' << static_cast<double>(histogram.max()) / m_maxValueUnitRatio
         << ',' << base64Encode(encodeCompressed(histogram)) << '\n';
    m_out << line.str();
}

Result<Hlog> readHlog(std::istream& in) {
    HlogReadState state;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (Status read = readHlogLine(line, state); !read)
            return invalidInput("hlog line " + std::to_string(number) + ": " + read.error().message);
    }
    return std::move(state.log);
}

} // namespace faaswb::load
