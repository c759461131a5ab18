#include "localplatform/tls_frontend.h"

#include "localplatform/listen_socket.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <array>
#include <set>

namespace faaswb::localplatform {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

template <class T, void (*Free)(T*)>
struct OpenSslDeleter {
    void operator()(T* pointer) const { Free(pointer); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION, X509_EXTENSION_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BIGNUM, BN_free>>;

std::string bioText(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

bool addExtension(X509* cert, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
    const ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    return extension && X509_add_ext(cert, extension.get(), -1) == 1;
}

bool fillCertificate(X509* cert, EVP_PKEY* key) {
    const BignumPtr serial(BN_new());
    if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)))
        return false;
    X509_NAME* name = X509_get_subject_name(cert);
    const auto* commonName = reinterpret_cast<const unsigned char*>("faas-workbench local platform");
    return X509_set_version(cert, 2) == 1 && X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nullptr &&
           X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600) != nullptr &&
           X509_set_pubkey(cert, key) == 1 &&
           X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0) == 1 &&
           X509_set_issuer_name(cert, name) == 1 &&
           // Its own CA, so one PEM serves as the kubeconfig's certificate-authority-data.
           addExtension(cert, NID_basic_constraints, "critical,CA:TRUE") &&
           addExtension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign") &&
           addExtension(cert, NID_ext_key_usage, "serverAuth") &&
           addExtension(cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") &&
           addExtension(cert, NID_subject_key_identifier, "hash") && X509_sign(cert, key, EVP_sha256()) > 0;
}

} // namespace

Result<TlsIdentity> makeSelfSignedIdentity() {
    const KeyPtr key(EVP_EC_gen("P-256"));
    const CertPtr cert(X509_new());
    if (!key || !cert || !fillCertificate(cert.get(), key.get()))
        return internalError("could not create the control API's TLS certificate (OpenSSL)");
    const BioPtr certBio(BIO_new(BIO_s_mem()));
    const BioPtr keyBio(BIO_new(BIO_s_mem()));
    if (!certBio || !keyBio || PEM_write_bio_X509(certBio.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return internalError("could not encode the control API's TLS certificate (OpenSSL)");
    return TlsIdentity{bioText(certBio.get()), bioText(keyBio.get())};
}

namespace {

// One client connection: TLS on one side, the plain API port on the other, bytes relayed both ways.
class Relay : public std::enable_shared_from_this<Relay> {
public:
    using LiveSet = std::set<Relay*>;
    Relay(tcp::socket socket, asio::ssl::context& context, std::uint16_t backendPort, std::shared_ptr<LiveSet> live)
        : m_client(std::move(socket), context)
        , m_backend(m_client.get_executor())
        , m_backendPort(backendPort)
        , m_live(std::move(live)) {
        m_live->insert(this);
    }
    ~Relay() { m_live->erase(this); }

    void start() {
        m_client.async_handshake(asio::ssl::stream_base::server,
                                 [self = shared_from_this()](boost::system::error_code error) {
                                     if (!error)
                                         self->connectBackend();
                                 });
    }

    void close() {
        boost::system::error_code ignored;
        m_client.lowest_layer().close(ignored);
        m_backend.close(ignored);
    }

private:
    void connectBackend() {
        const tcp::endpoint backend(asio::ip::address_v4::loopback(), m_backendPort);
        m_backend.async_connect(backend, [self = shared_from_this()](boost::system::error_code error) {
            if (error)
                return self->close();
            self->pumpFromClient();
            self->pumpFromBackend();
        });
    }

    void pumpFromClient() {
        m_client.async_read_some(asio::buffer(m_fromClient), [self = shared_from_this()](
                                                                 boost::system::error_code error, std::size_t size) {
            if (error)
                return self->close();
            asio::async_write(self->m_backend, asio::buffer(self->m_fromClient, size),
                              [self](boost::system::error_code writeError, std::size_t) {
                                  if (writeError)
                                      return self->close();
                                  self->pumpFromClient();
                              });
        });
    }

    void pumpFromBackend() {
        m_backend.async_read_some(asio::buffer(m_fromBackend), [self = shared_from_this()](
                                                                   boost::system::error_code error, std::size_t size) {
            if (error)
                return self->close();
            asio::async_write(self->m_client, asio::buffer(self->m_fromBackend, size),
                              [self](boost::system::error_code writeError, std::size_t) {
                                  if (writeError)
                                      return self->close();
                                  self->pumpFromBackend();
                              });
        });
    }

    asio::ssl::stream<tcp::socket> m_client;
    tcp::socket m_backend;
    std::uint16_t m_backendPort;
    std::shared_ptr<LiveSet> m_live; // shared: a relay may outlive the frontend until its handlers finish
    std::array<char, 16384> m_fromClient{};
    std::array<char, 16384> m_fromBackend{};
};

} // namespace

class TlsFrontend::Impl : public std::enable_shared_from_this<Impl> {
public:
    Impl(asio::io_context& io, const TlsIdentity& identity)
        : m_context(asio::ssl::context::tls_server)
        , m_acceptor(io) {
        m_context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                              asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                              asio::ssl::context::no_tlsv1_1);
        boost::system::error_code error;
        m_context.use_certificate_chain(asio::buffer(identity.certificatePem), error);
        m_context.use_private_key(asio::buffer(identity.privateKeyPem), asio::ssl::context::pem, error);
    }

    Result<std::uint16_t> listen(const std::string& address, std::uint16_t port, std::uint16_t backendPort) {
        auto bound = detail::openListener(m_acceptor, address, port, "control API (TLS)");
        if (!bound)
            return bound;
        m_backendPort = backendPort;
        accept();
        return m_acceptor.local_endpoint().port();
    }

    void stop() {
        boost::system::error_code ignored;
        m_acceptor.close(ignored);
        for (Relay* relay : Relay::LiveSet(*m_live))
            relay->close();
    }

private:
    void accept() {
        m_acceptor.async_accept([self = shared_from_this()](boost::system::error_code error, tcp::socket socket) {
            if (error)
                return; // closed by stop()
            std::make_shared<Relay>(std::move(socket), self->m_context, self->m_backendPort, self->m_live)->start();
            self->accept();
        });
    }

    asio::ssl::context m_context;
    tcp::acceptor m_acceptor;
    std::uint16_t m_backendPort = 0;
    std::shared_ptr<Relay::LiveSet> m_live = std::make_shared<Relay::LiveSet>();
};

TlsFrontend::TlsFrontend(asio::io_context& io, const TlsIdentity& identity)
    : m_impl(std::make_shared<Impl>(io, identity)) {}

TlsFrontend::~TlsFrontend() { m_impl->stop(); }

Result<std::uint16_t> TlsFrontend::listen(const std::string& address, std::uint16_t port,
                                          std::uint16_t backendPort) {
    return m_impl->listen(address, port, backendPort);
}

void TlsFrontend::stop() { m_impl->stop(); }

} // namespace faaswb::localplatform
