// ObjectStore: the local platform's "etcd + API machinery": typed JSON objects (Knative services, revisions, pods,
// pod autoscalers, brokers, triggers) keyed by resource/namespace/name, with Kubernetes metadata semantics (uid,
// resourceVersion from one global counter, generation bumped on spec changes, creationTimestamp, deletionTimestamp),
// label selectors, and watches replaying a bounded event history (a resourceVersion older than the history is 410
// Gone, as after etcd compaction). Not thread-safe: the platform thread owns it.
#pragma once

#include "kube/api_status.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace faaswb::localplatform {

using Json = nlohmann::json;

// One API resource as discovery documents list it.
struct ResourceType {
    std::string group;   // "" for the core group
    std::string version; // "v1"
    std::string plural;  // "services"
    std::string singular;
    std::string kind; // "Service"
    std::vector<std::string> shortNames;
    std::vector<std::string> verbs;
    bool namespaced = true;
    std::string groupVersion() const { return group.empty() ? version : group + "/" + version; }
};

// The resources the control API serves: serving.knative.dev/v1 services, configurations, revisions, routes;
// v1 pods; autoscaling.internal.knative.dev/v1alpha1 podautoscalers; eventing.knative.dev/v1 brokers, triggers;
// sources.knative.dev/v1 sinkbindings.
// (metrics.k8s.io pods are computed, not stored.)
const std::vector<ResourceType>& servedResources();
const ResourceType* findResource(const std::string& group, const std::string& version, const std::string& plural);
const ResourceType& resource(const std::string& plural); // for the served plurals above; plural is unique here

// Equality-based and set-based selectors: "a=b", "a==b", "a!=b", "a", "!a", "a in (x,y)", "a notin (x)", comma-joined.
class LabelSelector {
public:
    static kube::KubeResult<LabelSelector> parse(const std::string& text); // 400 BadRequest on syntax errors
    bool matches(const Json& labels) const;                                // labels: object or null
    bool empty() const { return m_terms.empty(); }

private:
    struct Term {
        std::string key;
        enum class Op { Equals, NotEquals, Exists, NotExists, In, NotIn } op;
        std::vector<std::string> values;
    };
    std::vector<Term> m_terms;
};

enum class WatchEventType { Added, Modified, Deleted, Bookmark };
const char* watchEventTypeName(WatchEventType type); // "ADDED"...

struct WatchEvent {
    WatchEventType type;
    Json
        object; // the object after the change (before deletion for Deleted); for Bookmark only metadata.resourceVersion
};

struct ObjectList {
    std::vector<Json> items; // sorted by namespace, name
    std::string resourceVersion;
};

class ObjectStore {
public:
    using Clock = std::function<std::string()>; // RFC 3339 "now", injectable for tests
    // The watch history keeps at most `historyLimit` events and none older than `historyAge` (the kube-apiserver
    // compacts etcd every 5 minutes); a watch from an older resourceVersion gets 410 Gone and relists.
    explicit ObjectStore(Clock clock = {}, std::size_t historyLimit = 10000,
                         std::chrono::milliseconds historyAge = std::chrono::minutes(5));

    std::optional<Json> get(const ResourceType& type, const std::string& ns, const std::string& name) const;
    ObjectList list(const ResourceType& type, const std::string& ns /* empty: all */,
                    const LabelSelector& selector = {}) const;
    std::string resourceVersion() const { return std::to_string(m_revision); }

    // Fills apiVersion, kind, metadata.namespace, uid, resourceVersion, generation 1, creationTimestamp.
    // 409 AlreadyExists when present; 422 Invalid when metadata.name is missing or not a DNS-1123 label.
    kube::KubeResult<Json> create(const ResourceType& type, const std::string& ns, Json object);
    // Replaces spec/metadata (status is kept): 409 Conflict when object's resourceVersion is set and stale;
    // generation is bumped when spec changed. Emits MODIFIED when anything changed.
    kube::KubeResult<Json> replace(const ResourceType& type, const std::string& ns, Json object);
    // RFC 7386 merge patch of the whole object (status included only if the patch has it).
    kube::KubeResult<Json> mergePatch(const ResourceType& type, const std::string& ns, const std::string& name,
                                      const Json& patch);
    // Sets .status; no event and no new resourceVersion when equal to the current one.
    kube::KubeResult<Json> updateStatus(const ResourceType& type, const std::string& ns, const std::string& name,
                                        Json status);
    // Sets metadata.deletionTimestamp (MODIFIED) without removing: pods terminating.
    kube::KubeResult<Json> markDeleting(const ResourceType& type, const std::string& ns, const std::string& name);
    // Removes and emits DELETED. 404 when absent.
    kube::KubeResult<Json> remove(const ResourceType& type, const std::string& ns, const std::string& name);

    // Events after `fromResourceVersion` (empty or "0": start now, no replay) matching ns/selector, then every new
    // one, delivered synchronously from the mutating call. 410 Gone when the version is older than the history.
    using WatchId = std::uint64_t;
    kube::KubeResult<WatchId> watch(const ResourceType& type, const std::string& ns, LabelSelector selector,
                                    const std::string& fromResourceVersion,
                                    std::function<void(const WatchEvent&)> sink);
    void unwatch(WatchId id);

    // Every change of one resource type (all namespaces), for the controller. Called after watchers.
    void onChange(const ResourceType& type, std::function<void(const WatchEvent&)> listener);

private:
    struct Watch {
        std::string plural;
        std::string ns;
        LabelSelector selector;
        std::function<void(const WatchEvent&)> sink;
    };
    struct HistoryEntry {
        std::uint64_t revision;
        std::chrono::steady_clock::time_point at;
        std::string plural;
        WatchEvent event;
        Json oldLabels; // Modified: the labels before the change, to turn selector transitions into ADDED/DELETED
    };
    kube::KubeResult<Json> commit(const ResourceType& type, const Json& current, Json updated);
    void deliver(const Watch& watch, const HistoryEntry& entry,
                 const std::function<void(const WatchEvent&)>& sink) const;
    void emit(const ResourceType& type, WatchEvent event, Json oldLabels = {});

    Clock m_clock;
    std::size_t m_historyLimit;
    std::chrono::milliseconds m_historyAge;
    std::uint64_t m_revision = 1;
    std::uint64_t m_compacted = 0; // the newest revision dropped from the history
    std::uint64_t m_nextWatch = 1;
    std::map<std::string, std::map<std::pair<std::string, std::string>, Json>> m_objects; // plural -> (ns,name)
    std::deque<HistoryEntry> m_history;
    std::map<WatchId, Watch> m_watches;
    std::map<std::string, std::vector<std::function<void(const WatchEvent&)>>> m_listeners;
};

} // namespace faaswb::localplatform
