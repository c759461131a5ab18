#include "common/encoding.h"

namespace faaswb {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
    const auto at = alphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

bool isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::string withoutSpaces(std::string_view text) {
    std::string compact;
    compact.reserve(text.size());
    for (const char c : text) {
        if (!isSpace(c))
            compact.push_back(c);
    }
    return compact;
}

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

} // namespace

std::optional<std::string> base64Decode(std::string_view text) {
    std::string compact = withoutSpaces(text);
    if (compact.size() % 4 != 0)
        return std::nullopt;
    for (int padding = 0; padding < 2 && !compact.empty() && compact.back() == '='; ++padding)
        compact.pop_back();
    std::string bytes;
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : compact) {
        const int value = sextet(c);
        if (value < 0)
            return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push_back(static_cast<char>((buffer >> bits) & 0xFFu));
        }
    }
    return bytes;
}

std::string base64Encode(std::string_view bytes) {
    std::string text;
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : bytes) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            text.push_back(alphabet[(buffer >> bits) & 0x3Fu]);
        }
    }
    if (bits > 0)
        text.push_back(alphabet[(buffer << (6 - bits)) & 0x3Fu]);
    while (text.size() % 4 != 0)
        text.push_back('=');
    return text;
}

int hexDigitValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lowerAscii(a[i]) != lowerAscii(b[i]))
            return false;
    return true;
}

} // namespace faaswb
