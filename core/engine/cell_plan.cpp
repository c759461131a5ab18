#include "engine/cell_plan.h"

#include "common/units.h"
#include "localplatform/sebs_function.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace faaswb::engine {
namespace {

// "010.sleep" + "python" -> "sleep-python": Kubernetes names are DNS labels.
std::string serviceName(const std::string& benchmarkId, const std::string& language) {
    const auto dot = benchmarkId.find('.');
    std::string base = dot == std::string::npos ? benchmarkId : benchmarkId.substr(dot + 1);
    std::string name;
    for (char c : base + "-" + language)
        name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
    return name;
}

std::string seconds(model::Nanos duration) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) + "s";
}

std::string number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

// A SeBS directory has no suite image: the local platform serves it from its path (resolveLocalImage).
std::string imageFor(const model::BenchmarkConfig& benchmark, const std::string& language) {
    if (!benchmark.source.empty())
        return localplatform::localPathImage(benchmark.source, language);
    return "local/" + benchmark.id + ":" + language;
}

platform::FunctionSpec functionFor(const model::BenchmarkConfig& benchmark, const std::string& language,
                                   const model::ScenarioConfig& scenario) {
    platform::FunctionSpec spec;
    spec.name = serviceName(benchmark.id, language);
    spec.benchmark = benchmark.id;
    spec.language = language;
    spec.image = imageFor(benchmark, language);
    spec.containerConcurrency =
        scenario.type == model::ScenarioType::ConcurrencyOne ? 1 : benchmark.containerConcurrency;
    spec.timeoutSeconds = benchmark.timeoutSeconds;
    spec.memory = benchmark.memory;
    spec.annotations = autoscalingAnnotations(benchmark.autoscaling);
    if (scenario.type == model::ScenarioType::Eventing) {
        // A fixed number of consumer instances, so the eventing driver can read every instance's counters.
        const std::string consumers = std::to_string(scenario.eventing.consumers);
        for (const char* key : {"min-scale", "max-scale", "initial-scale"})
            spec.annotations[std::string("autoscaling.knative.dev/") + key] = consumers;
    }
    spec.env = benchmark.env;
    return spec;
}

std::string joinUrl(const std::string& base, const std::string& path) {
    if (path.empty() || path == "/")
        return base;
    if (!base.empty() && base.back() == '/')
        return base + path.substr(1);
    return base + path;
}

load::HttpVersion httpVersion(const std::string& text) {
    if (text == "2")
        return load::HttpVersion::Http2;
    if (text == "h2c")
        return load::HttpVersion::Http2PriorKnowledge;
    return load::HttpVersion::Http1_1;
}

} // namespace

namespace {

bool listsLanguage(const model::BenchmarkConfig& benchmark, const std::string& language) {
    return std::find(benchmark.languages.begin(), benchmark.languages.end(), language) != benchmark.languages.end();
}

// The (benchmark, scenario) pairs of one base cell: the scenario as written, or one per sweep point.
struct PointCell {
    const model::BenchmarkConfig* benchmark;
    const model::ScenarioConfig* scenario;
    const model::SweepPoint* point;
};

std::vector<PointCell> pointCells(const model::ScenarioConfig& scenario, std::size_t benchmarkIndex,
                                  const model::BenchmarkConfig& benchmark, const std::string& language) {
    if (!scenario.sweep)
        return {{&benchmark, &scenario, nullptr}};
    std::vector<PointCell> cells;
    for (const auto& point : scenario.sweep->points) {
        const auto* copy = benchmarkIndex < point.benchmarks.size() ? &point.benchmarks[benchmarkIndex] : &benchmark;
        if (listsLanguage(*copy, language))
            cells.push_back({copy, point.scenario ? point.scenario.get() : &scenario, &point});
    }
    return cells;
}

} // namespace

std::vector<CellPlan> planCells(const model::Experiment& experiment) {
    std::vector<CellPlan> cells;
    for (std::size_t b = 0; b < experiment.benchmarks.size(); ++b) {
        const auto& benchmark = experiment.benchmarks[b];
        for (const auto& language : benchmark.languages)
            for (const auto& scenario : experiment.scenarios)
                for (const PointCell& point : pointCells(scenario, b, benchmark, language))
                    for (int repeat = 0; repeat < std::max(1, scenario.repeat); ++repeat) {
                        CellPlan plan;
                        plan.cell = static_cast<int>(cells.size());
                        plan.benchmark = point.benchmark;
                        plan.scenario = point.scenario;
                        plan.scenarioName = scenario.name;
                        plan.language = language;
                        plan.sweepPoint = point.point;
                        plan.repeat = repeat;
                        plan.function = functionFor(*point.benchmark, language, *point.scenario);
                        cells.push_back(std::move(plan));
                    }
    }
    return cells;
}

std::map<std::string, std::string> autoscalingAnnotations(const model::AutoscalingConfig& a) {
    std::map<std::string, std::string> out;
    const std::string prefix = "autoscaling.knative.dev/";
    auto put = [&](const char* key, const auto& value, auto format) {
        if (value)
            out[prefix + key] = format(*value);
    };
    auto text = [](const std::string& s) { return s; };
    auto integer = [](int v) { return std::to_string(v); };
    put("metric", a.metric, text);
    put("target", a.target, number);
    put("target-utilization-percentage", a.targetUtilizationPercentage, number);
    put("window", a.window, seconds);
    put("panic-window-percentage", a.panicWindowPercentage, number);
    put("panic-threshold-percentage", a.panicThresholdPercentage, number);
    put("min-scale", a.minScale, integer);
    put("max-scale", a.maxScale, integer);
    put("initial-scale", a.initialScale, integer);
    put("activation-scale", a.activationScale, integer);
    put("scale-down-delay", a.scaleDownDelay, seconds);
    put("scale-to-zero-pod-retention-period", a.scaleToZeroPodRetention, seconds);
    put("target-burst-capacity", a.targetBurstCapacity, number);
    return out;
}

load::RequestSpec requestFor(const CellPlan& plan, const platform::Deployment& deployment,
                             const model::Settings& settings) {
    load::RequestSpec request;
    request.url = joinUrl(deployment.url, plan.benchmark->path);
    request.method = plan.benchmark->method;
    request.headers = deployment.headers;
    for (const auto& header : plan.benchmark->headers)
        request.headers.push_back(header);
    if (request.method != "GET" && request.method != "HEAD") {
        request.body = plan.benchmark->input.dump();
        request.headers.emplace_back("Content-Type", "application/json");
    }
    request.httpVersion = httpVersion(settings.httpVersion);
    request.verifyTls = !settings.insecureSkipTlsVerify && !deployment.skipTlsVerify;
    request.auth = deployment.auth;
    if (plan.scenario->timeout)
        request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*plan.scenario->timeout);
    return request;
}

namespace {

// The type-specific settings, so a run's config_json says exactly what it ran (never a DSN: it may hold a password).
void describeScenarioShape(nlohmann::json& s, const model::ScenarioConfig& scenario) {
    using Type = model::ScenarioType;
    switch (scenario.type) {
    case Type::ColdStart:
    case Type::PerfCost:
        s["warm_requests"] = scenario.coldStart.warmRequests;
        break;
    case Type::Batch: {
        const auto& batch = scenario.batch;
        const bool postgres = batch.sourceKind == model::BatchConfig::SourceKind::Postgres;
        s["batch"] = {{"source", postgres ? std::string("postgres") : batch.source},
                      {"table", batch.table},
                      {"batch_size", batch.batchSize},
                      {"workers", batch.workers}};
        if (batch.limit)
            s["batch"]["limit"] = *batch.limit;
        break;
    }
    case Type::WorkflowChain:
        s["chain"] = {{"steps", scenario.chain.steps},
                      {"mechanism", model::chainMechanismName(scenario.chain.mechanism)},
                      {"payload_bytes", scenario.chain.payloadBytes},
                      {"work_ms", scenario.chain.workMs},
                      {"requests", scenario.chain.requests}};
        break;
    case Type::Eventing:
        s["eventing"] = {{"triggers", scenario.eventing.triggers},
                         {"consumers", scenario.eventing.consumers},
                         {"payload_bytes", scenario.eventing.payloadBytes}};
        break;
    case Type::TraceReplay:
        s["replay"] = {{"file", scenario.replay.file},
                       {"function", scenario.replay.function},
                       {"time_scale", scenario.replay.timeScale},
                       {"seed", scenario.replay.seed}};
        break;
    default:
        break;
    }
}

} // namespace

nlohmann::json describeCell(const CellPlan& plan, const model::Experiment& experiment) {
    const auto& scenario = *plan.scenario;
    nlohmann::json config = {
        {"scenario", {{"name", scenario.name}, {"type", model::scenarioTypeName(scenario.type)}}},
        {"benchmark", {{"id", plan.benchmark->id}, {"language", plan.language}, {"input", plan.benchmark->input}}},
        {"function",
         {{"name", plan.function.name},
          {"image", plan.function.image},
          {"containerConcurrency", plan.function.containerConcurrency},
          {"annotations", plan.function.annotations}}},
        {"platform", experiment.platform},
        {"interval_ms", std::chrono::duration_cast<std::chrono::milliseconds>(experiment.settings.interval).count()},
    };
    auto& s = config["scenario"];
    if (scenario.rate)
        s["rate_rps"] = *scenario.rate;
    if (scenario.connections)
        s["connections"] = *scenario.connections;
    if (scenario.duration)
        s["duration"] = formatDuration(*scenario.duration);
    s["warmup"] = formatDuration(scenario.warmup);
    if (scenario.requests)
        s["requests"] = *scenario.requests;
    s["repetitions"] = scenario.repetitions;
    s["repeat"] = scenario.repeat;
    s["poisson"] = scenario.poisson;
    for (const auto& stage : scenario.stages)
        s["stages"].push_back(
            {{"from_rps", stage.fromRps}, {"to_rps", stage.toRps}, {"for", formatDuration(stage.duration)}});
    describeScenarioShape(s, scenario);
    if (plan.function.memory)
        config["function"]["memory"] = *plan.function.memory;
    if (plan.sweepPoint)
        config["sweep"] = {{"index", plan.sweepPoint->index}, {"values", plan.sweepPoint->values}};
    config["repeat"] = plan.repeat;
    return config;
}

} // namespace faaswb::engine
