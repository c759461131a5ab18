// CredentialSource: what a request to the API server authenticates with, resolved from a kubeconfig user — a static
// token, a tokenFile, basic auth, client certificates, or an exec credential plugin whose result is cached until it
// expires. Thread-safe: a mutex guards the cache, so concurrent callers wait for one plugin run.
#pragma once

#include "common/result.h"
#include "kube/kubeconfig.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace faaswb::kube {

struct Credentials {
    std::string bearerToken;
    std::string username; // basic auth, used only without a token
    std::string password;
    std::string clientCertificateFile;
    std::string clientKeyFile;
    std::string clientCertificatePem; // kubeconfig *-data or the exec plugin's; wins over the files
    std::string clientKeyPem;
};

// The `status` of an ExecCredential a plugin printed.
struct ExecCredential {
    std::string token;
    std::string clientCertificatePem;
    std::string clientKeyPem;
    std::optional<std::chrono::system_clock::time_point> expiration; // none: valid until the server says 401
};

// Parses a plugin's stdout. `apiVersion` is the configured one; the output must match it. Messages never quote the
// output (it holds the credential).
Result<ExecCredential> parseExecCredential(std::string_view output, std::string_view apiVersion);

// RFC 3339 ("2024-05-01T12:00:00Z", "…T12:00:00.5+02:00"); nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view text);

class CredentialSource {
public:
    explicit CredentialSource(KubeContext context, std::chrono::milliseconds execTimeout = std::chrono::seconds(60));

    // The credentials for the next request: runs the exec plugin when nothing valid is cached and re-reads tokenFile.
    Result<Credentials> credentials();
    // Drops the cached exec credential (the server answered 401); the next credentials() runs the plugin again.
    void invalidateCredentials();
    // Whether invalidating can change anything, i.e. whether a 401 is worth one retry.
    bool refreshable() const;

private:
    Result<Credentials> staticCredentials() const;
    Status refreshExec();
    std::string execInfo() const;
    bool cacheValid() const;

    const KubeContext m_context;
    const std::chrono::milliseconds m_execTimeout;
    mutable std::mutex m_mutex;
    std::optional<ExecCredential> m_cached;
};

} // namespace faaswb::kube
