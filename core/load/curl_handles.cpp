#include "load/curl_handles.h"

#include <cstring>
#include <mutex>

namespace faaswb::load {
namespace {

struct UrlDeleter {
    void operator()(CURLU* url) const noexcept { curl_url_cleanup(url); }
};

bool isTlsError(CURLcode code) noexcept {
    switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
        return true;
    default:
        return false;
    }
}

} // namespace

Status ensureCurlInitialised() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_ALL); });
    if (result != CURLE_OK)
        return internalError(std::string("libcurl failed to initialise: ") + curl_easy_strerror(result));
    return {};
}

curl_slist* appendHeader(HeaderList& list, const std::string& line) {
    curl_slist* extended = curl_slist_append(list.get(), line.c_str());
    if (!extended)
        return nullptr;
    if (!list)
        list.reset(extended);
    curl_slist* last = extended;
    while (last->next)
        last = last->next;
    return last;
}

Status validateUrl(const std::string& url) {
    const std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
    if (!parsed)
        return internalError("out of memory parsing the URL");
    if (const CURLUcode code = curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0); code != CURLUE_OK)
        return invalidInput("invalid URL '" + url + "': " + curl_url_strerror(code));
    char* scheme = nullptr;
    if (curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        return invalidInput("invalid URL '" + url + "': no scheme");
    const std::string schemeText = scheme;
    curl_free(scheme);
    if (schemeText != "http" && schemeText != "https")
        return invalidInput("URL '" + url + "' must start with http:// or https://");
    return {};
}

ErrorKind classifyCurlResult(CURLcode code, bool requestSent, bool bodyTooLarge) noexcept {
    switch (code) {
    case CURLE_OK:
        return ErrorKind::None;
    case CURLE_COULDNT_CONNECT:
        return ErrorKind::ConnectRefused;
    case CURLE_OPERATION_TIMEDOUT:
        return requestSent ? ErrorKind::Timeout : ErrorKind::ConnectTimeout;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2_STREAM:
        return ErrorKind::Reset;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return ErrorKind::Dns;
    case CURLE_FILESIZE_EXCEEDED:
        return ErrorKind::TooLarge;
    case CURLE_WRITE_ERROR:
        return bodyTooLarge ? ErrorKind::TooLarge : ErrorKind::Other;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_HTTP2:
        return ErrorKind::InvalidResponse;
    default:
        return isTlsError(code) ? ErrorKind::Tls : ErrorKind::Other;
    }
}

bool isProtocolViolation(const char* curlMessage) noexcept {
    // libcurl 7.x/8.x: "<reason> in chunked-encoding" and "Failed reading the chunked-encoded stream".
    return curlMessage != nullptr && std::strstr(curlMessage, "chunked-encod") != nullptr;
}

} // namespace faaswb::load
