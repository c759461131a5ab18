#include "ui/setup/benchmark_catalog.h"

#include "common/paths.h"

#include <algorithm>
#include <filesystem>
#include <yaml-cpp/yaml.h>

namespace faaswb::ui {
namespace {

BenchmarkEntry readEntry(const std::filesystem::path& dir) {
    BenchmarkEntry entry;
    entry.id = QString::fromStdString(dir.filename().string());
    try {
        const YAML::Node root = YAML::LoadFile((dir / "benchmark.yaml").string());
        entry.description = QString::fromStdString(root["description"].as<std::string>("")).simplified();
        for (const auto& language : root["languages"])
            entry.languages.append(QString::fromStdString(language.as<std::string>()));
        for (const auto& input : root["inputs"])
            entry.sizes.append(QString::fromStdString(input.first.as<std::string>()));
    } catch (const YAML::Exception&) {
        // Listed anyway: the validator and the runner report what is wrong with it.
    }
    return entry;
}

} // namespace

std::vector<BenchmarkEntry> loadBenchmarkCatalog() {
    std::vector<BenchmarkEntry> entries;
    std::error_code error;
    for (const auto& item : std::filesystem::directory_iterator(benchmarksRoot(), error))
        if (std::filesystem::exists(item.path() / "benchmark.yaml", error))
            entries.push_back(readEntry(item.path()));
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return entries;
}

} // namespace faaswb::ui
