#include "load/load_worker.h"

#include <algorithm>
#include <limits>
#include <random>

namespace faaswb::load {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
// The longest a worker blocks in curl_multi_poll, so it notices cancellation (and the end of its phase) in time.
constexpr std::int64_t kMaxWaitNs = 50'000'000;
// Requests in flight when sending stops get this long (or their own timeout, if shorter) to finish; whatever is
// still running then is aborted and not counted, as it was never measured to completion. A cancelled run aborts
// its requests in flight at once, likewise uncounted.
constexpr std::int64_t kMaxDrainNs = 2'000'000'000;

std::uint64_t traceSeed(int worker) {
    std::random_device device;
    return (std::uint64_t{device()} << 32 | device()) ^ static_cast<std::uint64_t>(worker);
}

// libcurl refused the transfer (out of memory, most likely): an error that took no time.
TransferOutcome notStarted(std::int64_t intendedNs, std::int64_t now) {
    TransferOutcome outcome;
    outcome.error = ErrorKind::Other;
    outcome.doneNs = now;
    outcome.latencyUs = (now - intendedNs) / 1000;
    return outcome;
}

} // namespace

void LoadWorker::IdleQueue::pop() noexcept {
    m_head = (m_head + 1) % m_items.size();
    --m_size;
}

void LoadWorker::IdleQueue::push(Transfer* transfer) noexcept {
    m_items[(m_head + m_size) % m_items.size()] = transfer;
    ++m_size;
}

Result<std::unique_ptr<LoadWorker>> LoadWorker::create(const WorkerPlan& plan) {
    if (Status initialised = ensureCurlInitialised(); !initialised)
        return initialised.error();
    auto worker = std::make_unique<LoadWorker>(Private{}, plan);
    if (Status ready = worker->setUp(); !ready)
        return ready.error();
    return worker;
}

// Trace ids come from a random seed, not LoadOptions::seed: a repeated run must not reuse the previous run's ids.
LoadWorker::LoadWorker(Private, const WorkerPlan& plan)
    : m_plan(plan)
    , m_traceIds(traceSeed(plan.index))
    , m_idle(static_cast<std::size_t>(std::max(1, plan.slots))) {
    m_plan.slots = std::max(1, plan.slots);
    m_recordsLeft = plan.maxRecords;
    m_finished.reserve(static_cast<std::size_t>(m_plan.slots));
    m_transfers.reserve(static_cast<std::size_t>(m_plan.slots));
    if (plan.schedule)
        m_arrivals.emplace(*plan.schedule, plan.index, plan.workers, plan.poisson, plan.seed);
}

LoadWorker::~LoadWorker() {
    abortInFlight();
}

Status LoadWorker::setUp() {
    m_multi.reset(curl_multi_init());
    if (!m_multi)
        return internalError("libcurl could not create a multi handle");
    // Keep every connection the worker may use open between requests (the default cache can be smaller).
    curl_multi_setopt(m_multi.get(), CURLMOPT_MAXCONNECTS, static_cast<long>(m_plan.slots));
    auto headers = requestHeaders(*m_plan.request);
    if (!headers)
        return headers.error();
    m_headers = std::move(*headers);
    const int upfront = m_arrivals ? 1 : m_plan.slots;
    for (int i = 0; i < upfront; ++i) {
        auto transfer = Transfer::create(*m_plan.request, m_headers.get(), m_plan.traceHeaders);
        if (!transfer)
            return transfer.error();
        m_transfers.push_back(std::move(*transfer));
        m_idle.push(m_transfers.back().get());
    }
    return {};
}

// Open loop grows its pool on demand up to `slots`, so a low rate does not create a thousand idle handles.
Transfer* LoadWorker::addTransfer() {
    auto transfer = Transfer::create(*m_plan.request, m_headers.get(), m_plan.traceHeaders);
    if (!transfer)
        return nullptr;
    m_transfers.push_back(std::move(*transfer));
    return m_transfers.back().get();
}

std::int64_t LoadWorker::nowNs() const noexcept {
    return std::chrono::duration_cast<Nanos>(Clock::now() - m_start).count();
}

void LoadWorker::run(Clock::time_point start, const CancellationToken& cancel) {
    m_start = start;
    m_endNs = m_plan.duration.count() > 0 ? m_plan.duration.count() : kNever;
    const std::int64_t timeoutNs = std::chrono::duration_cast<Nanos>(m_plan.request->timeout).count();
    m_graceNs = timeoutNs > 0 ? std::min(timeoutNs, kMaxDrainNs) : kMaxDrainNs;
    // A counted drive (N requests, or every record of a variation) owes an answer for each request it sent: the last
    // one may be a cold start slower than the grace period, so it gets the whole request timeout.
    m_countedDrainNs = std::max(timeoutNs, m_graceNs);
    if (m_arrivals)
        advanceArrivals();
    while (!cancel.isCancelled() && step()) {
    }
    abortInFlight();
    publishFinal();
}

bool LoadWorker::step() {
    const std::int64_t now = nowNs();
    updatePhase(now);
    if (m_phase == Phase::Done)
        return false;
    if (m_phase == Phase::Sending)
        m_arrivals ? startArrivals(now) : startVirtualUsers(now);
    int running = 0;
    curl_multi_perform(m_multi.get(), &running);
    harvest();
    waitForWork();
    return true;
}

// Open loop keeps sending after the end while requests scheduled before it are still unsent (a late generator
// sends them late, and their latency says so), but for at most one grace period.
void LoadWorker::updatePhase(std::int64_t now) noexcept {
    const bool scheduleLeft = m_arrivals && m_nextDueNs && now - m_endNs < m_graceNs;
    if (m_phase == Phase::Sending && (sendingOver() || (now >= m_endNs && !scheduleLeft))) {
        m_phase = Phase::Draining;
        m_drainDeadlineNs = now + (sendingOver() ? m_countedDrainNs : m_graceNs);
    }
    if (m_phase == Phase::Draining && (m_inFlight == 0 || now >= m_drainDeadlineNs))
        m_phase = Phase::Done;
}

bool LoadWorker::budgetSpent() const noexcept {
    return m_plan.maxRequests && m_sentCount >= *m_plan.maxRequests;
}

// A variation with nothing left ends the sending of every worker of the drive, as a spent budget does.
bool LoadWorker::sendingOver() const noexcept {
    return budgetSpent() || (m_plan.varied && m_plan.varied->exhausted.load(std::memory_order_relaxed));
}

// A request whose time has come waits here while no transfer is free; its latency still counts from the time it
// was due (wrk2), so a stalled server cannot hide behind the generator's own back-pressure.
void LoadWorker::startArrivals(std::int64_t now) {
    while (m_nextDueNs && *m_nextDueNs <= now && !sendingOver()) {
        Transfer* transfer = takeIdle();
        if (!transfer || !send(*transfer, *m_nextDueNs, now))
            return;
        advanceArrivals();
    }
}

void LoadWorker::advanceArrivals() noexcept {
    const auto due = m_arrivals->next();
    m_nextDueNs = due ? std::optional(due->count()) : std::nullopt;
}

void LoadWorker::startVirtualUsers(std::int64_t now) {
    while (!m_idle.empty() && m_idle.front()->readyAtNs <= now && !sendingOver()) {
        Transfer* transfer = m_idle.front();
        m_idle.pop();
        if (!send(*transfer, now, now))
            return;
    }
}

Transfer* LoadWorker::takeIdle() {
    if (m_idle.empty())
        return m_transfers.size() < static_cast<std::size_t>(m_plan.slots) ? addTransfer() : nullptr;
    Transfer* transfer = m_idle.front();
    m_idle.pop();
    return transfer;
}

// seq interleaves the workers (local count * workers + index): unique in the run without any shared counter.
// False when a variation had nothing left to send (the transfer is idle again).
bool LoadWorker::send(Transfer& transfer, std::int64_t intendedNs, std::int64_t now) {
    bool ready = true;
    if (m_plan.varied) {
        const Transfer::Varied varied = vary(transfer);
        if (varied == Transfer::Varied::Exhausted) {
            m_idle.push(&transfer);
            return false;
        }
        ready = varied == Transfer::Varied::Ready;
        now = nowNs(); // after prepare(), which may stamp the request with its send time
        intendedNs = m_arrivals ? intendedNs : now;
    }
    const auto seq =
        m_sentCount * static_cast<std::uint64_t>(m_plan.workers) + static_cast<std::uint64_t>(m_plan.index);
    transfer.begin(seq, intendedNs, now, m_traceIds);
    ++m_sentCount;
    ++m_sentSinceUpdate;
    ++m_inFlight;
    if (ready && curl_multi_add_handle(m_multi.get(), transfer.easy()) == CURLM_OK)
        transfer.busy = true;
    else
        m_finished.push_back({&transfer, notStarted(intendedNs, now)});
    return true;
}

// Open loop with deterministic arrivals: the arrival's own index, so request k is the schedule's k-th arrival.
// Otherwise (closed loop, Poisson) the drive's shared counter hands out the indices.
Transfer::Varied LoadWorker::vary(Transfer& transfer) {
    const auto arrival = m_arrivals ? m_arrivals->lastIndex() : std::nullopt;
    const std::uint64_t index = arrival ? *arrival : m_plan.varied->nextIndex.fetch_add(1, std::memory_order_relaxed);
    const Transfer::Varied varied = transfer.vary(*m_plan.request->variation, index);
    if (varied == Transfer::Varied::Exhausted)
        m_plan.varied->exhausted.store(true, std::memory_order_relaxed);
    return varied;
}

// All transfers that finished in one curl_multi_perform pass share one reading of the clock, taken after it.
void LoadWorker::collectFinished() {
    int queued = 0;
    std::int64_t doneNs = -1;
    while (CURLMsg* message = curl_multi_info_read(m_multi.get(), &queued)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        CURL* easy = message->easy_handle;
        const CURLcode code = message->data.result;
        curl_multi_remove_handle(m_multi.get(), easy);
        Transfer* transfer = Transfer::of(easy);
        transfer->busy = false;
        doneNs = doneNs < 0 ? nowNs() : doneNs;
        m_finished.push_back({transfer, transfer->finish(code, doneNs)});
    }
}

// One lock per loop iteration, and none when nothing changed: the collector is the only other party.
void LoadWorker::harvest() {
    collectFinished();
    const std::int64_t gauge = nextUnsentGauge();
    if (m_finished.empty() && m_sentSinceUpdate == 0 && gauge == m_publishedGauge)
        return;
    m_recorder.update([&](IntervalData& data) {
        data.sent += m_sentSinceUpdate;
        data.nextUnsentNs = gauge;
        for (const Finished& finished : m_finished)
            record(finished, data);
    });
    m_sentSinceUpdate = 0;
    m_publishedGauge = gauge;
    if (m_plan.varied)
        reportResponses();
    for (const Finished& finished : m_finished)
        release(finished);
    m_finished.clear();
}

void LoadWorker::record(const Finished& finished, IntervalData& data) {
    const Transfer& transfer = *finished.transfer;
    const TransferOutcome& outcome = finished.outcome;
    data.serviceTime.record(outcome.totalUs);
    data.latency.record(outcome.latencyUs);
    ++data.completed;
    data.bytes += transfer.bodyBytes();
    if (outcome.error != ErrorKind::None) {
        ++data.errors;
        ++data.errorsByKind[static_cast<std::size_t>(outcome.error)];
    }
    ++data.statusCounts[static_cast<std::size_t>(std::clamp(outcome.status, 0, 999))];
    data.coldStarts += transfer.cold().value_or(false);
    if (m_recordsLeft > 0) {
        data.records.push_back(transfer.toRecord(outcome));
        --m_recordsLeft;
    }
}

// Outside the recorder's lock: the variation's callback is not ours to time.
void LoadWorker::reportResponses() {
    for (const Finished& finished : m_finished)
        finished.transfer->report(*m_plan.request->variation, finished.outcome);
}

void LoadWorker::release(const Finished& finished) noexcept {
    Transfer& transfer = *finished.transfer;
    transfer.readyAtNs = finished.outcome.doneNs + m_plan.thinkTime.count();
    --m_inFlight;
    m_idle.push(&transfer);
}

std::int64_t LoadWorker::nextUnsentGauge() const noexcept {
    const bool waiting = m_phase == Phase::Sending && m_nextDueNs && !sendingOver();
    return waiting ? *m_nextDueNs : IntervalData::kNothingDue;
}

void LoadWorker::waitForWork() {
    const std::int64_t now = nowNs();
    std::int64_t wakeNs = now + kMaxWaitNs;
    if (m_phase == Phase::Draining)
        wakeNs = m_inFlight == 0 ? now : std::min(wakeNs, m_drainDeadlineNs);
    if (m_phase == Phase::Sending) {
        wakeNs = std::min(wakeNs, now < m_endNs ? m_endNs : m_endNs + m_graceNs);
        const bool canSend = !m_idle.empty() || m_transfers.size() < static_cast<std::size_t>(m_plan.slots);
        if (m_arrivals && m_nextDueNs && canSend)
            wakeNs = std::min(wakeNs, *m_nextDueNs);
        if (!m_arrivals && !m_idle.empty())
            wakeNs = std::min(wakeNs, m_idle.front()->readyAtNs);
    }
    if (wakeNs > now)
        pollUntil(now, wakeNs);
}

// Sockets wake the poll when a response arrives; the timer fd wakes it on time for the next send.
void LoadWorker::pollUntil(std::int64_t now, std::int64_t wakeNs) {
    const int timeoutMs = static_cast<int>((wakeNs - now + 999'999) / 1'000'000);
    if (!m_timer.available()) {
        curl_multi_poll(m_multi.get(), nullptr, 0, timeoutMs, nullptr);
        return;
    }
    m_timer.armAt(m_start + Nanos(wakeNs));
    curl_waitfd timerFd{m_timer.fd(), CURL_WAIT_POLLIN, 0};
    curl_multi_poll(m_multi.get(), &timerFd, 1, timeoutMs, nullptr);
    if (timerFd.revents != 0)
        m_timer.consume();
}

void LoadWorker::abortInFlight() noexcept {
    for (const auto& transfer : m_transfers) {
        if (!transfer->busy)
            continue;
        curl_multi_remove_handle(m_multi.get(), transfer->easy());
        transfer->busy = false;
    }
    m_inFlight = 0;
}

void LoadWorker::publishFinal() {
    m_recorder.update([&](IntervalData& data) {
        data.sent += m_sentSinceUpdate;
        data.nextUnsentNs = IntervalData::kNothingDue;
    });
    m_sentSinceUpdate = 0;
}

} // namespace faaswb::load
