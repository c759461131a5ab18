#include "platform/knative_adapter.h"

#include "kube/knative.h"
#include "localplatform/sebs_function.h"

namespace faaswb::platform {

namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr auto kReadyPoll = milliseconds(100);
using kube::kCreatedByLabel;
using kube::kCreatedByValue;
constexpr const char* kWindowAnnotation = "autoscaling.knative.dev/window";

std::string seconds(milliseconds duration) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) + " s";
}

// A Go duration for an annotation: "6s", or "1500ms" when not whole seconds.
std::string goDuration(milliseconds duration) {
    if (duration.count() % 1000 == 0)
        return std::to_string(duration.count() / 1000) + "s";
    return std::to_string(duration.count()) + "ms";
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

// The Ready condition as "status reason: message", for a timeout message; empty when absent.
std::string readyCondition(const json& resource) {
    if (!resource.is_object() || !resource.contains("status") || !resource["status"].is_object())
        return {};
    const json conditions = resource["status"].value("conditions", json::array());
    if (!conditions.is_array())
        return {};
    for (const auto& condition : conditions)
        if (kube::stringAtPath(condition, {"type"}) == "Ready")
            return "Ready=" + kube::stringAtPath(condition, {"status"}) + " " +
                   kube::stringAtPath(condition, {"reason"}) + ": " + kube::stringAtPath(condition, {"message"});
    return {};
}

bool staleStatus(const json& resource) {
    const auto generation = resource.value(json::json_pointer("/metadata/generation"), json());
    const auto observed = resource.value(json::json_pointer("/status/observedGeneration"), json());
    return generation.is_number() && (!observed.is_number() || observed != generation);
}

std::string hintFor(const kube::KubeError& error) {
    switch (error.status.kind()) {
    case kube::StatusReason::Unauthorized:
        return " (the kubeconfig's credentials were rejected: refresh them, e.g. log in again)";
    case kube::StatusReason::Forbidden:
        return " (the kubeconfig user lacks RBAC permission for it in this namespace)";
    case kube::StatusReason::NotFound:
        return " (is Knative Serving installed, and does the namespace exist?)";
    case kube::StatusReason::Conflict:
    case kube::StatusReason::AlreadyExists:
        return " (someone else changed it at the same time: retry)";
    case kube::StatusReason::Invalid:
        return " (the cluster rejected the manifest: check the benchmark's settings)";
    case kube::StatusReason::InternalError:
    case kube::StatusReason::ServiceUnavailable:
        return " (the API server or a Knative webhook failed: check the cluster's health and retry)";
    default:
        return {};
    }
}

} // namespace

Error describeKubeFailure(const std::string& action, const std::string& object, const kube::KubeError& error) {
    if (error.error.code == ErrorCode::Cancelled)
        return error.error;
    return Error{error.error.code, "cannot " + action + " " + object + ": " + error.error.message + hintFor(error)};
}

KnativeAdapter::KnativeAdapter(kube::KubeClient client, KnativeAdapterOptions options)
    : m_client(std::move(client))
    , m_options(std::move(options)) {}

// Members that use the daemon (eventing, traces) go first; the daemon, which serves them, last.
KnativeAdapter::~KnativeAdapter() {
    m_options.eventingImpl.reset();
    m_options.traces.reset();
    m_options.daemon.reset();
}

bool KnativeAdapter::supports(Capability capability) const {
    switch (capability) {
    case Capability::PodMetrics:
        return m_options.podMetrics;
    case Capability::Traces:
        return m_options.traces != nullptr;
    case Capability::Eventing:
        return m_options.eventingImpl != nullptr;
    default:
        return true;
    }
}

Result<std::string> KnativeAdapter::imageFor(const FunctionSpec& spec) const {
    if (!m_options.imageTemplate.empty()) {
        std::string image = m_options.imageTemplate;
        replaceAll(image, "{benchmark}", spec.benchmark);
        replaceAll(image, "{language}", spec.language);
        replaceAll(image, "{name}", spec.name);
        return image;
    }
    const std::string image = spec.image.empty() ? "local/" + spec.benchmark + ":" + spec.language : spec.image;
    const bool local = image.rfind("local/", 0) == 0 || image.rfind("local-path", 0) == 0;
    if (local && !m_options.localImages)
        return invalidInput("platform '" + m_options.platformName + "': the image " + image + " of " + spec.name +
                            " exists only on the local platform; set `images:` on the platform (e.g. "
                            "\"ghcr.io/you/faaswb-{benchmark}:{language}\") to images the cluster can pull");
    return image;
}

json KnativeAdapter::serviceManifest(const FunctionSpec& spec, const std::string& image) const {
    kube::KnativeServiceSpec service;
    service.name = spec.name;
    service.namespaceName = ns();
    service.image = image;
    for (const auto& [name, value] : spec.env)
        service.env.emplace_back(name, value);
    service.containerConcurrency = spec.containerConcurrency;
    service.timeoutSeconds = spec.timeoutSeconds;
    if (spec.memory)
        service.resourceLimits["memory"] = *spec.memory;
    service.annotations = spec.annotations;
    if (m_options.coldStartWindow && !service.annotations.count(kWindowAnnotation))
        service.annotations[kWindowAnnotation] = goDuration(*m_options.coldStartWindow);
    service.labels[kCreatedByLabel] = kCreatedByValue;
    return kube::knativeService(service);
}

// Creates the Service; when one of that name exists, merges our manifest into it (a new revision when the template
// changed). Only a Service carrying our label counts as ours, so teardown never deletes someone else's.
kube::KubeResult<json> KnativeAdapter::createOrUpdate(const json& manifest, const CancellationToken& cancel,
                                                      bool& createdByUs) {
    kube::CallOptions call;
    call.cancel = &cancel;
    const std::string name = manifest["metadata"]["name"].get<std::string>();
    auto created = m_client.create(kube::knativeServicesPath(ns()), manifest, call);
    createdByUs = true;
    if (!created.is(kube::StatusReason::AlreadyExists))
        return created;
    auto existing = m_client.get(kube::knativeServicesPath(ns(), name), call);
    if (!existing)
        return existing;
    createdByUs = kube::stringAtPath(*existing, {"metadata", "labels", kCreatedByLabel}) == kCreatedByValue;
    json patch = manifest;
    if (!createdByUs)
        patch["metadata"].erase("labels"); // do not claim a Service we did not create
    return m_client.patch(kube::knativeServicesPath(ns(), name), patch, {}, call);
}

Result<json> KnativeAdapter::waitReady(const std::string& name, const CancellationToken& cancel) {
    const auto deadline = SteadyClock::now() + m_options.deployTimeout;
    kube::CallOptions call;
    call.cancel = &cancel;
    call.timeout = std::chrono::seconds(10);
    std::string last = "no status yet";
    while (true) {
        if (cancel.isCancelled())
            return cancelled("deploy of " + name + " cancelled");
        auto service = m_client.get(kube::knativeServicesPath(ns(), name), call);
        if (service) {
            if (kube::isReady(*service))
                return std::move(service).value();
            if (auto failure = kube::failedCondition(*service))
                return platformError(objectName(name) + " failed: " + failure->reason + ": " + failure->message);
            if (auto ready = readyCondition(*service); !ready.empty())
                last = ready + (staleStatus(*service) ? " (status of an older generation)" : "");
        } else if (service.error().code == ErrorCode::Cancelled) {
            return service.error();
        } else {
            last = service.error().message;
        }
        if (SteadyClock::now() >= deadline)
            return platformError(objectName(name) + " was not ready within " + seconds(m_options.deployTimeout) +
                                 " (last: " + last + "); raise the platform's deployTimeout if it is just slow");
        if (cancel.waitFor(kReadyPoll))
            return cancelled("deploy of " + name + " cancelled");
    }
}

namespace {

// Knative's placeholder domain and cluster-local names never resolve outside the cluster; every request would fail
// with a DNS error, so say so at deploy time. (No lookup: tests and air-gapped machines must not touch DNS.)
std::optional<std::string> unroutableHost(const std::string& host) {
    const std::string name = host.substr(0, host.find(':'));
    auto endsWith = [&](std::string_view suffix) { return name.ends_with(suffix); };
    if (endsWith(".example.com"))
        return "example.com is Knative's placeholder domain, which no DNS resolves";
    if (endsWith(".svc.cluster.local") || endsWith(".svc"))
        return "cluster-local names resolve only inside the cluster";
    return std::nullopt;
}

} // namespace

Result<Deployment> KnativeAdapter::deploymentFrom(const std::string& name, const json& service,
                                                  bool createdByUs) const {
    Deployment deployment;
    deployment.name = name;
    deployment.revision = kube::stringAtPath(service, {"status", "latestReadyRevisionName"});
    deployment.createdByUs = createdByUs;
    if (m_options.useAddressUrl)
        deployment.url = kube::stringAtPath(service, {"status", "address", "url"});
    if (!deployment.url.empty())
        return deployment;
    const std::string url = kube::stringAtPath(service, {"status", "url"});
    if (url.empty())
        return platformError(objectName(name) + " is ready but has no status.url");
    if (m_options.ingress.empty()) {
        if (auto problem = unroutableHost(kube::urlHost(url)))
            return platformError(objectName(name) + " is Ready at " + url + ", but " + *problem +
                                 ": set `ingress:` on platform '" + m_options.platformName +
                                 "' to your ingress's address (requests then carry Host: " + kube::urlHost(url) +
                                 "), or give Knative a real domain (config-domain)");
        deployment.url = url;
        return deployment;
    }
    // Without DNS for the Service, send to the ingress with the Service's host, as Knative routes.
    deployment.url = m_options.ingress + (m_options.ingress.back() == '/' ? "" : "/");
    deployment.headers.emplace_back("Host", kube::urlHost(url));
    return deployment;
}

Result<Deployment> KnativeAdapter::deploy(const FunctionSpec& spec, const CancellationToken& cancel) {
    auto image = imageFor(spec);
    if (!image)
        return image.error();
    if (m_options.localImages)
        if (auto dir = localplatform::localPathImageDir(*image))
            if (auto requirements = localplatform::checkPythonRequirements(*dir); !requirements)
                return Error{requirements.error().code,
                             "cannot deploy " + spec.name + ": " + requirements.error().message};
    bool createdByUs = false;
    auto applied = createOrUpdate(serviceManifest(spec, *image), cancel, createdByUs);
    if (!applied)
        return describeKubeFailure("deploy", objectName(spec.name), applied.kubeError());
    auto ready = waitReady(spec.name, cancel);
    if (!ready)
        return ready.error();
    auto deployment = deploymentFrom(spec.name, *ready, createdByUs);
    if (deployment && spec.memory)
        noteMemoryEnforcement(*deployment, *ready);
    return deployment;
}

// The local platform says on the Service's status whether it could enforce the memory limit (cgroup v2); a real
// cluster's kubelet always enforces container limits.
void KnativeAdapter::noteMemoryEnforcement(Deployment& deployment, const json& service) const {
    const std::string verdict = kube::stringAtPath(service, {"status", "annotations", "faaswb.dev/memory-limit"});
    if (!verdict.empty()) {
        deployment.memoryEnforced = verdict.starts_with("enforced");
        deployment.memoryNote = verdict;
    } else if (!m_options.localImages) {
        deployment.memoryEnforced = true;
        deployment.memoryNote = "enforced by the kubelet (container memory limit)";
    }
}

} // namespace faaswb::platform
