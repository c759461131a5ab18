// Readers for the sections of an experiment file; each reports its problems into the shared YamlReader and
// returns what it could read. Private to core/model. Called from one load at a time.
#pragma once

#include "model/experiment.h"
#include "model/yaml_reader.h"

#include <map>
#include <string>
#include <vector>

namespace faaswb::model {

std::map<std::string, PlatformConfig> readPlatforms(YamlReader& reader, const Field& field);
std::vector<BenchmarkConfig> readBenchmarks(YamlReader& reader, const Field& field);
BenchmarkConfig readBenchmark(YamlReader& reader, const Field& field); // one entry of `benchmarks`
const Words& benchmarkKeys();
const Words& autoscalingKeys();
// The keys each section's reader accepts, for experimentSchema() (experiment_schema.h).
const Words& topLevelKeys();     // experiment_loader.cpp
const Words& settingsKeys();     // experiment_loader.cpp
const Words& platformKeys();     // platform_reader.cpp
const Words& platformAuthKeys(); // platform_reader.cpp
const Words& stageKeys();        // scenario_stages.cpp
const Words& sineKeys();         // scenario_stages.cpp

// The `benchmarks` section as written and as read: sweeps re-read its entries with values applied.
struct BenchmarkSection {
    Field field;
    const std::vector<BenchmarkConfig>& configs;
};
std::vector<ScenarioConfig> readScenarios(YamlReader& reader, const Field& field, const BenchmarkSection& benchmarks);
Settings readSettings(YamlReader& reader, const Field& field);

// One scenario entry without its `sweep` (scenario_reader.cpp); sweeps call it once per point.
ScenarioConfig readScenarioFields(YamlReader& reader, const Field& field);
// The scenario type the entry names, when it names a known one (no issue reported).
std::optional<ScenarioType> peekScenarioType(const Field& field);
// Every scenario key, and whether `key` applies to `type` (scenario_keys.cpp).
const Words& scenarioKeys();
bool keyAppliesTo(std::string_view key, ScenarioType type);
std::string keyUseText(std::string_view key); // "workflow-chain and eventing"
// Keys of the nested scenario mappings a sweep path may reach into (trace.timeScale); empty for plain keys.
const Words& nestedScenarioKeys(std::string_view key);

// Type-specific sections (scenario_types_reader.cpp).
void readTypeFields(YamlReader& reader, const Field& field, ScenarioConfig& scenario);
std::vector<Threshold> readThresholds(YamlReader& reader, const Field& field, std::optional<ScenarioType> type);
std::vector<load::RateStage> readStages(YamlReader& reader, const Field& field); // scenario_stages.cpp

} // namespace faaswb::model
