// The `benchmarks` section: which functions to deploy and how (request shape, limits, Knative autoscaling).
#include "common/units.h"
#include "model/experiment_sections.h"
#include "model/sebs_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace faaswb::model {
namespace {

using namespace std::chrono_literals;

const Words kBenchmarkKeys{"id",
                           "source",
                           "languages",
                           "input",
                           "size",
                           "method",
                           "path",
                           "headers",
                           "containerConcurrency",
                           "timeoutSeconds",
                           "memory",
                           "env",
                           "autoscaling"};
const Words kLanguages{"cpp", "python", "nodejs"};
const Words kSizes{"test", "small", "large"};
const Words kMethods{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
const Words kMetrics{"concurrency", "rps"};
const Words kAutoscalingKeys{"metric",
                             "target",
                             "targetUtilizationPercentage",
                             "window",
                             "panicWindowPercentage",
                             "panicThresholdPercentage",
                             "minScale",
                             "maxScale",
                             "initialScale",
                             "activationScale",
                             "scaleDownDelay",
                             "scaleToZeroPodRetention",
                             "targetBurstCapacity"};

bool isBenchmarkId(const std::string& id) {
    const std::size_t dot = id.find('.');
    if (dot == 0 || dot == std::string::npos || dot + 1 == id.size())
        return false;
    const auto isDigit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
    const auto isNameChar = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; };
    return std::all_of(id.begin(), id.begin() + static_cast<long>(dot), isDigit) &&
           std::all_of(id.begin() + static_cast<long>(dot) + 1, id.end(), isNameChar);
}

// Kubernetes resource quantities as used for memory limits: 256Mi, 1Gi, 512M, 1000000.
bool isMemoryQuantity(const std::string& text) {
    const std::size_t digits = text.find_first_not_of("0123456789.");
    if (digits == 0 || std::count(text.begin(), text.end(), '.') > 1)
        return false;
    const std::string suffix = digits == std::string::npos ? "" : text.substr(digits);
    const Words suffixes{"", "Ki", "Mi", "Gi", "Ti", "k", "M", "G", "T"};
    return std::find(suffixes.begin(), suffixes.end(), suffix) != suffixes.end();
}

std::optional<std::string> readId(YamlReader& reader, const Field& field) {
    auto id = reader.text(field);
    if (!id || isBenchmarkId(*id))
        return id;
    reader.error(field, "expected a benchmark id such as 010.sleep (digits, '.', name), got '" + *id + "'");
    return std::nullopt;
}

std::optional<std::vector<std::string>> readLanguages(YamlReader& reader, const Field& field) {
    if (!reader.nonEmptyList(field, "language"))
        return std::nullopt;
    std::vector<std::string> languages;
    DuplicateCheck duplicates("language");
    for (const Field& item : reader.items(field)) {
        if (auto language = reader.choice(item, kLanguages)) {
            duplicates.check(reader, item, *language);
            languages.push_back(*language);
        }
    }
    return languages;
}

std::optional<std::string> readPath(YamlReader& reader, const Field& field) {
    auto path = reader.text(field);
    if (!path || path->starts_with('/'))
        return path;
    reader.error(field, "expected a path starting with '/', got '" + *path + "'");
    return std::nullopt;
}

std::optional<std::string> readMemory(YamlReader& reader, const Field& field) {
    auto memory = reader.text(field);
    if (!memory || isMemoryQuantity(*memory))
        return memory;
    reader.error(field, "expected a memory size such as 128Mi or 1Gi, got '" + *memory + "'");
    return std::nullopt;
}

// Knative takes these in whole seconds only.
std::optional<Nanos> wholeSeconds(YamlReader& reader, const Field& field, std::optional<Nanos> value) {
    if (!value || *value % std::chrono::seconds(1) == Nanos{0})
        return value;
    reader.error(field, "expected a whole number of seconds, got '" + formatDuration(*value) + "'");
    return std::nullopt;
}

std::optional<double> readBurstCapacity(YamlReader& reader, const Field& field) {
    return reader.number(field, "a number >= 0, or -1 for unlimited",
                         [](double value) { return value >= 0 || value == -1; });
}

void readScaleBounds(YamlReader& reader, const Field& field, AutoscalingConfig& autoscaling) {
    autoscaling.minScale = reader.integer(reader.child(field, "minScale"), 0);
    autoscaling.maxScale = reader.integer(reader.child(field, "maxScale"), 0);
    autoscaling.initialScale = reader.integer(reader.child(field, "initialScale"), 0);
    autoscaling.activationScale = reader.integer(reader.child(field, "activationScale"), 2);
    const auto [minScale, maxScale] = std::pair(autoscaling.minScale, autoscaling.maxScale);
    if (minScale && maxScale && *maxScale > 0 && *maxScale < *minScale)
        reader.error(reader.child(field, "maxScale"), "expected at least minScale (" + std::to_string(*minScale) +
                                                          ") or 0 for no limit, got '" + std::to_string(*maxScale) +
                                                          "'");
}

void readScaleTiming(YamlReader& reader, const Field& field, AutoscalingConfig& autoscaling) {
    const Field window = reader.child(field, "window");
    autoscaling.window = wholeSeconds(reader, window, reader.duration(window, 6s, 1h));
    autoscaling.panicWindowPercentage = reader.number(reader.child(field, "panicWindowPercentage"), 1, 100);
    autoscaling.panicThresholdPercentage = reader.number(reader.child(field, "panicThresholdPercentage"), 110, 1000);
    const Field delay = reader.child(field, "scaleDownDelay");
    autoscaling.scaleDownDelay = wholeSeconds(reader, delay, reader.duration(delay, 0s, 1h));
    autoscaling.scaleToZeroPodRetention = reader.duration(reader.child(field, "scaleToZeroPodRetention"), 0s);
}

AutoscalingConfig readAutoscaling(YamlReader& reader, const Field& field) {
    AutoscalingConfig autoscaling;
    if (!reader.mapping(field, kAutoscalingKeys))
        return autoscaling;
    autoscaling.metric = reader.choice(reader.child(field, "metric"), kMetrics);
    autoscaling.target = reader.number(reader.child(field, "target"), 0.01);
    autoscaling.targetUtilizationPercentage = reader.number(reader.child(field, "targetUtilizationPercentage"), 1, 100);
    autoscaling.targetBurstCapacity = readBurstCapacity(reader, reader.child(field, "targetBurstCapacity"));
    readScaleBounds(reader, field, autoscaling);
    readScaleTiming(reader, field, autoscaling);
    return autoscaling;
}

void readRequestShape(YamlReader& reader, const Field& field, BenchmarkConfig& benchmark) {
    const Field input = reader.child(field, "input");
    if (!input.empty() && !input.node.IsMap())
        reader.expected(input, "a mapping (the JSON body sent to the function)");
    else if (!input.empty())
        setIf(benchmark.input, reader.json(input));
    setIf(benchmark.size, reader.choice(reader.child(field, "size"), kSizes));
    setIf(benchmark.method, reader.choice(reader.child(field, "method"), kMethods));
    setIf(benchmark.path, readPath(reader, reader.child(field, "path")));
    setIf(benchmark.headers, reader.stringMap(reader.child(field, "headers")));
}

void readDeployment(YamlReader& reader, const Field& field, BenchmarkConfig& benchmark) {
    setIf(benchmark.containerConcurrency, reader.integer(reader.child(field, "containerConcurrency"), 0, 1000));
    benchmark.timeoutSeconds = reader.integer(reader.child(field, "timeoutSeconds"), 1, 600);
    benchmark.memory = readMemory(reader, reader.child(field, "memory"));
    setIf(benchmark.env, reader.stringMap(reader.child(field, "env")));
    benchmark.autoscaling = readAutoscaling(reader, reader.child(field, "autoscaling"));
}

// Relative to the experiment file's folder, so an experiment and its benchmarks move together; a text loaded without
// a file path resolves from the working directory.
std::filesystem::path resolveSourcePath(const YamlReader& reader, const std::string& text) {
    const std::filesystem::path path(text);
    if (path.is_absolute())
        return path;
    return std::filesystem::path(reader.file()).parent_path() / path;
}

void applySebsDefaults(YamlReader& reader, const Field& field, const SebsSource& sebs, BenchmarkConfig& benchmark) {
    benchmark.source = sebs.dir;
    if (benchmark.id.empty() && !reader.child(field, "id").present())
        benchmark.id = std::filesystem::path(sebs.dir).filename().string();
    const Field languages = reader.child(field, "languages");
    if (!languages.present())
        benchmark.languages = {"python"};
    else if (std::any_of(benchmark.languages.begin(), benchmark.languages.end(),
                         [](const std::string& language) { return language != "python"; }))
        reader.error(languages, "SeBS sources run with the Python wrapper only: expected [python]");
    if (!sebs.languages.empty() &&
        std::find(sebs.languages.begin(), sebs.languages.end(), "python") == sebs.languages.end())
        reader.error(reader.child(field, "source"), "SeBS sources run with the Python wrapper only, but " + sebs.dir +
                                                        "/config.json lists no \"python\" language");
    if (!benchmark.timeoutSeconds && sebs.timeoutSeconds)
        benchmark.timeoutSeconds = std::min(*sebs.timeoutSeconds, 600); // Knative's maximum, as for timeoutSeconds
    if (!benchmark.memory && sebs.memoryMb)
        benchmark.memory = std::to_string(*sebs.memoryMb) + "Mi";
}

void readSource(YamlReader& reader, const Field& field, BenchmarkConfig& benchmark) {
    const Field source = reader.child(field, "source");
    const auto text = reader.nonEmptyText(source);
    if (!text)
        return;
    const auto sebs = readSebsSource(resolveSourcePath(reader, *text).string());
    if (!sebs) {
        reader.error(source, sebs.error().message);
        return;
    }
    applySebsDefaults(reader, field, *sebs, benchmark);
}

} // namespace

const Words& benchmarkKeys() {
    return kBenchmarkKeys;
}

const Words& autoscalingKeys() {
    return kAutoscalingKeys;
}

BenchmarkConfig readBenchmark(YamlReader& reader, const Field& field) {
    BenchmarkConfig benchmark;
    if (!reader.requiredMapping(field, kBenchmarkKeys))
        return benchmark;
    const bool hasSource = reader.child(field, "source").present();
    if (!hasSource) {
        reader.require(field, "id", " (or 'source', a SeBS benchmark directory)");
        reader.require(field, "languages");
    }
    setIf(benchmark.id, readId(reader, reader.child(field, "id")));
    setIf(benchmark.languages, readLanguages(reader, reader.child(field, "languages")));
    readRequestShape(reader, field, benchmark);
    readDeployment(reader, field, benchmark);
    if (hasSource)
        readSource(reader, field, benchmark);
    return benchmark;
}

std::vector<BenchmarkConfig> readBenchmarks(YamlReader& reader, const Field& field) {
    std::vector<BenchmarkConfig> benchmarks;
    if (!reader.nonEmptyList(field, "benchmark"))
        return benchmarks;
    DuplicateCheck duplicates("benchmark id");
    for (const Field& item : reader.items(field)) {
        benchmarks.push_back(readBenchmark(reader, item));
        if (!benchmarks.back().id.empty())
            duplicates.check(reader, reader.child(item, "id"), benchmarks.back().id);
    }
    return benchmarks;
}

} // namespace faaswb::model
