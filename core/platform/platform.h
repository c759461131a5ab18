// Platform: where benchmark functions are deployed and what we can observe there (ARCHITECTURE.md, "The Platform
// interface"). Adapters: http, local, knative, openwhisk. Methods are called from the runner thread; watchScale's
// sink is called from a watcher thread owned by the returned ScaleWatch.
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "trace/span.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace faaswb::platform {

struct FunctionSpec {
    std::string name;                 // service name, DNS-safe (e.g. "sleep-python")
    std::string benchmark;            // 010.sleep
    std::string language;             // python
    std::string image;                // local/010.sleep:python, or a registry image for clusters
    int containerConcurrency = 0;
    std::optional<int> timeoutSeconds;
    std::optional<std::string> memory;
    std::map<std::string, std::string> annotations; // autoscaling.knative.dev/* and friends
    std::map<std::string, std::string> env;
};

struct Deployment {
    std::string name;
    std::string url;                  // where the load engine sends requests
    std::string revision;             // empty when the platform has no revisions
    std::vector<std::pair<std::string, std::string>> headers; // e.g. Host for ingress routing without DNS
    bool createdByUs = false;         // teardown removes only what we created
};

struct PlatformInfo {
    std::string kind;                 // http | local | knative | openwhisk
    std::string version;              // platform version when known
    std::optional<int> nodes;
    nlohmann::json details = nlohmann::json::object(); // recorded as the run's environment
};

// Pod counts of one revision at one time. Unknown counts are nullopt (stored as NULL, never 0).
struct ScaleSample {
    std::int64_t tMs = 0;             // since the start of the run
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

enum class Capability { Deploy, ForceColdStart, WatchScale, PodMetrics, Traces };

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
};

} // namespace faaswb::platform
