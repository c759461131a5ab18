// Supervisor: runs instances ("pods") as child processes of a language wrapper serving one benchmark. An instance
// starts with PORT=0 and a minimal environment plus the manifest's env, announces its port on its first stdout line
// ("listening on 127.0.0.1:PORT", benchmarks/README.md) and is ready once GET /healthz answers 200. A process that
// exits unexpectedly is restarted in place (restart count, backoff 0.1 s doubling to 10 s) like a kubelet restarts a
// container. terminate() sends SIGTERM, then SIGKILL after the grace period. Each instance runs in its own process
// group with PR_SET_PDEATHSIG, so nothing survives the daemon, even a SIGKILLed one. Platform thread only, except
// killAll() (any thread, e.g. a fatal-signal path).
#pragma once

#include "common/result.h"
#include "localplatform/memory_cgroup.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace faaswb::localplatform {

class HttpClient;

struct InstanceCommand {
    std::string program;
    std::vector<std::string> args;
};

// `local/<benchmark-id>:<language>` -> the wrapper command (cpp: <binDir>/faaswb-function-host <id>; python:
// python3 wrappers/python/server.py <bench>/python/function.py; nodejs likewise). Errors (InvalidInput) name the
// field value and say why: not a local/ image, unknown benchmark (with did-you-mean), language not provided by that
// benchmark, runtime not installed, a path escaping the benchmark root ("..", absolute, symlink out).
// `local-path/<abs dir>:python` (sebs_function.h) -> python3 wrappers/python/server.py <dir>/python/function.py for
// a SeBS-layout directory anywhere; its containment rule is documented at sebsFunctionFile in supervisor_image.cpp.
Result<InstanceCommand> resolveLocalImage(const std::string& image, const std::string& benchmarksRoot,
                                          const std::string& binDir);
// $FAASWB_PYTHON, else Debian's /usr/bin/python3, else python3 on PATH; "" when there is none.
std::string findPython();
// The directory of the running executable (/proc/self/exe), where faaswb-function-host is built/installed beside it.
std::string executableDir();

struct InstanceSpec {
    std::string name; // pod name
    InstanceCommand command;
    std::vector<std::pair<std::string, std::string>> env; // added to the minimal environment (PATH, HOME, LANG, PORT=0)
    std::string logPath;                                  // stdout after the port line and stderr are appended here
    // Enforced through a cgroup v2 group of the instance's own (memory_cgroup.h) where the supervisor's
    // memoryCgroup() is enforceable; ignored otherwise (the controller reports why on the Service).
    std::optional<std::int64_t> memoryLimitBytes = std::nullopt;
};

struct SupervisorOptions {
    std::chrono::milliseconds probeInterval{5};        // /healthz retry while starting (fast: cold starts are measured)
    std::chrono::milliseconds readinessTimeout{60000}; // no ready within this: killed, reported failed, restarted
    std::chrono::milliseconds terminationGrace{5000};
    int maxRestarts = 20; // then the instance is given up (onFailed) rather than restarted forever
    // Exit detection through pidfd_open (Linux >= 5.3); false polls waitpid every 50 ms, as happens on older kernels.
    bool useExitPidfd = true;
    // Where instance memory groups go; nullopt: processMemoryCgroup(), detected when first needed.
    std::optional<MemoryCgroupSupport> memoryCgroup;
    // The live instances' process groups, one "PGID STARTTIME" line each (STARTTIME: field 22 of /proc/PGID/stat),
    // kept current so a daemon restarted after this one was killed can end what it left (endLeftoverGroups());
    // PDEATHSIG only reaches the instances themselves, not their children. Empty: not recorded.
    std::string groupsFile;
};

// Sends SIGKILL to every process group `groupsFile` lists that still exists and is the one recorded (a live leader
// must have the recorded start time; a group whose leader is gone cannot have been reused, as Linux does not hand
// out a pid still used as a group id). Then removes the file. Returns how many groups were signalled.
int endLeftoverGroups(const std::string& groupsFile);

struct InstanceUsage {
    double cpuSeconds = 0;            // user + system of the process (utime + stime)
    std::int64_t workingSetBytes = 0; // VmRSS
    std::chrono::steady_clock::time_point sampledAt;
};

class SupervisorListener {
public:
    virtual ~SupervisorListener() = default;
    // Ready (first probe OK) after start or after a restart. startupMs: process spawn -> ready.
    virtual void onInstanceReady(const std::string& name, std::uint16_t port, double startupMs) = 0;
    // The process died without terminate(): it is not ready any more and will be restarted after the backoff.
    // restartCount: restarts so far, not counting the one this crash schedules (the first crash reports 0; after
    // it, restartCount(name) is 1). reason: "exited with code 3", "killed by signal 9 (Killed)", or why it was
    // killed while starting, or "killed by the memory limit (memory.max N bytes)" when its cgroup's
    // memory.events counted an OOM kill.
    virtual void onInstanceCrashed(const std::string& name, const std::string& reason, int restartCount) = 0;
    // After terminate(): the process is gone.
    virtual void onInstanceGone(const std::string& name) = 0;
    // Given up and gone: exec failed (at once, e.g. "cannot run /x: No such file or directory"), or the process
    // crashed or was never ready once more after maxRestarts restarts (the reason of the last attempt).
    virtual void onInstanceFailed(const std::string& name, const std::string& reason) = 0;
};

class Supervisor {
public:
    Supervisor(boost::asio::io_context& io, HttpClient& probes, SupervisorListener& listener,
               SupervisorOptions options = {});
    ~Supervisor(); // killAll()
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    Status start(InstanceSpec spec); // InvalidInput on a duplicate name; spawn errors arrive as onInstanceFailed
    void terminate(const std::string& name);
    // SIGKILL every process group and reap them, synchronously. No listener calls: the instances are simply gone
    // (on the platform thread they are also forgotten at once; from another thread, no restart follows).
    void killAll();

    std::optional<InstanceUsage> usage(const std::string& name) const; // from /proc/<pid>/stat and status
    std::optional<int> pid(const std::string& name) const;
    int restartCount(const std::string& name) const;
    std::size_t size() const;
    // Whether memory limits are enforced here (options.memoryCgroup or the process-wide detection). Platform thread.
    const MemoryCgroupSupport& memoryCgroup() const;
    // The instance's cgroup directory, when it has a memory limit that is enforced.
    std::optional<std::string> cgroupPath(const std::string& name) const;

private:
    class Impl;
    std::shared_ptr<Impl> m_impl;
};

} // namespace faaswb::localplatform
