#include "ui/live/experiment_run.h"

#include "cli/load_report.h"
#include "common/cancellation.h"
#include "common/units.h"
#include "engine/cell_plan.h"
#include "engine/runner.h"
#include "platform/platform_factory.h"
#include "results/results_writer.h"
#include "ui/live/engine_bridge.h"

#include <QMetaObject>
#include <algorithm>
#include <atomic>
#include <thread>

namespace faaswb::ui {
namespace {

QString summaryOf(const engine::CellResult& result, const results::ResultsWriter& writer) {
    const auto runId = writer.runIdForCell(result.cell);
    QString text = QStringLiteral("run %1  %2  %3\n")
                       .arg(runId ? QString::number(*runId) : QStringLiteral("?"), QString::fromStdString(result.label),
                            QString::fromLatin1(engine::runStatusName(result.status)));
    if (result.summary) {
        const auto& s = *result.summary;
        text += QStringLiteral("    %1 requests, %2 errors, %3 req/s")
                    .arg(s.requests)
                    .arg(s.errors)
                    .arg(QString::fromStdString(formatCount(s.achievedRate)));
        if (s.targetRate > 0)
            text += QStringLiteral(" (target %1)").arg(QString::fromStdString(formatCount(s.targetRate)));
        text += QStringLiteral("\n    latency ") % QString::fromStdString(cli::percentileLine(s.latency)) %
                QLatin1Char('\n');
    }
    if (!result.message.empty())
        text += QStringLiteral("    ") % QString::fromStdString(result.message) % QLatin1Char('\n');
    return text;
}

RunFinish failure(const Error& error) {
    RunFinish finish;
    finish.exitCode = static_cast<int>(error.code);
    finish.error = QString::fromStdString(error.message);
    return finish;
}

} // namespace

// One run at a time: the worker thread owns the platform, the results writer and the runner; the UI thread only
// starts it, cancels it and joins it after finished() has been posted.
class ExperimentRun::Worker {
public:
    model::Experiment experiment;
    model::PlatformConfig platformConfig;
    std::string databasePath;
    std::unique_ptr<CancellationToken> cancel;
    std::jthread thread;
    bool running = false; // UI thread

    void join() {
        if (thread.joinable())
            thread.join();
    }
};

namespace {

// Runs on the worker thread: everything that may take long (the local platform starts its daemon here).
RunFinish execute(const model::Experiment& experiment, const model::PlatformConfig& platformConfig,
                  const std::string& databasePath, const CancellationToken& cancel, EngineBridge& bridge) {
    auto platform = platform::createPlatform(platformConfig);
    if (!platform)
        return failure(platform.error());
    if (cancel.isCancelled())
        return failure(cancelled("stopped before the first cell started"));
    bridge.setCapabilities((*platform)->supports(platform::Capability::WatchScale),
                           (*platform)->supports(platform::Capability::PodMetrics),
                           (*platform)->supports(platform::Capability::Traces));

    results::ResultsWriter writer(databasePath);
    engine::RunnerOptions options;
    options.healthCheck = [&writer] { return writer.lastError(); };
    engine::Runner runner(experiment, **platform, options);
    runner.addObserver(&writer);
    runner.addObserver(&bridge);
    const auto results = runner.run(cancel);
    (void)writer.flush(); // its outcome is lastError(), checked below

    RunFinish finish;
    for (const auto& result : results) {
        finish.summary += summaryOf(result, writer);
        if (const auto id = writer.runIdForCell(result.cell))
            finish.runIds.append(*id);
    }
    finish.exitCode = engine::exitCodeFor(results, cancel.isCancelled());
    if (Status written = writer.lastError(); !written) {
        finish.exitCode = static_cast<int>(written.error().code);
        finish.error = QString::fromStdString(written.error().message);
    } else if (finish.exitCode == static_cast<int>(ErrorCode::Cancelled)) {
        finish.error = QStringLiteral("stopped by the user; partial results are kept");
    } else if (const auto failed = std::find_if(results.begin(), results.end(),
                                                [](const engine::CellResult& result) {
                                                    return result.status == engine::RunStatus::Failed &&
                                                           !result.message.empty();
                                                });
               failed != results.end()) {
        // The first failure's reason ("platform lost: ...") is what the status bar and the dashboard should say.
        finish.error = QString::fromStdString(failed->message);
    }
    return finish;
}

} // namespace

ExperimentRun::ExperimentRun(QObject* parent)
    : QObject(parent)
    , m_worker(std::make_unique<Worker>())
    , m_bridge(new EngineBridge(std::chrono::milliseconds(200), this)) {
    qRegisterMetaType<faaswb::ui::RunFinish>();
}

ExperimentRun::~ExperimentRun() {
    stop();
    m_worker->join(); // the queued finished() dies with this object
}

bool ExperimentRun::start(const model::Experiment& experiment, const QString& databasePath, const QString& platformName,
                          QString* error) {
    auto fail = [error](const std::string& message) {
        if (error)
            *error = QString::fromStdString(message);
        return false;
    };
    if (m_worker->running)
        return fail("a run is already in progress; stop it first");
    const std::string name = platformName.isEmpty() ? experiment.platform : platformName.toStdString();
    auto platformConfig = platform::choosePlatform(experiment, name);
    if (!platformConfig)
        return fail(platformConfig.error().message);
    if (Status writable = results::ResultsWriter::checkWritable(databasePath.toStdString()); !writable)
        return fail(writable.error().message);

    m_worker->join(); // the previous run's thread has posted its end already
    m_worker->experiment = experiment;
    m_worker->experiment.platform = platformConfig->name;
    m_worker->platformConfig = *platformConfig;
    m_worker->databasePath = databasePath.toStdString();
    m_worker->cancel = std::make_unique<CancellationToken>();
    m_databasePath = databasePath;
    m_bridge->reset();
    m_bridge->setCellCount(static_cast<int>(engine::planCells(m_worker->experiment).size()));
    m_worker->running = true;
    m_worker->thread = std::jthread([this, worker = m_worker.get()] {
        RunFinish finish =
            execute(worker->experiment, worker->platformConfig, worker->databasePath, *worker->cancel, *m_bridge);
        QMetaObject::invokeMethod(
            this,
            [this, finish = std::move(finish)] {
                m_worker->running = false;
                m_worker->join();
                emit finished(finish);
            },
            Qt::QueuedConnection);
    });
    emit started();
    return true;
}

void ExperimentRun::stop() {
    if (m_worker->running && m_worker->cancel)
        m_worker->cancel->cancel();
}

bool ExperimentRun::isRunning() const {
    return m_worker->running;
}

EngineBridge* ExperimentRun::bridge() const {
    return m_bridge;
}

QString ExperimentRun::databasePath() const {
    return m_databasePath;
}

} // namespace faaswb::ui
