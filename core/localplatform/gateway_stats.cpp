// The gateway: per-second stats for the autoscaler and the spans of each request (metrics() lives in gateway_impl.h).
#include "localplatform/gateway_impl.h"

namespace faaswb::localplatform {

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
    // The waits also as tags of the ingress span: the hop breakdown (trace/breakdown.h) reads a request's waits from
    // one span, and a request that never waited gets an explicit 0 rather than a missing wait span.
    ingress.tags["faaswb.activator_wait_us"] = std::to_string(std::max<std::int64_t>(0, pending.activatorWaitUs));
    ingress.tags["faaswb.queue_wait_us"] = std::to_string(std::max<std::int64_t>(0, pending.queueWaitUs));
    m_spans.add(std::move(ingress));
}

} // namespace faaswb::localplatform
