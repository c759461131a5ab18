// Opening a listening TCP socket for the local platform's servers (control API, gateway, broker, TLS port): the one
// place that parses the address, sets SO_REUSEADDR, binds and listens, with errors naming what could not listen.
// Internal to the room.
#pragma once

#include "common/result.h"

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>

namespace faaswb::localplatform::detail {

// `what` names the server in errors ("gateway: cannot listen on 127.0.0.1:80: Permission denied"). The acceptor is
// closed again on failure. Returns the bound port (the ephemeral one for port 0).
inline Result<std::uint16_t> openListener(boost::asio::ip::tcp::acceptor& acceptor, const std::string& address,
                                          std::uint16_t port, const std::string& what) {
    boost::system::error_code ec;
    const auto ip = boost::asio::ip::make_address(address, ec);
    if (ec)
        return invalidInput(what + ": '" + address + "' is not an IP address");
    const boost::asio::ip::tcp::endpoint endpoint(ip, port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(endpoint, ec);
    if (!ec)
        acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
    if (ec) {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        return platformError(what + ": cannot listen on " + address + ":" + std::to_string(port) + ": " +
                             ec.message());
    }
    return acceptor.local_endpoint().port();
}

} // namespace faaswb::localplatform::detail
