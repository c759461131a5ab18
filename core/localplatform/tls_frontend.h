// TlsFrontend: the control API's HTTPS port. kubectl (client-go) never sends a bearer token over plain http, so the
// kubeconfig the daemon writes points at this port: it terminates TLS with a certificate made at start and relays
// each connection's bytes to the plain API port on loopback (watches stream through unchanged). The certificate is
// self-signed (EC P-256, SAN IP:127.0.0.1 and DNS:localhost) and goes into the kubeconfig as
// certificate-authority-data, so clients verify it instead of skipping verification. Platform thread only.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace faaswb::localplatform {

struct TlsIdentity {
    std::string certificatePem;
    std::string privateKeyPem;
};

// A fresh key pair and certificate valid for one year.
Result<TlsIdentity> makeSelfSignedIdentity();

class TlsFrontend {
public:
    TlsFrontend(boost::asio::io_context& io, const TlsIdentity& identity);
    ~TlsFrontend();
    TlsFrontend(const TlsFrontend&) = delete;
    TlsFrontend& operator=(const TlsFrontend&) = delete;

    // Accepts TLS on address:port (0: ephemeral) and relays to 127.0.0.1:backendPort. Returns the bound port.
    Result<std::uint16_t> listen(const std::string& address, std::uint16_t port, std::uint16_t backendPort);
    void stop();

private:
    class Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace faaswb::localplatform
