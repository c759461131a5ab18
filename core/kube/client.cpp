#include "kube/client.h"

#include "kube/credentials.h"
#include "kube/encoding.h"
#include "kube/transport.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace faaswb::kube {

struct KubeClient::Shared {
    KubeContext context;
    std::shared_ptr<Transport> transport;
    std::unique_ptr<CredentialSource> credentials;
};

namespace {

bool isSuccess(int status) {
    return status >= 200 && status < 300;
}

const char* contentTypeOf(PatchType type) {
    switch (type) {
    case PatchType::Merge:
        return "application/merge-patch+json";
    case PatchType::Json:
        return "application/json-patch+json";
    case PatchType::Apply:
        return "application/apply-patch+yaml";
    }
    return "application/merge-patch+json";
}

HttpRequest makeRequest(std::string method, std::string path, std::string body = {}, std::string contentType = {}) {
    HttpRequest request;
    request.method = std::move(method);
    request.pathAndQuery = std::move(path);
    request.body = std::move(body);
    request.contentType = std::move(contentType);
    return request;
}

std::string requestName(const HttpRequest& request) {
    return request.method + " " + request.pathAndQuery.substr(0, request.pathAndQuery.find('?'));
}

// The answer's Status when the body is one (the apiserver always sends one for errors), else one made from the code.
KubeError statusError(const HttpRequest& request, const HttpResponse& response) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const bool isStatus = body.is_object() && body.value("kind", "") == "Status";
    ApiStatus status = ApiStatus::fromStatusObject(isStatus ? body : nlohmann::json(), response.status);
    status.httpCode = response.status;
    std::string text = requestName(request) + ": " + std::to_string(status.httpCode) +
                       (status.reason.empty() ? "" : " " + status.reason);
    if (!status.message.empty())
        text += ": " + status.message;
    return KubeError{platformError(std::move(text)), std::move(status)};
}

KubeResult<nlohmann::json> parseBody(const HttpRequest& request, const HttpResponse& response) {
    if (response.body.empty())
        return nlohmann::json::object();
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded())
        return KubeError{platformError(requestName(request) + ": the server answered " +
                                       std::to_string(response.status) + " with a body that is not JSON"),
                         ApiStatus{response.status, {}, {}, {}}};
    return body;
}

// A CA, client certificate or key file the kubeconfig names but nobody can read would otherwise only show as a
// libcurl TLS error on the first request; name the file and the field now.
Status checkFile(const KubeContext& context, const std::string& owner, const char* field, const std::string& file) {
    if (file.empty())
        return {};
    std::ifstream in(file);
    if (in)
        return {};
    return invalidInput("kubeconfig '" + context.sourceFile + "', context '" + context.name + "': " + owner + "." +
                        field + ": cannot read '" + file + "': " + std::strerror(errno));
}

Status checkFiles(const KubeContext& context) {
    const std::string cluster = "cluster '" + context.clusterName + "'";
    const std::string user = "user '" + context.userName + "'";
    if (context.cluster.certificateAuthorityPem.empty())
        if (auto ok = checkFile(context, cluster, "certificate-authority", context.cluster.certificateAuthority); !ok)
            return ok;
    if (context.user.clientCertificatePem.empty())
        if (auto ok = checkFile(context, user, "client-certificate", context.user.clientCertificate); !ok)
            return ok;
    if (context.user.clientKeyPem.empty())
        if (auto ok = checkFile(context, user, "client-key", context.user.clientKey); !ok)
            return ok;
    return {};
}

} // namespace

Result<KubeClient> KubeClient::fromContext(KubeContext context, ClientOptions options) {
    if (auto files = checkFiles(context); !files)
        return files.error();
    auto transport = Transport::create(context, TransportOptions{options.connectTimeout, options.userAgent});
    if (!transport)
        return transport.error();
    auto credentials = std::make_unique<CredentialSource>(context, options.execTimeout);
    auto shared = std::make_shared<Shared>(Shared{std::move(context), std::move(*transport), std::move(credentials)});
    return KubeClient(std::move(shared));
}

Result<KubeClient> KubeClient::fromKubeconfig(const std::string& path, std::string_view contextName,
                                              ClientOptions options) {
    auto context = loadKubeContext(path.empty() ? defaultKubeconfigPath() : path, contextName);
    if (!context)
        return context.error();
    return fromContext(std::move(*context), std::move(options));
}

// One retry after a 401 when the credentials can change (exec plugin, tokenFile): they may simply have expired.
KubeResult<HttpResponse> KubeClient::exchange(HttpRequest& request) const {
    for (int attempt = 0;; ++attempt) {
        auto credentials = m_shared->credentials->credentials();
        if (!credentials)
            return KubeError{credentials.error(), {}};
        auto response = m_shared->transport->perform(request, *credentials);
        if (!response)
            return KubeError{response.error(), {}};
        if (response->status != 401 || attempt > 0 || !m_shared->credentials->refreshable())
            return std::move(*response);
        m_shared->credentials->invalidateCredentials();
    }
}

KubeResult<nlohmann::json> KubeClient::call(HttpRequest request, const CallOptions& options) const {
    request.timeout = options.timeout;
    request.cancel = options.cancel;
    auto response = exchange(request);
    if (!response)
        return response.kubeError();
    if (!isSuccess(response->status))
        return statusError(request, *response);
    return parseBody(request, *response);
}

KubeResult<nlohmann::json> KubeClient::get(const std::string& path, const CallOptions& call) const {
    return this->call(makeRequest("GET", path), call);
}

KubeResult<nlohmann::json> KubeClient::list(const std::string& path, const ListOptions& options,
                                            const CallOptions& call) const {
    const std::string query = withQuery(path, {{"labelSelector", options.labelSelector},
                                               {"fieldSelector", options.fieldSelector},
                                               {"resourceVersion", options.resourceVersion},
                                               {"limit", options.limit > 0 ? std::to_string(options.limit) : ""},
                                               {"continue", options.continueToken}});
    return this->call(makeRequest("GET", query), call);
}

KubeResult<nlohmann::json> KubeClient::create(const std::string& path, const nlohmann::json& object,
                                              const CallOptions& call) const {
    return this->call(makeRequest("POST", path, object.dump(), "application/json"), call);
}

// Server-side apply takes YAML; JSON is YAML, so the object goes as JSON text.
KubeResult<nlohmann::json> KubeClient::patch(const std::string& path, const nlohmann::json& patch,
                                             const PatchOptions& options, const CallOptions& call) const {
    const bool apply = options.type == PatchType::Apply;
    if (apply && options.fieldManager.empty())
        return KubeError{invalidInput("PATCH " + path + ": server-side apply needs a fieldManager"), {}};
    const std::string target =
        withQuery(path, {{"fieldManager", options.fieldManager}, {"force", apply && options.force ? "true" : ""}});
    return this->call(makeRequest("PATCH", target, patch.dump(), contentTypeOf(options.type)), call);
}

KubeResult<nlohmann::json> KubeClient::put(const std::string& path, const nlohmann::json& object,
                                           const CallOptions& call) const {
    return this->call(makeRequest("PUT", path, object.dump(), "application/json"), call);
}

KubeResult<nlohmann::json> KubeClient::remove(const std::string& path, const nlohmann::json& deleteOptions,
                                              const CallOptions& call) const {
    if (deleteOptions.is_null())
        return this->call(makeRequest("DELETE", path), call);
    return this->call(makeRequest("DELETE", path, deleteOptions.dump(), "application/json"), call);
}

KubeResult<nlohmann::json> KubeClient::version(const CallOptions& call) const {
    return this->call(makeRequest("GET", "/version"), call);
}

KubeResult<void> KubeClient::stream(const std::string& path, const std::function<bool(std::string_view)>& onChunk,
                                    const CallOptions& call) const {
    HttpRequest request = makeRequest("GET", path);
    request.timeout = call.timeout;
    request.cancel = call.cancel;
    request.onBody = onChunk;
    auto response = exchange(request);
    if (!response)
        return response.kubeError();
    if (!isSuccess(response->status))
        return statusError(request, *response);
    return {};
}

void KubeClient::invalidateCredentials() const {
    m_shared->credentials->invalidateCredentials();
}

const KubeContext& KubeClient::context() const {
    return m_shared->context;
}

std::string withQuery(std::string path, const std::vector<std::pair<std::string, std::string>>& parameters) {
    for (const auto& [name, value] : parameters) {
        if (value.empty())
            continue;
        path += path.find('?') == std::string::npos ? '?' : '&';
        path += name + "=" + percentEncode(value);
    }
    return path;
}

} // namespace faaswb::kube
