// engine/arrival_trace.h: reading Azure Functions and timestamp traces, placing arrivals within minutes, and the
// whole file -> arrivals path with timeScale. Errors must name the file, line and column.
#include "engine/arrival_trace.h"
#include "testutils.h"

#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <fstream>
#include <sstream>

using namespace faaswb;
using namespace faaswb::engine;
using Distribution = model::ReplayConfig::Distribution;

namespace {

const std::string kHeader = "HashOwner,HashApp,HashFunction,Trigger,1,2,3,4\n";
const std::string kAzure = kHeader + "o1,a1,f1,http,1,2,3,4\n"
                                     "o1,a2,f2,queue,0,10,0,5\n"
                                     "o2,a3,f3,timer,2,2,2,2\n";

Result<MinuteCounts> azure(const std::string& text, const std::string& function = {},
                           std::optional<int> minutes = std::nullopt) {
    std::istringstream in(text);
    return readAzureCounts(in, "t.csv", function, minutes);
}

Result<std::vector<double>> timestamps(const std::string& text) {
    std::istringstream in(text);
    return readTimestamps(in, "ts.csv");
}

std::string messageOf(const auto& result) {
    return result ? std::string("(no error)") : result.error().message;
}

std::uint64_t sum(const std::vector<std::uint64_t>& counts) {
    std::uint64_t total = 0;
    for (auto count : counts)
        total += count;
    return total;
}

bool withinMinutes(const std::vector<double>& times, const std::vector<std::uint64_t>& counts) {
    for (std::size_t m = 0; m < counts.size(); ++m) {
        const auto inMinute = std::count_if(
            times.begin(), times.end(), [m](double t) { return t >= 60.0 * double(m) && t < 60.0 * double(m + 1); });
        if (std::uint64_t(inMinute) != counts[m])
            return false;
    }
    return true;
}

} // namespace

class TestArrivalTrace : public QObject {
    Q_OBJECT
private slots:
    void selectsARow_data() {
        QTest::addColumn<QString>("function");
        QTest::addColumn<QString>("hash");
        QTest::addColumn<int>("row");
        QTest::addRow("default: the first row") << QString() << "f1" << 1;
        QTest::addRow("by HashFunction") << "f2"
                                         << "f2" << 2;
        QTest::addRow("by row number") << "3"
                                       << "f3" << 3;
    }
    void selectsARow() {
        QFETCH(QString, function);
        QFETCH(QString, hash);
        QFETCH(int, row);
        const auto counts = azure(kAzure, function.toStdString());
        QVERIFY2(counts, messageOf(counts).c_str());
        QCOMPARE(counts->function, hash.toStdString());
        QCOMPARE(counts->row, std::size_t(row));
        QCOMPARE(counts->perMinute.size(), std::size_t(4));
    }

    void keepsTheFirstMinutes() {
        const auto counts = azure(kAzure, "f2", 2);
        QVERIFY(counts);
        QCOMPARE(counts->perMinute, (std::vector<std::uint64_t>{0, 10}));
    }

    void toleratesCrlfBomAndBlankLines() {
        const auto counts = azure("\xEF\xBB\xBF"
                                  "HashOwner,HashApp,HashFunction,Trigger,1,2\r\n\r\no,a,f,http,7,8\r\n");
        QVERIFY2(counts, messageOf(counts).c_str());
        QCOMPARE(counts->perMinute, (std::vector<std::uint64_t>{7, 8}));
    }

    void azureErrorsNameLineAndColumn_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("function");
        QTest::addColumn<int>("minutes");
        QTest::addColumn<QString>("error");
        QTest::addRow("empty file") << ""
                                    << "" << 0 << "t.csv: the trace file is empty";
        QTest::addRow("wrong id column") << "HashOwner,App,HashFunction,Trigger,1\n"
                                         << "" << 0 << "t.csv:1:11: expected column 'HashApp'";
        QTest::addRow("minute out of order") << "HashOwner,HashApp,HashFunction,Trigger,1,3\n"
                                             << "" << 0 << "t.csv:1:42: expected minute column '2', found '3'";
        QTest::addRow("no minute columns") << "HashOwner,HashApp,HashFunction,Trigger\n"
                                           << "" << 0 << "t.csv:1:39: no minute columns";
        QTest::addRow("bad count") << QString::fromStdString(kHeader + "o,a,f,http,1,x,3,4\n") << "" << 0
                                   << "t.csv:2:14: the count for minute 2 is not a whole number >= 0: 'x'";
        QTest::addRow("negative count") << QString::fromStdString(kHeader + "o,a,f,http,1,2,-3,4\n") << "" << 0
                                        << "t.csv:2:16: the count for minute 3";
        QTest::addRow("short row") << QString::fromStdString(kHeader + "\no,a,f,http,1,2\n") << "" << 0
                                   << "t.csv:3:1: the row has 6 columns, the header 8";
        QTest::addRow("unknown hash") << QString::fromStdString(kAzure) << "nope" << 0
                                      << "t.csv: no function with HashFunction 'nope' (the trace has 3 function rows";
        QTest::addRow("row past the end")
            << QString::fromStdString(kAzure) << "4" << 0 << "t.csv: no row 4 (the trace has 3 function rows";
        QTest::addRow("header only") << QString::fromStdString(kHeader) << "" << 0
                                     << "t.csv: the trace has a header but no function rows";
        QTest::addRow("too many minutes")
            << QString::fromStdString(kAzure) << "" << 5 << "t.csv: `minutes` is 5 but the trace has 4 minute columns";
    }
    void azureErrorsNameLineAndColumn() {
        QFETCH(QString, text);
        QFETCH(QString, function);
        QFETCH(int, minutes);
        QFETCH(QString, error);
        const auto counts =
            azure(text.toStdString(), function.toStdString(), minutes > 0 ? std::optional(minutes) : std::nullopt);
        QVERIFY(!counts);
        QCOMPARE(counts.error().code, ErrorCode::InvalidInput);
        QVERIFY2(counts.error().message.rfind(error.toStdString(), 0) == 0, counts.error().message.c_str());
    }

    void readsTimestamps() {
        const auto seconds = timestamps("timestamp\n0.5\n\n0\r\n12.25\n3\n");
        QVERIFY2(seconds, messageOf(seconds).c_str());
        QCOMPARE(*seconds, (std::vector<double>{0, 0.5, 3, 12.25}));
        const auto bare = timestamps("1\n2\n");
        QVERIFY(bare);
        QCOMPARE(bare->size(), std::size_t(2));
    }

    void timestampErrorsNameLineAndColumn_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::addRow("not a number") << "timestamp\n1\n  abc\n"
                                      << "ts.csv:3:3: expected seconds since the start";
        QTest::addRow("negative") << "1\n-2\n"
                                  << "ts.csv:2:1: expected seconds since the start (a number >= 0)";
        QTest::addRow("two columns") << "1\n2,3\n"
                                     << "ts.csv:2:2: expected one column";
        QTest::addRow("header later") << "1\ntimestamp\n"
                                      << "ts.csv:2:1: expected seconds";
    }
    void timestampErrorsNameLineAndColumn() {
        QFETCH(QString, text);
        QFETCH(QString, error);
        const auto seconds = timestamps(text.toStdString());
        QVERIFY(!seconds);
        QVERIFY2(seconds.error().message.rfind(error.toStdString(), 0) == 0, seconds.error().message.c_str());
    }

    void equidistantSpreadsEachMinute() {
        const auto times = placeArrivals({4, 0, 1}, Distribution::Equidistant, 1);
        QCOMPARE(times, (std::vector<double>{0, 15, 30, 45, 120}));
    }

    void uniformKeepsCountsAndOrder() {
        const std::vector<std::uint64_t> counts{50, 0, 200, 3};
        const auto times = placeArrivals(counts, Distribution::Uniform, 9);
        QCOMPARE(times.size(), std::size_t(sum(counts)));
        QVERIFY(std::is_sorted(times.begin(), times.end()));
        QVERIFY(withinMinutes(times, counts));
        QCOMPARE(placeArrivals(counts, Distribution::Uniform, 9), times);
        QVERIFY(placeArrivals(counts, Distribution::Uniform, 10) != times);
    }

    // A Poisson process at the minute's rate: the count over many minutes is close to the trace's (4 sigma).
    void exponentialIsPoissonAtTheMinutesRate() {
        const std::vector<std::uint64_t> counts(20, 500);
        const auto times = placeArrivals(counts, Distribution::Exponential, 3);
        QVERIFY(std::is_sorted(times.begin(), times.end()));
        QVERIFY(times.front() >= 0 && times.back() < 1200);
        QVERIFY(std::abs(double(times.size()) - 10000) < 400);
        QCOMPARE(placeArrivals(counts, Distribution::Exponential, 3), times);
        QVERIFY(placeArrivals({0, 0}, Distribution::Exponential, 3).empty());
    }

    // mt19937_64's output is fixed by the standard and our distributions are written out, so these values (from
    // an independent Python mt19937_64) hold with every standard library.
    void drawsAreTheSameEverywhere() {
        const auto uniform = placeArrivals({3}, Distribution::Uniform, 1);
        QCOMPARE(uniform, (std::vector<double>{8.032598640751958, 8.184422181971833, 27.072894230672286}));
        const auto exponential = placeArrivals({2}, Distribution::Exponential, 1);
        QCOMPARE(exponential, (std::vector<double>{4.311838114807747, 8.711449957481513, 26.712900760192014,
                                                   27.350352306750086, 40.31531985827878}));
    }

    void loadsAFileWithTimeScale() {
        QTemporaryDir dir;
        const std::string file = dir.filePath(QStringLiteral("trace.csv")).toStdString();
        std::ofstream(file) << kAzure;
        model::ReplayConfig config;
        config.file = file;
        config.function = "f3";
        config.minutes = 2;
        config.distribution = Distribution::Equidistant;
        config.timeScale = 60;
        const auto trace = loadArrivalTrace(config);
        QVERIFY2(trace, messageOf(trace).c_str());
        using namespace std::chrono_literals;
        QCOMPARE(trace->arrivals, (std::vector<load::Nanos>{0ms, 500ms, 1000ms, 1500ms}));
        QCOMPARE(trace->replayedSeconds, 2.0);
        QVERIFY2(trace->source.find("f3 (row 3)") != std::string::npos, trace->source.c_str());
    }

    void loadsTimestampsWithTimeScale() {
        QTemporaryDir dir;
        const std::string file = dir.filePath(QStringLiteral("ts.csv")).toStdString();
        std::ofstream(file) << "timestamp\n0\n1.5\n3\n";
        model::ReplayConfig config;
        config.file = file;
        config.format = model::ReplayConfig::Format::Timestamps;
        config.timeScale = 2;
        const auto trace = loadArrivalTrace(config);
        QVERIFY(trace);
        using namespace std::chrono_literals;
        QCOMPARE(trace->arrivals, (std::vector<load::Nanos>{0ms, 750ms, 1500ms}));
        QCOMPARE(trace->replayedSeconds, 1.5);
    }

    void missingFileIsAnError() {
        model::ReplayConfig config;
        config.file = "/nonexistent/trace.csv";
        const auto trace = loadArrivalTrace(config);
        QVERIFY(!trace);
        QVERIFY2(trace.error().message.find("/nonexistent/trace.csv") != std::string::npos,
                 trace.error().message.c_str());
    }

    // The shipped sample (resources/traces/README.md): 3 functions, 10 minutes; row 1 has 118 in minutes 1-3.
    void shippedSampleLoads() {
        model::ReplayConfig config;
        config.file = test::sourcePath(QStringLiteral("resources/traces/azure-sample.csv")).toStdString();
        config.minutes = 3;
        config.distribution = Distribution::Uniform;
        const auto trace = loadArrivalTrace(config);
        QVERIFY2(trace, messageOf(trace).c_str());
        QCOMPARE(trace->arrivals.size(), std::size_t(118));
        QCOMPARE(trace->replayedSeconds, 180.0);
        for (const char* row : {"2", "3"}) {
            config.function = row;
            config.minutes.reset();
            QVERIFY(loadArrivalTrace(config));
        }
    }
};

QTEST_GUILESS_MAIN(TestArrivalTrace)
#include "tst_arrival_trace.moc"
