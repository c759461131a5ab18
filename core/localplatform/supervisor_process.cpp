#include "localplatform/supervisor_process.h"

#include <cerrno>
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

std::optional<InstanceUsage> readUsage(int pid) {
    const std::string base = "/proc/" + std::to_string(pid);
    std::ifstream statFile(base + "/stat");
    std::string stat;
    if (!std::getline(statFile, stat))
        return std::nullopt;
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    double utime = 0;
    double stime = 0;
    for (int index = 3; index <= 15 && fields >> field; ++index) {
        if (index == 14)
            utime = std::strtod(field.c_str(), nullptr);
        if (index == 15)
            stime = std::strtod(field.c_str(), nullptr);
    }
    InstanceUsage usage;
    usage.sampledAt = std::chrono::steady_clock::now();
    usage.cpuSeconds = (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    std::ifstream statusFile(base + "/status");
    for (std::string line; std::getline(statusFile, line);)
        if (line.starts_with("VmRSS:"))
            usage.workingSetBytes = std::strtoll(line.c_str() + 6, nullptr, 10) * 1024;
    return usage;
}

} // namespace faaswb::localplatform::detail
