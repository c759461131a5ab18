// 040.payload: echoes {"echo": text} back, or generates {"size": N} bytes of printable text (N <= 64 MiB), for
// sweeps over request and response sizes.
#include "function_api.h"

#include <string_view>

namespace {

constexpr std::int64_t kMaxSize = 64 * 1024 * 1024;
// The generated text is this alphabet repeated: deterministic, printable, identical in every language.
constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

std::string generate(std::size_t size) {
    std::string text;
    text.reserve(size);
    while (text.size() < size)
        text.append(kAlphabet.substr(0, std::min(kAlphabet.size(), size - text.size())));
    return text;
}

nlohmann::json handler(const nlohmann::json& event, faaswb::bench::Context&) {
    faaswb::bench::requireObject(event);
    if (event.contains("echo")) {
        if (!event["echo"].is_string())
            throw faaswb::bench::InvalidInput("echo must be a string");
        const auto& text = event["echo"].get_ref<const std::string&>();
        return {{"payload", text}, {"bytes", text.size()}};
    }
    if (event.contains("size")) {
        const std::int64_t size = faaswb::bench::integerField(event, "size", 0, kMaxSize);
        return {{"payload", generate(static_cast<std::size_t>(size))}, {"bytes", size}};
    }
    throw faaswb::bench::InvalidInput(R"(expected {"echo": "<text>"} or {"size": <bytes>})");
}

} // namespace

FAASWB_REGISTER_BENCHMARK("040.payload", handler);
