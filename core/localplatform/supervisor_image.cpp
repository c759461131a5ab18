// resolveLocalImage(): `local/<benchmark-id>:<language>` -> the wrapper command line of benchmarks/README.md
// ("The wrapper contract"). Image names come from user manifests, so every path is checked to stay inside the
// benchmarks root after symlinks are resolved.
#include "common/suggest.h"
#include "localplatform/sebs_function.h"
#include "localplatform/supervisor.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <unistd.h>

namespace faaswb::localplatform {
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kLanguages = {"cpp", "python", "nodejs"};
constexpr const char* kImageShape = "expected local/<benchmark-id>:<language>, e.g. local/010.sleep:python";
constexpr const char* kPathImageShape = "expected local-path<absolute SeBS directory>:python, e.g. "
                                        "local-path/home/me/sebs/110.dynamic-html:python";

bool isExecutable(const fs::path& path) {
    std::error_code error;
    return fs::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// The first `name` on $PATH that is executable, or "".
std::string findOnPath(const std::string& name) {
    const std::string path = environment("PATH");
    std::size_t begin = 0;
    while (begin <= path.size()) {
        const std::size_t end = std::min(path.find(':', begin), path.size());
        const fs::path candidate = fs::path(end > begin ? path.substr(begin, end - begin) : ".") / name;
        if (isExecutable(candidate))
            return candidate.string();
        begin = end + 1;
    }
    return {};
}

std::string findNode() {
    if (auto configured = environment("FAASWB_NODE"); !configured.empty())
        return configured;
    const std::string node = findOnPath("node");
    return node.empty() ? findOnPath("nodejs") : node;
}

bool isInside(const fs::path& path, const fs::path& root) {
    const auto [rootEnd, pathIt] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    return rootEnd == root.end();
}

bool isUnsafeName(const std::string& name) {
    return name.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos ||
           name.find('\0') != std::string::npos;
}

std::vector<std::string> benchmarkNames(const fs::path& root) {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(root, error))
        if (fs::exists(entry.path() / "benchmark.yaml", error))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string joined(const std::vector<std::string>& values) {
    std::string text;
    for (const auto& value : values)
        text += (text.empty() ? "" : ", ") + value;
    return text;
}

// `relative` under `root` as a canonical path that exists and is still inside the root, else an error.
Result<fs::path> containedPath(const std::string& image, const fs::path& root, const fs::path& relative) {
    std::error_code error;
    const fs::path resolved = fs::canonical(root / relative, error);
    if (error)
        return invalidInput("image '" + image + "': " + (root / relative).string() + " not found");
    if (!isInside(resolved, root))
        return invalidInput("image '" + image + "': " + relative.string() + " resolves to " + resolved.string() +
                            ", outside the benchmarks folder " + root.string());
    return resolved;
}

struct ImageName {
    std::string id;
    std::string language;
};

Result<ImageName> parseImage(const std::string& image) {
    const std::string prefix = "local/";
    if (!image.starts_with(prefix))
        return invalidInput("image '" + image + "' is not a local image: " + kImageShape);
    const std::string rest = image.substr(prefix.size());
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string::npos)
        return invalidInput("image '" + image + "' names no language: " + kImageShape +
                            " (languages: " + joined(kLanguages) + ")");
    ImageName name{rest.substr(0, colon), rest.substr(colon + 1)};
    if (isUnsafeName(name.id))
        return invalidInput("image '" + image + "': the benchmark id '" + name.id +
                            "' must be a folder name (not empty, no '/' or '..')");
    if (isUnsafeName(name.language))
        return invalidInput("image '" + image + "': the language '" + name.language + "' must be one of " +
                            joined(kLanguages));
    if (std::find(kLanguages.begin(), kLanguages.end(), name.language) == kLanguages.end())
        return invalidInput("image '" + image + "': unknown language '" + name.language + "' (" + joined(kLanguages) +
                            ")" + didYouMean(name.language, kLanguages));
    return name;
}

Result<InstanceCommand> interpreterCommand(const std::string& image, const fs::path& root, const ImageName& name,
                                           const std::string& interpreter, const std::string& wrapper,
                                           const std::string& function) {
    const auto server = containedPath(image, root, fs::path("wrappers") / name.language / wrapper);
    if (!server)
        return server.error();
    const auto handler = containedPath(image, root, fs::path(name.id) / name.language / function);
    if (!handler)
        return handler.error();
    return InstanceCommand{interpreter, {server->string(), handler->string()}};
}

bool hasDotComponent(const fs::path& path) {
    return std::any_of(path.begin(), path.end(), [](const fs::path& part) { return part == "." || part == ".."; });
}

// A `local-path` image names a SeBS-layout directory outside the benchmarks root. Manifests come from whoever reaches
// the daemon's API, so the rule is strict: an absolute path without "." or ".." components that, after symlinks are
// resolved, is a directory holding config.json and python/function.py as regular files, with the function file
// (resolved too) still inside that directory. Only the Python wrapper from the benchmarks root serves it.
Result<fs::path> sebsFunctionFile(const std::string& image, const std::string& dirText) {
    const fs::path dir(dirText);
    if (!dir.is_absolute() || hasDotComponent(dir) || dirText.find('\0') != std::string::npos)
        return invalidInput("image '" + image + "': " + kPathImageShape);
    std::error_code error;
    const fs::path canonical = fs::canonical(dir, error);
    if (error || !fs::is_directory(canonical, error))
        return invalidInput("image '" + image + "': the directory " + dirText + " does not exist");
    if (!fs::is_regular_file(canonical / "config.json", error))
        return invalidInput("image '" + image + "': " + dirText + " has no config.json (not a SeBS benchmark)");
    const fs::path function = fs::canonical(canonical / "python" / "function.py", error);
    if (error || !fs::is_regular_file(function, error))
        return invalidInput("image '" + image + "': " + dirText + " has no python/function.py");
    if (!isInside(function, canonical))
        return invalidInput("image '" + image + "': python/function.py resolves to " + function.string() +
                            ", outside " + canonical.string());
    return function;
}

Result<InstanceCommand> resolvePathImage(const std::string& image, const std::string& dir, const fs::path& root) {
    const std::size_t colon = image.rfind(':');
    if (colon == std::string::npos || image.substr(colon + 1) != "python")
        return invalidInput("image '" + image + "': SeBS sources run with the Python wrapper only: " + kPathImageShape);
    const auto function = sebsFunctionFile(image, dir);
    if (!function)
        return function.error();
    const auto server = containedPath(image, root, fs::path("wrappers") / "python" / "server.py");
    if (!server)
        return server.error();
    const std::string python = findPython();
    if (python.empty())
        return invalidInput("image '" + image +
                            "': runtime not installed: no python3 (install python3 or set FAASWB_PYTHON)");
    return InstanceCommand{python, {server->string(), function->string()}};
}

} // namespace

// Debian's python3 first: benchmarks' dependencies are Debian python3-* packages, which only it can import.
std::string findPython() {
    if (auto configured = environment("FAASWB_PYTHON"); !configured.empty())
        return configured;
    if (isExecutable("/usr/bin/python3"))
        return "/usr/bin/python3";
    return findOnPath("python3");
}

Result<InstanceCommand> resolveLocalImage(const std::string& image, const std::string& benchmarksRoot,
                                          const std::string& binDir) {
    if (const auto dir = localPathImageDir(image)) {
        std::error_code error;
        const fs::path root = fs::canonical(benchmarksRoot, error);
        if (error)
            return invalidInput("image '" + image + "': the benchmarks folder " + benchmarksRoot + " does not exist");
        return resolvePathImage(image, *dir, root);
    }
    const auto name = parseImage(image);
    if (!name)
        return name.error();
    std::error_code error;
    const fs::path root = fs::canonical(benchmarksRoot, error);
    if (error || !fs::is_directory(root, error))
        return invalidInput("image '" + image + "': the benchmarks folder " + benchmarksRoot + " does not exist");

    const std::vector<std::string> known = benchmarkNames(root);
    if (std::find(known.begin(), known.end(), name->id) == known.end())
        return invalidInput("image '" + image + "': unknown benchmark '" + name->id + "'" +
                            didYouMean(name->id, known));
    const auto folder = containedPath(image, root, name->id);
    if (!folder)
        return folder.error();
    if (!fs::is_directory(*folder / name->language, error)) {
        std::vector<std::string> provided;
        for (const auto& language : kLanguages)
            if (fs::is_directory(*folder / language, error))
                provided.push_back(language);
        return invalidInput("image '" + image + "': benchmark '" + name->id + "' has no " + name->language +
                            " version (it provides: " + (provided.empty() ? "none" : joined(provided)) + ")");
    }
    if (const auto languageFolder = containedPath(image, root, fs::path(name->id) / name->language); !languageFolder)
        return languageFolder.error();

    if (name->language == "cpp") {
        const fs::path host = fs::path(binDir) / "faaswb-function-host";
        if (!isExecutable(host))
            return invalidInput("image '" + image + "': runtime not installed: " + host.string() +
                                " not found (build the faaswb-function-host target)");
        return InstanceCommand{host.string(), {name->id}};
    }
    if (name->language == "python") {
        const std::string python = findPython();
        if (python.empty())
            return invalidInput("image '" + image +
                                "': runtime not installed: no python3 (install python3 or set FAASWB_PYTHON)");
        return interpreterCommand(image, root, *name, python, "server.py", "function.py");
    }
    const std::string node = findNode();
    if (node.empty())
        return invalidInput("image '" + image +
                            "': runtime not installed: no node or nodejs on PATH (install nodejs or set FAASWB_NODE)");
    return interpreterCommand(image, root, *name, node, "server.js", "function.js");
}

std::string executableDir() {
    std::error_code error;
    const fs::path exe = fs::read_symlink("/proc/self/exe", error);
    return error ? std::string() : exe.parent_path().string();
}

} // namespace faaswb::localplatform
