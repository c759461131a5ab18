#include "localplatform/controller_impl.h"

#include <cstdio>
#include <ctime>

namespace faaswb::localplatform {

std::string kubeTimestamp(std::chrono::system_clock::time_point time) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::string kubeNow() {
    return kubeTimestamp(std::chrono::system_clock::now());
}

Json previousConditions(const std::optional<Json>& object) {
    if (!object || !object->contains("status"))
        return nullptr;
    return (*object)["status"].value("conditions", Json(nullptr));
}

Json condition(const std::string& type, const std::string& status, const std::string& reason,
               const std::string& message, const Json& previous) {
    Json entry{{"type", type}, {"status", status}, {"lastTransitionTime", kubeNow()}};
    if (!reason.empty())
        entry["reason"] = reason;
    if (!message.empty())
        entry["message"] = message;
    if (previous.is_array())
        for (const Json& old : previous)
            if (old.value("type", "") == type && old.value("status", "") == status && old.value("reason", "") == reason)
                entry["lastTransitionTime"] = old.value("lastTransitionTime", entry["lastTransitionTime"]);
    return entry;
}

namespace {

std::string serviceKey(const std::string& ns, const std::string& name) {
    return ns + "/" + name;
}

std::string revisionNameFor(const std::string& service, long generation) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-%05ld", generation);
    return service + suffix;
}

Json ownerLabels(const RevisionState& revision) {
    return Json{{"serving.knative.dev/service", revision.service},
                {"serving.knative.dev/configuration", revision.service},
                {"serving.knative.dev/configurationGeneration", std::to_string(revision.generation)},
                {"serving.knative.dev/revision", revision.name}};
}

} // namespace

Controller::Impl::Impl(boost::asio::io_context& ioContext, ObjectStore& objectStore, Gateway& ingress,
                       Broker& eventBroker, ControllerConfig controllerConfig)
    : io(ioContext)
    , store(objectStore)
    , gateway(ingress)
    , broker(eventBroker)
    , config(std::move(controllerConfig))
    , statsTimer(ioContext)
    , recheckTimer(ioContext)
    , shutdownTimer(ioContext) {}

Controller::Controller(boost::asio::io_context& io, ObjectStore& store, Gateway& gateway, Broker& broker,
                       ControllerConfig config)
    : m_impl(std::make_unique<Impl>(io, store, gateway, broker, std::move(config))) {}

Controller::~Controller() = default;

void Controller::attach(Supervisor& supervisor) {
    m_impl->supervisor = &supervisor;
}

void Controller::start() {
    Impl& impl = *m_impl;
    impl.store.onChange(resource("services"), [&impl](const WatchEvent& event) { impl.onServiceEvent(event); });
    impl.store.onChange(resource("pods"), [&impl](const WatchEvent& event) { impl.onPodEvent(event); });
    impl.store.onChange(resource("brokers"), [&impl](const WatchEvent& event) { impl.onBrokerEvent(event); });
    impl.store.onChange(resource("triggers"), [&impl](const WatchEvent& event) { impl.onTriggerEvent(event); });
    impl.store.onChange(resource("sinkbindings"), [&impl](const WatchEvent& event) { impl.onSinkBindingEvent(event); });
    impl.gateway.setDemandListener([&impl](const std::string& revision) { impl.onDemand(revision); });
    const TimePoint now = Clock::now();
    impl.nextStats = now + kBucketSize;
    impl.scheduleStats();
}

void Controller::shutdown(std::function<void()> done) {
    Impl& impl = *m_impl;
    impl.stopping = true;
    impl.shutdownDone = std::move(done);
    impl.statsTimer.cancel();
    impl.recheckTimer.cancel();
    for (auto& [name, pod] : impl.pods) {
        if (pod.phase != PodPhase::Terminating)
            impl.terminatePod(pod);
        else
            impl.supervisor->terminate(name); // no more waiting for a drain
    }
    impl.checkShutdownDone();
}

Status Controller::admitService(const Json& service) const {
    auto tmpl = parseRevisionTemplate(service);
    if (!tmpl)
        return tmpl.error();
    auto command = resolveLocalImage(tmpl->image, m_impl->config.benchmarksRoot, m_impl->config.binDir);
    if (!command)
        return invalidInput("spec.template.spec.containers[0].image: " + command.error().message);
    auto scaling = resolveScalingConfig(tmpl->annotations, tmpl->containerConcurrency, m_impl->config.autoscaler);
    if (!scaling)
        return invalidInput("spec.template.metadata.annotations: " + scaling.error().message);
    const std::string ns = service["metadata"].value("namespace", "default");
    const std::string name = service["metadata"].value("name", "");
    const std::string revision = tmpl->revisionName.value_or(revisionNameFor(name, 1));
    for (const auto& [existing, state] : m_impl->revisions)
        if (state.ns != ns && state.service == name)
            return {Error{ErrorCode::InvalidInput,
                          "metadata.name: service '" + name + "' already exists in namespace '" + state.ns +
                              "'; the local platform keeps revision names unique across namespaces"}};
    return {};
}

void Controller::Impl::onServiceEvent(const WatchEvent& event) {
    const Json& meta = event.object["metadata"];
    const std::string ns = meta.value("namespace", "default");
    const std::string name = meta.value("name", "");
    if (event.type == WatchEventType::Deleted)
        deleteService(ns, name);
    else if (event.type != WatchEventType::Bookmark)
        reconcileService(event.object);
}

void Controller::Impl::reconcileService(const Json& object) {
    const Json& meta = object["metadata"];
    const std::string ns = meta.value("namespace", "default");
    const std::string name = meta.value("name", "");
    const long generation = meta.value("generation", 1L);
    auto [it, inserted] = services.try_emplace(serviceKey(ns, name));
    ServiceState& service = it->second;
    if (!inserted && service.generation == generation)
        return; // our own status write, or a metadata-only change
    service.ns = ns;
    service.name = name;
    service.generation = generation;
    auto tmpl = parseRevisionTemplate(object);
    if (!tmpl) {
        Json status = object.value("status", Json::object());
        status["observedGeneration"] = generation;
        status["conditions"] = Json::array(
            {condition("Ready", "False", "RevisionFailed", tmpl.error().message, previousConditions(object))});
        (void)store.updateStatus(resource("services"), ns, name, status);
        return;
    }
    createRevision(service, object, std::move(*tmpl), generation);
}

void Controller::Impl::createRevision(ServiceState& service, const Json& object, RevisionTemplate tmpl,
                                      long generation) {
    const std::string name = tmpl.revisionName.value_or(revisionNameFor(service.name, generation));
    auto command = resolveLocalImage(tmpl.image, config.benchmarksRoot, config.binDir);
    auto scaling = resolveScalingConfig(tmpl.annotations, tmpl.containerConcurrency, config.autoscaler);
    if (!command || !scaling) {
        const std::string message = !command ? command.error().message : scaling.error().message;
        Json status{{"observedGeneration", generation},
                    {"conditions", Json::array({condition("Ready", "False", "RevisionFailed", message,
                                                          previousConditions(object))})}};
        (void)store.updateStatus(resource("services"), service.ns, service.name, status);
        return;
    }
    if (revisions.contains(name))
        deleteRevision(name); // a re-created service reusing the revision name
    RevisionState& revision = revisions[name];
    revision.name = name;
    revision.ns = service.ns;
    revision.service = service.name;
    revision.generation = generation;
    revision.tmpl = std::move(tmpl);
    revision.command = std::move(*command);
    revision.scaling = *scaling;
    for (const std::string& old : service.revisions) {
        autoscalers.setReachable(old, false); // traffic moves to the new revision once it is ready
        if (auto* state = revisions.count(old) ? &revisions.at(old) : nullptr)
            state->reachable = false;
    }
    service.revisions.push_back(name);
    service.latestCreated = name;

    const Json labels = ownerLabels(revision);
    Json configuration{
        {"metadata", {{"name", service.name}, {"labels", {{"serving.knative.dev/service", service.name}}}}},
        {"spec", {{"template", object["spec"]["template"]}}}};
    if (!store.get(resource("configurations"), service.ns, service.name))
        (void)store.create(resource("configurations"), service.ns, configuration);
    Json revisionObject{{"metadata", {{"name", name}, {"labels", labels}, {"annotations", revision.tmpl.annotations}}},
                        {"spec", object["spec"]["template"].value("spec", Json::object())}};
    (void)store.create(resource("revisions"), service.ns, revisionObject);
    Json pa{{"metadata", {{"name", name}, {"labels", labels}}},
            {"spec",
             {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", name + "-deployment"}}},
              {"protocolType", "http1"}}}};
    (void)store.create(resource("podautoscalers"), service.ns, pa);

    const TimePoint now = Clock::now();
    (void)autoscalers.add(name, revision.scaling, 0, now);
    gateway.upsertRevision(RevisionRoute{service.ns, service.name, service.name, name,
                                         revision.tmpl.containerConcurrency,
                                         std::chrono::seconds(revision.tmpl.timeoutSeconds)});
    if (auto* autoscaler = autoscalers.find(name)) {
        revision.replicas = autoscaler->replicas();
        revision.paStatus = autoscaler->status();
    }
    writeServiceStatus(service);
    if (revision.replicas == 0)
        revisionBecameReady(revision); // initial-scale 0: ready without instances, as in Knative
    reconcilePods(revision);
    writeRevisionStatus(revision);
    writePaStatus(revision);
    scheduleRecheck();
}

void Controller::Impl::deleteService(const std::string& ns, const std::string& name) {
    const auto it = services.find(serviceKey(ns, name));
    if (it == services.end())
        return;
    const std::vector<std::string> owned = it->second.revisions;
    services.erase(it);
    gateway.removeService(ns, name);
    for (const std::string& revision : owned)
        deleteRevision(revision);
    (void)store.remove(resource("configurations"), ns, name);
}

void Controller::Impl::deleteRevision(const std::string& name) {
    const auto it = revisions.find(name);
    if (it == revisions.end())
        return;
    RevisionState& revision = it->second;
    revision.replicas = 0;
    for (const std::string& podName : std::vector<std::string>(revision.pods.begin(), revision.pods.end()))
        if (auto pod = pods.find(podName); pod != pods.end() && pod->second.phase != PodPhase::Terminating)
            terminatePod(pod->second);
    gateway.removeRevision(name);
    autoscalers.remove(name);
    (void)store.remove(resource("podautoscalers"), revision.ns, name);
    (void)store.remove(resource("revisions"), revision.ns, name);
    // The pods keep their revision name until the supervisor reports them gone; the state goes now.
    revisions.erase(it);
}

void Controller::Impl::revisionBecameReady(RevisionState& revision) {
    if (revision.everReady)
        return;
    revision.everReady = true;
    revision.failure.clear();
    const auto it = services.find(serviceKey(revision.ns, revision.service));
    if (it == services.end())
        return;
    ServiceState& service = it->second;
    if (service.latestCreated != revision.name)
        return; // an older revision finishing late does not take the traffic back
    service.latestReady = revision.name;
    gateway.upsertService(ServiceRoute{service.ns, service.name, revision.name});
    revision.reachable = true;
    autoscalers.setReachable(revision.name, true);
    writeServiceStatus(service);
}

void Controller::Impl::writeServiceStatus(const ServiceState& service) {
    const auto current = store.get(resource("services"), service.ns, service.name);
    if (!current)
        return;
    const Json previous = previousConditions(current);
    std::string status = "Unknown";
    std::string reason = "RevisionMissing";
    std::string message = "Revision \"" + service.latestCreated + "\" is starting its first instance.";
    const auto latest = revisions.find(service.latestCreated);
    if (!service.latestReady.empty() && service.latestReady == service.latestCreated) {
        status = "True";
        reason.clear();
        message.clear();
    } else if (latest != revisions.end() && !latest->second.failure.empty()) {
        status = "False";
        reason = "RevisionFailed";
        message = "Revision \"" + service.latestCreated + "\" failed with message: " + latest->second.failure;
    }
    const std::string host = service.name + "." + service.ns + "." + config.domain;
    Json out{{"observedGeneration", service.generation},
             {"url", "http://" + host},
             {"address", {{"url", config.ingressUrl + "/" + service.ns + "/" + service.name}}},
             {"latestCreatedRevisionName", service.latestCreated},
             {"conditions", Json::array({condition("ConfigurationsReady", status, reason, message, previous),
                                         condition("Ready", status, reason, message, previous),
                                         condition("RoutesReady", status, reason, message, previous)})}};
    if (latest != revisions.end() && supervisor)
        annotateMemoryLimit(out, latest->second.tmpl, supervisor->memoryCgroup());
    if (!service.latestReady.empty()) {
        out["latestReadyRevisionName"] = service.latestReady;
        out["traffic"] =
            Json::array({{{"revisionName", service.latestReady}, {"latestRevision", true}, {"percent", 100}}});
    }
    (void)store.updateStatus(resource("services"), service.ns, service.name, out);
}

void Controller::Impl::writeRevisionStatus(const RevisionState& revision) {
    const auto current = store.get(resource("revisions"), revision.ns, revision.name);
    if (!current)
        return;
    const Json previous = previousConditions(current);
    int ready = 0;
    for (const std::string& name : revision.pods)
        if (auto pod = pods.find(name); pod != pods.end() && pod->second.phase == PodPhase::Ready)
            ++ready;
    std::string status = revision.everReady ? "True" : (revision.failure.empty() ? "Unknown" : "False");
    const std::string reason = status == "False" ? "ContainerFailed" : (status == "Unknown" ? "Deploying" : "");
    const bool active = revision.paStatus.activity == PaActivity::Active;
    Json out{{"observedGeneration", 1},
             {"actualReplicas", ready},
             {"desiredReplicas", revision.replicas},
             {"containerStatuses", Json::array({{{"name", "user-container"}, {"imageDigest", revision.tmpl.image}}})},
             {"conditions",
              Json::array({condition("Active", active ? "True" : "False", revision.paStatus.reason, "", previous),
                           condition("ContainerHealthy", status, reason, revision.failure, previous),
                           condition("Ready", status, reason, revision.failure, previous),
                           condition("ResourcesAvailable", status, reason, revision.failure, previous)})}};
    if (supervisor)
        annotateMemoryLimit(out, revision.tmpl, supervisor->memoryCgroup());
    (void)store.updateStatus(resource("revisions"), revision.ns, revision.name, out);
}

void Controller::Impl::writePaStatus(const RevisionState& revision) {
    const auto current = store.get(resource("podautoscalers"), revision.ns, revision.name);
    if (!current)
        return;
    const Json previous = previousConditions(current);
    const PaStatus& pa = revision.paStatus;
    const char* active = pa.activity == PaActivity::Active     ? "True"
                         : pa.activity == PaActivity::Inactive ? "False"
                                                               : "Unknown";
    Json out{
        {"observedGeneration", 1},
        {"desiredScale", pa.desiredScale},
        {"actualScale", pa.actualScale},
        {"serviceName", revision.name},
        {"metricsServiceName", revision.name + "-private"},
        {"panic", revision.lastDecision && revision.lastDecision->panicMode},
        {"activatorInPath", pa.activatorInPath},
        {"conditions",
         Json::array(
             {condition("Active", active, pa.reason, "", previous), condition("Ready", active, pa.reason, "", previous),
              condition("SKSReady", "True", "", "", previous),
              condition("ScaleTargetInitialized", pa.scaleTargetInitialized ? "True" : "Unknown", "", "", previous)})}};
    if (revision.lastDecision) {
        out["excessBurstCapacity"] = revision.lastDecision->excessBurstCapacity;
        out["desiredStablePods"] = revision.lastDecision->desiredStablePods;
        out["desiredPanicPods"] = revision.lastDecision->desiredPanicPods;
    }
    (void)store.updateStatus(resource("podautoscalers"), revision.ns, revision.name, out);
}

} // namespace faaswb::localplatform
