#include "platform/local_platform.h"

#include "kube/client.h"
#include "kube/knative.h"
#include "kube/quantity.h"
#include "localplatform/sebs_function.h"
#include "platform/local_platform_watch.h"
#include "trace/zipkin_json.h"

#include <chrono>
#include <thread>

namespace faaswb::platform {

namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr auto kDeployTimeout = std::chrono::seconds(120);
constexpr auto kRemoveTimeout = std::chrono::seconds(30);
constexpr auto kColdStartTimeout = std::chrono::minutes(10);
constexpr auto kReadyPoll = milliseconds(75);
constexpr auto kPodPoll = milliseconds(100);
constexpr const char* kCreatedByLabel = "faaswb.dev/created-by";
constexpr const char* kCreatedByValue = "faas-workbench";

std::int64_t epochMs(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<milliseconds>(time.time_since_epoch()).count();
}

std::string stringAt(const json& object, std::initializer_list<const char*> path) {
    const json* node = &object;
    for (const char* key : path) {
        if (!node->is_object() || !node->contains(key))
            return {};
        node = &(*node)[key];
    }
    return node->is_string() ? node->get<std::string>() : std::string();
}

// "http://hello.default.example.com" -> "hello.default.example.com"
std::string hostOf(const std::string& url) {
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    return url.substr(start, url.find('/', start) - start);
}

// "RevisionMissing Revision ... is starting" from the Ready condition, for a timeout message; empty when absent.
std::string readyCondition(const json& resource) {
    if (!resource.is_object() || !resource.contains("status") || !resource["status"].is_object())
        return {};
    const json conditions = resource["status"].value("conditions", json::array());
    if (!conditions.is_array())
        return {};
    for (const auto& condition : conditions)
        if (stringAt(condition, {"type"}) == "Ready")
            return stringAt(condition, {"reason"}) + " " + stringAt(condition, {"message"});
    return {};
}

// The items of a List answer; a malformed answer reads as an empty list rather than throwing.
json itemsOf(const json& list) {
    if (!list.is_object() || !list.contains("items") || !list["items"].is_array())
        return json::array();
    return list["items"];
}

std::string imageOf(const FunctionSpec& spec) {
    return spec.image.empty() ? "local/" + spec.benchmark + ":" + spec.language : spec.image;
}

// A SeBS directory brings its own requirements.txt; a missing module would only show as an instance crashing in a
// restart loop until the deploy times out, so name the modules (and their Debian packages) before deploying.
Status checkSebsRequirements(const FunctionSpec& spec) {
    const auto dir = localplatform::localPathImageDir(imageOf(spec));
    if (!dir)
        return {};
    return localplatform::checkPythonRequirements(*dir);
}

class LocalPlatform : public Platform {
public:
    LocalPlatform(model::PlatformConfig config, std::unique_ptr<localplatform::LocalPlatformDaemon> daemon,
                  localplatform::DaemonState state, kube::KubeClient client, std::string version)
        : m_config(std::move(config))
        , m_daemon(std::move(daemon))
        , m_state(std::move(state))
        , m_client(std::move(client))
        , m_version(std::move(version)) {}

    PlatformInfo describe() override;
    bool supports(Capability) const override { return true; }
    Result<Deployment> deploy(const FunctionSpec& spec, const CancellationToken& cancel) override;
    Status remove(const Deployment& deployment) override;
    Status forceColdStart(const Deployment& deployment, const CancellationToken& cancel) override;
    Result<std::unique_ptr<ScaleWatch>> watchScale(const Deployment& deployment,
                                                   std::function<void(const ScaleSample&)> sink) override;
    Result<std::vector<PodMetricsSample>> podMetrics(const Deployment& deployment) override;
    Result<std::vector<trace::Span>> fetchSpans(const TimeWindow& window) override;

private:
    const std::string& ns() const { return m_config.namespaceName; }
    std::string podsPath() const { return "/api/v1/namespaces/" + ns() + "/pods"; }
    json serviceManifest(const FunctionSpec& spec) const;
    kube::KubeResult<json> createOrUpdate(const json& manifest, const CancellationToken& cancel, bool& createdByUs);
    Result<json> waitReady(const std::string& name, const CancellationToken& cancel);
    Result<Deployment> deploymentFrom(const std::string& name, const json& service, bool createdByUs) const;
    Result<int> countPods(const std::string& selector, const CancellationToken* cancel) const;
    Status waitNoPods(const std::string& selector, SteadyClock::duration timeout, const CancellationToken* cancel,
                      const std::string& what);

    model::PlatformConfig m_config;
    std::unique_ptr<localplatform::LocalPlatformDaemon> m_daemon; // null when connected to a running daemon
    localplatform::DaemonState m_state;
    kube::KubeClient m_client;
    std::string m_version;
    SteadyClock::time_point m_created = SteadyClock::now();
};

PlatformInfo LocalPlatform::describe() {
    PlatformInfo info;
    info.kind = "local";
    info.version = m_version;
    info.nodes = 1;
    info.details = {{"name", m_config.name}, {"apiUrl", m_state.apiUrl},        {"ingressUrl", m_state.ingressUrl},
                    {"namespace", ns()},     {"embedded", m_daemon != nullptr}, {"autoscaler", m_config.autoscaler}};
    if (!m_daemon)
        info.details["stateDir"] = m_state.stateDir;
    return info;
}

json LocalPlatform::serviceManifest(const FunctionSpec& spec) const {
    kube::KnativeServiceSpec service;
    service.name = spec.name;
    service.namespaceName = ns();
    service.image = imageOf(spec);
    for (const auto& [name, value] : spec.env)
        service.env.emplace_back(name, value);
    service.containerConcurrency = spec.containerConcurrency;
    service.timeoutSeconds = spec.timeoutSeconds;
    if (spec.memory)
        service.resourceLimits["memory"] = *spec.memory;
    service.annotations = spec.annotations;
    service.labels[kCreatedByLabel] = kCreatedByValue;
    return kube::knativeService(service);
}

// Creates the Service; when one of that name exists, merges our manifest into it (a new revision when the template
// changed). Only a Service carrying our label counts as ours, so teardown never deletes someone else's.
kube::KubeResult<json> LocalPlatform::createOrUpdate(const json& manifest, const CancellationToken& cancel,
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
    createdByUs = stringAt(*existing, {"metadata", "labels", kCreatedByLabel}) == kCreatedByValue;
    json patch = manifest;
    if (!createdByUs)
        patch["metadata"].erase("labels"); // do not claim a Service we did not create
    return m_client.patch(kube::knativeServicesPath(ns(), name), patch, {}, call);
}

Result<json> LocalPlatform::waitReady(const std::string& name, const CancellationToken& cancel) {
    const auto deadline = SteadyClock::now() + kDeployTimeout;
    kube::CallOptions call;
    call.cancel = &cancel;
    call.timeout = std::chrono::seconds(10);
    std::string lastProblem = "no status yet";
    while (true) {
        if (cancel.isCancelled())
            return cancelled("deploy of " + name + " cancelled");
        auto service = m_client.get(kube::knativeServicesPath(ns(), name), call);
        if (service) {
            if (kube::isReady(*service))
                return std::move(service).value();
            if (auto failure = kube::failedCondition(*service))
                return platformError("service " + name + " failed: " + failure->reason + ": " + failure->message);
            if (auto ready = readyCondition(*service); !ready.empty())
                lastProblem = ready;
        } else if (service.error().code == ErrorCode::Cancelled) {
            return service.error();
        } else {
            lastProblem = service.error().message;
        }
        if (SteadyClock::now() >= deadline)
            return platformError(
                "service " + name + " was not ready within " +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kDeployTimeout).count()) +
                " s (last: " + lastProblem + ")");
        if (cancel.waitFor(kReadyPoll))
            return cancelled("deploy of " + name + " cancelled");
    }
}

Result<Deployment> LocalPlatform::deploymentFrom(const std::string& name, const json& service, bool createdByUs) const {
    Deployment deployment;
    deployment.name = name;
    deployment.revision = stringAt(service, {"status", "latestReadyRevisionName"});
    deployment.createdByUs = createdByUs;
    deployment.url = stringAt(service, {"status", "address", "url"});
    if (deployment.url.empty()) {
        // Without the gateway's path route, send to the ingress with the Service's host, as Knative routes.
        const std::string url = stringAt(service, {"status", "url"});
        if (url.empty())
            return platformError("service " + name + " is ready but has neither status.address.url nor status.url");
        deployment.url = m_state.ingressUrl + "/";
        deployment.headers.emplace_back("Host", hostOf(url));
    }
    return deployment;
}

Result<Deployment> LocalPlatform::deploy(const FunctionSpec& spec, const CancellationToken& cancel) {
    if (auto requirements = checkSebsRequirements(spec); !requirements)
        return Error{requirements.error().code, "cannot deploy " + spec.name + ": " + requirements.error().message};
    bool createdByUs = false;
    auto applied = createOrUpdate(serviceManifest(spec), cancel, createdByUs);
    if (!applied)
        return Error{applied.error().code, "cannot deploy " + spec.name + ": " + applied.error().message};
    auto ready = waitReady(spec.name, cancel);
    if (!ready)
        return ready.error();
    return deploymentFrom(spec.name, *ready, createdByUs);
}

Result<int> LocalPlatform::countPods(const std::string& selector, const CancellationToken* cancel) const {
    kube::ListOptions options;
    options.labelSelector = selector;
    kube::CallOptions call;
    call.cancel = cancel;
    call.timeout = std::chrono::seconds(10);
    auto pods = m_client.list(podsPath(), options, call);
    if (!pods)
        return pods.error();
    return static_cast<int>(itemsOf(*pods).size());
}

Status LocalPlatform::waitNoPods(const std::string& selector, SteadyClock::duration timeout,
                                 const CancellationToken* cancel, const std::string& what) {
    const auto deadline = SteadyClock::now() + timeout;
    CancellationToken never;
    const CancellationToken& token = cancel ? *cancel : never;
    while (true) {
        auto count = countPods(selector, &token);
        if (!count)
            return count.error();
        if (*count == 0)
            return {};
        if (SteadyClock::now() >= deadline)
            return platformError(what + ": " + std::to_string(*count) + " pod(s) still running after " +
                                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                                 " s");
        if (token.waitFor(kPodPoll))
            return cancelled(what + " cancelled");
    }
}

Status LocalPlatform::remove(const Deployment& deployment) {
    auto removed = m_client.remove(kube::knativeServicesPath(ns(), deployment.name));
    if (!removed && !removed.is(kube::StatusReason::NotFound))
        return removed.error();
    return waitNoPods("serving.knative.dev/service=" + deployment.name, kRemoveTimeout, nullptr,
                      "removing " + deployment.name);
}

Status LocalPlatform::forceColdStart(const Deployment& deployment, const CancellationToken& cancel) {
    // The local platform scales to zero on its own schedule (stable window + grace period); we wait for it.
    if (deployment.revision.empty())
        return platformError("cannot wait for a cold start of " + deployment.name + ": its revision is unknown");
    return waitNoPods("serving.knative.dev/revision=" + deployment.revision, kColdStartTimeout, &cancel,
                      "waiting for " + deployment.revision + " to scale to zero");
}

Result<std::unique_ptr<ScaleWatch>> LocalPlatform::watchScale(const Deployment& deployment,
                                                              std::function<void(const ScaleSample&)> sink) {
    if (deployment.revision.empty())
        return platformError("cannot watch the scale of " + deployment.name + ": its revision is unknown");
    return std::unique_ptr<ScaleWatch>(
        std::make_unique<LocalScaleWatch>(m_client, ns(), deployment.revision, std::move(sink)));
}

Result<std::vector<PodMetricsSample>> LocalPlatform::podMetrics(const Deployment& deployment) {
    kube::ListOptions options;
    options.labelSelector = "serving.knative.dev/revision=" + deployment.revision;
    auto list = m_client.list("/apis/metrics.k8s.io/v1beta1/namespaces/" + ns() + "/pods", options);
    if (!list)
        return list.error();
    const auto tMs = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - m_created).count();
    std::vector<PodMetricsSample> samples;
    for (const auto& item : itemsOf(*list)) {
        PodMetricsSample sample;
        sample.tMs = tMs;
        sample.pod = stringAt(item, {"metadata", "name"});
        double cpu = 0;
        double memory = 0;
        bool cpuKnown = false;
        bool memoryKnown = false;
        const json containers = item.is_object() ? item.value("containers", json::array()) : json::array();
        for (const auto& container : containers.is_array() ? containers : json::array()) {
            if (auto value = kube::cpuMillicores(stringAt(container, {"usage", "cpu"})); value) {
                cpu += *value;
                cpuKnown = true;
            }
            if (auto value = kube::bytes(stringAt(container, {"usage", "memory"})); value) {
                memory += *value;
                memoryKnown = true;
            }
        }
        if (cpuKnown)
            sample.cpuMillicores = cpu;
        if (memoryKnown)
            sample.memoryBytes = static_cast<std::int64_t>(memory);
        samples.push_back(std::move(sample));
    }
    return samples;
}

Result<std::vector<trace::Span>> LocalPlatform::fetchSpans(const TimeWindow& window) {
    const auto endMs = epochMs(window.to);
    const auto lookbackMs = std::max<std::int64_t>(0, endMs - epochMs(window.from));
    auto traces = m_client.get(kube::withQuery(
        "/api/v2/traces",
        {{"endTs", std::to_string(endMs)}, {"lookback", std::to_string(lookbackMs)}, {"limit", "100000"}}));
    if (!traces)
        return traces.error();
    if (!traces->is_array())
        return platformError("GET /api/v2/traces: expected a JSON array of traces");
    std::vector<trace::Span> spans;
    for (std::size_t i = 0; i < traces->size(); ++i) {
        const auto& list = (*traces)[i];
        if (!list.is_array())
            return platformError("GET /api/v2/traces: trace " + std::to_string(i) + " is not an array");
        for (const auto& object : list) {
            auto span = trace::spanFromZipkinJson(object);
            if (!span)
                return platformError("GET /api/v2/traces: trace " + std::to_string(i) + ": " + span.error().message);
            spans.push_back(std::move(span).value());
        }
    }
    return spans;
}

Result<localplatform::DaemonState> connect(const model::PlatformConfig& config, localplatform::DaemonOptions& options,
                                           std::unique_ptr<localplatform::LocalPlatformDaemon>& daemon) {
    if (!config.stateDir.empty())
        return localplatform::readDaemonState(config.stateDir);
    auto autoscaler = localplatform::autoscalerDefaultsFromMap(config.autoscaler);
    if (!autoscaler)
        return invalidInput("platform '" + config.name + "': autoscaler: " + autoscaler.error().message);
    options.autoscaler = *autoscaler;
    auto started = localplatform::LocalPlatformDaemon::start(std::move(options));
    if (!started)
        return platformError("cannot start the local platform: " + started.error().message);
    daemon = std::move(started).value();
    return daemon->state();
}

} // namespace

Result<std::unique_ptr<Platform>> createLocalPlatform(const model::PlatformConfig& config) {
    // A named value: GCC 12 -O2 misreports the temporary's strings as maybe-uninitialized.
    localplatform::DaemonOptions defaults;
    return createLocalPlatform(config, std::move(defaults));
}

Result<std::unique_ptr<Platform>> createLocalPlatform(const model::PlatformConfig& config,
                                                      localplatform::DaemonOptions options) {
    std::unique_ptr<localplatform::LocalPlatformDaemon> daemon;
    auto state = connect(config, options, daemon);
    if (!state)
        return state.error();
    auto client = kube::KubeClient::fromKubeconfig(state->kubeconfigPath);
    if (!client)
        return platformError("local platform kubeconfig " + state->kubeconfigPath + ": " + client.error().message);
    kube::CallOptions call;
    call.timeout = std::chrono::seconds(5);
    auto version = client->version(call);
    if (!version)
        return platformError("the local platform at " + state->apiUrl + " does not answer: " + version.error().message);
    return std::unique_ptr<Platform>(std::make_unique<LocalPlatform>(
        config, std::move(daemon), std::move(*state), std::move(*client), stringAt(*version, {"gitVersion"})));
}

} // namespace faaswb::platform
