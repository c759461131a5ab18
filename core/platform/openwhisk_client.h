// OpenWhiskClient: JSON calls to one OpenWhisk API host (platform-facts §6) with HTTP Basic auth from the key
// uuid:secret, over the kube room's libcurl Transport (TLS verification, timeouts, cancellation within ~50 ms).
// Messages name the call and OpenWhisk's own error text, never the key. Thread-safe (Transport is).
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "kube/credentials.h"
#include "kube/transport.h"

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace faaswb::platform {

struct OpenWhiskReply {
    int status = 0;
    nlohmann::json body; // null when the answer was not JSON
};

struct OpenWhiskCall {
    std::string method = "GET";
    std::string pathAndQuery; // "/api/v1/namespaces/_/actions/x?overwrite=true"
    std::string body;         // JSON; sent with Content-Type: application/json when not empty
    std::chrono::milliseconds timeout{30000};
    const CancellationToken* cancel = nullptr;
};

class OpenWhiskClient {
public:
    // apiHost: "https://owdev.example:31001" (trailing slashes dropped); key: "uuid:secret".
    static Result<std::unique_ptr<OpenWhiskClient>> create(const std::string& apiHost, const std::string& key,
                                                           bool verifyTls);

    // Any HTTP status is a reply; a transfer without an answer (refused, timeout, TLS) is a Platform error, a
    // cancelled one Cancelled.
    Result<OpenWhiskReply> call(const OpenWhiskCall& call) const;

    const std::string& apiHost() const { return m_apiHost; }
    // "/api/v1/namespaces/{ns}" with the namespace percent-encoded.
    std::string namespacePath() const;
    void setNamespace(std::string namespaceName) { m_namespace = std::move(namespaceName); }
    const std::string& namespaceName() const { return m_namespace; }
    const std::string& username() const { return m_credentials.username; }
    const std::string& secret() const { return m_credentials.password; }

private:
    OpenWhiskClient(std::string apiHost, std::shared_ptr<kube::Transport> transport, kube::Credentials credentials);

    std::string m_apiHost;
    std::string m_namespace = "_";
    std::shared_ptr<kube::Transport> m_transport;
    kube::Credentials m_credentials;
};

// "OpenWhisk answered 404 Not Found: The requested resource does not exist. (code abc)" from a reply's
// {"error", "code"}; the status alone when the body has none. 401 gets the key hint (never the key).
std::string describeFailure(const OpenWhiskReply& reply);
// A path segment with everything but unreserved characters percent-encoded (namespaces may hold '@').
std::string encodePathSegment(const std::string& text);

} // namespace faaswb::platform
