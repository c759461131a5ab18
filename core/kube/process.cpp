#include "kube/process.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ; // NOLINT: POSIX declares it nowhere

namespace faaswb::kube {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t maxOutput = 1 << 20; // a credential is a few KiB; more means the plugin is misbehaving

class Fd {
public:
    explicit Fd(int fd = -1)
        : m_fd(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return m_fd; }
    void reset() {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd;
};

struct Pipe {
    Pipe(int readEnd, int writeEnd)
        : read(readEnd)
        , write(writeEnd) {}
    Fd read;
    Fd write;
};

Result<std::unique_ptr<Pipe>> makePipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return internalError(std::string("cannot create a pipe: ") + std::strerror(errno));
    return std::make_unique<Pipe>(fds[0], fds[1]);
}

class FileActions {
public:
    FileActions() { posix_spawn_file_actions_init(&m_actions); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
    ~FileActions() { posix_spawn_file_actions_destroy(&m_actions); }
    posix_spawn_file_actions_t* get() { return &m_actions; }

private:
    posix_spawn_file_actions_t m_actions{};
};

// Kills and reaps the child unless it was reaped normally, so no path leaves a zombie or a stray plugin.
class Child {
public:
    explicit Child(pid_t pid)
        : m_pid(pid) {}
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            waitExitCode();
        }
    }
    int waitExitCode() {
        int status = 0;
        while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
        }
        m_pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t m_pid;
};

std::vector<std::string> environmentWith(const std::vector<std::pair<std::string, std::string>>& extra) {
    std::vector<std::string> merged;
    for (char** entry = environ; entry && *entry; ++entry) {
        const std::string_view text(*entry);
        const auto name = text.substr(0, text.find('='));
        const bool replaced = std::any_of(extra.begin(), extra.end(), [&](const auto& e) { return e.first == name; });
        if (!replaced)
            merged.emplace_back(text);
    }
    for (const auto& [name, value] : extra)
        merged.push_back(name + "=" + value);
    return merged;
}

std::vector<char*> pointersTo(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (auto& text : strings)
        pointers.push_back(text.data());
    pointers.push_back(nullptr);
    return pointers;
}

// Reads stdout and stderr together (a child blocked on a full stderr pipe would never finish its stdout).
bool drain(Fd& out, Fd& err, ProcessOutput& output, Clock::time_point deadline) {
    while (out.get() >= 0 || err.get() >= 0) {
        pollfd fds[2] = {{out.get(), POLLIN, 0}, {err.get(), POLLIN, 0}};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0)
            return false;
        if (::poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR)
            return false;
        for (auto [fd, text] : {std::pair{&out, &output.out}, std::pair{&err, &output.err}}) {
            if (fd->get() < 0 || fds[fd == &out ? 0 : 1].revents == 0)
                continue;
            char buffer[4096];
            const ssize_t n = ::read(fd->get(), buffer, sizeof buffer);
            if (n > 0 && text->size() < maxOutput)
                text->append(buffer, static_cast<std::size_t>(n));
            else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
                fd->reset();
        }
    }
    return true;
}

} // namespace

Result<ProcessOutput> runProcess(const std::vector<std::string>& argv,
                                 const std::vector<std::pair<std::string, std::string>>& env,
                                 std::chrono::milliseconds timeout) {
    if (argv.empty())
        return internalError("runProcess: no program");
    auto out = makePipe();
    auto err = makePipe();
    if (!out || !err)
        return out ? err.error() : out.error();
    FileActions actions;
    posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(actions.get(), (*out)->write.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(actions.get(), (*err)->write.get(), STDERR_FILENO);
    std::vector<std::string> args = argv;
    std::vector<std::string> environment = environmentWith(env);
    const auto argPointers = pointersTo(args);
    const auto envPointers = pointersTo(environment);
    pid_t pid = -1;
    const int spawned =
        ::posix_spawnp(&pid, argv[0].c_str(), actions.get(), nullptr, argPointers.data(), envPointers.data());
    if (spawned != 0)
        return platformError("cannot run '" + argv[0] + "': " + std::strerror(spawned));
    Child child(pid);
    (*out)->write.reset();
    (*err)->write.reset();
    ProcessOutput output;
    if (!drain((*out)->read, (*err)->read, output, Clock::now() + timeout))
        return platformError("'" + argv[0] + "' did not finish within " + std::to_string(timeout.count()) + " ms");
    output.exitCode = child.waitExitCode();
    return output;
}

} // namespace faaswb::kube
