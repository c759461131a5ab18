#include "localplatform/object_store.h"

#include "localplatform/api_common.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>

namespace faaswb::localplatform {
namespace {

const std::vector<std::string> kAllVerbs{"create", "delete", "get", "list", "patch", "update", "watch"};

std::string utcNow() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm parts{};
    gmtime_r(&now, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

std::mt19937_64& randomEngine() {
    static std::mt19937_64 engine{std::random_device{}()};
    return engine;
}

// A random (version 4) UUID, as apiserver assigns to metadata.uid.
std::string newUid() {
    std::uint8_t bytes[16];
    for (auto& byte : bytes)
        byte = static_cast<std::uint8_t>(randomEngine()());
    bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);
    bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);
    static const char hex[] = "0123456789abcdef";
    std::string text;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text += '-';
        text += hex[bytes[i] >> 4];
        text += hex[bytes[i] & 0x0F];
    }
    return text;
}

// metadata.generateName's random suffix (5 characters, like apiserver's names.SimpleNameGenerator).
std::string randomSuffix() {
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::string suffix;
    for (int i = 0; i < 5; ++i)
        suffix += alphabet[randomEngine()() % (sizeof alphabet - 1)];
    return suffix;
}

const Json& labelsOf(const Json& object) {
    static const Json null;
    const Json& metadata = api::metadataOf(object);
    return metadata.is_object() && metadata.contains("labels") ? metadata["labels"] : null;
}

Json specOf(const Json& object) {
    return object.is_object() && object.contains("spec") ? object["spec"] : Json();
}

// Fields only the server sets; a client's replace or patch cannot change them.
void keepSystemMetadata(const Json& from, Json& to) {
    for (const char* key : {"uid", "creationTimestamp", "deletionTimestamp", "generation", "namespace", "name"}) {
        if (from["metadata"].contains(key))
            to["metadata"][key] = from["metadata"][key];
        else
            to["metadata"].erase(key);
    }
}

// metadata.name, or generateName plus a random suffix; 422 when neither gives a DNS-1123 label.
kube::KubeResult<std::string> assignName(Json& object) {
    auto& metadata = object["metadata"];
    if (!metadata.is_object())
        metadata = Json::object();
    if (!metadata.contains("name") && metadata.contains("generateName") && metadata["generateName"].is_string())
        metadata["name"] = metadata["generateName"].get<std::string>() + randomSuffix();
    const std::string name = api::stringAt(metadata, "name");
    if (name.empty())
        return api::kubeError(422, "Invalid", "metadata.name: Required value: name or generateName is required");
    if (!api::isDns1123Label(name))
        return api::kubeError(422, "Invalid",
                              "metadata.name: Invalid value: \"" + name + "\": " + api::kDns1123Message);
    return name;
}

kube::KubeError conflict(const ResourceType& type, const std::string& name) {
    return api::kubeError(409, "Conflict",
                          "Operation cannot be fulfilled on " + api::qualifiedName(type) + " \"" + name +
                              "\": the object has been modified; please apply your changes to the latest version "
                              "and try again");
}

} // namespace

const std::vector<ResourceType>& servedResources() {
    static const std::vector<ResourceType> resources{
        {"serving.knative.dev", "v1", "services", "service", "Service", {"ksvc", "kservice"}, kAllVerbs},
        {"serving.knative.dev", "v1", "configurations", "configuration", "Configuration", {"config", "cfg"}, kAllVerbs},
        {"serving.knative.dev", "v1", "revisions", "revision", "Revision", {"rev"}, kAllVerbs},
        {"serving.knative.dev", "v1", "routes", "route", "Route", {"rt"}, kAllVerbs},
        {"", "v1", "pods", "pod", "Pod", {"po"}, kAllVerbs},
        {"autoscaling.internal.knative.dev",
         "v1alpha1",
         "podautoscalers",
         "podautoscaler",
         "PodAutoscaler",
         {"kpa", "pa"},
         kAllVerbs},
        {"eventing.knative.dev", "v1", "brokers", "broker", "Broker", {}, kAllVerbs},
        {"eventing.knative.dev", "v1", "triggers", "trigger", "Trigger", {}, kAllVerbs},
        {"sources.knative.dev", "v1", "sinkbindings", "sinkbinding", "SinkBinding", {}, kAllVerbs},
    };
    return resources;
}

const ResourceType* findResource(const std::string& group, const std::string& version, const std::string& plural) {
    for (const auto& type : servedResources()) {
        if (type.group == group && type.version == version && type.plural == plural)
            return &type;
    }
    return nullptr;
}

const ResourceType& resource(const std::string& plural) {
    for (const auto& type : servedResources()) {
        if (type.plural == plural)
            return type;
    }
    return servedResources().front(); // a programming error; callers pass the served plurals
}

const char* watchEventTypeName(WatchEventType type) {
    switch (type) {
    case WatchEventType::Added:
        return "ADDED";
    case WatchEventType::Modified:
        return "MODIFIED";
    case WatchEventType::Deleted:
        return "DELETED";
    case WatchEventType::Bookmark:
        return "BOOKMARK";
    }
    return "ERROR";
}

ObjectStore::ObjectStore(Clock clock, std::size_t historyLimit, std::chrono::milliseconds historyAge)
    : m_clock(clock ? std::move(clock) : Clock(utcNow))
    , m_historyLimit(std::max<std::size_t>(historyLimit, 1))
    , m_historyAge(historyAge) {}

std::optional<Json> ObjectStore::get(const ResourceType& type, const std::string& ns, const std::string& name) const {
    const auto objects = m_objects.find(type.plural);
    if (objects == m_objects.end())
        return std::nullopt;
    const auto found = objects->second.find({ns, name});
    if (found == objects->second.end())
        return std::nullopt;
    return found->second;
}

ObjectList ObjectStore::list(const ResourceType& type, const std::string& ns, const LabelSelector& selector) const {
    ObjectList result;
    result.resourceVersion = resourceVersion();
    const auto objects = m_objects.find(type.plural);
    if (objects == m_objects.end())
        return result;
    for (const auto& [key, object] : objects->second) { // std::map order: namespace, then name
        if ((ns.empty() || key.first == ns) && selector.matches(labelsOf(object)))
            result.items.push_back(object);
    }
    return result;
}

kube::KubeResult<Json> ObjectStore::create(const ResourceType& type, const std::string& ns, Json object) {
    if (!object.is_object())
        return api::kubeError(400, "BadRequest", "the body must be a JSON object");
    auto named = assignName(object);
    if (!named)
        return named.kubeError();
    const std::string& name = *named;
    auto& objects = m_objects[type.plural];
    if (objects.count({ns, name})) {
        auto error =
            api::kubeError(409, "AlreadyExists", api::qualifiedName(type) + " \"" + name + "\" already exists");
        error.status.details = {{"name", name}, {"group", type.group}, {"kind", type.plural}};
        return error;
    }
    object["apiVersion"] = type.groupVersion();
    object["kind"] = type.kind;
    auto& metadata = object["metadata"];
    metadata["namespace"] = ns;
    metadata["uid"] = newUid();
    metadata["resourceVersion"] = std::to_string(++m_revision);
    metadata["generation"] = 1;
    metadata["creationTimestamp"] = m_clock();
    metadata.erase("deletionTimestamp");
    objects[{ns, name}] = object;
    emit(type, {WatchEventType::Added, object});
    return object;
}

kube::KubeResult<Json> ObjectStore::replace(const ResourceType& type, const std::string& ns, Json object) {
    if (!object.is_object())
        return api::kubeError(400, "BadRequest", "the body must be a JSON object");
    const std::string name = api::stringAt(api::metadataOf(object), "name");
    const auto current = get(type, ns, name);
    if (!current)
        return api::notFound(type, name);
    const std::string wanted = api::stringAt(api::metadataOf(object), "resourceVersion");
    if (!wanted.empty() && wanted != api::stringAt((*current)["metadata"], "resourceVersion"))
        return conflict(type, name);
    if (!object["metadata"].is_object())
        object["metadata"] = Json::object();
    keepSystemMetadata(*current, object);
    object["apiVersion"] = type.groupVersion();
    object["kind"] = type.kind;
    if (current->contains("status"))
        object["status"] = (*current)["status"];
    else
        object.erase("status");
    return commit(type, *current, std::move(object));
}

kube::KubeResult<Json> ObjectStore::mergePatch(const ResourceType& type, const std::string& ns, const std::string& name,
                                               const Json& patch) {
    const auto current = get(type, ns, name);
    if (!current)
        return api::notFound(type, name);
    if (!patch.is_object())
        return api::kubeError(400, "BadRequest", "a merge patch must be a JSON object");
    const std::string wanted = api::stringAt(api::metadataOf(patch), "resourceVersion");
    if (!wanted.empty() && wanted != api::stringAt((*current)["metadata"], "resourceVersion"))
        return conflict(type, name);
    Json object = *current;
    object.merge_patch(patch);
    if (!object["metadata"].is_object())
        object["metadata"] = Json::object();
    keepSystemMetadata(*current, object);
    object["apiVersion"] = type.groupVersion();
    object["kind"] = type.kind;
    return commit(type, *current, std::move(object));
}

kube::KubeResult<Json> ObjectStore::updateStatus(const ResourceType& type, const std::string& ns,
                                                 const std::string& name, Json status) {
    const auto current = get(type, ns, name);
    if (!current)
        return api::notFound(type, name);
    Json object = *current;
    object["status"] = std::move(status);
    return commit(type, *current, std::move(object));
}

kube::KubeResult<Json> ObjectStore::markDeleting(const ResourceType& type, const std::string& ns,
                                                 const std::string& name) {
    const auto current = get(type, ns, name);
    if (!current)
        return api::notFound(type, name);
    if ((*current)["metadata"].contains("deletionTimestamp"))
        return *current;
    Json object = *current;
    object["metadata"]["deletionTimestamp"] = m_clock();
    return commit(type, *current, std::move(object));
}

kube::KubeResult<Json> ObjectStore::remove(const ResourceType& type, const std::string& ns, const std::string& name) {
    auto current = get(type, ns, name);
    if (!current)
        return api::notFound(type, name);
    m_objects[type.plural].erase({ns, name});
    (*current)["metadata"]["resourceVersion"] = std::to_string(++m_revision);
    emit(type, {WatchEventType::Deleted, *current});
    return *current;
}

// Stores `updated` when it differs from `current`: a new resourceVersion, generation + 1 when the spec changed,
// and a MODIFIED event. An unchanged object is answered as it is, with no event.
kube::KubeResult<Json> ObjectStore::commit(const ResourceType& type, const Json& current, Json updated) {
    updated["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"];
    updated["metadata"]["generation"] = current["metadata"]["generation"];
    if (updated == current)
        return updated;
    if (specOf(updated) != specOf(current))
        updated["metadata"]["generation"] = current["metadata"].value("generation", 0) + 1;
    updated["metadata"]["resourceVersion"] = std::to_string(++m_revision);
    const auto& metadata = updated["metadata"];
    m_objects[type.plural][{api::stringAt(metadata, "namespace"), api::stringAt(metadata, "name")}] = updated;
    emit(type, {WatchEventType::Modified, updated}, labelsOf(current));
    return updated;
}

kube::KubeResult<ObjectStore::WatchId> ObjectStore::watch(const ResourceType& type, const std::string& ns,
                                                          LabelSelector selector,
                                                          const std::string& fromResourceVersion,
                                                          std::function<void(const WatchEvent&)> sink) {
    std::uint64_t from = m_revision;
    if (!fromResourceVersion.empty() && fromResourceVersion != "0") {
        try {
            std::size_t used = 0;
            from = std::stoull(fromResourceVersion, &used);
            if (used != fromResourceVersion.size())
                throw std::invalid_argument(fromResourceVersion);
        } catch (const std::exception&) {
            return api::kubeError(400, "BadRequest", "invalid resourceVersion \"" + fromResourceVersion + "\"");
        }
        if (from < m_compacted)
            return api::kubeError(410, "Expired",
                                  "too old resource version: " + fromResourceVersion + " (" +
                                      std::to_string(m_compacted + 1) + ")");
    }
    const WatchId id = m_nextWatch++;
    Watch& watch = m_watches[id] = Watch{type.plural, ns, std::move(selector), std::move(sink)};
    const auto replay = m_history; // a sink may mutate the store while we replay
    const auto keep = watch.sink;
    for (const auto& entry : replay) {
        if (entry.revision > from && entry.plural == type.plural && m_watches.count(id))
            deliver(m_watches.at(id), entry, keep);
    }
    return id;
}

void ObjectStore::unwatch(WatchId id) {
    m_watches.erase(id);
}

void ObjectStore::onChange(const ResourceType& type, std::function<void(const WatchEvent&)> listener) {
    m_listeners[type.plural].push_back(std::move(listener));
}

// A MODIFIED object that starts or stops matching a watch's selector is ADDED or DELETED for that watch
// (apiserver's cacheWatcher does the same).
void ObjectStore::deliver(const Watch& watch, const HistoryEntry& entry,
                          const std::function<void(const WatchEvent&)>& sink) const {
    const Json& object = entry.event.object;
    if (!watch.ns.empty() && api::stringAt(api::metadataOf(object), "namespace") != watch.ns)
        return;
    const bool now = watch.selector.matches(labelsOf(object));
    const bool before = entry.event.type == WatchEventType::Modified ? watch.selector.matches(entry.oldLabels) : now;
    if (!now && !before)
        return;
    if (now == before) {
        sink(entry.event);
        return;
    }
    sink(WatchEvent{now ? WatchEventType::Added : WatchEventType::Deleted, object});
}

void ObjectStore::emit(const ResourceType& type, WatchEvent event, Json oldLabels) {
    // Compacted by count and by age: with a count alone, the status updates of a long run (a PodAutoscaler every 2 s,
    // pods coming and going) took hours to fill it, and the daemon grew all that time (issue 8 soak).
    const auto now = std::chrono::steady_clock::now();
    m_history.push_back({m_revision, now, type.plural, std::move(event), std::move(oldLabels)});
    while (m_history.size() > m_historyLimit || (m_history.size() > 1 && now - m_history.front().at > m_historyAge)) {
        m_compacted = m_history.front().revision;
        m_history.pop_front();
    }
    const HistoryEntry entry = m_history.back();
    std::vector<WatchId> ids;
    for (const auto& [id, watch] : m_watches) {
        if (watch.plural == type.plural)
            ids.push_back(id);
    }
    for (const WatchId id : ids) {
        const auto found = m_watches.find(id); // an earlier sink may have removed it
        if (found == m_watches.end())
            continue;
        const auto sink = found->second.sink; // the sink may unwatch itself
        deliver(found->second, entry, sink);
    }
    const auto listeners = m_listeners[type.plural];
    for (const auto& listener : listeners)
        listener(entry.event);
}

} // namespace faaswb::localplatform
