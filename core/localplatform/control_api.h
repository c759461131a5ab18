// ControlApi: the local platform's Kubernetes-shaped REST API on the control port (platform-facts §2, §9): bearer
// token check, discovery (/version, /api, /apis, group-version resource lists), CRUD + list + watch on the served
// resources, metrics.k8s.io pod metrics, Table answers for kubectl, Kubernetes `Status` errors (400/401/404/405/
// 409/410/422). Also routes /metrics (Prometheus), the Zipkin API (SpanStore::handle) and /healthz (no token).
// Writes go to the ObjectStore; the controller reacts to the store's change events. Platform thread only.
#pragma once

#include "localplatform/http_server.h"
#include "localplatform/object_store.h"
#include "localplatform/span_store.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace faaswb::localplatform {

struct ControlApiHooks {
    // Extra admission for services beyond parseRevisionTemplate (e.g. the image must resolve to a local benchmark,
    // annotations against the platform's autoscaler defaults). An error's message starts with the field path; the
    // API answers 422 Invalid with it.
    std::function<Status(const Json& service)> admitService;
    // PodMetrics objects (metrics.k8s.io/v1beta1) of the namespace's pods ("" = all namespaces).
    std::function<std::vector<Json>(const std::string& ns)> podMetrics;
    // The Prometheus text of GET /metrics.
    std::function<std::string()> metricsText;
    std::string version = "v1.31.0-faaswb"; // gitVersion of /version
    // Runs `callback` on the platform thread after `delay` (the daemon wires an asio steady_timer). Ends watches at
    // their timeoutSeconds; when unset, watches past their time are ended by the next sendBookmarks().
    std::function<void(std::chrono::milliseconds delay, std::function<void()> callback)> schedule;
};

class ControlApi {
public:
    ControlApi(ObjectStore& store, SpanStore& spans, ControlApiHooks hooks, std::string token);

    // Plug into HttpServer. Watches hold the writer until the client leaves or the server stops; a watch without
    // timeoutSeconds ends after 30-60 minutes like the API server's min-request-timeout.
    void handle(HttpRequest request, std::shared_ptr<ResponseWriter> writer);
    // Sends a BOOKMARK with the store's current resourceVersion to every open watch that asked for bookmarks
    // (the daemon calls it about once a minute).
    void sendBookmarks();
    std::size_t openWatches() const;

private:
    class Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace faaswb::localplatform
