// KnativeAdapter: the Platform over Knative Serving through a kube::KubeClient, shared by the `knative` adapter (a
// cluster from a kubeconfig) and the `local` adapter (the local platform daemon is the same API). Private to
// core/platform. Methods are called from the runner thread; a ScaleWatch calls its sink from the watch's own thread.
#pragma once

#include "kube/client.h"
#include "localplatform/daemon.h"
#include "platform/platform.h"
#include "platform/trace_source.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace faaswb::platform {

struct KnativeAdapterOptions {
    std::string platformName;              // the experiment's key, for messages ("platform 'kind'")
    std::string namespaceName = "default"; // where Services live
    std::string cluster;                   // "context kind-faaswb (https://127.0.0.1:6443)", for messages
    // {benchmark}, {language} and {name} replaced; empty: FunctionSpec::image as it is.
    std::string imageTemplate;
    // The server resolves `local/...` and `local-path...` images (the local platform); elsewhere they are refused.
    bool localImages = false;
    // Deployment::url: status.address.url (the local gateway's path route) when set; else `ingress` + Host header
    // when `ingress` is set; else status.url.
    bool useAddressUrl = false;
    std::string ingress;
    std::chrono::milliseconds deployTimeout{std::chrono::seconds(120)};
    std::chrono::milliseconds coldStartTimeout{std::chrono::minutes(10)};
    std::chrono::milliseconds removeTimeout{std::chrono::seconds(60)};
    // autoscaling.knative.dev/window for revisions whose spec sets none (config coldStartWindow); unset: left alone.
    std::optional<std::chrono::milliseconds> coldStartWindow;
    bool podMetrics = true;        // metrics.k8s.io answers
    std::string podMetricsMissing; // why not, when podMetrics is false
    PlatformInfo info;             // what describe() answers, gathered once at creation
    // Owned for the adapter's lifetime. The daemon (local adapter with an embedded daemon) is destroyed last.
    std::unique_ptr<localplatform::LocalPlatformDaemon> daemon;
    std::unique_ptr<TraceSource> traces;    // null: Traces unsupported
    std::unique_ptr<Eventing> eventingImpl; // null: Eventing unsupported
    std::function<Status()> liveness;       // checkAlive(); null: cannot tell
};

class KnativeAdapter : public Platform {
public:
    KnativeAdapter(kube::KubeClient client, KnativeAdapterOptions options);
    ~KnativeAdapter() override;
    KnativeAdapter(const KnativeAdapter&) = delete;
    KnativeAdapter& operator=(const KnativeAdapter&) = delete;

    PlatformInfo describe() override { return m_options.info; }
    bool supports(Capability capability) const override;
    Result<Deployment> deploy(const FunctionSpec& spec, const CancellationToken& cancel) override;
    Status remove(const Deployment& deployment) override;
    Status forceColdStart(const Deployment& deployment, const CancellationToken& cancel) override;
    Result<std::unique_ptr<ScaleWatch>> watchScale(const Deployment& deployment,
                                                   std::function<void(const ScaleSample&)> sink) override;
    Result<std::vector<PodMetricsSample>> podMetrics(const Deployment& deployment) override;
    Result<std::vector<trace::Span>> fetchSpans(const TimeWindow& window) override;
    // Ready pods of the deployment's revision: http://127.0.0.1:<status.faaswb.port> on the local platform, else
    // http://<podIP>:<user-container port> (reachable from inside the cluster, where chain steps call each other).
    Result<std::vector<std::string>> instanceUrls(const Deployment& deployment) override;
    Eventing* eventing() override { return m_options.eventingImpl.get(); }
    Status checkAlive() override { return m_options.liveness ? m_options.liveness() : Status{}; }

    // The image a spec deploys with, or InvalidInput when it exists only on the local platform.
    Result<std::string> imageFor(const FunctionSpec& spec) const;
    nlohmann::json serviceManifest(const FunctionSpec& spec, const std::string& image) const;

private:
    const std::string& ns() const { return m_options.namespaceName; }
    std::string podsPath() const { return "/api/v1/namespaces/" + ns() + "/pods"; }
    std::string objectName(const std::string& name) const { return "Knative Service " + ns() + "/" + name; }
    kube::KubeResult<nlohmann::json> createOrUpdate(const nlohmann::json& manifest, const CancellationToken& cancel,
                                                    bool& createdByUs);
    Result<nlohmann::json> waitReady(const std::string& name, const CancellationToken& cancel);
    Result<Deployment> deploymentFrom(const std::string& name, const nlohmann::json& service, bool createdByUs) const;
    void noteMemoryEnforcement(Deployment& deployment, const nlohmann::json& service) const;
    Result<int> countPods(const std::string& selector, const CancellationToken& cancel) const;
    Status waitNoPods(const std::string& selector, std::chrono::milliseconds timeout, const CancellationToken& cancel,
                      const std::string& what, const std::string& hint);

    kube::KubeClient m_client;
    KnativeAdapterOptions m_options;
    const std::chrono::steady_clock::time_point m_created = std::chrono::steady_clock::now();
};

// A user-facing message for a failed call on `object` ("Knative Service bench/hello"): what was attempted, the
// server's answer, and what the user can do about 401/403/404/409/422/5xx.
Error describeKubeFailure(const std::string& action, const std::string& object, const kube::KubeError& error);

// The Zipkin v2 query API served by the API server itself (the local platform daemon), called through the client.
std::unique_ptr<TraceSource> kubeZipkinTraceSource(kube::KubeClient client);

} // namespace faaswb::platform
