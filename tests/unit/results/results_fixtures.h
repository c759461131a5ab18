// Test data for the results suites: run descriptions, interval snapshots with real histograms, request records and
// raw SQLite access to inspect a database file behind the store's back. Used from the test's main thread.
#pragma once

#include "analysis/run_metrics.h"
#include "engine/run_observer.h"
#include "load/histogram.h"
#include "load/request.h"
#include "load/snapshot.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace faaswb::test {

// 2024-05-01T12:00:00.250Z
inline std::chrono::system_clock::time_point fixedStart() {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(1'714'564'800'250));
}

inline engine::RunDescription runDescription(int cell = 0, const std::string& scenario = "warm") {
    engine::RunDescription run;
    run.cell = cell;
    run.experimentName = "quickstart";
    run.experimentYaml = "name: quickstart\nplatform: local\n";
    run.scenario = scenario;
    run.scenarioType = "warm-latency";
    run.benchmark = "010.sleep";
    run.language = "python";
    run.platform = "local";
    run.config = {{"rate", 200}, {"duration", "30s"}};
    run.environment = {{"kind", "local"}, {"host", "bench-1"}};
    run.startedAt = fixedStart();
    return run;
}

// A sweep point as the runner describes it in RunDescription::sweep.
inline nlohmann::json sweepPoint(int index, nlohmann::json values) {
    return {{"index", index}, {"values", std::move(values)}};
}

// A warm-latency report: p50 = p99 / 2, p99 as given, max_pods unavailable (nullopt); one threshold on p99 (< 10 ms)
// and, with `failingThreshold`, one on max_pods that fails because the platform reports no pods.
inline analysis::RunMetricsReport metricsReport(double p99Ms, bool failingThreshold = false) {
    analysis::RunMetricsReport report;
    report.metrics = {
        {"p50", p99Ms / 2, "ms"}, {"p99", p99Ms, "ms"}, {"error_rate", 0.5, "%"}, {"max_pods", std::nullopt, "count"}};
    report.thresholds.push_back({"p99 < 10ms", "p99", p99Ms, p99Ms < 10, ""});
    if (failingThreshold)
        report.thresholds.push_back({"max_pods <= 3", "max_pods", std::nullopt, false, "max_pods is not available"});
    return report;
}

// One interval of `latenciesUs` (corrected) with service times at half of each; one error of each given kind.
inline load::IntervalSnapshot interval(int index, const std::vector<std::int64_t>& latenciesUs, bool warmup = false) {
    auto latency = std::make_shared<load::LatencyHistogram>();
    auto serviceTime = std::make_shared<load::LatencyHistogram>();
    for (const auto value : latenciesUs) {
        latency->record(value);
        serviceTime->record(value / 2);
    }
    load::IntervalSnapshot snapshot;
    snapshot.index = index;
    snapshot.startMs = index * 1000;
    snapshot.endMs = snapshot.startMs + 1000;
    snapshot.requests = latenciesUs.size();
    snapshot.errors = 1;
    snapshot.errorsByKind[static_cast<std::size_t>(load::ErrorKind::Timeout)] = 1;
    snapshot.statusCounts = {{200, latenciesUs.size() - 1}, {0, 1}};
    snapshot.sent = latenciesUs.size() + 1;
    snapshot.bytes = 100 * latenciesUs.size();
    snapshot.coldStarts = index == 0 ? 1 : 0;
    snapshot.targetRate = 100;
    snapshot.achievedRate = static_cast<double>(latenciesUs.size());
    snapshot.behind = 2;
    snapshot.generatorSaturated = index % 2 == 1;
    snapshot.warmup = warmup;
    snapshot.corrected = load::LatencyPercentiles::of(*latency);
    snapshot.uncorrected = load::LatencyPercentiles::of(*serviceTime);
    snapshot.latency = latency;
    snapshot.serviceTime = serviceTime;
    return snapshot;
}

inline load::RequestRecord request(std::uint64_t seq) {
    load::RequestRecord record;
    record.seq = seq;
    record.intendedNs = static_cast<std::int64_t>(seq) * 5'000'000;
    record.sentNs = record.intendedNs + 12'345;
    record.dnsUs = 10;
    record.connectUs = 120;
    record.tlsUs = 0;
    record.ttfbUs = 1500 + static_cast<std::int64_t>(seq % 7);
    record.totalUs = record.ttfbUs + 40;
    record.latencyUs = record.totalUs + 12;
    record.status = 200;
    record.bytes = 512;
    record.cold = seq % 3 == 0 ? std::optional<bool>() : std::optional<bool>(seq % 3 == 1);
    record.instance = "sleep-python-00001-deployment-7d9f";
    record.traceId = "463ac35c9f6413ad48485a3953bb" + std::to_string(1000 + seq % 9000);
    return record;
}

inline std::vector<load::RequestRecord> requests(std::uint64_t first, std::size_t count) {
    std::vector<load::RequestRecord> records;
    records.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        records.push_back(request(first + i));
    return records;
}

// A plain connection to a database file, for looking at what the store wrote (and for tampering with it).
class RawDb {
public:
    explicit RawDb(const std::string& path) { sqlite3_open(path.c_str(), &m_db); }
    ~RawDb() { sqlite3_close(m_db); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    bool exec(const std::string& sql) {
        return sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    // The first column of the first row as text ("" when there is none).
    std::string text(const std::string& sql) {
        sqlite3_stmt* statement = nullptr;
        std::string value;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0))
            value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        sqlite3_finalize(statement);
        return value;
    }
    long long integer(const std::string& sql) {
        const std::string value = text(sql);
        return value.empty() ? 0 : std::stoll(value);
    }

private:
    sqlite3* m_db = nullptr;
};

} // namespace faaswb::test
