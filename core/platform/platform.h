// Platform: where benchmark functions are deployed and what we can observe there (ARCHITECTURE.md, "The Platform
// interface"). Adapters: http, local, knative, openwhisk. Methods are called from the runner thread; watchScale's
// sink is called from a watcher thread owned by the returned ScaleWatch.
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "load/request.h"
#include "trace/span.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace faaswb::platform {

struct FunctionSpec {
    std::string name;      // service name, DNS-safe (e.g. "sleep-python")
    std::string benchmark; // 010.sleep
    std::string language;  // python
    std::string image;     // local/010.sleep:python, or a registry image for clusters
    int containerConcurrency = 0;
    std::optional<int> timeoutSeconds;
    std::optional<std::string> memory;
    std::map<std::string, std::string> annotations; // autoscaling.knative.dev/* and friends
    std::map<std::string, std::string> env;
};

struct Deployment {
    std::string name;
    std::string url;                                          // where the load engine sends requests
    std::string revision;                                     // empty when the platform has no revisions
    std::vector<std::pair<std::string, std::string>> headers; // e.g. Host for ingress routing without DNS
    load::RequestAuth auth;     // how load requests authenticate (secrets: never logged or stored)
    bool skipTlsVerify = false; // the platform's insecureSkipTlsVerify also covers its endpoints
    bool createdByUs = false;   // teardown removes only what we created
    // Whether the platform enforces FunctionSpec::memory on the instances: nullopt = unknown (or no limit asked),
    // false with `memoryNote` saying why not ("not enforceable here: cgroup v2 memory controller not available").
    std::optional<bool> memoryEnforced;
    std::string memoryNote;
};

struct PlatformInfo {
    std::string kind;    // http | local | knative | openwhisk
    std::string version; // platform version when known
    std::optional<int> nodes;
    nlohmann::json details = nlohmann::json::object(); // recorded as the run's environment
};

// Pod counts of one revision at one time. Unknown counts are nullopt (stored as NULL, never 0).
struct ScaleSample {
    std::int64_t tMs = 0; // since the start of the run
    std::string revision;
    std::optional<int> desired;
    std::optional<int> actual;
    std::optional<int> ready;
    std::optional<int> pending;
    std::optional<int> terminating;
    std::optional<bool> panic;
};

struct PodMetricsSample {
    std::int64_t tMs = 0;
    std::string pod;
    std::optional<double> cpuMillicores;
    std::optional<std::int64_t> memoryBytes;
};

enum class Capability { Deploy, ForceColdStart, WatchScale, PodMetrics, Traces, Eventing, InstanceUrls };

// Knative Eventing objects an experiment sets up (platform-facts §3). Names are DNS labels in the platform's namespace.
struct BrokerSpec {
    std::string name;
};

struct TriggerSpec {
    std::string name;
    std::string broker;
    std::map<std::string, std::string> filterAttributes; // spec.filter.attributes: exact match, "" matches any value
    std::string subscriberService;                       // a Knative Service in the namespace, or
    std::string subscriberUri;                           // an absolute URI
};

struct SinkBindingSpec {
    std::string name;
    std::string subjectService; // the Knative Service whose instances get K_SINK
    std::string sinkBroker;     // the Broker K_SINK points at
};

// Where CloudEvents for a broker are POSTed: its address, or an exposed ingress with a Host header.
struct EventTarget {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
};

// Eventing set-up for one experiment; every ensure* creates or updates the object and waits until it is Ready (or
// fails with its condition's reason and message). removeAll() deletes only what this object created. Methods are
// called from the runner thread.
class Eventing {
public:
    virtual ~Eventing() = default;
    virtual Result<EventTarget> ensureBroker(const BrokerSpec& spec, const CancellationToken& cancel) = 0;
    virtual Status ensureTrigger(const TriggerSpec& spec, const CancellationToken& cancel) = 0;
    virtual Status ensureSinkBinding(const SinkBindingSpec& spec, const CancellationToken& cancel) = 0;
    virtual Status removeAll() = 0;
};

// Stops watching when destroyed.
class ScaleWatch {
public:
    virtual ~ScaleWatch() = default;
};

struct TimeWindow {
    std::chrono::system_clock::time_point from;
    std::chrono::system_clock::time_point to;
};

class Platform {
public:
    virtual ~Platform() = default;

    virtual PlatformInfo describe() = 0;
    // Unsupported capabilities are shown as such in the UI and stored as NULL in the data.
    virtual bool supports(Capability capability) const = 0;

    virtual Result<Deployment> deploy(const FunctionSpec& spec, const CancellationToken& cancel) = 0;
    virtual Status remove(const Deployment& deployment) = 0;
    // Scale to zero and wait until no instance is left.
    virtual Status forceColdStart(const Deployment& deployment, const CancellationToken& cancel) = 0;
    virtual Result<std::unique_ptr<ScaleWatch>> watchScale(const Deployment& deployment,
                                                           std::function<void(const ScaleSample&)> sink) = 0;
    virtual Result<std::vector<PodMetricsSample>> podMetrics(const Deployment& deployment) = 0;
    virtual Result<std::vector<trace::Span>> fetchSpans(const TimeWindow& window) = 0;
    // Direct URLs of a deployment's ready instances, bypassing gateway, activator and queue-proxy (workflow-chain
    // "direct" handover). Only with supports(Capability::InstanceUrls).
    virtual Result<std::vector<std::string>> instanceUrls(const Deployment& /*deployment*/) {
        return Error{ErrorCode::Platform, "this platform does not expose instance addresses"};
    }
    // Null when the platform has no eventing (supports(Capability::Eventing) is false). Owned by the platform.
    virtual Eventing* eventing() { return nullptr; }
    // Whether the platform is still there; an error ("platform lost: ...") ends the run as failed. Called once per
    // load interval from the collector thread, so it must be cheap and never block. The default cannot tell.
    virtual Status checkAlive() { return {}; }
};

} // namespace faaswb::platform
