// Every document of a YAML text, as YAML::LoadAll reads them, but never looping forever: yaml-cpp 0.7 (Debian 12)
// can get stuck on some malformed inputs (",\n" is one), returning the same empty document again and again while
// its memory grows without bound (jbeder/yaml-cpp#1319, fixed upstream after 0.8).
#pragma once

#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace faaswb {

// Throws what YAML::LoadAll throws; on the input that would never end, a YAML::ParserException at the place where
// the parser stopped making progress.
std::vector<YAML::Node> loadYamlDocuments(const std::string& text);

} // namespace faaswb
