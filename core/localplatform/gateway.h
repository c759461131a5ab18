// Gateway: the local platform's ingress, activator and queue-proxies in one asynchronous Beast server
// (platform-facts §1.4, §1.6). Requests are routed by Host `<svc>.<ns>.<domain>` or by path prefix `/<ns>/<svc>/`
// (the prefix is stripped) to the service's current revision.
// - Queue-proxy per instance: containerConcurrency slots (0 = unlimited), a queue of 10 x CC beyond them, 503 when it
//   is full; time-weighted concurrency and request counts per second, proxied (activator) traffic counted apart.
// - Activator per revision: in the path while the controller says so (setActivatorInPath) or no instance is ready;
//   holds up to 10,000 requests until an instance has a free slot (CC 0: random choice of two; CC <= 3: first free;
//   else round-robin), calls the demand listener when a request waits with no ready instance (scale from zero),
//   and answers 503 (queue full) or 504 (revision timeout) with a body saying why.
// - Responses carry X-Faaswb-Instance (pod name) and X-Faaswb-Cold: 1 when the request waited for an instance to
//   start. B3/traceparent are continued; spans: ingress (SERVER), throttler_try (activator wait), queue_wait,
//   queue_proxy (proxy to the instance).
// Runs on the platform thread; all methods must be called there.
#pragma once

#include "common/result.h"
#include "localplatform/autoscaler.h"
#include "localplatform/span_store.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace faaswb::localplatform {

struct GatewayOptions {
    std::string domain = "example.com";      // Knative's default domain: hello.default.example.com
    std::size_t activatorQueueLimit = 10000; // requests held per revision
    int queueDepthPerSlot = 10;              // queue-proxy queue = this x containerConcurrency
    std::size_t maxConnections = 10000;      // concurrent client connections
    std::size_t maxBodyBytes = 64 * 1024 * 1024;
    std::string serviceName = "activator-service"; // Zipkin localEndpoint of the gateway's spans
};

struct ServiceRoute {
    std::string namespaceName;
    std::string service;
    std::string revision; // all traffic goes to this revision
};

struct RevisionRoute {
    std::string namespaceName;
    std::string service;
    std::string configuration;
    std::string revision;
    int containerConcurrency = 0;
    std::chrono::seconds timeout{300}; // revision timeoutSeconds: 504 after this
};

struct InstanceEndpoint {
    std::string pod;
    std::uint16_t port = 0;
    double uptimeSeconds = 0; // reported in the pod's Stat
};

// One second of one revision, for the autoscaler.
struct RevisionSecondStats {
    std::string revision;
    std::vector<Stat> pods;   // one per ready instance (queue-proxy reports)
    Stat activator;           // requests the activator held or forwarded (podName "activator")
    int activatorQueued = 0;  // waiting in the activator now
    int queueProxyQueued = 0; // waiting in queue-proxies now, all instances
};

struct GatewayRevisionMetrics {
    RevisionRoute route;
    std::map<int, std::uint64_t> responsesByCode; // cumulative
    std::vector<double> latencyBoundsMs;          // histogram bucket upper bounds
    std::vector<std::uint64_t> latencyBuckets;    // per bound, not cumulative
    std::uint64_t latencyOverflow = 0;
    double latencySumMs = 0;
    int activatorQueued = 0;
    int queueProxyQueued = 0;
    int inFlight = 0;
};

class Gateway {
public:
    Gateway(boost::asio::io_context& io, SpanSink& spans, GatewayOptions options = {});
    ~Gateway();
    Gateway(const Gateway&) = delete;
    Gateway& operator=(const Gateway&) = delete;

    Result<std::uint16_t> listen(const std::string& address, std::uint16_t port);
    void stop(); // closes connections; held requests get 503

    void upsertService(const ServiceRoute& route);
    void removeService(const std::string& ns, const std::string& service); // 404 afterwards
    void upsertRevision(const RevisionRoute& route);
    void removeRevision(const std::string& revision); // held requests get 503
    // The ready instances; an instance left out gets no new requests, its in-flight ones complete.
    void setEndpoints(const std::string& revision, std::vector<InstanceEndpoint> ready);
    void setActivatorInPath(const std::string& revision, bool inPath);
    // Calls `drained` (posted, never inside this call) once the pod is out of the endpoints and has nothing in flight
    // or queued — Knative's queue-proxy drain before the user container's SIGTERM. At once for a pod it does not know.
    void whenDrained(const std::string& revision, const std::string& pod, std::function<void()> drained);
    // Called (on the platform thread) when a request starts waiting in the activator while the revision has no
    // ready instance; the controller records the activator stat and pokes the autoscaler.
    void setDemandListener(std::function<void(const std::string& revision)> listener);

    // The last second's stats per revision (time-weighted concurrency up to `now`); resets the per-second counters.
    std::vector<RevisionSecondStats> collectStats(std::chrono::steady_clock::time_point now);
    std::vector<GatewayRevisionMetrics> metrics() const;
    std::size_t openConnections() const;

private:
    class Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace faaswb::localplatform
