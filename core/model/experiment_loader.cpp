#include "model/experiment_loader.h"

#include "common/suggest.h"
#include "common/yaml_documents.h"
#include "model/experiment_sections.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

namespace faaswb::model {
namespace {

using namespace std::chrono_literals;

const Words kTopLevelKeys{"name", "platform", "platforms", "benchmarks", "scenarios", "settings"};
const Words kSettingsKeys{"maxRequestRecords", "interval", "threads", "httpVersion", "insecureSkipTlsVerify"};

void readPlatformChoice(YamlReader& reader, const Field& field, Experiment& experiment) {
    const auto name = reader.nonEmptyText(field);
    if (!name)
        return;
    experiment.platform = *name;
    if (*name == "local" || experiment.platforms.count(*name))
        return;
    Words declared{"local"};
    for (const auto& [declaredName, config] : experiment.platforms)
        declared.push_back(declaredName);
    const std::string list =
        declared.size() > 1 ? joinWords(Words(declared.begin() + 1, declared.end())) : "none declared";
    reader.error(field, "expected 'local' or a platform declared under 'platforms' (" + list + "), got '" + *name +
                            "'" + didYouMean(*name, declared));
}

Experiment readExperiment(YamlReader& reader, const Field& root) {
    Experiment experiment;
    if (!root.node.IsMap()) {
        reader.expected(root, "a mapping with the keys " + joinWords(kTopLevelKeys));
        return experiment;
    }
    reader.mapping(root, kTopLevelKeys);
    for (std::string_view key : {"name", "benchmarks", "scenarios"})
        reader.require(root, key);
    setIf(experiment.name, reader.nonEmptyText(reader.child(root, "name")));
    experiment.platforms = readPlatforms(reader, reader.child(root, "platforms"));
    readPlatformChoice(reader, reader.child(root, "platform"), experiment);
    const Field benchmarks = reader.child(root, "benchmarks");
    experiment.benchmarks = readBenchmarks(reader, benchmarks);
    experiment.scenarios =
        readScenarios(reader, reader.child(root, "scenarios"), BenchmarkSection{benchmarks, experiment.benchmarks});
    experiment.settings = readSettings(reader, reader.child(root, "settings"));
    return experiment;
}

Experiment readDocuments(YamlReader& reader, const std::vector<YAML::Node>& documents) {
    if (documents.empty() || documents.front().IsNull()) {
        reader.error(SourceLocation{1, 1}, "the file is empty: expected an experiment with at least 'name', "
                                           "'benchmarks' and 'scenarios'");
        return {};
    }
    if (documents.size() > 1)
        reader.error(reader.root(documents[1]).where,
                     "expected one YAML document, found " + std::to_string(documents.size()) + " (remove the '---')");
    return readExperiment(reader, reader.root(documents.front()));
}

// yaml-cpp reports a tab in indentation as whatever token it could not fit ("illegal map value"); name the tab.
std::optional<SourceLocation> tabInIndentation(const std::string& text, int errorLine) {
    std::istringstream in(text);
    std::string line;
    std::optional<SourceLocation> found;
    for (int number = 0; number <= errorLine && std::getline(in, line); ++number) {
        const std::size_t indent = line.find_first_not_of(" \t");
        const std::size_t tab = line.find('\t');
        if (!found && number + 1 >= errorLine && tab != std::string::npos && tab < indent &&
            indent != std::string::npos)
            found = SourceLocation{number + 1, static_cast<int>(tab) + 1};
    }
    return found;
}

// yaml-cpp names the token it expected; say what usually causes it.
std::string syntaxHint(const std::string& message) {
    static const std::map<std::string, std::string> hints{
        {"end of sequence flow not found", " (a '[' list is missing its closing ']')"},
        {"end of map flow not found", " (a '{' mapping is missing its closing '}')"},
        {"illegal map value", " (a ':' where no value can start: check the indentation, or quote text with ': ')"},
        {"end of map not found", " (check the indentation of the lines around here)"},
        {"end of sequence not found", " (check the indentation of the list items around here)"},
    };
    const auto hint = hints.find(message);
    return hint == hints.end() ? std::string() : hint->second;
}

ValidationIssue syntaxIssue(const std::string& text, const std::string& file, const YAML::ParserException& error) {
    if (const auto tab = tabInIndentation(text, error.mark.line))
        return {file, *tab, "tab character in indentation (YAML indents with spaces only)"};
    return {file, locationOf(error.mark), "YAML syntax error: " + error.msg + syntaxHint(error.msg)};
}

void sortByPosition(std::vector<ValidationIssue>& issues) {
    std::stable_sort(issues.begin(), issues.end(), [](const ValidationIssue& a, const ValidationIssue& b) {
        return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
}

LoadReport failure(const std::string& file, const std::string& message) {
    return {std::nullopt, {ValidationIssue{file, {}, message}}};
}

Result<std::string> readWholeFile(const std::string& path) {
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored))
        return invalidInput("cannot read the file: it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return invalidInput(std::string("cannot open the file: ") + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return invalidInput(std::string("cannot read the file: ") + std::strerror(errno));
    return text.str();
}

// YAML is UTF-8 text without C0 controls other than tab, LF and CR (YAML 1.2, 5.1). yaml-cpp does not always refuse
// the rest: a fuzzed file of NUL bytes and invalid UTF-8 kept it busy for minutes. The first offending byte, if any.
std::optional<ValidationIssue> notYamlText(const std::string& text, const std::string& sourceName) {
    SourceLocation at{1, 1};
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = byte < 0x80           ? 1
                             : (byte >> 5) == 0x6  ? 2
                             : (byte >> 4) == 0xe  ? 3
                             : (byte >> 3) == 0x1e ? 4
                                                   : 0;
        bool valid = length != 0 && i + length <= text.size();
        for (std::size_t k = 1; valid && k < length; ++k)
            valid = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
        if (!valid)
            return ValidationIssue{sourceName, at,
                                   "not a YAML text file: invalid UTF-8 (byte 0x" +
                                       std::string(1, "0123456789abcdef"[byte >> 4]) +
                                       std::string(1, "0123456789abcdef"[byte & 0xf]) + ")"};
        if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r')
            return ValidationIssue{sourceName, at,
                                   "not a YAML text file: control character " + std::to_string(byte) +
                                       (byte == 0 ? " (NUL)" : "")};
        if (byte == '\n')
            at = {at.line + 1, 1};
        else
            ++at.column;
        i += length;
    }
    return std::nullopt;
}

} // namespace

const Words& topLevelKeys() {
    return kTopLevelKeys;
}

const Words& settingsKeys() {
    return kSettingsKeys;
}

Settings readSettings(YamlReader& reader, const Field& field) {
    Settings settings;
    if (!reader.mapping(field, kSettingsKeys))
        return settings;
    setIf(settings.maxRequestRecords, reader.count(reader.child(field, "maxRequestRecords"), 0));
    setIf(settings.interval, reader.duration(reader.child(field, "interval"), 100ms, 60s));
    setIf(settings.threads, reader.integer(reader.child(field, "threads"), 0, 256));
    setIf(settings.httpVersion, reader.choice(reader.child(field, "httpVersion"), {"1.1", "2", "h2c"}));
    setIf(settings.insecureSkipTlsVerify, reader.boolean(reader.child(field, "insecureSkipTlsVerify")));
    return settings;
}

std::string ValidationIssue::format() const {
    if (where.line <= 0)
        return file + ": " + message;
    return file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + message;
}

LoadReport loadExperimentText(const std::string& text, const std::string& sourceName) {
    if (auto issue = notYamlText(text, sourceName))
        return {std::nullopt, {std::move(*issue)}};
    YamlReader reader(sourceName, text);
    LoadReport report;
    Experiment experiment;
    try {
        experiment = readDocuments(reader, loadYamlDocuments(text));
        report.issues = reader.takeIssues();
    } catch (const YAML::ParserException& error) {
        report.issues = {syntaxIssue(text, sourceName, error)};
    } catch (const YAML::Exception& error) {
        report.issues = {ValidationIssue{sourceName, locationOf(error.mark), "cannot read the YAML: " + error.msg}};
    } catch (const std::exception& error) {
        report.issues = {ValidationIssue{sourceName, {}, std::string("internal error while loading: ") + error.what()}};
    }
    sortByPosition(report.issues);
    if (report.issues.empty()) {
        experiment.yaml = text;
        report.experiment = std::move(experiment);
    }
    return report;
}

LoadReport loadExperimentFile(const std::string& path) {
    auto text = readWholeFile(path);
    if (!text)
        return failure(path, text.error().message);
    LoadReport report = loadExperimentText(*text, path);
    if (report.experiment)
        report.experiment->sourcePath = path;
    return report;
}

Result<Experiment> loadExperiment(const std::string& path) {
    LoadReport report = loadExperimentFile(path);
    if (report.experiment)
        return std::move(*report.experiment);
    std::string message;
    for (const ValidationIssue& issue : report.issues)
        message += (message.empty() ? "" : "\n") + issue.format();
    return invalidInput(message);
}

} // namespace faaswb::model
