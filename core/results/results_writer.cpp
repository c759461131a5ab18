#include "results/results_writer.h"

#include "results/result_store.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>
#include <variant>
#include <vector>

namespace faaswb::results {
namespace {

constexpr int kWriterPageCacheKiB = 2048;

struct StartItem {
    engine::RunDescription run;
};
struct IntervalItem {
    int cell;
    load::IntervalSnapshot interval;
};
struct RequestsItem {
    int cell;
    std::vector<load::RequestRecord> requests;
};
struct ScaleItem {
    int cell;
    platform::ScaleSample sample;
};
struct PodMetricsItem {
    int cell;
    std::vector<platform::PodMetricsSample> samples;
};
struct SpansItem {
    int cell;
    std::vector<trace::Span> spans;
};
struct DroppedItem {
    int cell;
    std::uint64_t count;
};
struct MetricsItem {
    int cell;
    analysis::RunMetricsReport report;
};
struct FinishItem {
    engine::RunOutcome outcome;
};
using Item = std::variant<StartItem, IntervalItem, RequestsItem, ScaleItem, PodMetricsItem, SpansItem, DroppedItem,
                          MetricsItem, FinishItem>;

struct Batch {
    std::vector<Item> items;
    std::uint64_t upTo = 0; // sequence number of the last item in the batch
    bool last = false;
};

} // namespace

class ResultsWriter::Worker {
public:
    Worker(std::string path, WriterOptions options)
        : m_path(std::move(path))
        , m_options(options) {
        m_thread = std::thread([this] { runGuarded(); });
    }

    ~Worker() {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }

    bool accepting() const { return m_accepting.load(std::memory_order_relaxed); }

    void start(const engine::RunDescription& run) {
        std::lock_guard lock(m_mutex);
        if (m_error)
            return;
        m_pendingCells.insert(run.cell);
        m_runIds.erase(run.cell);
        pushLocked(StartItem{run});
    }

    void push(Item item) {
        std::lock_guard lock(m_mutex);
        if (!m_error)
            pushLocked(std::move(item));
    }

    // Keeps what fits under the cap; the rest is counted as dropped for that run.
    void pushRequests(int cell, std::vector<load::RequestRecord> requests) {
        std::lock_guard lock(m_mutex);
        if (m_error)
            return;
        const std::size_t used = m_queuedRequests + m_inFlightRequests;
        const std::size_t room = used < m_options.maxQueuedRequests ? m_options.maxQueuedRequests - used : 0;
        if (requests.size() > room) {
            dropLocked(cell, requests.size() - room);
            requests.resize(room);
        }
        if (requests.empty())
            return;
        m_queuedRequests += requests.size();
        pushLocked(RequestsItem{cell, std::move(requests)});
        if (m_queuedRequests >= earlyDrainThreshold())
            m_wake.notify_one();
    }

    Status flush() {
        std::unique_lock lock(m_mutex);
        const std::uint64_t target = m_enqueued;
        m_flushRequested = true;
        m_wake.notify_one();
        m_progress.wait(lock, [&] { return m_committed >= target || m_error; });
        return m_error ? Status(*m_error) : Status();
    }

    Status lastError() const {
        std::lock_guard lock(m_mutex);
        return m_error ? Status(*m_error) : Status();
    }

    std::optional<std::int64_t> runIdForCell(int cell) {
        std::unique_lock lock(m_mutex);
        if (m_pendingCells.contains(cell)) {
            m_flushRequested = true;
            m_wake.notify_one();
            m_progress.wait(lock, [&] { return !m_pendingCells.contains(cell) || m_error; });
        }
        const auto found = m_runIds.find(cell);
        return found != m_runIds.end() ? std::optional(found->second) : std::nullopt;
    }

    std::uint64_t droppedRequests() const {
        std::lock_guard lock(m_mutex);
        return m_dropped;
    }

private:
    // A large backlog is written early rather than at the next tick: shorter transactions, less memory.
    std::size_t earlyDrainThreshold() const { return std::max<std::size_t>(1, m_options.maxQueuedRequests / 4); }

    void pushLocked(Item item) {
        m_queue.push_back(std::move(item));
        ++m_enqueued;
    }

    void dropLocked(int cell, std::uint64_t count) {
        m_dropped += count;
        if (!m_queue.empty())
            if (auto* dropped = std::get_if<DroppedItem>(&m_queue.back()); dropped && dropped->cell == cell) {
                dropped->count += count;
                return;
            }
        pushLocked(DroppedItem{cell, count});
    }

    // The thread must never end by an exception (std::terminate); an unexpected one becomes lastError().
    void runGuarded() {
        try {
            run();
        } catch (const std::exception& exception) {
            fail(internalError(std::string("results writer stopped: ") + exception.what()));
        }
    }

    void run() {
        openStore();
        auto lastDrain = std::chrono::steady_clock::now();
        for (;;) {
            Batch batch = take(lastDrain + m_options.drainInterval);
            lastDrain = std::chrono::steady_clock::now();
            if (!batch.items.empty() && m_store)
                commit(batch);
            if (batch.last)
                break;
        }
        closeUnfinishedRuns();
    }

    // Appends touch little more than the right edge of each B-tree, so SQLite's default 2 MiB cache serves them as
    // well as the store's 16 MiB; with 16 MiB the cache kept filling for the whole run (a 30-minute soak: +2.9 MB
    // RSS after minute 2, +5.6%, over the 5% budget).
    void openStore() {
        auto store = ResultStore::open(m_path);
        if (store)
            if (auto limited = store->limitPageCache(kWriterPageCacheKiB); !limited)
                store = limited.error();
        if (!store) {
            fail(store.error());
            return;
        }
        m_store.emplace(std::move(store).value());
    }

    Batch take(std::chrono::steady_clock::time_point deadline) {
        std::unique_lock lock(m_mutex);
        m_wake.wait_until(lock, deadline,
                          [&] { return m_stopping || m_flushRequested || m_queuedRequests >= earlyDrainThreshold(); });
        Batch batch{std::exchange(m_queue, {}), m_enqueued, m_stopping};
        m_inFlightRequests = std::exchange(m_queuedRequests, 0);
        m_flushRequested = false;
        if (m_error) { // nothing more is written after a failure; waiters are already released
            batch.items.clear();
            m_inFlightRequests = 0;
        }
        return batch;
    }

    void commit(Batch& batch) {
        m_started.clear();
        auto written = m_store->inTransaction([&]() -> Status {
            for (Item& item : batch.items)
                if (auto applied = std::visit([&](auto& each) { return apply(each); }, item); !applied)
                    return applied;
            return {};
        });
        if (!written) {
            fail(internalError("cannot write results to " + m_path + ": " + written.error().message));
            return;
        }
        publish(batch.upTo);
    }

    void publish(std::uint64_t committed) {
        {
            std::lock_guard lock(m_mutex);
            for (const auto& [cell, runId] : m_started) {
                m_runIds[cell] = runId;
                m_pendingCells.erase(cell);
            }
            m_committed = committed;
            m_inFlightRequests = 0;
        }
        m_progress.notify_all();
    }

    void fail(Error error) {
        {
            std::lock_guard lock(m_mutex);
            if (!m_error)
                m_error = std::move(error);
            m_accepting = false;
            m_queue.clear();
            m_queuedRequests = 0;
            m_pendingCells.clear();
        }
        m_progress.notify_all();
        finishOpenRuns(engine::RunStatus::Failed, lastError().error().message);
    }

    // Best effort: after a write failure this small update may still fit (and otherwise the next open marks the
    // runs incomplete once this process is gone).
    void finishOpenRuns(engine::RunStatus status, const std::string& message) {
        if (!m_store)
            return;
        for (const auto& [cell, runId] : m_openRuns)
            (void)m_store->finishRun(runId, status, message, std::chrono::system_clock::now());
        m_openRuns.clear();
    }

    void closeUnfinishedRuns() {
        if (!lastError().ok())
            return;
        finishOpenRuns(engine::RunStatus::Incomplete, "the results writer was closed before the run finished");
    }

    std::optional<std::int64_t> runOf(int cell) const {
        const auto found = m_cellRuns.find(cell);
        return found != m_cellRuns.end() ? std::optional(found->second) : std::nullopt;
    }

    Result<std::int64_t> experimentId(const engine::RunDescription& run) {
        const std::string key = run.experimentName + '\0' + run.experimentYaml;
        if (auto found = m_experimentIds.find(key); found != m_experimentIds.end())
            return found->second;
        auto added = m_store->addExperiment(run.experimentName, run.experimentYaml);
        if (added)
            m_experimentIds.emplace(key, *added);
        return added;
    }

    Status apply(StartItem& item) {
        auto experiment = experimentId(item.run);
        if (!experiment)
            return experiment.error();
        auto runId = m_store->beginRun(*experiment, item.run);
        if (!runId)
            return runId.error();
        m_cellRuns[item.run.cell] = *runId;
        m_openRuns[item.run.cell] = *runId;
        m_started.emplace_back(item.run.cell, *runId);
        return {};
    }

    // Data for a cell whose run row does not exist (never started) has nowhere to go and is skipped.
    template <class Append>
    Status forRun(int cell, Append append) {
        const auto runId = runOf(cell);
        return runId ? append(*runId) : Status();
    }

    Status apply(IntervalItem& item) {
        return forRun(item.cell, [&](auto runId) { return m_store->appendIntervals(runId, {&item.interval, 1}); });
    }
    Status apply(RequestsItem& item) {
        return forRun(item.cell, [&](auto runId) { return m_store->appendRequests(runId, item.requests); });
    }
    Status apply(ScaleItem& item) {
        return forRun(item.cell, [&](auto runId) { return m_store->appendScale(runId, {&item.sample, 1}); });
    }
    Status apply(PodMetricsItem& item) {
        return forRun(item.cell, [&](auto runId) { return m_store->appendPodMetrics(runId, item.samples); });
    }
    Status apply(SpansItem& item) {
        return forRun(item.cell, [&](auto runId) { return m_store->appendSpans(runId, item.spans); });
    }
    Status apply(DroppedItem& item) {
        return forRun(item.cell, [&](auto runId) { return m_store->addDroppedRequests(runId, item.count); });
    }
    Status apply(MetricsItem& item) {
        return forRun(item.cell, [&](auto runId) { return m_store->addRunMetrics(runId, item.report); });
    }
    Status apply(FinishItem& item) {
        const auto& outcome = item.outcome;
        m_openRuns.erase(outcome.cell);
        return forRun(outcome.cell, [&](auto runId) {
            return m_store->finishRun(runId, outcome.status, outcome.message, outcome.finishedAt);
        });
    }

    const std::string m_path;
    const WriterOptions m_options;

    mutable std::mutex m_mutex;         // guards everything up to m_dropped
    std::condition_variable m_wake;     // the writer thread waits here
    std::condition_variable m_progress; // flush() and runIdForCell() wait here
    std::vector<Item> m_queue;
    std::size_t m_queuedRequests = 0;
    std::size_t m_inFlightRequests = 0; // taken by the writer thread, not yet committed
    std::uint64_t m_enqueued = 0;
    std::uint64_t m_committed = 0;
    bool m_flushRequested = false;
    bool m_stopping = false;
    std::optional<Error> m_error;
    std::set<int> m_pendingCells; // started, run row not yet committed
    std::map<int, std::int64_t> m_runIds;
    std::uint64_t m_dropped = 0;
    std::atomic<bool> m_accepting{true}; // lock-free early exit for callbacks after a failure

    // Writer thread only.
    std::optional<ResultStore> m_store;
    std::map<std::string, std::int64_t> m_experimentIds; // by name + '\0' + yaml
    std::map<int, std::int64_t> m_cellRuns;              // latest run of each cell
    std::map<int, std::int64_t> m_openRuns;              // started and not yet finished
    std::vector<std::pair<int, std::int64_t>> m_started; // created in the batch being committed

    std::thread m_thread; // last: starts after everything above is constructed
};

ResultsWriter::ResultsWriter(std::string path, WriterOptions options)
    : m_worker(std::make_unique<Worker>(std::move(path), options)) {}

ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::onRunStarted(const engine::RunDescription& run) {
    if (m_worker->accepting())
        m_worker->start(run);
}

void ResultsWriter::onInterval(int cell, const load::IntervalSnapshot& interval) {
    if (m_worker->accepting())
        m_worker->push(IntervalItem{cell, interval});
}

void ResultsWriter::onRequests(int cell, std::span<const load::RequestRecord> requests) {
    // Copied before taking the lock, so other observers' callbacks do not wait for it.
    if (m_worker->accepting() && !requests.empty())
        m_worker->pushRequests(cell, {requests.begin(), requests.end()});
}

void ResultsWriter::onScale(int cell, const platform::ScaleSample& sample) {
    if (m_worker->accepting())
        m_worker->push(ScaleItem{cell, sample});
}

void ResultsWriter::onPodMetrics(int cell, std::span<const platform::PodMetricsSample> samples) {
    if (m_worker->accepting() && !samples.empty())
        m_worker->push(PodMetricsItem{cell, {samples.begin(), samples.end()}});
}

void ResultsWriter::onSpans(int cell, std::span<const trace::Span> spans) {
    if (m_worker->accepting() && !spans.empty())
        m_worker->push(SpansItem{cell, {spans.begin(), spans.end()}});
}

void ResultsWriter::onRunMetrics(int cell, const analysis::RunMetricsReport& report) {
    if (m_worker->accepting())
        m_worker->push(MetricsItem{cell, report});
}

void ResultsWriter::onRunFinished(const engine::RunOutcome& outcome) {
    if (m_worker->accepting())
        m_worker->push(FinishItem{outcome});
}

Status ResultsWriter::flush() {
    return m_worker->flush();
}

Status ResultsWriter::lastError() const {
    return m_worker->lastError();
}

std::optional<std::int64_t> ResultsWriter::runIdForCell(int cell) const {
    return m_worker->runIdForCell(cell);
}

std::uint64_t ResultsWriter::droppedRequests() const {
    return m_worker->droppedRequests();
}

Status ResultsWriter::checkWritable(const std::string& path) {
    namespace fs = std::filesystem;
    if (path.empty())
        return invalidInput("no results database path given");
    const fs::path file(path);
    const fs::path directory = file.has_parent_path() ? file.parent_path() : fs::path(".");
    std::error_code ignored;
    const auto directoryStatus = fs::status(directory, ignored);
    if (!fs::exists(directoryStatus))
        return invalidInput("cannot store results in " + path + ": directory " + directory.string() +
                            " does not exist");
    if (!fs::is_directory(directoryStatus))
        return invalidInput("cannot store results in " + path + ": " + directory.string() + " is not a directory");
    const auto fileStatus = fs::status(file, ignored);
    if (fs::is_directory(fileStatus))
        return invalidInput("cannot store results in " + path + ": it is a directory");
    if (fs::exists(fileStatus) && access(path.c_str(), R_OK | W_OK) != 0)
        return invalidInput("cannot store results in " + path + ": the file is read-only (" + std::strerror(errno) +
                            ")");
    // SQLite creates PATH-wal and PATH-shm beside the database, so the directory itself must be writable.
    if (access(directory.c_str(), W_OK | X_OK) != 0)
        return invalidInput("cannot store results in " + path + ": directory " + directory.string() +
                            " is not writable (" + std::strerror(errno) + ")");
    if (!fs::exists(fileStatus))
        return {};
    auto store = ResultStore::open(path); // refuses newer schemas and foreign databases up front
    return store ? Status() : Status(store.error());
}

} // namespace faaswb::results
