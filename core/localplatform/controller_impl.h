// Controller internals shared by controller*.cpp. Not part of the room's interface.
#pragma once

#include "localplatform/broker.h"
#include "localplatform/controller.h"
#include "localplatform/gateway.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace faaswb::localplatform {

enum class PodPhase { Starting, Ready, Restarting, Terminating };

struct PodState {
    std::string name;
    std::string ns;
    std::string revision;
    PodPhase phase = PodPhase::Starting;
    std::uint16_t port = 0;
    int restarts = 0;
    TimePoint createdAt{};
    TimePoint readyAt{};
    double startupMs = 0;
    std::optional<InstanceUsage> lastUsage;
    std::optional<double> cpuMillicores; // from the last two /proc samples
    std::optional<std::int64_t> memoryBytes;
};

struct RevisionState {
    std::string name;
    std::string ns;
    std::string service;
    long generation = 1;
    RevisionTemplate tmpl;
    InstanceCommand command;
    RevisionScalingConfig scaling;
    int replicas = 0; // what the PA scaler wants running
    std::set<std::string> pods;
    std::optional<ScaleDecision> lastDecision; // the last real decider tick
    PaStatus paStatus;
    bool everReady = false;
    bool reachable = true;
    std::string failure; // why instances could not start, while none ever became ready
};

struct ServiceState {
    std::string ns;
    std::string name;
    long generation = 0;
    std::string latestCreated;
    std::string latestReady;
    std::vector<std::string> revisions; // oldest first
};

struct Controller::Impl {
    Impl(boost::asio::io_context& io, ObjectStore& store, Gateway& gateway, Broker& broker, ControllerConfig config);

    boost::asio::io_context& io;
    ObjectStore& store;
    Gateway& gateway;
    Broker& broker;
    Supervisor* supervisor = nullptr;
    ControllerConfig config;
    AutoscalerSet autoscalers;
    std::map<std::string, ServiceState> services; // "ns/name"
    std::map<std::string, RevisionState> revisions; // revision name
    std::map<std::string, PodState> pods;           // pod name
    struct SinkBindingState {
        std::string subjectKey; // "ns/service"
        std::string sinkUrl;
        std::string ceOverrides; // K_CE_OVERRIDES JSON, empty when none
    };
    std::map<std::string, SinkBindingState> sinkBindings; // "ns/binding"
    boost::asio::steady_timer statsTimer;
    boost::asio::steady_timer recheckTimer;
    boost::asio::steady_timer shutdownTimer;
    TimePoint nextStats{};
    std::int64_t statsTicks = 0;
    bool stopping = false;
    std::function<void()> shutdownDone;

    // controller.cpp: services and revisions
    void onServiceEvent(const WatchEvent& event);
    void reconcileService(const Json& service);
    void createRevision(ServiceState& service, const Json& object, RevisionTemplate tmpl, long generation);
    void deleteService(const std::string& ns, const std::string& name);
    void deleteRevision(const std::string& revision);
    void revisionBecameReady(RevisionState& revision);
    void writeServiceStatus(const ServiceState& service);
    void writeRevisionStatus(const RevisionState& revision);
    void writePaStatus(const RevisionState& revision);

    // controller_pods.cpp: instances and the autoscaler loop
    void onPodEvent(const WatchEvent& event);
    void startPod(RevisionState& revision);
    void reconcilePods(RevisionState& revision);
    void terminatePod(PodState& pod);
    void stopInstanceWhenDrained(const PodState& pod);
    void publishEndpoints(RevisionState& revision);
    void applyTick(const std::string& revision, const RevisionTick& tick, bool realTick);
    void onInstanceFailedLater(const std::string& name, const std::string& reason);
    void handleFailed(const std::string& name, const std::string& reason);
    void writePodStatus(const PodState& pod, const std::string& reason = {}, const std::string& message = {});
    void scheduleStats();
    void scheduleRecheck();
    void onStatsTick();
    void onKpaTick();
    void onDemand(const std::string& revision);
    void sampleUsage(TimePoint now);
    void checkShutdownDone();

    // controller_eventing.cpp
    void onBrokerEvent(const WatchEvent& event);
    void onTriggerEvent(const WatchEvent& event);
    std::string resolveDestination(const Json& destination, const std::string& ns) const;
    void refreshTriggers(const std::string& ns, const std::string& broker);
    void onSinkBindingEvent(const WatchEvent& event);
    // The SinkBinding env (K_SINK, K_CE_OVERRIDES) for instances of a service, when one binds it.
    std::vector<std::pair<std::string, std::string>> bindingEnv(const std::string& ns, const std::string& service) const;
    // New instances get a binding's env: replace the running ones, as the binding's Deployment rollout would.
    void rollService(const std::string& serviceKey);
};

// RFC 3339 UTC with seconds, as Kubernetes writes timestamps.
std::string kubeTimestamp(std::chrono::system_clock::time_point time);
std::string kubeNow();
// A Knative-style condition list entry; lastTransitionTime is kept from `previous` when status/reason are unchanged.
Json condition(const std::string& type, const std::string& status, const std::string& reason,
               const std::string& message, const Json& previous);
// The previous conditions array of an object (or null).
Json previousConditions(const std::optional<Json>& object);

} // namespace faaswb::localplatform
