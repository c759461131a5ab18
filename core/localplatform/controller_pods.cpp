// Instances ("pods") of revisions and the autoscaler loop that sizes them.
#include "localplatform/controller_impl.h"

#include <algorithm>
#include <random>

namespace faaswb::localplatform {
namespace {

std::string randomSuffix() {
    static thread_local std::mt19937 engine{std::random_device{}()};
    static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789"; // Kubernetes' generateName alphabet
    std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
    std::string suffix(5, 'x');
    for (char& c : suffix)
        c = kAlphabet[pick(engine)];
    return suffix;
}

const char* phaseName(PodPhase phase) {
    return phase == PodPhase::Starting ? "Pending" : "Running";
}

} // namespace

void Controller::Impl::startPod(RevisionState& revision) {
    std::string name;
    do
        name = revision.name + "-deployment-" + randomSuffix();
    while (pods.contains(name));
    Json env = Json::array();
    std::vector<std::pair<std::string, std::string>> processEnv;
    for (const auto& [key, value] : revision.tmpl.env) {
        env.push_back({{"name", key}, {"value", value}});
        processEnv.emplace_back(key, value);
    }
    for (auto& [key, value] : bindingEnv(revision.ns, revision.service)) {
        env.push_back({{"name", key}, {"value", value}});
        processEnv.emplace_back(std::move(key), std::move(value));
    }
    // What a Knative pod gets: the revision's identity, and here also where to send spans.
    processEnv.emplace_back("K_SERVICE", revision.service);
    processEnv.emplace_back("K_CONFIGURATION", revision.service);
    processEnv.emplace_back("K_REVISION", revision.name);
    if (!config.zipkinUrl.empty())
        processEnv.emplace_back("ZIPKIN_ENDPOINT", config.zipkinUrl);
    Json labels{{"serving.knative.dev/service", revision.service},
                {"serving.knative.dev/configuration", revision.service},
                {"serving.knative.dev/configurationGeneration", std::to_string(revision.generation)},
                {"serving.knative.dev/revision", revision.name},
                {"app", revision.name}};
    Json object{
        {"metadata", {{"name", name}, {"labels", labels}}},
        {"spec",
         {{"containers", Json::array({{{"name", "user-container"}, {"image", revision.tmpl.image}, {"env", env}},
                                      {{"name", "queue-proxy"}, {"image", "local/queue-proxy"}}})},
          {"nodeName", "local"}}},
        {"status", {{"phase", "Pending"}}}};
    (void)store.create(resource("pods"), revision.ns, object);

    PodState& pod = pods[name];
    pod.name = name;
    pod.ns = revision.ns;
    pod.revision = revision.name;
    pod.createdAt = Clock::now();
    revision.pods.insert(name);
    writePodStatus(pod, "ContainerCreating");
    InstanceSpec spec{name, revision.command, std::move(processEnv), config.stateDir + "/logs/" + name + ".log",
                      revision.tmpl.memoryLimitBytes};
    if (auto started = supervisor->start(std::move(spec)); !started)
        onInstanceFailedLater(name, started.error().message);
}

void Controller::Impl::onInstanceFailedLater(const std::string& name, const std::string& reason) {
    // Reported from start() itself: defer so the caller's loop over pods is not disturbed.
    boost::asio::post(io, [this, name, reason] {
        if (pods.contains(name))
            handleFailed(name, reason);
    });
}

void Controller::Impl::reconcilePods(RevisionState& revision) {
    if (stopping)
        return;
    std::vector<PodState*> active;
    for (const std::string& name : revision.pods)
        if (auto it = pods.find(name); it != pods.end() && it->second.phase != PodPhase::Terminating)
            active.push_back(&it->second);
    const int have = static_cast<int>(active.size());
    for (int i = have; i < revision.replicas; ++i)
        startPod(revision);
    if (have <= revision.replicas)
        return;
    // Scale down the instances that serve least first: starting ones, then the youngest ready ones.
    std::sort(active.begin(), active.end(), [](const PodState* a, const PodState* b) {
        const bool aReady = a->phase == PodPhase::Ready;
        const bool bReady = b->phase == PodPhase::Ready;
        if (aReady != bReady)
            return !aReady;
        return a->readyAt > b->readyAt;
    });
    for (int i = 0; i < have - revision.replicas; ++i)
        terminatePod(*active[static_cast<std::size_t>(i)]);
    publishEndpoints(revision);
}

// The caller publishes the endpoints next, which takes the pod out of the gateway's rotation. Its process gets SIGTERM
// only once the gateway has finished what it already sent or queued there (Knative's preStop wait-for-drain): the
// wrappers exit on SIGTERM at once, and a request cut that way was a 502 on every scale-down under load.
void Controller::Impl::terminatePod(PodState& pod) {
    pod.phase = PodPhase::Terminating;
    (void)store.markDeleting(resource("pods"), pod.ns, pod.name);
    writePodStatus(pod);
    stopInstanceWhenDrained(pod);
}

void Controller::Impl::stopInstanceWhenDrained(const PodState& pod) {
    if (stopping)
        return supervisor->terminate(pod.name);
    gateway.whenDrained(pod.revision, pod.name, [this, name = pod.name] { supervisor->terminate(name); });
}

void Controller::Impl::publishEndpoints(RevisionState& revision) {
    std::vector<InstanceEndpoint> ready;
    const TimePoint now = Clock::now();
    for (const std::string& name : revision.pods) {
        const auto it = pods.find(name);
        if (it == pods.end() || it->second.phase != PodPhase::Ready)
            continue;
        const double uptime = std::chrono::duration<double>(now - it->second.readyAt).count();
        ready.push_back(InstanceEndpoint{name, it->second.port, uptime});
    }
    const int readyCount = static_cast<int>(ready.size());
    gateway.setEndpoints(revision.name, std::move(ready));
    if (readyCount != revision.paStatus.actualScale || readyCount == 0) {
        autoscalers.setReadyPods(revision.name, readyCount);
        if (auto tick = autoscalers.reconcileNow(revision.name, now))
            applyTick(revision.name, *tick, false);
    }
    writeRevisionStatus(revision);
}

void Controller::Impl::applyTick(const std::string& name, const RevisionTick& tick, bool realTick) {
    const auto it = revisions.find(name);
    if (it == revisions.end())
        return;
    RevisionState& revision = it->second;
    if (realTick && tick.decision.valid)
        revision.lastDecision = tick.decision;
    revision.paStatus = tick.scaler.status;
    gateway.setActivatorInPath(name, tick.scaler.status.activatorInPath);
    if (tick.scaler.replicas != revision.replicas) {
        revision.replicas = tick.scaler.replicas;
        reconcilePods(revision);
    }
    writePaStatus(revision);
    writeRevisionStatus(revision);
    scheduleRecheck();
}

void Controller::Impl::writePodStatus(const PodState& pod, const std::string& reason, const std::string& message) {
    const auto current = store.get(resource("pods"), pod.ns, pod.name);
    if (!current)
        return;
    const Json previous = previousConditions(current);
    const bool ready = pod.phase == PodPhase::Ready;
    const char* readyStatus = ready ? "True" : "False";
    Json containerState = ready ? Json{{"running", {{"startedAt", kubeTimestamp(std::chrono::system_clock::now())}}}}
                                : Json{{"waiting", {{"reason", reason.empty() ? "ContainerCreating" : reason}}}};
    if (ready && current->contains("status"))
        if (const Json& statuses = (*current)["status"].value("containerStatuses", Json::array());
            !statuses.empty() && statuses[0].contains("state") && statuses[0]["state"].contains("running"))
            containerState = statuses[0]["state"]; // keep startedAt stable
    Json status{{"phase", phaseName(pod.phase)},
                {"podIP", "127.0.0.1"},
                {"hostIP", "127.0.0.1"},
                {"conditions", Json::array({condition("Ready", readyStatus, ready ? "" : reason, message, previous),
                                            condition("ContainersReady", readyStatus, "", "", previous)})},
                // The queue-proxy is part of the gateway here; it is listed so READY reads 2/2 like Knative's pods.
                {"containerStatuses", Json::array({{{"name", "user-container"},
                                                    {"ready", ready},
                                                    {"started", pod.phase != PodPhase::Starting},
                                                    {"restartCount", pod.restarts},
                                                    {"state", containerState}},
                                                   {{"name", "queue-proxy"},
                                                    {"ready", ready},
                                                    {"started", true},
                                                    {"restartCount", 0},
                                                    {"state", containerState}}})}};
    // Local extras a real pod does not have: where the instance listens and how long it took to become ready.
    if (pod.port != 0)
        status["faaswb"] = {{"port", pod.port}, {"startupMs", pod.startupMs}};
    if (const auto pid = supervisor->pid(pod.name))
        status["faaswb"]["pid"] = *pid;
    (void)store.updateStatus(resource("pods"), pod.ns, pod.name, status);
}

void Controller::onInstanceReady(const std::string& name, std::uint16_t port, double startupMs) {
    Impl& impl = *m_impl;
    const auto it = impl.pods.find(name);
    if (it == impl.pods.end() || it->second.phase == PodPhase::Terminating)
        return;
    PodState& pod = it->second;
    pod.phase = PodPhase::Ready;
    pod.port = port;
    pod.readyAt = Clock::now();
    pod.startupMs = startupMs;
    impl.writePodStatus(pod);
    if (auto revision = impl.revisions.find(pod.revision); revision != impl.revisions.end()) {
        impl.revisionBecameReady(revision->second);
        impl.publishEndpoints(revision->second);
    }
}

void Controller::onInstanceCrashed(const std::string& name, const std::string& reason, int restartCount) {
    Impl& impl = *m_impl;
    const auto it = impl.pods.find(name);
    if (it == impl.pods.end() || it->second.phase == PodPhase::Terminating)
        return;
    PodState& pod = it->second;
    pod.phase = PodPhase::Restarting;
    pod.restarts = restartCount + 1;
    impl.writePodStatus(pod, "CrashLoopBackOff", reason);
    if (auto revision = impl.revisions.find(pod.revision); revision != impl.revisions.end())
        impl.publishEndpoints(revision->second);
}

void Controller::onInstanceGone(const std::string& name) {
    Impl& impl = *m_impl;
    const auto it = impl.pods.find(name);
    if (it == impl.pods.end())
        return;
    const std::string ns = it->second.ns;
    const std::string revisionName = it->second.revision;
    impl.pods.erase(it);
    (void)impl.store.remove(resource("pods"), ns, name);
    if (auto revision = impl.revisions.find(revisionName); revision != impl.revisions.end()) {
        revision->second.pods.erase(name);
        impl.reconcilePods(revision->second); // a pod deleted through the API is replaced, like a ReplicaSet does
        impl.publishEndpoints(revision->second);
    }
    impl.checkShutdownDone();
}

void Controller::onInstanceFailed(const std::string& name, const std::string& reason) {
    m_impl->handleFailed(name, reason);
}

void Controller::Impl::handleFailed(const std::string& name, const std::string& reason) {
    const auto it = pods.find(name);
    if (it == pods.end())
        return;
    const std::string revisionName = it->second.revision;
    if (auto revision = revisions.find(revisionName); revision != revisions.end() && !revision->second.everReady) {
        revision->second.failure = reason;
        writeRevisionStatus(revision->second);
        if (auto service = services.find(revision->second.ns + "/" + revision->second.service);
            service != services.end())
            writeServiceStatus(service->second);
        // No replacement for a revision that never started once: it would fail the same way, forever.
        revision->second.replicas = 0;
    }
    // The process is gone already; remove the pod like onInstanceGone does.
    const std::string ns = it->second.ns;
    pods.erase(it);
    (void)store.remove(resource("pods"), ns, name);
    if (auto revision = revisions.find(revisionName); revision != revisions.end()) {
        revision->second.pods.erase(name);
        reconcilePods(revision->second);
        publishEndpoints(revision->second);
    }
    checkShutdownDone();
}

void Controller::Impl::onPodEvent(const WatchEvent& event) {
    // A pod deleted through the API (kubectl delete pod): terminate its instance; the revision gets a new one.
    if (event.type != WatchEventType::Modified || !event.object["metadata"].contains("deletionTimestamp"))
        return;
    const auto it = pods.find(event.object["metadata"].value("name", ""));
    if (it != pods.end() && it->second.phase != PodPhase::Terminating) {
        it->second.phase = PodPhase::Terminating;
        stopInstanceWhenDrained(it->second);
        if (auto revision = revisions.find(it->second.revision); revision != revisions.end())
            publishEndpoints(revision->second);
    }
}

// One timer drives both loops: every second the stats go into the buckets, and every second second the KPA ticks
// right after them. Two independent timers firing at the same instant would sometimes tick before the second's stats
// were recorded, leaving a 1 s panic window empty.
void Controller::Impl::scheduleStats() {
    statsTimer.expires_at(nextStats);
    statsTimer.async_wait([this](boost::system::error_code error) {
        if (error || stopping)
            return;
        onStatsTick();
        if (++statsTicks % (kTickInterval / kBucketSize) == 0)
            onKpaTick();
        nextStats += kBucketSize;
        scheduleStats();
    });
}

void Controller::Impl::scheduleRecheck() {
    const auto due = autoscalers.nextRecheck();
    if (!due || stopping)
        return;
    recheckTimer.expires_at(*due);
    recheckTimer.async_wait([this](boost::system::error_code error) {
        if (error || stopping)
            return;
        const auto& outcomes = autoscalers.reconcileDue(Clock::now());
        const std::vector<AutoscalerSet::TickOutcome> copy(outcomes.begin(), outcomes.end());
        for (const auto& outcome : copy)
            applyTick(outcome.revision, outcome.tick, false);
        scheduleRecheck();
    });
}

void Controller::Impl::onStatsTick() {
    const TimePoint now = Clock::now();
    for (const RevisionSecondStats& stats : gateway.collectStats(now)) {
        autoscalers.recordPodStats(stats.revision, stats.pods, now);
        if (auto tick = autoscalers.recordActivatorStat(stats.revision, stats.activator, now))
            applyTick(stats.revision, *tick, true);
    }
    sampleUsage(now);
}

void Controller::Impl::onKpaTick() {
    const auto& outcomes = autoscalers.tickAll(Clock::now());
    const std::vector<AutoscalerSet::TickOutcome> copy(outcomes.begin(), outcomes.end());
    for (const auto& outcome : copy)
        applyTick(outcome.revision, outcome.tick, true);
}

void Controller::Impl::onDemand(const std::string& revision) {
    // The activator's first report for a revision it holds requests for: concurrency 1, count 1 (Knative's
    // concurrency_reporter does the same), which pokes a scale-from-zero tick at once.
    Stat stat;
    stat.podName = "activator";
    stat.averageConcurrency = 1;
    stat.requestCount = 1;
    if (auto tick = autoscalers.recordActivatorStat(revision, stat, Clock::now()))
        applyTick(revision, *tick, true);
}

void Controller::Impl::sampleUsage(TimePoint now) {
    for (auto& [name, pod] : pods) {
        const auto usage = supervisor->usage(name);
        if (!usage) {
            pod.cpuMillicores.reset();
            pod.memoryBytes.reset();
            continue;
        }
        if (pod.lastUsage && usage->sampledAt > pod.lastUsage->sampledAt) {
            const double seconds = std::chrono::duration<double>(usage->sampledAt - pod.lastUsage->sampledAt).count();
            pod.cpuMillicores = std::max(0.0, (usage->cpuSeconds - pod.lastUsage->cpuSeconds) / seconds * 1000.0);
        }
        pod.memoryBytes = usage->workingSetBytes;
        pod.lastUsage = usage;
    }
    (void)now;
}

void Controller::Impl::checkShutdownDone() {
    if (!stopping || !shutdownDone || supervisor->size() != 0)
        return;
    auto done = std::move(shutdownDone);
    shutdownDone = nullptr;
    done();
}

} // namespace faaswb::localplatform
