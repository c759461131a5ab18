// A small libcurl easy exchange; credentials are handed to libcurl and never copied into messages.
#include "engine/eventing_http.h"

#include <curl/curl.h>
#include <memory>

namespace faaswb::engine::eventing {
namespace {

struct EasyDeleter {
    void operator()(CURL* easy) const noexcept { curl_easy_cleanup(easy); }
};
struct ListDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

struct Exchange {
    std::string body;
    std::uint64_t maxBytes = 0;
    const CancellationToken* cancel = nullptr;
};

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* exchange = static_cast<Exchange*>(user);
    const std::size_t bytes = size * count;
    if (exchange->maxBytes && exchange->body.size() + bytes > exchange->maxBytes)
        return 0; // libcurl ends the transfer with CURLE_WRITE_ERROR
    exchange->body.append(data, bytes);
    return bytes;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Exchange*>(user)->cancel->isCancelled() ? 1 : 0;
}

void setAuth(CURL* easy, const load::RequestAuth& auth) {
    using Kind = load::RequestAuth::Kind;
    if (auth.kind == Kind::Basic || auth.kind == Kind::AwsSigV4) {
        curl_easy_setopt(easy, CURLOPT_USERNAME, auth.username.c_str());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, auth.secret.c_str());
    }
    if (auth.kind == Kind::Basic)
        curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    if (auth.kind == Kind::Bearer) {
        curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER, auth.secret.c_str());
        curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER));
    }
    if (auth.kind == Kind::AwsSigV4)
        curl_easy_setopt(easy, CURLOPT_AWS_SIGV4, auth.sigv4.c_str());
}

std::unique_ptr<curl_slist, ListDeleter> headerList(const load::RequestSpec& request) {
    curl_slist* list = nullptr;
    for (const auto& [name, value] : request.headers)
        list = curl_slist_append(list, (name + ": " + value).c_str());
    list = curl_slist_append(list, "Expect:");
    if (request.auth.kind == load::RequestAuth::Kind::AwsSigV4 && !request.auth.sessionToken.empty())
        list = curl_slist_append(list, ("X-Amz-Security-Token: " + request.auth.sessionToken).c_str());
    return std::unique_ptr<curl_slist, ListDeleter>(list);
}

} // namespace

Result<HttpAnswer> exchange(const load::RequestSpec& request, const CancellationToken& cancel) {
    std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    if (!easy)
        return internalError("libcurl could not create a transfer handle");
    Exchange state{{}, request.maxResponseBytes, &cancel};
    const auto headers = headerList(request);
    CURL* handle = easy.get();
    curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_NOPROXY, "*"); // loopback and cluster addresses, never a proxy
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "GET" && request.method != "HEAD") {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, request.verifyTls ? 1L : 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, request.verifyTls ? 2L : 0L);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, &onProgress);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &state);
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    setAuth(handle, request.auth);
    const CURLcode code = curl_easy_perform(handle);
    if (cancel.isCancelled())
        return cancelled("cancelled while calling " + request.url);
    if (code != CURLE_OK)
        return platformError(request.method + " " + request.url + ": " + curl_easy_strerror(code));
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    return HttpAnswer{static_cast<int>(status), std::move(state.body)};
}

} // namespace faaswb::engine::eventing
