// Command-line options of faaswb-target, the loopback HTTP/1.1 target server. Plain values; parsing is pure.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace faaswb::target {

struct TargetOptions {
    unsigned short port = 0; // 0 = ephemeral
    int threads = 2;
    unsigned status = 200;
    std::size_t bodySize = 2;
    std::chrono::milliseconds delay{0};
    std::chrono::nanoseconds stallEvery{0}; // the last stallFor of every stallEvery period is a stall
    std::chrono::nanoseconds stallFor{0};
    std::string instance; // X-Faaswb-Instance value; empty = header not sent
    bool coldFirst = false;
    int closeAfter = 0; // responses per connection; 0 = keep alive for ever
    bool reset = false;
    bool echo = false;
    bool echoRequest = false; // answer with the whole request: request line, headers, blank line, body
};

struct ParsedOptions {
    std::optional<TargetOptions> options; // empty when parsing failed or help was asked for
    std::string message;                  // the error, or the usage text for --help
    bool help = false;
};

ParsedOptions parseTargetOptions(int argc, char** argv);
const char* targetUsage();

} // namespace faaswb::target
