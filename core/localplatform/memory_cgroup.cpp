#include "localplatform/memory_cgroup.h"

#include "localplatform/revision_template.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace faaswb::localplatform {
namespace {

const std::string kNotEnforceable = "not enforceable here: ";

struct Mounts {
    std::optional<std::string> cgroup2Point; // mount point of the (first) cgroup2 hierarchy
    std::string cgroup2Root = "/";           // the hierarchy path mounted there
    bool memoryOnV1 = false;                 // a cgroup v1 hierarchy has the memory controller
};

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescapeMountField(const std::string& field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            const std::string octal = field.substr(i + 1, 3);
            if (octal.find_first_not_of("01234567") == std::string::npos) {
                out += static_cast<char>(std::strtol(octal.c_str(), nullptr, 8));
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

bool hasWord(const std::string& text, const std::string& word, char separator) {
    std::stringstream stream(text);
    for (std::string item; std::getline(stream, item, separator);)
        if (item == word)
            return true;
    return false;
}

// A line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS".
Mounts readMounts(const std::string& path) {
    Mounts mounts;
    std::ifstream file(path);
    for (std::string line; std::getline(file, line);) {
        const std::size_t dash = line.find(" - ");
        if (dash == std::string::npos)
            continue;
        std::istringstream before(line.substr(0, dash));
        std::istringstream after(line.substr(dash + 3));
        std::string id, parent, device, root, point, fsType, source, superOptions;
        if (!(before >> id >> parent >> device >> root >> point) || !(after >> fsType >> source))
            continue;
        after >> superOptions;
        if (fsType == "cgroup2" && !mounts.cgroup2Point) {
            mounts.cgroup2Point = unescapeMountField(point);
            mounts.cgroup2Root = unescapeMountField(root);
        } else if (fsType == "cgroup" && hasWord(superOptions, "memory", ',')) {
            mounts.memoryOnV1 = true;
        }
    }
    return mounts;
}

// The "0::/path" line of /proc/<pid>/cgroup.
std::optional<std::string> readOwnGroup(const std::string& path) {
    std::ifstream file(path);
    for (std::string line; std::getline(file, line);)
        if (line.starts_with("0::"))
            return line.substr(3);
    return std::nullopt;
}

std::optional<std::string> readFile(const std::string& path) {
    std::ifstream file(path);
    if (!file)
        return std::nullopt;
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

// Writes to an existing control file (never creates one: a missing file means the controller is not there).
Status writeControl(const std::string& path, const std::string& value) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return internalError("cannot open " + path + ": " + std::strerror(errno));
    const ssize_t written = ::write(fd, value.data(), value.size());
    const int error = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(value.size()))
        return internalError("writing '" + value + "' to " + path + " failed: " + std::strerror(error));
    return {};
}

MemoryCgroupSupport notEnforceable(const std::string& why) {
    return {"", kNotEnforceable + why};
}

std::string ownDirectory(const std::string& fsRoot, const Mounts& mounts, std::string group) {
    if (mounts.cgroup2Root != "/" && group.starts_with(mounts.cgroup2Root))
        group = group.substr(mounts.cgroup2Root.size());
    std::string dir = fsRoot + *mounts.cgroup2Point + group;
    while (dir.size() > 1 && dir.back() == '/')
        dir.pop_back();
    return dir;
}

// Makes sure children of `own` get the memory controller; a reason when they cannot.
std::optional<std::string> enableForChildren(const std::string& own, bool ownIsRoot) {
    const auto subtree = readFile(own + "/cgroup.subtree_control");
    if (!subtree)
        return "cannot read " + own + "/cgroup.subtree_control";
    if (hasWord(trim(*subtree), "memory", ' '))
        return std::nullopt;
    const auto procs = readFile(own + "/cgroup.procs");
    if (!ownIsRoot && procs && !trim(*procs).empty())
        return "the memory controller cannot be enabled for child groups of " + own +
               ": that group has member processes (this one among them) and cgroup v2 gives no controller to the "
               "children of a non-root group with processes; run the daemon in a delegated cgroup of its own "
               "(e.g. systemd-run --user --scope -p Delegate=yes)";
    if (::access((own + "/cgroup.subtree_control").c_str(), W_OK) != 0)
        return "cannot enable the memory controller for child groups: " + own +
               "/cgroup.subtree_control is not writable (" + std::strerror(errno) + ")";
    if (auto written = writeControl(own + "/cgroup.subtree_control", "+memory"); !written)
        return "cannot enable the memory controller for child groups: " + written.error().message;
    return std::nullopt;
}

} // namespace

MemoryCgroupSupport detectMemoryCgroup(const CgroupEnvironment& environment, int pid) {
    const Mounts mounts = readMounts(environment.procSelf + "/mountinfo");
    const std::string v1Note = mounts.memoryOnV1 ? " (this machine uses cgroup v1 for memory)" : "";
    if (!mounts.cgroup2Point)
        return notEnforceable("no cgroup v2 hierarchy is mounted" + v1Note);
    const auto group = readOwnGroup(environment.procSelf + "/cgroup");
    if (!group)
        return notEnforceable("this process is in no cgroup v2 group (no \"0::\" line in /proc/self/cgroup)");
    const std::string own = ownDirectory(environment.fsRoot, mounts, *group);
    const auto controllers = readFile(own + "/cgroup.controllers");
    if (!controllers)
        return notEnforceable("cannot read " + own + "/cgroup.controllers");
    if (!hasWord(trim(*controllers), "memory", ' '))
        return notEnforceable(
            "cgroup v2 memory controller not available" +
            (v1Note.empty() ? " in " + own + " (cgroup.controllers: \"" + trim(*controllers) + "\")" : v1Note));
    const bool ownIsRoot = ownDirectory("", mounts, *group) == *mounts.cgroup2Point;
    if (auto why = enableForChildren(own, ownIsRoot))
        return notEnforceable(*why);
    const std::string root = own + "/faaswb-" + std::to_string(pid);
    if (::mkdir(root.c_str(), 0755) != 0 && errno != EEXIST)
        return notEnforceable("cannot create the group " + root + ": " + std::strerror(errno));
    if (auto written = writeControl(root + "/cgroup.subtree_control", "+memory"); !written) {
        ::rmdir(root.c_str());
        return notEnforceable("cannot enable the memory controller in " + root + ": " + written.error().message);
    }
    return {root, ""};
}

const MemoryCgroupSupport& processMemoryCgroup() {
    static const MemoryCgroupSupport support = [] {
        MemoryCgroupSupport detected = detectMemoryCgroup(CgroupEnvironment{}, static_cast<int>(::getpid()));
        // A copy that outlives the static (its destructor runs before this handler); left to the process's end.
        static const char* const root = detected.enforceable() ? ::strdup(detected.root.c_str()) : nullptr;
        if (root)
            std::atexit([] { ::rmdir(root); });
        return detected;
    }();
    return support;
}

void annotateMemoryLimit(nlohmann::json& status, const RevisionTemplate& tmpl, const MemoryCgroupSupport& support) {
    if (tmpl.memoryLimitBytes)
        status["annotations"][kMemoryLimitAnnotation] = support.annotation();
}

Result<std::unique_ptr<InstanceCgroup>> InstanceCgroup::create(const std::string& root, const std::string& name,
                                                               std::int64_t limitBytes) {
    const std::string path = root + "/" + name;
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
        return internalError("cannot create the cgroup " + path + ": " + std::strerror(errno));
    const auto fail = [&path](const Error& error) {
        ::rmdir(path.c_str());
        return error;
    };
    if (auto written = writeControl(path + "/memory.max", std::to_string(limitBytes)); !written)
        return fail(written.error());
    if (::access((path + "/memory.swap.max").c_str(), F_OK) == 0)
        if (auto written = writeControl(path + "/memory.swap.max", "0"); !written)
            return fail(written.error());
    if (::access((path + "/memory.oom.group").c_str(), F_OK) == 0)
        (void)writeControl(path + "/memory.oom.group", "1"); // a refinement: the limit holds without it
    const int procsFd = ::open((path + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (procsFd < 0)
        return fail(internalError("cannot open " + path + "/cgroup.procs: " + std::strerror(errno)));
    return std::unique_ptr<InstanceCgroup>(new InstanceCgroup(path, limitBytes, procsFd));
}

InstanceCgroup::~InstanceCgroup() {
    if (m_procsFd >= 0)
        ::close(m_procsFd);
}

std::int64_t InstanceCgroup::oomKills() const {
    std::ifstream file(m_path + "/memory.events");
    std::string key;
    std::int64_t value = 0;
    while (file >> key >> value)
        if (key == "oom_kill")
            return value;
    return 0;
}

bool InstanceCgroup::remove() {
    if (::access((m_path + "/cgroup.kill").c_str(), F_OK) == 0)
        (void)writeControl(m_path + "/cgroup.kill", "1");
    return ::rmdir(m_path.c_str()) == 0 || errno == ENOENT;
}

std::string describeMemoryKill(std::int64_t limitBytes) {
    return "killed by the memory limit (memory.max " + std::to_string(limitBytes) + " bytes)";
}

} // namespace faaswb::localplatform
