// Which scenario keys each scenario type takes (docs/experiment-file.md). A key given to a type that ignores it is
// an error, so a misplaced `steps` or `rate` cannot look like it had an effect.
#include "model/experiment_sections.h"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace faaswb::model {
namespace {

using T = ScenarioType;

struct KeyUse {
    std::string_view key;
    std::vector<ScenarioType> types; // empty: every type
};

const std::vector<ScenarioType> kOpenLoop{T::WarmLatency, T::ConcurrencyOne, T::Autoscaling, T::Load, T::Eventing};

const std::vector<KeyUse>& keyUses() {
    static const std::vector<KeyUse> uses{
        {"name", {}},
        {"type", {}},
        {"repeat", {}},
        {"thresholds", {}},
        {"sweep", {}},
        {"timeout", {}},
        {"rate", kOpenLoop},
        {"duration", kOpenLoop},
        {"warmup", kOpenLoop},
        {"poisson", kOpenLoop},
        {"connections", {T::WarmLatency, T::ConcurrencyOne, T::Load}},
        {"thinkTime", {T::WarmLatency, T::ConcurrencyOne, T::Load}},
        {"stages", {T::Autoscaling, T::Load}},
        {"requests", {T::WarmLatency, T::ConcurrencyOne, T::Autoscaling, T::Load, T::WorkflowChain}},
        {"threads", {T::WarmLatency, T::ConcurrencyOne, T::Autoscaling, T::Load, T::Eventing, T::TraceReplay}},
        {"repetitions", {T::ColdStart, T::PerfCost}},
        {"warmRequests", {T::ColdStart, T::PerfCost}},
        {"memory", {T::PerfCost}},
        {"source", {T::Batch}},
        {"sink", {T::Batch}},
        {"idColumn", {T::Batch}},
        {"textColumn", {T::Batch}},
        {"limit", {T::Batch}},
        {"batchSize", {T::Batch}},
        {"workers", {T::Batch}},
        {"steps", {T::WorkflowChain}},
        {"mechanism", {T::WorkflowChain}},
        {"workMs", {T::WorkflowChain}},
        {"warmupRequests", {T::WorkflowChain}},
        {"payloadSize", {T::WorkflowChain, T::Eventing}},
        {"triggers", {T::Eventing}},
        {"consumers", {T::Eventing}},
        {"trace", {T::TraceReplay}},
        {"distribution", {T::TraceReplay}},
        {"seed", {T::TraceReplay}},
    };
    return uses;
}

const KeyUse* findUse(std::string_view key) {
    const auto& uses = keyUses();
    const auto it = std::find_if(uses.begin(), uses.end(), [key](const KeyUse& use) { return use.key == key; });
    return it == uses.end() ? nullptr : &*it;
}

} // namespace

const Words& scenarioKeys() {
    static const Words keys = [] {
        Words all;
        for (const KeyUse& use : keyUses())
            all.emplace_back(use.key);
        return all;
    }();
    return keys;
}

bool keyAppliesTo(std::string_view key, ScenarioType type) {
    const KeyUse* use = findUse(key);
    return use && (use->types.empty() || std::find(use->types.begin(), use->types.end(), type) != use->types.end());
}

std::string keyUseText(std::string_view key) {
    const KeyUse* use = findUse(key);
    if (!use || use->types.empty())
        return "every";
    std::string text;
    for (std::size_t i = 0; i < use->types.size(); ++i)
        text += std::string(i == 0                       ? ""
                            : i + 1 == use->types.size() ? " and "
                                                         : ", ") +
                scenarioTypeName(use->types[i]);
    return text;
}

const Words& nestedScenarioKeys(std::string_view key) {
    static const Words none;
    static const Words trace{"file", "format", "function", "minutes", "timeScale"};
    static const Words source{"csv", "sqlite", "postgres", "table"};
    static const Words sink{"sqlite", "table"};
    if (key == "trace")
        return trace;
    if (key == "source")
        return source;
    return key == "sink" ? sink : none;
}

} // namespace faaswb::model
