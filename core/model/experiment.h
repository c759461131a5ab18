// Experiment: the plain description of what to run, loaded from an experiment YAML file (see experiment_loader.h).
// Plain values; copy freely between threads.
#pragma once

#include "load/load_model.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace faaswb::model {

using Nanos = std::chrono::nanoseconds;

enum class PlatformType { Local, Http, Knative, OpenWhisk };
const char* platformTypeName(PlatformType type) noexcept; // "local", "http", "knative", "openwhisk"

struct PlatformConfig {
    std::string name; // key in `platforms`, or "local" for the built-in default
    PlatformType type = PlatformType::Local;
    std::string url;        // http: the endpoint; openwhisk: API host
    std::string kubeconfig; // knative
    std::string context;    // knative: kubeconfig context (empty = current)
    std::string namespaceName = "default";
    std::string zipkin; // Zipkin v2 base URL, when traces should be fetched
    bool insecureSkipTlsVerify = false;
    std::map<std::string, std::string> headers; // http: extra headers sent with every request
    std::string stateDir; // local: the state dir of a running `faas-workbench local-platform` to use
    // local: config-autoscaler overrides for the embedded daemon ("stable-window": "6s", ...), validated on load.
    std::map<std::string, std::string> autoscaler;
};

// Knative autoscaling annotations (autoscaling.knative.dev/*). Unset fields keep the platform default.
struct AutoscalingConfig {
    std::optional<std::string> metric; // concurrency | rps
    std::optional<double> target;
    std::optional<double> targetUtilizationPercentage;
    std::optional<Nanos> window; // stable window
    std::optional<double> panicWindowPercentage;
    std::optional<double> panicThresholdPercentage;
    std::optional<int> minScale;
    std::optional<int> maxScale;
    std::optional<int> initialScale;
    std::optional<int> activationScale;
    std::optional<Nanos> scaleDownDelay;
    std::optional<Nanos> scaleToZeroPodRetention;
    std::optional<double> targetBurstCapacity;
};

struct BenchmarkConfig {
    std::string id;     // e.g. 010.sleep
    std::string source; // a SeBS-layout directory (absolute, canonical) served by the Python wrapper; empty = suite
    std::vector<std::string> languages;              // cpp | python | nodejs
    nlohmann::json input = nlohmann::json::object(); // request body sent to the handler
    std::string size;                                // test | small | large (inputs from benchmark.yaml), optional
    std::string method = "POST";
    std::string path = "/";
    std::map<std::string, std::string> headers;
    int containerConcurrency = 0; // 0 = unlimited
    std::optional<int> timeoutSeconds;
    std::optional<std::string> memory; // e.g. 256Mi
    AutoscalingConfig autoscaling;
    std::map<std::string, std::string> env;
};

enum class ScenarioType { WarmLatency, ColdStart, ConcurrencyOne, Autoscaling, Load, Batch, WorkflowChain, Eventing };
const char* scenarioTypeName(ScenarioType type) noexcept; // the YAML spelling: warm-latency, cold-start, ...

struct ScenarioConfig {
    std::string name;
    ScenarioType type = ScenarioType::WarmLatency;
    std::optional<double> rate;     // req/s, open loop
    std::optional<int> connections; // closed loop: virtual users
    std::optional<Nanos> thinkTime; // closed loop
    std::optional<Nanos> duration;
    Nanos warmup{0};
    std::vector<load::RateStage> stages; // autoscaling / load
    bool poisson = false;
    std::optional<std::uint64_t> requests; // fixed request count
    int repetitions = 1;                   // cold-start
    std::optional<Nanos> timeout;          // per request
    std::optional<int> threads;            // load worker threads
    load::LoadModel loadModel() const;     // the load this scenario drives (for one repetition)
};

struct Settings {
    std::size_t maxRequestRecords = 1'000'000; // raw per-request rows kept per run
    Nanos interval = std::chrono::seconds(1);
    int threads = 0;                 // 0 = one per core
    std::string httpVersion = "1.1"; // 1.1 | 2 | h2c
    bool insecureSkipTlsVerify = false;
};

struct SourceLocation {
    int line = 0;   // 1-based; 0 when unknown
    int column = 0; // 1-based
};

struct Experiment {
    std::string name;
    std::string platform = "local"; // key into platforms, or "local"
    std::map<std::string, PlatformConfig> platforms;
    std::vector<BenchmarkConfig> benchmarks;
    std::vector<ScenarioConfig> scenarios;
    Settings settings;
    std::string sourcePath; // file it was loaded from (empty for strings)
    std::string yaml;       // the text it was loaded from, stored with every run

    // The platform config to use: `override` (a --platform NAME) or `platform`; "local" when undeclared.
    const PlatformConfig* findPlatform(const std::string& platformName) const;
};

} // namespace faaswb::model
