#include "load/load_generator.h"

#include "load/curl_handles.h"
#include "load/interval_collector.h"
#include "load/load_worker.h"
#include "load/schedule.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace faaswb::load {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kDefaultConnections = 1024;

// This worker's share when `total` is split over `workers` as evenly as possible.
template <class T>
T shareOf(T total, int workers, int index) {
    const auto n = static_cast<T>(workers);
    return total / n + (static_cast<T>(index) < total % n ? 1 : 0);
}

Status validateArrivals(const std::vector<Nanos>& arrivals) {
    if (arrivals.empty())
        return invalidInput("the open-loop load has no arrivals");
    if (arrivals.front().count() < 0)
        return invalidInput("an arrival time is negative");
    if (!std::is_sorted(arrivals.begin(), arrivals.end()))
        return invalidInput("the arrival times are not in ascending order");
    return {};
}

Status validateOpenLoop(const OpenLoop& open) {
    if (open.arrivals)
        return validateArrivals(*open.arrivals);
    if (open.stages.empty())
        return invalidInput("the open-loop load has no stages");
    for (const RateStage& stage : open.stages) {
        if (!std::isfinite(stage.fromRps) || !std::isfinite(stage.toRps) || stage.fromRps < 0 || stage.toRps < 0)
            return invalidInput("a load stage has a negative or non-finite rate");
        if (stage.duration.count() < 0)
            return invalidInput("a load stage has a negative duration");
    }
    if (LoadModel{open, std::nullopt}.duration().count() <= 0)
        return invalidInput("the open-loop load has no duration");
    return {};
}

Status validateClosedLoop(const ClosedLoop& closed, const LoadModel& model) {
    if (closed.virtualUsers < 1)
        return invalidInput("closed-loop load needs at least one virtual user");
    if (closed.thinkTime.count() < 0)
        return invalidInput("think time must not be negative");
    if (closed.duration.count() <= 0 && !model.maxRequests)
        return invalidInput("closed-loop load needs a duration or a request count");
    return {};
}

Status validate(const RequestSpec& request, const LoadModel& model, const LoadOptions& options) {
    if (Status url = validateUrl(request.url); !url)
        return url;
    if (request.timeout.count() < 0)
        return invalidInput("the request timeout must not be negative");
    if (options.interval.count() <= 0)
        return invalidInput("the snapshot interval must be positive");
    if (const auto* open = std::get_if<OpenLoop>(&model.shape))
        return validateOpenLoop(*open);
    return validateClosedLoop(std::get<ClosedLoop>(model.shape), model);
}

// The worker threads of one run, started together and joined on destruction. The collector waits on them between
// interval deadlines.
class WorkerThreads {
public:
    WorkerThreads(const std::vector<std::unique_ptr<LoadWorker>>& workers, Clock::time_point start,
                  const CancellationToken& cancel)
        : m_running(workers.size()) {
        for (const auto& worker : workers)
            m_threads.emplace_back([this, &cancel, start, w = worker.get()] {
                w->run(start, cancel);
                finishOne();
            });
    }
    // True once every worker has finished; false when the deadline came first.
    bool waitUntil(Clock::time_point deadline) {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_until(lock, deadline, [this] { return m_running == 0; });
    }
    void waitAll() {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_running == 0; });
    }

private:
    void finishOne() {
        std::lock_guard lock(m_mutex);
        --m_running;
        m_changed.notify_all();
    }

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::size_t m_running;
    std::vector<std::jthread> m_threads; // last member: joined before the rest is destroyed
};

} // namespace

struct LoadGenerator::Impl {
    RequestSpec request;
    LoadModel model;
    LoadOptions options;
    std::optional<ArrivalSchedule> schedule;
    std::unique_ptr<VariationShared> varied; // with request.variation

    int workerCount() const;
    WorkerPlan planFor(int index, int workers) const;
    Result<std::vector<std::unique_ptr<LoadWorker>>> createWorkers() const;
    LoadSummary drive(std::vector<std::unique_ptr<LoadWorker>>& workers, LoadSink& sink,
                      const CancellationToken& cancel) const;
};

LoadGenerator::LoadGenerator(RequestSpec request, LoadModel model, LoadOptions options)
    : m_impl(std::make_unique<Impl>(Impl{std::move(request), std::move(model), options, std::nullopt, nullptr})) {}

LoadGenerator::~LoadGenerator() = default;

Result<LoadSummary> LoadGenerator::run(LoadSink& sink, const CancellationToken& cancel) {
    if (Status valid = validate(m_impl->request, m_impl->model, m_impl->options); !valid)
        return valid.error();
    if (const auto* open = std::get_if<OpenLoop>(&m_impl->model.shape))
        m_impl->schedule.emplace(*open);
    if (m_impl->request.variation)
        m_impl->varied = std::make_unique<VariationShared>();
    auto workers = m_impl->createWorkers();
    if (!workers)
        return workers.error();
    return m_impl->drive(*workers, sink, cancel);
}

// Open loop: no more workers than connections; closed loop: no more workers than virtual users.
int LoadGenerator::Impl::workerCount() const {
    const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int requested = options.threads > 0 ? options.threads : hardware;
    if (const auto* closed = std::get_if<ClosedLoop>(&model.shape))
        return std::min(requested, closed->virtualUsers);
    return std::min(requested, options.connections > 0 ? options.connections : kDefaultConnections);
}

WorkerPlan LoadGenerator::Impl::planFor(int index, int workers) const {
    WorkerPlan plan;
    plan.index = index;
    plan.workers = workers;
    plan.request = &request;
    plan.seed = options.seed;
    plan.maxRecords = shareOf(options.maxRequestRecords, workers, index);
    plan.duration = model.duration();
    plan.traceHeaders = options.sendTraceHeaders;
    plan.varied = varied.get();
    if (model.maxRequests)
        plan.maxRequests = shareOf(*model.maxRequests, workers, index);
    if (const auto* closed = std::get_if<ClosedLoop>(&model.shape)) {
        plan.slots = shareOf(closed->virtualUsers, workers, index);
        plan.thinkTime = closed->thinkTime;
    } else {
        plan.schedule = &*schedule;
        plan.poisson = std::get<OpenLoop>(model.shape).poisson;
        plan.slots = shareOf(options.connections > 0 ? options.connections : kDefaultConnections, workers, index);
    }
    return plan;
}

Result<std::vector<std::unique_ptr<LoadWorker>>> LoadGenerator::Impl::createWorkers() const {
    const int count = workerCount();
    std::vector<std::unique_ptr<LoadWorker>> workers;
    for (int i = 0; i < count; ++i) {
        auto worker = LoadWorker::create(planFor(i, count));
        if (!worker)
            return worker.error();
        workers.push_back(std::move(*worker));
    }
    return workers;
}

// The calling thread is the collector: it wakes on absolute interval deadlines (no drift), publishes, and after
// the last scheduled deadline waits for the workers to finish, so the final interval also holds the drain.
LoadSummary LoadGenerator::Impl::drive(std::vector<std::unique_ptr<LoadWorker>>& workers, LoadSink& sink,
                                       const CancellationToken& cancel) const {
    std::vector<IntervalRecorder*> recorders;
    for (const auto& worker : workers)
        recorders.push_back(&worker->recorder());
    IntervalCollector collector(std::move(recorders), schedule ? &*schedule : nullptr, options.interval, sink);
    const auto start = Clock::now();
    const auto sinceStart = [start] { return std::chrono::duration_cast<Nanos>(Clock::now() - start).count(); };
    WorkerThreads threads(workers, start, cancel);
    const Nanos duration = model.duration();
    for (std::int64_t k = 1;; ++k) {
        const Nanos boundary = k * options.interval;
        const bool last = duration.count() > 0 && boundary >= duration;
        const bool finished = last ? (threads.waitAll(), true) : threads.waitUntil(start + boundary);
        collector.publish(sinceStart());
        if (finished)
            return collector.summary(sinceStart(), cancel.isCancelled());
    }
}

} // namespace faaswb::load
