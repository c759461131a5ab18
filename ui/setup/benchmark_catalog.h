// The benchmark suite as the setup form lists it: id, first sentence of the description, languages and input sizes,
// read from benchmarks/*/benchmark.yaml under faaswb::benchmarksRoot(). Pure; any thread.
#pragma once

#include <QString>
#include <QStringList>
#include <vector>

namespace faaswb::ui {

struct BenchmarkEntry {
    QString id;          // 010.sleep
    QString description; // the full description (tooltip)
    QStringList languages;
    QStringList sizes; // keys of `inputs`: test, small, large
};

// Sorted by id; a benchmark.yaml that does not parse is listed with its id only.
std::vector<BenchmarkEntry> loadBenchmarkCatalog();

} // namespace faaswb::ui
