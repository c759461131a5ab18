// Gateway internals shared by gateway.cpp (routing, activator, queue-proxy slots), gateway_proxy.cpp (upstream
// calls, timeouts and answers) and gateway_stats.cpp (per-second stats, metrics, spans). Only those files include it.
// Platform thread only, like the Gateway.
#pragma once

#include "localplatform/gateway.h"
#include "localplatform/gateway_session.h"
#include "localplatform/listen_socket.h"
#include "trace/trace_context.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <unordered_map>
#include <unordered_set>

namespace faaswb::localplatform {
namespace gw {

using boost::system::error_code;
using Clock = std::chrono::steady_clock;

inline constexpr std::uint64_t kUpstreamBodyLimit = 1ull << 30;
inline constexpr std::size_t kMaxIdlePerInstance = 256;
inline constexpr auto kDemandInterval = std::chrono::seconds(1);

inline const std::vector<double>& latencyBounds() {
    static const std::vector<double> bounds{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
    return bounds;
}

inline double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

inline std::int64_t epochMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A count integrated over time: area / window length is the time-weighted average over the window.
struct TimeWeighted {
    int value = 0;
    double area = 0;
    Clock::time_point last = Clock::now();

    void change(int delta, Clock::time_point now) {
        advance(now);
        value += delta;
    }
    void advance(Clock::time_point now) {
        if (now > last) {
            area += value * seconds(now - last);
            last = now;
        }
    }
    double take(Clock::time_point now, double windowSeconds) {
        advance(now);
        double average = windowSeconds > 0 ? area / windowSeconds : value;
        area = 0;
        return average;
    }
};

struct Revision;
struct Pending;

struct UpstreamConnection {
    explicit UpstreamConnection(asio::io_context& io)
        : socket(io) {}
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
    std::optional<http::response_parser<http::string_body>> parser;
};

struct Instance {
    std::string pod;
    tcp::endpoint endpoint;
    double uptimeSeconds = 0;
    Clock::time_point uptimeAt; // when uptimeSeconds was reported
    Revision* revision = nullptr;
    bool ready = true;
    int inFlight = 0; // being proxied now (the slots in use)
    int queued = 0;   // live entries of `queue`
    std::deque<std::shared_ptr<Pending>> queue;
    std::vector<std::shared_ptr<UpstreamConnection>> idle;
    TimeWeighted concurrency; // in the queue-proxy: queued or in flight
    TimeWeighted proxiedConcurrency;
    double requests = 0;
    double proxiedRequests = 0;
    std::uint64_t upstreamErrors = 0;
    std::vector<std::function<void()>> whenDrained; // run once it is out of the endpoints with nothing left to serve
};

struct Revision {
    RevisionRoute route;
    bool activatorInPath = false;
    std::vector<std::shared_ptr<Instance>> ready;
    std::unordered_map<std::string, std::shared_ptr<Instance>> instances; // ready ones and draining ones
    std::deque<std::shared_ptr<Pending>> held;
    int heldCount = 0; // live entries of `held`
    TimeWeighted activatorConcurrency;
    double activatorRequests = 0;
    Clock::time_point windowStart = Clock::now();
    Clock::time_point lastDemand;
    bool demandSent = false;
    std::size_t roundRobin = 0;
    int inFlight = 0;
    std::map<int, std::uint64_t> responsesByCode;
    std::vector<std::uint64_t> latencyBuckets = std::vector<std::uint64_t>(latencyBounds().size());
    std::uint64_t latencyOverflow = 0;
    double latencySumMs = 0;
    std::uint64_t upstreamErrors = 0;
};

enum class Stage { Routed, Held, Queued, Proxying, Done };

struct Pending {
    explicit Pending(asio::io_context& io)
        : timer(io) {}
    std::shared_ptr<DownstreamSession> session;
    Request request;
    std::shared_ptr<Revision> revision;
    std::shared_ptr<Instance> instance;
    std::shared_ptr<UpstreamConnection> upstream;
    asio::steady_timer timer;
    Stage stage = Stage::Routed;
    bool cold = false;
    bool viaActivator = false;
    bool atInstance = false;
    bool reused = false;
    bool retried = false;
    bool sampled = true;
    Clock::time_point arrived;
    Clock::time_point waitStarted;
    Clock::time_point proxyStarted;
    std::int64_t arrivedUs = 0;
    std::int64_t waitStartedUs = 0;
    std::int64_t proxyStartedUs = 0;
    std::int64_t activatorWaitUs = 0; // time held by the activator (ingress span tag faaswb.activator_wait_us)
    std::int64_t queueWaitUs = 0;     // time in the queue-proxy queue (tag faaswb.queue_wait_us)
    std::string method;
    std::string originalTarget;
    std::string traceId;
    std::string callerSpanId;
    std::string ingressSpanId;
    std::string proxySpanId;
};
using PendingPtr = std::shared_ptr<Pending>;

struct RouteMatch {
    std::shared_ptr<Revision> revision;
    std::string target; // rewritten target when the path prefix matched
    bool byPath = false;
};

} // namespace gw

using namespace gw; // internal header: the gateway's own files only

class Gateway::Impl : public RequestSink, public std::enable_shared_from_this<Gateway::Impl> {
public:
    Impl(asio::io_context& io, SpanSink& spans, GatewayOptions options)
        : m_io(io)
        , m_spans(spans)
        , m_options(std::move(options))
        , m_acceptor(io) {}

    Result<std::uint16_t> listen(const std::string& address, std::uint16_t port) {
        auto bound = detail::openListener(m_acceptor, address, port, "gateway");
        if (!bound)
            return bound.error();
        m_stopped = false;
        accept();
        return m_acceptor.local_endpoint().port();
    }

    void stop() {
        m_stopped = true;
        error_code ignored;
        m_acceptor.close(ignored);
        for (auto& [name, revision] : m_revisions)
            failWaiting(*revision, 503, "the gateway is stopping");
        auto sessions = m_sessions;
        for (auto& [raw, session] : sessions)
            session->closeWhenIdle();
    }

    void upsertService(const ServiceRoute& route) {
        m_services[route.namespaceName + "/" + route.service] = route.revision;
    }

    void removeService(const std::string& ns, const std::string& service) { m_services.erase(ns + "/" + service); }

    void upsertRevision(const RevisionRoute& route) {
        auto& revision = m_revisions[route.revision];
        if (!revision)
            revision = std::make_shared<Revision>();
        revision->route = route;
        dispatchHeld(*revision); // a larger CC may free slots
    }

    void removeRevision(const std::string& name) {
        auto found = m_revisions.find(name);
        if (found == m_revisions.end())
            return;
        auto revision = found->second;
        m_revisions.erase(found);
        failWaiting(*revision, 503, "revision " + name + " was removed");
        for (auto& [pod, instance] : revision->instances) {
            instance->ready = false;
            closeIdle(*instance);
        }
        revision->ready.clear();
        pruneInstances(*revision); // the ones still serving are pruned when their last request finishes
    }

    void whenDrained(const std::string& revisionName, const std::string& pod, std::function<void()> drained) {
        std::shared_ptr<Instance> instance;
        if (auto revision = findRevision(revisionName))
            if (auto it = revision->instances.find(pod); it != revision->instances.end())
                instance = it->second;
        if (instance)
            instance->whenDrained.push_back(std::move(drained));
        else
            asio::post(m_io, std::move(drained));
    }

    void setEndpoints(const std::string& name, std::vector<InstanceEndpoint> endpoints) {
        auto revision = findRevision(name);
        if (!revision)
            return;
        const auto now = Clock::now();
        std::vector<std::shared_ptr<Instance>> ready;
        for (const auto& endpoint : endpoints) {
            auto& slot = revision->instances[endpoint.pod];
            if (!slot || slot->endpoint.port() != endpoint.port) {
                slot = std::make_shared<Instance>();
                slot->pod = endpoint.pod;
                slot->endpoint = tcp::endpoint(asio::ip::address_v4::loopback(), endpoint.port);
                slot->revision = revision.get();
            }
            slot->uptimeAt = now;
            slot->ready = true;
            slot->uptimeSeconds = endpoint.uptimeSeconds;
            ready.push_back(slot);
        }
        for (auto& old : revision->ready) {
            if (std::find(ready.begin(), ready.end(), old) == ready.end()) {
                old->ready = false;
                closeIdle(*old);
            }
        }
        revision->ready = std::move(ready);
        pruneInstances(*revision);
        dispatchHeld(*revision);
    }

    void setActivatorInPath(const std::string& name, bool inPath) {
        if (auto revision = findRevision(name))
            revision->activatorInPath = inPath;
    }

    void setDemandListener(std::function<void(const std::string&)> listener) { m_demand = std::move(listener); }

    std::vector<RevisionSecondStats> collectStats(Clock::time_point now) {
        std::vector<RevisionSecondStats> all;
        all.reserve(m_revisions.size());
        for (auto& [name, revision] : m_revisions)
            all.push_back(collect(*revision, now));
        return all;
    }

    std::vector<GatewayRevisionMetrics> metrics() const {
        std::vector<GatewayRevisionMetrics> all;
        for (const auto& [name, revision] : m_revisions) {
            GatewayRevisionMetrics m;
            m.route = revision->route;
            m.responsesByCode = revision->responsesByCode;
            m.latencyBoundsMs = latencyBounds();
            m.latencyBuckets = revision->latencyBuckets;
            m.latencyOverflow = revision->latencyOverflow;
            m.latencySumMs = revision->latencySumMs;
            m.activatorQueued = revision->heldCount;
            for (const auto& [pod, instance] : revision->instances)
                m.queueProxyQueued += instance->queued;
            m.inFlight = revision->inFlight;
            all.push_back(std::move(m));
        }
        std::sort(all.begin(), all.end(),
                  [](const auto& a, const auto& b) { return a.route.revision < b.route.revision; });
        return all;
    }

    std::size_t openConnections() const { return m_sessions.size(); }

    // The gateway goes away: every request still open is answered 503 (which frees its timer and upstream
    // connection) and every connection is closed.
    void shutdown() {
        stop();
        auto active = m_active;
        for (const auto& pending : active)
            fail(pending, 503, "the gateway is stopping");
        auto sessions = m_sessions;
        for (auto& [raw, session] : sessions)
            session->close();
        for (auto& [name, revision] : m_revisions)
            for (auto& [pod, instance] : revision->instances)
                closeIdle(*instance);
    }

    // RequestSink
    void onRequest(const std::shared_ptr<DownstreamSession>& session, Request&& request) override;
    void onSessionClosed(DownstreamSession* session) override { m_sessions.erase(session); }

private:
    void accept() {
        m_acceptor.async_accept([weak = weak_from_this()](error_code ec, tcp::socket socket) {
            auto self = weak.lock();
            if (!self || !self->m_acceptor.is_open())
                return;
            if (!ec)
                self->startSession(std::move(socket));
            self->accept();
        });
    }

    void startSession(tcp::socket socket) {
        error_code ignored;
        if (m_sessions.size() >= m_options.maxConnections) {
            socket.close(ignored);
            return;
        }
        socket.set_option(tcp::no_delay(true), ignored);
        auto session = std::make_shared<DownstreamSession>(std::move(socket), weak_from_this(), m_options.maxBodyBytes);
        m_sessions.emplace(session.get(), session);
        session->start();
    }

    std::shared_ptr<Revision> findRevision(const std::string& name) const {
        auto found = m_revisions.find(name);
        return found == m_revisions.end() ? nullptr : found->second;
    }

    std::shared_ptr<Revision> serviceRevision(std::string_view ns, std::string_view service) {
        m_key.assign(ns).append("/").append(service);
        auto found = m_services.find(m_key);
        return found == m_services.end() ? nullptr : findRevision(found->second);
    }

    RouteMatch route(const Request& request);
    void reject(const std::shared_ptr<DownstreamSession>& session, http::status status, std::string body);
    void startTrace(Pending& pending);
    void armTimeout(const PendingPtr& pending);
    void enterActivator(const PendingPtr& pending);
    void dispatchHeld(Revision& revision);
    std::shared_ptr<Instance> pickFree(Revision& revision);
    std::shared_ptr<Instance> pickAny(Revision& revision);
    void enterQueueProxy(const std::shared_ptr<Instance>& instance, const PendingPtr& pending);
    void pump(Instance& instance);
    void startProxy(const std::shared_ptr<Instance>& instance, const PendingPtr& pending);
    void connectUpstream(const PendingPtr& pending);
    void writeUpstream(const PendingPtr& pending);
    void upstreamFailed(const PendingPtr& pending, error_code ec, bool gotBytes);
    void upstreamDone(const PendingPtr& pending);
    void onTimeout(const PendingPtr& pending);
    void fail(const PendingPtr& pending, int status, std::string body);
    void finish(const PendingPtr& pending, Response&& response);
    void failWaiting(Revision& revision, int status, const std::string& body);
    void closeIdle(Instance& instance);
    void pruneInstances(Revision& revision);
    void maybeDemand(Revision& revision, Clock::time_point now);
    RevisionSecondStats collect(Revision& revision, Clock::time_point now);
    void emitSpans(const Pending& pending, int status, std::int64_t endUs);
    trace::Span span(const Pending& pending, std::string name, std::string id, std::string kind, std::string service,
                     std::int64_t startUs, std::int64_t endUs) const;
    std::uint32_t nextRandom() {
        m_random ^= m_random << 13;
        m_random ^= m_random >> 17;
        m_random ^= m_random << 5;
        return m_random;
    }

    asio::io_context& m_io;
    SpanSink& m_spans;
    GatewayOptions m_options;
    tcp::acceptor m_acceptor;
    bool m_stopped = false;
    std::unordered_map<DownstreamSession*, std::shared_ptr<DownstreamSession>> m_sessions;
    std::unordered_map<std::string, std::string> m_services; // "ns/svc" -> revision
    std::unordered_map<std::string, std::shared_ptr<Revision>> m_revisions;
    std::unordered_set<PendingPtr> m_active; // routed and not answered yet
    std::function<void(const std::string&)> m_demand;
    std::string m_key;
    std::uint32_t m_random = 0x9e3779b9u;
};

} // namespace faaswb::localplatform
