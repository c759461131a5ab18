#include "engine/runner.h"

#include "common/units.h"
#include "engine/cell_plan.h"
#include "load/load_generator.h"
#include "model/redact.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <unordered_map>

namespace faaswb::engine {

// A trace belongs to a cell when its first span started after the cell did.
void keepTracesStartedSince(std::vector<trace::Span>& spans, std::chrono::system_clock::time_point since) {
    const auto sinceUs = std::chrono::duration_cast<std::chrono::microseconds>(since.time_since_epoch()).count();
    std::unordered_map<std::string, std::int64_t> firstStart;
    for (const auto& span : spans) {
        auto [entry, inserted] = firstStart.try_emplace(span.traceId, span.startUs);
        if (!inserted)
            entry->second = std::min(entry->second, span.startUs);
    }
    std::erase_if(spans, [&](const trace::Span& span) { return firstStart[span.traceId] < sinceUs; });
}
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t millisSince(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// The warm-up drives the same kind of load as the measured phase at its starting level.
load::LoadModel warmupModel(const model::ScenarioConfig& scenario) {
    const load::LoadModel measured = scenario.loadModel();
    if (const auto* closed = std::get_if<load::ClosedLoop>(&measured.shape))
        return load::LoadModel::virtualUsers(closed->virtualUsers, scenario.warmup, closed->thinkTime);
    const auto& open = std::get<load::OpenLoop>(measured.shape);
    double rate = open.stages.empty() ? 0 : open.stages.front().fromRps;
    if (rate <= 0 && !open.stages.empty())
        rate = open.stages.front().toRps;
    return load::LoadModel::constantRate(rate, scenario.warmup);
}

load::LoadModel singleRequestModel(std::chrono::milliseconds timeout) {
    load::LoadModel model = load::LoadModel::virtualUsers(1, timeout + std::chrono::seconds(1));
    model.maxRequests = 1;
    return model;
}

} // namespace

class Runner::CellExecution final : public load::LoadSink {
public:
    CellExecution(Runner& runner, const CellPlan& plan, const CancellationToken& cancel)
        : m_runner(runner)
        , m_plan(plan)
        , m_stop(&cancel)
        , m_userCancel(cancel) {}

    CellResult execute() {
        m_start = Clock::now();
        announceStart();
        Status status = deploy();
        if (status)
            status = measure();
        collectSpans();
        teardown();
        return finish(status);
    }

    void onInterval(const load::IntervalSnapshot& snapshot, std::vector<load::RequestRecord>&& requests) override {
        load::IntervalSnapshot rebased = snapshot;
        rebased.index = m_intervalIndex++;
        rebased.startMs += m_phaseOffsetMs;
        rebased.endMs += m_phaseOffsetMs;
        rebased.warmup = m_inWarmup;
        for (auto* observer : m_runner.m_observers)
            observer->onInterval(m_plan.cell, rebased);
        if (!m_inWarmup)
            forwardRequests(requests);
        (void)checkHealth(); // a failure cancels m_stop; the generator then winds down on its own
    }

private:
    template <typename F>
    void notify(F&& f) {
        for (auto* observer : m_runner.m_observers)
            f(*observer);
    }

    void phase(const std::string& name, load::Nanos expected = load::Nanos{0}) {
        notify([&](RunObserver& o) { o.onPhase({m_plan.cell, name, expected}); });
    }

    void announceStart() {
        RunDescription description;
        description.cell = m_plan.cell;
        description.experimentName = m_runner.m_experiment.name;
        description.experimentYaml = model::redactSecrets(m_runner.m_experiment.yaml); // stored and exported
        description.scenario = m_plan.scenario->name;
        description.scenarioType = model::scenarioTypeName(m_plan.scenario->type);
        description.benchmark = m_plan.benchmark->id;
        description.language = m_plan.language;
        description.platform = m_runner.m_experiment.platform;
        description.config = describeCell(m_plan, m_runner.m_experiment);
        const auto info = m_runner.m_platform.describe();
        description.environment = {{"platform", {{"kind", info.kind}, {"version", info.version}}},
                                   {"details", info.details}};
        if (info.nodes)
            description.environment["platform"]["nodes"] = *info.nodes;
        description.startedAt = std::chrono::system_clock::now();
        m_wallStart = description.startedAt;
        notify([&](RunObserver& o) { o.onRunStarted(description); });
    }

    Status deploy() {
        phase("deploy");
        auto deployment = m_runner.m_platform.deploy(m_plan.function, m_stop);
        if (!deployment)
            return deployment.error();
        m_deployment = std::move(deployment).value();
        startScaleWatch();
        startPodMetrics();
        return checkHealth();
    }

    void startScaleWatch() {
        if (!m_runner.m_platform.supports(platform::Capability::WatchScale))
            return;
        auto watch = m_runner.m_platform.watchScale(*m_deployment, [this](const platform::ScaleSample& sample) {
            platform::ScaleSample rebased = sample;
            rebased.tMs = millisSince(m_start);
            notify([&](RunObserver& o) { o.onScale(m_plan.cell, rebased); });
        });
        if (watch)
            m_scaleWatch = std::move(watch).value();
    }

    // Pod CPU and memory once a second on a thread of its own, so a slow metrics API never delays the load.
    void startPodMetrics() {
        if (!m_runner.m_platform.supports(platform::Capability::PodMetrics))
            return;
        m_podMetrics = std::jthread([this](std::stop_token stop) {
            std::mutex mutex;
            std::condition_variable_any wake;
            std::unique_lock lock(mutex);
            // wait_for returns at once (false) once stop is requested: check the token, not the return value.
            while (!stop.stop_requested()) {
                wake.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
                if (stop.stop_requested())
                    break;
                auto samples = m_runner.m_platform.podMetrics(*m_deployment);
                if (!samples || samples->empty())
                    continue;
                const std::int64_t now = millisSince(m_start);
                for (auto& sample : *samples)
                    sample.tMs = now;
                notify([&](RunObserver& o) { o.onPodMetrics(m_plan.cell, *samples); });
            }
        });
    }

    Status measure() {
        const auto& scenario = *m_plan.scenario;
        if (scenario.type == model::ScenarioType::ColdStart)
            return coldStarts();
        if (scenario.warmup.count() > 0) {
            phase("warmup", scenario.warmup);
            if (Status warm = drive(warmupModel(scenario), true); !warm)
                return warm;
        }
        const load::LoadModel model = scenario.loadModel();
        phase("measure", model.duration());
        return drive(model, false);
    }

    Status coldStarts() {
        if (!m_runner.m_platform.supports(platform::Capability::ForceColdStart))
            return platformError("cold-start scenario '" + m_plan.scenario->name +
                                 "' needs a platform that can "
                                 "force cold starts; platform '" +
                                 m_runner.m_experiment.platform + "' cannot");
        const int repetitions = m_plan.scenario->repetitions;
        for (int i = 1; i <= repetitions; ++i) {
            phase("cold-start " + std::to_string(i) + "/" + std::to_string(repetitions));
            if (Status cold = m_runner.m_platform.forceColdStart(*m_deployment, m_stop); !cold)
                return cold;
            const auto request = requestFor(m_plan, *m_deployment, m_runner.m_experiment.settings);
            if (Status one = drive(singleRequestModel(request.timeout), false); !one)
                return one;
        }
        return {};
    }

    load::LoadOptions loadOptions(bool warmup) const {
        const auto& settings = m_runner.m_experiment.settings;
        load::LoadOptions options;
        options.threads = m_plan.scenario->threads.value_or(settings.threads);
        options.interval = settings.interval;
        options.maxRequestRecords = warmup ? 0 : settings.maxRequestRecords;
        options.sendTraceHeaders = m_runner.m_platform.supports(platform::Capability::Traces);
        return options;
    }

    Status drive(const load::LoadModel& model, bool warmup) {
        m_inWarmup = warmup;
        m_phaseOffsetMs = millisSince(m_start);
        m_phaseOffsetNs = m_phaseOffsetMs * 1'000'000;
        load::LoadGenerator generator(requestFor(m_plan, *m_deployment, m_runner.m_experiment.settings), model,
                                      loadOptions(warmup));
        auto summary = generator.run(*this, m_stop);
        if (!summary)
            return summary.error();
        if (!warmup)
            accumulate(*summary);
        if (m_healthError)
            return *m_healthError;
        if (summary->cancelled)
            return cancelled("cancelled during " + std::string(warmup ? "warm-up" : "measurement"));
        return {};
    }

    void accumulate(const load::LoadSummary& summary) {
        if (!m_summary) {
            m_summary = summary;
            return;
        }
        auto& total = *m_summary;
        total.requests += summary.requests;
        total.errors += summary.errors;
        for (std::size_t i = 0; i < total.errorsByKind.size(); ++i)
            total.errorsByKind[i] += summary.errorsByKind[i];
        total.bytes += summary.bytes;
        total.coldStarts += summary.coldStarts;
        total.elapsedSeconds += summary.elapsedSeconds;
        total.achievedRate = total.elapsedSeconds > 0 ? double(total.requests) / total.elapsedSeconds : 0;
        total.cancelled = total.cancelled || summary.cancelled;
        total.generatorSaturated = total.generatorSaturated || summary.generatorSaturated;
        total.latency.merge(summary.latency);
        total.serviceTime.merge(summary.serviceTime);
    }

    void forwardRequests(std::vector<load::RequestRecord>& requests) {
        for (auto& record : requests) {
            record.seq = m_nextSeq++;
            record.intendedNs += m_phaseOffsetNs;
            record.sentNs += m_phaseOffsetNs;
        }
        if (!requests.empty())
            notify([&](RunObserver& o) { o.onRequests(m_plan.cell, requests); });
    }

    Status checkHealth() {
        if (!m_runner.m_options.healthCheck || m_healthError)
            return m_healthError ? Status(*m_healthError) : Status{};
        Status health = m_runner.m_options.healthCheck();
        if (!health) {
            m_healthError = health.error();
            m_stop.cancel();
        }
        return health;
    }

    void collectSpans() {
        if (!m_deployment || !m_runner.m_platform.supports(platform::Capability::Traces))
            return;
        phase("collect traces");
        auto spans = settledSpans();
        if (spans && !spans->empty())
            notify([&](RunObserver& o) { o.onSpans(m_plan.cell, *spans); });
    }

    // Spans reach a trace store asynchronously (wrappers and exporters batch them), so the last requests' spans may
    // still be on their way when the load ends: fetch again until the set stops growing, for a few seconds at most.
    Result<std::vector<trace::Span>> settledSpans() {
        constexpr auto kSettle = std::chrono::milliseconds(400);
        constexpr int kMaxFetches = 8;
        Result<std::vector<trace::Span>> spans = std::vector<trace::Span>();
        for (int fetch = 0; fetch < kMaxFetches; ++fetch) {
            auto next = m_runner.m_platform.fetchSpans({m_wallStart, std::chrono::system_clock::now()});
            if (!next)
                return fetch == 0 ? next : spans;
            keepTracesStartedSince(*next, m_wallStart);
            const bool settled = fetch > 0 && next->size() == spans->size();
            spans = std::move(next);
            if (settled || m_stop.waitFor(kSettle))
                break;
        }
        return spans;
    }

    void teardown() {
        m_scaleWatch.reset();
        if (m_podMetrics.joinable()) {
            m_podMetrics.request_stop();
            m_podMetrics.join();
        }
        if (!m_deployment || !m_deployment->createdByUs || m_runner.m_options.keepDeployed)
            return;
        phase("teardown");
        (void)m_runner.m_platform.remove(*m_deployment); // a failed removal must not hide the run's own result
    }

    CellResult finish(const Status& status) {
        CellResult result;
        result.cell = m_plan.cell;
        result.label = m_plan.scenario->name + " · " + m_plan.benchmark->id + " · " + m_plan.language;
        result.summary = m_summary;
        if (!status) {
            const bool userStopped = m_userCancel.isCancelled() && !m_healthError;
            result.status = userStopped ? RunStatus::Cancelled : RunStatus::Failed;
            result.message = status.error().message;
        }
        notify([&](RunObserver& o) {
            o.onRunFinished({m_plan.cell, result.status, result.message, std::chrono::system_clock::now()});
        });
        return result;
    }

    Runner& m_runner;
    const CellPlan& m_plan;
    CancellationToken m_stop; // user cancellation, or a failed health check
    const CancellationToken& m_userCancel;
    Clock::time_point m_start;
    std::chrono::system_clock::time_point m_wallStart;
    std::optional<platform::Deployment> m_deployment;
    std::unique_ptr<platform::ScaleWatch> m_scaleWatch;
    std::jthread m_podMetrics;
    std::optional<load::LoadSummary> m_summary;
    std::optional<Error> m_healthError;
    std::int64_t m_phaseOffsetMs = 0;
    std::int64_t m_phaseOffsetNs = 0;
    std::uint64_t m_nextSeq = 0;
    int m_intervalIndex = 0;
    bool m_inWarmup = false;
};

Runner::Runner(const model::Experiment& experiment, platform::Platform& platform, RunnerOptions options)
    : m_experiment(experiment)
    , m_platform(platform)
    , m_options(std::move(options)) {}

void Runner::addObserver(RunObserver* observer) {
    m_observers.push_back(observer);
}

std::vector<CellResult> Runner::run(const CancellationToken& cancel) {
    std::vector<CellResult> results;
    const auto cells = planCells(m_experiment);
    for (const auto& plan : cells) {
        if (cancel.isCancelled())
            break;
        CellExecution execution(*this, plan, cancel);
        results.push_back(execution.execute());
    }
    return results;
}

int exitCodeFor(const std::vector<CellResult>& results, bool cancelled) {
    int code = 0;
    for (const auto& result : results) {
        if (result.status == RunStatus::Cancelled)
            return static_cast<int>(ErrorCode::Cancelled);
        const bool allFailed =
            result.summary && result.summary->requests > 0 && result.summary->errors == result.summary->requests;
        if (result.status == RunStatus::Failed || allFailed)
            code = static_cast<int>(ErrorCode::Platform);
    }
    // Stopped before the first cell began (e.g. during the platform's start-up): nothing ran, still a cancel.
    if (cancelled && results.empty())
        return static_cast<int>(ErrorCode::Cancelled);
    return code;
}

} // namespace faaswb::engine
