// Controller: the local platform's reconcilers, playing Knative Serving's and Eventing's controllers. It reacts to
// ObjectStore changes (services, pods, brokers, triggers, sinkbindings), owns one RevisionAutoscaler per revision
// (the KPA) and turns its decisions into instances (Supervisor), routes and activator state (Gateway), and writes
// the objects' status back: Service Ready/URL/latestReadyRevisionName, Revision replicas, PodAutoscaler
// desiredScale/actualScale/panic, Pod phase/Ready/restartCount, Broker address, Trigger subscriberUri.
// Every second it feeds the gateway's queue-proxy and activator stats to the autoscalers and samples /proc for
// metrics.k8s.io; every 2s it ticks the KPA. Platform thread only.
#pragma once

#include "localplatform/autoscaler_config.h"
#include "localplatform/object_store.h"
#include "localplatform/revision_autoscaler.h"
#include "localplatform/revision_template.h"
#include "localplatform/supervisor.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace faaswb::localplatform {

class Gateway;
class Broker;

struct ControllerConfig {
    AutoscalerDefaults autoscaler;
    std::string benchmarksRoot;
    std::string binDir;
    std::string stateDir;   // instance logs go to <stateDir>/logs/<pod>.log
    std::string domain;     // service URLs: http://<svc>.<ns>.<domain>
    std::string ingressUrl; // http://127.0.0.1:<port>; address.url = <ingressUrl>/<ns>/<svc>
    std::string zipkinUrl;  // ZIPKIN_ENDPOINT given to every instance
};

class Controller : public SupervisorListener {
public:
    Controller(boost::asio::io_context& io, ObjectStore& store, Gateway& gateway, Broker& broker,
               ControllerConfig config);
    ~Controller() override;
    Controller(const Controller&) = delete;
    Controller& operator=(const Controller&) = delete;

    // The supervisor needs the controller as its listener, so it is attached after both exist. Then start().
    void attach(Supervisor& supervisor);
    void start();
    // Terminates every instance (SIGTERM, the supervisor's grace, SIGKILL) and stops the timers; `done` is called on
    // the platform thread once no instance is left.
    void shutdown(std::function<void()> done);

    // Admission beyond parseRevisionTemplate: the image resolves to a local benchmark, annotations resolve against
    // this platform's autoscaler defaults. Messages start with the field path.
    Status admitService(const Json& service) const;
    std::vector<Json> podMetrics(const std::string& ns) const;
    std::string metricsText() const;

    // SupervisorListener
    void onInstanceReady(const std::string& name, std::uint16_t port, double startupMs) override;
    void onInstanceCrashed(const std::string& name, const std::string& reason, int restartCount) override;
    void onInstanceGone(const std::string& name) override;
    void onInstanceFailed(const std::string& name, const std::string& reason) override;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::localplatform
