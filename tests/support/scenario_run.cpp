#include "scenario_run.h"

#include "model/experiment_loader.h"
#include "platform/local_platform.h"
#include "test_daemon.h"
#include "testutils.h"

#include <QFile>
#include <QRegularExpression>
#include <QtGlobal>
#include <cerrno>
#include <csignal>

namespace faaswb::test {

model::Experiment experimentFromText(const std::string& yaml, const std::string& name) {
    auto report = model::loadExperimentText(yaml, name);
    if (!report.experiment) {
        for (const auto& issue : report.issues)
            qWarning("%s", issue.format().c_str());
        qFatal("test experiment %s does not validate", name.c_str());
    }
    return *report.experiment;
}

std::string loadProblems(const std::string& yaml, const std::string& name) {
    std::string problems;
    for (const auto& issue : model::loadExperimentText(yaml, name).issues)
        problems += issue.format() + "\n";
    return problems;
}

Result<std::unique_ptr<platform::Platform>> startLocalPlatform(const model::Experiment& experiment,
                                                               const QString& stateDir) {
    const model::PlatformConfig* config = experiment.findPlatform("local");
    if (!config)
        return Error{ErrorCode::InvalidInput, "the experiment declares no `local` platform"};
    return platform::createLocalPlatform(*config, testDaemonOptions(stateDir));
}

std::optional<double> metricValue(const analysis::RunMetricsReport& report, std::string_view name) {
    for (const auto& value : report.metrics)
        if (value.name == name)
            return value.value;
    return std::nullopt;
}

std::optional<double> metricValue(const engine::CellResult& result, std::string_view name) {
    return metricValue(result.metrics, name);
}

QString sourceText(const QString& relativePath) {
    QFile file(sourcePath(relativePath));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QString firstYamlBlock(const QString& markdown) {
    static const QRegularExpression fence(QStringLiteral("```yaml\n(.*?)```"),
                                          QRegularExpression::DotMatchesEverythingOption);
    return fence.match(markdown).captured(1);
}

bool processGone(int pid) {
    if (::kill(pid, 0) != 0)
        return errno == ESRCH;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray line = stat.readAll();
    const auto close = line.lastIndexOf(')');
    return close >= 0 && line.size() > close + 2 && line[close + 2] == 'Z';
}

void MeasuredIntervals::onInterval(int, const load::IntervalSnapshot& snapshot) {
    std::lock_guard lock(m_mutex);
    if (!snapshot.warmup)
        m_measured.push_back(snapshot);
}

std::vector<load::IntervalSnapshot> MeasuredIntervals::measured() const {
    std::lock_guard lock(m_mutex);
    return m_measured;
}

BackgroundRun::BackgroundRun(const model::Experiment& experiment, platform::Platform& platform,
                             const std::string& dbPath)
    : m_writer(dbPath)
    , m_runner(experiment, platform) {
    m_runner.addObserver(&m_writer);
    m_runner.addObserver(&m_intervals);
    m_running = std::async(std::launch::async, [this] { return m_runner.run(m_cancel); });
}

BackgroundRun::~BackgroundRun() {
    m_cancel.cancel();
    if (m_running.valid())
        m_running.wait();
}

std::optional<std::vector<engine::CellResult>> BackgroundRun::finish(std::chrono::seconds timeout) {
    if (!m_running.valid())
        return std::nullopt;
    if (m_running.wait_for(timeout) != std::future_status::ready) {
        m_cancel.cancel();
        return std::nullopt;
    }
    return m_running.get();
}

} // namespace faaswb::test
