// bench_ui_dashboard: what the live dashboard costs a run. The same warm-latency experiment against the loopback
// target server (the `http` platform) runs twice: headless (Runner + ResultsWriter, like the CLI) and through
// ExperimentRun with a DashboardPage shown (offscreen). For each it prints the achieved throughput, p99 latency, the
// UI thread's event-loop stalls (gaps between the ticks of a 1 ms timer: max and p99) and the peak RSS, then
// "ratio dashboard/headless". Run by hand, never by ctest:
//
//   bench_ui_dashboard [--rate 20000] [--duration 600s]
#include "common/units.h"
#include "engine/runner.h"
#include "model/experiment_loader.h"
#include "platform/platform_factory.h"
#include "results/result_store.h"
#include "results/results_writer.h"
#include "ui/live/dashboard_page.h"
#include "ui/live/engine_bridge.h"
#include "ui/live/experiment_run.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QMetaObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

using namespace faaswb;

namespace {

struct Options {
    double rate = 20000;
    Nanos duration = std::chrono::seconds(600);
};

struct Figures {
    double achievedRps = 0;
    std::uint64_t requests = 0;
    double p99Ms = 0;
    double stallMaxMs = 0;
    double stallP99Ms = 0;
    qint64 peakRssKiB = 0;
};

bool parseArguments(const QStringList& args, Options& options) {
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& name = args.at(i);
        if (i + 1 >= args.size())
            return false;
        const std::string value = args.at(++i).toStdString();
        if (name == QLatin1String("--rate")) {
            auto rate = parseRate(value);
            if (!rate)
                return false;
            options.rate = *rate;
        } else if (name == QLatin1String("--duration")) {
            auto duration = parseDuration(value);
            if (!duration)
                return false;
            options.duration = *duration;
        } else {
            return false;
        }
    }
    return true;
}

// The loopback target server beside this executable; its first line names the port.
std::unique_ptr<QProcess> startTarget(int& port) {
    auto process = std::make_unique<QProcess>();
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->start(QCoreApplication::applicationDirPath() + QStringLiteral("/faaswb-target"),
                   {QStringLiteral("--threads"), QStringLiteral("2")});
    if (!process->waitForStarted(5000) || !process->waitForReadyRead(10000))
        return nullptr;
    const auto match = QRegularExpression(QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"))
                           .match(QString::fromUtf8(process->readLine()));
    if (!match.hasMatch())
        return nullptr;
    port = match.captured(1).toInt();
    return process;
}

std::optional<model::Experiment> experimentFor(int port, const Options& options) {
    const std::string yaml = "name: ui-dashboard-bench\n"
                             "platform: target\n"
                             "platforms:\n"
                             "  target: {type: http, url: 'http://127.0.0.1:" +
                             std::to_string(port) +
                             "/'}\n"
                             "benchmarks:\n"
                             "  - {id: 000.noop, languages: [cpp], method: GET, path: /}\n"
                             "scenarios:\n"
                             "  - {name: warm, type: warm-latency, rate: " +
                             std::to_string(options.rate) + ", duration: " + formatDuration(options.duration) +
                             ", warmup: 0s}\n";
    auto report = model::loadExperimentText(yaml, "bench_ui_dashboard.yaml");
    for (const auto& issue : report.issues)
        std::fprintf(stderr, "%s\n", issue.format().c_str());
    return report.experiment;
}

// Gaps between the ticks of a 1 ms timer on the UI thread: what a user feels as a frozen window.
class StallProbe {
public:
    StallProbe() {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last >= 0)
                m_gapsNs.push_back(now - m_last);
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    void fill(Figures& figures) {
        m_timer.stop();
        if (m_gapsNs.empty())
            return;
        std::sort(m_gapsNs.begin(), m_gapsNs.end());
        figures.stallMaxMs = double(m_gapsNs.back()) / 1e6;
        figures.stallP99Ms = double(m_gapsNs[m_gapsNs.size() * 99 / 100]) / 1e6;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    std::vector<qint64> m_gapsNs;
};

// Resets the kernel's peak-RSS mark (Linux >= 4.0), so each phase reports its own peak.
void resetPeakRss() {
    QFile file(QStringLiteral("/proc/self/clear_refs"));
    if (file.open(QIODevice::WriteOnly))
        file.write("5");
}

qint64 peakRssKiB() {
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const auto match =
        QRegularExpression(QStringLiteral("VmHWM:\\s+(\\d+) kB")).match(QString::fromLatin1(file.readAll()));
    return match.hasMatch() ? match.captured(1).toLongLong() : 0;
}

void fillFromStore(const QString& db, qint64 runId, Figures& figures) {
    auto store = results::ResultStore::open(db.toStdString(), true);
    if (!store)
        return;
    if (auto summary = store->runSummary(runId)) {
        figures.achievedRps = summary->achievedRps;
        figures.requests = summary->requests;
        figures.p99Ms = summary->p99Ms;
    }
}

Figures runHeadless(const model::Experiment& experiment, const QString& db) {
    resetPeakRss();
    Figures figures;
    StallProbe probe;
    QEventLoop loop;
    std::optional<std::int64_t> runId;
    std::jthread worker([&] {
        auto platform = platform::createPlatform(*experiment.findPlatform(experiment.platform));
        if (platform) {
            results::ResultsWriter writer(db.toStdString());
            engine::Runner runner(experiment, **platform);
            runner.addObserver(&writer);
            CancellationToken cancel;
            runner.run(cancel);
            (void)writer.flush();
            runId = writer.runIdForCell(0);
        }
        QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
    });
    loop.exec();
    worker.join();
    probe.fill(figures);
    figures.peakRssKiB = peakRssKiB();
    if (runId)
        fillFromStore(db, *runId, figures);
    return figures;
}

Figures runWithDashboard(const model::Experiment& experiment, const QString& db) {
    resetPeakRss();
    Figures figures;
    ui::ExperimentRun run;
    ui::DashboardPage page;
    page.attach(&run);
    page.resize(1400, 900);
    page.show();
    StallProbe probe;
    QEventLoop loop;
    ui::RunFinish finish;
    QObject::connect(&run, &ui::ExperimentRun::finished, &loop, [&](const ui::RunFinish& result) {
        finish = result;
        loop.quit();
    });
    QString error;
    if (!run.start(experiment, db, {}, &error)) {
        std::fprintf(stderr, "cannot start: %s\n", qPrintable(error));
        return figures;
    }
    loop.exec();
    probe.fill(figures);
    figures.peakRssKiB = peakRssKiB();
    if (!finish.runIds.isEmpty())
        fillFromStore(db, finish.runIds.first(), figures);
    return figures;
}

void print(const char* name, const Figures& f) {
    std::printf("%-10s %10.0f req/s  %10llu requests  p99 %8.2f ms  UI stall max %8.2f ms  p99 %6.2f ms  "
                "peak RSS %8.1f MiB\n",
                name, f.achievedRps, static_cast<unsigned long long>(f.requests), f.p99Ms, f.stallMaxMs, f.stallP99Ms,
                double(f.peakRssKiB) / 1024.0);
}

double ratio(double a, double b) {
    return b > 0 ? a / b : 0;
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    Options options;
    if (!parseArguments(QCoreApplication::arguments(), options)) {
        std::fprintf(stderr, "usage: bench_ui_dashboard [--rate 20000] [--duration 600s]\n");
        return 2;
    }
    int port = 0;
    const auto target = startTarget(port);
    if (!target) {
        std::fprintf(stderr, "could not start %s/faaswb-target\n", qPrintable(QCoreApplication::applicationDirPath()));
        return 3;
    }
    const auto experiment = experimentFor(port, options);
    QTemporaryDir dir;
    if (!experiment || !dir.isValid())
        return 2;
    std::printf("warm-latency at %.0f req/s for %s against 127.0.0.1:%d\n", options.rate,
                formatDuration(options.duration).c_str(), port);
    const Figures headless = runHeadless(*experiment, dir.filePath(QStringLiteral("headless.db")));
    print("headless", headless);
    const Figures dashboard = runWithDashboard(*experiment, dir.filePath(QStringLiteral("dashboard.db")));
    print("dashboard", dashboard);
    std::printf("ratio dashboard/headless: throughput %.3f  p99 %.2f  peak RSS %.2f\n",
                ratio(dashboard.achievedRps, headless.achievedRps), ratio(dashboard.p99Ms, headless.p99Ms),
                ratio(double(dashboard.peakRssKiB), double(headless.peakRssKiB)));
    target->terminate();
    target->waitForFinished(5000);
    return 0;
}
