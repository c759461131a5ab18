// The keys only one kind of scenario takes (cold-start, perf-cost, batch, workflow-chain, eventing, trace-replay)
// and the thresholds every scenario may carry. Input files resolve against the experiment file's folder and must
// exist when the experiment is loaded, so a typo fails before anything is deployed.
#include "model/experiment_sections.h"
#include "model/metric_catalog.h"

#include <filesystem>

namespace faaswb::model {
namespace {

constexpr std::uint64_t kMaxPayloadBytes = 64ULL << 20;

const Words kSourceKinds{"csv", "sqlite", "postgres"};
const Words kMechanisms{"direct", "serving", "eventing", "eventing-serving"};
const Words kDistributions{"equidistant", "uniform", "exponential"};
const Words kTraceFormats{"azure", "timestamps"};

bool has(const YamlReader& reader, const Field& field, std::string_view key) {
    return reader.child(field, key).present();
}

std::string resolvePath(const YamlReader& reader, const std::string& text) {
    std::filesystem::path path(text);
    if (path.is_relative())
        path = std::filesystem::path(reader.file()).parent_path() / path;
    std::error_code ignored;
    const auto absolute = std::filesystem::absolute(path, ignored);
    return (absolute.empty() ? path : absolute).lexically_normal().string();
}

std::optional<std::string> inputFile(YamlReader& reader, const Field& field) {
    const auto text = reader.nonEmptyText(field);
    if (!text)
        return std::nullopt;
    const std::string path = resolvePath(reader, *text);
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        reader.error(field, "no such file: " + path);
        return std::nullopt;
    }
    return path;
}

std::optional<std::string> outputFile(YamlReader& reader, const Field& field) {
    const auto text = reader.nonEmptyText(field);
    if (!text)
        return std::nullopt;
    const std::string path = resolvePath(reader, *text);
    std::error_code error;
    if (!std::filesystem::is_directory(std::filesystem::path(path).parent_path(), error)) {
        reader.error(field, "the folder of " + path + " does not exist");
        return std::nullopt;
    }
    return path;
}

void readColdStart(YamlReader& reader, const Field& field, ScenarioConfig& scenario) {
    setIf(scenario.coldStart.warmRequests, reader.integer(reader.child(field, "warmRequests"), 0, 1000));
}

void readMemorySizes(YamlReader& reader, const Field& field, ScenarioConfig& scenario) {
    const Field memory = reader.child(field, "memory");
    if (!reader.nonEmptyList(memory, "memory size"))
        return;
    DuplicateCheck duplicates("memory size");
    for (const Field& item : reader.items(memory))
        if (auto size = reader.nonEmptyText(item)) {
            duplicates.check(reader, item, *size);
            scenario.memorySizes.push_back(std::move(*size));
        }
}

void readBatchSource(YamlReader& reader, const Field& source, BatchConfig& batch) {
    if (!reader.requiredMapping(source, nestedScenarioKeys("source")))
        return;
    std::vector<std::string> kinds;
    for (const std::string& kind : kSourceKinds)
        if (has(reader, source, kind))
            kinds.push_back(kind);
    if (kinds.size() != 1) {
        reader.error(source, "expected exactly one of 'csv: FILE', 'sqlite: FILE' or 'postgres: DSN'");
        return;
    }
    const Field where = reader.child(source, kinds.front());
    if (kinds.front() == "postgres") {
        batch.sourceKind = BatchConfig::SourceKind::Postgres;
        setIf(batch.source, reader.unexpandedText(where)); // a password stays a ${VAR} reference
    } else {
        batch.sourceKind = kinds.front() == "csv" ? BatchConfig::SourceKind::Csv : BatchConfig::SourceKind::Sqlite;
        setIf(batch.source, inputFile(reader, where));
    }
    if (kinds.front() == "csv" && has(reader, source, "table"))
        reader.error(reader.child(source, "table"), "'table' applies only to sqlite and postgres sources");
    setIf(batch.table, reader.nonEmptyText(reader.child(source, "table")));
}

void readBatchSink(YamlReader& reader, const Field& sink, BatchConfig& batch) {
    if (!reader.requiredMapping(sink, nestedScenarioKeys("sink")))
        return;
    reader.require(sink, "sqlite", " (the SQLite file the results go to)");
    setIf(batch.sink, outputFile(reader, reader.child(sink, "sqlite")));
    setIf(batch.sinkTable, reader.nonEmptyText(reader.child(sink, "table")));
}

void readBatch(YamlReader& reader, const Field& field, BatchConfig& batch) {
    readBatchSource(reader, reader.child(field, "source"), batch);
    readBatchSink(reader, reader.child(field, "sink"), batch);
    setIf(batch.idColumn, reader.nonEmptyText(reader.child(field, "idColumn")));
    setIf(batch.textColumn, reader.nonEmptyText(reader.child(field, "textColumn")));
    batch.limit = reader.count(reader.child(field, "limit"), 1);
    setIf(batch.batchSize, reader.integer(reader.child(field, "batchSize"), 1, 10'000));
    setIf(batch.workers, reader.integer(reader.child(field, "workers"), 1, 1000));
}

void readChain(YamlReader& reader, const Field& field, ChainConfig& chain) {
    setIf(chain.steps, reader.integer(reader.child(field, "steps"), 2, 20));
    if (const auto mechanism = reader.choice(reader.child(field, "mechanism"), kMechanisms))
        chain.mechanism = static_cast<ChainConfig::Mechanism>(
            std::find(kMechanisms.begin(), kMechanisms.end(), *mechanism) - kMechanisms.begin());
    setIf(chain.payloadBytes, reader.byteSize(reader.child(field, "payloadSize"), kMaxPayloadBytes));
    setIf(chain.workMs, reader.number(reader.child(field, "workMs"), 0, 60'000));
    setIf(chain.requests, reader.count(reader.child(field, "requests"), 1));
    setIf(chain.warmupRequests, reader.count(reader.child(field, "warmupRequests"), 0));
}

void readEventing(YamlReader& reader, const Field& field, EventingConfig& eventing) {
    setIf(eventing.triggers, reader.integer(reader.child(field, "triggers"), 1, 50));
    setIf(eventing.consumers, reader.integer(reader.child(field, "consumers"), 1, 100));
    setIf(eventing.payloadBytes, reader.byteSize(reader.child(field, "payloadSize"), kMaxPayloadBytes));
}

void readTrace(YamlReader& reader, const Field& trace, ReplayConfig& replay) {
    if (!reader.requiredMapping(trace, nestedScenarioKeys("trace")))
        return;
    reader.require(trace, "file", " (the trace CSV)");
    setIf(replay.file, inputFile(reader, reader.child(trace, "file")));
    if (const auto format = reader.choice(reader.child(trace, "format"), kTraceFormats))
        replay.format = *format == "azure" ? ReplayConfig::Format::AzureFunctions : ReplayConfig::Format::Timestamps;
    const bool azure = replay.format == ReplayConfig::Format::AzureFunctions;
    for (std::string_view key : {"function", "minutes"})
        if (!azure && has(reader, trace, key))
            reader.error(reader.child(trace, key), "'" + std::string(key) + "' applies only to the azure format");
    setIf(replay.function, reader.nonEmptyText(reader.child(trace, "function")));
    replay.minutes = reader.integer(reader.child(trace, "minutes"), 1, 1440 * 14);
    setIf(replay.timeScale, reader.number(reader.child(trace, "timeScale"), "a number above 0 such as 1 or 60",
                                          [](double value) { return value > 0 && value <= 1e6; }));
}

void readReplay(YamlReader& reader, const Field& field, ReplayConfig& replay) {
    readTrace(reader, reader.child(field, "trace"), replay);
    if (const auto distribution = reader.choice(reader.child(field, "distribution"), kDistributions))
        replay.distribution = static_cast<ReplayConfig::Distribution>(
            std::find(kDistributions.begin(), kDistributions.end(), *distribution) - kDistributions.begin());
    setIf(replay.seed, reader.count(reader.child(field, "seed"), 0));
}

void checkMetricType(YamlReader& reader, const Field& item, const Threshold& threshold, ScenarioType type) {
    const MetricInfo* metric = findMetric(threshold.metric);
    if (!metric || metric->types.empty() ||
        std::find(metric->types.begin(), metric->types.end(), type) != metric->types.end())
        return;
    std::string types;
    for (std::size_t i = 0; i < metric->types.size(); ++i)
        types += std::string(i == 0                          ? ""
                             : i + 1 == metric->types.size() ? " and "
                                                             : ", ") +
                 scenarioTypeName(metric->types[i]);
    reader.error(item, "a " + std::string(scenarioTypeName(type)) + " scenario does not report '" + threshold.metric +
                           "' (" + types + " scenarios do)");
}

} // namespace

void readTypeFields(YamlReader& reader, const Field& field, ScenarioConfig& scenario) {
    switch (scenario.type) {
    case ScenarioType::PerfCost:
        readMemorySizes(reader, field, scenario);
        [[fallthrough]];
    case ScenarioType::ColdStart:
        readColdStart(reader, field, scenario);
        break;
    case ScenarioType::Batch:
        readBatch(reader, field, scenario.batch);
        break;
    case ScenarioType::WorkflowChain:
        readChain(reader, field, scenario.chain);
        break;
    case ScenarioType::Eventing:
        readEventing(reader, field, scenario.eventing);
        break;
    case ScenarioType::TraceReplay:
        readReplay(reader, field, scenario.replay);
        break;
    default: // the load-shape keys, read for every type
        break;
    }
}

std::vector<Threshold> readThresholds(YamlReader& reader, const Field& field, std::optional<ScenarioType> type) {
    std::vector<Threshold> thresholds;
    if (!reader.nonEmptyList(field, "threshold"))
        return thresholds;
    for (const Field& item : reader.items(field)) {
        const auto text = reader.nonEmptyText(item);
        if (!text)
            continue;
        auto threshold = parseThreshold(*text);
        if (!threshold) {
            reader.error(item, threshold.error().message);
            continue;
        }
        if (type)
            checkMetricType(reader, item, *threshold, *type);
        thresholds.push_back(std::move(*threshold));
    }
    return thresholds;
}

} // namespace faaswb::model
