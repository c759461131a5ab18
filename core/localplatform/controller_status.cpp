// What the controller reports: metrics.k8s.io PodMetrics and the Prometheus exposition of /metrics.
#include "localplatform/controller_impl.h"
#include "localplatform/prometheus_text.h"

#include <cmath>

namespace faaswb::localplatform {

std::vector<Json> Controller::podMetrics(const std::string& ns) const {
    std::vector<Json> out;
    const std::string now = kubeNow();
    for (const auto& [name, pod] : m_impl->pods) {
        if ((!ns.empty() && pod.ns != ns) || !pod.cpuMillicores || !pod.memoryBytes)
            continue; // a pod needs two /proc samples before it has a CPU rate
        const auto object = m_impl->store.get(resource("pods"), pod.ns, name);
        const auto nanocores = static_cast<long long>(std::llround(*pod.cpuMillicores * 1e6));
        out.push_back(Json{
            {"kind", "PodMetrics"},
            {"apiVersion", "metrics.k8s.io/v1beta1"},
            {"metadata",
             {{"name", name},
              {"namespace", pod.ns},
              {"creationTimestamp", now},
              {"labels", object ? (*object)["metadata"].value("labels", Json::object()) : Json::object()}}},
            {"timestamp", now},
            {"window", "1s"},
            {"containers",
             Json::array({{{"name", "user-container"},
                           {"usage",
                            {{"cpu", std::to_string(nanocores) + "n"},
                             {"memory", std::to_string(*pod.memoryBytes / 1024) + "Ki"}}}}})}});
    }
    return out;
}

namespace {

struct PodCountsByState {
    int ready = 0;
    int notReady = 0;
    int pending = 0;
    int terminating = 0;
};

void renderAutoscaler(PrometheusText& text, const RevisionState& revision, const PodCountsByState& counts) {
    const MetricLabels labels{{"namespace_name", revision.ns},
                              {"service_name", revision.service},
                              {"configuration_name", revision.service},
                              {"revision_name", revision.name}};
    const auto gauge = [&](const char* name, const char* help, double value) {
        text.gauge(std::string("autoscaler_") + name, help, labels, value);
    };
    const bool concurrency = revision.scaling.metric == ScalingMetric::Concurrency;
    const ScaleDecision decision = revision.lastDecision.value_or(ScaleDecision{});
    gauge("desired_pods", "Number of pods the autoscaler wants", revision.paStatus.desiredScale);
    gauge("requested_pods", "Number of pods requested from the deployment", revision.replicas);
    gauge("actual_pods", "Number of pods that are ready", counts.ready);
    gauge("not_ready_pods", "Number of pods that are not ready", counts.notReady);
    gauge("pending_pods", "Number of pods that are pending", counts.pending);
    gauge("terminating_pods", "Number of pods that are terminating", counts.terminating);
    gauge("excess_burst_capacity", "Excess burst capacity observed over the stable window",
          decision.excessBurstCapacity);
    gauge("stable_request_concurrency", "Average of requests count per observed pod over the stable window",
          concurrency ? decision.stableValue : 0);
    gauge("panic_request_concurrency", "Average of requests count per observed pod over the panic window",
          concurrency ? decision.panicValue : 0);
    gauge("target_concurrency_per_pod", "The desired number of concurrent requests for each pod",
          concurrency ? revision.scaling.targetValue : 0);
    gauge("stable_requests_per_second", "Average requests-per-second over the stable window",
          concurrency ? 0 : decision.stableValue);
    gauge("panic_requests_per_second", "Average requests-per-second over the panic window",
          concurrency ? 0 : decision.panicValue);
    gauge("target_requests_per_second", "The desired requests-per-second for each pod",
          concurrency ? 0 : revision.scaling.targetValue);
    gauge("panic_mode", "1 if autoscaler is in panic mode, 0 otherwise", decision.panicMode ? 1 : 0);
    gauge("activator_in_path", "1 while the activator (the local gateway) is in the request path",
          revision.paStatus.activatorInPath ? 1 : 0);
}

void renderGateway(PrometheusText& text, const GatewayRevisionMetrics& metrics) {
    const RevisionRoute& route = metrics.route;
    MetricLabels labels{{"namespace_name", route.namespaceName},
                        {"service_name", route.service},
                        {"configuration_name", route.configuration},
                        {"revision_name", route.revision}};
    for (const auto& [code, count] : metrics.responsesByCode) {
        MetricLabels withCode = labels;
        withCode["response_code"] = std::to_string(code);
        withCode["response_code_class"] = std::to_string(code / 100) + "xx";
        text.counter("revision_request_count", "The number of requests routed to the revision", withCode,
                     static_cast<double>(count));
    }
    text.histogram("revision_request_latencies", "Request latency through the gateway in milliseconds", labels,
                   metrics.latencyBoundsMs, metrics.latencyBuckets, metrics.latencyOverflow, metrics.latencySumMs);
    text.gauge("revision_queue_depth", "Requests waiting in the queue-proxies", labels, metrics.queueProxyQueued);
    text.gauge("activator_request_queued", "Requests the activator holds for the revision", labels,
               metrics.activatorQueued);
    text.gauge("activator_request_concurrency", "Requests in flight through the gateway", labels, metrics.inFlight);
}

void renderBroker(PrometheusText& text, const BrokerMetrics& metrics) {
    MetricLabels labels{{"namespace_name", metrics.namespaceName}, {"broker_name", metrics.broker}};
    if (metrics.trigger.empty()) {
        text.counter("broker_events_accepted_total", "Events the broker ingress accepted", labels,
                     static_cast<double>(metrics.accepted));
        text.counter("broker_events_rejected_total", "Events the broker ingress rejected", labels,
                     static_cast<double>(metrics.rejected));
        return;
    }
    labels["trigger_name"] = metrics.trigger;
    text.counter("trigger_events_delivered_total", "Events delivered to the subscriber", labels,
                 static_cast<double>(metrics.delivered));
    text.counter("trigger_delivery_retries_total", "Delivery attempts after the first", labels,
                 static_cast<double>(metrics.retries));
    text.counter("trigger_events_dead_lettered_total", "Events sent to the dead-letter sink", labels,
                 static_cast<double>(metrics.deadLettered));
    text.counter("trigger_events_dropped_total", "Events dropped after the last retry", labels,
                 static_cast<double>(metrics.dropped));
}

} // namespace

std::string Controller::metricsText() const {
    const Impl& impl = *m_impl;
    PrometheusText text;
    for (const auto& [name, revision] : impl.revisions) {
        PodCountsByState counts;
        for (const std::string& podName : revision.pods) {
            const auto pod = impl.pods.find(podName);
            if (pod == impl.pods.end())
                continue;
            switch (pod->second.phase) {
            case PodPhase::Ready: ++counts.ready; break;
            case PodPhase::Starting: ++counts.pending; break;
            case PodPhase::Restarting: ++counts.notReady; break;
            case PodPhase::Terminating: ++counts.terminating; break;
            }
        }
        renderAutoscaler(text, revision, counts);
    }
    for (const GatewayRevisionMetrics& metrics : impl.gateway.metrics())
        renderGateway(text, metrics);
    for (const BrokerMetrics& metrics : impl.broker.metrics())
        renderBroker(text, metrics);
    return text.str();
}

} // namespace faaswb::localplatform
