#include "localplatform/sebs_function.h"

#include "kube/process.h"
#include "localplatform/supervisor.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace faaswb::localplatform {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPathImagePrefix = "local-path";
constexpr auto kImportCheckTimeout = std::chrono::seconds(20);

// find_spec looks a module up without running it, so a check never executes package code. One process for all
// modules: starting python3 costs more than the lookups.
constexpr const char* kFindModules = R"(import importlib.util, sys
for name in sys.argv[1:]:
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        print(name)
)";

// pip compares names case-insensitively with '-', '_' and '.' alike (PEP 503); so does this table.
std::string normalizedDistribution(const std::string& name) {
    std::string normalized;
    for (char c : name)
        normalized += (c == '_' || c == '.') ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return normalized;
}

const std::map<std::string, std::string>& importNames() {
    static const std::map<std::string, std::string> names{
        {"beautifulsoup4", "bs4"},
        {"opencv-python", "cv2"},
        {"opencv-python-headless", "cv2"},
        {"pillow", "PIL"},
        {"python-dateutil", "dateutil"},
        {"python-igraph", "igraph"},
        {"pyyaml", "yaml"},
        {"scikit-learn", "sklearn"},
        {"scikit-image", "skimage"},
        {"pycryptodome", "Crypto"},
        {"attrs", "attr"},
        {"msgpack-python", "msgpack"},
        {"protobuf", "google.protobuf"},
        {"python-magic", "magic"},
        {"pyjwt", "jwt"},
    };
    return names;
}

const std::map<std::string, std::string>& debianPackages() {
    static const std::map<std::string, std::string> packages{
        {"numpy", "python3-numpy"},
        {"PIL", "python3-pil"},
        {"igraph", "python3-igraph"},
        {"jinja2", "python3-jinja2"},
        {"markupsafe", "python3-markupsafe"},
        {"yaml", "python3-yaml"},
        {"requests", "python3-requests"},
        {"minio", "python3-minio"},
        {"bs4", "python3-bs4"},
        {"sklearn", "python3-sklearn"},
        {"cv2", "python3-opencv"},
        {"scipy", "python3-scipy"},
        {"pandas", "python3-pandas"},
        {"networkx", "python3-networkx"},
        {"urllib3", "python3-urllib3"},
        {"nltk", "python3-nltk"},
        {"textblob", "python3-textblob"},
        {"dateutil", "python3-dateutil"},
        {"skimage", "python3-skimage"},
        {"boto3", "python3-boto3"},
        {"Crypto", "python3-pycryptodome"},
        {"attr", "python3-attr"},
        {"msgpack", "python3-msgpack"},
        {"google.protobuf", "python3-protobuf"},
        {"magic", "python3-magic"},
        {"jwt", "python3-jwt"},
        {"torch", "python3-torch"},
        {"matplotlib", "python3-matplotlib"},
        {"lxml", "python3-lxml"},
    };
    return packages;
}

std::string trimmed(const std::string& text) {
    const std::size_t begin = text.find_first_not_of(" \t\r");
    if (begin == std::string::npos)
        return {};
    return text.substr(begin, text.find_last_not_of(" \t\r") + 1 - begin);
}

bool isNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// The distribution a requirement line names: "Pillow[extra]>=9 ; python_version > '3'" -> "Pillow".
std::string distributionOf(const std::string& line) {
    const auto end = std::find_if_not(line.begin(), line.end(), isNameChar);
    return std::string(line.begin(), end);
}

std::string readRequirements(const fs::path& dir) {
    for (const fs::path& file : {dir / "python" / "requirements.txt", dir / "requirements.txt"}) {
        std::ifstream in(file);
        if (!in)
            continue;
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }
    return {};
}

std::string missingList(const std::vector<std::string>& modules) {
    std::string text;
    for (const auto& module : modules) {
        const std::string package = debianPackageFor(module);
        text += (text.empty() ? "" : ", ") + module +
                (package.empty() ? " (no Debian package known; install with pip)" : " (Debian: " + package + ")");
    }
    return text;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!trimmed(line).empty())
            result.push_back(trimmed(line));
    return result;
}

} // namespace

std::string localPathImage(const std::string& dir, const std::string& language) {
    return kPathImagePrefix + dir + ":" + language;
}

std::optional<std::string> localPathImageDir(const std::string& image) {
    const std::string prefix = std::string(kPathImagePrefix) + "/";
    const std::size_t colon = image.rfind(':');
    if (!image.starts_with(prefix) || colon == std::string::npos || colon < prefix.size())
        return std::nullopt;
    return image.substr(std::char_traits<char>::length(kPathImagePrefix),
                        colon - std::char_traits<char>::length(kPathImagePrefix));
}

std::vector<std::string> parseRequirements(const std::string& text) {
    std::vector<std::string> distributions;
    for (const std::string& line : lines(text)) {
        const std::string requirement = trimmed(line.substr(0, line.find('#')));
        // Options (-r other.txt, -e ., --index-url ...) and direct URLs name no distribution we could look up.
        if (requirement.empty() || requirement.starts_with('-') || requirement.find("://") != std::string::npos)
            continue;
        if (const std::string name = distributionOf(requirement); !name.empty())
            distributions.push_back(name);
    }
    return distributions;
}

std::string importNameFor(const std::string& distribution) {
    const std::string normalized = normalizedDistribution(distribution);
    if (const auto known = importNames().find(normalized); known != importNames().end())
        return known->second;
    std::string module = normalized;
    std::replace(module.begin(), module.end(), '-', '_');
    return module;
}

std::string debianPackageFor(const std::string& module) {
    const auto known = debianPackages().find(module);
    return known == debianPackages().end() ? std::string() : known->second;
}

Status checkPythonRequirements(const std::string& dir, const std::string& python) {
    std::vector<std::string> argv{python.empty() ? findPython() : python, "-c", kFindModules};
    if (argv.front().empty())
        return invalidInput("SeBS benchmark " + dir + ": no python3 to run it (install python3 or set FAASWB_PYTHON)");
    std::set<std::string> seen;
    for (const std::string& distribution : parseRequirements(readRequirements(dir)))
        if (const std::string module = importNameFor(distribution); seen.insert(module).second)
            argv.push_back(module);
    if (argv.size() == 3)
        return {};
    const auto output = kube::runProcess(argv, {}, kImportCheckTimeout);
    if (!output)
        return invalidInput("SeBS benchmark " + dir + ": cannot check its Python modules: " + output.error().message);
    if (output->exitCode != 0)
        return invalidInput("SeBS benchmark " + dir + ": cannot check its Python modules: " + argv.front() +
                            " exited with " + std::to_string(output->exitCode) + ": " + trimmed(output->err));
    const std::vector<std::string> missing = lines(output->out);
    if (missing.empty())
        return {};
    return invalidInput("SeBS benchmark " + dir + ": Python modules missing: " + missingList(missing));
}

} // namespace faaswb::localplatform
