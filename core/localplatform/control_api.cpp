// ControlApi: a small router (authentication, discovery, metrics, Zipkin, resources) and one function per verb.
#include "localplatform/control_api.h"

#include "localplatform/api_common.h"
#include "localplatform/api_discovery.h"
#include "localplatform/api_http.h"
#include "localplatform/api_table.h"
#include "localplatform/api_watch.h"
#include "localplatform/revision_template.h"

#include <optional>
#include <sstream>
#include <variant>
#include <vector>

namespace faaswb::localplatform {
namespace {

using api::statusReply;

// /api/v1/[namespaces/<ns>/]<plural>[/<name>[/<subresource>]] or the same under /apis/<group>/<version>.
struct ResourcePath {
    std::string group;
    std::string version;
    std::string ns; // empty: all namespaces (or a cluster-scoped path)
    std::string plural;
    std::string name;
    std::string subresource;
};

std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> parts;
    std::stringstream stream(path);
    for (std::string part; std::getline(stream, part, '/');) {
        if (!part.empty())
            parts.push_back(part);
    }
    return parts;
}

std::optional<ResourcePath> parseResourcePath(const std::string& path) {
    const auto parts = segments(path);
    ResourcePath result;
    std::size_t next = 0;
    if (parts.size() >= 3 && parts[0] == "api" && parts[1] == "v1") {
        result.version = "v1";
        next = 2;
    } else if (parts.size() >= 4 && parts[0] == "apis") {
        result.group = parts[1];
        result.version = parts[2];
        next = 3;
    } else {
        return std::nullopt;
    }
    if (parts.size() - next >= 3 && parts[next] == "namespaces") {
        result.ns = parts[next + 1];
        next += 2;
    }
    const std::size_t left = parts.size() - next;
    if (left < 1 || left > 3)
        return std::nullopt;
    result.plural = parts[next];
    result.name = left >= 2 ? parts[next + 1] : std::string();
    result.subresource = left == 3 ? parts[next + 2] : std::string();
    return result;
}

HttpResponse notFoundPath() {
    return statusReply(404, "NotFound", "the server could not find the requested resource");
}

HttpResponse methodNotAllowed(const std::string& method) {
    return statusReply(405, "MethodNotAllowed",
                       "the server does not allow this method on the requested resource (" + method + ")");
}

std::string contentTypeOf(const HttpRequest& request) {
    auto type = api::headerValue(request.headers, "Content-Type");
    return type.substr(0, type.find(';'));
}

bool isTrue(const std::map<std::string, std::string>& query, const char* key) {
    const auto found = query.find(key);
    return found != query.end() && (found->second == "1" || found->second == "true");
}

std::string queryValue(const std::map<std::string, std::string>& query, const char* key) {
    const auto found = query.find(key);
    return found == query.end() ? std::string() : found->second;
}

kube::KubeResult<Json> applyPatch(const std::string& type, const Json& current, const Json& patch) {
    if (type == "application/merge-patch+json" || type == "application/strategic-merge-patch+json") {
        Json patched = current;
        patched.merge_patch(patch);
        return patched;
    }
    if (type != "application/json-patch+json")
        return api::kubeError(415, "UnsupportedMediaType", "the patch type \"" + type + "\" is not supported");
    if (!patch.is_array())
        return api::kubeError(400, "BadRequest", "a JSON patch must be an array of operations");
    try {
        return current.patch(patch);
    } catch (const Json::exception& error) {
        return api::kubeError(422, "Invalid", std::string("the JSON patch cannot be applied: ") + error.what());
    }
}

HttpResponse textResponseOk() {
    HttpResponse response;
    response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    response.body = "ok";
    return response;
}

Json successStatus(const ResourceType& type, const Json& object) {
    return {{"kind", "Status"},
            {"apiVersion", "v1"},
            {"metadata", Json::object()},
            {"status", "Success"},
            {"details",
             {{"name", api::stringAt(api::metadataOf(object), "name")},
              {"group", type.group},
              {"kind", type.plural},
              {"uid", api::stringAt(api::metadataOf(object), "uid")}}}};
}

} // namespace

class ControlApi::Impl {
public:
    Impl(ObjectStore& store, SpanStore& spans, ControlApiHooks hooks, std::string token)
        : m_store(store)
        , m_spans(spans)
        , m_hooks(std::move(hooks))
        , m_token(std::move(token))
        , m_watches(std::make_shared<api::WatchHub>(store, m_hooks.schedule)) {}

    void handle(const HttpRequest& request, const std::shared_ptr<ResponseWriter>& writer) {
        if (auto response = respond(request, writer))
            writer->send(std::move(*response));
    }
    api::WatchHub& watches() { return *m_watches; }

private:
    // One request on a resource path.
    struct Call {
        const HttpRequest& request;
        const ResourceType& type;
        ResourcePath path;
        std::map<std::string, std::string> query;
    };

    std::optional<HttpResponse> respond(const HttpRequest& request, const std::shared_ptr<ResponseWriter>& writer);
    std::optional<HttpResponse> respondAuthenticated(const HttpRequest& request,
                                                     const std::shared_ptr<ResponseWriter>& writer);
    bool authorized(const HttpRequest& request) const;
    HttpResponse spans(const HttpRequest& request);
    HttpResponse metricsText() const;
    std::optional<HttpResponse> resourceRequest(Call call, const std::shared_ptr<ResponseWriter>& writer);
    std::variant<api::WatchOptions, HttpResponse> collectionOptions(const Call& call) const;
    std::optional<HttpResponse> listOrWatch(const Call& call, const std::shared_ptr<ResponseWriter>& writer);
    HttpResponse getObject(const Call& call);
    HttpResponse createObject(const Call& call);
    HttpResponse replaceObject(const Call& call);
    HttpResponse patchObject(const Call& call);
    HttpResponse applyObject(const Call& call, Json object);
    HttpResponse deleteObject(const Call& call);
    HttpResponse podMetrics(const ResourcePath& path, const std::map<std::string, std::string>& query);
    std::optional<HttpResponse> admit(const ResourceType& type, const Json& object) const;
    HttpResponse objectReply(const Call& call, int status, const kube::KubeResult<Json>& result) const;
    kube::KubeResult<Json> bodyObject(const Call& call) const;

    ObjectStore& m_store;
    SpanStore& m_spans;
    ControlApiHooks m_hooks;
    std::string m_token;
    std::shared_ptr<api::WatchHub> m_watches;
};

std::optional<HttpResponse> ControlApi::Impl::respond(const HttpRequest& request,
                                                      const std::shared_ptr<ResponseWriter>& writer) {
    if (request.method == "GET" && request.path == "/healthz")
        return textResponseOk();
    // Zipkin clients and the function wrappers send spans without a token.
    if (request.method == "POST" && (request.path == "/api/v2/spans" || request.path == "/v1/traces"))
        return spans(request);
    if (!authorized(request))
        return statusReply(401, "Unauthorized", "Unauthorized");
    return respondAuthenticated(request, writer);
}

std::optional<HttpResponse> ControlApi::Impl::respondAuthenticated(const HttpRequest& request,
                                                                   const std::shared_ptr<ResponseWriter>& writer) {
    if (request.path == "/metrics")
        return metricsText();
    if (request.path.starts_with("/api/v2/"))
        return spans(request);
    if (auto document = api::discoveryDocument(request.path, m_hooks.version)) {
        if (request.method != "GET")
            return methodNotAllowed(request.method);
        return api::jsonReply(200, *document);
    }
    const auto path = parseResourcePath(request.path);
    if (!path)
        return notFoundPath();
    auto query = api::parseQuery(request.query);
    if (path->group == api::kMetricsGroup && path->version == api::kMetricsVersion)
        return request.method == "GET" ? podMetrics(*path, query) : methodNotAllowed(request.method);
    const ResourceType* type = findResource(path->group, path->version, path->plural);
    if (!type)
        return notFoundPath();
    return resourceRequest(Call{request, *type, *path, std::move(query)}, writer);
}

bool ControlApi::Impl::authorized(const HttpRequest& request) const {
    const std::string header = api::headerValue(request.headers, "Authorization");
    const std::string prefix = "Bearer ";
    if (m_token.empty() || !header.starts_with(prefix))
        return false;
    return api::constantTimeEquals(std::string_view(header).substr(prefix.size()), m_token);
}

HttpResponse ControlApi::Impl::spans(const HttpRequest& request) {
    if (auto response = m_spans.handle(request))
        return std::move(*response);
    return notFoundPath();
}

HttpResponse ControlApi::Impl::metricsText() const {
    HttpResponse response;
    response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.body = m_hooks.metricsText ? m_hooks.metricsText() : std::string();
    return response;
}

std::optional<HttpResponse> ControlApi::Impl::resourceRequest(Call call,
                                                              const std::shared_ptr<ResponseWriter>& writer) {
    const std::string& method = call.request.method;
    if (!call.path.subresource.empty() && call.path.subresource != "status")
        return notFoundPath();
    if (call.path.name.empty()) {
        if (method == "GET")
            return listOrWatch(call, writer);
        if (method == "POST")
            return createObject(call);
        return methodNotAllowed(method);
    }
    if (method == "GET")
        return getObject(call);
    if (method == "PUT")
        return replaceObject(call);
    if (method == "PATCH")
        return patchObject(call);
    if (method == "DELETE" && call.path.subresource.empty())
        return deleteObject(call);
    return methodNotAllowed(method);
}

// The selectors and output options of a list or watch; a Status reply when one of them is malformed.
std::variant<api::WatchOptions, HttpResponse> ControlApi::Impl::collectionOptions(const Call& call) const {
    auto selector = LabelSelector::parse(queryValue(call.query, "labelSelector"));
    if (!selector)
        return statusReply(selector.status());
    api::WatchOptions options;
    options.type = &call.type;
    options.ns = call.path.ns;
    options.selector = std::move(*selector);
    const std::string namePrefix = "metadata.name=";
    if (const auto fields = queryValue(call.query, "fieldSelector"); !fields.empty()) {
        if (!fields.starts_with(namePrefix))
            return statusReply(400, "BadRequest", "field selector \"" + fields + "\": only metadata.name is supported");
        options.name = fields.substr(namePrefix.size());
    }
    options.resourceVersion = queryValue(call.query, "resourceVersion");
    options.bookmarks = isTrue(call.query, "allowWatchBookmarks");
    options.table = api::wantsTable(api::headerValue(call.request.headers, "Accept"));
    options.include = api::includeObjectFrom(queryValue(call.query, "includeObject"));
    options.timeout = std::chrono::seconds(std::atoi(queryValue(call.query, "timeoutSeconds").c_str()));
    return options;
}

// `limit` is accepted and everything is answered at once (no continue token).
std::optional<HttpResponse> ControlApi::Impl::listOrWatch(const Call& call,
                                                          const std::shared_ptr<ResponseWriter>& writer) {
    auto parsed = collectionOptions(call);
    if (auto* error = std::get_if<HttpResponse>(&parsed))
        return std::move(*error);
    auto& options = std::get<api::WatchOptions>(parsed);
    if (isTrue(call.query, "watch")) {
        m_watches->start(std::move(options), writer);
        return std::nullopt;
    }
    auto list = m_store.list(call.type, call.path.ns, options.selector);
    std::erase_if(list.items, [&](const Json& item) {
        return !options.name.empty() && api::stringAt(api::metadataOf(item), "name") != options.name;
    });
    if (options.table)
        return api::jsonReply(200, api::makeTable(call.type, list.items, list.resourceVersion, options.include,
                                                  std::chrono::system_clock::now()));
    return api::jsonReply(200, Json{{"apiVersion", call.type.groupVersion()},
                                    {"kind", call.type.kind + "List"},
                                    {"metadata", {{"resourceVersion", list.resourceVersion}}},
                                    {"items", list.items}});
}

HttpResponse ControlApi::Impl::getObject(const Call& call) {
    const auto object = m_store.get(call.type, call.path.ns, call.path.name);
    if (!object)
        return statusReply(api::notFound(call.type, call.path.name).status);
    return objectReply(call, 200, *object);
}

// The answer for a stored object: the object, or a one-row Table when kubectl asks for one; the Status on errors.
HttpResponse ControlApi::Impl::objectReply(const Call& call, int status, const kube::KubeResult<Json>& result) const {
    if (!result)
        return statusReply(result.status());
    if (call.request.method == "GET" && api::wantsTable(api::headerValue(call.request.headers, "Accept")))
        return api::jsonReply(200, api::makeTable(call.type, {*result}, m_store.resourceVersion(),
                                                  api::includeObjectFrom(queryValue(call.query, "includeObject")),
                                                  std::chrono::system_clock::now()));
    return api::jsonReply(status, *result);
}

kube::KubeResult<Json> ControlApi::Impl::bodyObject(const Call& call) const {
    auto parsed = parseManifest(call.request.body);
    if (!parsed)
        return api::kubeError(400, "BadRequest", parsed.error().message);
    if (!parsed->is_object())
        return api::kubeError(400, "BadRequest", "the body must be an object");
    return std::move(*parsed);
}

std::optional<HttpResponse> ControlApi::Impl::admit(const ResourceType& type, const Json& object) const {
    if (type.plural != "services")
        return std::nullopt;
    if (const auto parsed = parseRevisionTemplate(object); !parsed)
        return statusReply(422, "Invalid", parsed.error().message);
    if (m_hooks.admitService) {
        if (const auto status = m_hooks.admitService(object); !status)
            return statusReply(422, "Invalid", status.error().message);
    }
    return std::nullopt;
}

HttpResponse ControlApi::Impl::createObject(const Call& call) {
    auto object = bodyObject(call);
    if (!object)
        return statusReply(object.status());
    const std::string bodyNamespace = api::stringAt(api::metadataOf(*object), "namespace");
    if (!call.path.ns.empty() && !bodyNamespace.empty() && bodyNamespace != call.path.ns)
        return statusReply(400, "BadRequest",
                           "the namespace of the provided object does not match the namespace sent on the request");
    const std::string ns = !call.path.ns.empty() ? call.path.ns : bodyNamespace.empty() ? "default" : bodyNamespace;
    (*object)["metadata"]["namespace"] = ns;
    (*object)["apiVersion"] = call.type.groupVersion();
    (*object)["kind"] = call.type.kind;
    if (auto rejected = admit(call.type, *object))
        return std::move(*rejected);
    return objectReply(call, 201, m_store.create(call.type, ns, std::move(*object)));
}

HttpResponse ControlApi::Impl::replaceObject(const Call& call) {
    auto object = bodyObject(call);
    if (!object)
        return statusReply(object.status());
    const std::string name = api::stringAt(api::metadataOf(*object), "name");
    if (name != call.path.name)
        return statusReply(400, "BadRequest",
                           "the name of the object (" + name + ") does not match the name on the URL (" +
                               call.path.name + ")");
    if (call.path.subresource == "status")
        return objectReply(call, 200,
                           m_store.updateStatus(call.type, call.path.ns, name, object->value("status", Json())));
    (*object)["metadata"]["namespace"] = call.path.ns;
    (*object)["apiVersion"] = call.type.groupVersion();
    (*object)["kind"] = call.type.kind;
    if (auto rejected = admit(call.type, *object))
        return std::move(*rejected);
    return objectReply(call, 200, m_store.replace(call.type, call.path.ns, std::move(*object)));
}

// Merge patch, JSON patch (RFC 6902) or apply. Like the apiserver for resources with a status subresource, a patch of
// the main resource leaves .status alone; PATCH .../status changes only .status.
HttpResponse ControlApi::Impl::patchObject(const Call& call) {
    const std::string type = contentTypeOf(call.request);
    if (type == "application/apply-patch+yaml") {
        auto object = bodyObject(call);
        return object ? applyObject(call, std::move(*object)) : statusReply(object.status());
    }
    const auto patch = Json::parse(call.request.body, nullptr, false);
    if (patch.is_discarded())
        return statusReply(400, "BadRequest", "the patch is not valid JSON");
    const auto current = m_store.get(call.type, call.path.ns, call.path.name);
    if (!current)
        return statusReply(api::notFound(call.type, call.path.name).status);
    auto patched = applyPatch(type, *current, patch);
    if (!patched)
        return statusReply(patched.status());
    if (call.path.subresource == "status")
        return objectReply(
            call, 200, m_store.updateStatus(call.type, call.path.ns, call.path.name, patched->value("status", Json())));
    if (auto rejected = admit(call.type, *patched))
        return std::move(*rejected);
    const std::string wanted = api::stringAt(api::metadataOf(patch), "resourceVersion");
    (*patched)["metadata"]["resourceVersion"] =
        wanted.empty() ? (*current)["metadata"]["resourceVersion"] : Json(wanted);
    return objectReply(call, 200, m_store.replace(call.type, call.path.ns, std::move(*patched)));
}

// Server-side apply, simplified: the body is the whole intended object; created when absent, else replaced.
HttpResponse ControlApi::Impl::applyObject(const Call& call, Json object) {
    object["metadata"]["name"] = call.path.name;
    object["metadata"]["namespace"] = call.path.ns;
    object["apiVersion"] = call.type.groupVersion();
    object["kind"] = call.type.kind;
    if (auto rejected = admit(call.type, object))
        return std::move(*rejected);
    if (!m_store.get(call.type, call.path.ns, call.path.name))
        return objectReply(call, 201, m_store.create(call.type, call.path.ns, std::move(object)));
    object["metadata"].erase("resourceVersion");
    return objectReply(call, 200, m_store.replace(call.type, call.path.ns, std::move(object)));
}

HttpResponse ControlApi::Impl::deleteObject(const Call& call) {
    // Pods terminate gracefully: the controller stops the process and removes the object afterwards.
    if (call.type.plural == "pods")
        return objectReply(call, 200, m_store.markDeleting(call.type, call.path.ns, call.path.name));
    const auto removed = m_store.remove(call.type, call.path.ns, call.path.name);
    if (!removed)
        return statusReply(removed.status());
    return api::jsonReply(200, successStatus(call.type, *removed));
}

HttpResponse ControlApi::Impl::podMetrics(const ResourcePath& path, const std::map<std::string, std::string>& query) {
    if (path.plural != "pods" || !path.subresource.empty())
        return notFoundPath();
    auto selector = LabelSelector::parse(queryValue(query, "labelSelector"));
    if (!selector)
        return statusReply(selector.status());
    const auto& pods = resource("pods");
    std::vector<Json> items;
    for (auto& metrics : m_hooks.podMetrics ? m_hooks.podMetrics(path.ns) : std::vector<Json>()) {
        const auto& metadata = api::metadataOf(metrics);
        const std::string name = api::stringAt(metadata, "name");
        const auto pod = m_store.get(pods, api::stringAt(metadata, "namespace"), name);
        const Json labels = pod ? api::metadataOf(*pod).value("labels", Json()) : Json();
        if ((path.name.empty() || name == path.name) && selector->matches(labels))
            items.push_back(std::move(metrics));
    }
    if (!path.name.empty()) {
        if (items.empty())
            return statusReply(404, "NotFound", "podmetrics.metrics.k8s.io \"" + path.name + "\" not found");
        return api::jsonReply(200, items.front());
    }
    return api::jsonReply(200, Json{{"kind", "PodMetricsList"},
                                    {"apiVersion", "metrics.k8s.io/v1beta1"},
                                    {"metadata", Json::object()},
                                    {"items", items}});
}

ControlApi::ControlApi(ObjectStore& store, SpanStore& spans, ControlApiHooks hooks, std::string token)
    : m_impl(std::make_shared<Impl>(store, spans, std::move(hooks), std::move(token))) {}

void ControlApi::handle(HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
    m_impl->handle(request, writer);
}

void ControlApi::sendBookmarks() {
    m_impl->watches().sendBookmarks();
}

std::size_t ControlApi::openWatches() const {
    return m_impl->watches().size();
}

} // namespace faaswb::localplatform
