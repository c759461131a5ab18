// Sweep expansion. Each point parses the file again and sets the values into that parse: the swept value is the
// node of the sweep list itself, so errors the normal readers find in it carry its line and column. Issues of each
// point are merged into the load's reader once each.
#include "model/sweep_expand.h"

#include "common/yaml_documents.h"
#include "model/sweep_paths.h"

#include <algorithm>
#include <set>
#include <span>

namespace faaswb::model {
namespace {

const Words kLanguages{"cpp", "python", "nodejs"};

struct Parameter {
    std::string path;
    SweepPath target;
    std::vector<Field> values;
    bool implicit = false;               // the perf-cost memory list
    std::vector<nlohmann::json> written; // the values as JSON, for SweepParameter and SweepPoint
};

struct Spec {
    Sweep::Mode mode = Sweep::Mode::Grid;
    std::string modeKey;               // grid | zip
    std::vector<Parameter> parameters; // the perf-cost memory list first, then the sweep's in file order
    std::size_t zipFrom = 0;           // zip: parameters from here on advance together
    bool ok = true;
};

// A point: for each parameter, the index of its value.
using Choice = std::vector<std::size_t>;

// Sets `value` at `keys` below `mapping`, creating the mappings on the way. Only ever applied to a point's own parse
// of the file: yaml-cpp nodes share one memory pool per document, so copying nodes of the loaded document into new
// ones would grow its pool with every point.
void setAt(YAML::Node mapping, std::span<const std::string> keys, const YAML::Node& value) {
    YAML::Node child = mapping[keys.front()];
    if (keys.size() == 1) {
        child = value;
        return;
    }
    if (child.IsScalar() || child.IsSequence())
        child = YAML::Node(YAML::NodeType::Map);
    setAt(child, keys.subspan(1), value);
}

bool sameLocation(SourceLocation a, SourceLocation b) {
    return a.line == b.line && a.column == b.column;
}

// An issue about a swept value names the value in the sweep list rather than the key of the copy it was set into.
void mergeIssues(YamlReader& reader, YamlReader& point, const std::vector<Field>& values) {
    for (ValidationIssue issue : point.takeIssues()) {
        const auto value = std::find_if(values.begin(), values.end(), [&issue](const Field& field) {
            return sameLocation(field.where, issue.where);
        });
        const std::size_t colon = issue.message.find(": ");
        if (value != values.end() && colon != std::string::npos &&
            issue.message.substr(0, colon).find(' ') == std::string::npos)
            issue.message = value->path + issue.message.substr(colon);
        reader.addUnique(issue);
    }
}

class Expander {
public:
    Expander(YamlReader& reader, const Field& scenario, std::size_t index, const BenchmarkSection& benchmarks,
             ScenarioType type)
        : m_reader(reader)
        , m_scenario(scenario)
        , m_index(index)
        , m_benchmarks(benchmarks)
        , m_type(type) {}

    ScenarioConfig run();

private:
    void readMemoryList();
    void readSweep(const Field& sweep);
    void readParameter(const YAML::Node& key, const Field& values);
    bool checkValues(const Parameter& parameter);
    void checkZipLengths(const Field& zip);
    std::vector<std::vector<std::size_t>> dimensions() const;
    std::size_t pointCount() const;
    std::string countText() const;
    std::vector<Choice> choices() const;
    SweepPoint point(const Choice& choice, int index);
    std::vector<BenchmarkConfig> benchmarksAt(const Choice& choice, const YAML::Node& entries,
                                              const std::vector<YAML::Node>& values, const std::vector<Field>& used);
    std::vector<YAML::Node> valueNodes(const YAML::Node& scenario, const Choice& choice) const;

    YamlReader& m_reader;
    Field m_scenario;
    std::size_t m_index;
    const BenchmarkSection& m_benchmarks;
    ScenarioType m_type;
    Spec m_spec;
};

void Expander::readMemoryList() {
    const Field memory = m_reader.child(m_scenario, "memory");
    if (m_type != ScenarioType::PerfCost || !memory.present() || !memory.node.IsSequence() || memory.node.size() == 0)
        return; // the scenario reader reports what is wrong with it
    m_spec.parameters.push_back(
        {"benchmark.memory", {SweepPath::Target::Benchmark, {"memory"}}, m_reader.items(memory), true, {}});
    m_spec.zipFrom = 1;
}

void Expander::readSweep(const Field& sweep) {
    if (!m_reader.requiredMapping(sweep, {"grid", "zip"}))
        return void(m_spec.ok = false);
    const Field grid = m_reader.child(sweep, "grid");
    const Field zip = m_reader.child(sweep, "zip");
    if (grid.present() == zip.present()) {
        m_reader.error(sweep, "expected either 'grid' (every combination) or 'zip' (the i-th values together)");
        return void(m_spec.ok = false);
    }
    const Field& mode = grid.present() ? grid : zip;
    m_spec.mode = grid.present() ? Sweep::Mode::Grid : Sweep::Mode::Zip;
    m_spec.modeKey = grid.present() ? "grid" : "zip";
    if (!m_reader.requiredMapping(mode, {}))
        return void(m_spec.ok = false);
    if (mode.node.size() == 0) {
        m_reader.error(mode, "expected at least one 'PATH: [values]', e.g. 'rate: [10, 20]'");
        return void(m_spec.ok = false);
    }
    std::set<std::string> seen; // a repeated path is reported as a duplicate key
    for (auto it = mode.node.begin(); it != mode.node.end(); ++it)
        if (it->first.IsScalar() && seen.insert(it->first.Scalar()).second)
            readParameter(it->first, m_reader.child(mode, it->first.Scalar()));
    m_spec.ok = m_spec.ok && seen.size() == mode.node.size();
    if (m_spec.mode == Sweep::Mode::Zip)
        checkZipLengths(mode);
}

void Expander::readParameter(const YAML::Node& key, const Field& values) {
    const std::string& path = key.Scalar();
    const Field keyField{key, values.path, locationOf(key.Mark())};
    auto target = parseSweepPath(path, m_type);
    if (!target) {
        m_reader.error(keyField, target.error().message);
        return void(m_spec.ok = false);
    }
    for (const Parameter& other : m_spec.parameters)
        if (overlaps(other.target, *target)) {
            m_reader.error(keyField, other.implicit ? "'" + path + "' is swept by the perf-cost 'memory' list already"
                                                    : "'" + path + "' overlaps '" + other.path + "', swept already");
            return void(m_spec.ok = false);
        }
    if (!m_reader.nonEmptyList(values, "value"))
        return void(m_spec.ok = false);
    m_spec.parameters.push_back({path, std::move(*target), m_reader.items(values), false, {}});
    m_spec.ok = checkValues(m_spec.parameters.back()) && m_spec.ok;
}

// Languages must be ones a benchmark lists; grid values must differ (a repeated value is a repeated point).
bool Expander::checkValues(const Parameter& parameter) {
    bool ok = true;
    DuplicateCheck duplicates("value");
    for (const Field& value : parameter.values) {
        if (!value.node.IsScalar()) {
            ok = ok && !value.node.IsNull() && parameter.target.target != SweepPath::Target::Language;
            if (value.node.IsNull() || parameter.target.target == SweepPath::Target::Language)
                m_reader.expected(value, "a value");
            continue;
        }
        if (m_spec.mode == Sweep::Mode::Grid)
            duplicates.check(m_reader, value, value.node.Scalar());
        if (parameter.target.target != SweepPath::Target::Language)
            continue;
        const auto language = m_reader.choice(value, kLanguages);
        const auto& configs = m_benchmarks.configs;
        const bool listed = std::any_of(configs.begin(), configs.end(), [&language](const BenchmarkConfig& config) {
            return language && std::count(config.languages.begin(), config.languages.end(), *language);
        });
        if (language && !listed)
            m_reader.error(value, "'" + *language + "' is not among the benchmarks' languages");
        ok = ok && listed;
    }
    return ok;
}

void Expander::checkZipLengths(const Field& zip) {
    const auto first = m_spec.parameters.begin() + static_cast<long>(m_spec.zipFrom);
    for (auto it = first; it != m_spec.parameters.end(); ++it)
        if (it->values.size() != first->values.size()) {
            m_reader.error(zip, "zip lists must have the same length: '" + first->path + "' has " +
                                    std::to_string(first->values.size()) + " values, '" + it->path + "' has " +
                                    std::to_string(it->values.size()));
            m_spec.ok = false;
            return;
        }
}

// Grid: every combination, the last parameter varying fastest. Zip: the zipped parameters advance together as one
// dimension (after the perf-cost memory list, which is always a grid dimension).
std::vector<std::vector<std::size_t>> Expander::dimensions() const {
    std::vector<std::vector<std::size_t>> dimensions; // parameter indexes advancing together
    const std::size_t grid = m_spec.mode == Sweep::Mode::Grid ? m_spec.parameters.size() : m_spec.zipFrom;
    for (std::size_t i = 0; i < grid; ++i)
        dimensions.push_back({i});
    if (grid < m_spec.parameters.size()) {
        dimensions.emplace_back();
        for (std::size_t i = grid; i < m_spec.parameters.size(); ++i)
            dimensions.back().push_back(i);
    }
    return dimensions;
}

// How many points the sweep has, counted only up to just above the maximum (a grid can be huge).
std::size_t Expander::pointCount() const {
    std::size_t count = 1;
    for (const auto& dimension : dimensions())
        count = std::min(count * m_spec.parameters[dimension.front()].values.size(), kMaxSweepPoints + 1);
    return count;
}

// "10 x 10 x 11": the lengths of the dimensions, so the user sees which list to shorten.
std::string Expander::countText() const {
    std::string text;
    for (const auto& dimension : dimensions())
        text += (text.empty() ? "" : " x ") + std::to_string(m_spec.parameters[dimension.front()].values.size());
    return text;
}

std::vector<Choice> Expander::choices() const {
    std::vector<Choice> result{Choice(m_spec.parameters.size(), 0)};
    for (const auto& dimension : dimensions()) {
        std::vector<Choice> next;
        for (const Choice& prefix : result)
            for (std::size_t value = 0; value < m_spec.parameters[dimension.front()].values.size(); ++value) {
                next.push_back(prefix);
                for (std::size_t parameter : dimension)
                    next.back()[parameter] = value;
            }
        result = std::move(next);
    }
    return result;
}

std::vector<BenchmarkConfig> Expander::benchmarksAt(const Choice& choice, const YAML::Node& entries,
                                                    const std::vector<YAML::Node>& values,
                                                    const std::vector<Field>& used) {
    std::vector<BenchmarkConfig> benchmarks = m_benchmarks.configs;
    const auto benchmarkParameter = [](const Parameter& p) { return p.target.target == SweepPath::Target::Benchmark; };
    if (std::any_of(m_spec.parameters.begin(), m_spec.parameters.end(), benchmarkParameter)) {
        const std::vector<Field> written = m_reader.items(m_benchmarks.field);
        for (std::size_t b = 0; b < written.size() && b < benchmarks.size() && entries[b].IsMap(); ++b) {
            for (std::size_t i = 0; i < m_spec.parameters.size(); ++i)
                if (benchmarkParameter(m_spec.parameters[i]))
                    setAt(entries[b], m_spec.parameters[i].target.keys, values[i]);
            YamlReader pointReader(m_reader.file());
            benchmarks[b] = readBenchmark(pointReader, {entries[b], written[b].path, written[b].where});
            mergeIssues(m_reader, pointReader, used);
        }
    }
    for (std::size_t i = 0; i < m_spec.parameters.size(); ++i) {
        if (m_spec.parameters[i].target.target != SweepPath::Target::Language)
            continue;
        const std::string language = m_spec.parameters[i].values[choice[i]].node.Scalar();
        for (BenchmarkConfig& benchmark : benchmarks) {
            const bool listed = std::count(benchmark.languages.begin(), benchmark.languages.end(), language) > 0;
            benchmark.languages = listed ? std::vector<std::string>{language} : std::vector<std::string>{};
        }
    }
    return benchmarks;
}

// The nodes of the point's values in the point's own parse of the file.
std::vector<YAML::Node> Expander::valueNodes(const YAML::Node& scenario, const Choice& choice) const {
    std::vector<YAML::Node> nodes;
    for (std::size_t i = 0; i < m_spec.parameters.size(); ++i) {
        const Parameter& parameter = m_spec.parameters[i];
        const YAML::Node list =
            parameter.implicit ? scenario["memory"] : scenario["sweep"][m_spec.modeKey][parameter.path];
        nodes.push_back(list[choice[i]]);
    }
    return nodes;
}

SweepPoint Expander::point(const Choice& choice, int index) {
    SweepPoint point;
    point.index = index;
    std::vector<Field> used;
    for (std::size_t i = 0; i < m_spec.parameters.size(); ++i) {
        used.push_back(m_spec.parameters[i].values[choice[i]]);
        point.values[m_spec.parameters[i].path] = m_spec.parameters[i].written[choice[i]];
    }
    const YAML::Node root = loadYamlDocuments(m_reader.text()).front();
    YAML::Node scenario = root["scenarios"][m_index];
    const std::vector<YAML::Node> values = valueNodes(scenario, choice);
    scenario.remove("sweep");
    for (std::size_t i = 0; i < m_spec.parameters.size(); ++i)
        if (m_spec.parameters[i].target.target == SweepPath::Target::Scenario)
            setAt(scenario, m_spec.parameters[i].target.keys, values[i]);
    YamlReader pointReader(m_reader.file());
    point.scenario = std::make_shared<ScenarioConfig>(
        readScenarioFields(pointReader, {scenario, m_scenario.path, m_scenario.where}));
    mergeIssues(m_reader, pointReader, used);
    point.benchmarks = benchmarksAt(choice, root["benchmarks"], values, used);
    return point;
}

ScenarioConfig Expander::run() {
    readMemoryList();
    const Field sweep = m_reader.child(m_scenario, "sweep");
    if (sweep.present())
        readSweep(sweep);
    if (pointCount() > kMaxSweepPoints) {
        m_reader.error(sweep.present() ? sweep : m_scenario,
                       "the sweep has more than " + std::to_string(kMaxSweepPoints) + " points (" + countText() + ")");
        m_spec.ok = false;
    }
    // With a broken sweep, one point is still read so the rest of the scenario is checked.
    const std::vector<Choice> all = m_spec.ok ? choices() : std::vector<Choice>{Choice(m_spec.parameters.size(), 0)};
    Sweep result{m_spec.mode, {}, {}};
    for (Parameter& parameter : m_spec.parameters) {
        for (const Field& value : parameter.values)
            parameter.written.push_back(m_reader.json(value).value_or(nullptr));
        result.parameters.push_back({parameter.path, parameter.written});
    }
    for (const Choice& choice : all)
        result.points.push_back(point(choice, static_cast<int>(result.points.size())));
    ScenarioConfig scenario = *result.points.front().scenario;
    if (m_spec.ok)
        scenario.sweep = std::move(result);
    return scenario;
}

} // namespace

ScenarioConfig readSweptScenario(YamlReader& reader, const Field& field, std::size_t index,
                                 const BenchmarkSection& benchmarks) {
    const auto type = peekScenarioType(field);
    return Expander(reader, field, index, benchmarks, type.value_or(ScenarioType::WarmLatency)).run();
}

} // namespace faaswb::model
