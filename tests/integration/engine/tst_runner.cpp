// The runner end to end on the http platform against a loopback target server spawned here.
#include "engine/runner.h"
#include "model/experiment_loader.h"
#include "platform/http_platform.h"
#include "testutils.h"

#include <QtTest>
#include <mutex>
#include <thread>

using namespace faaswb;

namespace {

// Records what the runner publishes; callbacks come from several threads.
class RecordingObserver final : public engine::RunObserver {
public:
    void onRunStarted(const engine::RunDescription& d) override {
        std::lock_guard lock(m_mutex);
        started.push_back(d);
    }
    void onPhase(const engine::PhaseInfo& p) override {
        std::lock_guard lock(m_mutex);
        phases.push_back(p.phase);
    }
    void onInterval(int, const load::IntervalSnapshot& s) override {
        std::lock_guard lock(m_mutex);
        intervals.push_back(s);
        if (onFirstMeasuredInterval && !s.warmup) {
            onFirstMeasuredInterval();
            onFirstMeasuredInterval = nullptr;
        }
    }
    void onRequests(int, std::span<const load::RequestRecord> r) override {
        std::lock_guard lock(m_mutex);
        requests.insert(requests.end(), r.begin(), r.end());
    }
    void onRunFinished(const engine::RunOutcome& o) override {
        std::lock_guard lock(m_mutex);
        finished.push_back(o);
    }

    std::vector<engine::RunDescription> started;
    std::vector<std::string> phases;
    std::vector<load::IntervalSnapshot> intervals;
    std::vector<load::RequestRecord> requests;
    std::vector<engine::RunOutcome> finished;
    std::function<void()> onFirstMeasuredInterval;

private:
    std::mutex m_mutex;
};

model::Experiment experimentFor(const QString& url, const QString& scenarios) {
    const QString yaml = QStringLiteral("name: runner-test\nplatform: target\n"
                                        "platforms:\n  target: {type: http, url: '%1'}\n"
                                        "benchmarks:\n  - {id: 000.noop, languages: [python, nodejs]}\n"
                                        "scenarios:\n%2")
                             .arg(url, scenarios);
    auto report = model::loadExperimentText(yaml.toStdString(), "runner-test.yaml");
    if (!report.experiment) {
        for (const auto& issue : report.issues)
            qWarning("%s", issue.format().c_str());
        qFatal("test experiment does not validate");
    }
    return *report.experiment;
}

} // namespace

class TestRunner : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        m_server = test::ServerProcess::start(test::binaryPath(QStringLiteral("faaswb-target")),
                                              {QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(m_server);
    }

    void runsEveryCellWithWarmupExcluded() {
        const auto experiment =
            experimentFor(m_server->baseUrl() + "/", QStringLiteral("  - {name: warm, type: warm-latency, rate: 200, "
                                                                    "duration: 1s, warmup: 500ms}\n"));
        platform::HttpPlatform platform(*experiment.findPlatform("target"));
        engine::Runner runner(experiment, platform);
        RecordingObserver observer;
        runner.addObserver(&observer);
        CancellationToken cancel;
        const auto results = runner.run(cancel);

        QCOMPARE(results.size(), std::size_t(2)); // one benchmark x two languages x one scenario
        for (const auto& result : results) {
            QCOMPARE(result.status, engine::RunStatus::Complete);
            QVERIFY(result.summary);
            QVERIFY2(result.summary->requests >= 190 && result.summary->requests <= 210,
                     qPrintable(QString::number(result.summary->requests))); // 200 rps x 1 s, warm-up excluded
            QCOMPARE(result.summary->errors, 0ull);
        }
        QCOMPARE(observer.started.size(), std::size_t(2));
        QCOMPARE(observer.finished.size(), std::size_t(2));
        QVERIFY(std::any_of(observer.intervals.begin(), observer.intervals.end(), [](auto& s) { return s.warmup; }));
        QCOMPARE(observer.requests.size(), std::size_t(results[0].summary->requests + results[1].summary->requests));
        QVERIFY(observer.phases.front() == "deploy");
        QCOMPARE(observer.started[0].config["scenario"]["rate_rps"].get<double>(), 200.0);
        QCOMPARE(observer.started[0].environment["platform"]["kind"].get<std::string>(), std::string("http"));
    }

    void intervalTimesAreMonotonicAcrossPhases() {
        const auto experiment = experimentFor(
            m_server->baseUrl(), QStringLiteral("  - {name: warm, type: warm-latency, rate: 100, duration: 1s, "
                                                "warmup: 1s}\n"));
        platform::HttpPlatform platform(*experiment.findPlatform("target"));
        engine::Runner runner(experiment, platform);
        RecordingObserver observer;
        runner.addObserver(&observer);
        CancellationToken cancel;
        (void)runner.run(cancel);
        std::int64_t lastEnd = -1;
        int lastIndex = -1;
        for (const auto& s : observer.intervals) {
            if (s.index == 0) { // a new cell starts its own timeline
                lastEnd = -1;
                lastIndex = -1;
            }
            QVERIFY(s.startMs >= lastEnd - 1);
            QCOMPARE(s.index, lastIndex + 1);
            lastEnd = s.endMs;
            lastIndex = s.index;
        }
    }

    // The previous cell's traces that a source's slack brings along are not this cell's: a trace that began before
    // the cell goes whole, one that began at or after its start stays whole.
    void spansOfEarlierTracesAreDropped() {
        using namespace std::chrono;
        const system_clock::time_point cellStart{seconds(1'000)};
        const std::int64_t startUs = duration_cast<microseconds>(cellStart.time_since_epoch()).count();
        auto span = [](const char* trace, std::int64_t start) {
            trace::Span s;
            s.traceId = trace;
            s.startUs = start;
            return s;
        };
        std::vector<trace::Span> spans{span("old", startUs - 2'000'000), span("old", startUs + 10),
                                       span("new", startUs + 5'000), span("new", startUs + 6'000),
                                       span("edge", startUs)};
        engine::keepTracesStartedSince(spans, cellStart);
        QCOMPARE(spans.size(), std::size_t(3));
        for (const auto& kept : spans)
            QVERIFY(kept.traceId == "new" || kept.traceId == "edge");
    }

    void coldStartIsUnsupportedOnHttpPlatform() {
        const auto experiment =
            experimentFor(m_server->baseUrl(), QStringLiteral("  - {name: cold, type: cold-start, repetitions: 2}\n"));
        platform::HttpPlatform platform(*experiment.findPlatform("target"));
        engine::Runner runner(experiment, platform);
        CancellationToken cancel;
        const auto results = runner.run(cancel);
        QCOMPARE(results.front().status, engine::RunStatus::Failed);
        QVERIFY(QString::fromStdString(results.front().message).contains(QStringLiteral("cannot")));
        QVERIFY(!results.front().summary); // nothing measured is reported as nothing, not as zeros
    }

    void cancelKeepsPartialResultsAndStopsQuickly() {
        const auto experiment = experimentFor(
            m_server->baseUrl(), QStringLiteral("  - {name: long, type: warm-latency, rate: 100, duration: 60s}\n"));
        platform::HttpPlatform platform(*experiment.findPlatform("target"));
        engine::Runner runner(experiment, platform);
        RecordingObserver observer;
        CancellationToken cancel;
        std::chrono::steady_clock::time_point cancelledAt;
        observer.onFirstMeasuredInterval = [&] {
            cancelledAt = std::chrono::steady_clock::now();
            cancel.cancel();
        };
        runner.addObserver(&observer);
        const auto results = runner.run(cancel);
        const auto stopTook = std::chrono::steady_clock::now() - cancelledAt;
        QVERIFY2(stopTook < std::chrono::seconds(1),
                 qPrintable(QString::number(std::chrono::duration<double>(stopTook).count())));
        QCOMPARE(results.size(), std::size_t(1)); // the second cell never starts
        QCOMPARE(results.front().status, engine::RunStatus::Cancelled);
        QVERIFY(results.front().summary && results.front().summary->requests >= 90);
        QCOMPARE(observer.finished.size(), std::size_t(1));
    }

    void failingHealthCheckStopsTheRunAsFailed() {
        const auto experiment = experimentFor(
            m_server->baseUrl(), QStringLiteral("  - {name: long, type: warm-latency, rate: 50, duration: 30s}\n"));
        platform::HttpPlatform platform(*experiment.findPlatform("target"));
        std::atomic<int> checks{0};
        engine::RunnerOptions options;
        options.healthCheck = [&]() -> Status {
            return ++checks > 2 ? Status(internalError("results disk full")) : Status{};
        };
        engine::Runner runner(experiment, platform, options);
        CancellationToken cancel;
        const auto results = runner.run(cancel);
        QCOMPARE(results.front().status, engine::RunStatus::Failed);
        QCOMPARE(results.front().message, std::string("results disk full"));
    }

private:
    std::unique_ptr<test::ServerProcess> m_server;
};

QTEST_GUILESS_MAIN(TestRunner)
#include "tst_runner.moc"
