#include "kube/kubeconfig.h"

#include "kube/encoding.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace faaswb::kube {
namespace fs = std::filesystem;
namespace {

// A node and where it sits: its dotted path ("users[0].user.token") and its mark, or its parent's when the key is
// absent (so "missing" messages point at the enclosing entry).
struct Field {
    YAML::Node node;
    std::string path;
    YAML::Mark mark;

    bool present() const { return node.IsDefined() && !node.IsNull(); }
};

std::string homeDirectory() {
    const char* home = std::getenv("HOME");
    return home ? home : "";
}

std::string expandHome(const std::string& path) {
    if (path == "~")
        return homeDirectory();
    if (path.rfind("~/", 0) == 0)
        return homeDirectory() + path.substr(1);
    return path;
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string joined;
    for (const auto& name : names)
        joined += (joined.empty() ? "" : ", ") + name;
    return joined;
}

template <typename Map>
std::string knownKeys(const Map& map) {
    std::vector<std::string> names;
    for (const auto& entry : map)
        names.push_back(entry.first);
    return names.empty() ? " (none are defined)" : " (known: " + joinNames(names) + ")";
}

constexpr std::string_view execV1 = "client.authentication.k8s.io/v1";
constexpr std::string_view execV1beta1 = "client.authentication.k8s.io/v1beta1";

} // namespace

// Reads the document into a Kubeconfig, stopping at the first problem. One parser per file.
class KubeconfigParser {
public:
    explicit KubeconfigParser(const std::string& path)
        : m_dir(fs::absolute(fs::path(path), m_ignored).parent_path()) {
        m_config.m_path = path;
    }

    Result<Kubeconfig> parse(std::string_view yaml) {
        try {
            const YAML::Node document = YAML::Load(std::string(yaml));
            if (auto status = readDocument(Field{document, "", document.Mark()}); !status)
                return status.error();
            return std::move(m_config);
        } catch (const YAML::Exception& failure) {
            return invalidInput(where(failure.mark) + ": invalid YAML: " + failure.msg);
        }
    }

private:
    std::string where(const YAML::Mark& mark) const {
        if (mark.is_null())
            return m_config.m_path;
        return m_config.m_path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    }
    std::string where(const Field& field) const {
        return where(field.mark) + (field.path.empty() ? "" : ": " + field.path);
    }
    Error error(const Field& field, const std::string& what) const { return invalidInput(where(field) + ": " + what); }

    Field child(const Field& parent, const std::string& key) const {
        const std::string path = parent.path.empty() ? key : parent.path + "." + key;
        if (!parent.present() || !parent.node.IsMap() || !parent.node[key].IsDefined())
            return Field{YAML::Node(), path, parent.mark};
        const YAML::Node node = parent.node[key];
        return Field{node, path, node.Mark()};
    }

    Status requireMapping(const Field& field) const {
        if (field.present() && !field.node.IsMap())
            return error(field, "expected a mapping");
        return {};
    }

    Result<std::vector<Field>> items(const Field& list) const {
        std::vector<Field> fields;
        if (!list.present())
            return fields;
        if (!list.node.IsSequence())
            return error(list, "expected a list");
        for (std::size_t i = 0; i < list.node.size(); ++i) {
            const YAML::Node node = list.node[i];
            fields.push_back(Field{node, list.path + "[" + std::to_string(i) + "]", node.Mark()});
        }
        return fields;
    }

    Result<std::string> text(const Field& field) const {
        if (!field.present())
            return std::string();
        if (!field.node.IsScalar())
            return error(field, "expected a string");
        return field.node.Scalar();
    }

    Result<bool> flag(const Field& field) const {
        bool value = false;
        if (!field.present())
            return value;
        if (!field.node.IsScalar() || !YAML::convert<bool>::decode(field.node, value))
            return error(field, "expected true or false");
        return value;
    }

    // base64 PEM; the text itself is never quoted back, it may be a private key.
    Result<std::string> pem(const Field& field) const {
        auto encoded = text(field);
        if (!encoded)
            return encoded;
        auto decoded = base64Decode(*encoded);
        if (!decoded)
            return error(field, "not valid base64");
        return std::move(*decoded);
    }

    Result<std::string> filePath(const Field& field) const {
        auto value = text(field);
        if (!value || value->empty())
            return value;
        return resolve(*value);
    }

    std::string resolve(const std::string& path) const {
        return (m_dir / fs::path(expandHome(path))).lexically_normal().string();
    }

    Status readDocument(const Field& root) {
        if (auto status = requireMapping(root); !status)
            return status;
        auto current = text(child(root, "current-context"));
        if (!current)
            return current.error();
        m_config.m_currentContext = *current;
        if (auto status = readEntries(root, "clusters", "cluster", &KubeconfigParser::addCluster); !status)
            return status;
        if (auto status = readEntries(root, "users", "user", &KubeconfigParser::addUser); !status)
            return status;
        return readEntries(root, "contexts", "context", &KubeconfigParser::addContext);
    }

    using AddEntry = Status (KubeconfigParser::*)(const std::string& name, const Field& body);

    // clusters/users/contexts are lists of {name, <kind>: {...}}.
    Status readEntries(const Field& root, const std::string& listKey, const std::string& bodyKey, AddEntry add) {
        auto entries = items(child(root, listKey));
        if (!entries)
            return entries.error();
        for (const Field& entry : *entries) {
            if (auto status = requireMapping(entry); !status)
                return status;
            auto name = text(child(entry, "name"));
            if (!name)
                return name.error();
            if (name->empty())
                return error(entry, "the entry has no name");
            const Field body = child(entry, bodyKey);
            if (auto status = requireMapping(body); !status)
                return status;
            if (auto status = (this->*add)(*name, body); !status)
                return status;
        }
        return {};
    }

    Status addCluster(const std::string& name, const Field& body) {
        ClusterConfig cluster;
        if (auto status = readCluster(body, cluster); !status)
            return status;
        m_config.m_clusters.try_emplace(name, Kubeconfig::Named<ClusterConfig>{std::move(cluster), where(body)});
        return {};
    }

    Status readCluster(const Field& body, ClusterConfig& cluster) const {
        auto server = text(child(body, "server"));
        auto caFile = filePath(child(body, "certificate-authority"));
        auto caPem = pem(child(body, "certificate-authority-data"));
        auto insecure = flag(child(body, "insecure-skip-tls-verify"));
        auto serverName = text(child(body, "tls-server-name"));
        auto proxy = text(child(body, "proxy-url"));
        for (const Status& status : {asStatus(server), asStatus(caFile), asStatus(caPem), asStatus(insecure),
                                     asStatus(serverName), asStatus(proxy)}) {
            if (!status)
                return status;
        }
        cluster = ClusterConfig{*server, *caFile, *caPem, *insecure, *serverName, *proxy};
        return {};
    }

    Status addUser(const std::string& name, const Field& body) {
        UserConfig user;
        if (auto status = readUser(body, user); !status)
            return status;
        m_config.m_users.try_emplace(name, Kubeconfig::Named<UserConfig>{std::move(user), where(body)});
        return {};
    }

    Status readUser(const Field& body, UserConfig& user) const {
        auto token = text(child(body, "token"));
        auto tokenFile = filePath(child(body, "tokenFile"));
        auto certFile = filePath(child(body, "client-certificate"));
        auto certPem = pem(child(body, "client-certificate-data"));
        auto keyFile = filePath(child(body, "client-key"));
        auto keyPem = pem(child(body, "client-key-data"));
        auto username = text(child(body, "username"));
        auto password = text(child(body, "password"));
        for (const Status& status : {asStatus(token), asStatus(tokenFile), asStatus(certFile), asStatus(certPem),
                                     asStatus(keyFile), asStatus(keyPem), asStatus(username), asStatus(password)}) {
            if (!status)
                return status;
        }
        user = UserConfig{*token, *tokenFile, *certFile, *certPem, *keyFile, *keyPem, *username, *password, {}};
        const Field exec = child(body, "exec");
        if (!exec.present())
            return {};
        auto plugin = readExec(exec);
        if (!plugin)
            return plugin.error();
        user.exec = std::move(*plugin);
        return {};
    }

    Result<ExecConfig> readExec(const Field& body) const {
        if (auto status = requireMapping(body); !status)
            return status.error();
        ExecConfig exec;
        if (auto status = readExecVersion(body, exec); !status)
            return status.error();
        if (auto status = readExecCommand(body, exec); !status)
            return status.error();
        if (auto status = readExecEnv(child(body, "env"), exec); !status)
            return status.error();
        auto provide = flag(child(body, "provideClusterInfo"));
        auto hint = text(child(body, "installHint"));
        if (!provide)
            return provide.error();
        if (!hint)
            return hint.error();
        exec.provideClusterInfo = *provide;
        exec.installHint = *hint;
        return exec;
    }

    Status readExecVersion(const Field& body, ExecConfig& exec) const {
        const Field versionField = child(body, "apiVersion");
        auto version = text(versionField);
        if (!version)
            return version.error();
        if (*version != execV1 && *version != execV1beta1)
            return error(versionField, "expected " + std::string(execV1) + " or " + std::string(execV1beta1) +
                                           (version->empty() ? ", the field is missing" : ", got '" + *version + "'"));
        exec.apiVersion = *version;
        const Field modeField = child(body, "interactiveMode");
        auto mode = text(modeField);
        if (!mode)
            return mode.error();
        if (mode->empty() && *version == execV1)
            return error(modeField, "required by " + std::string(execV1) + " (Never, IfAvailable or Always)");
        if (!mode->empty() && *mode != "Never" && *mode != "IfAvailable" && *mode != "Always")
            return error(modeField, "expected Never, IfAvailable or Always, got '" + *mode + "'");
        if (!mode->empty())
            exec.interactiveMode = *mode;
        return {};
    }

    // client-go resolves a command written with a '/' against the kubeconfig's folder; a bare name goes to PATH.
    Status readExecCommand(const Field& body, ExecConfig& exec) const {
        const Field commandField = child(body, "command");
        auto command = text(commandField);
        if (!command)
            return command.error();
        if (command->empty())
            return error(commandField, "missing: the credential plugin to run");
        const std::string expanded = expandHome(*command);
        exec.command = expanded.find('/') == std::string::npos ? expanded : resolve(expanded);
        auto args = items(child(body, "args"));
        if (!args)
            return args.error();
        for (const Field& arg : *args) {
            auto value = text(arg);
            if (!value)
                return value.error();
            exec.args.push_back(*value);
        }
        return {};
    }

    Status readExecEnv(const Field& list, ExecConfig& exec) const {
        auto entries = items(list);
        if (!entries)
            return entries.error();
        for (const Field& entry : *entries) {
            auto name = text(child(entry, "name"));
            auto value = text(child(entry, "value"));
            if (!name)
                return name.error();
            if (!value)
                return value.error();
            if (name->empty())
                return error(entry, "an env entry needs a name");
            exec.env.emplace_back(*name, *value);
        }
        return {};
    }

    Status addContext(const std::string& name, const Field& body) {
        auto cluster = text(child(body, "cluster"));
        auto user = text(child(body, "user"));
        auto ns = text(child(body, "namespace"));
        for (const Status& status : {asStatus(cluster), asStatus(user), asStatus(ns)}) {
            if (!status)
                return status;
        }
        const bool known = std::any_of(m_config.m_contexts.begin(), m_config.m_contexts.end(),
                                       [&](const auto& entry) { return entry.first == name; });
        if (!known)
            m_config.m_contexts.emplace_back(name, Kubeconfig::ContextEntry{*cluster, *user, *ns, where(body)});
        return {};
    }

    template <typename T>
    static Status asStatus(const Result<T>& result) {
        return result ? Status() : Status(result.error());
    }

    std::error_code m_ignored; // a failing absolute() leaves relative paths relative to the working folder
    fs::path m_dir;
    Kubeconfig m_config;
};

Result<Kubeconfig> Kubeconfig::load(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return invalidInput("cannot read kubeconfig '" + path + "': " + std::strerror(errno));
    std::ostringstream text;
    text << file.rdbuf();
    return parse(text.str(), path);
}

Result<Kubeconfig> Kubeconfig::parse(std::string_view yaml, const std::string& path) {
    return KubeconfigParser(path).parse(yaml);
}

Result<KubeContext> Kubeconfig::context(std::string_view name) const {
    const std::string wanted = name.empty() ? m_currentContext : std::string(name);
    if (wanted.empty())
        return invalidInput("kubeconfig '" + m_path + "': current-context is not set; name a context" +
                            knownContexts());
    const auto entry = std::find_if(m_contexts.begin(), m_contexts.end(),
                                    [&](const auto& candidate) { return candidate.first == wanted; });
    if (entry == m_contexts.end())
        return invalidInput("kubeconfig '" + m_path + "': no context named '" + wanted + "'" + knownContexts());
    auto clusterConfig = cluster(entry->second);
    if (!clusterConfig)
        return clusterConfig.error();
    auto userConfig = user(entry->second);
    if (!userConfig)
        return userConfig.error();
    const ContextEntry& found = entry->second;
    return KubeContext{wanted,
                       found.namespaceName.empty() ? "default" : found.namespaceName,
                       found.cluster,
                       found.user,
                       std::move(*clusterConfig),
                       std::move(*userConfig),
                       m_path};
}

std::vector<std::string> Kubeconfig::contextNames() const {
    std::vector<std::string> names;
    for (const auto& entry : m_contexts)
        names.push_back(entry.first);
    return names;
}

Result<ClusterConfig> Kubeconfig::cluster(const ContextEntry& context) const {
    if (context.cluster.empty())
        return invalidInput(context.where + ".cluster: missing" + knownKeys(m_clusters));
    const auto found = m_clusters.find(context.cluster);
    if (found == m_clusters.end())
        return invalidInput(context.where + ".cluster: no cluster named '" + context.cluster + "'" +
                            knownKeys(m_clusters));
    if (found->second.value.server.empty())
        return invalidInput(found->second.where + ".server: missing (the API server URL)");
    return found->second.value;
}

// A context without a user connects anonymously, as kubectl does.
Result<UserConfig> Kubeconfig::user(const ContextEntry& context) const {
    if (context.user.empty())
        return UserConfig{};
    const auto found = m_users.find(context.user);
    if (found == m_users.end())
        return invalidInput(context.where + ".user: no user named '" + context.user + "'" + knownKeys(m_users));
    return found->second.value;
}

std::string Kubeconfig::knownContexts() const {
    const auto names = contextNames();
    return names.empty() ? " (the file defines no contexts)" : " (known: " + joinNames(names) + ")";
}

std::string defaultKubeconfigPath() {
    if (const char* list = std::getenv("KUBECONFIG"); list && *list) {
        const std::string paths = list;
        std::size_t start = 0;
        while (start <= paths.size()) {
            const std::size_t end = std::min(paths.find(':', start), paths.size());
            if (end > start)
                return expandHome(paths.substr(start, end - start));
            start = end + 1;
        }
    }
    return homeDirectory() + "/.kube/config";
}

Result<KubeContext> loadKubeContext(const std::string& path, std::string_view contextName) {
    auto config = Kubeconfig::load(path);
    if (!config)
        return config.error();
    return config->context(contextName);
}

} // namespace faaswb::kube
