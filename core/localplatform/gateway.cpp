#include "localplatform/gateway.h"

#include "localplatform/gateway_session.h"
#include "trace/trace_context.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <unordered_map>
#include <unordered_set>

namespace faaswb::localplatform {
namespace {

using namespace gw;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kUpstreamBodyLimit = 1ull << 30;
constexpr std::size_t kMaxIdlePerInstance = 256;
constexpr auto kDemandInterval = std::chrono::seconds(1);

const std::vector<double>& latencyBounds() {
    static const std::vector<double> bounds{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
    return bounds;
}

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

std::int64_t epochMicros() {
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

} // namespace

class Gateway::Impl : public RequestSink, public std::enable_shared_from_this<Gateway::Impl> {
public:
    Impl(asio::io_context& io, SpanSink& spans, GatewayOptions options)
        : m_io(io)
        , m_spans(spans)
        , m_options(std::move(options))
        , m_acceptor(io) {}

    Result<std::uint16_t> listen(const std::string& address, std::uint16_t port) {
        error_code ec;
        auto ip = asio::ip::make_address(address, ec);
        if (ec)
            return invalidInput("gateway: '" + address + "' is not an IP address");
        tcp::endpoint endpoint(ip, port);
        m_acceptor.open(endpoint.protocol(), ec);
        if (!ec)
            m_acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec)
            m_acceptor.bind(endpoint, ec);
        if (!ec)
            m_acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) {
            error_code ignored;
            m_acceptor.close(ignored);
            return platformError("gateway: cannot listen on " + address + ":" + std::to_string(port) + ": " +
                                 ec.message());
        }
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
        for (auto& instance : revision->ready)
            closeIdle(*instance);
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

namespace {

std::string_view hostWithoutPort(std::string_view host) {
    if (!host.empty() && host.front() == '[')
        return host.substr(0, host.find(']') + 1);
    auto colon = host.rfind(':');
    return colon == std::string_view::npos ? host : host.substr(0, colon);
}

} // namespace

RouteMatch Gateway::Impl::route(const Request& request) {
    RouteMatch match;
    // Host: <svc>.<ns>.<domain>
    auto hostField = request[http::field::host];
    auto host = hostWithoutPort({hostField.data(), hostField.size()});
    const std::string_view domain = m_options.domain;
    if (host.size() > domain.size() + 1 && host.substr(host.size() - domain.size()) == domain &&
        host[host.size() - domain.size() - 1] == '.') {
        auto names = host.substr(0, host.size() - domain.size() - 1);
        auto dot = names.find('.');
        if (dot != std::string_view::npos && names.find('.', dot + 1) == std::string_view::npos)
            match.revision = serviceRevision(names.substr(dot + 1), names.substr(0, dot));
        if (match.revision)
            return match;
    }
    // Path: /<ns>/<svc>[/rest][?query]
    std::string_view target{request.target().data(), request.target().size()};
    if (target.size() < 2 || target.front() != '/')
        return match;
    auto nsEnd = target.find('/', 1);
    if (nsEnd == std::string_view::npos)
        return match;
    auto svcEnd = target.find_first_of("/?", nsEnd + 1);
    auto ns = target.substr(1, nsEnd - 1);
    auto service = target.substr(nsEnd + 1, svcEnd == std::string_view::npos ? svcEnd : svcEnd - nsEnd - 1);
    if (ns.empty() || service.empty())
        return match;
    match.revision = serviceRevision(ns, service);
    if (!match.revision)
        return match;
    match.byPath = true;
    auto rest = svcEnd == std::string_view::npos ? std::string_view{} : target.substr(svcEnd);
    if (rest.empty() || rest.front() == '?')
        match.target.assign("/").append(rest);
    else
        match.target.assign(rest);
    return match;
}

void Gateway::Impl::reject(const std::shared_ptr<DownstreamSession>& session, http::status status, std::string body) {
    Response response{status, 11};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = std::move(body);
    session->respond(std::move(response));
}

void Gateway::Impl::onRequest(const std::shared_ptr<DownstreamSession>& session, Request&& request) {
    if (m_stopped)
        return reject(session, http::status::service_unavailable, "the gateway is stopping\n");
    auto match = route(request);
    if (!match.revision) {
        auto host = request[http::field::host];
        return reject(session, http::status::not_found,
                      "no service for host '" + std::string(host) + "' or path '" + std::string(request.target()) +
                          "'\n");
    }
    auto pending = std::make_shared<Pending>(m_io);
    m_active.insert(pending);
    auto& revision = *match.revision;
    pending->session = session;
    pending->request = std::move(request);
    pending->revision = std::move(match.revision);
    pending->arrived = Clock::now();
    pending->arrivedUs = epochMicros();
    pending->method = std::string(pending->request.method_string());
    pending->originalTarget = std::string(pending->request.target());
    if (match.byPath)
        pending->request.target(match.target);
    pending->cold = revision.ready.empty();
    startTrace(*pending);
    ++revision.inFlight;
    if (revision.route.timeout.count() > 0)
        armTimeout(pending);
    if (revision.activatorInPath || revision.ready.empty())
        return enterActivator(pending);
    enterQueueProxy(pickAny(revision), pending);
}

void Gateway::Impl::armTimeout(const PendingPtr& pending) {
    pending->timer.expires_after(pending->revision->route.timeout);
    pending->timer.async_wait([weak = weak_from_this(), pending](error_code ec) {
        if (auto self = weak.lock(); self && !ec)
            self->onTimeout(pending);
    });
}

void Gateway::Impl::startTrace(Pending& pending) {
    auto lookup = [&](std::string_view name) -> std::optional<std::string_view> {
        auto found = pending.request.find(boost::beast::string_view(name.data(), name.size()));
        if (found == pending.request.end())
            return std::nullopt;
        return std::string_view(found->value().data(), found->value().size());
    };
    if (auto context = trace::extractContext(lookup)) {
        pending.traceId = std::move(context->traceId);
        pending.callerSpanId = std::move(context->spanId);
        pending.sampled = context->sampled;
    } else {
        pending.traceId = trace::newTraceId();
    }
    pending.ingressSpanId = trace::newSpanId();
    pending.proxySpanId = trace::newSpanId();
}

void Gateway::Impl::enterActivator(const PendingPtr& pending) {
    auto& revision = *pending->revision;
    if (std::size_t(revision.heldCount) >= m_options.activatorQueueLimit)
        return fail(pending, 503,
                    "activator queue full: " + std::to_string(revision.heldCount) + " requests already wait for " +
                        revision.route.revision + "\n");
    const auto now = Clock::now();
    pending->stage = Stage::Held;
    pending->viaActivator = true;
    pending->waitStarted = now;
    pending->waitStartedUs = epochMicros();
    revision.held.push_back(pending);
    ++revision.heldCount;
    revision.activatorConcurrency.change(+1, now);
    revision.activatorRequests += 1;
    if (revision.ready.empty())
        maybeDemand(revision, now);
    dispatchHeld(revision);
}

void Gateway::Impl::maybeDemand(Revision& revision, Clock::time_point now) {
    if (revision.demandSent && now - revision.lastDemand < kDemandInterval)
        return;
    revision.demandSent = true;
    revision.lastDemand = now;
    if (m_demand)
        asio::post(m_io, [weak = weak_from_this(), name = revision.route.revision] {
            if (auto self = weak.lock(); self && self->m_demand)
                self->m_demand(name);
        });
}

void Gateway::Impl::dispatchHeld(Revision& revision) {
    while (!revision.held.empty()) {
        if (revision.held.front()->stage != Stage::Held) {
            revision.held.pop_front();
            continue;
        }
        auto instance = pickFree(revision);
        if (!instance)
            return;
        auto pending = std::move(revision.held.front());
        revision.held.pop_front();
        --revision.heldCount;
        pending->stage = Stage::Routed;
        if (pending->sampled)
            m_spans.add(span(*pending, "throttler_try", trace::newSpanId(), "", m_options.serviceName,
                             pending->waitStartedUs, epochMicros()));
        enterQueueProxy(instance, pending);
    }
}

// The activator's choice (platform-facts §1.6): CC 0: random choice of two; CC <= 3: first pod with a free slot;
// otherwise round-robin over the pods with a free slot.
std::shared_ptr<Instance> Gateway::Impl::pickFree(Revision& revision) {
    auto& ready = revision.ready;
    if (ready.empty())
        return nullptr;
    const int cc = revision.route.containerConcurrency;
    if (cc <= 0)
        return pickAny(revision);
    auto isFree = [cc](const Instance& instance) { return instance.inFlight + instance.queued < cc; };
    if (cc <= 3) {
        for (auto& instance : ready)
            if (isFree(*instance))
                return instance;
        return nullptr;
    }
    for (std::size_t i = 0; i < ready.size(); ++i) {
        auto& instance = ready[(revision.roundRobin + i) % ready.size()];
        if (isFree(*instance)) {
            revision.roundRobin = (revision.roundRobin + i + 1) % ready.size();
            return instance;
        }
    }
    return nullptr;
}

// Direct traffic: the less loaded of two random ready instances.
std::shared_ptr<Instance> Gateway::Impl::pickAny(Revision& revision) {
    auto& ready = revision.ready;
    if (ready.size() == 1)
        return ready.front();
    auto& a = ready[nextRandom() % ready.size()];
    auto& b = ready[nextRandom() % ready.size()];
    return a->inFlight + a->queued <= b->inFlight + b->queued ? a : b;
}

void Gateway::Impl::enterQueueProxy(const std::shared_ptr<Instance>& instance, const PendingPtr& pending) {
    const auto now = Clock::now();
    const int cc = pending->revision->route.containerConcurrency;
    pending->instance = instance;
    instance->requests += 1;
    if (pending->viaActivator)
        instance->proxiedRequests += 1;
    if (cc > 0 && instance->inFlight >= cc) {
        if (instance->queued >= m_options.queueDepthPerSlot * cc)
            return fail(pending, 503,
                        "queue full: instance " + instance->pod + " has " + std::to_string(cc) + " busy slots and " +
                            std::to_string(instance->queued) + " queued requests\n");
        pending->atInstance = true;
        instance->concurrency.change(+1, now);
        if (pending->viaActivator)
            instance->proxiedConcurrency.change(+1, now);
        pending->stage = Stage::Queued;
        pending->waitStarted = now;
        pending->waitStartedUs = epochMicros();
        instance->queue.push_back(pending);
        ++instance->queued;
        return;
    }
    pending->atInstance = true;
    instance->concurrency.change(+1, now);
    if (pending->viaActivator)
        instance->proxiedConcurrency.change(+1, now);
    startProxy(instance, pending);
}

void Gateway::Impl::pump(Instance& instance) {
    const int cc = instance.revision->route.containerConcurrency;
    while (!instance.queue.empty() && (cc <= 0 || instance.inFlight < cc)) {
        auto pending = std::move(instance.queue.front());
        instance.queue.pop_front();
        if (pending->stage != Stage::Queued)
            continue;
        --instance.queued;
        if (pending->sampled)
            m_spans.add(span(*pending, "queue_wait", trace::newSpanId(), "", instance.pod, pending->waitStartedUs,
                             epochMicros()));
        startProxy(pending->instance, pending);
    }
}

void Gateway::Impl::startProxy(const std::shared_ptr<Instance>& instance, const PendingPtr& pending) {
    pending->stage = Stage::Proxying;
    pending->proxyStarted = Clock::now();
    pending->proxyStartedUs = epochMicros();
    ++instance->inFlight;
    auto& request = pending->request;
    for (const auto& name : trace::propagationHeaderNames())
        request.erase(boost::beast::string_view(name.data(), name.size()));
    for (const auto& [name, value] :
         trace::propagationHeaders(pending->traceId, pending->proxySpanId, pending->ingressSpanId, pending->sampled))
        request.set(boost::beast::string_view(name.data(), name.size()), value);
    if (pending->viaActivator)
        request.set("K-Proxy-Request", "activator");
    request.version(11);
    request.keep_alive(true);
    while (!instance->idle.empty()) {
        auto connection = std::move(instance->idle.back());
        instance->idle.pop_back();
        if (!connection->socket.is_open())
            continue;
        pending->upstream = std::move(connection);
        pending->reused = true;
        return writeUpstream(pending);
    }
    connectUpstream(pending);
}

void Gateway::Impl::connectUpstream(const PendingPtr& pending) {
    pending->reused = false;
    pending->upstream = std::make_shared<UpstreamConnection>(m_io);
    pending->upstream->socket.async_connect(pending->instance->endpoint,
                                            [weak = weak_from_this(), pending](error_code ec) {
                                                auto self = weak.lock();
                                                if (!self || pending->stage != Stage::Proxying)
                                                    return;
                                                if (ec)
                                                    return self->upstreamFailed(pending, ec, false);
                                                error_code ignored;
                                                pending->upstream->socket.set_option(tcp::no_delay(true), ignored);
                                                self->writeUpstream(pending);
                                            });
}

void Gateway::Impl::writeUpstream(const PendingPtr& pending) {
    http::async_write(pending->upstream->socket, pending->request,
                      [weak = weak_from_this(), pending](error_code ec, std::size_t) {
                          auto self = weak.lock();
                          if (!self || pending->stage != Stage::Proxying)
                              return;
                          if (ec)
                              return self->upstreamFailed(pending, ec, false);
                          auto& connection = *pending->upstream;
                          connection.parser.emplace();
                          connection.parser->body_limit(kUpstreamBodyLimit);
                          if (pending->request.method() == http::verb::head)
                              connection.parser->skip(true);
                          http::async_read(connection.socket, connection.buffer, *connection.parser,
                                           [weak, pending](error_code readEc, std::size_t) {
                                               auto again = weak.lock();
                                               if (!again || pending->stage != Stage::Proxying)
                                                   return;
                                               if (readEc)
                                                   return again->upstreamFailed(pending, readEc,
                                                                                pending->upstream->parser->got_some());
                                               again->upstreamDone(pending);
                                           });
                      });
}

// A kept-alive connection the instance had closed fails before any response byte: retry once on a fresh one.
void Gateway::Impl::upstreamFailed(const PendingPtr& pending, error_code ec, bool gotBytes) {
    error_code ignored;
    pending->upstream->socket.close(ignored);
    if (pending->reused && !pending->retried && !gotBytes) {
        pending->retried = true;
        return connectUpstream(pending);
    }
    auto& instance = *pending->instance;
    ++instance.upstreamErrors;
    ++pending->revision->upstreamErrors;
    fail(pending, 502,
         "error proxying to instance " + instance.pod + " (127.0.0.1:" + std::to_string(instance.endpoint.port()) +
             ") of revision " + pending->revision->route.revision + ": " + ec.message() + "\n");
}

void Gateway::Impl::upstreamDone(const PendingPtr& pending) {
    auto& connection = pending->upstream;
    auto response = connection->parser->release();
    connection->parser.reset();
    auto& instance = *pending->instance;
    if (response.keep_alive() && instance.ready && instance.idle.size() < kMaxIdlePerInstance)
        instance.idle.push_back(std::move(connection));
    finish(pending, std::move(response));
}

void Gateway::Impl::onTimeout(const PendingPtr& pending) {
    if (pending->stage == Stage::Done)
        return;
    const auto& revision = pending->revision->route;
    const auto timeout = std::to_string(revision.timeout.count());
    if (pending->stage == Stage::Proxying)
        return fail(pending, 504,
                    "instance " + pending->instance->pod + " of revision " + revision.revision +
                        " did not answer within the revision timeout of " + timeout + " s\n");
    fail(pending, 504,
         "timed out after " + timeout + " s waiting for " +
             (pending->stage == Stage::Held ? "an instance of revision " : "a free slot of revision ") +
             revision.revision + "\n");
}

void Gateway::Impl::fail(const PendingPtr& pending, int status, std::string body) {
    Response response{http::int_to_status(unsigned(status)), 11};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = std::move(body);
    finish(pending, std::move(response));
}

void Gateway::Impl::finish(const PendingPtr& pending, Response&& response) {
    if (pending->stage == Stage::Done)
        return;
    const auto stage = pending->stage;
    pending->stage = Stage::Done;
    pending->timer.cancel();
    m_active.erase(pending);
    const auto now = Clock::now();
    const auto endUs = epochMicros();
    auto& revision = *pending->revision;
    auto instance = pending->instance;
    if (stage == Stage::Held)
        --revision.heldCount; // its entry in `held` is skipped later
    if (instance && stage == Stage::Queued)
        --instance->queued;
    if (instance && stage == Stage::Proxying) {
        --instance->inFlight;
        if (pending->upstream) { // not returned to the pool: timed out, failed or stopping
            error_code ignored;
            pending->upstream->socket.close(ignored);
            pending->upstream.reset();
        }
    }
    if (instance && pending->atInstance) {
        instance->concurrency.change(-1, now);
        if (pending->viaActivator)
            instance->proxiedConcurrency.change(-1, now);
    }
    if (pending->viaActivator)
        revision.activatorConcurrency.change(-1, now);
    --revision.inFlight;

    const int status = int(response.result_int());
    ++revision.responsesByCode[status];
    const double latencyMs = seconds(now - pending->arrived) * 1000.0;
    revision.latencySumMs += latencyMs;
    const auto& bounds = latencyBounds();
    auto bucket = std::lower_bound(bounds.begin(), bounds.end(), latencyMs);
    if (bucket == bounds.end())
        ++revision.latencyOverflow;
    else
        ++revision.latencyBuckets[std::size_t(bucket - bounds.begin())];

    if (instance)
        response.set("X-Faaswb-Instance", instance->pod);
    response.set("X-Faaswb-Cold", pending->cold ? "1" : "0");
    if (pending->sampled)
        emitSpans(*pending, status, endUs);
    auto session = std::move(pending->session);
    session->respond(std::move(response));

    if (instance && stage == Stage::Proxying) {
        pump(*instance);
        if (!instance->ready)
            pruneInstances(revision);
    }
    dispatchHeld(revision);
}

void Gateway::Impl::failWaiting(Revision& revision, int status, const std::string& body) {
    auto held = std::move(revision.held);
    for (auto& pending : held)
        fail(pending, status, body);
    for (auto& [pod, instance] : revision.instances) {
        auto queue = std::move(instance->queue);
        for (auto& pending : queue)
            fail(pending, status, body);
    }
}

void Gateway::Impl::closeIdle(Instance& instance) {
    for (auto& connection : instance.idle) {
        error_code ignored;
        connection->socket.close(ignored);
    }
    instance.idle.clear();
}

// Instances no longer ready stay until their last request is done.
void Gateway::Impl::pruneInstances(Revision& revision) {
    std::erase_if(revision.instances, [](const auto& entry) {
        const auto& instance = *entry.second;
        return !instance.ready && instance.inFlight == 0 && instance.queued == 0;
    });
}

RevisionSecondStats Gateway::Impl::collect(Revision& revision, Clock::time_point now) {
    RevisionSecondStats stats;
    stats.revision = revision.route.revision;
    const double window = seconds(now - revision.windowStart);
    const double perSecond = window > 0 ? 1.0 / window : 1.0;
    for (auto& [pod, instance] : revision.instances) {
        Stat stat;
        stat.podName = pod;
        stat.averageConcurrency = instance->concurrency.take(now, window);
        stat.averageProxiedConcurrency = instance->proxiedConcurrency.take(now, window);
        stat.requestCount = instance->requests * perSecond;
        stat.proxiedRequestCount = instance->proxiedRequests * perSecond;
        stat.processUptimeSeconds = instance->uptimeSeconds + seconds(now - instance->uptimeAt);
        instance->requests = instance->proxiedRequests = 0;
        stats.queueProxyQueued += instance->queued;
        if (instance->ready)
            stats.pods.push_back(std::move(stat));
    }
    stats.activator.podName = "activator";
    stats.activator.averageConcurrency = revision.activatorConcurrency.take(now, window);
    stats.activator.requestCount = revision.activatorRequests * perSecond;
    revision.activatorRequests = 0;
    stats.activatorQueued = revision.heldCount;
    revision.windowStart = now;
    return stats;
}

trace::Span Gateway::Impl::span(const Pending& pending, std::string name, std::string id, std::string kind,
                                std::string service, std::int64_t startUs, std::int64_t endUs) const {
    trace::Span span;
    span.traceId = pending.traceId;
    span.spanId = std::move(id);
    span.parentId = pending.ingressSpanId;
    span.service = std::move(service);
    span.name = std::move(name);
    span.kind = std::move(kind);
    span.startUs = startUs;
    span.durationUs = std::max<std::int64_t>(1, endUs - startUs);
    span.tags["revision"] = pending.revision->route.revision;
    if (pending.instance)
        span.tags["pod"] = pending.instance->pod;
    return span;
}

void Gateway::Impl::emitSpans(const Pending& pending, int status, std::int64_t endUs) {
    const auto statusText = std::to_string(status);
    if (pending.stage == Stage::Done && pending.proxyStartedUs != 0) {
        auto proxy = span(pending, "queue_proxy", pending.proxySpanId, "CLIENT", pending.instance->pod,
                          pending.proxyStartedUs, endUs);
        proxy.tags["http.status_code"] = statusText;
        m_spans.add(std::move(proxy));
    }
    auto ingress =
        span(pending, "ingress", pending.ingressSpanId, "SERVER", m_options.serviceName, pending.arrivedUs, endUs);
    ingress.parentId = pending.callerSpanId;
    ingress.tags["http.method"] = pending.method;
    ingress.tags["http.path"] = pending.originalTarget;
    ingress.tags["http.status_code"] = statusText;
    ingress.tags["faaswb.cold"] = pending.cold ? "1" : "0";
    m_spans.add(std::move(ingress));
}

Gateway::Gateway(asio::io_context& io, SpanSink& spans, GatewayOptions options)
    : m_impl(std::make_shared<Impl>(io, spans, std::move(options))) {}

Gateway::~Gateway() {
    m_impl->stop();
}

Result<std::uint16_t> Gateway::listen(const std::string& address, std::uint16_t port) {
    return m_impl->listen(address, port);
}
void Gateway::stop() {
    m_impl->stop();
}
void Gateway::upsertService(const ServiceRoute& route) {
    m_impl->upsertService(route);
}
void Gateway::removeService(const std::string& ns, const std::string& service) {
    m_impl->removeService(ns, service);
}
void Gateway::upsertRevision(const RevisionRoute& route) {
    m_impl->upsertRevision(route);
}
void Gateway::removeRevision(const std::string& revision) {
    m_impl->removeRevision(revision);
}
void Gateway::setEndpoints(const std::string& revision, std::vector<InstanceEndpoint> ready) {
    m_impl->setEndpoints(revision, std::move(ready));
}
void Gateway::setActivatorInPath(const std::string& revision, bool inPath) {
    m_impl->setActivatorInPath(revision, inPath);
}
void Gateway::setDemandListener(std::function<void(const std::string& revision)> listener) {
    m_impl->setDemandListener(std::move(listener));
}
std::vector<RevisionSecondStats> Gateway::collectStats(std::chrono::steady_clock::time_point now) {
    return m_impl->collectStats(now);
}
std::vector<GatewayRevisionMetrics> Gateway::metrics() const {
    return m_impl->metrics();
}
std::size_t Gateway::openConnections() const {
    return m_impl->openConnections();
}

} // namespace faaswb::localplatform
