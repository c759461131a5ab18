// Which paths a sweep may set: scenario keys the scenario's type takes (and the keys inside its trace/source/sink
// mappings), `language`, and `benchmark.<key>` into every benchmark entry (input, headers and env at any key below).
#include "model/sweep_paths.h"

#include "common/suggest.h"

#include <algorithm>

namespace faaswb::model {
namespace {

const Words kNeverSwept{"name", "type", "sweep", "repeat", "thresholds"};
const Words kBenchmarkIdentity{"id", "source", "languages"};

bool contains(const Words& words, std::string_view word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

std::string unknownKey(const std::string& key, const Words& candidates, const std::string& where) {
    return "unknown key '" + key + "'" + where + didYouMean(key, candidates);
}

std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> keys;
    std::size_t start = 0;
    for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
        keys.push_back(path.substr(start, dot - start));
        start = dot + 1;
    }
    keys.push_back(path.substr(start));
    return keys;
}

Result<SweepPath> scenarioPath(std::vector<std::string> keys, ScenarioType type) {
    const std::string& key = keys.front();
    if (contains(kNeverSwept, key))
        return invalidInput("'" + key + "' cannot be swept");
    if (key == "memory")
        return invalidInput("a perf-cost scenario's 'memory' list is its memory sweep already");
    if (!contains(scenarioKeys(), key))
        return invalidInput(unknownKey(key, scenarioKeys(), "") +
                            " (a sweep path is a scenario key, 'language' or 'benchmark.<key>')");
    if (!keyAppliesTo(key, type))
        return invalidInput("'" + key + "' applies only to " + keyUseText(key) + " scenarios, not to " +
                            scenarioTypeName(type));
    const Words& nested = nestedScenarioKeys(key);
    if (keys.size() > 1 && nested.empty())
        return invalidInput("'" + key + "' has no keys below it");
    if (keys.size() > 2)
        return invalidInput("'" + keys[1] + "' has no keys below it");
    if (keys.size() == 2 && !contains(nested, keys[1]))
        return invalidInput(unknownKey(keys[1], nested, " under '" + key + "'"));
    return SweepPath{SweepPath::Target::Scenario, std::move(keys)};
}

Result<SweepPath> benchmarkPath(std::vector<std::string> keys) {
    if (keys.empty())
        return invalidInput("expected 'benchmark.<key>', e.g. benchmark.memory");
    const std::string& key = keys.front();
    if (contains(kBenchmarkIdentity, key))
        return invalidInput("'benchmark." + key + "' cannot be swept" +
                            (key == "languages" ? " (sweep 'language' to run one language per point)" : ""));
    if (!contains(benchmarkKeys(), key))
        return invalidInput(unknownKey(key, benchmarkKeys(), " in benchmarks"));
    const bool freeForm = key == "input" || key == "headers" || key == "env";
    const std::size_t maxDepth = key == "input" ? keys.size() : freeForm || key == "autoscaling" ? 2 : 1;
    if (keys.size() > maxDepth)
        return invalidInput("'" + keys[maxDepth - 1] + "' has no keys below it");
    if (key == "autoscaling" && keys.size() == 2 && !contains(autoscalingKeys(), keys[1]))
        return invalidInput(unknownKey(keys[1], autoscalingKeys(), " under 'autoscaling'"));
    return SweepPath{SweepPath::Target::Benchmark, std::move(keys)};
}

} // namespace

Result<SweepPath> parseSweepPath(const std::string& path, ScenarioType type) {
    std::vector<std::string> keys = split(path);
    if (std::any_of(keys.begin(), keys.end(), [](const std::string& key) { return key.empty(); }))
        return invalidInput("expected a path of keys joined by '.', got '" + path + "'");
    if (path == "language")
        return SweepPath{SweepPath::Target::Language, {}};
    if (keys.front() == "benchmark")
        return benchmarkPath(std::vector<std::string>(keys.begin() + 1, keys.end()));
    return scenarioPath(std::move(keys), type);
}

bool overlaps(const SweepPath& a, const SweepPath& b) {
    if (a.target != b.target)
        return false;
    const std::size_t common = std::min(a.keys.size(), b.keys.size());
    return std::equal(a.keys.begin(), a.keys.begin() + static_cast<long>(common), b.keys.begin());
}

} // namespace faaswb::model
