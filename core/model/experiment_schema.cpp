#include "model/experiment_schema.h"

#include "model/experiment_sections.h"

namespace faaswb::model {

const std::vector<SchemaSection>& experimentSchema() {
    static const std::vector<SchemaSection> schema{
        {"", topLevelKeys()},
        {"settings", settingsKeys()},
        {"platforms.NAME", platformKeys()},
        {"platforms.NAME.auth", platformAuthKeys()},
        {"benchmarks[]", benchmarkKeys()},
        {"benchmarks[].autoscaling", autoscalingKeys()},
        {"scenarios[]", scenarioKeys()},
        {"scenarios[].stages[]", stageKeys()},
        {"scenarios[].stages[].sine", sineKeys()},
        {"scenarios[].trace", nestedScenarioKeys("trace")},
        {"scenarios[].source", nestedScenarioKeys("source")},
        {"scenarios[].sink", nestedScenarioKeys("sink")},
    };
    return schema;
}

} // namespace faaswb::model
