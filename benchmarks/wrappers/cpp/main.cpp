// faaswb-function-host: serves one C++ benchmark handler over HTTP (benchmarks/README.md, "The wrapper contract").
//     faaswb-function-host <benchmark-id>      PORT, HOST, ZIPKIN_ENDPOINT, FAASWB_* and K_SINK from the environment
//     faaswb-function-host --list              the benchmark ids linked in
#include "function_api.h"
#include "http_server.h"

#include <algorithm>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <curl/curl.h>
#include <iostream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace faaswb::bench;

constexpr int kExitUsage = 2;

std::string environment(const char* name, const std::string& fallback = {}) {
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : fallback;
}

std::size_t environmentCount(const char* name, std::size_t fallback) {
    const std::string text = environment(name);
    char* end = nullptr;
    const unsigned long value = text.empty() ? 0 : std::strtoul(text.c_str(), &end, 10);
    return value > 0 && end && *end == '\0' ? value : fallback;
}

std::string defaultInstance() {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return std::string(host) + "-" + std::to_string(getpid());
}

HostSettings settingsFor(const std::string& id) {
    HostSettings settings{id, environment("FAASWB_INSTANCE", defaultInstance()), environment("FAASWB_SERVICE_NAME", id),
                          std::nullopt};
    if (const std::string sink = environment("K_SINK"); !sink.empty())
        settings.sink = sink;
    return settings;
}

int usage(const char* message) {
    std::fprintf(stderr, "%s\nusage: faaswb-function-host <benchmark-id> | --list\nbenchmarks:", message);
    for (const auto& id : Registry::instance().ids())
        std::fprintf(stderr, " %s", id.c_str());
    std::fprintf(stderr, "\n");
    return kExitUsage;
}

std::optional<unsigned short> parsePort(const std::string& text) {
    char* end = nullptr;
    const unsigned long port = std::strtoul(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || port > 65535)
        return std::nullopt;
    return static_cast<unsigned short>(port);
}

int serve(const std::string& id, const Handler& handler) {
    const std::string host = environment("HOST", "127.0.0.1");
    // Container images set HOST=0.0.0.0 on purpose; anywhere else a non-loopback address is worth a warning.
    if (host != "127.0.0.1" && host != "localhost" && host != "::1")
        std::fprintf(stderr,
                     "warning: HOST=%s: listening on an address other than 127.0.0.1, so other machines may "
                     "reach this function\n",
                     host.c_str());
    const auto port = parsePort(environment("PORT", "0"));
    if (!port)
        return usage("error: PORT must be a number from 0 to 65535");
    boost::asio::io_context io;
    FunctionHost functionHost(settingsFor(id), handler);
    HandlerPool pool(environmentCount("FAASWB_MAX_HANDLER_THREADS", 1024));
    SpanReporter spans(environment("ZIPKIN_ENDPOINT"));
    HttpServer server(io, {functionHost, pool, spans});
    std::string error;
    const auto bound = server.listen(host, *port, error);
    if (!bound) {
        std::fprintf(stderr, "error: cannot listen on %s:%u: %s\n", host.c_str(), unsigned{*port}, error.c_str());
        return 1;
    }
    std::cout << "listening on " << host << ':' << *bound << std::endl;
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
    // The io threads only parse and write; a few keep up with any handler pool.
    const std::size_t ioThreads =
        environmentCount("FAASWB_IO_THREADS", std::clamp(std::thread::hardware_concurrency(), 2u, 4u));
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < ioThreads; ++i)
        threads.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& thread : threads)
        thread.join();
    // Handlers cannot be cancelled (a 010.sleep may have minutes to go) and their replies could no longer be sent:
    // leave without waiting for them, and without destructors that would pull state from under them.
    std::fflush(nullptr);
    std::_Exit(0);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2)
        return usage("error: expected one benchmark id");
    const std::string argument = argv[1];
    if (argument == "--list") {
        for (const auto& id : Registry::instance().ids())
            std::cout << id << '\n';
        return 0;
    }
    if (argument == "-h" || argument == "--help") {
        std::cout << "usage: faaswb-function-host <benchmark-id> | --list\n"
                     "Serves one C++ benchmark handler over HTTP; see benchmarks/README.md.\n";
        return 0;
    }
    const Handler* handler = Registry::instance().find(argument);
    if (!handler)
        return usage(("error: no C++ handler for '" + argument + "'").c_str());
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return serve(argument, *handler);
}
