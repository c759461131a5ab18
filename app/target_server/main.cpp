// faaswb-target: a configurable loopback HTTP/1.1 target for tests, demos and load-generator checks.
#include "target_options.h"
#include "target_server.h"

#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

int runServer(const faaswb::target::TargetOptions& options) {
    boost::asio::io_context io(options.threads);
    faaswb::target::TargetServer server(io, options);
    std::string error;
    const auto port = server.listen(error);
    if (!port) {
        std::fprintf(stderr, "faaswb-target: %s\n", error.c_str());
        return 1;
    }
    // Tests and scripts wait for exactly this line, so it goes out (and is flushed) before anything else.
    std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(*port));
    std::fflush(stdout);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](boost::system::error_code, int) { io.stop(); });
    std::vector<std::jthread> threads;
    for (int i = 1; i < options.threads; ++i)
        threads.emplace_back([&io] { io.run(); });
    io.run();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const auto parsed = faaswb::target::parseTargetOptions(argc, argv);
    if (parsed.help) {
        std::fputs(parsed.message.c_str(), stdout);
        return 0;
    }
    if (!parsed.options) {
        std::fprintf(stderr, "faaswb-target: %s\n%s", parsed.message.c_str(), faaswb::target::targetUsage());
        return 2;
    }
    return runServer(*parsed.options);
}
