#include "model/yaml_reader.h"

#include "common/suggest.h"
#include "common/units.h"
#include "model/env_expand.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <type_traits>

namespace faaswb::model {
namespace {

std::string withPath(const std::string& path, const std::string& message) {
    return path.empty() ? message : path + ": " + message;
}

std::string describe(const YAML::Node& node) {
    if (node.IsMap())
        return "a mapping";
    if (node.IsSequence())
        return "a list";
    if (node.IsNull())
        return "nothing";
    return "'" + node.Scalar() + "'";
}

// An empty value has no token of its own; yaml-cpp marks it at the next token, often on a later line.
SourceLocation valueLocation(const YAML::Node& key, const YAML::Node& value) {
    const SourceLocation at = locationOf(value.Mark());
    return value.IsNull() || at.line == 0 ? locationOf(key.Mark()) : at;
}

std::string formatNumber(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
}

template <typename T>
std::string rangeText(const std::string& noun, T min, T max, T unbounded) {
    if (max == unbounded)
        return noun + " >= " + formatNumber(static_cast<double>(min));
    return noun + " from " + formatNumber(static_cast<double>(min)) + " to " + formatNumber(static_cast<double>(max));
}

template <typename T>
std::optional<T> parseWhole(std::string_view text) {
    T value{};
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty())
        return std::nullopt;
    if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(value))
            return std::nullopt;
    }
    return value;
}

// "10000", "10k", "2.5M": request counts are easier to read with a suffix.
std::optional<std::uint64_t> parseCount(std::string_view text) {
    double multiplier = 1;
    if (!text.empty() && (text.back() == 'k' || text.back() == 'K'))
        multiplier = 1e3;
    else if (!text.empty() && text.back() == 'M')
        multiplier = 1e6;
    const auto number = parseWhole<double>(multiplier == 1 ? text : text.substr(0, text.size() - 1));
    if (!number || *number < 0 || *number * multiplier > 1e18 ||
        std::floor(*number * multiplier) != *number * multiplier)
        return std::nullopt;
    return static_cast<std::uint64_t>(*number * multiplier);
}

// Payload sizes: the unit letters count in 1024s, as the workflow-chain talk's "1 KB ... 10 MB" sizes do.
std::optional<std::uint64_t> parseBinaryBytes(std::string_view text) {
    const std::size_t unitStart = text.find_first_not_of("0123456789.");
    const auto number = parseWhole<double>(text.substr(0, unitStart));
    std::string unit(unitStart == std::string_view::npos ? "" : text.substr(unitStart));
    std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::toupper(c); });
    static const std::map<std::string, double> multipliers{
        {"", 1.0},           {"B", 1.0},           {"K", 1024.0},        {"KB", 1024.0},
        {"KIB", 1024.0},     {"M", 1048576.0},     {"MB", 1048576.0},    {"MIB", 1048576.0},
        {"G", 1073741824.0}, {"GB", 1073741824.0}, {"GIB", 1073741824.0}};
    const auto multiplier = multipliers.find(unit);
    if (!number || *number < 0 || multiplier == multipliers.end())
        return std::nullopt;
    const double bytes = *number * multiplier->second;
    if (bytes > 1e18 || std::floor(bytes) != bytes)
        return std::nullopt;
    return static_cast<std::uint64_t>(bytes);
}

std::string binaryBytesText(std::uint64_t bytes) {
    for (const auto& [unit, size] :
         {std::pair{"GB", 1ULL << 30}, std::pair{"MB", 1ULL << 20}, std::pair{"KB", 1ULL << 10}})
        if (bytes >= size && bytes % size == 0)
            return std::to_string(bytes / size) + unit;
    return std::to_string(bytes) + "B";
}

bool equalIgnoringCase(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

// "post" is a different word to the edit distance but plainly means POST.
std::string choiceHint(const std::string& value, const Words& allowed) {
    for (const std::string& word : allowed)
        if (equalIgnoringCase(value, word))
            return " (did you mean '" + word + "'?)";
    return didYouMean(value, allowed);
}

std::string durationRange(Nanos min, Nanos max) {
    if (max == YamlReader::maxDuration())
        return "of at least " + formatDuration(min);
    if (min == Nanos{0})
        return "of at most " + formatDuration(max);
    return "from " + formatDuration(min) + " to " + formatDuration(max);
}

bool isBareNumber(const std::string& text) {
    return parseWhole<double>(text).has_value();
}

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// YAML 1.2 core schema for plain scalars: the types a handler sees in its JSON input.
nlohmann::json resolvePlainScalar(const std::string& text) {
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
        return nullptr;
    if (text == "true" || text == "True" || text == "TRUE")
        return true;
    if (text == "false" || text == "False" || text == "FALSE")
        return false;
    const std::string_view digits = startsWith(text, "+") ? std::string_view(text).substr(1) : std::string_view(text);
    if (const auto integer = parseWhole<long long>(digits))
        return *integer;
    const bool numeric = std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (const auto real = parseWhole<double>(digits); real && numeric)
        return *real;
    return text;
}

} // namespace

SourceLocation locationOf(const YAML::Mark& mark) {
    if (mark.is_null() || mark.line < 0)
        return {};
    return {mark.line + 1, mark.column + 1};
}

std::string joinWords(const Words& words) {
    std::string joined;
    for (const std::string& word : words)
        joined += (joined.empty() ? "" : ", ") + word;
    return joined;
}

std::string indexPath(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

std::string keyPath(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

Field YamlReader::root(const YAML::Node& document) const {
    const SourceLocation at = locationOf(document.Mark());
    return {document, {}, at.line ? at : SourceLocation{1, 1}};
}

Field YamlReader::child(const Field& mapping, std::string_view key) const {
    if (mapping.present() && mapping.node.IsMap()) {
        for (auto it = mapping.node.begin(); it != mapping.node.end(); ++it)
            if (it->first.IsScalar() && it->first.Scalar() == key)
                return {it->second, keyPath(mapping.path, key), valueLocation(it->first, it->second)};
    }
    return {YAML::Node(YAML::NodeType::Undefined), keyPath(mapping.path, key), mapping.where};
}

std::vector<Field> YamlReader::items(const Field& list) const {
    std::vector<Field> fields;
    if (!list.present() || !list.node.IsSequence())
        return fields;
    for (const YAML::Node& item : list.node) {
        const SourceLocation at = locationOf(item.Mark());
        fields.push_back({item, indexPath(list.path, fields.size()), at.line ? at : list.where});
    }
    return fields;
}

std::vector<std::pair<std::string, Field>> YamlReader::entries(const Field& mapping) const {
    std::vector<std::pair<std::string, Field>> fields;
    if (!mapping.present() || !mapping.node.IsMap())
        return fields;
    for (auto it = mapping.node.begin(); it != mapping.node.end(); ++it) {
        if (!it->first.IsScalar())
            continue;
        const std::string& key = it->first.Scalar();
        fields.emplace_back(key, Field{it->second, keyPath(mapping.path, key), valueLocation(it->first, it->second)});
    }
    return fields;
}

void YamlReader::error(const Field& at, const std::string& message) {
    error(at.where, withPath(at.path, message));
}

void YamlReader::error(SourceLocation where, const std::string& message) {
    m_issues.push_back({m_file, where, message});
}

void YamlReader::addUnique(const ValidationIssue& issue) {
    const auto same = [&issue](const ValidationIssue& other) {
        return other.where.line == issue.where.line && other.where.column == issue.where.column &&
               other.message == issue.message && other.file == issue.file;
    };
    if (std::none_of(m_issues.begin(), m_issues.end(), same))
        m_issues.push_back(issue);
}

void YamlReader::expected(const Field& field, const std::string& what) {
    error(field, "expected " + what + ", got " + describe(field.node));
}

bool YamlReader::mapping(const Field& field, const Words& allowedKeys) {
    if (field.empty())
        return false;
    if (!field.node.IsMap()) {
        expected(field, "a mapping");
        return false;
    }
    std::map<std::string, int> firstLine;
    for (auto it = field.node.begin(); it != field.node.end(); ++it) {
        const SourceLocation at = locationOf(it->first.Mark());
        if (!it->first.IsScalar()) {
            error(at, withPath(field.path, "expected a plain key, got " + describe(it->first)));
            continue;
        }
        const std::string& key = it->first.Scalar();
        if (auto [first, inserted] = firstLine.emplace(key, at.line); !inserted)
            error(at, withPath(field.path, "duplicate key '" + key + "' (first given on line " +
                                               std::to_string(first->second) + ")"));
        else if (!allowedKeys.empty() && std::find(allowedKeys.begin(), allowedKeys.end(), key) == allowedKeys.end())
            unknownKey(at, field, key, allowedKeys);
    }
    return true;
}

void YamlReader::unknownKey(SourceLocation at, const Field& mapping, const std::string& key, const Words& allowedKeys) {
    const auto match = closestMatch(key, allowedKeys);
    if (match)
        m_suggestedKeys.insert(keyPath(mapping.path, *match));
    const std::string hint =
        match ? " (did you mean '" + *match + "'?)" : " (expected one of: " + joinWords(allowedKeys) + ")";
    error(at, withPath(mapping.path, "unknown key '" + key + "'" + hint));
}

bool YamlReader::requiredMapping(const Field& field, const Words& allowedKeys) {
    if (field.present() && field.node.IsNull())
        expected(field, "a mapping");
    return mapping(field, allowedKeys);
}

bool YamlReader::nonEmptyList(const Field& field, const std::string& noun) {
    if (!field.present())
        return false;
    if (!field.node.IsSequence()) {
        expected(field, "a list of " + noun + "s");
        return false;
    }
    if (field.node.size() == 0)
        error(field, "expected at least one " + noun + ", got an empty list");
    return field.node.size() > 0;
}

bool YamlReader::require(const Field& mapping, std::string_view key, const std::string& why) {
    if (child(mapping, key).present())
        return true;
    if (m_suggestedKeys.count(keyPath(mapping.path, key)))
        return false;
    error(mapping, "missing required key '" + std::string(key) + "'" + why);
    return false;
}

std::optional<std::string> YamlReader::scalar(const Field& field, const std::string& what) {
    if (!field.present())
        return std::nullopt;
    if (!field.node.IsScalar()) {
        expected(field, what);
        return std::nullopt;
    }
    auto expanded = expandEnvironment(field.node.Scalar());
    if (!expanded) {
        error(field, expanded.error().message);
        return std::nullopt;
    }
    return std::move(*expanded);
}

std::optional<std::string> YamlReader::text(const Field& field) {
    return scalar(field, "text");
}

std::optional<std::string> YamlReader::nonEmptyText(const Field& field) {
    auto value = scalar(field, "non-empty text");
    if (value && value->empty()) {
        error(field, "expected non-empty text, got ''");
        return std::nullopt;
    }
    return value;
}

std::optional<std::string> YamlReader::unexpandedText(const Field& field) {
    if (!scalar(field, "text"))
        return std::nullopt;
    return field.node.Scalar();
}

std::optional<std::string> YamlReader::choice(const Field& field, const Words& allowed) {
    const std::string what = "one of " + joinWords(allowed);
    auto value = scalar(field, what);
    if (!value || std::find(allowed.begin(), allowed.end(), *value) != allowed.end())
        return value;
    error(field, "expected " + what + ", got '" + *value + "'" + choiceHint(*value, allowed));
    return std::nullopt;
}

std::optional<bool> YamlReader::boolean(const Field& field) {
    auto value = scalar(field, "true or false");
    if (value && (*value == "true" || *value == "false"))
        return *value == "true";
    if (value)
        error(field, "expected true or false, got '" + *value + "'");
    return std::nullopt;
}

std::optional<int> YamlReader::integer(const Field& field, int min, int max) {
    const std::string what = rangeText("an integer", min, max, std::numeric_limits<int>::max());
    auto value = scalar(field, what);
    if (!value)
        return std::nullopt;
    const auto parsed = parseWhole<int>(*value);
    if (parsed && *parsed >= min && *parsed <= max)
        return parsed;
    error(field, "expected " + what + ", got '" + *value + "'");
    return std::nullopt;
}

std::optional<double> YamlReader::number(const Field& field, double min, double max) {
    const std::string what = rangeText("a number", min, max, std::numeric_limits<double>::max());
    return number(field, what, [min, max](double value) { return value >= min && value <= max; });
}

std::optional<double> YamlReader::number(const Field& field, const std::string& what,
                                         const std::function<bool(double)>& valid) {
    auto value = scalar(field, what);
    if (!value)
        return std::nullopt;
    const auto parsed = parseWhole<double>(*value);
    if (parsed && valid(*parsed))
        return parsed;
    error(field, "expected " + what + ", got '" + *value + "'");
    return std::nullopt;
}

std::optional<std::uint64_t> YamlReader::count(const Field& field, std::uint64_t min) {
    const std::string what = "a whole number >= " + std::to_string(min) + " such as 10000 or 10k";
    auto value = scalar(field, what);
    if (!value)
        return std::nullopt;
    const auto parsed = parseCount(*value);
    if (parsed && *parsed >= min)
        return parsed;
    error(field, "expected " + what + ", got '" + *value + "'");
    return std::nullopt;
}

std::optional<std::uint64_t> YamlReader::byteSize(const Field& field, std::uint64_t max) {
    const std::string what = "a size such as 512, 1KB or 2MB (1KB = 1024 bytes) of at most " + binaryBytesText(max);
    auto value = scalar(field, what);
    if (!value)
        return std::nullopt;
    const auto parsed = parseBinaryBytes(*value);
    if (parsed && *parsed <= max)
        return parsed;
    error(field, "expected " + what + ", got '" + *value + "'");
    return std::nullopt;
}

std::optional<Nanos> YamlReader::duration(const Field& field, Nanos min, Nanos max) {
    const std::string what = "a duration such as 500ms, 30s, 2m or 1h";
    auto value = scalar(field, what);
    if (!value)
        return std::nullopt;
    const auto parsed = parseDuration(*value);
    if (!parsed) {
        const std::string hint = isBareNumber(*value) ? " (a unit is required, e.g. '" + *value + "s')" : "";
        error(field, "expected " + what + ", got '" + *value + "'" + hint);
        return std::nullopt;
    }
    if (*parsed >= min && *parsed <= max)
        return *parsed;
    error(field, "expected a duration " + durationRange(min, max) + ", got '" + *value + "'");
    return std::nullopt;
}

std::optional<double> YamlReader::rate(const Field& field, bool allowZero) {
    const std::string what = std::string(allowZero ? "a rate" : "a rate above 0") + " such as 200 or 1.5k/s";
    auto value = scalar(field, what);
    if (!value)
        return std::nullopt;
    const auto parsed = parseRate(*value);
    if (parsed && (allowZero || *parsed > 0))
        return *parsed;
    const std::size_t first = value->find_first_not_of(' ');
    const bool negative = first != std::string::npos && (*value)[first] == '-';
    error(field, "expected " + what + ", got '" + *value + "'" + (negative ? " (a rate cannot be negative)" : ""));
    return std::nullopt;
}

std::optional<std::string> YamlReader::url(const Field& field) {
    auto value = scalar(field, "an http:// or https:// URL");
    if (!value)
        return std::nullopt;
    for (std::string_view scheme : {"http://", "https://"})
        if (startsWith(*value, scheme) && value->size() > scheme.size())
            return value;
    error(field, "expected an http:// or https:// URL, got '" + *value + "'");
    return std::nullopt;
}

std::optional<std::map<std::string, std::string>> YamlReader::stringMap(const Field& field) {
    std::map<std::string, std::string> values;
    if (!mapping(field, {}))
        return field.empty() ? std::optional(values) : std::nullopt;
    bool ok = true;
    for (const auto& [key, value] : entries(field)) {
        auto item = scalar(value, "text");
        ok = ok && item.has_value();
        if (item)
            values[key] = std::move(*item);
    }
    return ok ? std::optional(values) : std::nullopt;
}

std::optional<nlohmann::json> YamlReader::json(const Field& field) {
    if (!field.present())
        return std::nullopt;
    bool ok = true;
    nlohmann::json value = jsonValue(field, ok);
    return ok ? std::optional(std::move(value)) : std::nullopt;
}

nlohmann::json YamlReader::jsonValue(const Field& field, bool& ok) {
    if (field.node.IsMap()) {
        ok = mapping(field, {}) && ok;
        nlohmann::json object = nlohmann::json::object();
        for (const auto& [key, value] : entries(field))
            object[key] = jsonValue(value, ok);
        return object;
    }
    if (field.node.IsSequence()) {
        nlohmann::json array = nlohmann::json::array();
        for (const Field& item : items(field))
            array.push_back(jsonValue(item, ok));
        return array;
    }
    return field.node.IsNull() ? nlohmann::json(nullptr) : jsonScalar(field, ok);
}

// Quoted scalars and !!str stay strings; plain ones get YAML's types, also after ${VAR} expansion.
nlohmann::json YamlReader::jsonScalar(const Field& field, bool& ok) {
    auto value = scalar(field, "a value");
    if (!value) {
        ok = false;
        return nullptr;
    }
    const std::string& tag = field.node.Tag();
    if (tag == "!" || tag == "tag:yaml.org,2002:str")
        return *value;
    return resolvePlainScalar(*value);
}

void DuplicateCheck::check(YamlReader& reader, const Field& field, const std::string& value) {
    const auto [first, inserted] = m_firstLine.emplace(value, field.where.line);
    if (!inserted)
        reader.error(field, "duplicate " + m_what + " '" + value + "' (first used on line " +
                                std::to_string(first->second) + ")");
}

} // namespace faaswb::model
