#include "model/sebs_source.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace faaswb::model {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Result<json> readConfig(const fs::path& file) {
    std::ifstream in(file);
    if (!in)
        return invalidInput("SeBS benchmark: " + file.string() + " not found (a SeBS benchmark needs config.json)");
    std::ostringstream text;
    text << in.rdbuf();
    json config = json::parse(text.str(), nullptr, false);
    if (config.is_discarded() || !config.is_object())
        return invalidInput("SeBS benchmark: " + file.string() + " is not a JSON object");
    return config;
}

// SeBS writes whole numbers; anything else is a mistake worth naming rather than silently truncating.
Result<std::optional<int>> positiveInteger(const json& config, const char* key, const fs::path& file) {
    if (!config.contains(key))
        return std::optional<int>();
    const json& value = config[key];
    if (!value.is_number_integer() || value.get<long long>() <= 0 || value.get<long long>() > 1'000'000)
        return invalidInput("SeBS benchmark: " + file.string() + ": \"" + key + "\" must be a positive integer, got " +
                            value.dump());
    return std::optional<int>(value.get<int>());
}

Result<std::vector<std::string>> languagesOf(const json& config, const fs::path& file) {
    std::vector<std::string> languages;
    if (!config.contains("languages"))
        return languages;
    const json& list = config["languages"];
    if (!list.is_array())
        return invalidInput("SeBS benchmark: " + file.string() + ": \"languages\" must be a list of names");
    for (const json& language : list) {
        if (!language.is_string())
            return invalidInput("SeBS benchmark: " + file.string() + ": \"languages\" must be a list of names");
        languages.push_back(language.get<std::string>());
    }
    return languages;
}

} // namespace

Result<SebsSource> readSebsSource(const std::string& dir) {
    std::error_code error;
    const fs::path canonical = fs::canonical(dir, error);
    if (error || !fs::is_directory(canonical, error))
        return invalidInput("SeBS benchmark: directory " + dir + " not found");
    if (!fs::is_regular_file(canonical / "python" / "function.py", error))
        return invalidInput("SeBS benchmark: " + (canonical / "python" / "function.py").string() +
                            " not found (the Python wrapper serves handler(event) from it)");
    const fs::path file = canonical / "config.json";
    const auto config = readConfig(file);
    if (!config)
        return config.error();
    const auto timeout = positiveInteger(*config, "timeout", file);
    const auto memory = positiveInteger(*config, "memory", file);
    const auto languages = languagesOf(*config, file);
    if (!timeout || !memory || !languages)
        return !timeout ? timeout.error() : !memory ? memory.error() : languages.error();
    return SebsSource{canonical.string(), *timeout, *memory, *languages};
}

} // namespace faaswb::model
