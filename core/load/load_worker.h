// LoadWorker: one load thread — its own libcurl multi handle, pool of reusable Transfers, arrival stream (open
// loop) or virtual users (closed loop), counters and histograms. run() is the thread's body and everything but
// recorder() belongs to that thread; the collector reaches the measurements only through recorder().
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "load/curl_handles.h"
#include "load/fast_random.h"
#include "load/interval_recorder.h"
#include "load/schedule.h"
#include "load/transfer.h"
#include "load/wake_timer.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace faaswb::load {

// What the workers of one drive share when its requests vary (RequestSpec::variation). Touched once per request,
// and only on that path: the plain path shares nothing.
struct VariationShared {
    std::atomic<std::uint64_t> nextIndex{0}; // request indices where arrivals have none (closed loop, Poisson)
    std::atomic<bool> exhausted{false};      // a prepare() said there is nothing left to send
};

struct WorkerPlan {
    int index = 0;
    int workers = 1;
    const RequestSpec* request = nullptr;      // outlives the worker
    const ArrivalSchedule* schedule = nullptr; // open loop (outlives the worker); nullptr for closed loop
    bool poisson = false;
    std::uint64_t seed = 0;
    int slots = 1;      // open loop: most requests in flight; closed loop: this worker's virtual users
    Nanos thinkTime{0}; // closed loop
    std::optional<std::uint64_t> maxRequests; // this worker's share of LoadModel::maxRequests
    std::size_t maxRecords = 0;               // this worker's share of LoadOptions::maxRequestRecords
    Nanos duration{0};                        // sending stops then; 0 = no time limit (only together with maxRequests)
    bool traceHeaders = false;
    VariationShared* varied = nullptr; // set (and outliving the worker) when request->variation is
};

class LoadWorker {
    struct Private {
        explicit Private() = default;
    };

public:
    using Clock = std::chrono::steady_clock;

    // Builds the multi handle and the first transfer, so a bad request option is a setup error, not a run error.
    static Result<std::unique_ptr<LoadWorker>> create(const WorkerPlan& plan);
    LoadWorker(Private, const WorkerPlan& plan);
    ~LoadWorker();
    LoadWorker(const LoadWorker&) = delete;
    LoadWorker& operator=(const LoadWorker&) = delete;

    // Sends until the plan's duration or request budget is used up, lets requests in flight finish within a grace
    // period, then returns. Returns within one poll (<= 50 ms) of cancellation.
    void run(Clock::time_point start, const CancellationToken& cancel);
    IntervalRecorder& recorder() noexcept { return m_recorder; }

private:
    enum class Phase { Sending, Draining, Done };
    struct Finished {
        Transfer* transfer;
        TransferOutcome outcome;
    };
    // FIFO of idle transfers with a fixed capacity, so it never allocates during the run. FIFO keeps the closed
    // loop's virtual users in completion order, which is also the order their think times end.
    class IdleQueue {
    public:
        explicit IdleQueue(std::size_t capacity)
            : m_items(capacity) {}
        bool empty() const noexcept { return m_size == 0; }
        Transfer* front() const noexcept { return m_items[m_head]; }
        void pop() noexcept;
        void push(Transfer* transfer) noexcept;

    private:
        std::vector<Transfer*> m_items;
        std::size_t m_head = 0;
        std::size_t m_size = 0;
    };

    Status setUp();
    Transfer* addTransfer();
    std::int64_t nowNs() const noexcept;
    bool step();
    void updatePhase(std::int64_t now) noexcept;
    bool budgetSpent() const noexcept;
    bool sendingOver() const noexcept;
    void startArrivals(std::int64_t now);
    void advanceArrivals() noexcept;
    void startVirtualUsers(std::int64_t now);
    Transfer* takeIdle();
    bool send(Transfer& transfer, std::int64_t intendedNs, std::int64_t now);
    Transfer::Varied vary(Transfer& transfer);
    void reportResponses();
    void collectFinished();
    void harvest();
    void record(const Finished& finished, IntervalData& data);
    void release(const Finished& finished) noexcept;
    std::int64_t nextUnsentGauge() const noexcept;
    void waitForWork();
    void pollUntil(std::int64_t now, std::int64_t wakeNs);
    void abortInFlight() noexcept;
    void publishFinal();

    WorkerPlan m_plan;
    Clock::time_point m_start;
    IntervalRecorder m_recorder;
    WakeTimer m_timer;
    SplitMix64 m_traceIds;
    std::optional<ArrivalStream> m_arrivals;
    std::optional<std::int64_t> m_nextDueNs;
    IdleQueue m_idle;
    std::vector<Finished> m_finished; // reused every step
    Phase m_phase = Phase::Sending;
    std::int64_t m_endNs = 0;
    std::int64_t m_graceNs = 0;
    std::int64_t m_countedDrainNs = 0; // the drain of a drive that ended by its count, not its time
    std::int64_t m_drainDeadlineNs = 0;
    std::uint64_t m_sentCount = 0;
    std::uint64_t m_sentSinceUpdate = 0;
    std::int64_t m_publishedGauge = IntervalData::kNothingDue;
    int m_inFlight = 0;
    std::size_t m_recordsLeft = 0;
    // libcurl wants easy handles removed, then the multi handle cleaned up, then the easy handles: members are
    // destroyed in reverse order, and the destructor removes whatever is still in flight.
    HeaderList m_headers; // shared by all transfers unless each carries its own trace headers
    std::vector<std::unique_ptr<Transfer>> m_transfers;
    MultiHandle m_multi;
};

} // namespace faaswb::load
