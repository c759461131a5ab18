// The `scenarios` section: what load each (benchmark x language) cell gets, and the rules each scenario type
// needs to be runnable. Run-time semantics (e.g. concurrency-one forcing containerConcurrency 1) are the runner's.
#include "model/experiment_sections.h"
#include "model/sweep_expand.h"

#include <array>

namespace faaswb::model {
namespace {

using namespace std::chrono_literals;

constexpr std::array kScenarioTypes{ScenarioType::WarmLatency,   ScenarioType::ColdStart, ScenarioType::ConcurrencyOne,
                                    ScenarioType::Autoscaling,   ScenarioType::Load,      ScenarioType::Batch,
                                    ScenarioType::WorkflowChain, ScenarioType::Eventing,  ScenarioType::TraceReplay,
                                    ScenarioType::PerfCost};

const Words& scenarioTypeNames() {
    static const Words names = [] {
        Words all;
        for (ScenarioType type : kScenarioTypes)
            all.emplace_back(scenarioTypeName(type));
        return all;
    }();
    return names;
}

std::optional<ScenarioType> typeNamed(std::string_view name) {
    for (ScenarioType type : kScenarioTypes)
        if (name == scenarioTypeName(type))
            return type;
    return std::nullopt;
}

bool has(const YamlReader& reader, const Field& scenario, std::string_view key) {
    return reader.child(scenario, key).present();
}

void readLoadShape(YamlReader& reader, const Field& field, ScenarioConfig& scenario) {
    scenario.rate = reader.rate(reader.child(field, "rate"), false);
    scenario.connections = reader.integer(reader.child(field, "connections"), 1, 100'000);
    scenario.thinkTime = reader.duration(reader.child(field, "thinkTime"), 0s);
    scenario.duration = reader.duration(reader.child(field, "duration"), 1ms);
    setIf(scenario.warmup, reader.duration(reader.child(field, "warmup"), 0s));
    scenario.stages = readStages(reader, reader.child(field, "stages"));
    setIf(scenario.poisson, reader.boolean(reader.child(field, "poisson")));
    if (scenario.type != ScenarioType::WorkflowChain) // the chain counts invocations in ChainConfig::requests
        scenario.requests = reader.count(reader.child(field, "requests"), 1);
}

void readRunKnobs(YamlReader& reader, const Field& field, ScenarioConfig& scenario) {
    setIf(scenario.repetitions, reader.integer(reader.child(field, "repetitions"), 1, 10'000));
    scenario.timeout = reader.duration(reader.child(field, "timeout"), 1ms);
    scenario.threads = reader.integer(reader.child(field, "threads"), 1, 256);
    setIf(scenario.repeat, reader.integer(reader.child(field, "repeat"), 1, 1000));
}

struct Conflict {
    std::string_view first;
    std::string_view second;
    const char* why;
};

// Keys that describe different load models; the runner could only silently ignore one of them.
void checkConflicts(YamlReader& reader, const Field& field) {
    static const std::array<Conflict, 4> conflicts{{
        {"rate", "connections", "rate drives an open loop, connections a closed loop of virtual users"},
        {"rate", "stages", "stages replace a constant rate"},
        {"connections", "stages", "stages are open-loop rates; connections are virtual users"},
        {"stages", "duration", "the stages add up to the duration"},
    }};
    for (const Conflict& conflict : conflicts)
        if (has(reader, field, conflict.first) && has(reader, field, conflict.second))
            reader.error(reader.child(field, conflict.second), "'" + std::string(conflict.first) + "' and '" +
                                                                   std::string(conflict.second) +
                                                                   "' cannot both be set (" + conflict.why + ")");
    if (has(reader, field, "thinkTime") && !has(reader, field, "connections"))
        reader.error(reader.child(field, "thinkTime"), "'thinkTime' applies only with 'connections' (virtual users)");
    if (has(reader, field, "poisson") && has(reader, field, "connections"))
        reader.error(reader.child(field, "poisson"), "'poisson' applies only to open-loop load ('rate' or 'stages')");
}

// A key the type does not use is an error rather than silently ignored.
void checkKeysApply(YamlReader& reader, const Field& field, ScenarioType type) {
    for (const auto& [key, value] : reader.entries(field)) {
        const auto& keys = scenarioKeys();
        if (std::find(keys.begin(), keys.end(), key) == keys.end() || keyAppliesTo(key, type))
            continue;
        reader.error(value, "'" + key + "' applies only to " + keyUseText(key) + " scenarios, not to " +
                                scenarioTypeName(type));
    }
}

void needOneOf(YamlReader& reader, const Field& field, const std::string& type, const Words& keys) {
    for (std::string_view key : keys)
        if (has(reader, field, key))
            return;
    std::string options = "'" + keys.front() + "'";
    for (std::size_t i = 1; i < keys.size(); ++i)
        options += (i + 1 == keys.size() ? " or '" : ", '") + keys[i] + "'";
    const bool vowel = std::string_view("aeiou").find(type.front()) != std::string_view::npos;
    reader.error(field, (vowel ? "an " : "a ") + type + " scenario needs " + options);
}

void checkTypeNeeds(YamlReader& reader, const Field& field, ScenarioType type) {
    const std::string name = scenarioTypeName(type);
    switch (type) {
    case ScenarioType::WarmLatency:
    case ScenarioType::ConcurrencyOne:
        needOneOf(reader, field, name, {"rate", "connections"});
        needOneOf(reader, field, name, {"duration"});
        break;
    case ScenarioType::Autoscaling:
        if (!has(reader, field, "stages") && !(has(reader, field, "rate") && has(reader, field, "duration")))
            reader.error(field, "an autoscaling scenario needs 'stages', or 'rate' and 'duration'");
        break;
    case ScenarioType::Load:
        needOneOf(reader, field, name, {"rate", "stages", "connections"});
        needOneOf(reader, field, name, {"duration", "requests", "stages"});
        break;
    case ScenarioType::ColdStart:
        needOneOf(reader, field, name, {"repetitions"});
        break;
    case ScenarioType::PerfCost:
        needOneOf(reader, field, name, {"repetitions"});
        needOneOf(reader, field, name, {"memory"});
        break;
    case ScenarioType::Batch:
        needOneOf(reader, field, name, {"source"});
        break;
    case ScenarioType::Eventing:
        needOneOf(reader, field, name, {"rate"});
        needOneOf(reader, field, name, {"duration"});
        break;
    case ScenarioType::TraceReplay:
        needOneOf(reader, field, name, {"trace"});
        break;
    case ScenarioType::WorkflowChain: // every chain key has a default
        break;
    }
}

ScenarioConfig readScenario(YamlReader& reader, const Field& field, std::size_t index,
                            const BenchmarkSection& benchmarks) {
    const auto type = peekScenarioType(field);
    if (field.present() && field.node.IsMap() && type &&
        (has(reader, field, "sweep") || (*type == ScenarioType::PerfCost && has(reader, field, "memory"))))
        return readSweptScenario(reader, field, index, benchmarks);
    return readScenarioFields(reader, field);
}

} // namespace

std::optional<ScenarioType> peekScenarioType(const Field& field) {
    if (!field.present() || !field.node.IsMap())
        return std::nullopt;
    const YAML::Node type = field.node["type"];
    if (!type.IsDefined() || !type.IsScalar())
        return std::nullopt;
    return typeNamed(type.Scalar());
}

ScenarioConfig readScenarioFields(YamlReader& reader, const Field& field) {
    ScenarioConfig scenario;
    if (!reader.requiredMapping(field, scenarioKeys()))
        return scenario;
    reader.require(field, "name");
    reader.require(field, "type");
    setIf(scenario.name, reader.nonEmptyText(reader.child(field, "name")));
    const auto typeName = reader.choice(reader.child(field, "type"), scenarioTypeNames());
    const auto type = typeName ? typeNamed(*typeName) : std::nullopt;
    if (type)
        scenario.type = *type;
    readLoadShape(reader, field, scenario);
    readRunKnobs(reader, field, scenario);
    scenario.thresholds = readThresholds(reader, reader.child(field, "thresholds"), type);
    checkConflicts(reader, field);
    if (type) {
        checkKeysApply(reader, field, scenario.type);
        checkTypeNeeds(reader, field, scenario.type);
        readTypeFields(reader, field, scenario);
    }
    return scenario;
}

std::vector<ScenarioConfig> readScenarios(YamlReader& reader, const Field& field, const BenchmarkSection& benchmarks) {
    std::vector<ScenarioConfig> scenarios;
    if (!reader.nonEmptyList(field, "scenario"))
        return scenarios;
    DuplicateCheck duplicates("scenario name");
    for (const Field& item : reader.items(field)) {
        scenarios.push_back(readScenario(reader, item, scenarios.size(), benchmarks));
        if (!scenarios.back().name.empty())
            duplicates.check(reader, reader.child(item, "name"), scenarios.back().name);
    }
    return scenarios;
}

} // namespace faaswb::model
