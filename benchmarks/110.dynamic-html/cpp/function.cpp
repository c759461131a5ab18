// 110.dynamic-html: renders an HTML page for `username` with `size` seeded random numbers (SeBS dynamic-html).
//
// The numbers come from the suite's xorshift32 generator (benchmarks/README.md, "Seeded data") and the page text is
// byte-for-byte the same in C++, Python and Node.js, so `html_bytes` and `crc32` agree across languages.
#include "function_api.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <zlib.h>

namespace {

constexpr std::int64_t kMaxItems = 100'000;
constexpr std::size_t kMaxUsernameBytes = 1024;
constexpr std::int64_t kMaxSeed = 0xFFFFFFFF;
constexpr std::int64_t kDefaultSeed = 42;
constexpr std::uint32_t kItemRange = 1'000'000;

constexpr std::string_view kPage = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Randomly generated data</title>
</head>
<body>
<h1>Welcome {{username}}!</h1>
<p>{{size}} numbers generated from seed {{seed}}.</p>
<ul>
{{items}}</ul>
</body>
</html>
)";

// murmur3's fmix32 spreads neighbouring seeds apart; xorshift32 must never start from 0.
std::uint32_t seedState(std::uint32_t seed) {
    std::uint32_t h = seed ^ 0x9E3779B9u;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h != 0 ? h : 0x6D2B79F5u;
}

// The same five replacements in every language (Python's html.escape with quote=True).
std::string escapeHtml(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#x27;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string listItems(std::uint32_t count, std::uint32_t seed) {
    std::string items;
    items.reserve(std::size_t{count} * 16);
    std::uint32_t x = seedState(seed);
    for (std::uint32_t i = 0; i < count; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        items += "<li>" + std::to_string(x % kItemRange) + "</li>\n";
    }
    return items;
}

// Replaces each {{name}} with its value; the template is ours, so an unknown name is a programming error.
std::string render(std::string_view page, const std::map<std::string, std::string, std::less<>>& values) {
    std::string out;
    std::size_t pos = 0;
    for (std::size_t open = page.find("{{"); open != std::string_view::npos; open = page.find("{{", pos)) {
        const std::size_t close = page.find("}}", open);
        out.append(page.substr(pos, open - pos));
        out += values.at(std::string(page.substr(open + 2, close - open - 2)));
        pos = close + 2;
    }
    out.append(page.substr(pos));
    return out;
}

std::string usernameField(const nlohmann::json& event) {
    const std::string name = faaswb::bench::stringField(event, "username");
    if (name.empty())
        throw faaswb::bench::InvalidInput("username must be a non-empty string");
    if (name.size() > kMaxUsernameBytes)
        throw faaswb::bench::InvalidInput("username must be at most " + std::to_string(kMaxUsernameBytes) +
                                          " bytes of UTF-8");
    return name;
}

std::int64_t optionalInteger(const nlohmann::json& event, const char* key, std::int64_t max, std::int64_t fallback) {
    if (!event.contains(key) || event[key].is_null())
        return fallback;
    return faaswb::bench::integerField(event, key, 0, max);
}

nlohmann::json handler(const nlohmann::json& event, faaswb::bench::Context&) {
    faaswb::bench::requireObject(event);
    const std::string username = usernameField(event);
    const auto size = static_cast<std::uint32_t>(faaswb::bench::integerField(event, "size", 1, kMaxItems));
    const auto seed = static_cast<std::uint32_t>(optionalInteger(event, "seed", kMaxSeed, kDefaultSeed));
    const std::string html = render(kPage, {{"username", escapeHtml(username)},
                                            {"size", std::to_string(size)},
                                            {"seed", std::to_string(seed)},
                                            {"items", listItems(size, seed)}});
    const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(html.data()), static_cast<uInt>(html.size()));
    return {{"html_bytes", html.size()}, {"crc32", crc}, {"items", size}};
}

} // namespace

FAASWB_REGISTER_BENCHMARK("110.dynamic-html", handler);
