#include "cli/commands.h"
#include "common/paths.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace faaswb::cli {
namespace {

struct BenchmarkListing {
    std::string id;
    std::string languages;
    std::string description;
};

// A table row gets the first sentence; benchmark.yaml keeps the full story.
std::string firstSentence(const std::string& text) {
    const auto end = text.find(". ");
    std::string sentence = end == std::string::npos ? text : text.substr(0, end + 1);
    std::replace(sentence.begin(), sentence.end(), '\n', ' ');
    return sentence;
}

Result<BenchmarkListing> readListing(const std::filesystem::path& dir) {
    BenchmarkListing listing;
    listing.id = dir.filename().string();
    try {
        const YAML::Node root = YAML::LoadFile((dir / "benchmark.yaml").string());
        listing.description = firstSentence(root["description"].as<std::string>(""));
        for (const auto& language : root["languages"]) {
            listing.languages += (listing.languages.empty() ? "" : ",") + language.as<std::string>();
        }
    } catch (const YAML::Exception& e) {
        return invalidInput((dir / "benchmark.yaml").string() + ":" + std::to_string(e.mark.line + 1) + ": " +
                            e.msg);
    }
    return listing;
}

} // namespace

int listBenchmarks(const Arguments&) {
    namespace fs = std::filesystem;
    const fs::path root = benchmarksRoot();
    std::vector<BenchmarkListing> listings;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(root, error)) {
        if (!fs::exists(entry.path() / "benchmark.yaml"))
            continue;
        auto listing = readListing(entry.path());
        if (!listing)
            return fail(listing.error());
        listings.push_back(std::move(listing).value());
    }
    if (listings.empty()) {
        std::cout << "no benchmarks found in " << root.string() << "\n";
        return 0;
    }
    std::sort(listings.begin(), listings.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    std::printf("%-22s %-20s %s\n", "ID", "LANGUAGES", "DESCRIPTION");
    for (const auto& l : listings)
        std::printf("%-22s %-20s %s\n", l.id.c_str(), l.languages.c_str(), l.description.c_str());
    return 0;
}

} // namespace faaswb::cli
