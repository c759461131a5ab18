#include "results/result_store.h"
#include "results/results_writer.h"
#include "results_fixtures.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <sqlite3.h>
#include <thread>

using namespace faaswb;
using namespace faaswb::results;

namespace {

std::size_t countRequests(ResultStore& store, std::int64_t runId) {
    std::size_t count = 0;
    if (!store.forEachRequest(runId, [&](const load::RequestRecord&) { ++count; }).ok())
        return 0;
    return count;
}

} // namespace

class TestResultsWriter : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_counter = 0;

    std::string freshPath() { return m_dir.filePath(QStringLiteral("writer-%1.db").arg(++m_counter)).toStdString(); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void writesEverythingARunProduces() {
        const auto path = freshPath();
        ResultsWriter writer(path);
        QCOMPARE(writer.runIdForCell(0), std::optional<std::int64_t>()); // never started: no wait
        writer.onRunStarted(test::runDescription(0));
        writer.onRunStarted(test::runDescription(1, "cold"));
        writer.onInterval(0, test::interval(0, {1000, 2000}));
        writer.onRequests(0, test::requests(0, 50));
        writer.onScale(0, {100, "rev-1", 1, 1, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
        writer.onPodMetrics(0, std::vector{platform::PodMetricsSample{100, "pod-a", 10.0, 1 << 20}});
        writer.onRunFinished({0, engine::RunStatus::Cancelled, "stopped by the user", test::fixedStart()});
        writer.onSpans(0, std::vector{trace::Span{"t", "s", "", "gateway", "get", "SERVER", 1, 2, {}}}); // late
        writer.onRunFinished({1, engine::RunStatus::Complete, "", test::fixedStart()});
        QVERIFY(writer.flush().ok());

        const auto first = writer.runIdForCell(0);
        const auto second = writer.runIdForCell(1);
        QVERIFY(first && second && *first != *second);
        auto store = ResultStore::open(path, true);
        QVERIFY(store.ok());
        const auto run = store->runRow(*first);
        QCOMPARE(run->status, engine::RunStatus::Cancelled);
        QCOMPARE(run->message, std::string("stopped by the user"));
        QCOMPARE(run->experimentId, store->runRow(*second)->experimentId); // one experiment row for both cells
        QCOMPARE(store->intervals(*first)->size(), std::size_t(1));
        QCOMPARE(countRequests(*store, *first), std::size_t(50));
        QCOMPARE(store->scaleEvents(*first)->size(), std::size_t(1));
        QCOMPARE(store->podMetrics(*first)->size(), std::size_t(1));
        QCOMPARE(store->spans(*first)->size(), std::size_t(1));
        QCOMPARE(store->runRow(*second)->status, engine::RunStatus::Complete);
        QVERIFY(writer.lastError().ok());
    }

    void writesRunMetricsQueuedWithTheRest() {
        const auto path = freshPath();
        ResultsWriter writer(path);
        auto swept = test::runDescription(0);
        swept.sweep = test::sweepPoint(0, {{"rate", 50}});
        swept.repeat = 2;
        writer.onRunStarted(swept);
        writer.onRunStarted(test::runDescription(1, "cold"));
        writer.onRunMetrics(0, test::metricsReport(20.0)); // the p99 threshold (< 10 ms) fails
        writer.onRunFinished({0, engine::RunStatus::Complete, "", test::fixedStart()});
        writer.onRunMetrics(1, test::metricsReport(2.0));
        writer.onRunMetrics(1, test::metricsReport(4.0, true)); // a second report replaces the first
        writer.onRunFinished({1, engine::RunStatus::Complete, "", test::fixedStart()});
        writer.onRunMetrics(5, test::metricsReport(1.0)); // never started: nowhere to go
        QVERIFY(writer.flush().ok());

        auto store = ResultStore::open(path, true);
        QVERIFY(store.ok());
        const auto first = *writer.runIdForCell(0);
        const auto second = *writer.runIdForCell(1);
        const auto row = store->runRow(first);
        QCOMPARE(row->thresholdsPassed, std::optional<bool>(false));
        QCOMPARE(row->repeat, 2);
        QCOMPARE(nlohmann::json::parse(row->sweep), (nlohmann::json{{"rate", 50}}));
        auto metrics = store->runMetrics(first);
        QCOMPARE(metrics->metrics.size(), std::size_t(4));
        QCOMPARE(metrics->metrics[1].value, std::optional<double>(20.0));
        metrics = store->runMetrics(second);
        QCOMPARE(metrics->metrics[1].value, std::optional<double>(4.0));
        QCOMPARE(metrics->thresholds.size(), std::size_t(2));
        QCOMPARE(store->runRow(second)->thresholdsPassed, std::optional<bool>(false));
        QCOMPARE(store->listRuns()->size(), std::size_t(2));
        QVERIFY(writer.lastError().ok());
    }

    void commitsWithoutExplicitFlush() {
        const auto path = freshPath();
        WriterOptions options;
        options.drainInterval = std::chrono::milliseconds(20);
        ResultsWriter writer(path, options);
        writer.onRunStarted(test::runDescription());
        writer.onRequests(0, test::requests(0, 10));
        const auto runId = writer.runIdForCell(0);
        QVERIFY(runId);
        auto store = ResultStore::open(path, true);
        QVERIFY(store.ok());
        QTRY_COMPARE(countRequests(*store, *runId), std::size_t(10));
    }

    // The writer appends for a whole run; its page cache must not grow with the file. With the store's 16 MiB cache
    // it did, for as long as the file did (a 30-minute soak: the workbench +5.6% RSS after minute 2).
    void pageCacheStaysSmallWhileTheFileGrows() {
        const auto path = freshPath();
        ResultsWriter writer(path);
        writer.onRunStarted(test::runDescription());
        for (int batch = 0; batch < 8; ++batch) {
            writer.onRequests(0, test::requests(batch * 10'000, 10'000));
            QVERIFY(writer.flush().ok());
        }
        const auto fileBytes = std::filesystem::file_size(path) + std::filesystem::file_size(path + "-wal");
        QVERIFY2(fileBytes > 8u << 20, qPrintable(QString::number(fileBytes)));
        // Only the writer's connection is open in this process: all SQLite holds is its cache and statements.
        QVERIFY2(sqlite3_memory_used() < 4 << 20, qPrintable(QString::number(sqlite3_memory_used())));
    }

    void dropsRequestsBeyondTheCap() {
        const auto path = freshPath();
        WriterOptions options;
        options.maxQueuedRequests = 100;
        std::int64_t runId = 0;
        {
            ResultsWriter writer(path, options);
            writer.onRunStarted(test::runDescription());
            writer.onInterval(0, test::interval(0, {1000}));
            writer.onRequests(0, test::requests(0, 250)); // nothing queued yet: 100 fit, 150 are dropped
            QCOMPARE(writer.droppedRequests(), std::uint64_t(150));
            QVERIFY(writer.flush().ok());
            runId = *writer.runIdForCell(0);
        }
        auto store = ResultStore::open(path, true);
        QCOMPARE(countRequests(*store, runId), std::size_t(100));
        QCOMPARE(store->runRow(runId)->requestsDropped, std::uint64_t(150));
        QCOMPARE(store->intervals(runId)->size(), std::size_t(1)); // intervals are never dropped
    }

    void concurrentCallbacks() {
        const auto path = freshPath();
        constexpr int kThreads = 4, kBatches = 50, kBatchSize = 200;
        std::int64_t runId = 0;
        {
            ResultsWriter writer(path);
            writer.onRunStarted(test::runDescription());
            std::vector<std::thread> producers;
            for (int t = 0; t < kThreads; ++t)
                producers.emplace_back([&writer, t] {
                    for (int b = 0; b < kBatches; ++b) {
                        const auto first = static_cast<std::uint64_t>((t * kBatches + b) * kBatchSize);
                        writer.onRequests(0, test::requests(first, kBatchSize));
                        if (b % 10 == 0)
                            writer.onScale(0, platform::ScaleSample{b, "rev", t, {}, {}, {}, {}, {}});
                    }
                });
            for (int i = 0; i < 5; ++i)
                QVERIFY(writer.flush().ok());
            for (auto& producer : producers)
                producer.join();
            QVERIFY(writer.flush().ok());
            runId = *writer.runIdForCell(0);
            QCOMPARE(writer.droppedRequests(), std::uint64_t(0));
        }
        auto store = ResultStore::open(path, true);
        QCOMPARE(countRequests(*store, runId), std::size_t(kThreads * kBatches * kBatchSize));
        QCOMPARE(store->scaleEvents(runId)->size(), std::size_t(kThreads * kBatches / 10));
    }

    void unfinishedRunsAreMarkedIncompleteOnClose() {
        const auto path = freshPath();
        std::int64_t runId = 0;
        {
            ResultsWriter writer(path);
            writer.onRunStarted(test::runDescription());
            writer.onRequests(0, test::requests(0, 5));
            runId = *writer.runIdForCell(0);
        } // destroyed without onRunFinished: everything queued is still committed
        auto store = ResultStore::open(path, true);
        const auto run = store->runRow(runId);
        QCOMPARE(run->status, engine::RunStatus::Incomplete);
        QVERIFY(!run->message.empty());
        QCOMPARE(countRequests(*store, runId), std::size_t(5));
    }

    void unknownCellsAreIgnored() {
        const auto path = freshPath();
        ResultsWriter writer(path);
        writer.onRequests(7, test::requests(0, 5));
        writer.onRunFinished({7, engine::RunStatus::Complete, "", test::fixedStart()});
        QVERIFY(writer.flush().ok());
        QCOMPARE(writer.runIdForCell(7), std::optional<std::int64_t>());
        auto store = ResultStore::open(path, true);
        QVERIFY(store->listRuns()->empty());
    }
};

QTEST_GUILESS_MAIN(TestResultsWriter)
#include "tst_results_writer.moc"
