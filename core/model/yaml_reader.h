// The typed-field machinery behind the experiment loader: reads YAML nodes as strings, numbers, durations, rates,
// enums and maps, and records a ValidationIssue (file:line:column, field path, expected vs found) for each problem
// instead of stopping. Private to core/model. One reader per load; not shared between threads.
#pragma once

#include "model/experiment_loader.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace faaswb::model {

using Words = std::vector<std::string>;

// A value in the file and where it sits. `node` is undefined when the key is absent; then `where` is the parent's
// location, which is where a "missing key" message belongs.
struct Field {
    YAML::Node node;
    std::string path; // "scenarios[0].rate"; empty for the document root
    SourceLocation where;

    bool present() const { return node.IsDefined(); }
    bool empty() const { return !present() || node.IsNull(); } // absent, or a key with no value
};

SourceLocation locationOf(const YAML::Mark& mark);

class YamlReader {
public:
    explicit YamlReader(std::string file, std::string text = {})
        : m_file(std::move(file))
        , m_text(std::move(text)) {}

    Field root(const YAML::Node& document) const;
    Field child(const Field& mapping, std::string_view key) const;
    std::vector<Field> items(const Field& list) const;                              // list[0], list[1], ...
    std::vector<std::pair<std::string, Field>> entries(const Field& mapping) const; // key -> mapping.key

    void error(const Field& at, const std::string& message); // "path: message" at the field
    void error(SourceLocation where, const std::string& message);
    void expected(const Field& field, const std::string& what); // "expected <what>, got <found>"
    std::vector<ValidationIssue> takeIssues() { return std::move(m_issues); }
    // Adds `issue` unless the same message at the same place was reported already (sweep points re-read the same
    // text many times).
    void addUnique(const ValidationIssue& issue);
    const std::string& file() const { return m_file; } // the source name; relative paths in the file resolve from it
    const std::string& text() const { return m_text; } // the whole text, when given (sweeps parse it again)

    // Structure. Each reports what it finds wrong and returns whether the node can be read further. An optional
    // section written as an empty key (`env:`) reads as empty; a required one is an error.
    bool mapping(const Field& field, const Words& allowedKeys); // flags unknown and duplicate keys; {} = any key
    bool requiredMapping(const Field& field, const Words& allowedKeys);
    bool nonEmptyList(const Field& field, const std::string& noun);
    bool require(const Field& mapping, std::string_view key, const std::string& why = {});

    // Scalars: nullopt when absent or invalid (invalid values are reported). Strings are env-expanded first.
    std::optional<std::string> text(const Field& field);
    std::optional<std::string> nonEmptyText(const Field& field);
    // Text kept as written, ${VAR} references and all (a DSN that holds a password), after checking that it expands.
    std::optional<std::string> unexpandedText(const Field& field);
    std::optional<std::string> choice(const Field& field, const Words& allowed);
    std::optional<bool> boolean(const Field& field);
    std::optional<int> integer(const Field& field, int min, int max = std::numeric_limits<int>::max());
    std::optional<double> number(const Field& field, double min, double max = std::numeric_limits<double>::max());
    std::optional<double> number(const Field& field, const std::string& what, const std::function<bool(double)>& valid);
    std::optional<std::uint64_t> count(const Field& field, std::uint64_t min); // 10000 or "10k"
    // Bytes, 1024-based: 512, 512B, 1KB = 1KiB = 1024, 2MB, 1GB; at most `max`.
    std::optional<std::uint64_t> byteSize(const Field& field, std::uint64_t max);
    std::optional<Nanos> duration(const Field& field, Nanos min, Nanos max = maxDuration());
    std::optional<double> rate(const Field& field, bool allowZero);
    std::optional<std::string> url(const Field& field);
    std::optional<std::map<std::string, std::string>> stringMap(const Field& field);
    std::optional<nlohmann::json> json(const Field& field);

    static Nanos maxDuration() { return std::chrono::hours(24 * 365); }

private:
    std::optional<std::string> scalar(const Field& field, const std::string& expected);
    void unknownKey(SourceLocation at, const Field& mapping, const std::string& key, const Words& allowedKeys);
    nlohmann::json jsonValue(const Field& field, bool& ok);
    nlohmann::json jsonScalar(const Field& field, bool& ok);

    std::string m_file;
    std::string m_text;
    std::vector<ValidationIssue> m_issues;
    std::set<std::string> m_suggestedKeys; // paths an unknown key was taken for; no second "missing" issue
};

// Reports a value given twice, e.g. "duplicate scenario name 'warm' (first used on line 12)".
class DuplicateCheck {
public:
    explicit DuplicateCheck(std::string what)
        : m_what(std::move(what)) {}
    void check(YamlReader& reader, const Field& field, const std::string& value);

private:
    std::string m_what;
    std::map<std::string, int> m_firstLine;
};

template <typename Target, typename Value>
void setIf(Target& target, std::optional<Value> value) {
    if (value)
        target = std::move(*value);
}

// "a, b, c": the allowed words in an "expected one of" message.
std::string joinWords(const Words& words);

// "scenarios" + 0 -> "scenarios[0]"; "scenarios[0]" + "rate" -> "scenarios[0].rate".
std::string indexPath(const std::string& path, std::size_t index);
std::string keyPath(const std::string& path, std::string_view key);

} // namespace faaswb::model
