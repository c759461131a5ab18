#include "localplatform/api_discovery.h"

#include <algorithm>
#include <set>

namespace faaswb::localplatform::api {
namespace {

struct GroupVersion {
    std::string group;
    std::string version;
    std::string text() const { return group + "/" + version; }
};

// Every served group with a version, in first-seen order, plus metrics.k8s.io (computed, not stored).
std::vector<GroupVersion> servedGroups() {
    std::vector<GroupVersion> groups;
    std::set<std::string> seen;
    for (const auto& type : servedResources()) {
        if (!type.group.empty() && seen.insert(type.group).second)
            groups.push_back({type.group, type.version});
    }
    groups.push_back({kMetricsGroup, kMetricsVersion});
    return groups;
}

Json versionDocument(const std::string& gitVersion) {
    // "v1.31.0-faaswb" -> major 1, minor 31
    const auto firstDot = gitVersion.find('.');
    const auto secondDot = gitVersion.find('.', firstDot + 1);
    const std::string major = firstDot == std::string::npos ? "1" : gitVersion.substr(1, firstDot - 1);
    const std::string minor =
        firstDot == std::string::npos ? "0" : gitVersion.substr(firstDot + 1, secondDot - firstDot - 1);
    return {{"major", major},        {"minor", minor},          {"gitVersion", gitVersion},
            {"gitCommit", "faaswb"}, {"gitTreeState", "clean"}, {"buildDate", "1970-01-01T00:00:00Z"},
            {"goVersion", "none"},   {"compiler", "faaswb"},    {"platform", "linux/amd64"}};
}

Json groupDocument(const GroupVersion& group) {
    const Json version{{"groupVersion", group.text()}, {"version", group.version}};
    return {{"name", group.group}, {"versions", Json::array({version})}, {"preferredVersion", version}};
}

Json groupList() {
    Json groups = Json::array();
    for (const auto& group : servedGroups())
        groups.push_back(groupDocument(group));
    return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

Json apiResource(const ResourceType& type) {
    return {{"name", type.plural}, {"singularName", type.singular}, {"namespaced", type.namespaced},
            {"kind", type.kind},   {"verbs", type.verbs},           {"shortNames", type.shortNames}};
}

Json statusSubresource(const ResourceType& type) {
    return {{"name", type.plural + "/status"},
            {"singularName", ""},
            {"namespaced", type.namespaced},
            {"kind", type.kind},
            {"verbs", {"get", "patch", "update"}}};
}

Json metricsResources() {
    return Json::array({{{"name", "pods"},
                         {"singularName", ""},
                         {"namespaced", true},
                         {"kind", "PodMetrics"},
                         {"verbs", {"get", "list"}}},
                        {{"name", "nodes"},
                         {"singularName", ""},
                         {"namespaced", false},
                         {"kind", "NodeMetrics"},
                         {"verbs", {"get", "list"}}}});
}

std::optional<Json> resourceList(const std::string& group, const std::string& version) {
    Json resources = Json::array();
    if (group == kMetricsGroup && version == kMetricsVersion)
        resources = metricsResources();
    for (const auto& type : servedResources()) {
        if (type.group == group && type.version == version) {
            resources.push_back(apiResource(type));
            resources.push_back(statusSubresource(type));
        }
    }
    if (resources.empty())
        return std::nullopt;
    const std::string groupVersion = group.empty() ? version : group + "/" + version;
    return Json{
        {"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", groupVersion}, {"resources", resources}};
}

std::optional<Json> groupPath(const std::string& rest) { // "<group>" or "<group>/<version>"
    const auto slash = rest.find('/');
    if (slash != std::string::npos)
        return resourceList(rest.substr(0, slash), rest.substr(slash + 1));
    for (const auto& group : servedGroups()) {
        if (group.group != rest)
            continue;
        Json document = groupDocument(group);
        document["kind"] = "APIGroup";
        document["apiVersion"] = "v1";
        return document;
    }
    return std::nullopt;
}

} // namespace

std::optional<Json> discoveryDocument(const std::string& path, const std::string& gitVersion) {
    std::string trimmed = path;
    while (trimmed.size() > 1 && trimmed.back() == '/')
        trimmed.pop_back();
    if (trimmed == "/version")
        return versionDocument(gitVersion);
    if (trimmed == "/api")
        return Json{{"kind", "APIVersions"},
                    {"versions", {"v1"}},
                    {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}}}};
    if (trimmed == "/apis")
        return groupList();
    if (trimmed == "/api/v1")
        return resourceList("", "v1");
    const std::string prefix = "/apis/";
    if (trimmed.starts_with(prefix) && std::count(trimmed.begin(), trimmed.end(), '/') <= 3)
        return groupPath(trimmed.substr(prefix.size()));
    return std::nullopt;
}

} // namespace faaswb::localplatform::api
