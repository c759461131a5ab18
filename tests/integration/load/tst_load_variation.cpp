// Per-request variation (RequestSpec::variation) and explicit arrivals (OpenLoop::arrivals) against faaswb-target:
// every index is prepared once, each request's body and headers reach the server, responses come back to the
// variation, prepare() = false ends the drive, and explicit arrivals are sent at their times.
#include "load/load_generator.h"
#include "testutils.h"

#include <QtTest>
#include <algorithm>
#include <map>
#include <mutex>

using namespace faaswb;
using namespace faaswb::load;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;
using Times = std::vector<Nanos>;

class RecordsSink final : public LoadSink {
public:
    void onInterval(const IntervalSnapshot& snapshot, std::vector<RequestRecord>&& requests) override {
        sent += snapshot.sent;
        records.insert(records.end(), std::make_move_iterator(requests.begin()),
                       std::make_move_iterator(requests.end()));
    }
    std::uint64_t sent = 0;
    std::vector<RequestRecord> records;
};

struct Response {
    int status = 0;
    ErrorKind error = ErrorKind::None;
    std::string body;
};

// Request i carries body "payload-i" and header "X-Index: i" (plus an empty-valued one); stops at `limit`.
class IndexedVariation final : public RequestVariation {
public:
    IndexedVariation(std::uint64_t limit, bool keepBodies)
        : m_limit(limit)
        , m_keepBodies(keepBodies) {}

    bool prepare(std::uint64_t index, std::string& body,
                 std::vector<std::pair<std::string, std::string>>& headers) override {
        std::lock_guard lock(m_mutex);
        ++prepared[index];
        if (index >= m_limit)
            return false;
        preparedAt[index] = Clock::now();
        body = "payload-" + std::to_string(index);
        headers.emplace_back("X-Index", std::to_string(index));
        headers.emplace_back("X-Empty", "");
        return true;
    }
    bool wantsResponses() const override { return m_keepBodies; }
    void onResponse(std::uint64_t index, int status, ErrorKind error, std::string_view body) override {
        std::lock_guard lock(m_mutex);
        responses.emplace(index, Response{status, error, std::string(body)});
    }

    std::map<std::uint64_t, int> prepared; // index -> prepare() calls
    std::map<std::uint64_t, Clock::time_point> preparedAt;
    std::multimap<std::uint64_t, Response> responses;

private:
    std::mutex m_mutex;
    std::uint64_t m_limit;
    bool m_keepBodies;
};

std::unique_ptr<test::ServerProcess> startTarget(QStringList args) {
    args << QStringLiteral("--port") << QStringLiteral("0");
    return test::ServerProcess::start(test::binaryPath(QStringLiteral("faaswb-target")), args);
}

RequestSpec variedRequest(const test::ServerProcess& server, std::shared_ptr<RequestVariation> variation) {
    RequestSpec request;
    request.url = (server.baseUrl() + QStringLiteral("/fn")).toStdString();
    request.method = "POST";
    request.headers = {{"X-Fixed", "yes"}};
    request.timeout = 5000ms;
    request.variation = std::move(variation);
    return request;
}

LoadOptions threads(int count) {
    LoadOptions options;
    options.threads = count;
    options.interval = 100ms;
    return options;
}

Result<LoadSummary> drive(const RequestSpec& request, const LoadModel& model, const LoadOptions& options,
                          RecordsSink& sink) {
    LoadGenerator generator(request, model, options);
    CancellationToken cancel;
    return generator.run(sink, cancel);
}

LoadModel closedLoop(int users, Nanos duration) {
    return LoadModel::virtualUsers(users, duration);
}

// Every index below `limit` prepared exactly once; at most one refused call per worker at or above it.
void verifyIndicesOnce(const IndexedVariation& variation, std::uint64_t limit, int workers) {
    int refused = 0;
    for (const auto& [index, calls] : variation.prepared) {
        QCOMPARE(calls, 1);
        refused += index >= limit ? 1 : 0;
    }
    for (std::uint64_t index = 0; index < limit; ++index)
        QVERIFY2(variation.prepared.count(index) == 1, qPrintable(QStringLiteral("index %1 unused").arg(index)));
    QVERIFY(refused >= 1);
    QVERIFY(refused <= workers);
}

} // namespace

Q_DECLARE_METATYPE(Times)

class TestLoadVariation : public QObject {
    Q_OBJECT
private slots:
    void closedLoopBodiesAndHeadersReachTheServer() {
        auto server = startTarget({QStringLiteral("--echo-request")});
        QVERIFY(server);
        auto variation = std::make_shared<IndexedVariation>(120, true);
        LoadOptions options = threads(3);
        options.sendTraceHeaders = true; // the extra headers also follow the per-transfer trace headers
        RecordsSink sink;
        const auto summary = drive(variedRequest(*server, variation), closedLoop(6, 20s), options, sink);
        QVERIFY2(summary, summary ? "" : summary.error().message.c_str());
        QVERIFY2(summary->elapsedSeconds < 10, "prepare() = false did not end the closed loop");
        QCOMPARE(summary->requests, std::uint64_t(120));
        QCOMPARE(summary->errors, std::uint64_t(0));
        verifyIndicesOnce(*variation, 120, 3);
        QCOMPARE(variation->responses.size(), std::size_t(120));
        for (const auto& [index, response] : variation->responses) {
            const std::string& echoed = response.body;
            const std::string i = std::to_string(index);
            QCOMPARE(response.status, 200);
            QVERIFY2(echoed.rfind("POST /fn HTTP/1.1\r\n", 0) == 0, echoed.c_str());
            QVERIFY2(echoed.ends_with("\r\n\r\npayload-" + i), echoed.c_str());
            const auto fixed = echoed.find("\r\nX-Fixed: yes\r\n");
            const auto own = echoed.find("\r\nX-Index: " + i + "\r\n");
            QVERIFY2(fixed != std::string::npos && own != std::string::npos && fixed < own, echoed.c_str());
            QVERIFY2(echoed.find("\r\nX-Empty: \r\n") != std::string::npos, echoed.c_str());
            QVERIFY2(echoed.find("\r\nX-B3-TraceId: ") != std::string::npos, echoed.c_str());
        }
    }

    // A GET with a varied body stays a GET (libcurl would make it a POST).
    void methodIsKept() {
        auto server = startTarget({QStringLiteral("--echo-request")});
        QVERIFY(server);
        auto variation = std::make_shared<IndexedVariation>(4, true);
        RequestSpec request = variedRequest(*server, variation);
        request.method = "GET";
        RecordsSink sink;
        QVERIFY(drive(request, closedLoop(2, 20s), threads(1), sink));
        QCOMPARE(variation->responses.size(), std::size_t(4));
        for (const auto& [index, response] : variation->responses) {
            QVERIFY2(response.body.rfind("GET /fn HTTP/1.1\r\n", 0) == 0, response.body.c_str());
            QVERIFY(response.body.ends_with("payload-" + std::to_string(index)));
        }
    }

    // Without wantsResponses() the variation still hears of every response, without its body.
    void bodiesOnlyWhenWanted() {
        auto server = startTarget({QStringLiteral("--echo")});
        QVERIFY(server);
        auto variation = std::make_shared<IndexedVariation>(10, false);
        RecordsSink sink;
        QVERIFY(drive(variedRequest(*server, variation), closedLoop(2, 20s), threads(1), sink));
        QCOMPARE(variation->responses.size(), std::size_t(10));
        for (const auto& [index, response] : variation->responses) {
            QCOMPARE(response.status, 200);
            QVERIFY(response.body.empty());
        }
        QCOMPARE(sink.records.size(), std::size_t(10));
        for (const RequestRecord& record : sink.records)
            QVERIFY(record.bytes >= std::string("payload-0").size());
    }

    // Open loop, deterministic: index k is arrival k, so worker 0 refuses at 10 (200 ms) and worker 1 stops
    // then (its 9 was due 20 ms before; a worker lagging more than that may stop before sending it).
    void openLoopStopsWhenPrepareRefuses() {
        auto server = startTarget({QStringLiteral("--echo")});
        QVERIFY(server);
        auto variation = std::make_shared<IndexedVariation>(10, true);
        RecordsSink sink;
        const auto summary =
            drive(variedRequest(*server, variation), LoadModel::constantRate(50, 10s), threads(2), sink);
        QVERIFY(summary);
        QVERIFY2(summary->elapsedSeconds < 5, "the drive ran on after prepare() returned false");
        QVERIFY(sink.sent == 10 || sink.sent == 9);
        QCOMPARE(variation->responses.size(), std::size_t(sink.sent));
        for (const auto& [index, calls] : variation->prepared)
            QCOMPARE(calls, 1);
        for (const auto& [index, response] : variation->responses) {
            QVERIFY(index < 10);
            QCOMPARE(response.body, "payload-" + std::to_string(index));
        }
    }

    void failuresAreReportedWithoutBody() {
        auto server = startTarget({QStringLiteral("--reset")});
        QVERIFY(server);
        auto variation = std::make_shared<IndexedVariation>(5, true);
        RecordsSink sink;
        QVERIFY(drive(variedRequest(*server, variation), closedLoop(1, 20s), threads(1), sink));
        QCOMPARE(variation->responses.size(), std::size_t(5));
        for (const auto& [index, response] : variation->responses) {
            QVERIFY(response.error != ErrorKind::None);
            QCOMPARE(response.status, 0);
            QVERIFY(response.body.empty());
        }
    }

    void oversizedResponsesAreNotKept() {
        auto server = startTarget({QStringLiteral("--echo-request")});
        QVERIFY(server);
        auto variation = std::make_shared<IndexedVariation>(3, true);
        RequestSpec request = variedRequest(*server, variation);
        request.maxResponseBytes = 16;
        RecordsSink sink;
        QVERIFY(drive(request, closedLoop(1, 20s), threads(1), sink));
        QCOMPARE(variation->responses.size(), std::size_t(3));
        for (const auto& [index, response] : variation->responses) {
            QCOMPARE(response.error, ErrorKind::TooLarge);
            QVERIFY(response.body.empty());
        }
    }

    // The intended times recorded are exactly the given ones, each request leaves at (not before) its time, and
    // request k is prepared when arrival k is due.
    void explicitArrivalsAreSentAtTheirTimes() {
        auto server = startTarget({QStringLiteral("--echo")});
        QVERIFY(server);
        const Times times{0ms, 40ms, 40ms, 120ms, 300ms, 310ms, 650ms, 700ms};
        OpenLoop open;
        open.arrivals = std::make_shared<const std::vector<Nanos>>(times);
        auto variation = std::make_shared<IndexedVariation>(100, true);
        RecordsSink sink;
        const auto summary = drive(variedRequest(*server, variation), LoadModel{open, std::nullopt}, threads(2), sink);
        QVERIFY(summary);
        QCOMPARE(summary->requests, std::uint64_t(times.size()));
        QCOMPARE(summary->targetRate, double(times.size()) / 0.700000001);
        std::vector<Nanos> intended;
        for (const RequestRecord& record : sink.records) {
            intended.push_back(Nanos(record.intendedNs));
            QVERIFY(record.sentNs >= record.intendedNs);
        }
        std::sort(intended.begin(), intended.end());
        QCOMPARE(intended, times);
        QCOMPARE(variation->preparedAt.size(), times.size());
        const auto first = variation->preparedAt.at(0);
        for (const auto& [index, at] : variation->preparedAt) {
            const auto offset = std::chrono::duration_cast<Nanos>(at - first) - times[index];
            QVERIFY2(offset > -20ms && offset < 200ms,
                     qPrintable(QStringLiteral("arrival %1 off by %2 ns").arg(index).arg(qint64(offset.count()))));
        }
    }

    void invalidArrivalsAreRejected_data() {
        QTest::addColumn<Times>("times");
        QTest::addRow("empty") << Times{};
        QTest::addRow("descending") << Times{10ms, 5ms};
        QTest::addRow("negative") << Times{-1ms, 5ms};
    }
    void invalidArrivalsAreRejected() {
        QFETCH(Times, times);
        OpenLoop open;
        open.arrivals = std::make_shared<const std::vector<Nanos>>(times);
        RequestSpec request;
        request.url = "http://127.0.0.1:9/";
        RecordsSink sink;
        const auto summary = drive(request, LoadModel{open, std::nullopt}, threads(1), sink);
        QVERIFY(!summary);
        QCOMPARE(summary.error().code, ErrorCode::InvalidInput);
    }
};

QTEST_GUILESS_MAIN(TestLoadVariation)
#include "tst_load_variation.moc"
