// The fuzz targets' entry functions, shared by the libFuzzer executables (fuzz_<target>.cpp) and the regression test
// (tst_fuzz_regressions) so both feed inputs through exactly the same product code. Each function hands the bytes to
// the parsing entry point the product uses; a crash, sanitizer report, escaping exception or hang is a bug. A few
// documented properties are checked too (they abort when broken): see fuzz_entries.cpp.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace faaswb::fuzz {

enum class Target { ExperimentYaml, KubeconfigYaml, Cloudevent, Spans, GatewayRequest, WatchStream };

// The folder name of a target under tests/fuzz/corpus and tests/fuzz/regressions ("experiment_yaml", ...).
std::string_view targetName(Target target);
std::optional<Target> targetNamed(std::string_view name);
const std::vector<Target>& allTargets();

void run(Target target, std::string_view input);

} // namespace faaswb::fuzz
