#include "kube/transport.h"

#include <curl/curl.h>
#include <mutex>

namespace faaswb::kube {
namespace {

constexpr std::size_t maxBodyBytes = 256u << 20; // a full cluster pod list is a few MiB; more is a runaway answer
constexpr int pollMs = 50;                       // bounds how long a cancelled transfer keeps running
constexpr std::size_t maxIdleConnections = 4;

struct EasyDeleter {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct MultiDeleter {
    void operator()(CURLM* handle) const noexcept { curl_multi_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
struct UrlDeleter {
    void operator()(CURLU* url) const noexcept { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
    void operator()(char* text) const noexcept { curl_free(text); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using StringList = std::unique_ptr<curl_slist, SlistDeleter>;
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

Status ensureCurlInitialised() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_ALL); });
    if (result != CURLE_OK)
        return internalError(std::string("libcurl failed to initialise: ") + curl_easy_strerror(result));
    return {};
}

bool append(StringList& list, const std::string& line) {
    curl_slist* extended = curl_slist_append(list.get(), line.c_str());
    if (!extended)
        return false;
    if (!list)
        list.reset(extended);
    return true;
}

std::string urlPart(CURLU* url, CURLUPart part, unsigned flags = 0) {
    char* raw = nullptr;
    if (curl_url_get(url, part, &raw, flags) != CURLUE_OK)
        return {};
    const CurlString text(raw);
    return text.get();
}

struct ServerNameRoute {
    std::string baseUrl;
    std::string connectTo;
    std::string hostHeader;
};

// `url` is the server's; it is modified. IPv6 hosts come back bracketed, as CURLOPT_CONNECT_TO wants them.
Result<ServerNameRoute> routeByServerName(CURLU* url, const std::string& serverName) {
    const std::string host = urlPart(url, CURLUPART_HOST);
    const std::string port = urlPart(url, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    const std::string explicitPort = urlPart(url, CURLUPART_PORT);
    if (curl_url_set(url, CURLUPART_HOST, serverName.c_str(), 0) != CURLUE_OK)
        return invalidInput("tls-server-name '" + serverName + "' is not a valid host name");
    std::string baseUrl = urlPart(url, CURLUPART_URL);
    while (!baseUrl.empty() && baseUrl.back() == '/')
        baseUrl.pop_back();
    return ServerNameRoute{std::move(baseUrl), serverName + ":" + port + ":" + host + ":" + port,
                           explicitPort.empty() ? host : host + ":" + explicitPort};
}

bool isSuccess(int status) {
    return status >= 200 && status < 300;
}

void setBlob(CURL* easy, CURLoption option, const std::string& bytes) {
    curl_blob blob{const_cast<char*>(bytes.data()), bytes.size(), CURL_BLOB_COPY};
    curl_easy_setopt(easy, option, &blob);
}

} // namespace

// State one transfer's callbacks share. Lives on the stack of perform().
struct Transport::Exchange {
    CURL* easy = nullptr;
    const HttpRequest* request = nullptr;
    HttpResponse response;
    bool statusKnown = false;
    bool tooLarge = false;
    bool stoppedByReader = false;
};

// An easy handle and the multi handle that drives it. Connections stay cached in the multi handle between calls.
struct Transport::Connection {
    MultiHandle multi{curl_multi_init()};
    EasyHandle easy{curl_easy_init()};
    StringList headers;
    StringList connectTo;
    char errorBuffer[CURL_ERROR_SIZE] = {};
};

namespace {

size_t onWrite(char* data, size_t size, size_t count, void* user) {
    auto& transfer = *static_cast<Transport::Exchange*>(user);
    const size_t length = size * count;
    if (!transfer.statusKnown) {
        long code = 0;
        curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &code);
        transfer.response.status = static_cast<int>(code);
        transfer.statusKnown = true;
    }
    if (transfer.request->onBody && isSuccess(transfer.response.status)) {
        transfer.stoppedByReader = !transfer.request->onBody(std::string_view(data, length));
        return transfer.stoppedByReader ? 0 : length;
    }
    if (transfer.response.body.size() + length > maxBodyBytes) {
        transfer.tooLarge = true;
        return 0;
    }
    transfer.response.body.append(data, length);
    return length;
}

void applyTls(CURL* easy, const ClusterConfig& cluster, const Credentials& credentials) {
    const long verify = cluster.insecureSkipTlsVerify ? 0L : 1L;
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, verify);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, verify * 2);
    if (!cluster.certificateAuthorityPem.empty())
        setBlob(easy, CURLOPT_CAINFO_BLOB, cluster.certificateAuthorityPem);
    else if (!cluster.certificateAuthority.empty())
        curl_easy_setopt(easy, CURLOPT_CAINFO, cluster.certificateAuthority.c_str());
    if (!credentials.clientCertificatePem.empty())
        setBlob(easy, CURLOPT_SSLCERT_BLOB, credentials.clientCertificatePem);
    else if (!credentials.clientCertificateFile.empty())
        curl_easy_setopt(easy, CURLOPT_SSLCERT, credentials.clientCertificateFile.c_str());
    if (!credentials.clientKeyPem.empty())
        setBlob(easy, CURLOPT_SSLKEY_BLOB, credentials.clientKeyPem);
    else if (!credentials.clientKeyFile.empty())
        curl_easy_setopt(easy, CURLOPT_SSLKEY, credentials.clientKeyFile.c_str());
    curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
}

// The token goes into a header list we own and free; curl never logs it (no CURLOPT_VERBOSE).
Status applyAuth(CURL* easy, const Credentials& credentials, StringList& headers) {
    if (!credentials.bearerToken.empty()) {
        if (!append(headers, "Authorization: Bearer " + credentials.bearerToken))
            return internalError("out of memory building request headers");
    } else if (!credentials.username.empty()) {
        curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(easy, CURLOPT_USERNAME, credentials.username.c_str());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, credentials.password.c_str());
    }
    return {};
}

Status buildHeaders(const HttpRequest& request, const std::string& hostHeader, StringList& headers) {
    bool ok = append(headers, "Accept: application/json") && append(headers, "Expect:");
    if (!request.contentType.empty())
        ok = ok && append(headers, "Content-Type: " + request.contentType);
    if (!hostHeader.empty())
        ok = ok && append(headers, "Host: " + hostHeader);
    return ok ? Status() : Status(internalError("out of memory building request headers"));
}

void applyMethod(CURL* easy, const HttpRequest& request) {
    if (request.method == "GET") {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        return;
    }
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method != "DELETE") {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
}

// Runs the transfer on the connection's multi handle, checking the cancellation token between polls.
CURLcode drive(Transport::Connection& connection, const CancellationToken* cancel, bool& cancelled) {
    CURLM* multi = connection.multi.get();
    curl_multi_add_handle(multi, connection.easy.get());
    int running = 1;
    CURLcode result = CURLE_FAILED_INIT; // replaced by the transfer's own result when it completes
    while (running > 0) {
        if (cancel && cancel->isCancelled()) {
            cancelled = true;
            break;
        }
        if (curl_multi_perform(multi, &running) != CURLM_OK)
            break;
        if (running > 0)
            curl_multi_poll(multi, nullptr, 0, pollMs, nullptr);
    }
    int queued = 0;
    while (const CURLMsg* message = curl_multi_info_read(multi, &queued)) {
        if (message->msg == CURLMSG_DONE)
            result = message->data.result;
    }
    curl_multi_remove_handle(multi, connection.easy.get());
    return result;
}

std::string describe(const HttpRequest& request, const std::string& baseUrl) {
    return request.method + " " + baseUrl + request.pathAndQuery;
}

Error transferError(const HttpRequest& request, const std::string& baseUrl, CURLcode code, const char* detail,
                    const Transport::Exchange& transfer) {
    const std::string what = describe(request, baseUrl);
    if (transfer.tooLarge)
        return platformError(what + ": the answer is larger than " + std::to_string(maxBodyBytes >> 20) + " MiB");
    if (code == CURLE_OPERATION_TIMEDOUT)
        return platformError(what + ": no answer within " + std::to_string(request.timeout.count()) + " ms");
    const std::string text = (detail && *detail) ? detail : curl_easy_strerror(code);
    if (code == CURLE_PEER_FAILED_VERIFICATION)
        return platformError(what + ": " + text + " (the server's certificate is not signed by the cluster's " +
                             "certificate authority; insecure-skip-tls-verify: true skips the check)");
    return platformError(what + ": " + text);
}

} // namespace

Result<std::shared_ptr<Transport>> Transport::create(const KubeContext& context, TransportOptions options) {
    if (auto status = ensureCurlInitialised(); !status)
        return status.error();
    std::shared_ptr<Transport> transport(new Transport(context.cluster, std::move(options)));
    if (auto status = transport->prepareUrl(context.name, context.sourceFile); !status)
        return status.error();
    return transport;
}

Transport::Transport(ClusterConfig cluster, TransportOptions options)
    : m_cluster(std::move(cluster))
    , m_options(std::move(options)) {}

Transport::~Transport() = default;

// curl 7.88 has no option to set the TLS server name alone. So the URL names the host tls-server-name (curl then
// sends it as SNI and verifies the certificate against it) and CURLOPT_CONNECT_TO routes that name to the real
// server's host and port (also through a proxy's CONNECT tunnel). The Host header keeps the real server, as
// client-go sends it.
Status Transport::prepareUrl(const std::string& contextName, const std::string& sourceFile) {
    const UrlHandle url(curl_url());
    std::string server = m_cluster.server;
    while (!server.empty() && server.back() == '/')
        server.pop_back();
    const std::string where =
        "cluster server '" + server + "' (context '" + contextName + "', kubeconfig '" + sourceFile + "')";
    if (!url || curl_url_set(url.get(), CURLUPART_URL, server.c_str(), 0) != CURLUE_OK)
        return invalidInput(where + " is not a valid URL");
    const std::string scheme = urlPart(url.get(), CURLUPART_SCHEME);
    if (scheme != "https" && scheme != "http")
        return invalidInput(where + " must start with https:// or http://");
    m_serverUrl = server;
    m_baseUrl = server;
    if (m_cluster.tlsServerName.empty() || scheme != "https")
        return {};
    auto route = routeByServerName(url.get(), m_cluster.tlsServerName);
    if (!route)
        return invalidInput(where + ": " + route.error().message);
    m_baseUrl = std::move(route->baseUrl);
    m_connectTo = std::move(route->connectTo);
    m_hostHeader = std::move(route->hostHeader);
    return {};
}

std::unique_ptr<Transport::Connection> Transport::acquire() {
    {
        const std::lock_guard lock(m_poolMutex);
        if (!m_idle.empty()) {
            auto connection = std::move(m_idle.back());
            m_idle.pop_back();
            return connection;
        }
    }
    auto connection = std::make_unique<Connection>();
    if (!connection->multi || !connection->easy)
        return nullptr;
    return connection;
}

void Transport::release(std::unique_ptr<Connection> connection) {
    connection->headers.reset();
    connection->connectTo.reset();
    const std::lock_guard lock(m_poolMutex);
    if (m_idle.size() < maxIdleConnections)
        m_idle.push_back(std::move(connection));
}

Status Transport::configure(Connection& connection, const HttpRequest& request, const Credentials& credentials,
                            const std::string& url, Exchange& exchange) const {
    CURL* easy = connection.easy.get();
    curl_easy_reset(easy);
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, connection.errorBuffer);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, m_options.userAgent.c_str());
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connectTimeout.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, onWrite);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &exchange);
    if (!m_cluster.proxyUrl.empty())
        curl_easy_setopt(easy, CURLOPT_PROXY, m_cluster.proxyUrl.c_str());
    if (!m_connectTo.empty() && append(connection.connectTo, m_connectTo))
        curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connection.connectTo.get());
    applyMethod(easy, request);
    applyTls(easy, m_cluster, credentials);
    for (const Status& status :
         {buildHeaders(request, m_hostHeader, connection.headers), applyAuth(easy, credentials, connection.headers)}) {
        if (!status)
            return status;
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, connection.headers.get());
    connection.errorBuffer[0] = '\0';
    return {};
}

Result<HttpResponse> Transport::perform(const HttpRequest& request, const Credentials& credentials) {
    auto connection = acquire();
    if (!connection)
        return internalError("libcurl could not create a handle");
    Exchange exchange{connection->easy.get(), &request, {}, false, false, false};
    const Status configured = configure(*connection, request, credentials, m_baseUrl + request.pathAndQuery, exchange);
    bool wasCancelled = false;
    const CURLcode code = configured ? drive(*connection, request.cancel, wasCancelled) : CURLE_OK;
    const std::string detail = connection->errorBuffer;
    release(std::move(connection));
    if (!configured)
        return configured.error();
    if (wasCancelled)
        return cancelled(describe(request, m_serverUrl) + ": cancelled");
    if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && exchange.stoppedByReader))
        return transferError(request, m_serverUrl, code, detail.c_str(), exchange);
    return std::move(exchange.response);
}

} // namespace faaswb::kube
