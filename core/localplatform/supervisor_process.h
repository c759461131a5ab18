// Process primitives behind the Supervisor: fork+exec of an instance into its own process group with
// PR_SET_PDEATHSIG, the exec-error pipe, exit status texts and /proc usage. Plain functions; any thread (spawn from
// the platform thread, so PDEATHSIG follows that thread's lifetime).
#pragma once

#include "common/result.h"
#include "localplatform/supervisor.h"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace faaswb::localplatform::detail {

struct SpawnedProcess {
    int pid = -1;
    int stdoutFd = -1;    // read end of the child's stdout, non-blocking, close-on-exec
    int execErrorFd = -1; // read end of the exec-error pipe, non-blocking: 4 bytes (errno) when exec failed
};

// PATH, HOME, LANG, LC_ALL (when set here), PORT=0, then `extra` (a later name replaces an earlier one).
std::vector<std::string> instanceEnvironment(const std::vector<std::pair<std::string, std::string>>& extra);

// Forks and execs `command` (no shell): stdin /dev/null, stdout a pipe to us, stderr to `logFd`, no other fds.
// cgroupProcsFd >= 0: the child first writes its pid there (joins that cgroup) and fails if the kernel refuses.
Result<SpawnedProcess> spawnProcess(const InstanceCommand& command, const std::vector<std::string>& environment,
                                    int logFd, int cgroupProcsFd = -1);

// The errno the child wrote before exec failed, if it did; negative (-errno) when joining the cgroup failed.
// Reads the non-blocking pipe once.
std::optional<int> readExecError(int fd);

// "exited with code 3", "killed by signal 9 (Killed)".
std::string describeExit(int waitStatus);

// Event fd that becomes readable when `pid` exits (pidfd_open), or -1 where the kernel has none.
int openPidfd(int pid);

std::optional<InstanceUsage> readUsage(int pid);

// Field 22 of /proc/<pid>/stat (clock ticks since boot); nullopt when the process is gone.
std::optional<unsigned long long> processStartTime(int pid);
// The process state of /proc/PID/stat ('R', 'S', 'T' stopped, 't' traced, 'Z' zombie, ...); nullopt when it is gone.
std::optional<char> processState(int pid);
// Rewrites `path` with one "PGID STARTTIME" line per group (SupervisorOptions::groupsFile); false on failure.
bool writeGroupsFile(const std::string& path, const std::set<int>& pgids);

} // namespace faaswb::localplatform::detail
