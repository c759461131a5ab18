// Kubeconfig: the clusters, users and contexts of a kubeconfig file (the fields kubectl reads; platform-facts §2.4),
// and the one context a client connects with. Loading is pure parsing plus file reads; the values are plain data,
// thread-compatible like any std type. Secrets (tokens, keys, passwords) are held but never put into messages.
#pragma once

#include "common/result.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faaswb::kube {

struct ClusterConfig {
    std::string server;                  // https://host:6443
    std::string certificateAuthority;    // CA bundle file, absolute; empty when not set
    std::string certificateAuthorityPem; // certificate-authority-data, decoded
    bool insecureSkipTlsVerify = false;
    std::string tlsServerName; // name to verify the server certificate against (and send as SNI)
    std::string proxyUrl;
};

// A client-go credential plugin (client.authentication.k8s.io/v1 or v1beta1).
struct ExecConfig {
    std::string apiVersion;
    std::string command; // absolute when written with a '/', else looked up in PATH
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> env;
    bool provideClusterInfo = false;
    std::string interactiveMode = "IfAvailable"; // Never | IfAvailable | Always
    std::string installHint;
};

struct UserConfig {
    std::string token;
    std::string tokenFile;            // absolute; re-read when credentials are refreshed
    std::string clientCertificate;    // file, absolute
    std::string clientCertificatePem; // client-certificate-data, decoded
    std::string clientKey;            // file, absolute
    std::string clientKeyPem;         // client-key-data, decoded
    std::string username;
    std::string password;
    std::optional<ExecConfig> exec;
};

// A context resolved against its cluster and user: everything a client needs to connect.
struct KubeContext {
    std::string name;
    std::string namespaceName = "default";
    std::string clusterName;
    std::string userName;
    ClusterConfig cluster;
    UserConfig user;
    std::string sourceFile; // the kubeconfig it came from, for messages
};

class Kubeconfig {
public:
    // Reads and parses the file. Relative paths inside resolve against the file's folder; `~` expands to $HOME.
    // Errors are InvalidInput and name the file, the field and its line:column.
    static Result<Kubeconfig> load(const std::string& path);
    // Parses text as if it were the file at `path` (used for messages and relative paths).
    static Result<Kubeconfig> parse(std::string_view yaml, const std::string& path);

    // The named context, or current-context when `name` is empty; an unknown name lists the known ones.
    Result<KubeContext> context(std::string_view name = {}) const;
    const std::string& currentContext() const { return m_currentContext; }
    std::vector<std::string> contextNames() const;
    const std::string& path() const { return m_path; }

private:
    struct ContextEntry {
        std::string cluster;
        std::string user;
        std::string namespaceName;
        std::string where; // "file:line:column" of the entry, for messages about it
    };
    template <typename T>
    struct Named {
        T value;
        std::string where;
    };

    Result<ClusterConfig> cluster(const ContextEntry& context) const;
    Result<UserConfig> user(const ContextEntry& context) const;
    std::string knownContexts() const;

    std::string m_path;
    std::string m_currentContext;
    std::vector<std::pair<std::string, ContextEntry>> m_contexts; // file order, for messages
    std::map<std::string, Named<ClusterConfig>> m_clusters;
    std::map<std::string, Named<UserConfig>> m_users;

    friend class KubeconfigParser;
};

// $KUBECONFIG's first entry when set, else ~/.kube/config.
std::string defaultKubeconfigPath();

// Kubeconfig::load(path) then context(name), in one step.
Result<KubeContext> loadKubeContext(const std::string& path, std::string_view contextName = {});

} // namespace faaswb::kube
