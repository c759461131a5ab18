#include "engine/scenario_driver.h"

namespace faaswb::engine {

std::unique_ptr<ScenarioDriver> makeScenarioDriver(const model::ScenarioConfig& scenario) {
    using Type = model::ScenarioType;
    switch (scenario.type) {
    case Type::WarmLatency:
    case Type::ConcurrencyOne:
    case Type::Load:
        return makeLoadDriver();
    case Type::Autoscaling:
        return makeAutoscalingDriver();
    case Type::ColdStart:
    case Type::PerfCost:
        return makeColdStartDriver();
    case Type::Batch:
        return makeBatchDriver();
    case Type::WorkflowChain:
        return makeChainDriver();
    case Type::Eventing:
        return makeEventingDriver();
    case Type::TraceReplay:
        return makeReplayDriver();
    }
    return makeLoadDriver();
}

} // namespace faaswb::engine
