// Ingest of raw request rows into the results database: 1M RequestRecords in the batches the engine delivers
// (10k per interval) through ResultsWriter and through ResultStore, against a plain sqlite3 prepared-insert loop of
// the same rows in one transaction. Target: <= 2 s for 1M rows. Usage: bench_sqlite_ingest [ROWS] [DIR]
#include "results/result_store.h"
#include "results/results_writer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <sqlite3.h>
#include <string>
#include <unistd.h>
#include <vector>

using namespace faaswb;

namespace {

constexpr std::size_t kBatch = 10'000;

std::vector<load::RequestRecord> makeRequests(std::size_t count) {
    std::vector<load::RequestRecord> records(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto& r = records[i];
        r.seq = i;
        r.intendedNs = static_cast<std::int64_t>(i) * 100'000;
        r.sentNs = r.intendedNs + 2'000;
        r.dnsUs = 5;
        r.connectUs = 80;
        r.ttfbUs = 1'800 + static_cast<std::int64_t>(i % 400);
        r.totalUs = r.ttfbUs + 30;
        r.latencyUs = r.totalUs + 2;
        r.status = i % 500 == 0 ? 503 : 200;
        r.error = r.status == 200 ? load::ErrorKind::None : load::ErrorKind::HttpStatus;
        r.bytes = 256;
        r.cold = i % 1000 == 0;
        r.instance = "sleep-cpp-00001-" + std::to_string(i % 8);
        r.traceId = "80f198ee56343ba864fe8b2a57d3eff7";
    }
    return records;
}

engine::RunDescription description() {
    engine::RunDescription run;
    run.experimentName = "bench";
    run.experimentYaml = "name: bench\n";
    run.scenario = "ingest";
    run.benchmark = "010.sleep";
    run.language = "cpp";
    run.platform = "local";
    run.startedAt = std::chrono::system_clock::now();
    return run;
}

struct Timing {
    double wall = 0;
    double cpu = 0; // all threads of the process: on a busy machine this is the steadier figure
};

double cpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

Timing timed(const std::function<bool()>& work) {
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = cpuSeconds();
    if (!work())
        std::exit(1);
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), cpuSeconds() - cpuStart};
}

void report(const char* name, std::size_t rows, Timing timing) {
    std::printf("%-32s %7.3f s wall %7.3f s cpu  %10.0f rows/s\n", name, timing.wall, timing.cpu,
                static_cast<double>(rows) / timing.wall);
}

bool failed(const Status& status) {
    if (!status.ok())
        std::fprintf(stderr, "error: %s\n", status.error().message.c_str());
    return !status.ok();
}

std::string freshPath(const std::string& dir, const char* name) {
    const std::string path = dir + "/" + name;
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path + suffix);
    return path;
}

bool viaWriter(const std::string& path, const std::vector<load::RequestRecord>& records) {
    results::WriterOptions options;
    options.maxQueuedRequests = records.size(); // measure throughput, not the drop policy
    results::ResultsWriter writer(path, options);
    writer.onRunStarted(description());
    for (std::size_t first = 0; first < records.size(); first += kBatch)
        writer.onRequests(0, std::span(records).subspan(first, std::min(kBatch, records.size() - first)));
    if (failed(writer.flush()))
        return false;
    std::printf("  (writer dropped %llu rows)\n", static_cast<unsigned long long>(writer.droppedRequests()));
    return true;
}

bool viaStore(const std::string& path, const std::vector<load::RequestRecord>& records) {
    auto store = results::ResultStore::open(path);
    if (failed(store.ok() ? Status() : Status(store.error())))
        return false;
    auto experiment = store->addExperiment("bench", "name: bench\n");
    auto runId = store->beginRun(*experiment, description());
    for (std::size_t first = 0; first < records.size(); first += kBatch)
        if (failed(store->appendRequests(*runId,
                                         std::span(records).subspan(first, std::min(kBatch, records.size() - first)))))
            return false;
    return true;
}

// The peer: the same rows and schema, one prepared INSERT in one transaction, nothing else.
bool rawSqlite(const std::string& path, const std::vector<load::RequestRecord>& records) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
                 "INSERT INTO experiments (name, yaml, created_at) VALUES ('bench', '', ''); "
                 "INSERT INTO runs (experiment_id, scenario, benchmark, language, platform, started_at, status) "
                 "VALUES (1, 'ingest', '010.sleep', 'cpp', 'local', '', 'running'); BEGIN",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO requests (run_id, seq, intended_ns, sent_ns, dns_us, connect_us, tls_us, ttfb_us, "
                       "total_us, latency_us, status, bytes, error, cold, instance, trace_id) "
                       "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       -1, &insert, nullptr);
    for (const auto& r : records) {
        sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(r.seq));
        sqlite3_bind_int64(insert, 2, r.intendedNs);
        sqlite3_bind_int64(insert, 3, r.sentNs);
        sqlite3_bind_int64(insert, 4, r.dnsUs);
        sqlite3_bind_int64(insert, 5, r.connectUs);
        sqlite3_bind_int64(insert, 6, r.tlsUs);
        sqlite3_bind_int64(insert, 7, r.ttfbUs);
        sqlite3_bind_int64(insert, 8, r.totalUs);
        sqlite3_bind_int64(insert, 9, r.latencyUs);
        sqlite3_bind_int(insert, 10, r.status);
        sqlite3_bind_int64(insert, 11, static_cast<sqlite3_int64>(r.bytes));
        if (r.error != load::ErrorKind::None)
            sqlite3_bind_text(insert, 12, load::errorKindName(r.error), -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(insert, 12);
        sqlite3_bind_int(insert, 13, r.cold.value_or(false));
        sqlite3_bind_text(insert, 14, r.instance.c_str(), static_cast<int>(r.instance.size()), SQLITE_STATIC);
        sqlite3_bind_text(insert, 15, r.traceId.c_str(), static_cast<int>(r.traceId.size()), SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE)
            return false;
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    const bool committed = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return committed;
}

} // namespace

int main(int argc, char** argv) {
    const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    const std::string dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string();
    const auto records = makeRequests(rows);
    std::printf("ingesting %zu request rows in batches of %zu into %s\n", rows, kBatch, dir.c_str());

    const std::string writerPath = freshPath(dir, "bench_ingest_writer.db");
    report("ResultsWriter (queue + thread)", rows, timed([&] { return viaWriter(writerPath, records); }));
    const std::string storePath = freshPath(dir, "bench_ingest_store.db");
    report("ResultStore::appendRequests", rows, timed([&] { return viaStore(storePath, records); }));
    const std::string rawPath = freshPath(dir, "bench_ingest_raw.db");
    { auto schema = results::ResultStore::open(rawPath); } // same schema and indices, created outside the timing
    report("raw sqlite3 insert loop (peer)", rows, timed([&] { return rawSqlite(rawPath, records); }));

    for (const auto& path : {writerPath, storePath, rawPath})
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path + suffix);
    return 0;
}
