// Records of the batch scenario (docs/scenarios/batch.md): read from a CSV file, an SQLite table or a PostgreSQL
// table, and the verdicts written into an SQLite sink table. Readers run on the calling thread and check the stop
// token as they go; BatchSink::push is thread-safe, everything else of BatchSink belongs to one thread.
#pragma once

#include "common/cancellation.h"
#include "common/result.h"
#include "model/experiment.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace faaswb::engine {

// One record as sent to the function: {"id": ..., "text": ...}. The id is a JSON integer when the source holds an
// integer (so the function answers it back unchanged), else a string.
struct BatchRecord {
    nlohmann::json id;
    std::string text;
};

// What to read: the columns and how many rows at most.
struct RecordQuery {
    std::string idColumn = "id"; // csv: the row number (1-based) when the header has no such column
    std::string textColumn = "text";
    std::optional<std::uint64_t> limit;
};

// RFC 4180 CSV with a header row: quoted fields (with commas, doubled quotes and line breaks inside), \n or \r\n
// line ends, a UTF-8 byte order mark ignored. Errors name the line.
Result<std::vector<BatchRecord>> readCsvRecords(const std::string& path, const RecordQuery& query,
                                                const CancellationToken& stop);
// SELECT id, text FROM table (in the table's order). A NULL text is sent as "".
Result<std::vector<BatchRecord>> readSqliteRecords(const std::string& path, const std::string& table,
                                                   const RecordQuery& query, const CancellationToken& stop);
// The same from PostgreSQL through libpq (`dsn` as libpq takes it: URI or key=value). Plain identifiers
// ([A-Za-z_][A-Za-z0-9_]*, with an optional schema. prefix) are folded to lower case as psql would; any other name
// is used exactly. A cancel stops the query on the server.
Result<std::vector<BatchRecord>> readPostgresRecords(const std::string& dsn, const std::string& table,
                                                     const RecordQuery& query, const CancellationToken& stop);
bool postgresSupported() noexcept; // false when this build has no libpq

// The scenario's source: ${ENV} in a DSN expanded here (the experiment keeps the reference).
Result<std::vector<BatchRecord>> readBatchRecords(const model::BatchConfig& config, const CancellationToken& stop);

// {"records": [{"id", "text"}, ...]} for records [first, first + count).
std::string batchBody(const std::vector<BatchRecord>& records, std::size_t first, std::size_t count);

// One verdict per record, as 600.sentiment answers it.
struct SinkRow {
    nlohmann::json id;
    std::string sentiment;
    double score = 0;
};

// The per-record verdicts of one batch response: `results` of the wrapper's {"result": {...}} (or of the handler's
// object itself, as OpenWhisk's /run answers), one per record sent. An error says what was wrong with the body.
Result<std::vector<SinkRow>> parseBatchResponse(std::string_view body, std::size_t expectedRecords);

// The sink table (id, sentiment TEXT, score REAL), created when missing, filled by a writer thread that commits
// what was pushed in one transaction per wake-up, so load workers never wait for the disk.
class BatchSink {
public:
    static Result<std::unique_ptr<BatchSink>> open(const std::string& path, const std::string& table);
    ~BatchSink(); // finishes (writes what was pushed) if finish() was not called
    BatchSink(const BatchSink&) = delete;
    BatchSink& operator=(const BatchSink&) = delete;

    void push(std::vector<SinkRow> rows); // any thread; never waits for I/O
    // Writes what is still queued, stops the writer; the first write error, if any. Rows after an error are dropped.
    Status finish();
    std::uint64_t rowsWritten() const; // after finish(): rows committed by this sink

private:
    struct Impl;
    explicit BatchSink(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace faaswb::engine
