#include "localplatform/supervisor_process.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <linux/close_range.h>
#include <pthread.h>
#include <signal.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace faaswb::localplatform::detail {

namespace {

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// Resolved here, before fork: the child may only make async-signal-safe calls, so it gets an absolute path.
std::string resolveProgram(const std::string& program) {
    if (program.find('/') != std::string::npos)
        return program;
    std::stringstream path(environment("PATH"));
    for (std::string dir; std::getline(path, dir, ':');) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return program; // execve fails with ENOENT, which the child reports
}

class Fd {
public:
    explicit Fd(int fd = -1)
        : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    void reset(int fd) {
        reset();
        m_fd = fd;
    }
    int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }
    void reset() {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd;
};

struct Pipe {
    Fd read;
    Fd write;
};

Result<void> makePipe(Pipe& pipe) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return internalError(std::string("cannot create a pipe: ") + std::strerror(errno));
    pipe.read.reset(fds[0]);
    pipe.write.reset(fds[1]);
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    return {};
}

[[noreturn]] void childFail(int errorFd, int error) {
    [[maybe_unused]] const ssize_t written = ::write(errorFd, &error, sizeof error);
    ::_exit(127);
}

// Moves the calling (child) process into the cgroup whose cgroup.procs is open as `procsFd`: its pid in decimal.
// Async-signal-safe (no allocation); false with errno set when the kernel refuses.
bool joinCgroup(int procsFd) {
    char digits[24];
    char* end = digits + sizeof digits;
    char* begin = end;
    for (auto pid = static_cast<unsigned long>(::getpid()); begin == end || pid != 0; pid /= 10)
        *--begin = static_cast<char>('0' + pid % 10);
    return ::write(procsFd, begin, static_cast<std::size_t>(end - begin)) == end - begin;
}

// Runs in the forked child: async-signal-safe calls only (no allocation, no locks).
[[noreturn]] void execChild(const char* program, char* const* argv, char* const* envp, pid_t parent, int stdinFd,
                            int stdoutFd, int stderrFd, int errorFd, int cgroupProcsFd) {
    // First, so nothing the child allocates is charged outside the limit. A negative errno tells the parent that
    // joining failed rather than exec.
    if (cgroupProcsFd >= 0 && !joinCgroup(cgroupProcsFd))
        childFail(errorFd, -(errno != 0 ? errno : EIO));
    ::setpgid(0, 0);
    // The parent may have died between fork and prctl; then no signal would ever come.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent)
        ::_exit(126);
    // Signals were blocked across fork: reset the parent's handlers before any can run here, then unblock.
    struct sigaction defaults = {};
    defaults.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; ++signal)
        ::sigaction(signal, &defaults, nullptr); // fails harmlessly for SIGKILL, SIGSTOP and reserved signals
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // Move everything above 2 first, so a source that happens to be fd 0-2 is not overwritten by another dup2.
    errorFd = ::fcntl(errorFd, F_DUPFD_CLOEXEC, 3);
    const int in = ::fcntl(stdinFd, F_DUPFD, 3);
    const int out = ::fcntl(stdoutFd, F_DUPFD, 3);
    const int err = ::fcntl(stderrFd, F_DUPFD, 3);
    if (errorFd < 0 || in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0)
        childFail(errorFd, errno);
    // Everything else closes at exec; the error pipe stays open until then.
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        if (errorFd > 3)
            ::close_range(3, static_cast<unsigned>(errorFd) - 1, 0);
        ::close_range(static_cast<unsigned>(errorFd) + 1, ~0U, 0);
    }
    ::execve(program, argv, envp);
    childFail(errorFd, errno);
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> result;
    for (auto& string : strings)
        result.push_back(string.data());
    result.push_back(nullptr);
    return result;
}

} // namespace

std::vector<std::string> instanceEnvironment(const std::vector<std::pair<std::string, std::string>>& extra) {
    std::vector<std::pair<std::string, std::string>> variables;
    const auto set = [&variables](const std::string& name, const std::string& value) {
        for (auto& variable : variables)
            if (variable.first == name) {
                variable.second = value;
                return;
            }
        variables.emplace_back(name, value);
    };
    const std::string path = environment("PATH");
    set("PATH", path.empty() ? "/usr/local/bin:/usr/bin:/bin" : path);
    for (const char* name : {"HOME", "LANG", "LC_ALL"})
        if (const char* value = std::getenv(name))
            set(name, value);
    set("PORT", "0");
    for (const auto& [name, value] : extra)
        set(name, value);
    std::vector<std::string> result;
    for (const auto& [name, value] : variables)
        result.push_back(name + "=" + value);
    return result;
}

Result<SpawnedProcess> spawnProcess(const InstanceCommand& command, const std::vector<std::string>& environment,
                                    int logFd, int cgroupProcsFd) {
    Pipe out;
    Pipe execError;
    if (auto made = makePipe(out); !made)
        return made.error();
    if (auto made = makePipe(execError); !made)
        return made.error();
    const Fd devNull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (devNull.get() < 0)
        return internalError(std::string("cannot open /dev/null: ") + std::strerror(errno));

    const std::string program = resolveProgram(command.program);
    std::vector<std::string> args{command.program};
    args.insert(args.end(), command.args.begin(), command.args.end());
    std::vector<std::string> env = environment;
    const std::vector<char*> argv = pointers(args);
    const std::vector<char*> envp = pointers(env);

    // A signal arriving between fork and exec would otherwise run the daemon's handlers in the child (e.g. a
    // SIGTERM handler that asks the daemon to shut down through a shared pipe).
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0)
        execChild(program.c_str(), argv.data(), envp.data(), parent, devNull.get(), out.write.get(), logFd,
                  execError.write.get(), cgroupProcsFd);
    const int forkError = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (pid < 0)
        return internalError(std::string("cannot fork: ") + std::strerror(forkError));
    // Also from here, so the group exists before we ever signal it, whichever of us runs first.
    ::setpgid(pid, pid);
    return SpawnedProcess{pid, out.read.release(), execError.read.release()};
}

std::optional<int> readExecError(int fd) {
    int error = 0;
    const ssize_t got = ::read(fd, &error, sizeof error);
    return got == static_cast<ssize_t>(sizeof error) ? std::optional<int>(error) : std::nullopt;
}

std::string describeExit(int waitStatus) {
    if (WIFEXITED(waitStatus))
        return "exited with code " + std::to_string(WEXITSTATUS(waitStatus));
    if (WIFSIGNALED(waitStatus)) {
        const int signal = WTERMSIG(waitStatus);
        const char* name = ::strsignal(signal);
        return "killed by signal " + std::to_string(signal) + (name ? std::string(" (") + name + ")" : "");
    }
    return "stopped (status " + std::to_string(waitStatus) + ")";
}

int openPidfd(int pid) {
#ifdef SYS_pidfd_open
    const long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0)
        ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
    return static_cast<int>(fd);
#else
    (void)pid;
    return -1;
#endif
}

namespace {

// The fields of /proc/PID/stat from field 3 (state) on. The command name (field 2) may contain spaces and
// parentheses, so the fields are counted after its last ')'.
std::optional<std::vector<std::string>> statFields(int pid) {
    std::ifstream statFile("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(statFile, stat))
        return std::nullopt;
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream stream(stat.substr(close + 1));
    std::vector<std::string> fields;
    for (std::string field; stream >> field;)
        fields.push_back(std::move(field));
    return fields;
}

// Field `number` as proc(5) counts them (1 = pid).
const std::string* statField(const std::vector<std::string>& fields, std::size_t number) {
    return number >= 3 && number - 3 < fields.size() ? &fields[number - 3] : nullptr;
}

} // namespace

std::optional<InstanceUsage> readUsage(int pid) {
    const auto fields = statFields(pid);
    if (!fields)
        return std::nullopt;
    const std::string* utime = statField(*fields, 14);
    const std::string* stime = statField(*fields, 15);
    InstanceUsage usage;
    usage.sampledAt = std::chrono::steady_clock::now();
    usage.cpuSeconds =
        ((utime ? std::strtod(utime->c_str(), nullptr) : 0.0) + (stime ? std::strtod(stime->c_str(), nullptr) : 0.0)) /
        static_cast<double>(::sysconf(_SC_CLK_TCK));
    std::ifstream statusFile("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(statusFile, line);)
        if (line.starts_with("VmRSS:"))
            usage.workingSetBytes = std::strtoll(line.c_str() + 6, nullptr, 10) * 1024;
    return usage;
}

std::optional<unsigned long long> processStartTime(int pid) {
    const auto fields = statFields(pid);
    const std::string* start = fields ? statField(*fields, 22) : nullptr;
    if (!start)
        return std::nullopt;
    return std::strtoull(start->c_str(), nullptr, 10);
}

std::optional<char> processState(int pid) {
    const auto fields = statFields(pid);
    const std::string* state = fields ? statField(*fields, 3) : nullptr;
    if (!state || state->empty())
        return std::nullopt;
    return state->front();
}

bool writeGroupsFile(const std::string& path, const std::set<int>& pgids) {
    std::ostringstream text;
    for (int pgid : pgids)
        if (const auto started = processStartTime(pgid))
            text << pgid << ' ' << *started << '\n';
    std::ofstream file(path, std::ios::trunc);
    file << text.str();
    return static_cast<bool>(file.flush());
}

} // namespace faaswb::localplatform::detail

namespace faaswb::localplatform {

int endLeftoverGroups(const std::string& groupsFile) {
    std::ifstream file(groupsFile);
    int signalled = 0;
    int pgid = 0;
    unsigned long long recorded = 0;
    while (file >> pgid >> recorded) {
        if (pgid <= 1 || pgid == ::getpgrp())
            continue;
        const auto started = detail::processStartTime(pgid);
        const bool same = started ? *started == recorded : ::kill(-pgid, 0) == 0;
        if (same && ::kill(-pgid, SIGKILL) == 0)
            ++signalled;
    }
    std::remove(groupsFile.c_str());
    return signalled;
}

} // namespace faaswb::localplatform
