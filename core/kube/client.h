// KubeClient: JSON calls on Kubernetes REST paths (get, list, create, patch, put, remove, version, and a raw stream
// for watches) against the cluster of one kubeconfig context, authenticating as its user.
// Thread-safe: KubeClient is a cheap handle; copies share one connection pool and one credential cache. Concurrent
// calls each borrow their own connection, so a long watch never blocks other calls.
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "kube/api_status.h"
#include "kube/kubeconfig.h"

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faaswb::kube {

struct CallOptions {
    std::chrono::milliseconds timeout{30000};  // the whole exchange, connect included
    const CancellationToken* cancel = nullptr; // cancels within ~50 ms; the result is then ErrorCode::Cancelled
};

struct ListOptions {
    std::string labelSelector; // "serving.knative.dev/revision=hello-00001"
    std::string fieldSelector;
    std::string resourceVersion;
    int limit = 0; // 0: everything in one answer
    std::string continueToken;
};

enum class PatchType {
    Merge, // application/merge-patch+json (what custom resources such as Knative Services accept)
    Json,  // application/json-patch+json (RFC 6902 operations)
    Apply, // application/apply-patch+yaml: server-side apply of the full intended object; needs fieldManager
};

struct PatchOptions {
    PatchType type = PatchType::Merge;
    std::string fieldManager; // required for Apply
    bool force = false;       // Apply: take fields over from other managers instead of a 409
};

struct ClientOptions {
    std::chrono::milliseconds connectTimeout{10000};
    std::chrono::milliseconds execTimeout{60000}; // an exec credential plugin that runs longer is killed
    std::string userAgent = "faas-workbench";
};

struct HttpRequest;
struct HttpResponse;

class KubeClient {
public:
    // Checks the server URL; InvalidInput when it is not http(s). No request is made yet.
    static Result<KubeClient> fromContext(KubeContext context, ClientOptions options = {});
    // Loads the kubeconfig (empty path: defaultKubeconfigPath()) and uses the named context (empty: current-context).
    static Result<KubeClient> fromKubeconfig(const std::string& path, std::string_view contextName = {},
                                             ClientOptions options = {});

    KubeResult<nlohmann::json> get(const std::string& path, const CallOptions& call = {}) const;
    KubeResult<nlohmann::json> list(const std::string& path, const ListOptions& options = {},
                                    const CallOptions& call = {}) const;
    KubeResult<nlohmann::json> create(const std::string& path, const nlohmann::json& object,
                                      const CallOptions& call = {}) const;
    KubeResult<nlohmann::json> patch(const std::string& path, const nlohmann::json& patch,
                                     const PatchOptions& options = {}, const CallOptions& call = {}) const;
    // PUT replaces the object; it must carry metadata.resourceVersion (a stale one gives Conflict).
    KubeResult<nlohmann::json> put(const std::string& path, const nlohmann::json& object,
                                   const CallOptions& call = {}) const;
    // DELETE, optionally with DeleteOptions (e.g. {"propagationPolicy": "Foreground"}).
    KubeResult<nlohmann::json> remove(const std::string& path, const nlohmann::json& deleteOptions = nullptr,
                                      const CallOptions& call = {}) const;
    // GET /version: {major, minor, gitVersion, ...}.
    KubeResult<nlohmann::json> version(const CallOptions& call = {}) const;

    // GET path and hand the 2xx body to onChunk as it arrives, until the server ends it, onChunk returns false, or
    // call.cancel is set (then ErrorCode::Cancelled). A non-2xx answer is a KubeError carrying its Status.
    KubeResult<void> stream(const std::string& path, const std::function<bool(std::string_view)>& onChunk,
                            const CallOptions& call = {}) const;

    // The next call re-runs the exec credential plugin (calls do this by themselves once after a 401).
    void invalidateCredentials() const;

    const KubeContext& context() const;
    const std::string& namespaceName() const { return context().namespaceName; }

private:
    struct Shared;
    explicit KubeClient(std::shared_ptr<const Shared> shared)
        : m_shared(std::move(shared)) {}
    KubeResult<nlohmann::json> call(HttpRequest request, const CallOptions& options) const;
    KubeResult<HttpResponse> exchange(HttpRequest& request) const;

    std::shared_ptr<const Shared> m_shared;
};

// Appends "name=value" (value percent-encoded) to a path, with '?' or '&' as needed; empty values are skipped.
std::string withQuery(std::string path, const std::vector<std::pair<std::string, std::string>>& parameters);

} // namespace faaswb::kube
