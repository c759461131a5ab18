#include "results/result_store.h"
#include "results_fixtures.h"
#include "testutils.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <limits>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

using namespace faaswb;
using namespace faaswb::results;

namespace {

bool sameCounts(const load::LatencyHistogram& a, const load::LatencyHistogram& b) {
    if (a.totalCount() != b.totalCount() || a.countsLength() != b.countsLength())
        return false;
    for (std::size_t i = 0; i < a.countsLength(); ++i)
        if (a.countAtIndex(i) != b.countAtIndex(i))
            return false;
    return true;
}

// A pid that certainly belonged to a process which has exited (and been reaped).
pid_t deadPid() {
    const pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, nullptr, 0);
    return child;
}

std::vector<std::int64_t> randomLatencies(std::mt19937_64& random, int count) {
    std::lognormal_distribution<double> distribution(8.0, 1.0); // around 3 ms, long tail
    std::vector<std::int64_t> values;
    for (int i = 0; i < count; ++i)
        values.push_back(static_cast<std::int64_t>(distribution(random)) + 1);
    return values;
}

} // namespace

class TestResultStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_counter = 0;

    std::string freshPath() { return m_dir.filePath(QStringLiteral("store-%1.db").arg(++m_counter)).toStdString(); }

    ResultStore openStore(const std::string& path) {
        auto store = ResultStore::open(path);
        if (!store)
            qFatal("cannot open %s: %s", path.c_str(), store.error().message.c_str());
        return std::move(store).value();
    }

    // An experiment with one running run; returns its id.
    std::int64_t addRun(ResultStore& store, const engine::RunDescription& run = test::runDescription()) {
        auto experiment = store.addExperiment(run.experimentName, run.experimentYaml);
        auto runId = experiment ? store.beginRun(*experiment, run) : Result<std::int64_t>(experiment.error());
        if (!runId)
            qFatal("cannot begin a run: %s", runId.error().message.c_str());
        return *runId;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void freshDatabaseHasLatestSchema() {
        const auto path = freshPath();
        { auto store = openStore(path); }
        test::RawDb raw(path);
        QCOMPARE(raw.integer("PRAGMA user_version"), ResultStore::latestSchemaVersion());
        QCOMPARE(raw.text("PRAGMA journal_mode"), std::string("wal"));
        for (const char* table :
             {"experiments", "runs", "intervals", "requests", "scale_events", "spans", "pod_metrics"})
            QVERIFY2(raw.integer(std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") +
                                 table + "'") == 1,
                     table);
        for (const char* table : {"intervals", "requests", "scale_events", "spans", "pod_metrics"})
            QVERIFY2(raw.integer(std::string("SELECT count(*) FROM pragma_index_list('") + table +
                                 "') l JOIN pragma_index_info(l.name) i WHERE i.name = 'run_id' AND i.seqno = 0") == 1,
                     table);
        QVERIFY(raw.integer("SELECT count(*) FROM pragma_table_info('runs') WHERE name IN ('message', 'owner_pid', "
                            "'owner_host', 'requests_dropped', 'sweep_json', 'repeat')") == 6);
        for (const char* table : {"run_metrics", "run_thresholds"})
            QVERIFY2(raw.integer(std::string("SELECT count(*) FROM pragma_index_list('") + table +
                                 "') l JOIN pragma_index_info(l.name) i WHERE i.name = 'run_id' AND i.seqno = 0") == 1,
                     table);
    }

    // A database written by the first release (schema version 1) with one finished run, its intervals and requests.
    std::string versionOneDatabase() {
        const auto path = freshPath();
        QFile schema(test::sourcePath(QStringLiteral("tests/unit/results/schema_v1.sql")));
        if (!schema.open(QIODevice::ReadOnly))
            qFatal("cannot read schema_v1.sql");
        test::RawDb raw(path);
        const bool written =
            raw.exec("PRAGMA journal_mode = WAL") && raw.exec(schema.readAll().toStdString()) &&
            raw.exec("INSERT INTO experiments VALUES (1, 'old', 'name: old', '2024-05-01T12:00:00.000Z');"
                     "INSERT INTO runs (id, experiment_id, scenario, scenario_type, benchmark, language, platform, "
                     "started_at, finished_at, status, config_json, owner_pid, owner_host) VALUES (1, 1, 'warm', "
                     "'warm-latency', '000.noop', 'python', 'local', '2024-05-01T12:00:00.250Z', "
                     "'2024-05-01T12:00:05.250Z', 'complete', '{}', 1, 'elsewhere');"
                     "INSERT INTO intervals (run_id, idx, t_ms, duration_ms, requests, errors, warmup, p50_us) "
                     "VALUES (1, 0, 0, 1000, 40, 2, 0, 1200), (1, 1, 1000, 1000, 60, 0, 0, 1100);"
                     "INSERT INTO requests (run_id, seq, latency_us, status) VALUES (1, 0, 1500, 200)");
        if (!written)
            qFatal("cannot build a version 1 database");
        return path;
    }

    void migratesFromVersionOne_data() {
        QTest::addColumn<bool>("readOnly");
        QTest::addRow("read-write open") << false;
        QTest::addRow("read-only open") << true; // upgrades through a short read-write connection
    }
    void migratesFromVersionOne() {
        QFETCH(bool, readOnly);
        const auto path = versionOneDatabase();
        auto store = ResultStore::open(path, readOnly);
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        QCOMPARE(test::RawDb(path).integer("PRAGMA user_version"), ResultStore::latestSchemaVersion());
        auto runs = store->listRuns();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), std::size_t(1));
        const RunRow& run = runs->front();
        QCOMPARE(run.scenario, std::string("warm"));
        QCOMPARE(run.status, engine::RunStatus::Complete);
        QCOMPARE(run.requests, std::uint64_t(100));
        QCOMPARE(run.errors, std::uint64_t(2));
        QVERIFY(run.sweep.empty());
        QCOMPARE(run.repeat, 0);
        QVERIFY(!run.thresholdsPassed);
        std::size_t requests = 0;
        QVERIFY(store->forEachRequest(1, [&](const load::RequestRecord&) { ++requests; }).ok());
        QCOMPARE(requests, std::size_t(1));
        auto metrics = store->runMetrics(1);
        QVERIFY(metrics.ok() && metrics->metrics.empty() && metrics->thresholds.empty());
        auto inputs = store->summaryInputs({});
        QVERIFY(inputs.ok());
        QCOMPARE(inputs->size(), std::size_t(1));
        QVERIFY(inputs->front().sweepValues.empty());
        QCOMPARE(inputs->front().status, std::string("complete"));
        if (readOnly)
            return;
        QVERIFY(store->addRunMetrics(1, test::metricsReport(4.0)).ok()); // an old run takes metrics after the upgrade
        QCOMPARE(store->runRow(1)->thresholdsPassed, std::optional<bool>(true));
    }

    void readOnlyOpenOfAnOldSchemaItCannotUpgrade() {
        if (geteuid() == 0)
            QSKIP("root may write any file, so the store cannot be kept from upgrading it");
        const auto path = versionOneDatabase();
        QVERIFY(QFile::setPermissions(QString::fromStdString(path), QFile::ReadOwner | QFile::ReadGroup));
        auto store = ResultStore::open(path, true);
        QVERIFY(!store.ok());
        QVERIFY2(QString::fromStdString(store.error().message).contains(QStringLiteral("needs an upgrade")),
                 store.error().message.c_str());
        QCOMPARE(test::RawDb(path).integer("PRAGMA user_version"), 1);
    }

    void sweepAndRepeatRoundTrip() {
        const auto path = freshPath();
        auto store = openStore(path);
        auto swept = test::runDescription(0, "rates");
        swept.sweep = test::sweepPoint(2, {{"rate", 50}, {"mechanism", "direct"}});
        swept.repeat = 3;
        const auto sweptId = addRun(store, swept);
        const auto plainId = addRun(store);
        const auto row = store.runRow(sweptId);
        QVERIFY(row.ok());
        QCOMPARE(nlohmann::json::parse(row->sweep), (nlohmann::json{{"rate", 50}, {"mechanism", "direct"}}));
        QCOMPARE(row->repeat, 3);
        QVERIFY(store.runRow(plainId)->sweep.empty());
        QCOMPARE(store.runRow(plainId)->repeat, 0);
        test::RawDb raw(path);
        QCOMPARE(nlohmann::json::parse(raw.text("SELECT sweep_json FROM runs WHERE id = " + std::to_string(sweptId))),
                 swept.sweep);
        QCOMPARE(raw.integer("SELECT count(*) FROM runs WHERE sweep_json IS NULL"), 1);
    }

    void runMetricsRoundTrip() {
        const auto path = freshPath();
        auto store = openStore(path);
        const auto runId = addRun(store);
        QVERIFY(store.runMetrics(runId)->metrics.empty());
        auto report = test::metricsReport(12.5, true);
        report.metrics.push_back({"mean", std::numeric_limits<double>::quiet_NaN(), "ms"}); // stored as NULL
        QVERIFY(store.addRunMetrics(runId, report).ok());

        auto read = store.runMetrics(runId);
        QVERIFY(read.ok());
        QCOMPARE(read->metrics.size(), report.metrics.size());
        for (std::size_t n = 0; n < 4; ++n) {
            QCOMPARE(read->metrics[n].name, report.metrics[n].name);
            QCOMPARE(read->metrics[n].value, report.metrics[n].value);
            QCOMPARE(read->metrics[n].unit, report.metrics[n].unit);
        }
        QVERIFY(!read->metrics[3].value && !read->metrics[4].value);
        QCOMPARE(read->thresholds.size(), std::size_t(2));
        QCOMPARE(read->thresholds[0].text, std::string("p99 < 10ms"));
        QCOMPARE(read->thresholds[0].metric, std::string("p99"));
        QCOMPARE(read->thresholds[0].value, std::optional<double>(12.5));
        QVERIFY(!read->thresholds[0].passed);
        QVERIFY(!read->thresholds[1].value);
        QCOMPARE(read->thresholds[1].note, std::string("max_pods is not available"));
        test::RawDb raw(path);
        QCOMPARE(raw.integer("SELECT count(*) FROM run_metrics WHERE value IS NULL"), 2);
        QCOMPARE(raw.integer("SELECT count(*) FROM run_thresholds WHERE value IS NULL AND passed = 0"), 1);

        QVERIFY(store.addRunMetrics(runId, test::metricsReport(3.0)).ok()); // replaces the earlier rows
        read = store.runMetrics(runId);
        QCOMPARE(read->metrics.size(), std::size_t(4));
        QCOMPARE(read->thresholds.size(), std::size_t(1));
        QCOMPARE(raw.integer("SELECT count(*) FROM run_metrics"), 4);

        QVERIFY(!store.addRunMetrics(runId + 100, report).ok());
        QVERIFY(!store.runMetrics(runId + 100).ok());
    }

    void thresholdsPassedOfRuns() {
        auto store = openStore(freshPath());
        const auto none = addRun(store);
        const auto passed = addRun(store);
        const auto failed = addRun(store);
        const auto noThresholds = addRun(store);
        QVERIFY(store.addRunMetrics(passed, test::metricsReport(3.0)).ok());
        QVERIFY(store.addRunMetrics(failed, test::metricsReport(3.0, true)).ok()); // one passes, one fails
        auto withoutThresholds = test::metricsReport(3.0);
        withoutThresholds.thresholds.clear();
        QVERIFY(store.addRunMetrics(noThresholds, withoutThresholds).ok());
        auto runs = store.listRuns();
        QVERIFY(runs.ok());
        QCOMPARE((*runs)[0].id, none);
        QCOMPARE((*runs)[0].thresholdsPassed, std::optional<bool>());
        QCOMPARE((*runs)[1].thresholdsPassed, std::optional<bool>(true));
        QCOMPARE((*runs)[2].thresholdsPassed, std::optional<bool>(false));
        QCOMPARE((*runs)[3].thresholdsPassed, std::optional<bool>());
        QCOMPARE(store.runRow(failed)->thresholdsPassed, std::optional<bool>(false));
    }

    void summaryInputsOfRuns() {
        auto store = openStore(freshPath());
        auto swept = test::runDescription(0, "rates");
        swept.sweep = test::sweepPoint(1, {{"rate", 20}});
        swept.repeat = 1;
        const auto first = addRun(store, swept);
        const auto second = addRun(store, test::runDescription(1, "cold"));
        const auto third = addRun(store);
        QVERIFY(store.finishRun(first, engine::RunStatus::Complete, "", test::fixedStart()).ok());
        QVERIFY(store.finishRun(second, engine::RunStatus::Failed, "deploy failed", test::fixedStart()).ok());
        QVERIFY(store.addRunMetrics(first, test::metricsReport(8.0, true)).ok());

        auto all = store.summaryInputs({});
        QVERIFY(all.ok());
        QCOMPARE(all->size(), std::size_t(3));
        const auto& a = (*all)[0];
        QCOMPARE(a.runId, first);
        QCOMPARE(a.scenario, std::string("rates"));
        QCOMPARE(a.scenarioType, std::string("warm-latency"));
        QCOMPARE(a.benchmark, std::string("010.sleep"));
        QCOMPARE(a.language, std::string("python"));
        QCOMPARE(a.status, std::string("complete"));
        QCOMPARE(a.sweepValues, (nlohmann::json{{"rate", 20}}));
        QCOMPARE(a.repeat, 1);
        QCOMPARE(a.metrics.size(), std::size_t(4));
        QCOMPARE(a.metrics[1].value, std::optional<double>(8.0));
        QCOMPARE(a.thresholds.size(), std::size_t(2));
        QCOMPARE((*all)[1].status, std::string("failed"));
        QVERIFY((*all)[1].sweepValues.is_object() && (*all)[1].sweepValues.empty());
        QCOMPARE((*all)[2].status, std::string("running"));

        auto some = store.summaryInputs({third, first, third}); // run id order, each once
        QVERIFY(some.ok());
        QCOMPARE(some->size(), std::size_t(2));
        QCOMPARE((*some)[0].runId, first);
        QCOMPARE((*some)[1].runId, third);
        auto unknown = store.summaryInputs({first, third + 100});
        QVERIFY(!unknown.ok());
        QVERIFY(QString::fromStdString(unknown.error().message).contains(QStringLiteral("no run with id")));
    }

    void migratesAnEmptyDatabase_data() {
        QTest::addColumn<bool>("zeroLengthFile");
        QTest::addRow("empty SQLite database") << false;
        QTest::addRow("zero-length file") << true;
    }
    void migratesAnEmptyDatabase() {
        QFETCH(bool, zeroLengthFile);
        const auto path = freshPath();
        if (zeroLengthFile) {
            QFile file(QString::fromStdString(path));
            QVERIFY(file.open(QIODevice::WriteOnly));
        } else {
            test::RawDb raw(path);
            QVERIFY(raw.exec("PRAGMA user_version = 0; VACUUM"));
        }
        auto store = ResultStore::open(path);
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        test::RawDb raw(path);
        QCOMPARE(raw.integer("PRAGMA user_version"), ResultStore::latestSchemaVersion());
        QVERIFY(store->listRuns().ok());
    }

    void reopeningKeepsData() {
        const auto path = freshPath();
        std::int64_t runId = 0;
        {
            auto store = openStore(path);
            runId = addRun(store);
        }
        auto store = openStore(path);
        QVERIFY(store.runRow(runId).ok());
        QCOMPARE(store.listRuns()->size(), std::size_t(1));
    }

    void refusesNewerSchema_data() {
        QTest::addColumn<bool>("readOnly");
        QTest::addRow("read-write") << false;
        QTest::addRow("read-only") << true;
    }
    void refusesNewerSchema() {
        QFETCH(bool, readOnly);
        const auto path = freshPath();
        { auto store = openStore(path); }
        {
            test::RawDb raw(path);
            QVERIFY(raw.exec("PRAGMA user_version = " + std::to_string(ResultStore::latestSchemaVersion() + 1)));
        }
        auto store = ResultStore::open(path, readOnly);
        QVERIFY(!store.ok());
        QCOMPARE(store.error().code, ErrorCode::InvalidInput);
        const auto message = QString::fromStdString(store.error().message);
        QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("newer")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("version %1").arg(ResultStore::latestSchemaVersion() + 1)),
                 qPrintable(message));
    }

    void refusesForeignDatabases() {
        const auto path = freshPath();
        {
            test::RawDb raw(path);
            QVERIFY(raw.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"));
        }
        auto store = ResultStore::open(path);
        QVERIFY(!store.ok());
        QVERIFY2(QString::fromStdString(store.error().message).contains(QStringLiteral("not a FaaS Workbench")),
                 store.error().message.c_str());
        test::RawDb raw(path);
        QCOMPARE(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'runs'"), 0);
    }

    void refusesFilesThatAreNotDatabases() {
        const auto path = freshPath();
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
        file.close();
        auto store = ResultStore::open(path);
        QVERIFY(!store.ok());
        QVERIFY2(QString::fromStdString(store.error().message).contains(QString::fromStdString(path)),
                 store.error().message.c_str());
    }

    void readOnlyOpen() {
        const auto missing = freshPath();
        auto absent = ResultStore::open(missing, true);
        QVERIFY(!absent.ok());
        QVERIFY(QString::fromStdString(absent.error().message).contains(QStringLiteral("does not exist")));
        QVERIFY(!QFile::exists(QString::fromStdString(missing)));

        const auto path = freshPath();
        {
            auto store = openStore(path);
            addRun(store);
        }
        auto reader = ResultStore::open(path, true);
        QVERIFY(reader.ok());
        QCOMPARE(reader->listRuns()->size(), std::size_t(1));
        QVERIFY(!reader->addExperiment("x", "y").ok());
    }

    void runRowsAndTimestamps() {
        auto store = openStore(freshPath());
        const auto runId = addRun(store);
        auto row = store.runRow(runId);
        QVERIFY(row.ok());
        QCOMPARE(row->experiment, std::string("quickstart"));
        QCOMPARE(row->scenario, std::string("warm"));
        QCOMPARE(row->scenarioType, std::string("warm-latency"));
        QCOMPARE(row->benchmark, std::string("010.sleep"));
        QCOMPARE(row->language, std::string("python"));
        QCOMPARE(row->platform, std::string("local"));
        QCOMPARE(row->status, engine::RunStatus::Running);
        QCOMPARE(row->startedAt, std::string("2024-05-01T12:00:00.250Z"));
        QVERIFY(row->finishedAt.empty());

        const auto finished = test::fixedStart() + std::chrono::seconds(42);
        QVERIFY(store.finishRun(runId, engine::RunStatus::Failed, "deploy timed out", finished).ok());
        row = store.runRow(runId);
        QCOMPARE(row->status, engine::RunStatus::Failed);
        QCOMPARE(row->finishedAt, std::string("2024-05-01T12:00:42.250Z"));
        QCOMPARE(row->message, std::string("deploy timed out"));

        QVERIFY(!store.runRow(runId + 100).ok());
        QVERIFY(!store.finishRun(runId + 100, engine::RunStatus::Complete, "", finished).ok());
    }

    void roundTripIntervals() {
        const auto path = freshPath();
        auto store = openStore(path);
        const auto runId = addRun(store);
        const std::vector<load::IntervalSnapshot> written{test::interval(0, {100, 200, 300}, true),
                                                          test::interval(1, {1000, 2000, 30000, 40000})};
        QVERIFY(store.appendIntervals(runId, written).ok());
        std::vector<load::IntervalSnapshot> read;
        QVERIFY(store
                    .forEachInterval(
                        runId, [&](const auto& i) { read.push_back(i); }, true)
                    .ok());
        QCOMPARE(read.size(), written.size());
        for (std::size_t n = 0; n < read.size(); ++n) {
            const auto& a = written[n];
            const auto& b = read[n];
            QCOMPARE(b.index, a.index);
            QCOMPARE(b.startMs, a.startMs);
            QCOMPARE(b.endMs, a.endMs);
            QCOMPARE(b.requests, a.requests);
            QCOMPARE(b.errors, a.errors);
            QVERIFY(b.errorsByKind == a.errorsByKind);
            QVERIFY(b.statusCounts == a.statusCounts);
            QCOMPARE(b.sent, a.sent);
            QCOMPARE(b.bytes, a.bytes);
            QCOMPARE(b.coldStarts, a.coldStarts);
            QCOMPARE(b.targetRate, a.targetRate);
            QCOMPARE(b.achievedRate, a.achievedRate);
            QCOMPARE(b.behind, a.behind);
            QCOMPARE(b.generatorSaturated, a.generatorSaturated);
            QCOMPARE(b.warmup, a.warmup);
            QCOMPARE(b.corrected.p50, a.corrected.p50);
            QCOMPARE(b.corrected.p999, a.corrected.p999);
            QCOMPARE(b.corrected.max, a.corrected.max);
            QCOMPARE(b.uncorrected.p90, a.uncorrected.p90);
            QCOMPARE(b.uncorrected.max, a.uncorrected.max);
            QVERIFY(b.latency && b.serviceTime);
            QVERIFY(sameCounts(*b.latency, *a.latency));
            QVERIFY(sameCounts(*b.serviceTime, *a.serviceTime));
        }
        // No responses, no latency: NULL percentiles in the database (a 0 would read as a 0 ms latency).
        auto idle = test::interval(2, {});
        QVERIFY(store.appendIntervals(runId, std::vector{idle}).ok());
        test::RawDb raw(path);
        QCOMPARE(raw.integer("SELECT count(*) FROM intervals WHERE idx = 2 AND p50_us IS NULL AND max_us IS NULL AND "
                             "svc_p50_us IS NULL AND svc_max_us IS NULL"),
                 1LL);
        auto withoutHistograms = store.intervals(runId);
        QVERIFY(withoutHistograms.ok());
        QCOMPARE(withoutHistograms->size(), std::size_t(3));
        QVERIFY(!withoutHistograms->front().latency);
    }

    void roundTripRequests() {
        auto store = openStore(freshPath());
        const auto runId = addRun(store);
        auto written = test::requests(1, 6);
        written[1].error = load::ErrorKind::ConnectRefused;
        written[1].status = 0;
        written[1].instance.clear();
        written[1].traceId.clear();
        written[2].error = load::ErrorKind::HttpStatus;
        written[2].status = 503;
        std::reverse(written.begin(), written.end()); // stored out of order, read back by seq
        QVERIFY(store.appendRequests(runId, written).ok());
        std::reverse(written.begin(), written.end());

        std::vector<load::RequestRecord> read;
        QVERIFY(store.forEachRequest(runId, [&](const load::RequestRecord& r) { read.push_back(r); }).ok());
        QCOMPARE(read.size(), written.size());
        for (std::size_t n = 0; n < read.size(); ++n) {
            const auto& a = written[n];
            const auto& b = read[n];
            QCOMPARE(b.seq, a.seq);
            QCOMPARE(b.intendedNs, a.intendedNs);
            QCOMPARE(b.sentNs, a.sentNs);
            QCOMPARE(b.dnsUs, a.dnsUs);
            QCOMPARE(b.connectUs, a.connectUs);
            QCOMPARE(b.tlsUs, a.tlsUs);
            QCOMPARE(b.ttfbUs, a.ttfbUs);
            QCOMPARE(b.totalUs, a.totalUs);
            QCOMPARE(b.latencyUs, a.latencyUs);
            QCOMPARE(b.status, a.status);
            QCOMPARE(b.bytes, a.bytes);
            QCOMPARE(b.error, a.error);
            QCOMPARE(b.cold, a.cold);
            QCOMPARE(b.instance, a.instance);
            QCOMPARE(b.traceId, a.traceId);
        }
        test::RawDb raw(store.path());
        QCOMPARE(raw.integer("SELECT count(*) FROM requests WHERE cold IS NULL"), 2);
        QCOMPARE(raw.integer("SELECT count(*) FROM requests WHERE status IS NULL AND instance IS NULL"), 1);
        QCOMPARE(raw.text("SELECT error FROM requests WHERE seq = 3"), std::string("http_status"));
    }

    void roundTripScaleEventsWithUnknownCounts() {
        auto store = openStore(freshPath());
        const auto runId = addRun(store);
        std::vector<platform::ScaleSample> written(2);
        written[0] = {500, "sleep-00001", 3, 1, 1, 2, 0, false};
        written[1].tMs = 1500;
        written[1].revision = "sleep-00001";
        written[1].desired = 5; // the rest unknown
        QVERIFY(store.appendScale(runId, written).ok());
        auto read = store.scaleEvents(runId);
        QVERIFY(read.ok());
        QCOMPARE(read->size(), std::size_t(2));
        QCOMPARE((*read)[0].actual, std::optional<int>(1));
        QCOMPARE((*read)[0].pending, std::optional<int>(2));
        QCOMPARE((*read)[0].terminating, std::optional<int>(0));
        QCOMPARE((*read)[0].panic, std::optional<bool>(false));
        QCOMPARE((*read)[1].tMs, std::int64_t(1500));
        QCOMPARE((*read)[1].desired, std::optional<int>(5));
        QVERIFY(!(*read)[1].actual && !(*read)[1].ready && !(*read)[1].pending && !(*read)[1].terminating);
        QVERIFY(!(*read)[1].panic);
        test::RawDb raw(store.path());
        QCOMPARE(raw.integer("SELECT count(*) FROM scale_events WHERE actual IS NULL AND ready IS NULL AND "
                             "pending IS NULL AND terminating IS NULL AND panic IS NULL"),
                 1);
    }

    void roundTripPodMetricsAndSpans() {
        auto store = openStore(freshPath());
        const auto runId = addRun(store);
        const std::vector<platform::PodMetricsSample> pods{{100, "pod-a", 250.5, 64 << 20},
                                                           {200, "pod-b", std::nullopt, std::nullopt}};
        QVERIFY(store.appendPodMetrics(runId, pods).ok());
        const std::vector<trace::Span> spans{
            {"t1", "s1", "", "gateway", "get /", "SERVER", 1'700'000'000'000'000, 1200, {{"http.status", "200"}}},
            {"t1", "s2", "s1", "function", "invoke", "", 1'700'000'000'000'100, 900, {}}};
        QVERIFY(store.appendSpans(runId, spans).ok());

        auto readPods = store.podMetrics(runId);
        QVERIFY(readPods.ok());
        QCOMPARE(readPods->size(), std::size_t(2));
        QCOMPARE((*readPods)[0].pod, std::string("pod-a"));
        QCOMPARE((*readPods)[0].cpuMillicores, std::optional<double>(250.5));
        QCOMPARE((*readPods)[0].memoryBytes, std::optional<std::int64_t>(64 << 20));
        QVERIFY(!(*readPods)[1].cpuMillicores && !(*readPods)[1].memoryBytes);

        auto readSpans = store.spans(runId);
        QVERIFY(readSpans.ok());
        QCOMPARE(readSpans->size(), std::size_t(2));
        QCOMPARE((*readSpans)[0].service, std::string("gateway"));
        QCOMPARE((*readSpans)[0].startUs, spans[0].startUs);
        QCOMPARE((*readSpans)[0].tags, spans[0].tags);
        QCOMPARE((*readSpans)[1].parentId, std::string("s1"));
        QVERIFY((*readSpans)[1].tags.empty());
    }

    void mergedHistogramEqualsMergeOfInputs() {
        auto store = openStore(freshPath());
        const auto runId = addRun(store);
        std::mt19937_64 random(42);
        std::vector<load::IntervalSnapshot> intervals;
        for (int i = 0; i < 5; ++i)
            intervals.push_back(test::interval(i, randomLatencies(random, 2000), i < 2));
        QVERIFY(store.appendIntervals(runId, intervals).ok());

        load::LatencyHistogram measured, all, measuredService;
        for (const auto& i : intervals) {
            all.merge(*i.latency);
            if (!i.warmup) {
                measured.merge(*i.latency);
                measuredService.merge(*i.serviceTime);
            }
        }
        auto merged = store.mergedHistogram(runId);
        QVERIFY(merged.ok());
        QCOMPARE(merged->totalCount(), std::int64_t(6000));
        QVERIFY(sameCounts(*merged, measured));
        QCOMPARE(merged->valueAtPercentile(99.0), measured.valueAtPercentile(99.0));
        auto withWarmup = store.mergedHistogram(runId, false);
        QVERIFY(withWarmup.ok() && sameCounts(*withWarmup, all));
        auto service = store.mergedHistogram(runId, true, LatencyKind::ServiceTime);
        QVERIFY(service.ok() && sameCounts(*service, measuredService));

        const auto empty = addRun(store);
        QCOMPARE(store.mergedHistogram(empty)->totalCount(), std::int64_t(0));
        QVERIFY(!store.mergedHistogram(runId + 100).ok());
    }

    void runSummaryNumbers() {
        auto store = openStore(freshPath());
        const auto runId = addRun(store);
        const std::vector<load::IntervalSnapshot> intervals{
            test::interval(0, {50'000, 60'000}, true), // warm-up: excluded, although it holds the largest values
            test::interval(1, {1000, 1000, 1000, 2000}), test::interval(2, {1000, 1500, 1800, 1900, 1200, 1100})};
        QVERIFY(store.appendIntervals(runId, intervals).ok());
        auto summary = store.runSummary(runId);
        QVERIFY(summary.ok());
        QCOMPARE(summary->requests, std::uint64_t(10));
        QCOMPARE(summary->errors, std::uint64_t(2));
        QCOMPARE(summary->coldStarts, std::uint64_t(0)); // the only cold start was in the warm-up
        QCOMPARE(summary->durationSeconds, 2.0);
        QCOMPARE(summary->achievedRps, 5.0);
        QCOMPARE(summary->p50Ms, 1.1); // values below 2048 us are exact at 3 significant digits
        QCOMPARE(summary->p90Ms, 1.9);
        QCOMPARE(summary->p99Ms, 2.0);
        QCOMPARE(summary->p999Ms, 2.0);
        QCOMPARE(summary->maxMs, 2.0);

        auto empty = store.runSummary(addRun(store));
        QVERIFY(empty.ok());
        QCOMPARE(empty->requests, std::uint64_t(0));
        QCOMPARE(empty->achievedRps, 0.0);
    }

    void listRuns() {
        auto store = openStore(freshPath());
        const auto first = addRun(store);
        const auto second = addRun(store, test::runDescription(1, "cold"));
        QVERIFY(store
                    .appendIntervals(first, std::vector{test::interval(0, {100}, true), test::interval(1, {1, 2, 3}),
                                                        test::interval(2, {4, 5, 6})})
                    .ok());
        QVERIFY(store.finishRun(first, engine::RunStatus::Complete, "", test::fixedStart()).ok());
        QVERIFY(store.addDroppedRequests(second, 7).ok());
        QVERIFY(store.addDroppedRequests(second, 3).ok());

        auto runs = store.listRuns();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), std::size_t(2));
        const auto& a = (*runs)[0];
        QCOMPARE(a.id, first);
        QCOMPARE(a.experiment, std::string("quickstart"));
        QCOMPARE(a.status, engine::RunStatus::Complete);
        QCOMPARE(a.requests, std::uint64_t(6));
        QCOMPARE(a.errors, std::uint64_t(2));
        QCOMPARE(a.achievedRps, 3.0);
        QVERIFY(a.message.empty());
        const auto& b = (*runs)[1];
        QCOMPARE(b.id, second);
        QCOMPARE(b.scenario, std::string("cold"));
        QCOMPARE(b.status, engine::RunStatus::Running);
        QCOMPARE(b.requests, std::uint64_t(0));
        QCOMPARE(b.requestsDropped, std::uint64_t(10));
        QVERIFY(b.finishedAt.empty());
    }

    void deleteRunCascades() {
        auto store = openStore(freshPath());
        const auto doomed = addRun(store);
        const auto kept = addRun(store);
        for (const auto runId : {doomed, kept}) {
            QVERIFY(store.appendIntervals(runId, std::vector{test::interval(0, {100, 200})}).ok());
            QVERIFY(store.appendRequests(runId, test::requests(0, 10)).ok());
            QVERIFY(store.appendScale(runId, std::vector{platform::ScaleSample{0, "r", 1, 1, 1, {}, {}, {}}}).ok());
            QVERIFY(store.appendPodMetrics(runId, std::vector{platform::PodMetricsSample{0, "p", 1.0, 2}}).ok());
            QVERIFY(store.appendSpans(runId, std::vector{trace::Span{"t", "s", "", "svc", "n", "", 1, 2, {}}}).ok());
            QVERIFY(store.addRunMetrics(runId, test::metricsReport(1.0)).ok());
        }
        QVERIFY(store.deleteRun(doomed).ok());
        test::RawDb raw(store.path());
        for (const char* table :
             {"intervals", "requests", "scale_events", "spans", "pod_metrics", "run_metrics", "run_thresholds"}) {
            QVERIFY2(raw.integer(std::string("SELECT count(*) FROM ") + table +
                                 " WHERE run_id = " + std::to_string(doomed)) == 0,
                     table);
            QVERIFY2(raw.integer(std::string("SELECT count(*) FROM ") + table +
                                 " WHERE run_id = " + std::to_string(kept)) > 0,
                     table);
        }
        QVERIFY(!store.runRow(doomed).ok());
        QCOMPARE(store.listRuns()->size(), std::size_t(1));
        const auto again = store.deleteRun(doomed);
        QVERIFY(!again.ok());
        QVERIFY(QString::fromStdString(again.error().message).contains(QStringLiteral("no run with id")));
    }

    void transactionsRollBack() {
        auto store = openStore(freshPath());
        const auto runId = addRun(store);
        const auto failed = store.inTransaction([&]() -> Status {
            if (auto appended = store.appendRequests(runId, test::requests(0, 5)); !appended)
                return appended;
            return internalError("changed my mind");
        });
        QVERIFY(!failed.ok());
        std::size_t count = 0;
        QVERIFY(store.forEachRequest(runId, [&](const auto&) { ++count; }).ok());
        QCOMPARE(count, std::size_t(0));
    }

    void abandonedRunsBecomeIncomplete() {
        const auto path = freshPath();
        std::int64_t ours = 0, abandoned = 0, elsewhere = 0, finished = 0;
        const pid_t gone = deadPid();
        {
            auto store = openStore(path);
            ours = addRun(store);
            abandoned = addRun(store);
            elsewhere = addRun(store);
            finished = addRun(store);
            QVERIFY(store.finishRun(finished, engine::RunStatus::Complete, "", test::fixedStart()).ok());
        }
        {
            test::RawDb raw(path);
            QVERIFY(raw.exec("UPDATE runs SET owner_pid = " + std::to_string(gone) + " WHERE id IN (" +
                             std::to_string(abandoned) + ", " + std::to_string(elsewhere) + ", " +
                             std::to_string(finished) + ")"));
            QVERIFY(raw.exec("UPDATE runs SET owner_host = 'another-host' WHERE id = " + std::to_string(elsewhere)));
        }
        {
            // A read-only open reports the run as incomplete without writing it.
            auto reader = ResultStore::open(path, true);
            QCOMPARE(reader->runRow(abandoned)->status, engine::RunStatus::Incomplete);
            QCOMPARE(reader->runRow(ours)->status, engine::RunStatus::Running);
            test::RawDb raw(path);
            QCOMPARE(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(abandoned)),
                     std::string("running"));
        }
        auto store = openStore(path);
        QCOMPARE(store.runRow(ours)->status, engine::RunStatus::Running); // this test process is alive
        QCOMPARE(store.runRow(elsewhere)->status, engine::RunStatus::Running);
        QCOMPARE(store.runRow(finished)->status, engine::RunStatus::Complete);
        const auto row = store.runRow(abandoned);
        QCOMPARE(row->status, engine::RunStatus::Incomplete);
        QVERIFY2(QString::fromStdString(row->message).contains(QStringLiteral("pid %1").arg(gone)),
                 row->message.c_str());
        test::RawDb raw(path);
        QCOMPARE(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(abandoned)),
                 std::string("incomplete"));
    }

    void integrityCheck() {
        auto store = openStore(freshPath());
        addRun(store);
        QVERIFY(store.checkIntegrity().ok());
    }

    void movedStoreStillWorks() {
        auto store = openStore(freshPath());
        ResultStore moved = std::move(store);
        const auto runId = addRun(moved);
        QVERIFY(moved.appendRequests(runId, test::requests(0, 3)).ok());
        QCOMPARE(moved.listRuns()->size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestResultStore)
#include "tst_result_store.moc"
