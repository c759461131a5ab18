// The gateway: accepting, routing by Host or path prefix, the activator and the queue-proxy slots.
#include "localplatform/gateway_impl.h"

namespace faaswb::localplatform {

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
        const auto nowUs = epochMicros();
        pending->activatorWaitUs += nowUs - pending->waitStartedUs;
        if (pending->sampled)
            m_spans.add(span(*pending, "throttler_try", trace::newSpanId(), "", m_options.serviceName,
                             pending->waitStartedUs, nowUs));
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
        const auto nowUs = epochMicros();
        pending->queueWaitUs += nowUs - pending->waitStartedUs;
        if (pending->sampled)
            m_spans.add(
                span(*pending, "queue_wait", trace::newSpanId(), "", instance.pod, pending->waitStartedUs, nowUs));
        startProxy(pending->instance, pending);
    }
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
void Gateway::whenDrained(const std::string& revision, const std::string& pod, std::function<void()> drained) {
    m_impl->whenDrained(revision, pod, std::move(drained));
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
