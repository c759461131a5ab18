// 600.sentiment: lexicon-based sentiment of one `text`, or of a batch of `records` ([{id, text}, ...]).
//
// The lexicon is ../lexicon.txt, compiled in: the file is wrapped in a raw string literal, so the C++ handler needs
// no path at run time and reads the very bytes the Python and Node.js handlers load. The rules are spelled out in
// python/function.py and benchmarks/README.md; they are identical in every language so scores agree to the digit.
// A batch also answers a verdict for the whole batch (the mean score), so `sentiment` and `score` are always there.
#include "function_api.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

constexpr std::string_view kLexiconText =
#include "../lexicon.txt"
    ;

constexpr std::size_t kMaxRecords = 10'000;
constexpr double kPositiveThreshold = 0.05;
constexpr double kNormalizationAlpha = 15;

struct Lexicon {
    std::unordered_map<std::string, int> weights;
    std::set<std::string, std::less<>> negators;
    std::set<std::string, std::less<>> intensifiers;
};

void addEntry(Lexicon& lexicon, const std::string& word, const std::string& value, int lineNumber) {
    if (value == "negate") {
        lexicon.negators.insert(word);
    } else if (value == "intensify") {
        lexicon.intensifiers.insert(word);
    } else {
        std::size_t used = 0;
        const int weight = std::stoi(value, &used);
        if (used != value.size())
            throw std::logic_error("lexicon.txt:" + std::to_string(lineNumber) + ": bad weight " + value);
        lexicon.weights[word] = weight;
    }
}

// The raw string begins on the file's first line (after `R"lexicon(`), so line numbers match the file's.
Lexicon parseLexicon(std::string_view text) {
    Lexicon lexicon;
    std::istringstream lines{std::string(text)};
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        std::istringstream fields(line);
        std::string word;
        std::string value;
        std::string extra;
        if (!(fields >> word) || word.front() == '#')
            continue;
        if (!(fields >> value) || (fields >> extra))
            throw std::logic_error("lexicon.txt:" + std::to_string(number) + ": expected \"<word> <weight>\"");
        addEntry(lexicon, word, value, number);
    }
    return lexicon;
}

const Lexicon& lexicon() {
    static const Lexicon parsed = parseLexicon(kLexiconText);
    return parsed;
}

bool isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'';
}

// Runs of ASCII letters, digits and apostrophes, lowercased, apostrophes trimmed at the edges. UTF-8 bytes of
// non-ASCII characters are all >= 0x80, so they separate tokens exactly as the code points do in Python and Node.
std::vector<std::string> tokens(std::string_view text) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && !isTokenChar(text[i]))
            ++i;
        std::string word;
        for (; i < text.size() && isTokenChar(text[i]); ++i)
            word += (text[i] >= 'A' && text[i] <= 'Z') ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
        const auto first = word.find_first_not_of('\'');
        if (first != std::string::npos)
            words.push_back(word.substr(first, word.find_last_not_of('\'') - first + 1));
    }
    return words;
}

std::int64_t totalWeight(const std::vector<std::string>& words) {
    const Lexicon& lex = lexicon();
    std::int64_t total = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto found = lex.weights.find(words[i]);
        if (found == lex.weights.end())
            continue;
        std::int64_t weight = found->second;
        const std::string_view before = i >= 1 ? std::string_view(words[i - 1]) : std::string_view();
        const std::string_view before2 = i >= 2 ? std::string_view(words[i - 2]) : std::string_view();
        const bool intensified = lex.intensifiers.contains(before);
        if (intensified)
            weight *= 2;
        if (lex.negators.contains(before) || (intensified && lex.negators.contains(before2)))
            weight = -weight;
        total += weight;
    }
    return total;
}

struct Verdict {
    const char* sentiment;
    double score;
};

// floor(x * 1e4 + 0.5) / 1e4 in every language: the same IEEE operations give the same double.
double rounded(double value) {
    return std::floor(value * 10000 + 0.5) / 10000;
}

Verdict verdictFor(double score) {
    if (score >= kPositiveThreshold)
        return {"positive", score};
    if (score <= -kPositiveThreshold)
        return {"negative", score};
    return {"neutral", score};
}

Verdict analyse(std::string_view text) {
    const auto total = static_cast<double>(totalWeight(tokens(text)));
    return verdictFor(rounded(total / std::sqrt(total * total + kNormalizationAlpha)));
}

std::string textField(const nlohmann::json& value, const std::string& where) {
    if (!value.is_string())
        throw faaswb::bench::InvalidInput(where + " must be a string");
    return value.get<std::string>();
}

// Integral floats count as integers, as they do for Python's and Node's checks (1 and 1.0 alike).
bool isIntegerId(const nlohmann::json& value) {
    if (value.is_number_integer())
        return true;
    return value.is_number_float() && std::isfinite(value.get<double>()) &&
           value.get<double>() == std::floor(value.get<double>());
}

nlohmann::json recordId(const nlohmann::json& record, std::size_t index) {
    const auto found = record.find("id");
    if (found == record.end() || !(found->is_string() || isIntegerId(*found)))
        throw faaswb::bench::InvalidInput("records[" + std::to_string(index) + "].id must be a string or an integer");
    return *found;
}

nlohmann::json analyseRecords(const nlohmann::json& records) {
    if (!records.is_array() || records.empty() || records.size() > kMaxRecords)
        throw faaswb::bench::InvalidInput("records must be a list of 1 to " + std::to_string(kMaxRecords) +
                                          " {\"id\", \"text\"} objects");
    nlohmann::json results = nlohmann::json::array();
    std::map<std::string, int> summary{{"positive", 0}, {"negative", 0}, {"neutral", 0}};
    double scoreSum = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const nlohmann::json& record = records[i];
        const std::string where = "records[" + std::to_string(i) + "]";
        if (!record.is_object())
            throw faaswb::bench::InvalidInput(where + " must be an object with \"id\" and \"text\"");
        nlohmann::json id = recordId(record, i);
        const Verdict verdict = analyse(textField(record.value("text", nlohmann::json()), where + ".text"));
        ++summary[verdict.sentiment];
        scoreSum += verdict.score;
        results.push_back({{"id", std::move(id)}, {"sentiment", verdict.sentiment}, {"score", verdict.score}});
    }
    const Verdict overall = verdictFor(rounded(scoreSum / static_cast<double>(records.size())));
    return {{"sentiment", overall.sentiment},
            {"score", overall.score},
            {"results", std::move(results)},
            {"summary", summary}};
}

nlohmann::json handler(const nlohmann::json& event, faaswb::bench::Context&) {
    faaswb::bench::requireObject(event);
    if (event.contains("text") == event.contains("records"))
        throw faaswb::bench::InvalidInput(
            R"(give exactly one of "text" (a string) or "records" (a list of {"id", "text"}))");
    if (event.contains("records"))
        return analyseRecords(event["records"]);
    const Verdict verdict = analyse(textField(event["text"], "text"));
    return {{"sentiment", verdict.sentiment}, {"score", verdict.score}};
}

} // namespace

FAASWB_REGISTER_BENCHMARK("600.sentiment", handler);
