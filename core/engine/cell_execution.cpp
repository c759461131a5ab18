#include "engine/cell_execution.h"

#include "analysis/load_metrics.h"
#include "model/redact.h"

#include <algorithm>
#include <condition_variable>

namespace faaswb::engine {
namespace {

std::int64_t millisBetween(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

load::LoadOptions loadOptionsFor(const model::Experiment& experiment, const model::ScenarioConfig& scenario,
                                 const DriveOptions& drive, bool traces) {
    load::LoadOptions options;
    options.threads = drive.threads.value_or(scenario.threads.value_or(experiment.settings.threads));
    options.interval = experiment.settings.interval;
    options.maxRequestRecords = drive.warmup ? 0 : experiment.settings.maxRequestRecords;
    options.sendTraceHeaders = traces;
    return options;
}

} // namespace

CellExecution::CellExecution(CellEnvironment environment, const CellPlan& plan, const CancellationToken& cancel)
    : m_env(environment)
    , m_plan(plan)
    , m_driver(makeScenarioDriver(*plan.scenario))
    , m_function(plan.function)
    , m_stop(&cancel)
    , m_userCancel(cancel) {}

CellExecution::~CellExecution() {
    m_scaleWatch.reset();
    if (m_podMetrics.joinable()) {
        m_podMetrics.request_stop();
        m_podMetrics.join();
    }
}

CellResult CellExecution::execute() {
    m_start = Clock::now();
    m_driver->prepare(m_function);
    announceStart();
    Status status = deploy();
    if (status)
        status = m_driver->run(*this);
    std::vector<trace::Span> spans;
    if (m_deployment) {
        if (!m_platformLost)
            spans = collectSpans();
        m_driver->summarize(*this, spans);
    }
    analysis::RunMetricsReport report = reportMetrics(spans);
    if (m_deployment && !m_platformLost)
        m_driver->teardown(*this);
    teardown();
    return finish(status, std::move(report));
}

void CellExecution::phase(const std::string& name, load::Nanos expected) {
    notify([&](RunObserver& o) { o.onPhase({m_plan.cell, name, expected}); });
}

load::RequestSpec CellExecution::request() const {
    return requestFor(m_plan, *m_deployment, m_env.experiment.settings);
}

std::int64_t CellExecution::elapsedMs() const {
    return millisBetween(m_start, Clock::now());
}

void CellExecution::announceStart() {
    RunDescription description;
    description.cell = m_plan.cell;
    description.experimentName = m_env.experiment.name;
    description.experimentYaml = model::redactSecrets(m_env.experiment.yaml); // stored and exported
    description.scenario = m_plan.scenarioName.empty() ? m_plan.scenario->name : m_plan.scenarioName;
    description.scenarioType = model::scenarioTypeName(m_plan.scenario->type);
    description.benchmark = m_plan.benchmark->id;
    description.language = m_plan.language;
    description.platform = m_env.experiment.platform;
    description.config = describeCell(m_plan, m_env.experiment);
    if (m_function.memory)
        description.config["function"]["memory"] = *m_function.memory;
    description.config["function"]["containerConcurrency"] = m_function.containerConcurrency;
    const auto info = m_env.platform.describe();
    description.environment = {{"platform", {{"kind", info.kind}, {"version", info.version}}},
                               {"details", info.details}};
    if (info.nodes)
        description.environment["platform"]["nodes"] = *info.nodes;
    // Whether TLS certificates were checked, as the requests did it: off when the experiment or the platform said so.
    description.environment["tlsVerify"] = !m_env.experiment.settings.insecureSkipTlsVerify &&
                                           (!info.details.is_object() || info.details.value("tlsVerify", true));
    if (m_plan.sweepPoint)
        description.sweep = {{"index", m_plan.sweepPoint->index}, {"values", m_plan.sweepPoint->values}};
    description.repeat = m_plan.repeat;
    description.startedAt = std::chrono::system_clock::now();
    m_wallStart = description.startedAt;
    notify([&](RunObserver& o) { o.onRunStarted(description); });
}

Status CellExecution::deploy() {
    phase("deploy");
    auto deployment = m_env.platform.deploy(m_function, m_stop);
    if (!deployment)
        return deployment.error();
    m_deployment = std::move(deployment).value();
    startScaleWatch();
    startPodMetrics();
    return checkHealth();
}

Result<platform::Deployment> CellExecution::deployExtra(const platform::FunctionSpec& spec) {
    phase("deploy " + spec.name);
    auto deployment = m_env.platform.deploy(spec, m_stop);
    if (deployment)
        m_extras.push_back(*deployment);
    return deployment;
}

void CellExecution::startScaleWatch() {
    if (!m_env.platform.supports(platform::Capability::WatchScale))
        return;
    auto watch = m_env.platform.watchScale(*m_deployment, [this](const platform::ScaleSample& sample) {
        platform::ScaleSample rebased = sample;
        rebased.tMs = elapsedMs();
        {
            std::lock_guard lock(m_observedMutex);
            m_scale.push_back(rebased);
        }
        notify([&](RunObserver& o) { o.onScale(m_plan.cell, rebased); });
    });
    if (watch)
        m_scaleWatch = std::move(watch).value();
}

// Pod CPU and memory once a second on a thread of its own, so a slow metrics API never delays the load.
void CellExecution::startPodMetrics() {
    if (!m_env.platform.supports(platform::Capability::PodMetrics))
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
            auto samples = m_env.platform.podMetrics(*m_deployment);
            if (!samples || samples->empty())
                continue;
            const std::int64_t now = elapsedMs();
            for (auto& sample : *samples)
                sample.tMs = now;
            {
                std::lock_guard observed(m_observedMutex);
                m_pods.insert(m_pods.end(), samples->begin(), samples->end());
            }
            notify([&](RunObserver& o) { o.onPodMetrics(m_plan.cell, *samples); });
        }
    });
}

std::vector<platform::ScaleSample> CellExecution::scaleSamples() const {
    std::lock_guard lock(m_observedMutex);
    return m_scale;
}

std::vector<platform::PodMetricsSample> CellExecution::podMetricsSamples() const {
    std::lock_guard lock(m_observedMutex);
    return m_pods;
}

std::vector<load::IntervalSnapshot> CellExecution::measuredIntervals() const {
    std::lock_guard lock(m_observedMutex);
    return m_measured;
}

Result<DriveResult> CellExecution::drive(const load::RequestSpec& request, const load::LoadModel& model,
                                         const DriveOptions& options) {
    m_inWarmup = options.warmup;
    m_keepRecords = options.keepRecords && !options.warmup;
    m_keepHistograms = options.keepHistograms;
    m_kept.clear();
    m_firstSuccessMs.reset();
    m_phaseOffsetMs = elapsedMs();
    m_phaseOffsetNs = m_phaseOffsetMs * 1'000'000;
    const bool traces = m_env.platform.supports(platform::Capability::Traces);
    load::LoadGenerator generator(request, model, loadOptionsFor(m_env.experiment, *m_plan.scenario, options, traces));
    auto summary = generator.run(*this, m_stop);
    if (!summary)
        return summary.error();
    if (!options.warmup)
        accumulate(*summary);
    if (m_healthError)
        return *m_healthError;
    if (summary->cancelled && m_userCancel.isCancelled())
        return cancelled("cancelled during " + std::string(options.warmup ? "warm-up" : "measurement"));
    DriveResult result;
    result.summary = std::move(summary).value();
    result.records = std::move(m_kept);
    result.startMs = m_phaseOffsetMs;
    result.endMs = elapsedMs();
    result.firstSuccessMs = m_firstSuccessMs;
    m_kept.clear();
    return result;
}

void CellExecution::onInterval(const load::IntervalSnapshot& snapshot, std::vector<load::RequestRecord>&& requests) {
    load::IntervalSnapshot rebased = snapshot;
    rebased.index = m_intervalIndex++;
    rebased.startMs += m_phaseOffsetMs;
    rebased.endMs += m_phaseOffsetMs;
    rebased.warmup = m_inWarmup;
    notify([&](RunObserver& o) { o.onInterval(m_plan.cell, rebased); });
    if (!m_inWarmup) {
        if (!m_keepHistograms) {
            rebased.latency.reset();
            rebased.serviceTime.reset();
        }
        {
            std::lock_guard lock(m_observedMutex);
            m_measured.push_back(std::move(rebased));
        }
        forwardRequests(requests);
    }
    (void)checkHealth(); // a failure cancels m_stop; the generator then winds down on its own
}

void CellExecution::forwardRequests(std::vector<load::RequestRecord>& requests) {
    for (auto& record : requests) {
        record.seq = m_nextSeq++;
        record.intendedNs += m_phaseOffsetNs;
        record.sentNs += m_phaseOffsetNs;
        if (record.error == load::ErrorKind::None) {
            const std::int64_t doneMs = (record.sentNs / 1000 + record.totalUs) / 1000;
            if (!m_firstSuccessMs || doneMs < *m_firstSuccessMs)
                m_firstSuccessMs = doneMs;
        }
    }
    if (requests.empty())
        return;
    notify([&](RunObserver& o) { o.onRequests(m_plan.cell, requests); });
    if (m_keepRecords)
        m_kept.insert(m_kept.end(), requests.begin(), requests.end());
}

void CellExecution::accumulate(const load::LoadSummary& summary) {
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
    total.sent += summary.sent;
    total.elapsedSeconds += summary.elapsedSeconds;
    total.achievedRate = total.elapsedSeconds > 0 ? double(total.requests) / total.elapsedSeconds : 0;
    total.cancelled = total.cancelled || summary.cancelled;
    total.generatorSaturated = total.generatorSaturated || summary.generatorSaturated;
    total.latency.merge(summary.latency);
    total.serviceTime.merge(summary.serviceTime);
}

// The platform first: once it is lost, a results writer's complaint would only hide why.
Status CellExecution::checkHealth() {
    if (m_healthError)
        return *m_healthError;
    Status health = m_env.platform.checkAlive();
    m_platformLost = !health;
    if (health && m_env.options.healthCheck)
        health = m_env.options.healthCheck();
    if (!health) {
        m_healthError = health.error();
        m_stop.cancel();
    }
    return health;
}

std::vector<trace::Span> CellExecution::collectSpans() {
    if (!m_env.platform.supports(platform::Capability::Traces))
        return {};
    phase("collect traces");
    auto spans = settledSpans();
    if (!spans || spans->empty())
        return {};
    notify([&](RunObserver& o) { o.onSpans(m_plan.cell, *spans); });
    return std::move(spans).value();
}

// Spans reach a trace store asynchronously (wrappers and exporters batch them), so the last requests' spans may
// still be on their way when the load ends: fetch again until the set stops growing, for a few seconds at most.
Result<std::vector<trace::Span>> CellExecution::settledSpans() {
    constexpr auto kSettle = std::chrono::milliseconds(400);
    constexpr int kMaxFetches = 8;
    Result<std::vector<trace::Span>> spans = std::vector<trace::Span>();
    for (int fetch = 0; fetch < kMaxFetches; ++fetch) {
        auto next = m_env.platform.fetchSpans({m_wallStart, std::chrono::system_clock::now()});
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

// The common metrics beside the driver's own, then the scenario's thresholds against all of them.
analysis::RunMetricsReport CellExecution::reportMetrics(std::span<const trace::Span> spans) {
    if (m_summary)
        analysis::addLoadMetrics(m_metrics, *m_summary);
    std::int64_t from = 0;
    std::int64_t to = elapsedMs();
    if (const auto intervals = measuredIntervals(); !intervals.empty()) {
        from = intervals.front().startMs;
        to = intervals.back().endMs;
    }
    const auto samples = scaleSamples();
    analysis::addPodMetrics(m_metrics, samples, from, to,
                            m_deployment && m_env.platform.supports(platform::Capability::WatchScale));
    analysis::addTraceMetrics(m_metrics, spans, m_env.platform.supports(platform::Capability::Traces));
    analysis::RunMetricsReport report;
    report.metrics = m_metrics.values();
    report.thresholds = analysis::evaluateThresholds(m_plan.scenario->thresholds, m_metrics);
    notify([&](RunObserver& o) { o.onRunMetrics(m_plan.cell, report); });
    return report;
}

void CellExecution::teardown() {
    m_scaleWatch.reset();
    if (m_podMetrics.joinable()) {
        m_podMetrics.request_stop();
        m_podMetrics.join();
    }
    if (m_env.options.keepDeployed || m_platformLost)
        return;
    const bool any = std::any_of(m_extras.begin(), m_extras.end(), [](const auto& d) { return d.createdByUs; }) ||
                     (m_deployment && m_deployment->createdByUs);
    if (!any)
        return;
    phase("teardown");
    // A failed removal must not hide the run's own result.
    for (const auto& extra : m_extras)
        if (extra.createdByUs)
            (void)m_env.platform.remove(extra);
    if (m_deployment && m_deployment->createdByUs)
        (void)m_env.platform.remove(*m_deployment);
}

CellResult CellExecution::finish(const Status& status, analysis::RunMetricsReport metrics) {
    CellResult result;
    result.cell = m_plan.cell;
    result.label = m_plan.scenario->name + " · " + m_plan.benchmark->id + " · " + m_plan.language;
    if (m_plan.sweepPoint)
        result.label += " · " + m_plan.sweepPoint->values.dump();
    if (m_plan.scenario->repeat > 1)
        result.label += " · #" + std::to_string(m_plan.repeat + 1);
    result.summary = m_summary;
    result.metrics = std::move(metrics);
    if (!status) {
        const bool userStopped = m_userCancel.isCancelled() && !m_healthError;
        result.status = userStopped ? RunStatus::Cancelled : RunStatus::Failed;
        result.message = status.error().message;
    }
    for (const auto& note : m_notes)
        result.message += (result.message.empty() ? "" : "; ") + note;
    notify([&](RunObserver& o) {
        o.onRunFinished({m_plan.cell, result.status, result.message, std::chrono::system_clock::now()});
    });
    return result;
}

} // namespace faaswb::engine
