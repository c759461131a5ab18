// 311.compression: zlib-compresses `size` bytes of seeded, text-like data at level 6 (SeBS compression).
//
// The input is built the same way in every language from the suite's xorshift32 generator (benchmarks/README.md,
// "Seeded data"): a pool of up to 256 KiB of words, then chunks of 256..4096 bytes copied from random places in the
// pool until `size` bytes exist. `input_bytes` and `input_crc32` therefore agree across languages; `compressed_bytes`
// agrees between C++ and Python (both use the system zlib) and is close for Node.js, which bundles its own zlib.
#include "function_api.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>
#include <zlib.h>

namespace {

constexpr std::int64_t kMaxBytes = 64 * 1024 * 1024;
constexpr std::int64_t kMaxSeed = 0xFFFFFFFF;
constexpr std::int64_t kDefaultSeed = 42;
constexpr int kLevel = 6;
constexpr std::size_t kPoolBytes = 256 * 1024;
constexpr std::uint32_t kMinChunk = 256;
constexpr std::uint32_t kChunkSpan = 3841; // chunk lengths are kMinChunk + next() % kChunkSpan, i.e. 256..4096

// 64 words, so one draw picks a word with its low 6 bits and a line break with the next 4.
constexpr std::string_view kWords =
    "the serverless function scales from zero when requests arrive and the platform routes each event to an "
    "instance cold start latency depends on image size runtime language memory limit and network warm requests "
    "reuse the container while the autoscaler watches concurrency per pod queue proxy activator revision traffic "
    "split benchmark workload payload trace span zipkin header gateway broker trigger channel sink source deploy "
    "metrics";

std::array<std::string_view, 64> splitWords() {
    std::array<std::string_view, 64> words;
    std::size_t begin = 0;
    for (auto& word : words) {
        const std::size_t end = std::min(kWords.find(' ', begin), kWords.size());
        word = kWords.substr(begin, end - begin);
        begin = end + 1;
    }
    return words;
}

class XorShift32 {
public:
    // murmur3's fmix32 spreads neighbouring seeds apart; xorshift32 must never start from 0.
    explicit XorShift32(std::uint32_t seed) {
        std::uint32_t h = seed ^ 0x9E3779B9u;
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        h ^= h >> 16;
        m_state = h != 0 ? h : 0x6D2B79F5u;
    }
    std::uint32_t next() {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 17;
        m_state ^= m_state << 5;
        return m_state;
    }

private:
    std::uint32_t m_state;
};

// Words separated by a space, or a line break one time in sixteen, cut to exactly `length` bytes.
std::string wordPool(XorShift32& random, std::size_t length) {
    static const auto words = splitWords();
    std::string pool;
    pool.reserve(length + 32);
    while (pool.size() < length) {
        const std::uint32_t r = random.next();
        pool += words[r & 63];
        pool += ((r >> 6) & 15) == 0 ? '\n' : ' ';
    }
    pool.resize(length);
    return pool;
}

// Chunks copied from the pool: text-like redundancy without paying a draw per word for 64 MiB.
std::string seededData(std::size_t size, std::uint32_t seed) {
    XorShift32 random(seed);
    const std::string pool = wordPool(random, std::min(size, kPoolBytes));
    std::string data;
    data.reserve(size + kMinChunk + kChunkSpan);
    data.append(pool);
    while (data.size() < size) {
        const std::size_t offset = random.next() % pool.size();
        const std::size_t length = kMinChunk + random.next() % kChunkSpan;
        data.append(pool, offset, length);
    }
    data.resize(size);
    return data;
}

std::size_t compressedSize(const std::string& data) {
    uLongf length = compressBound(static_cast<uLong>(data.size()));
    std::vector<Bytef> out(length);
    const int status = compress2(out.data(), &length, reinterpret_cast<const Bytef*>(data.data()),
                                 static_cast<uLong>(data.size()), kLevel);
    if (status != Z_OK)
        throw std::runtime_error("zlib compress2 failed with status " + std::to_string(status));
    return length;
}

// floor(x * 1e4 + 0.5) / 1e4 in every language: the same IEEE operations give the same double.
double rounded(double value) {
    return std::floor(value * 10000 + 0.5) / 10000;
}

nlohmann::json handler(const nlohmann::json& event, faaswb::bench::Context&) {
    faaswb::bench::requireObject(event);
    const auto size = static_cast<std::size_t>(faaswb::bench::integerField(event, "size", 1, kMaxBytes));
    const bool hasSeed = event.contains("seed") && !event["seed"].is_null();
    const auto seed =
        static_cast<std::uint32_t>(hasSeed ? faaswb::bench::integerField(event, "seed", 0, kMaxSeed) : kDefaultSeed);
    const std::string data = seededData(size, seed);
    const std::size_t compressed = compressedSize(data);
    const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
    return {{"input_bytes", data.size()},
            {"input_crc32", crc},
            {"compressed_bytes", compressed},
            {"ratio", rounded(static_cast<double>(data.size()) / static_cast<double>(compressed))}};
}

} // namespace

FAASWB_REGISTER_BENCHMARK("311.compression", handler);
