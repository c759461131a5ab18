// Memory limits for local instances through cgroup v2. Detection finds whether this process can give each instance
// a cgroup of its own with memory.max: a mounted cgroup2 hierarchy, our own group in it (/proc/self/cgroup "0::"),
// the memory controller in its cgroup.controllers, and the controller enabled for children. cgroup v2 forbids
// controllers for the children of a non-root group that has processes ("no internal processes"), so the instance
// groups live under a child <own>/faaswb-<pid>/ that holds no process itself. Where any of this fails the answer is
// a reason ("not enforceable here: ...") that the platform reports instead of pretending to limit memory.
// Detection reads the /proc and /sys trees under configurable roots, so every branch is testable on synthetic trees.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace faaswb::localplatform {

struct RevisionTemplate;

// Annotation on a Service's and a Revision's status when their template has resources.limits.memory.
inline constexpr const char* kMemoryLimitAnnotation = "faaswb.dev/memory-limit";
inline constexpr const char* kMemoryLimitEnforced = "enforced (cgroup v2)";

struct CgroupEnvironment {
    std::string procSelf = "/proc/self"; // mountinfo and cgroup are read here
    std::string fsRoot;                  // prefixed to the mount points of mountinfo (a fake tree's root in tests)
};

struct MemoryCgroupSupport {
    std::string root;   // the group that holds the instance groups (<own>/faaswb-<pid>); empty: not enforceable
    std::string reason; // "not enforceable here: <why>" when root is empty
    bool enforceable() const { return !root.empty(); }
    // The annotation value: kMemoryLimitEnforced or the reason.
    std::string annotation() const { return enforceable() ? kMemoryLimitEnforced : reason; }
};

// Detects, and when possible prepares: enables "+memory" in <own>/cgroup.subtree_control if needed, creates
// <own>/faaswb-<pid>/ and enables "+memory" in its cgroup.subtree_control. Idempotent for the same pid.
MemoryCgroupSupport detectMemoryCgroup(const CgroupEnvironment& environment, int pid);

// detectMemoryCgroup on the real /proc and /sys for this process, once (thread-safe); the faaswb-<pid> group is
// removed at exit when it is empty.
const MemoryCgroupSupport& processMemoryCgroup();

// Sets status.annotations[kMemoryLimitAnnotation] when `tmpl` has a memory limit (Knative's duck Status has
// annotations); leaves `status` alone otherwise.
void annotateMemoryLimit(nlohmann::json& status, const RevisionTemplate& tmpl, const MemoryCgroupSupport& support);

// One instance's group <root>/<name>: memory.max = the limit, memory.swap.max = 0 (when the file exists, so the
// limit is not stretched by swap), memory.oom.group = 1 (an OOM kills the instance's whole process tree).
class InstanceCgroup {
public:
    static Result<std::unique_ptr<InstanceCgroup>> create(const std::string& root, const std::string& name,
                                                          std::int64_t limitBytes);
    ~InstanceCgroup(); // closes the fd; remove() is the caller's (it may have to wait for the group to empty)
    InstanceCgroup(const InstanceCgroup&) = delete;
    InstanceCgroup& operator=(const InstanceCgroup&) = delete;

    const std::string& path() const { return m_path; }
    std::int64_t limitBytes() const { return m_limitBytes; }
    // cgroup.procs opened for writing before fork: the child writes its pid there (async-signal-safe join).
    int procsFd() const { return m_procsFd; }
    // memory.events "oom_kill" (0 when unreadable): an increase over a process's life means the limit killed.
    std::int64_t oomKills() const;
    // Kills what is left (cgroup.kill where the kernel has it) and removes the group; false while it is not empty.
    bool remove();

private:
    InstanceCgroup(std::string path, std::int64_t limitBytes, int procsFd)
        : m_path(std::move(path))
        , m_limitBytes(limitBytes)
        , m_procsFd(procsFd) {}
    std::string m_path;
    std::int64_t m_limitBytes;
    int m_procsFd;
};

// "killed by the memory limit (memory.max 67108864 bytes)".
std::string describeMemoryKill(std::int64_t limitBytes);

} // namespace faaswb::localplatform
