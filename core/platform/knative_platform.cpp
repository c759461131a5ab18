#include "platform/knative_platform.h"

#include "kube/kubeconfig.h"
#include "platform/knative_adapter.h"
#include "platform/knative_environment.h"
#include "platform/knative_eventing.h"

namespace faaswb::platform {

namespace {

using std::chrono::milliseconds;

milliseconds orDefault(const std::optional<model::Nanos>& value, milliseconds fallback) {
    return value ? std::chrono::duration_cast<milliseconds>(*value) : fallback;
}

struct ClusterAccess {
    kube::KubeContext context;
    std::string kubeconfigPath;
    std::string tlsSkippedBy; // "kubeconfig" | "platform config"; empty when TLS is verified
};

Result<ClusterAccess> loadAccess(const model::PlatformConfig& config) {
    ClusterAccess access;
    access.kubeconfigPath = config.kubeconfig.empty() ? kube::defaultKubeconfigPath() : config.kubeconfig;
    const std::string where = "platform '" + config.name + "': kubeconfig " + access.kubeconfigPath;
    auto kubeconfig = kube::Kubeconfig::load(access.kubeconfigPath);
    if (!kubeconfig)
        return Error{kubeconfig.error().code, where + ": " + kubeconfig.error().message};
    auto context = kubeconfig->context(config.context);
    if (!context)
        return Error{context.error().code,
                     where + ", context '" + (config.context.empty() ? kubeconfig->currentContext() : config.context) +
                         "': " + context.error().message};
    access.context = std::move(context).value();
    if (access.context.cluster.insecureSkipTlsVerify)
        access.tlsSkippedBy = "kubeconfig";
    else if (config.insecureSkipTlsVerify)
        access.tlsSkippedBy = "platform config";
    access.context.cluster.insecureSkipTlsVerify = !access.tlsSkippedBy.empty();
    return access;
}

std::string clusterName(const kube::KubeContext& context) {
    return "context " + context.name + " (" + context.cluster.server + ")";
}

Result<std::unique_ptr<TraceSource>> traceSource(const model::PlatformConfig& config, bool verifyTls) {
    const std::string where = "platform '" + config.name + "': ";
    if (!config.otlpReceiver.empty()) {
        auto receiver = OtlpReceiver::start(config.otlpReceiver);
        if (!receiver)
            return Error{receiver.error().code, where + "otlpReceiver: " + receiver.error().message};
        return std::unique_ptr<TraceSource>(std::move(receiver).value());
    }
    if (config.zipkin.empty())
        return std::unique_ptr<TraceSource>();
    ZipkinQueryOptions options;
    options.verifyTls = verifyTls;
    auto zipkin = zipkinTraceSource(config.zipkin, options);
    if (!zipkin)
        return Error{zipkin.error().code, where + "zipkin: " + zipkin.error().message};
    return std::move(zipkin).value();
}

PlatformInfo describeCluster(const model::PlatformConfig& config, const ClusterAccess& access,
                             const ClusterEnvironment& environment, const KnativeAdapterOptions& options) {
    PlatformInfo info;
    info.kind = "knative";
    info.version = environment.kubernetesVersion;
    info.nodes = environment.nodes;
    info.details = {
        {"name", config.name},
        {"kubeconfig", access.kubeconfigPath},
        {"context", access.context.name},
        {"server", access.context.cluster.server},
        {"namespace", options.namespaceName},
        {"tlsVerify", access.tlsSkippedBy.empty()},
        {"cluster", environment.toJson()},
        {"ingress", options.ingress.empty() ? nlohmann::json() : nlohmann::json(options.ingress)},
        {"images", options.imageTemplate.empty() ? nlohmann::json() : nlohmann::json(options.imageTemplate)},
        {"traces", options.traces ? nlohmann::json(options.traces->describe()) : nlohmann::json()}};
    if (!access.tlsSkippedBy.empty())
        info.details["tlsSkipVerifyBy"] = access.tlsSkippedBy;
    if (options.coldStartWindow)
        info.details["coldStartWindowMs"] = options.coldStartWindow->count();
    return info;
}

KnativeAdapterOptions adapterOptions(const model::PlatformConfig& config, const kube::KubeContext& context) {
    KnativeAdapterOptions options;
    options.platformName = config.name;
    // The reader leaves the namespace empty when the platform names none: then the context's namespace applies.
    options.namespaceName = !config.namespaceName.empty() ? config.namespaceName : context.namespaceName;
    options.cluster = clusterName(context);
    options.imageTemplate = config.images;
    options.ingress = config.ingress;
    options.deployTimeout = orDefault(config.deployTimeout, options.deployTimeout);
    options.coldStartTimeout = orDefault(config.coldStartTimeout, options.coldStartTimeout);
    if (config.coldStartWindow)
        options.coldStartWindow = std::chrono::duration_cast<milliseconds>(*config.coldStartWindow);
    return options;
}

} // namespace

Result<std::unique_ptr<Platform>> createKnativePlatform(const model::PlatformConfig& config) {
    auto access = loadAccess(config);
    if (!access)
        return access.error();
    auto client = kube::KubeClient::fromContext(access->context);
    if (!client)
        return Error{client.error().code, "platform '" + config.name + "': " + client.error().message};
    auto environment = discoverClusterEnvironment(*client);
    if (!environment)
        return platformError("platform '" + config.name + "': the API server of " + clusterName(access->context) +
                             " in " + access->kubeconfigPath + " cannot be used: " + environment.error().message);
    KnativeAdapterOptions options = adapterOptions(config, access->context);
    options.podMetrics = environment->metricsServer;
    options.podMetricsMissing = "metrics-server not installed on " + options.cluster;
    auto traces = traceSource(config, access->tlsSkippedBy.empty());
    if (!traces)
        return traces.error();
    options.traces = std::move(traces).value();
    KnativeEventingOptions eventing;
    eventing.namespaceName = options.namespaceName;
    eventing.brokerIngress = config.brokerIngress;
    eventing.readyTimeout = options.deployTimeout;
    options.eventingImpl = makeKnativeEventing(*client, eventing);
    options.info = describeCluster(config, *access, *environment, options);
    return std::unique_ptr<Platform>(std::make_unique<KnativeAdapter>(std::move(*client), std::move(options)));
}

} // namespace faaswb::platform
