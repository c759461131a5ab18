#include "platform/openwhisk_client.h"

#include <cctype>

namespace faaswb::platform {
namespace {

std::string trimmedHost(std::string apiHost) {
    while (!apiHost.empty() && apiHost.back() == '/')
        apiHost.pop_back();
    return apiHost;
}

const char* reasonPhrase(int status) {
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "";
    }
}

} // namespace

Result<std::unique_ptr<OpenWhiskClient>> OpenWhiskClient::create(const std::string& apiHost, const std::string& key,
                                                                 bool verifyTls) {
    const std::string host = trimmedHost(apiHost);
    if (!host.starts_with("https://") && !host.starts_with("http://"))
        return invalidInput("openwhisk url '" + apiHost + "' must start with https:// or http:// (the API host)");
    const std::size_t colon = key.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == key.size())
        return invalidInput("openwhisk authKey (redacted) must be uuid:secret, the AUTH of ~/.wskprops");
    kube::KubeContext context;
    context.name = "openwhisk";
    context.sourceFile = "experiment";
    context.cluster.server = host;
    context.cluster.insecureSkipTlsVerify = !verifyTls;
    auto transport = kube::Transport::create(context, kube::TransportOptions{});
    if (!transport)
        return invalidInput("openwhisk url '" + apiHost + "' is not a valid URL");
    kube::Credentials credentials;
    credentials.username = key.substr(0, colon);
    credentials.password = key.substr(colon + 1);
    return std::unique_ptr<OpenWhiskClient>(
        new OpenWhiskClient(host, std::move(transport).value(), std::move(credentials)));
}

OpenWhiskClient::OpenWhiskClient(std::string apiHost, std::shared_ptr<kube::Transport> transport,
                                 kube::Credentials credentials)
    : m_apiHost(std::move(apiHost))
    , m_transport(std::move(transport))
    , m_credentials(std::move(credentials)) {}

Result<OpenWhiskReply> OpenWhiskClient::call(const OpenWhiskCall& call) const {
    kube::HttpRequest request;
    request.method = call.method;
    request.pathAndQuery = call.pathAndQuery;
    request.body = call.body;
    request.contentType = call.body.empty() ? std::string() : "application/json";
    request.timeout = call.timeout;
    request.cancel = call.cancel;
    auto response = m_transport->perform(request, m_credentials);
    if (!response)
        return response.error();
    OpenWhiskReply reply;
    reply.status = response->status;
    reply.body = nlohmann::json::parse(response->body, nullptr, false);
    if (reply.body.is_discarded())
        reply.body = nullptr;
    return reply;
}

std::string OpenWhiskClient::namespacePath() const {
    return "/api/v1/namespaces/" + encodePathSegment(m_namespace);
}

std::string describeFailure(const OpenWhiskReply& reply) {
    if (reply.status == 401)
        return "OpenWhisk rejected the auth key (401); check the platform's authKey (uuid:secret, the AUTH of "
               "~/.wskprops)";
    std::string text = "OpenWhisk answered " + std::to_string(reply.status);
    if (const char* reason = reasonPhrase(reply.status); *reason)
        text += std::string(" ") + reason;
    if (!reply.body.is_object())
        return text;
    if (const auto error = reply.body.find("error"); error != reply.body.end() && error->is_string())
        text += ": " + error->get<std::string>();
    if (const auto code = reply.body.find("code"); code != reply.body.end() && !code->is_null())
        text += " (code " + (code->is_string() ? code->get<std::string>() : code->dump()) + ")";
    return text;
}

std::string encodePathSegment(const std::string& text) {
    static const char* digits = "0123456789ABCDEF";
    std::string encoded;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            encoded.push_back(static_cast<char>(c));
        } else {
            encoded.push_back('%');
            encoded.push_back(digits[c >> 4]);
            encoded.push_back(digits[c & 15]);
        }
    }
    return encoded;
}

} // namespace faaswb::platform
