// Experiment: the plain description of what to run, loaded from an experiment YAML file (see experiment_loader.h).
// Plain values; copy freely between threads.
#pragma once

#include "load/load_model.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace faaswb::model {

using Nanos = std::chrono::nanoseconds;

enum class PlatformType { Local, Http, Knative, OpenWhisk };
const char* platformTypeName(PlatformType type) noexcept; // "local", "http", "knative", "openwhisk"

// How requests to an `http` platform authenticate. Secret fields are meant to come from ${ENV} references: the
// experiment text stored with each run keeps the reference, and redactSecrets() masks literal values.
enum class AuthType { None, Bearer, Basic, AwsSigV4 };
const char* authTypeName(AuthType type) noexcept; // "none", "bearer", "basic", "sigv4"

struct AuthConfig {
    AuthType type = AuthType::None;
    std::string token;           // bearer
    std::string username;        // basic
    std::string password;        // basic
    std::string region;          // sigv4, e.g. us-east-1
    std::string service;         // sigv4, e.g. lambda
    std::string accessKeyId;     // sigv4
    std::string secretAccessKey; // sigv4
    std::string sessionToken;    // sigv4, optional (temporary credentials): sent as X-Amz-Security-Token
};

struct PlatformConfig {
    std::string name; // key in `platforms`, or "local" for the built-in default
    PlatformType type = PlatformType::Local;
    std::string url;        // http: the endpoint; openwhisk: API host
    std::string kubeconfig; // knative
    std::string context;    // knative: kubeconfig context (empty = current)
    // openwhisk: "_" (the key's own namespace) unless set; knative: empty unless set (the context's namespace)
    std::string namespaceName = "default";
    std::string zipkin; // Zipkin v2 base URL, when traces should be fetched
    bool insecureSkipTlsVerify = false;
    std::map<std::string, std::string> headers; // http: extra headers sent with every request
    std::string stateDir; // local: the state dir of a running `faas-workbench local-platform` to use
    // local: config-autoscaler overrides for the embedded daemon ("stable-window": "6s", ...), validated on load.
    std::map<std::string, std::string> autoscaler;

    // knative: where requests go when the cluster has no DNS for its services (e.g. a kind port mapping
    // http://127.0.0.1:8080); requests carry `Host: <the Service's status.url host>`. Empty: status.url itself.
    std::string ingress;
    // knative: where CloudEvents for a broker go (an exposed broker-ingress), with `Host:` of its status.address.url.
    // Empty: status.address.url itself.
    std::string brokerIngress;
    // knative, openwhisk: the image of a benchmark, with {benchmark}, {language} and {name} replaced
    // ("ghcr.io/me/faaswb-{benchmark}:{language}"). Empty: the suite's local images (local platform only).
    std::string images;
    // knative (and local): listen on this loopback address for OTLP/HTTP JSON spans while a run lasts
    // ("127.0.0.1:4318"); the run's spans then come from there. Empty: off.
    std::string otlpReceiver;
    std::optional<Nanos> deployTimeout;    // knative/openwhisk: Ready wait; default 120 s
    std::optional<Nanos> coldStartTimeout; // knative: scale-to-zero wait of a forced cold start; default 10 min
    // knative: autoscaling.knative.dev/window set on revisions whose benchmark sets none, so forced cold starts come
    // sooner (the user allows the workbench to change the stable window by setting this). Unset: left alone.
    std::optional<Nanos> coldStartWindow;
    AuthConfig auth;     // http
    std::string authKey; // openwhisk: "uuid:secret" (the AUTH of ~/.wskprops), sent as HTTP Basic
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

enum class ScenarioType {
    WarmLatency,
    ColdStart,
    ConcurrencyOne,
    Autoscaling,
    Load,
    Batch,
    WorkflowChain,
    Eventing,
    TraceReplay,
    PerfCost,
};
const char* scenarioTypeName(ScenarioType type) noexcept; // the YAML spelling: warm-latency, cold-start, ...

// A pass/fail criterion on one run metric (docs/scenarios.md "Thresholds"): `p99 < 200ms`, `error_rate < 0.1%`,
// `cold_start_p50 <= 1s`. `value` is in the metric's own unit (model/metric_catalog.h), converted on load.
struct Threshold {
    enum class Op { Less, LessEqual, Greater, GreaterEqual };
    std::string text;   // as written, shown in results
    std::string metric; // a catalogue name, e.g. p99 or handover_p50.hop2
    Op op = Op::Less;
    double value = 0;
};

// pull-based batch (seed 001): records from a source, K per request, T workers, results into a sink table.
struct BatchConfig {
    enum class SourceKind { Csv, Sqlite, Postgres };
    SourceKind sourceKind = SourceKind::Csv;
    std::string source;              // csv/sqlite: file path (absolute after load); postgres: the DSN (may hold ${ENV})
    std::string table = "source";    // sqlite/postgres: the table read
    std::string idColumn = "id";     // csv/sqlite/postgres: record id column (the row number when absent in csv)
    std::string textColumn = "text"; // the column sent as `text`
    std::optional<std::uint64_t> limit; // read at most this many records
    int batchSize = 10;                 // K records per request ({"records": [{id, text}, ...]})
    int workers = 1;                    // T requests in flight
    std::string sink;                   // sqlite file the results go to (absolute); empty = a temporary file
    std::string sinkTable = "sink";
};

// workflow-chain (seed 004): `steps` instances of 700.chain handing a payload on through `mechanism`.
struct ChainConfig {
    enum class Mechanism { Direct, Serving, Eventing, EventingServing };
    int steps = 3;
    Mechanism mechanism = Mechanism::Serving;
    std::uint64_t payloadBytes = 1024;
    double workMs = 0;           // busy work per step
    std::uint64_t requests = 20; // chain invocations measured (after `warmup` ones)
    std::uint64_t warmupRequests = 3;
};
const char* chainMechanismName(ChainConfig::Mechanism mechanism) noexcept; // direct|serving|eventing|eventing-serving

// eventing: CloudEvents into a broker at `rate` for `duration`, `triggers` triggers each delivering to its own
// 711.event-consumer service.
struct EventingConfig {
    int triggers = 1;
    int consumers = 1;              // parallel instances per consumer service (min = max scale)
    std::uint64_t payloadBytes = 0; // size of the event's data payload
};

// trace-replay: open-loop arrivals from a trace file.
struct ReplayConfig {
    enum class Format { AzureFunctions, Timestamps };
    enum class Distribution { Equidistant, Uniform, Exponential };
    Format format = Format::AzureFunctions;
    std::string file;     // absolute after load
    std::string function; // azure: HashFunction (or row number, 1-based) to replay; empty = the first row
    Distribution distribution = Distribution::Exponential;
    std::uint64_t seed = 1;
    std::optional<int> minutes; // azure: replay only the first N minutes
    double timeScale = 1.0;     // 60 = one trace minute replayed in one second
};

// cold-start and perf-cost: after each forced cold request, `warmRequests` warm ones (the warm side of the
// comparison).
struct ColdStartConfig {
    int warmRequests = 3;
};

// sweep: any scenario or benchmark field takes several values; each point is its own run (docs/scenarios.md).
struct SweepParameter {
    std::string path;                   // "rate", "payloadSize", "benchmark.memory", "benchmark.input.payload_size"
    std::vector<nlohmann::json> values; // as written in the file (scalars)
};
struct ScenarioConfig;
struct SweepPoint {
    int index = 0;                                    // 0-based within the scenario's sweep
    nlohmann::json values = nlohmann::json::object(); // path -> value of this point
    std::shared_ptr<const ScenarioConfig> scenario;   // the scenario with the values applied (no sweep)
    std::vector<BenchmarkConfig> benchmarks;          // Experiment::benchmarks with the values applied, same order
};
struct Sweep {
    enum class Mode { Grid, Zip };
    Mode mode = Mode::Grid;
    std::vector<SweepParameter> parameters;
    std::vector<SweepPoint> points; // grid: every combination, the last parameter varying fastest; zip: i-th values
};

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
    int repeat = 1;                        // each (benchmark x language x sweep point) cell runs this many times
    std::vector<Threshold> thresholds;
    ColdStartConfig coldStart;            // cold-start, perf-cost
    std::vector<std::string> memorySizes; // perf-cost: becomes a sweep of benchmark.memory
    BatchConfig batch;                    // batch
    ChainConfig chain;                    // workflow-chain
    EventingConfig eventing;              // eventing
    ReplayConfig replay;                  // trace-replay
    std::optional<Sweep> sweep;           // nullopt: one point, the scenario as written
    load::LoadModel loadModel() const;    // the load this scenario drives (for one repetition)
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
