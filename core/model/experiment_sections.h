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
std::vector<ScenarioConfig> readScenarios(YamlReader& reader, const Field& field);
Settings readSettings(YamlReader& reader, const Field& field);

} // namespace faaswb::model
