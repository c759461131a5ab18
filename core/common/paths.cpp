#include "common/paths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace faaswb {
namespace fs = std::filesystem;

namespace {

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

fs::path executableDir() {
    std::error_code error;
    const fs::path exe = fs::read_symlink("/proc/self/exe", error);
    return error ? fs::path() : exe.parent_path();
}

} // namespace

std::string dataRoot() {
    if (auto configured = environment("FAASWB_DATA_DIR"); !configured.empty())
        return configured;
    const fs::path installed = executableDir() / ".." / "share" / "faas-workbench";
    std::error_code error;
    if (fs::is_directory(installed / "benchmarks", error))
        return fs::weakly_canonical(installed, error).string();
    return FAASWB_SOURCE_ROOT;
}

std::string benchmarksRoot() { return (fs::path(dataRoot()) / "benchmarks").string(); }

std::string defaultDatabasePath() {
    fs::path base = environment("XDG_DATA_HOME");
    if (base.empty())
        base = fs::path(environment("HOME")) / ".local" / "share";
    const fs::path dir = base / "faas-workbench";
    std::error_code error;
    fs::create_directories(dir, error);
    return (dir / "results.db").string();
}

} // namespace faaswb
