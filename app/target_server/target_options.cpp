#include "target_options.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <string_view>

namespace faaswb::target {
namespace {

template <class T>
bool parseNumber(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

template <class T>
bool parseInRange(std::string_view text, T& out, T low, T high) {
    T value{};
    if (!parseNumber(text, value) || value < low || value > high)
        return false;
    out = value;
    return true;
}

bool parseSeconds(std::string_view text, std::chrono::nanoseconds& out) {
    double seconds = 0;
    if (!parseNumber(text, seconds) || !std::isfinite(seconds) || seconds < 0 || seconds > 86400)
        return false;
    out = std::chrono::nanoseconds(std::llround(seconds * 1e9));
    return true;
}

using ValueSetter = std::function<bool(TargetOptions&, std::string_view)>;

const std::map<std::string_view, ValueSetter>& valueOptions() {
    static const std::map<std::string_view, ValueSetter> options{
        {"--port",
         [](TargetOptions& o, std::string_view v) { return parseInRange<unsigned short>(v, o.port, 0, 65535); }},
        {"--threads", [](TargetOptions& o, std::string_view v) { return parseInRange(v, o.threads, 1, 256); }},
        {"--status", [](TargetOptions& o, std::string_view v) { return parseInRange(v, o.status, 100u, 999u); }},
        {"--body-size",
         [](TargetOptions& o, std::string_view v) { return parseInRange<std::size_t>(v, o.bodySize, 0, 1ull << 30); }},
        {"--delay-ms",
         [](TargetOptions& o, std::string_view v) {
             long long ms = 0;
             const bool ok = parseInRange(v, ms, 0LL, 3'600'000LL);
             o.delay = std::chrono::milliseconds(ms);
             return ok;
         }},
        {"--stall-every", [](TargetOptions& o, std::string_view v) { return parseSeconds(v, o.stallEvery); }},
        {"--stall-for", [](TargetOptions& o, std::string_view v) { return parseSeconds(v, o.stallFor); }},
        {"--instance-header",
         [](TargetOptions& o, std::string_view v) {
             o.instance = v;
             return !v.empty();
         }},
        {"--close-after",
         [](TargetOptions& o, std::string_view v) { return parseInRange(v, o.closeAfter, 1, 1 << 30); }},
    };
    return options;
}

bool setFlag(TargetOptions& options, std::string_view name) {
    if (name == "--cold-first")
        options.coldFirst = true;
    else if (name == "--reset")
        options.reset = true;
    else if (name == "--echo")
        options.echo = true;
    else if (name == "--echo-request")
        options.echoRequest = true;
    else
        return false;
    return true;
}

ParsedOptions failure(std::string message) {
    return ParsedOptions{std::nullopt, std::move(message), false};
}

ParsedOptions checked(const TargetOptions& options) {
    if ((options.stallEvery.count() > 0) != (options.stallFor.count() > 0))
        return failure("--stall-every and --stall-for go together");
    if (options.stallFor >= options.stallEvery && options.stallEvery.count() > 0)
        return failure("--stall-for must be shorter than --stall-every");
    return ParsedOptions{options, {}, false};
}

} // namespace

ParsedOptions parseTargetOptions(int argc, char** argv) {
    TargetOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "--help" || name == "-h")
            return ParsedOptions{std::nullopt, targetUsage(), true};
        if (setFlag(options, name))
            continue;
        const auto setter = valueOptions().find(name);
        if (setter == valueOptions().end())
            return failure("unknown option '" + std::string(name) + "'");
        if (i + 1 >= argc)
            return failure(std::string(name) + " needs a value");
        if (!setter->second(options, argv[++i]))
            return failure("invalid value '" + std::string(argv[i]) + "' for " + std::string(name));
    }
    return checked(options);
}

const char* targetUsage() {
    return "usage: faaswb-target [options]\n"
           "A loopback HTTP/1.1 target for tests, demos and load-generator checks. Listens on 127.0.0.1 only and\n"
           "prints 'listening on 127.0.0.1:PORT' as its first line. Stops on SIGTERM or SIGINT.\n"
           "  --port N             port to listen on (default 0: an ephemeral port)\n"
           "  --threads N          I/O threads (default 2)\n"
           "  --status N           response status (default 200)\n"
           "  --body-size N        response body bytes (default 2: \"ok\")\n"
           "  --delay-ms N         answer each request N ms after it arrived (timers; no thread blocks)\n"
           "  --stall-every S      with --stall-for F: in every S seconds since start, the last F seconds are a\n"
           "  --stall-for F        stall: responses due then are held until the stall ends (fractions allowed)\n"
           "  --instance-header ID send X-Faaswb-Instance: ID\n"
           "  --cold-first         the first response sends X-Faaswb-Cold: 1, every later one X-Faaswb-Cold: 0\n"
           "  --close-after N      close each connection after N responses\n"
           "  --reset              read each request, then abort the connection with a TCP reset\n"
           "  --echo               answer with the request body\n"
           "  --echo-request       answer with the whole request as received (request line, headers, body)\n";
}

} // namespace faaswb::target
