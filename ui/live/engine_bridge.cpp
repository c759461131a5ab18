#include "ui/live/engine_bridge.h"

#include "ui/results/results_format.h"

#include <QMetaObject>
#include <QStringList>
#include <QTimer>
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace faaswb::ui {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start, Clock::time_point now) {
    return std::chrono::duration<double>(now - start).count();
}

QString fromStd(const std::string& text) {
    return QString::fromStdString(text);
}

// A histogram the UI may read while the builder keeps merging into its own: a private copy.
std::shared_ptr<const load::LatencyHistogram> snapshotOf(const std::shared_ptr<const load::LatencyHistogram>& live) {
    return live ? std::make_shared<const load::LatencyHistogram>(*live) : nullptr;
}

// The cell's place in the sweep and its repetition, for labels: ("rate=50", 1, 3).
struct CellPosition {
    QString sweep;
    int repeat = 0;
    int repeats = 0;
};

CellPosition positionOf(const engine::RunDescription& run) {
    CellPosition position;
    position.sweep = formatSweep(run.sweep);
    position.repeat = run.repeat;
    const auto& scenario =
        run.config.is_object() ? run.config.value("scenario", nlohmann::json::object()) : nlohmann::json::object();
    if (scenario.is_object() && scenario.contains("repeat") && scenario["repeat"].is_number_integer())
        position.repeats = scenario["repeat"].get<int>();
    return position;
}

QString cellLabel(const engine::RunDescription& run, const CellPosition& position) {
    QString label = fromStd(run.scenario) % QStringLiteral(" · ") % fromStd(run.benchmark) % QStringLiteral(" · ") %
                    fromStd(run.language);
    if (!position.sweep.isEmpty())
        label += QStringLiteral(" · ") % position.sweep;
    if (position.repeats > 1)
        label += QStringLiteral(" · repeat %1/%2").arg(position.repeat + 1).arg(position.repeats);
    else if (position.repeat > 0)
        label += QStringLiteral(" · repeat %1").arg(position.repeat + 1);
    return label;
}

QString thresholdFailures(const analysis::RunMetricsReport& report) {
    QStringList failures;
    for (const auto& threshold : report.thresholds) {
        if (threshold.passed)
            continue;
        const auto metric = std::find_if(report.metrics.cbegin(), report.metrics.cend(),
                                         [&](const auto& m) { return m.name == threshold.metric; });
        const QString unit = metric == report.metrics.cend() || metric->unit == "count"
                                 ? QString()
                                 : QLatin1Char(' ') + fromStd(metric->unit);
        const QString value =
            threshold.value ? formatMetric(threshold.value) + unit
                            : QStringLiteral("n/a") +
                                  (threshold.note.empty() ? QString() : QStringLiteral(": ") + fromStd(threshold.note));
        failures << fromStd(threshold.text) + QStringLiteral(" (") + value + QLatin1Char(')');
    }
    return failures.join(QStringLiteral("; "));
}

} // namespace

class EngineBridge::State {
public:
    struct Cell {
        Cell() = default; // not an aggregate: RunSeriesBuilder's constructor is explicit
        RunSeriesBuilder builder;
        bool dirty = false;
        bool histogramsDirty = true;
        // Copies handed to the UI; refreshed only when a measured interval brought a new histogram.
        std::shared_ptr<const load::LatencyHistogram> latency, serviceTime;
    };

    explicit State(std::chrono::milliseconds refreshPeriod)
        : refresh(refreshPeriod) {}

    // Caller holds `mutex`. Copies what the UI may keep: lists are implicitly shared (atomic refcounts), the
    // histograms are copied because the builder merges into them in place.
    RunSeries copyOf(Cell& cell) {
        RunSeries series = cell.builder.series();
        if (cell.histogramsDirty) {
            cell.latency = snapshotOf(series.latency);
            cell.serviceTime = snapshotOf(series.serviceTime);
            cell.histogramsDirty = false;
        }
        series.latency = cell.latency;
        series.serviceTime = cell.serviceTime;
        return series;
    }

    // Caller holds `mutex`.
    LiveProgress progressAt(Clock::time_point now) const {
        LiveProgress copy = progress;
        copy.cells = cellCount;
        copy.phaseElapsedSec = haveRunStart ? secondsSince(phaseStart, now) : 0;
        copy.runElapsedSec = haveRunStart ? secondsSince(runStart, now) : 0;
        return copy;
    }

    std::chrono::milliseconds refresh; // UI thread only (the timer's interval)

    mutable std::mutex mutex; // guards everything down to the UI-thread section
    std::map<int, Cell> cells;
    std::set<int> runningCells;
    int cellCount = 0;
    bool scale = false, podMetrics = false, traces = false;
    LiveProgress progress;
    Clock::time_point phaseStart, runStart;
    bool haveRunStart = false;
    quint64 generation = 0; // bumped by reset(): queued notices of an earlier run are dropped

    // UI thread only.
    QTimer timer;
    std::set<int> announced;
};

EngineBridge::EngineBridge(std::chrono::milliseconds refresh, QObject* parent)
    : QObject(parent)
    , m_state(std::make_unique<State>(refresh)) {
    qRegisterMetaType<faaswb::ui::RunSeries>();
    qRegisterMetaType<faaswb::ui::LiveProgress>();
    m_state->timer.setInterval(refresh);
    m_state->timer.setTimerType(Qt::PreciseTimer);
    connect(&m_state->timer, &QTimer::timeout, this, &EngineBridge::publish);
}

EngineBridge::~EngineBridge() = default;

void EngineBridge::setRefreshInterval(std::chrono::milliseconds refresh) {
    m_state->refresh = refresh;
    m_state->timer.setInterval(refresh); // a running timer restarts with the new interval
}

std::chrono::milliseconds EngineBridge::refreshInterval() const {
    return m_state->refresh;
}

void EngineBridge::reset() {
    m_state->timer.stop();
    std::lock_guard lock(m_state->mutex);
    m_state->cells.clear();
    m_state->runningCells.clear();
    m_state->cellCount = 0;
    m_state->progress = {};
    m_state->haveRunStart = false;
    ++m_state->generation;
    m_state->announced.clear();
}

void EngineBridge::setCellCount(int cells) {
    std::lock_guard lock(m_state->mutex);
    m_state->cellCount = cells;
}

int EngineBridge::cellCount() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->cellCount;
}

void EngineBridge::setCapabilities(bool scale, bool podMetrics, bool traces) {
    std::lock_guard lock(m_state->mutex);
    m_state->scale = scale;
    m_state->podMetrics = podMetrics;
    m_state->traces = traces;
    for (auto& [index, cell] : m_state->cells)
        cell.builder.setCapabilities(scale, podMetrics, traces);
}

void EngineBridge::onRunStarted(const engine::RunDescription& run) {
    const CellPosition position = positionOf(run);
    const QString label = cellLabel(run, position);
    quint64 generation = 0;
    {
        std::lock_guard lock(m_state->mutex);
        auto& cell = m_state->cells[run.cell];
        cell = State::Cell{};
        cell.builder.setDescription(label, fromStd(run.scenarioType), fromStd(run.platform));
        cell.builder.setCapabilities(m_state->scale, m_state->podMetrics, m_state->traces);
        cell.builder.setStatus(QStringLiteral("running"));
        cell.dirty = true;
        m_state->runningCells.insert(run.cell);
        const auto now = Clock::now();
        if (!m_state->haveRunStart)
            m_state->runStart = now;
        m_state->haveRunStart = true;
        m_state->phaseStart = now;
        m_state->progress.cell = run.cell;
        m_state->progress.label = label;
        m_state->progress.sweep = position.sweep;
        m_state->progress.repeat = position.repeat;
        m_state->progress.repeats = position.repeats;
        m_state->progress.phase.clear();
        m_state->progress.phaseExpectedSec = 0;
        generation = m_state->generation;
    }
    QMetaObject::invokeMethod(
        this,
        [this, generation, cell = run.cell, label] {
            if (generation != m_state->generation)
                return;
            m_state->announced.insert(cell);
            if (!m_state->timer.isActive())
                m_state->timer.start();
            emit cellStarted(cell, label);
        },
        Qt::QueuedConnection);
}

void EngineBridge::onPhase(const engine::PhaseInfo& phase) {
    std::lock_guard lock(m_state->mutex);
    m_state->progress.cell = phase.cell;
    m_state->progress.phase = fromStd(phase.phase);
    m_state->progress.phaseExpectedSec = std::chrono::duration<double>(phase.expected).count();
    m_state->phaseStart = Clock::now();
}

void EngineBridge::onInterval(int cell, const load::IntervalSnapshot& interval) {
    std::lock_guard lock(m_state->mutex);
    const auto found = m_state->cells.find(cell);
    if (found == m_state->cells.end())
        return; // a cell the bridge never saw start (attached mid-run)
    found->second.builder.addInterval(interval);
    found->second.dirty = true;
    if (!interval.warmup && (interval.latency || interval.serviceTime))
        found->second.histogramsDirty = true;
}

void EngineBridge::onScale(int cell, const platform::ScaleSample& sample) {
    std::lock_guard lock(m_state->mutex);
    if (const auto found = m_state->cells.find(cell); found != m_state->cells.end()) {
        found->second.builder.addScale(sample);
        found->second.dirty = true;
    }
}

void EngineBridge::onPodMetrics(int cell, std::span<const platform::PodMetricsSample> samples) {
    std::lock_guard lock(m_state->mutex);
    if (const auto found = m_state->cells.find(cell); found != m_state->cells.end()) {
        found->second.builder.addPodMetrics(samples);
        found->second.dirty = true;
    }
}

void EngineBridge::onSpans(int cell, std::span<const trace::Span> spans) {
    std::lock_guard lock(m_state->mutex);
    if (const auto found = m_state->cells.find(cell); found != m_state->cells.end()) {
        found->second.builder.addSpans(spans);
        found->second.dirty = true;
    }
}

void EngineBridge::onRunMetrics(int cell, const analysis::RunMetricsReport& report) {
    if (report.thresholds.empty())
        return;
    const auto failed = static_cast<int>(std::count_if(report.thresholds.cbegin(), report.thresholds.cend(),
                                                       [](const auto& threshold) { return !threshold.passed; }));
    const int passed = static_cast<int>(report.thresholds.size()) - failed;
    quint64 generation = 0;
    {
        std::lock_guard lock(m_state->mutex);
        generation = m_state->generation;
    }
    QMetaObject::invokeMethod(
        this,
        [this, generation, cell, passed, failed, failures = thresholdFailures(report)] {
            if (generation == m_state->generation)
                emit cellChecked(cell, passed, failed, failures);
        },
        Qt::QueuedConnection);
}

void EngineBridge::onRunFinished(const engine::RunOutcome& outcome) {
    const QString status = QString::fromLatin1(engine::runStatusName(outcome.status));
    quint64 generation = 0;
    {
        std::lock_guard lock(m_state->mutex);
        if (const auto found = m_state->cells.find(outcome.cell); found != m_state->cells.end()) {
            found->second.builder.setStatus(status);
            found->second.dirty = true;
        }
        m_state->runningCells.erase(outcome.cell);
        generation = m_state->generation;
    }
    QMetaObject::invokeMethod(
        this,
        [this, generation, cell = outcome.cell, status, message = fromStd(outcome.message)] {
            if (generation != m_state->generation)
                return;
            publish(); // the final data first, so listeners of cellFinished see them
            emit cellFinished(cell, status, message);
        },
        Qt::QueuedConnection);
}

RunSeries EngineBridge::series(int cell) const {
    std::lock_guard lock(m_state->mutex);
    const auto found = m_state->cells.find(cell);
    if (found == m_state->cells.end())
        return {};
    return m_state->copyOf(found->second);
}

LiveProgress EngineBridge::progress() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->progressAt(Clock::now());
}

QList<int> EngineBridge::startedCells() const {
    return QList<int>(m_state->announced.begin(), m_state->announced.end());
}

void EngineBridge::publish() {
    std::vector<std::pair<int, RunSeries>> changed;
    LiveProgress progress;
    bool running = false;
    {
        std::lock_guard lock(m_state->mutex);
        for (auto& [index, cell] : m_state->cells)
            if (cell.dirty && m_state->announced.count(index)) {
                changed.emplace_back(index, m_state->copyOf(cell));
                cell.dirty = false;
            }
        progress = m_state->progressAt(Clock::now());
        running = !m_state->runningCells.empty();
    }
    for (const auto& [index, series] : changed)
        emit seriesUpdated(index, series);
    if (running)
        emit progressUpdated(progress);
    else
        m_state->timer.stop(); // restarted by the next cellStarted
}

} // namespace faaswb::ui
