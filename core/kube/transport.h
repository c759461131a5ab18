// Transport: HTTP(S) exchanges with one API server over libcurl — TLS and proxy settings from the kubeconfig cluster,
// credentials per request, cancellation within ~50 ms. Private to core/kube. Thread-safe: each call borrows its own
// connection from a small pool (kept connections are reused across calls; concurrent calls open more).
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "kube/credentials.h"
#include "kube/kubeconfig.h"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace faaswb::kube {

struct HttpRequest {
    std::string method = "GET";
    std::string pathAndQuery; // "/api/v1/namespaces/ns/pods?labelSelector=..."
    std::string body;
    std::string contentType; // for the body
    std::chrono::milliseconds timeout{30000};
    const CancellationToken* cancel = nullptr;
    // Streaming: 2xx body bytes go here as they arrive instead of into HttpResponse::body; returning false ends the
    // transfer (not an error). Error bodies are always collected, so a Status can be read from them.
    std::function<bool(std::string_view)> onBody;
};

struct HttpResponse {
    int status = 0;
    std::string body;
};

struct TransportOptions {
    std::chrono::milliseconds connectTimeout{10000};
    std::string userAgent = "faas-workbench";
};

class Transport {
public:
    // Checks the server URL (http or https) and prepares the TLS server name override; InvalidInput on a bad URL.
    static Result<std::shared_ptr<Transport>> create(const KubeContext& context, TransportOptions options);
    ~Transport();

    // A transfer that never got an HTTP answer is an Error (Platform, or Cancelled); any HTTP status is a response.
    Result<HttpResponse> perform(const HttpRequest& request, const Credentials& credentials);

    struct Connection;
    struct Exchange;

private:
    Transport(ClusterConfig cluster, TransportOptions options);
    Status prepareUrl(const std::string& contextName, const std::string& sourceFile);
    Status configure(Connection& connection, const HttpRequest& request, const Credentials& credentials,
                     const std::string& url, Exchange& exchange) const;
    std::unique_ptr<Connection> acquire();
    void release(std::unique_ptr<Connection> connection);

    const ClusterConfig m_cluster;
    const TransportOptions m_options;
    std::string m_serverUrl;  // the kubeconfig's server, for messages
    std::string m_baseUrl;    // where requests go: the server URL, its host replaced by tls-server-name when set
    std::string m_connectTo;  // CURLOPT_CONNECT_TO entry sending that name to the real host; empty when unused
    std::string m_hostHeader; // the real host:port, so the Host header stays what kubectl would send
    std::mutex m_poolMutex;
    std::vector<std::unique_ptr<Connection>> m_idle;
};

} // namespace faaswb::kube
