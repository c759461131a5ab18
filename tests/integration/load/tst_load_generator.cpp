#include "load/load_generator.h"
#include "testutils.h"

#include <QtTest>
#include <arpa/inet.h>
#include <functional>
#include <future>
#include <mutex>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace faaswb;
using namespace faaswb::load;
using namespace std::chrono_literals;

namespace {

// Keeps everything the generator publishes. Called on the collector thread; read after run() returned.
class CollectingSink final : public LoadSink {
public:
    std::function<void(const IntervalSnapshot&)> onSnapshot;

    void onInterval(const IntervalSnapshot& snapshot, std::vector<RequestRecord>&& requests) override {
        std::lock_guard lock(m_mutex);
        snapshots.push_back(snapshot);
        records.insert(records.end(), std::make_move_iterator(requests.begin()),
                       std::make_move_iterator(requests.end()));
        if (onSnapshot)
            onSnapshot(snapshot);
    }

    std::uint64_t sent() const {
        std::uint64_t total = 0;
        for (const auto& snapshot : snapshots)
            total += snapshot.sent;
        return total;
    }

    std::vector<IntervalSnapshot> snapshots;
    std::vector<RequestRecord> records;

private:
    std::mutex m_mutex;
};

std::unique_ptr<test::ServerProcess> startTarget(QStringList args = {}) {
    args.prepend(QStringLiteral("0"));
    args.prepend(QStringLiteral("--port"));
    return test::ServerProcess::start(test::binaryPath(QStringLiteral("faaswb-target")), args);
}

RequestSpec requestTo(const test::ServerProcess& server, const QString& path = QStringLiteral("/")) {
    RequestSpec request;
    request.url = (server.baseUrl() + path).toStdString();
    request.timeout = 5000ms;
    return request;
}

LoadOptions options(int threads = 1, int connections = 0) {
    LoadOptions result;
    result.threads = threads;
    result.connections = connections;
    return result;
}

LoadModel fixedCount(int users, std::uint64_t requests) {
    LoadModel model = LoadModel::virtualUsers(users, Nanos{0});
    model.maxRequests = requests;
    return model;
}

Result<LoadSummary> runLoad(const RequestSpec& request, const LoadModel& model, const LoadOptions& opts,
                            CollectingSink& sink) {
    LoadGenerator generator(request, model, opts);
    CancellationToken cancel;
    return generator.run(sink, cancel);
}

// A loopback port nobody listens on: bind one, note it, close it.
int unusedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool bound = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                       ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    if (fd >= 0)
        ::close(fd);
    return bound ? ntohs(address.sin_port) : 0;
}

std::uint64_t errorsOf(const LoadSummary& summary, ErrorKind kind) {
    return summary.errorsByKind[static_cast<std::size_t>(kind)];
}

} // namespace

class TestLoadGenerator : public QObject {
    Q_OBJECT
private slots:
    void constantRateKeepsSchedule() {
        auto server = startTarget();
        QVERIFY(server);
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), LoadModel::constantRate(500, 2s), options(2), sink);
        QVERIFY2(summary.ok(), summary.ok() ? "" : summary.error().message.c_str());
        QVERIFY2(summary->requests >= 980 && summary->requests <= 1020, qPrintable(QString::number(summary->requests)));
        QCOMPARE(summary->errors, std::uint64_t(0));
        QCOMPARE(sink.sent(), summary->requests);
        QCOMPARE(summary->latency.totalCount(), std::int64_t(summary->requests));
        QVERIFY(std::abs(summary->targetRate - 500) < 1e-6);
        QVERIFY(std::abs(summary->achievedRate - 500) < 25);
        QVERIFY(!summary->generatorSaturated);
        checkIntervals(sink, 500);
    }

    void closedLoopSendsExactCount() {
        auto server = startTarget();
        QVERIFY(server);
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), fixedCount(8, 2000), options(2), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->requests, std::uint64_t(2000));
        QCOMPARE(summary->errors, std::uint64_t(0));
        QCOMPARE(sink.sent(), std::uint64_t(2000));
        QCOMPARE(sink.records.size(), std::size_t(2000));
        std::set<std::uint64_t> seqs;
        for (const auto& record : sink.records)
            seqs.insert(record.seq);
        QCOMPARE(seqs.size(), std::size_t(2000));
        QCOMPARE(summary->targetRate, 0.0);
        QVERIFY(!summary->cancelled);
    }

    void thinkTimePacesVirtualUsers() {
        auto server = startTarget();
        QVERIFY(server);
        CollectingSink sink;
        const auto model = LoadModel::virtualUsers(2, 1s, 100ms);
        const auto summary = runLoad(requestTo(*server), model, options(), sink);
        QVERIFY(summary.ok());
        // Each user: request (~0 ms) + 100 ms think, for 1 s: about 10 requests each.
        QVERIFY2(summary->requests >= 16 && summary->requests <= 22, qPrintable(QString::number(summary->requests)));
    }

    void poissonOpenLoopKeepsMeanRate() {
        auto server = startTarget();
        QVERIFY(server);
        LoadModel model = LoadModel::constantRate(400, 1s);
        std::get<OpenLoop>(model.shape).poisson = true;
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), model, options(2), sink);
        QVERIFY(summary.ok());
        // Poisson(400): sigma = 20; the seed is fixed, so this is repeatable as well as within 5 sigma.
        QVERIFY2(summary->requests >= 300 && summary->requests <= 500, qPrintable(QString::number(summary->requests)));
        QCOMPARE(summary->errors, std::uint64_t(0));
    }

    void httpErrorStatusIsCounted() {
        auto server = startTarget({QStringLiteral("--status"), QStringLiteral("503")});
        QVERIFY(server);
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), fixedCount(2, 50), options(), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->errors, std::uint64_t(50));
        QCOMPARE(errorsOf(*summary, ErrorKind::HttpStatus), std::uint64_t(50));
        std::uint64_t status503 = 0;
        for (const auto& snapshot : sink.snapshots)
            status503 += snapshot.statusCounts.count(503) ? snapshot.statusCounts.at(503) : 0;
        QCOMPARE(status503, std::uint64_t(50));
        QCOMPARE(sink.records.front().status, 503);
        QCOMPARE(sink.records.front().error, ErrorKind::HttpStatus);
    }

    void delayShowsInLatency() {
        auto server = startTarget({QStringLiteral("--delay-ms"), QStringLiteral("20")});
        QVERIFY(server);
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), fixedCount(4, 40), options(), sink);
        QVERIFY(summary.ok());
        const auto p50 = summary->latency.valueAtPercentile(50);
        QVERIFY2(p50 >= 20'000 && p50 < 200'000, qPrintable(QString::number(p50)));
        for (const auto& record : sink.records)
            QVERIFY(record.ttfbUs >= 20'000 && record.totalUs >= record.ttfbUs);
    }

    // A counted drive waits for the answer to every request it sent, up to the request timeout: a last request
    // slower than the 2 s drain grace (a cold start) used to be cut off and vanish from the results.
    void countedDriveWaitsForItsLastAnswer() {
        auto server = startTarget({QStringLiteral("--delay-ms"), QStringLiteral("2600")});
        QVERIFY(server);
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), fixedCount(1, 1), options(), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->requests, std::uint64_t(1));
        QCOMPARE(summary->errors, std::uint64_t(0));
        QCOMPARE(sink.records.size(), std::size_t(1));
    }

    void connectionRefused() {
        const int port = unusedPort();
        QVERIFY(port > 0);
        RequestSpec request;
        request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
        CollectingSink sink;
        const auto summary = runLoad(request, LoadModel::constantRate(40, 500ms), options(), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->requests, std::uint64_t(20));
        QCOMPARE(errorsOf(*summary, ErrorKind::ConnectRefused), std::uint64_t(20));
        QCOMPARE(sink.records.front().status, 0);
    }

    void connectionReset() {
        auto server = startTarget({QStringLiteral("--reset")});
        QVERIFY(server);
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), fixedCount(2, 20), options(), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->requests, std::uint64_t(20));
        QCOMPARE(errorsOf(*summary, ErrorKind::Reset), std::uint64_t(20));
    }

    void timeoutEndsPromptly() {
        auto server = startTarget({QStringLiteral("--delay-ms"), QStringLiteral("2000")});
        QVERIFY(server);
        RequestSpec request = requestTo(*server);
        request.timeout = 200ms;
        CollectingSink sink;
        const auto started = std::chrono::steady_clock::now();
        const auto summary = runLoad(request, LoadModel::virtualUsers(2, 1s), options(), sink);
        const auto elapsed = std::chrono::steady_clock::now() - started;
        QVERIFY(summary.ok());
        QVERIFY(summary->requests >= 8);
        QCOMPARE(errorsOf(*summary, ErrorKind::Timeout), summary->requests);
        // 1 s of load, then at most the 200 ms timeout for the requests in flight.
        QVERIFY2(elapsed < 1600ms, qPrintable(QString::number(elapsed / 1ms)));
        for (const auto& record : sink.records)
            QVERIFY(record.totalUs >= 190'000 && record.totalUs < 400'000);
    }

    // Requests still unanswered when the drain's grace period (2 s) ends are cut off: they have no latency and are
    // no error, but the summary must say how many there were, or a run against a stalled target looks clean.
    void unansweredRequestsAtTheEndAreCountedAsAborted() {
        auto server = startTarget({QStringLiteral("--delay-ms"), QStringLiteral("6000")});
        QVERIFY(server);
        RequestSpec request = requestTo(*server);
        request.timeout = 10'000ms;
        CollectingSink sink;
        const auto summary = runLoad(request, LoadModel::virtualUsers(2, 300ms), options(), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->requests, std::uint64_t(0));
        QCOMPARE(summary->errors, std::uint64_t(0));
        QCOMPARE(summary->sent, std::uint64_t(2));
        QCOMPARE(summary->aborted(), std::uint64_t(2));
        QCOMPARE(sink.sent(), std::uint64_t(2));
    }

    void tooLargeBody() {
        auto server = startTarget({QStringLiteral("--body-size"), QStringLiteral("2000000")});
        QVERIFY(server);
        RequestSpec request = requestTo(*server);
        request.maxResponseBytes = 1000;
        CollectingSink sink;
        const auto summary = runLoad(request, fixedCount(1, 5), options(), sink);
        QVERIFY(summary.ok());
        QCOMPARE(errorsOf(*summary, ErrorKind::TooLarge), std::uint64_t(5));
    }

    void bodyWithinLimitIsCounted() {
        auto server = startTarget({QStringLiteral("--body-size"), QStringLiteral("100000")});
        QVERIFY(server);
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), fixedCount(2, 10), options(), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->errors, std::uint64_t(0));
        QCOMPARE(summary->bytes, std::uint64_t(1'000'000));
    }

    void instanceColdAndTraceHeadersRecorded() {
        auto server = startTarget(
            {QStringLiteral("--instance-header"), QStringLiteral("inst-7"), QStringLiteral("--cold-first")});
        QVERIFY(server);
        LoadOptions opts = options();
        opts.sendTraceHeaders = true;
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), fixedCount(1, 5), opts, sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->coldStarts, std::uint64_t(1));
        QCOMPARE(sink.records.size(), std::size_t(5));
        std::set<std::string> traceIds;
        int cold = 0;
        for (const auto& record : sink.records) {
            QCOMPARE(record.instance, std::string("inst-7"));
            QVERIFY(record.cold.has_value());
            cold += *record.cold;
            QCOMPARE(record.traceId.size(), std::size_t(32));
            QVERIFY(record.traceId.find_first_not_of("0123456789abcdef") == std::string::npos);
            traceIds.insert(record.traceId);
        }
        QCOMPARE(cold, 1);
        QCOMPARE(traceIds.size(), std::size_t(5));
    }

    void recordsAreCappedAndHeadersOptional() {
        auto server = startTarget();
        QVERIFY(server);
        LoadOptions opts = options(2);
        opts.maxRequestRecords = 7;
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), fixedCount(4, 100), opts, sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->requests, std::uint64_t(100));
        QCOMPARE(sink.records.size(), std::size_t(7));
        QVERIFY(!sink.records.front().cold.has_value());
        QVERIFY(sink.records.front().instance.empty() && sink.records.front().traceId.empty());
    }

    void postBodyIsSent() {
        auto server = startTarget({QStringLiteral("--echo")});
        QVERIFY(server);
        RequestSpec request = requestTo(*server);
        request.method = "POST";
        request.body = "hello, target";
        request.headers = {{"Content-Type", "text/plain"}};
        CollectingSink sink;
        const auto summary = runLoad(request, fixedCount(2, 10), options(), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->errors, std::uint64_t(0));
        QCOMPARE(summary->bytes, std::uint64_t(10 * request.body.size()));
    }

    void reconnectsWhenServerCloses() {
        auto server = startTarget({QStringLiteral("--close-after"), QStringLiteral("1")});
        QVERIFY(server);
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), fixedCount(2, 50), options(), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->requests, std::uint64_t(50));
        QCOMPARE(summary->errors, std::uint64_t(0));
    }

    // One connection against a server that stalls 0.4 s of every second: the requests queued behind the stalled
    // one are late only by the generator's own waiting, which the uncorrected latency does not see.
    void stallShowsCoordinatedOmission() {
        auto server = startTarget({QStringLiteral("--stall-every"), QStringLiteral("1"), QStringLiteral("--stall-for"),
                                   QStringLiteral("0.4")});
        QVERIFY(server);
        CollectingSink sink;
        const auto summary = runLoad(requestTo(*server), LoadModel::constantRate(200, 2s), options(1, 1), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->errors, std::uint64_t(0));
        const auto corrected = summary->latency.valueAtPercentile(99);
        const auto uncorrected = summary->serviceTime.valueAtPercentile(99);
        qInfo("p99 corrected %lld us, uncorrected %lld us", static_cast<long long>(corrected),
              static_cast<long long>(uncorrected));
        QVERIFY(corrected >= 200'000);
        QVERIFY(corrected > 10 * uncorrected);
        QVERIFY(summary->generatorSaturated);
    }

    void cancellationStopsQuicklyAndKeepsPartialIntervals() {
        auto server = startTarget();
        QVERIFY(server);
        CollectingSink sink;
        LoadOptions opts = options(2);
        opts.interval = 200ms;
        LoadGenerator generator(requestTo(*server), LoadModel::virtualUsers(4, 30s), opts);
        CancellationToken cancel;
        std::promise<void> firstSnapshot;
        sink.onSnapshot = [&, once = std::make_shared<std::once_flag>()](const IntervalSnapshot&) {
            std::call_once(*once, [&] { firstSnapshot.set_value(); });
        };
        std::chrono::steady_clock::time_point cancelledAt;
        std::thread canceller([&, ready = firstSnapshot.get_future()]() mutable {
            ready.wait();
            cancelledAt = std::chrono::steady_clock::now();
            cancel.cancel();
        });
        const auto summary = generator.run(sink, cancel);
        const auto returnedAt = std::chrono::steady_clock::now();
        canceller.join();
        QVERIFY(summary.ok());
        QVERIFY(summary->cancelled);
        QVERIFY2(returnedAt - cancelledAt < 1s, qPrintable(QString::number((returnedAt - cancelledAt) / 1ms)));
        QVERIFY(sink.snapshots.size() >= 2);
        QVERIFY(sink.snapshots.back().endMs < 5000);
        std::uint64_t requests = 0;
        for (const auto& snapshot : sink.snapshots)
            requests += snapshot.requests;
        QCOMPARE(requests, summary->requests);
        QVERIFY(summary->requests > 0);
        // The 4 virtual users each had a request in flight at the cancel: aborted, not lost from the books.
        QCOMPARE(summary->sent, sink.sent());
        QCOMPARE(summary->aborted(), summary->sent - summary->requests);
    }

    void http2OptionOverCleartextFallsBackToHttp1() {
        auto server = startTarget();
        QVERIFY(server);
        RequestSpec request = requestTo(*server);
        request.httpVersion = HttpVersion::Http2; // h2 over TLS only; http:// URLs stay on HTTP/1.1
        CollectingSink sink;
        const auto summary = runLoad(request, fixedCount(2, 20), options(), sink);
        QVERIFY(summary.ok());
        QCOMPARE(summary->errors, std::uint64_t(0));
    }

    void h2cPriorKnowledge() {
        QSKIP("faaswb-target speaks HTTP/1.1 only (Boost.Beast has no HTTP/2), so there is no h2c server to test "
              "HttpVersion::Http2PriorKnowledge against");
    }

    void invalidSetupIsAnError_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<int>("users");
        QTest::addRow("no scheme") << "127.0.0.1:1/" << 1;
        QTest::addRow("ftp") << "ftp://127.0.0.1/" << 1;
        QTest::addRow("no users") << "http://127.0.0.1:1/" << 0;
    }
    void invalidSetupIsAnError() {
        QFETCH(QString, url);
        QFETCH(int, users);
        RequestSpec request;
        request.url = url.toStdString();
        CollectingSink sink;
        const auto summary = runLoad(request, fixedCount(users, 1), options(), sink);
        QVERIFY(!summary.ok());
        QCOMPARE(summary.error().code, ErrorCode::InvalidInput);
        QVERIFY(sink.snapshots.empty());
    }

    void openLoopWithoutDurationIsAnError() {
        RequestSpec request;
        request.url = "http://127.0.0.1:1/";
        CollectingSink sink;
        const auto summary = runLoad(request, LoadModel::constantRate(100, Nanos{0}), options(), sink);
        QVERIFY(!summary.ok());
        QCOMPARE(summary.error().code, ErrorCode::InvalidInput);
    }

private:
    static void checkIntervals(const CollectingSink& sink, double rate) {
        QCOMPARE(sink.snapshots.size(), std::size_t(2));
        for (std::size_t i = 0; i < sink.snapshots.size(); ++i) {
            const auto& snapshot = sink.snapshots[i];
            QCOMPARE(snapshot.index, int(i));
            QCOMPARE(snapshot.startMs, i == 0 ? std::int64_t(0) : sink.snapshots[i - 1].endMs);
            QVERIFY(std::abs(snapshot.targetRate - rate) < rate * 0.02);
            QVERIFY2(std::abs(snapshot.achievedRate - rate) < rate * 0.1,
                     qPrintable(QString::number(snapshot.achievedRate)));
            QCOMPARE(snapshot.errors, std::uint64_t(0));
            QVERIFY(snapshot.latency && snapshot.latency->totalCount() == std::int64_t(snapshot.requests));
            QVERIFY(snapshot.corrected.p50 > 0 && snapshot.corrected.p50 <= snapshot.corrected.p99);
            QVERIFY(snapshot.uncorrected.p99 <= snapshot.corrected.max);
            QVERIFY(!snapshot.generatorSaturated);
        }
        QVERIFY(sink.snapshots.back().endMs >= 2000);
    }
};

QTEST_GUILESS_MAIN(TestLoadGenerator)
#include "tst_load_generator.moc"
