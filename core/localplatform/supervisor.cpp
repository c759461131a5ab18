// The Supervisor's state machine per instance: Starting (spawned, waiting for the port line) -> Probing (GET /healthz
// every probeInterval) -> Ready; an unexpected exit -> BackingOff -> Starting again; terminate() -> Terminating ->
// gone. Every asynchronous completion carries the instance's generation (one per spawned process), so completions
// of an earlier process of the same instance are ignored.
#include "localplatform/supervisor.h"

#include "localplatform/http_server.h"
#include "localplatform/supervisor_process.h"

#include <array>
#include <atomic>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <set>
#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace faaswb::localplatform {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{10000};
constexpr std::chrono::seconds kBackoffReset{60}; // ready this long before a crash: the next backoff starts over
constexpr milliseconds kExitPollInterval{50};     // only where pidfd_open is unavailable
constexpr milliseconds kProbeTimeout{1000};
constexpr std::size_t kMaxPortLine = 4096;

double millisecondsBetween(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

void writeAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t written = ::write(fd, data, size);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return;
        data += written;
        size -= static_cast<std::size_t>(written);
    }
}

// "listening on 127.0.0.1:PORT" (or HOST:PORT) -> PORT.
std::optional<std::uint16_t> parsePortLine(std::string line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
        line.pop_back();
    const std::string prefix = "listening on ";
    const std::size_t colon = line.rfind(':');
    if (!line.starts_with(prefix) || colon == std::string::npos || colon + 1 == line.size())
        return std::nullopt;
    int port = 0;
    for (char c : line.substr(colon + 1)) {
        if (c < '0' || c > '9' || port > 65535)
            return std::nullopt;
        port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(port);
}

int openLog(const std::string& path) {
    if (path.empty())
        return ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    std::error_code error;
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty())
        std::filesystem::create_directories(parent, error);
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

enum class Phase { Starting, Probing, Ready, BackingOff, Terminating };

struct Instance {
    Instance(asio::io_context& io, InstanceSpec s)
        : spec(std::move(s))
        , stdoutPipe(io)
        , exitEvent(io)
        , phaseTimer(io)
        , probeTimer(io)
        , exitPoll(io) {}

    InstanceSpec spec;
    Phase phase = Phase::Starting;
    std::uint64_t generation = 0; // bumped when a process is spawned and when it ends
    int pid = -1;
    int logFd = -1;
    int execErrorFd = -1;
    asio::posix::stream_descriptor stdoutPipe;
    asio::posix::stream_descriptor exitEvent; // pidfd
    asio::steady_timer phaseTimer;            // readiness deadline, backoff or termination grace, by phase
    asio::steady_timer probeTimer;
    asio::steady_timer exitPoll;
    std::array<char, 8192> buffer{};
    std::string firstLine;
    bool portLineSeen = false;
    std::uint16_t port = 0;
    Clock::time_point spawnedAt;
    std::optional<Clock::time_point> readyAt;
    std::string killReason; // set when we killed it for not becoming ready: reported instead of the signal
    std::string lastProbeError;
    std::unique_ptr<InstanceCgroup> cgroup; // kept across restarts, removed with the instance
    std::int64_t oomKillsAtSpawn = 0;
    int restarts = 0;
    milliseconds nextBackoff = kFirstBackoff;
};

using InstancePtr = std::shared_ptr<Instance>;

} // namespace

class Supervisor::Impl : public std::enable_shared_from_this<Supervisor::Impl> {
public:
    Impl(asio::io_context& io, HttpClient& probes, SupervisorListener& listener, SupervisorOptions options)
        : m_io(io)
        , m_probes(probes)
        , m_listener(listener)
        , m_options(options)
        , m_owner(std::this_thread::get_id()) {}

    Status start(InstanceSpec spec);
    void terminate(const std::string& name);
    void killAll();

    InstancePtr find(const std::string& name) const {
        const auto it = m_instances.find(name);
        return it == m_instances.end() ? nullptr : it->second;
    }
    std::size_t size() const { return m_instances.size(); }
    const MemoryCgroupSupport& memoryCgroup() {
        if (!m_memoryCgroup)
            m_memoryCgroup = m_options.memoryCgroup ? *m_options.memoryCgroup : processMemoryCgroup();
        return *m_memoryCgroup;
    }
    ~Impl() { removeCgroups(); }

private:
    // Runs `body` only while the supervisor lives and `instance` still runs process `generation`.
    template <typename Body>
    auto guarded(const InstancePtr& instance, Body body) {
        return [weak = weak_from_this(), instance, generation = instance->generation, body](auto&&... args) {
            const auto self = weak.lock();
            if (!self || self->find(instance->spec.name) != instance || instance->generation != generation)
                return;
            body(*self, std::forward<decltype(args)>(args)...);
        };
    }

    void spawn(const InstancePtr& instance);
    void readStdout(const InstancePtr& instance);
    void consumeStdout(const InstancePtr& instance, std::size_t size);
    void portLineReceived(const InstancePtr& instance, const std::string& line);
    void probe(const InstancePtr& instance);
    void probeAnswered(const InstancePtr& instance, const ClientResponse& response);
    void readinessExpired(const InstancePtr& instance);
    void watchExit(const InstancePtr& instance);
    void pollExit(const InstancePtr& instance);
    bool tryReap(const InstancePtr& instance);
    void exited(const InstancePtr& instance, int waitStatus);
    void crashed(const InstancePtr& instance, const std::string& reason);
    // dropConnections: tell the probe client the port is gone (not at shutdown, when it may be gone itself).
    void releaseProcess(Instance& instance, bool dropConnections = true);
    void remove(const InstancePtr& instance, bool dropConnections = true);
    void signalGroup(const Instance& instance, int signal) const;
    void failLater(const InstancePtr& instance, std::string reason);
    void drainStdout(Instance& instance);
    std::string exitReason(const Instance& instance, int waitStatus) const;
    // Removes the groups of gone instances; one whose last processes are still exiting waits for the next call.
    void removeCgroups();

    asio::io_context& m_io;
    HttpClient& m_probes;
    SupervisorListener& m_listener;
    SupervisorOptions m_options;
    std::thread::id m_owner;
    std::map<std::string, InstancePtr> m_instances;

    // Unreaped children, shared with killAll() on any thread: whoever removes a pid here reaps it.
    std::mutex m_pidsMutex;
    std::set<int> m_pids;
    // With m_pidsMutex held: SupervisorOptions::groupsFile follows m_pids (each instance leads its own group).
    void recordGroups() {
        if (!m_options.groupsFile.empty())
            (void)detail::writeGroupsFile(m_options.groupsFile, m_pids);
    }
    std::atomic<bool> m_killedElsewhere{false};
    std::optional<MemoryCgroupSupport> m_memoryCgroup;
    std::vector<std::unique_ptr<InstanceCgroup>> m_goneCgroups;
};

Status Supervisor::Impl::start(InstanceSpec spec) {
    if (spec.name.empty())
        return invalidInput("an instance needs a name");
    if (spec.command.program.empty())
        return invalidInput("instance '" + spec.name + "' has no program to run");
    if (m_instances.count(spec.name))
        return invalidInput("an instance named '" + spec.name + "' is already running");
    auto instance = std::make_shared<Instance>(m_io, std::move(spec));
    m_instances.emplace(instance->spec.name, instance);
    instance->logFd = openLog(instance->spec.logPath);
    if (instance->logFd < 0) {
        failLater(instance, "cannot open the log file " + instance->spec.logPath + ": " + std::strerror(errno));
        return {};
    }
    if (instance->spec.memoryLimitBytes && memoryCgroup().enforceable()) {
        static std::atomic<std::uint64_t> sequence{0}; // several supervisors of a process share the root
        auto cgroup =
            InstanceCgroup::create(memoryCgroup().root, instance->spec.name + "-" + std::to_string(++sequence),
                                   *instance->spec.memoryLimitBytes);
        if (!cgroup) {
            failLater(instance, "cannot apply the memory limit: " + cgroup.error().message);
            return {};
        }
        instance->cgroup = std::move(*cgroup);
    }
    spawn(instance);
    return {};
}

void Supervisor::Impl::spawn(const InstancePtr& instance) {
    if (m_killedElsewhere) {
        remove(instance);
        return;
    }
    ++instance->generation;
    instance->phase = Phase::Starting;
    instance->firstLine.clear();
    instance->portLineSeen = false;
    instance->port = 0;
    instance->readyAt.reset();
    instance->killReason.clear();
    instance->lastProbeError.clear();
    instance->spawnedAt = Clock::now();
    instance->oomKillsAtSpawn = instance->cgroup ? instance->cgroup->oomKills() : 0;
    auto spawned = detail::spawnProcess(instance->spec.command, detail::instanceEnvironment(instance->spec.env),
                                        instance->logFd, instance->cgroup ? instance->cgroup->procsFd() : -1);
    if (!spawned) {
        failLater(instance, spawned.error().message);
        return;
    }
    {
        std::lock_guard lock(m_pidsMutex);
        m_pids.insert(spawned->pid);
        recordGroups();
    }
    instance->pid = spawned->pid;
    instance->execErrorFd = spawned->execErrorFd;
    instance->stdoutPipe.assign(spawned->stdoutFd);
    watchExit(instance);
    readStdout(instance);
    instance->phaseTimer.expires_after(m_options.readinessTimeout);
    instance->phaseTimer.async_wait(guarded(instance, [instance](Impl& self, boost::system::error_code error) {
        if (!error)
            self.readinessExpired(instance);
    }));
}

void Supervisor::Impl::readStdout(const InstancePtr& instance) {
    instance->stdoutPipe.async_read_some(
        asio::buffer(instance->buffer),
        guarded(instance, [instance](Impl& self, boost::system::error_code error, std::size_t size) {
            if (error)
                return; // EOF or closed: the exit watch reports what happened
            self.consumeStdout(instance, size);
            if (self.find(instance->spec.name) == instance && instance->stdoutPipe.is_open())
                self.readStdout(instance);
        }));
}

void Supervisor::Impl::consumeStdout(const InstancePtr& instance, std::size_t size) {
    const char* data = instance->buffer.data();
    if (instance->portLineSeen) {
        writeAll(instance->logFd, data, size);
        return;
    }
    instance->firstLine.append(data, size);
    const std::size_t newline = instance->firstLine.find('\n');
    if (newline == std::string::npos) {
        if (instance->firstLine.size() > kMaxPortLine)
            portLineReceived(instance, instance->firstLine);
        return;
    }
    const std::string rest = instance->firstLine.substr(newline + 1);
    writeAll(instance->logFd, rest.data(), rest.size());
    portLineReceived(instance, instance->firstLine.substr(0, newline));
}

void Supervisor::Impl::portLineReceived(const InstancePtr& instance, const std::string& line) {
    instance->portLineSeen = true;
    const auto port = parsePortLine(line);
    if (!port) {
        writeAll(instance->logFd, line.data(), line.size());
        writeAll(instance->logFd, "\n", 1);
        instance->killReason =
            "the first stdout line was not 'listening on 127.0.0.1:PORT' but '" + line.substr(0, 200) + "'";
        signalGroup(*instance, SIGKILL);
        return;
    }
    instance->port = *port;
    if (instance->phase != Phase::Starting)
        return; // terminating: no probes
    instance->phase = Phase::Probing;
    probe(instance);
}

void Supervisor::Impl::probe(const InstancePtr& instance) {
    HttpRequest request;
    request.method = "GET";
    request.target = "/healthz";
    request.path = "/healthz";
    m_probes.send("127.0.0.1", instance->port, std::move(request), kProbeTimeout,
                  guarded(instance, [instance](Impl& self, ClientResponse response) {
                      if (instance->phase == Phase::Probing)
                          self.probeAnswered(instance, response);
                  }));
}

void Supervisor::Impl::probeAnswered(const InstancePtr& instance, const ClientResponse& response) {
    if (response.ok() && response.status == 200) {
        instance->phase = Phase::Ready;
        instance->readyAt = Clock::now();
        instance->phaseTimer.cancel();
        m_listener.onInstanceReady(instance->spec.name, instance->port,
                                   millisecondsBetween(instance->spawnedAt, *instance->readyAt));
        return;
    }
    instance->lastProbeError = response.ok() ? "answered " + std::to_string(response.status) : response.errorMessage;
    instance->probeTimer.expires_after(m_options.probeInterval);
    instance->probeTimer.async_wait(guarded(instance, [instance](Impl& self, boost::system::error_code error) {
        if (!error && instance->phase == Phase::Probing)
            self.probe(instance);
    }));
}

void Supervisor::Impl::readinessExpired(const InstancePtr& instance) {
    if (instance->phase != Phase::Starting && instance->phase != Phase::Probing)
        return;
    const std::string within = " within " + std::to_string(m_options.readinessTimeout.count()) + " ms";
    instance->killReason = instance->portLineSeen
                               ? "GET /healthz did not answer 200" + within + " (last: " +
                                     (instance->lastProbeError.empty() ? "no answer" : instance->lastProbeError) + ")"
                               : "no 'listening on 127.0.0.1:PORT' line on stdout" + within;
    signalGroup(*instance, SIGKILL);
}

void Supervisor::Impl::watchExit(const InstancePtr& instance) {
    const int pidfd = m_options.useExitPidfd ? detail::openPidfd(instance->pid) : -1;
    if (pidfd < 0) {
        pollExit(instance);
        return;
    }
    instance->exitEvent.assign(pidfd);
    instance->exitEvent.async_wait(asio::posix::stream_descriptor::wait_read,
                                   guarded(instance, [instance](Impl& self, boost::system::error_code error) {
                                       if (error == asio::error::operation_aborted)
                                           return;
                                       if (error || !self.tryReap(instance))
                                           self.pollExit(instance); // not expected: fall back rather than lose it
                                   }));
}

void Supervisor::Impl::pollExit(const InstancePtr& instance) {
    instance->exitPoll.expires_after(kExitPollInterval);
    instance->exitPoll.async_wait(guarded(instance, [instance](Impl& self, boost::system::error_code error) {
        if (!error && !self.tryReap(instance))
            self.pollExit(instance);
    }));
}

// Reaps the instance's process if it has exited (then calls exited()); false while it still runs.
bool Supervisor::Impl::tryReap(const InstancePtr& instance) {
    int waitStatus = SIGKILL; // as if killed, when killAll() on another thread reaped it first
    {
        std::lock_guard lock(m_pidsMutex);
        if (m_pids.count(instance->pid)) {
            siginfo_t info{};
            if (::waitid(P_PID, static_cast<id_t>(instance->pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
                info.si_pid == 0)
                return false;
            // The leader is a zombie, so its pid (the group id) cannot be reused yet: end whatever it left behind.
            ::kill(-instance->pid, SIGKILL);
            ::waitpid(instance->pid, &waitStatus, 0);
            m_pids.erase(instance->pid);
            recordGroups();
        }
    }
    exited(instance, waitStatus);
    return true;
}

void Supervisor::Impl::exited(const InstancePtr& instance, int waitStatus) {
    const std::optional<int> execError = detail::readExecError(instance->execErrorFd);
    drainStdout(*instance);
    releaseProcess(*instance);
    const std::string name = instance->spec.name;
    if (m_killedElsewhere) {
        remove(instance);
    } else if (execError && *execError < 0) {
        const std::string group = instance->cgroup ? instance->cgroup->path() : "";
        remove(instance);
        m_listener.onInstanceFailed(name, "cannot join the memory cgroup " + group + ": " + std::strerror(-*execError));
    } else if (execError) {
        remove(instance);
        m_listener.onInstanceFailed(name,
                                    "cannot run " + instance->spec.command.program + ": " + std::strerror(*execError));
    } else if (instance->phase == Phase::Terminating) {
        remove(instance);
        m_listener.onInstanceGone(name);
    } else {
        crashed(instance, exitReason(*instance, waitStatus));
    }
}

// The memory limit first: a process it killed may also have missed its readiness deadline on the way.
std::string Supervisor::Impl::exitReason(const Instance& instance, int waitStatus) const {
    if (instance.cgroup && instance.cgroup->oomKills() > instance.oomKillsAtSpawn)
        return describeMemoryKill(instance.cgroup->limitBytes());
    return instance.killReason.empty() ? detail::describeExit(waitStatus) : instance.killReason;
}

void Supervisor::Impl::removeCgroups() {
    std::erase_if(m_goneCgroups, [](const std::unique_ptr<InstanceCgroup>& cgroup) { return cgroup->remove(); });
}

void Supervisor::Impl::crashed(const InstancePtr& instance, const std::string& reason) {
    const std::string name = instance->spec.name;
    if (instance->restarts >= m_options.maxRestarts) {
        remove(instance);
        m_listener.onInstanceFailed(name,
                                    reason + " (given up after " + std::to_string(instance->restarts) + " restarts)");
        return;
    }
    if (instance->readyAt && Clock::now() - *instance->readyAt >= kBackoffReset)
        instance->nextBackoff = kFirstBackoff;
    const milliseconds backoff = instance->nextBackoff;
    instance->nextBackoff = std::min(instance->nextBackoff * 2, kMaxBackoff);
    ++instance->restarts;
    instance->phase = Phase::BackingOff;
    instance->phaseTimer.expires_after(backoff);
    instance->phaseTimer.async_wait(guarded(instance, [instance](Impl& self, boost::system::error_code error) {
        if (!error && instance->phase == Phase::BackingOff)
            self.spawn(instance);
    }));
    m_listener.onInstanceCrashed(name, reason, instance->restarts - 1);
}

// Keeps what the process wrote to stdout just before it ended (e.g. a traceback) in the log.
void Supervisor::Impl::drainStdout(Instance& instance) {
    if (!instance.stdoutPipe.is_open())
        return;
    std::array<char, 8192> buffer; // not instance.buffer: a completed read may still wait there for its handler
    for (int rounds = 0; rounds < 64; ++rounds) {
        const ssize_t got = ::read(instance.stdoutPipe.native_handle(), buffer.data(), buffer.size());
        if (got <= 0)
            return;
        writeAll(instance.logFd, buffer.data(), static_cast<std::size_t>(got));
    }
}

void Supervisor::Impl::releaseProcess(Instance& instance, bool dropConnections) {
    boost::system::error_code ignored;
    instance.stdoutPipe.close(ignored);
    instance.exitEvent.close(ignored);
    instance.phaseTimer.cancel();
    instance.probeTimer.cancel();
    instance.exitPoll.cancel();
    if (instance.execErrorFd >= 0)
        ::close(instance.execErrorFd);
    instance.execErrorFd = -1;
    if (dropConnections && instance.port != 0)
        m_probes.dropIdle("127.0.0.1", instance.port);
    instance.pid = -1;
    ++instance.generation; // completions still queued for this process are stale now
}

void Supervisor::Impl::remove(const InstancePtr& instance, bool dropConnections) {
    releaseProcess(*instance, dropConnections);
    if (instance->logFd >= 0)
        ::close(instance->logFd);
    instance->logFd = -1;
    if (instance->cgroup)
        m_goneCgroups.push_back(std::move(instance->cgroup));
    removeCgroups();
    m_instances.erase(instance->spec.name);
}

void Supervisor::Impl::signalGroup(const Instance& instance, int signal) const {
    if (instance.pid > 0)
        ::kill(-instance.pid, signal);
}

void Supervisor::Impl::failLater(const InstancePtr& instance, std::string reason) {
    remove(instance);
    asio::post(m_io, [weak = weak_from_this(), name = instance->spec.name, reason = std::move(reason)] {
        if (const auto self = weak.lock())
            self->m_listener.onInstanceFailed(name, reason);
    });
}

void Supervisor::Impl::terminate(const std::string& name) {
    const InstancePtr instance = find(name);
    if (!instance || instance->phase == Phase::Terminating)
        return;
    if (instance->phase == Phase::BackingOff) {
        remove(instance);
        asio::post(m_io, [weak = weak_from_this(), name] {
            if (const auto self = weak.lock())
                self->m_listener.onInstanceGone(name);
        });
        return;
    }
    instance->phase = Phase::Terminating;
    instance->probeTimer.cancel();
    instance->phaseTimer.expires_after(m_options.terminationGrace);
    instance->phaseTimer.async_wait(guarded(instance, [instance](Impl& self, boost::system::error_code error) {
        if (!error && instance->phase == Phase::Terminating)
            self.signalGroup(*instance, SIGKILL);
    }));
    signalGroup(*instance, SIGTERM);
}

void Supervisor::Impl::killAll() {
    {
        std::lock_guard lock(m_pidsMutex);
        for (int pid : m_pids)
            ::kill(-pid, SIGKILL);
        for (int pid : m_pids)
            while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
            }
        m_pids.clear();
        recordGroups();
    }
    if (std::this_thread::get_id() != m_owner) {
        // The platform thread may be running: leave its state alone and let its completions drop the instances.
        m_killedElsewhere = true;
        return;
    }
    const auto instances = m_instances;
    for (const auto& [name, instance] : instances)
        remove(instance, false);
}

Supervisor::Supervisor(asio::io_context& io, HttpClient& probes, SupervisorListener& listener,
                       SupervisorOptions options)
    : m_impl(std::make_shared<Impl>(io, probes, listener, options)) {}

Supervisor::~Supervisor() {
    killAll();
}

Status Supervisor::start(InstanceSpec spec) {
    return m_impl->start(std::move(spec));
}

void Supervisor::terminate(const std::string& name) {
    m_impl->terminate(name);
}

void Supervisor::killAll() {
    m_impl->killAll();
}

std::optional<InstanceUsage> Supervisor::usage(const std::string& name) const {
    const auto instance = m_impl->find(name);
    if (!instance || instance->pid <= 0)
        return std::nullopt;
    return detail::readUsage(instance->pid);
}

std::optional<int> Supervisor::pid(const std::string& name) const {
    const auto instance = m_impl->find(name);
    if (!instance || instance->pid <= 0)
        return std::nullopt;
    return instance->pid;
}

int Supervisor::restartCount(const std::string& name) const {
    const auto instance = m_impl->find(name);
    return instance ? instance->restarts : 0;
}

std::size_t Supervisor::size() const {
    return m_impl->size();
}

const MemoryCgroupSupport& Supervisor::memoryCgroup() const {
    return m_impl->memoryCgroup();
}

std::optional<std::string> Supervisor::cgroupPath(const std::string& name) const {
    const auto instance = m_impl->find(name);
    if (!instance || !instance->cgroup)
        return std::nullopt;
    return instance->cgroup->path();
}

} // namespace faaswb::localplatform
