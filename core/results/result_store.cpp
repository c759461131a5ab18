// ResultStore: opening (connection settings, migrations, recovery of abandoned runs) and the write API.
// The queries are in store_queries.cpp.
#include "results/result_store.h"

#include "load/hdr_codec.h"
#include "results/iso_time.h"
#include "results/migrations.h"
#include "results/store_impl.h"

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace faaswb::results {
namespace {

// Lossy rather than throwing: platform-provided text (span tags, environment) may hold invalid UTF-8.
std::string jsonText(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string hostName() {
    char name[256] = {};
    gethostname(name, sizeof name - 1);
    return name;
}

Result<sqlite::Connection> openConnection(const std::string& path, bool readOnly) {
    if (readOnly && !std::filesystem::exists(path))
        return invalidInput("results database " + path + " does not exist");
    const int flags =
        (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    sqlite::Connection db(raw); // a handle comes back even when opening fails, and must be closed
    if (rc != SQLITE_OK)
        return sqlite::errorOf(raw, "cannot open results database " + path);
    // SQLite quietly falls back to read-only for a file it may not write; a writer must hear about it now.
    if (!readOnly && sqlite3_db_readonly(raw, "main") == 1)
        return invalidInput("results database " + path + " is read-only (check the file's permissions)");
    return db;
}

// WAL lets readers (GUI, `runs`) query while a run writes; synchronous=NORMAL in WAL loses at most the last
// commits on power loss, never consistency, and a killed process loses nothing committed. 16 KiB pages cut the CPU
// per appended request row by ~10% (bench_sqlite_ingest); the page size only takes effect on a new file.
Status configure(sqlite3* db, const std::string& path, bool readOnly) {
    sqlite3_busy_timeout(db, 5000);
    const char* common = "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384";
    if (auto set = sqlite::exec(db, common, "cannot configure results database " + path); !set)
        return set;
    if (readOnly)
        return {};
    const char* writer = "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                         "PRAGMA journal_size_limit = 67108864";
    return sqlite::exec(db, writer, "cannot open results database " + path);
}

// An INSERT's "INSERT INTO table (columns)" part and its number of columns (run_id first).
struct InsertSql {
    std::string_view head;
    int columns;
};

// Rows go in groups of 32 per statement: one statement per row spends most of its time outside the insert itself.
constexpr std::size_t kRowsPerInsert = 32;

std::string valuesSql(const InsertSql& insert, std::size_t rows) {
    std::string row = "(?";
    for (int column = 1; column < insert.columns; ++column)
        row += ", ?";
    row += ')';
    std::string sql = std::string(insert.head) + " VALUES " + row;
    for (std::size_t n = 1; n < rows; ++n)
        sql += ", " + row;
    return sql;
}

// Inserts `rows` in one transaction; `bind(statement, row)` binds a row's columns from 2 on (1 is the run id).
template <class Row, class Bind>
Status appendRows(ResultStore::Impl& store, const InsertSql& insert, std::int64_t runId, std::span<const Row> rows,
                  Bind bind) {
    auto transaction = sqlite::Transaction::begin(store.db.get());
    if (!transaction)
        return transaction.error();
    auto many = store.prepare(valuesSql(insert, kRowsPerInsert));
    auto one = store.prepare(valuesSql(insert, 1));
    if (!many || !one)
        return (many ? one : many).error();
    for (std::size_t first = 0; first < rows.size();) {
        const std::size_t count = rows.size() - first >= kRowsPerInsert ? kRowsPerInsert : 1;
        sqlite::Statement& statement = count == 1 ? **one : **many;
        for (std::size_t n = 0; n < count; ++n) {
            statement.setParameterOffset(static_cast<int>(n) * insert.columns);
            bind(statement.bindInt(1, runId), rows[first + n]);
        }
        if (auto inserted = statement.run(); !inserted)
            return inserted;
        first += count;
    }
    return transaction->commit();
}

std::string errorsJson(const load::IntervalSnapshot& interval) {
    nlohmann::json errors = nlohmann::json::object();
    for (int kind = 0; kind < load::kErrorKindCount; ++kind)
        if (interval.errorsByKind[static_cast<std::size_t>(kind)] != 0)
            errors[load::errorKindName(static_cast<load::ErrorKind>(kind))] =
                interval.errorsByKind[static_cast<std::size_t>(kind)];
    return jsonText(errors);
}

std::string statusJson(const load::IntervalSnapshot& interval) {
    nlohmann::json statuses = nlohmann::json::object();
    for (const auto& [status, count] : interval.statusCounts)
        statuses[std::to_string(status)] = count;
    return jsonText(statuses);
}

// An interval without responses has no latency: its percentiles are NULL, not 0.
void bindPercentiles(sqlite::Statement& statement, int first, const load::LatencyPercentiles& p, bool measured) {
    if (!measured) {
        for (int i = 0; i < 5; ++i)
            statement.bindNull(first + i);
        return;
    }
    statement.bindInt(first, p.p50).bindInt(first + 1, p.p90).bindInt(first + 2, p.p99);
    statement.bindInt(first + 3, p.p999).bindInt(first + 4, p.max);
}

void bindHistogram(sqlite::Statement& statement, int index, const std::shared_ptr<const load::LatencyHistogram>& h) {
    if (h)
        statement.bindBlob(index, load::encodeCompressed(*h));
    else
        statement.bindNull(index);
}

constexpr InsertSql kInsertInterval{
    "INSERT INTO intervals (run_id, idx, t_ms, duration_ms, requests, errors, errors_json, status_json, sent, bytes, "
    "cold_starts, rate_target, rate_achieved, behind, saturated, warmup, p50_us, p90_us, p99_us, p999_us, max_us, "
    "svc_p50_us, svc_p90_us, svc_p99_us, svc_p999_us, svc_max_us, histogram, svc_histogram)",
    28};

void bindInterval(sqlite::Statement& s, const load::IntervalSnapshot& interval) {
    s.bindInt(2, interval.index).bindInt(3, interval.startMs).bindInt(4, interval.endMs - interval.startMs);
    s.bindInt(5, static_cast<std::int64_t>(interval.requests)).bindInt(6, static_cast<std::int64_t>(interval.errors));
    s.bindText(7, errorsJson(interval)).bindText(8, statusJson(interval));
    s.bindInt(9, static_cast<std::int64_t>(interval.sent)).bindInt(10, static_cast<std::int64_t>(interval.bytes));
    s.bindInt(11, static_cast<std::int64_t>(interval.coldStarts));
    s.bindDouble(12, interval.targetRate).bindDouble(13, interval.achievedRate);
    s.bindInt(14, static_cast<std::int64_t>(interval.behind)).bindInt(15, interval.generatorSaturated);
    s.bindInt(16, interval.warmup);
    const bool measured = interval.requests > 0;
    bindPercentiles(s, 17, interval.corrected, measured);
    bindPercentiles(s, 22, interval.uncorrected, measured);
    bindHistogram(s, 27, interval.latency);
    bindHistogram(s, 28, interval.serviceTime);
}

constexpr InsertSql kInsertRequest{
    "INSERT INTO requests (run_id, seq, intended_ns, sent_ns, dns_us, connect_us, tls_us, ttfb_us, total_us, "
    "latency_us, status, bytes, error, cold, instance, trace_id)",
    16};

void bindRequest(sqlite::Statement& s, const load::RequestRecord& request) {
    s.bindInt(2, static_cast<std::int64_t>(request.seq)).bindInt(3, request.intendedNs).bindInt(4, request.sentNs);
    s.bindInt(5, request.dnsUs).bindInt(6, request.connectUs).bindInt(7, request.tlsUs);
    s.bindInt(8, request.ttfbUs).bindInt(9, request.totalUs).bindInt(10, request.latencyUs);
    // status 0 means "no response": NULL, like every other unknown.
    request.status != 0 ? s.bindInt(11, request.status) : s.bindNull(11);
    s.bindInt(12, static_cast<std::int64_t>(request.bytes));
    request.error != load::ErrorKind::None ? s.bindText(13, load::errorKindName(request.error)) : s.bindNull(13);
    s.bindOptional(14, request.cold).bindTextOrNull(15, request.instance).bindTextOrNull(16, request.traceId);
}

constexpr InsertSql kInsertScale{
    "INSERT INTO scale_events (run_id, t_ms, revision, desired, actual, ready, pending, terminating, panic)", 9};

void bindScale(sqlite::Statement& s, const platform::ScaleSample& sample) {
    s.bindInt(2, sample.tMs).bindTextOrNull(3, sample.revision);
    s.bindOptional(4, sample.desired).bindOptional(5, sample.actual).bindOptional(6, sample.ready);
    s.bindOptional(7, sample.pending).bindOptional(8, sample.terminating).bindOptional(9, sample.panic);
}

constexpr InsertSql kInsertPodMetrics{"INSERT INTO pod_metrics (run_id, t_ms, pod, cpu_millicores, memory_bytes)", 5};

void bindPodMetrics(sqlite::Statement& s, const platform::PodMetricsSample& sample) {
    s.bindInt(2, sample.tMs).bindTextOrNull(3, sample.pod);
    s.bindOptional(4, sample.cpuMillicores).bindOptional(5, sample.memoryBytes);
}

constexpr InsertSql kInsertSpan{
    "INSERT INTO spans (run_id, trace_id, span_id, parent_id, service, name, kind, start_us, duration_us, tags_json)",
    10};

void bindSpan(sqlite::Statement& s, const trace::Span& span) {
    s.bindText(2, span.traceId).bindText(3, span.spanId).bindTextOrNull(4, span.parentId);
    s.bindTextOrNull(5, span.service).bindTextOrNull(6, span.name).bindTextOrNull(7, span.kind);
    s.bindInt(8, span.startUs).bindInt(9, span.durationUs);
    span.tags.empty() ? s.bindNull(10) : s.bindText(10, jsonText(span.tags));
}

// A read-only open of a database from an older build upgrades it first, through a short read-write connection, when
// the file may be written: the steps only add columns and tables, so what the older build wrote stays as it was and
// its runs stay readable. Without write access the open is refused as before (requireLatest says why).
Status upgradeForReading(sqlite3* reader, const std::string& path) {
    auto version = readSchemaVersion(reader);
    if (!version)
        return version.error();
    if (*version == 0 || *version >= latestSchemaVersion() || access(path.c_str(), W_OK) != 0)
        return requireLatest(reader, path);
    {
        auto writer = openConnection(path, false);
        if (!writer)
            return writer.error();
        if (auto configured = configure(writer->get(), path, false); !configured)
            return configured;
        if (auto migrated = migrate(writer->get(), path); !migrated)
            return migrated;
    }
    return requireLatest(reader, path);
}

// The runner's {"index": i, "values": {...}} as compact JSON; NULL for a run without a sweep.
std::optional<std::string> sweepText(const nlohmann::json& sweep) {
    if (sweep.is_null())
        return std::nullopt;
    return jsonText(sweep);
}

Status markIncomplete(ResultStore::Impl& store, std::int64_t runId, std::int64_t pid) {
    auto update = store.prepare("UPDATE runs SET status = 'incomplete', message = ?2 WHERE id = ?1 AND "
                                "status = 'running'");
    if (!update)
        return update.error();
    return (*update)->bindInt(1, runId).bindText(2, abandonedMessage(pid)).run();
}

Status markAbandonedRuns(ResultStore::Impl& store) {
    auto select = store.prepare("SELECT id, owner_pid, owner_host FROM runs WHERE status = 'running'");
    if (!select)
        return select.error();
    std::vector<std::pair<std::int64_t, std::int64_t>> abandoned;
    auto scanned = (*select)->forEachRow([&](const sqlite::Statement& row) {
        if (writerIsGone(row.columnInt(1), row.columnText(2)))
            abandoned.emplace_back(row.columnInt(0), row.columnInt(1));
    });
    if (!scanned || abandoned.empty())
        return scanned;
    auto transaction = sqlite::Transaction::begin(store.db.get());
    if (!transaction)
        return transaction.error();
    for (const auto& [runId, pid] : abandoned)
        if (auto marked = markIncomplete(store, runId, pid); !marked)
            return marked;
    return transaction->commit();
}

} // namespace

bool writerIsGone(std::int64_t ownerPid, const std::string& ownerHost) {
    static const std::string thisHost = hostName();
    return ownerHost == thisHost && ownerPid > 0 && kill(static_cast<pid_t>(ownerPid), 0) == -1 && errno == ESRCH;
}

std::string abandonedMessage(std::int64_t ownerPid) {
    return "the process writing this run (pid " + std::to_string(ownerPid) + ") ended before it finished";
}

Error noSuchRun(std::int64_t runId) {
    return invalidInput("no run with id " + std::to_string(runId));
}

ResultStore::ResultStore(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
ResultStore::ResultStore(ResultStore&&) noexcept = default;
ResultStore& ResultStore::operator=(ResultStore&&) noexcept = default;
ResultStore::~ResultStore() = default;

int ResultStore::latestSchemaVersion() {
    return results::latestSchemaVersion();
}

const std::string& ResultStore::path() const {
    return m_impl->path;
}

Result<ResultStore> ResultStore::open(const std::string& path, bool readOnly) {
    auto db = openConnection(path, readOnly);
    if (!db)
        return db.error();
    if (auto configured = configure(db->get(), path, readOnly); !configured)
        return configured.error();
    auto ready = readOnly ? upgradeForReading(db->get(), path) : migrate(db->get(), path);
    if (!ready)
        return ready.error();
    auto impl = std::make_unique<Impl>();
    impl->statements = sqlite::StatementCache(db->get());
    impl->db = std::move(*db);
    impl->path = path;
    ResultStore store(std::move(impl));
    if (readOnly)
        return store;
    if (auto recovered = markAbandonedRuns(*store.m_impl); !recovered)
        return recovered.error();
    return store;
}

Status ResultStore::limitPageCache(int kib) {
    const std::string pragma = "PRAGMA cache_size = -" + std::to_string(kib);
    return sqlite::exec(m_impl->db.get(), pragma.c_str(), "cannot configure results database " + m_impl->path);
}

Status ResultStore::checkIntegrity() {
    auto check = m_impl->prepare("PRAGMA integrity_check");
    if (!check)
        return check.error();
    std::string problems;
    auto checked = (*check)->forEachRow([&](const sqlite::Statement& row) {
        if (auto line = row.columnText(0); line != "ok")
            problems += (problems.empty() ? "" : "; ") + line;
    });
    if (!checked)
        return checked;
    if (!problems.empty())
        return internalError("results database " + m_impl->path + " is damaged: " + problems);
    return {};
}

Result<std::int64_t> ResultStore::addExperiment(const std::string& name, const std::string& yaml) {
    auto insert = m_impl->prepare("INSERT INTO experiments (name, yaml, created_at) VALUES (?1, ?2, ?3)");
    if (!insert)
        return insert.error();
    (*insert)->bindText(1, name).bindText(2, yaml).bindText(3, formatIsoUtc(std::chrono::system_clock::now()));
    if (auto inserted = (*insert)->run(); !inserted)
        return inserted.error();
    return sqlite3_last_insert_rowid(m_impl->db.get());
}

Result<std::int64_t> ResultStore::beginRun(std::int64_t experimentId, const engine::RunDescription& run) {
    auto insert = m_impl->prepare(
        "INSERT INTO runs (experiment_id, scenario, scenario_type, benchmark, language, platform, started_at, "
        "status, config_json, environment_json, owner_pid, owner_host, sweep_json, repeat) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'running', ?8, ?9, ?10, ?11, ?12, ?13)");
    if (!insert)
        return insert.error();
    auto& s = **insert;
    s.bindInt(1, experimentId).bindText(2, run.scenario).bindTextOrNull(3, run.scenarioType);
    s.bindText(4, run.benchmark).bindText(5, run.language).bindText(6, run.platform);
    s.bindText(7, formatIsoUtc(run.startedAt)).bindText(8, jsonText(run.config)).bindText(9, jsonText(run.environment));
    s.bindInt(10, getpid()).bindText(11, hostName());
    const auto sweep = sweepText(run.sweep);
    (sweep ? s.bindText(12, *sweep) : s.bindNull(12)).bindInt(13, run.repeat);
    if (auto inserted = s.run(); !inserted)
        return inserted.error();
    return sqlite3_last_insert_rowid(m_impl->db.get());
}

Status ResultStore::appendIntervals(std::int64_t runId, std::span<const load::IntervalSnapshot> intervals) {
    return appendRows(*m_impl, kInsertInterval, runId, intervals, bindInterval);
}

Status ResultStore::appendRequests(std::int64_t runId, std::span<const load::RequestRecord> requests) {
    return appendRows(*m_impl, kInsertRequest, runId, requests, bindRequest);
}

Status ResultStore::appendScale(std::int64_t runId, std::span<const platform::ScaleSample> samples) {
    return appendRows(*m_impl, kInsertScale, runId, samples, bindScale);
}

Status ResultStore::appendPodMetrics(std::int64_t runId, std::span<const platform::PodMetricsSample> samples) {
    return appendRows(*m_impl, kInsertPodMetrics, runId, samples, bindPodMetrics);
}

Status ResultStore::appendSpans(std::int64_t runId, std::span<const trace::Span> spans) {
    return appendRows(*m_impl, kInsertSpan, runId, spans, bindSpan);
}

Status ResultStore::addDroppedRequests(std::int64_t runId, std::uint64_t count) {
    auto update = m_impl->prepare("UPDATE runs SET requests_dropped = requests_dropped + ?2 WHERE id = ?1");
    if (!update)
        return update.error();
    return (*update)->bindInt(1, runId).bindInt(2, static_cast<std::int64_t>(count)).run();
}

Status ResultStore::finishRun(std::int64_t runId, engine::RunStatus status, const std::string& message,
                              std::chrono::system_clock::time_point finishedAt) {
    auto update = m_impl->prepare("UPDATE runs SET status = ?2, message = ?3, finished_at = ?4 WHERE id = ?1");
    if (!update)
        return update.error();
    (*update)->bindInt(1, runId).bindText(2, engine::runStatusName(status)).bindTextOrNull(3, message);
    if (auto updated = (*update)->bindText(4, formatIsoUtc(finishedAt)).run(); !updated)
        return updated;
    return sqlite3_changes(m_impl->db.get()) == 1 ? Status() : Status(noSuchRun(runId));
}

Status ResultStore::deleteRun(std::int64_t runId) {
    auto remove = m_impl->prepare("DELETE FROM runs WHERE id = ?1");
    if (!remove)
        return remove.error();
    if (auto removed = (*remove)->bindInt(1, runId).run(); !removed)
        return removed;
    return sqlite3_changes(m_impl->db.get()) == 1 ? Status() : Status(noSuchRun(runId));
}

Status ResultStore::inTransaction(const std::function<Status()>& body) {
    auto transaction = sqlite::Transaction::begin(m_impl->db.get());
    if (!transaction)
        return transaction.error();
    if (auto done = body(); !done)
        return done;
    return transaction->commit();
}

} // namespace faaswb::results
