// faaswb-gateway-bench: the local platform's gateway serving one revision with one ready instance (an upstream
// already listening on --upstream-port), activator out of the path, as in the steady state of a warm service.
// Prints "listening on 127.0.0.1:PORT"; the service answers at http://127.0.0.1:PORT/default/bench/. Spans go to a
// SpanStore like in the daemon. Runs until SIGINT/SIGTERM. Used by tests/perf/gateway_overhead.sh.
#include "localplatform/gateway.h"
#include "localplatform/span_store.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

using namespace faaswb::localplatform;

namespace {

int usage() {
    std::cerr << "usage: faaswb-gateway-bench --upstream-port P [--port N] [--cc N] [--activator] [--no-spans]\n";
    return 2;
}

// --no-spans: shows what recording spans costs on the hot path.
class DiscardingSink : public SpanSink {
public:
    void add(faaswb::trace::Span) override {}
};

} // namespace

int main(int argc, char** argv) {
    int upstreamPort = 0;
    int port = 0;
    int containerConcurrency = 0;
    bool activator = false;
    bool recordSpans = true;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--activator") {
            activator = true;
            continue;
        }
        if (arg == "--no-spans") {
            recordSpans = false;
            continue;
        }
        if (i + 1 >= argc)
            return usage();
        const int value = std::atoi(argv[++i]);
        if (arg == "--upstream-port")
            upstreamPort = value;
        else if (arg == "--port")
            port = value;
        else if (arg == "--cc")
            containerConcurrency = value;
        else
            return usage();
    }
    if (upstreamPort <= 0 || upstreamPort > 65535 || port < 0 || port > 65535)
        return usage();

    boost::asio::io_context io;
    SpanStore spans;
    DiscardingSink discard;
    Gateway gateway(io, recordSpans ? static_cast<SpanSink&>(spans) : discard, GatewayOptions{});
    gateway.upsertService({"default", "bench", "bench-00001"});
    gateway.upsertRevision(
        {"default", "bench", "bench", "bench-00001", containerConcurrency, std::chrono::seconds(300)});
    gateway.setEndpoints("bench-00001", {{"bench-pod", static_cast<std::uint16_t>(upstreamPort), 0}});
    gateway.setActivatorInPath("bench-00001", activator);
    auto bound = gateway.listen("127.0.0.1", static_cast<std::uint16_t>(port));
    if (!bound) {
        std::cerr << bound.error().message << "\n";
        return 1;
    }
    std::cout << "listening on 127.0.0.1:" << *bound << std::endl;
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        gateway.stop();
        io.stop();
    });
    io.run();
    std::cerr << "spans recorded: " << spans.spanCount() << ", evicted: " << spans.evictedSpans() << "\n";
    return 0;
}
