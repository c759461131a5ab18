// KnativeAdapter: removal, cold starts, scale watch, pod metrics and spans (deploy is in knative_adapter.cpp).
#include "kube/knative.h"
#include "kube/quantity.h"
#include "platform/knative_adapter.h"
#include "platform/knative_scale_watch.h"
#include "trace/zipkin_json.h"

#include <algorithm>

namespace faaswb::platform {

namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr auto kPodPoll = milliseconds(100);
using kube::kCreatedByLabel;
using kube::kCreatedByValue;

// The items of a List answer; a malformed answer reads as an empty list rather than throwing.
json itemsOf(const json& list) {
    if (!list.is_object() || !list.contains("items") || !list["items"].is_array())
        return json::array();
    return list["items"];
}

std::int64_t epochMs(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<milliseconds>(time.time_since_epoch()).count();
}

PodMetricsSample podSample(const json& item, std::int64_t tMs) {
    PodMetricsSample sample;
    sample.tMs = tMs;
    sample.pod = kube::stringAtPath(item, {"metadata", "name"});
    double cpu = 0;
    double memory = 0;
    bool cpuKnown = false;
    bool memoryKnown = false;
    const json containers = item.is_object() ? item.value("containers", json::array()) : json::array();
    for (const auto& container : containers.is_array() ? containers : json::array()) {
        if (auto value = kube::cpuMillicores(kube::stringAtPath(container, {"usage", "cpu"})); value) {
            cpu += *value;
            cpuKnown = true;
        }
        if (auto value = kube::bytes(kube::stringAtPath(container, {"usage", "memory"})); value) {
            memory += *value;
            memoryKnown = true;
        }
    }
    if (cpuKnown)
        sample.cpuMillicores = cpu;
    if (memoryKnown)
        sample.memoryBytes = static_cast<std::int64_t>(memory);
    return sample;
}

// GET /api/v2/traces on the API server (the local platform serves Zipkin's query API beside the Kubernetes one).
class KubeZipkinTraceSource : public TraceSource {
public:
    explicit KubeZipkinTraceSource(kube::KubeClient client)
        : m_client(std::move(client)) {}

    Result<std::vector<trace::Span>> spans(const TimeWindow& window) override {
        const auto endMs = epochMs(window.to);
        const auto lookbackMs = std::max<std::int64_t>(0, endMs - epochMs(window.from));
        auto traces = m_client.get(kube::withQuery(
            "/api/v2/traces",
            {{"endTs", std::to_string(endMs)}, {"lookback", std::to_string(lookbackMs)}, {"limit", "100000"}}));
        if (!traces)
            return traces.error();
        if (!traces->is_array())
            return platformError("GET /api/v2/traces: expected a JSON array of traces");
        std::vector<trace::Span> out;
        for (std::size_t i = 0; i < traces->size(); ++i) {
            const auto& list = (*traces)[i];
            if (!list.is_array())
                return platformError("GET /api/v2/traces: trace " + std::to_string(i) + " is not an array");
            for (const auto& object : list) {
                auto span = trace::spanFromZipkinJson(object);
                if (!span)
                    return platformError("GET /api/v2/traces: trace " + std::to_string(i) + ": " +
                                         span.error().message);
                out.push_back(std::move(span).value());
            }
        }
        return out;
    }

    std::string describe() const override { return "zipkin " + m_client.context().cluster.server + "/api/v2"; }

private:
    kube::KubeClient m_client;
};

} // namespace

std::unique_ptr<TraceSource> kubeZipkinTraceSource(kube::KubeClient client) {
    return std::make_unique<KubeZipkinTraceSource>(std::move(client));
}

Result<int> KnativeAdapter::countPods(const std::string& selector, const CancellationToken& cancel) const {
    kube::ListOptions options;
    options.labelSelector = selector;
    kube::CallOptions call;
    call.cancel = &cancel;
    call.timeout = std::chrono::seconds(10);
    auto pods = m_client.list(podsPath(), options, call);
    if (!pods)
        return describeKubeFailure("list", "pods " + selector + " in " + ns(), pods.kubeError());
    return static_cast<int>(itemsOf(*pods).size());
}

Status KnativeAdapter::waitNoPods(const std::string& selector, milliseconds timeout, const CancellationToken& cancel,
                                  const std::string& what, const std::string& hint) {
    const auto deadline = SteadyClock::now() + timeout;
    while (true) {
        auto count = countPods(selector, cancel);
        if (!count)
            return count.error();
        if (*count == 0)
            return {};
        if (SteadyClock::now() >= deadline)
            return platformError(what + ": " + std::to_string(*count) + " pod(s) still there after " +
                                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                                 " s" + hint);
        if (cancel.waitFor(kPodPoll))
            return cancelled(what + " cancelled");
    }
}

// Deletes the Service only when it carries our label (a Deployment from an earlier process may not know).
Status KnativeAdapter::remove(const Deployment& deployment) {
    const std::string path = kube::knativeServicesPath(ns(), deployment.name);
    auto existing = m_client.get(path);
    if (existing.is(kube::StatusReason::NotFound))
        return {};
    if (!existing)
        return describeKubeFailure("read", objectName(deployment.name), existing.kubeError());
    if (kube::stringAtPath(*existing, {"metadata", "labels", kCreatedByLabel}) != kCreatedByValue)
        return {}; // not ours: keep it
    auto removed = m_client.remove(path);
    if (!removed && !removed.is(kube::StatusReason::NotFound))
        return describeKubeFailure("delete", objectName(deployment.name), removed.kubeError());
    CancellationToken never;
    return waitNoPods("serving.knative.dev/service=" + deployment.name, m_options.removeTimeout, never,
                      "removing " + objectName(deployment.name), "");
}

Status KnativeAdapter::forceColdStart(const Deployment& deployment, const CancellationToken& cancel) {
    // Knative scales to zero on its own schedule (stable window + grace period + retention); we wait for it.
    if (deployment.revision.empty())
        return platformError("cannot wait for a cold start of " + deployment.name + ": its revision is unknown");
    const std::string hint = m_options.coldStartWindow
                                 ? " (coldStartWindow is set; check the cluster's scale-to-zero settings)"
                                 : " (set the platform's coldStartWindow, e.g. 10s, so revisions scale to zero sooner"
                                   ", or raise coldStartTimeout)";
    return waitNoPods("serving.knative.dev/revision=" + deployment.revision, m_options.coldStartTimeout, cancel,
                      "waiting for revision " + deployment.revision + " to scale to zero", hint);
}

Result<std::unique_ptr<ScaleWatch>> KnativeAdapter::watchScale(const Deployment& deployment,
                                                               std::function<void(const ScaleSample&)> sink) {
    if (deployment.revision.empty())
        return platformError("cannot watch the scale of " + deployment.name + ": its revision is unknown");
    return std::unique_ptr<ScaleWatch>(
        std::make_unique<KnativeScaleWatch>(m_client, ns(), deployment.revision, std::move(sink)));
}

Result<std::vector<PodMetricsSample>> KnativeAdapter::podMetrics(const Deployment& deployment) {
    if (!m_options.podMetrics)
        return platformError(m_options.podMetricsMissing);
    kube::ListOptions options;
    options.labelSelector = "serving.knative.dev/revision=" + deployment.revision;
    // Sampled every second: a later answer is stale, and a hung API server must not hold up the cell's teardown,
    // which joins the sampler (a stopped local daemon kept it 30 s).
    kube::CallOptions call;
    call.timeout = std::chrono::seconds(2);
    auto list = m_client.list("/apis/metrics.k8s.io/v1beta1/namespaces/" + ns() + "/pods", options, call);
    if (!list)
        return describeKubeFailure("read", "pod metrics of " + deployment.revision, list.kubeError());
    const auto tMs = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - m_created).count();
    std::vector<PodMetricsSample> samples;
    for (const auto& item : itemsOf(*list))
        samples.push_back(podSample(item, tMs));
    return samples;
}

Result<std::vector<trace::Span>> KnativeAdapter::fetchSpans(const TimeWindow& window) {
    if (!m_options.traces)
        return platformError("platform '" + m_options.platformName +
                             "' has no trace source: set `zipkin:` (a Zipkin query URL) or `otlpReceiver:`");
    return m_options.traces->spans(window);
}

} // namespace faaswb::platform
