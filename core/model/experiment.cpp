#include "model/experiment.h"

namespace faaswb::model {

const char* platformTypeName(PlatformType type) noexcept {
    switch (type) {
    case PlatformType::Local:
        return "local";
    case PlatformType::Http:
        return "http";
    case PlatformType::Knative:
        return "knative";
    case PlatformType::OpenWhisk:
        return "openwhisk";
    }
    return "unknown";
}

const char* authTypeName(AuthType type) noexcept {
    switch (type) {
    case AuthType::None:
        return "none";
    case AuthType::Bearer:
        return "bearer";
    case AuthType::Basic:
        return "basic";
    case AuthType::AwsSigV4:
        return "sigv4";
    }
    return "unknown";
}

const char* scenarioTypeName(ScenarioType type) noexcept {
    switch (type) {
    case ScenarioType::WarmLatency:
        return "warm-latency";
    case ScenarioType::ColdStart:
        return "cold-start";
    case ScenarioType::ConcurrencyOne:
        return "concurrency-one";
    case ScenarioType::Autoscaling:
        return "autoscaling";
    case ScenarioType::Load:
        return "load";
    case ScenarioType::Batch:
        return "batch";
    case ScenarioType::WorkflowChain:
        return "workflow-chain";
    case ScenarioType::Eventing:
        return "eventing";
    case ScenarioType::TraceReplay:
        return "trace-replay";
    case ScenarioType::PerfCost:
        return "perf-cost";
    }
    return "unknown";
}

const char* chainMechanismName(ChainConfig::Mechanism mechanism) noexcept {
    switch (mechanism) {
    case ChainConfig::Mechanism::Direct:
        return "direct";
    case ChainConfig::Mechanism::Serving:
        return "serving";
    case ChainConfig::Mechanism::Eventing:
        return "eventing";
    case ChainConfig::Mechanism::EventingServing:
        return "eventing-serving";
    }
    return "unknown";
}

const PlatformConfig* Experiment::findPlatform(const std::string& platformName) const {
    // `local` needs no declaration, so an experiment that only says `platform: local` still finds a config.
    static const PlatformConfig builtinLocal = [] {
        PlatformConfig config;
        config.name = "local";
        return config;
    }();
    const std::string& wanted = platformName.empty() ? platform : platformName;
    auto it = platforms.find(wanted);
    if (it != platforms.end())
        return &it->second;
    return wanted == "local" ? &builtinLocal : nullptr;
}

} // namespace faaswb::model

namespace faaswb::model {

load::LoadModel ScenarioConfig::loadModel() const {
    load::LoadModel model;
    const Nanos length = duration.value_or(Nanos{0});
    if (connections)
        model.shape = load::ClosedLoop{*connections, thinkTime.value_or(Nanos{0}), length};
    else if (!stages.empty())
        model.shape = load::OpenLoop{stages, poisson};
    else
        model.shape = load::OpenLoop{{load::RateStage{rate.value_or(0), rate.value_or(0), length}}, poisson};
    model.maxRequests = requests;
    return model;
}

} // namespace faaswb::model
