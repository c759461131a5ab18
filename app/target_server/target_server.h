// TargetServer: the loopback HTTP/1.1 server behind faaswb-target (Boost.Beast). Any number of threads may run
// the io_context; each connection's handlers run on its own strand, and what connections share (the options, the
// start time, the cold-start flag) is immutable or atomic.
#pragma once

#include "target_options.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace faaswb::target {

class TargetServer {
public:
    using Clock = std::chrono::steady_clock;

    TargetServer(boost::asio::io_context& io, TargetOptions options);

    // Binds 127.0.0.1:port and starts accepting; returns the bound port, or an error message.
    std::optional<unsigned short> listen(std::string& error);

    // For sessions.
    const TargetOptions& options() const noexcept { return m_options; }
    std::string_view body() const noexcept { return m_body; }
    std::optional<Clock::time_point> stallEndAt(Clock::time_point now) const noexcept;
    bool takeColdStart() noexcept; // true exactly once, for the first response

private:
    void accept();
    void acceptLater();

    boost::asio::io_context& m_io;
    TargetOptions m_options;
    std::string m_body;
    Clock::time_point m_start = Clock::now();
    std::atomic<bool> m_coldTaken{false};
    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::steady_timer m_acceptRetry; // only used from the acceptor's handlers, one at a time
};

} // namespace faaswb::target
