// The `scenarios` section: what load each (benchmark x language) cell gets, and the rules each scenario type
// needs to be runnable. Run-time semantics (e.g. concurrency-one forcing containerConcurrency 1) are the runner's.
#include "model/experiment_sections.h"

#include <array>

namespace faaswb::model {
namespace {

using namespace std::chrono_literals;

const Words kScenarioKeys{"name",   "type",    "rate",     "connections", "thinkTime", "duration", "warmup",
                          "stages", "poisson", "requests", "repetitions", "timeout",   "threads"};
const Words kScenarioTypes{"warm-latency", "cold-start", "concurrency-one", "autoscaling",
                           "load",         "batch",      "workflow-chain",  "eventing"};
const Words kStageKeys{"rate", "from", "to", "for"};

ScenarioType scenarioTypeFrom(const std::string& name) {
    for (ScenarioType type :
         {ScenarioType::WarmLatency, ScenarioType::ColdStart, ScenarioType::ConcurrencyOne, ScenarioType::Autoscaling,
          ScenarioType::Load, ScenarioType::Batch, ScenarioType::WorkflowChain, ScenarioType::Eventing})
        if (name == scenarioTypeName(type))
            return type;
    return ScenarioType::WarmLatency;
}

bool has(const YamlReader& reader, const Field& scenario, std::string_view key) {
    return reader.child(scenario, key).present();
}

void readStageRates(YamlReader& reader, const Field& field, load::RateStage& stage) {
    const bool step = has(reader, field, "rate");
    const bool ramp = has(reader, field, "from") || has(reader, field, "to");
    if (step && ramp)
        reader.error(reader.child(field, "rate"), "give either 'rate' (a step) or 'from' and 'to' (a linear ramp)");
    else if (!step && !ramp)
        reader.error(field, "missing 'rate' (a step) or 'from' and 'to' (a linear ramp)");
    else if (ramp && reader.require(field, "from"))
        reader.require(field, "to");
    if (const auto rate = reader.rate(reader.child(field, "rate"), true))
        stage.fromRps = stage.toRps = *rate;
    setIf(stage.fromRps, reader.rate(reader.child(field, "from"), true));
    setIf(stage.toRps, reader.rate(reader.child(field, "to"), true));
}

load::RateStage readStage(YamlReader& reader, const Field& field) {
    load::RateStage stage;
    if (!reader.requiredMapping(field, kStageKeys))
        return stage;
    reader.require(field, "for", " (how long the stage lasts, e.g. 30s)");
    setIf(stage.duration, reader.duration(reader.child(field, "for"), 1ms));
    readStageRates(reader, field, stage);
    return stage;
}

std::vector<load::RateStage> readStages(YamlReader& reader, const Field& field) {
    std::vector<load::RateStage> stages;
    if (!reader.nonEmptyList(field, "stage"))
        return stages;
    for (const Field& item : reader.items(field))
        stages.push_back(readStage(reader, item));
    return stages;
}

void readLoadShape(YamlReader& reader, const Field& field, ScenarioConfig& scenario) {
    scenario.rate = reader.rate(reader.child(field, "rate"), false);
    scenario.connections = reader.integer(reader.child(field, "connections"), 1, 100'000);
    scenario.thinkTime = reader.duration(reader.child(field, "thinkTime"), 0s);
    scenario.duration = reader.duration(reader.child(field, "duration"), 1ms);
    setIf(scenario.warmup, reader.duration(reader.child(field, "warmup"), 0s));
    scenario.stages = readStages(reader, reader.child(field, "stages"));
    setIf(scenario.poisson, reader.boolean(reader.child(field, "poisson")));
    scenario.requests = reader.count(reader.child(field, "requests"), 1);
}

void readRunKnobs(YamlReader& reader, const Field& field, ScenarioConfig& scenario) {
    setIf(scenario.repetitions, reader.integer(reader.child(field, "repetitions"), 1, 10'000));
    scenario.timeout = reader.duration(reader.child(field, "timeout"), 1ms);
    scenario.threads = reader.integer(reader.child(field, "threads"), 1, 256);
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

void needOneOf(YamlReader& reader, const Field& field, const std::string& type, const Words& keys) {
    for (std::string_view key : keys)
        if (has(reader, field, key))
            return;
    std::string options = "'" + keys.front() + "'";
    for (std::size_t i = 1; i < keys.size(); ++i)
        options += (i + 1 == keys.size() ? " or '" : ", '") + keys[i] + "'";
    reader.error(field, "a " + type + " scenario needs " + options);
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
    default: // batch, workflow-chain, eventing: their own fields come later; the common ones are checked above
        break;
    }
}

ScenarioConfig readScenario(YamlReader& reader, const Field& field) {
    ScenarioConfig scenario;
    if (!reader.requiredMapping(field, kScenarioKeys))
        return scenario;
    reader.require(field, "name");
    reader.require(field, "type");
    setIf(scenario.name, reader.nonEmptyText(reader.child(field, "name")));
    const auto type = reader.choice(reader.child(field, "type"), kScenarioTypes);
    readLoadShape(reader, field, scenario);
    readRunKnobs(reader, field, scenario);
    checkConflicts(reader, field);
    if (type) {
        scenario.type = scenarioTypeFrom(*type);
        checkTypeNeeds(reader, field, scenario.type);
    }
    return scenario;
}

} // namespace

std::vector<ScenarioConfig> readScenarios(YamlReader& reader, const Field& field) {
    std::vector<ScenarioConfig> scenarios;
    if (!reader.nonEmptyList(field, "scenario"))
        return scenarios;
    DuplicateCheck duplicates("scenario name");
    for (const Field& item : reader.items(field)) {
        scenarios.push_back(readScenario(reader, item));
        if (!scenarios.back().name.empty())
            duplicates.check(reader, reader.child(item, "name"), scenarios.back().name);
    }
    return scenarios;
}

} // namespace faaswb::model
