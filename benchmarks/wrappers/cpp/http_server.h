// HttpServer: accepts connections on HOST:PORT and serves them with Boost.Beast (HTTP/1.1, keep-alive, Expect:
// 100-continue). Any number of threads may run the io_context: each connection lives on its own strand. The io
// threads only read, route and write; invocations run on the HandlerPool and their replies are posted back to the
// connection's strand, so a sleeping or CPU-bound handler never holds an io thread.
#pragma once

#include "function_host.h"
#include "handler_pool.h"
#include "span_reporter.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>

namespace faaswb::bench {

struct ServerParts {
    FunctionHost& host;
    HandlerPool& pool;
    SpanReporter& spans;
};

class HttpServer {
public:
    HttpServer(boost::asio::io_context& io, ServerParts parts);

    // Binds host:port (0 = ephemeral) and starts accepting; returns the bound port, or sets error.
    std::optional<unsigned short> listen(const std::string& host, unsigned short port, std::string& error);

private:
    void accept();

    boost::asio::io_context& m_io;
    ServerParts m_parts;
    boost::asio::ip::tcp::acceptor m_acceptor;
};

} // namespace faaswb::bench
