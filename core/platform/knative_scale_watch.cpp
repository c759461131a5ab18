#include "platform/knative_scale_watch.h"

#include "kube/knative.h"

namespace faaswb::platform {

namespace {

constexpr auto kPollInterval = std::chrono::seconds(1);

std::optional<int> scaleField(const nlohmann::json& status, const char* field) {
    auto it = status.find(field);
    // A desired scale of -1 means "not decided yet" (platform-facts §1.5): unknown, not a count.
    if (it == status.end() || !it->is_number_integer() || it->get<int>() < 0)
        return std::nullopt;
    return it->get<int>();
}

std::string podName(const nlohmann::json& pod) {
    if (!pod.is_object() || !pod.contains("metadata") || !pod["metadata"].is_object())
        return {};
    const auto name = pod["metadata"].find("name");
    return name != pod["metadata"].end() && name->is_string() ? name->get<std::string>() : std::string();
}

bool sameCounts(const ScaleSample& a, const ScaleSample& b) {
    return a.desired == b.desired && a.actual == b.actual && a.ready == b.ready && a.pending == b.pending &&
           a.terminating == b.terminating && a.panic == b.panic;
}

} // namespace

KnativeScaleWatch::KnativeScaleWatch(kube::KubeClient client, std::string namespaceName, std::string revision,
                                     std::function<void(const ScaleSample&)> sink)
    : m_client(std::move(client))
    , m_namespace(std::move(namespaceName))
    , m_revision(std::move(revision))
    , m_sink(std::move(sink)) {
    m_thread = std::thread([this] { run(); });
    kube::WatchOptions options;
    options.path = "/api/v1/namespaces/" + m_namespace + "/pods";
    options.labelSelector = "serving.knative.dev/revision=" + m_revision;
    kube::WatchCallbacks callbacks;
    callbacks.onList = [this](const std::vector<nlohmann::json>& items) { podsListed(items); };
    callbacks.onEvent = [this](const kube::WatchEvent& event) { podEvent(event); };
    m_watcher = std::make_unique<kube::Watcher>(m_client, options, callbacks);
}

KnativeScaleWatch::~KnativeScaleWatch() {
    m_watcher->stop();
    m_stop.cancel();
    {
        std::lock_guard lock(m_mutex);
        m_wake.notify_all();
    }
    m_thread.join();
}

void KnativeScaleWatch::podsListed(const std::vector<nlohmann::json>& items) {
    std::lock_guard lock(m_mutex);
    m_pods.clear();
    for (const auto& pod : items)
        m_pods[podName(pod)] = pod;
    m_listed = true;
    m_podsChanged = true;
    m_wake.notify_all();
}

void KnativeScaleWatch::podEvent(const kube::WatchEvent& event) {
    if (!event.object.is_object())
        return;
    const std::string name = podName(event.object);
    std::lock_guard lock(m_mutex);
    if (event.type == kube::WatchEventType::Deleted)
        m_pods.erase(name);
    else if (event.type == kube::WatchEventType::Added || event.type == kube::WatchEventType::Modified)
        m_pods[name] = event.object;
    else
        return;
    m_podsChanged = true;
    m_wake.notify_all();
}

KnativeScaleWatch::AutoscalerStatus KnativeScaleWatch::pollAutoscaler() const {
    kube::CallOptions call;
    call.timeout = std::chrono::seconds(2);
    call.cancel = &m_stop;
    auto pa = m_client.get("/apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/" + m_namespace +
                               "/podautoscalers/" + m_revision,
                           call);
    AutoscalerStatus out;
    if (!pa || !pa->contains("status") || !(*pa)["status"].is_object())
        return out; // not created yet, or gone: the counts are unknown, not zero
    const auto& status = (*pa)["status"];
    out.desired = scaleField(status, "desiredScale");
    out.actual = scaleField(status, "actualScale");
    if (auto panic = status.find("panic"); panic != status.end() && panic->is_boolean())
        out.panic = panic->get<bool>();
    return out;
}

ScaleSample KnativeScaleWatch::sample(const AutoscalerStatus& autoscaler) {
    ScaleSample out;
    out.tMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_start).count();
    out.revision = m_revision;
    out.desired = autoscaler.desired;
    out.actual = autoscaler.actual;
    out.panic = autoscaler.panic;
    nlohmann::json pods = nlohmann::json::array();
    {
        std::lock_guard lock(m_mutex);
        for (const auto& [name, pod] : m_pods)
            pods.push_back(pod);
        m_podsChanged = false;
        if (!m_listed)
            return out; // before the first LIST the pod counts are unknown
    }
    const kube::PodCounts counts = kube::podCounts(pods);
    out.ready = counts.ready;
    out.pending = counts.pending;
    out.terminating = counts.terminating;
    return out;
}

void KnativeScaleWatch::run() {
    std::optional<ScaleSample> last;
    auto nextPoll = std::chrono::steady_clock::now();
    AutoscalerStatus autoscaler;
    while (!m_stop.isCancelled()) {
        const bool pollDue = std::chrono::steady_clock::now() >= nextPoll;
        if (pollDue) {
            autoscaler = pollAutoscaler();
            nextPoll = std::chrono::steady_clock::now() + kPollInterval;
        }
        if (m_stop.isCancelled())
            return;
        ScaleSample current = sample(autoscaler);
        // Every poll emits (the at-least-once-per-second heartbeat); pod events in between emit only changes.
        if (pollDue || !last || !sameCounts(current, *last)) {
            m_sink(current);
            last = std::move(current);
        }
        std::unique_lock lock(m_mutex);
        m_wake.wait_until(lock, nextPoll, [this] { return m_podsChanged || m_stop.isCancelled(); });
    }
}

} // namespace faaswb::platform
