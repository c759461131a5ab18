#include "results/migrations.h"

#include "results/sqlite_handle.h"

#include <array>

namespace faaswb::results {
namespace {

// Version 1: ARCHITECTURE.md "Results store" plus what the runner and the exports need (owner of a running run,
// failure message, dropped-row count, per-interval error/status breakdowns, uncorrected percentiles and both
// histograms, libcurl phases per request, pending/terminating pods). Unknown values are NULL, never 0.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE experiments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    yaml TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    scenario TEXT NOT NULL,
    scenario_type TEXT,
    benchmark TEXT NOT NULL,
    language TEXT NOT NULL,
    platform TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'cancelled', 'failed', 'incomplete')),
    message TEXT,
    config_json TEXT,
    environment_json TEXT,
    owner_pid INTEGER,
    owner_host TEXT,
    requests_dropped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_experiment_id ON runs(experiment_id);
CREATE TABLE intervals (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    t_ms INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    errors_json TEXT,
    status_json TEXT,
    sent INTEGER,
    bytes INTEGER,
    cold_starts INTEGER,
    rate_target REAL,
    rate_achieved REAL,
    behind INTEGER,
    saturated INTEGER,
    warmup INTEGER NOT NULL DEFAULT 0,
    p50_us INTEGER, p90_us INTEGER, p99_us INTEGER, p999_us INTEGER, max_us INTEGER,
    svc_p50_us INTEGER, svc_p90_us INTEGER, svc_p99_us INTEGER, svc_p999_us INTEGER, svc_max_us INTEGER,
    histogram BLOB,
    svc_histogram BLOB
);
CREATE INDEX intervals_run_id ON intervals(run_id);
CREATE TABLE requests (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    intended_ns INTEGER,
    sent_ns INTEGER,
    dns_us INTEGER,
    connect_us INTEGER,
    tls_us INTEGER,
    ttfb_us INTEGER,
    total_us INTEGER,
    latency_us INTEGER,
    status INTEGER,
    bytes INTEGER,
    error TEXT,
    cold INTEGER,
    instance TEXT,
    trace_id TEXT
);
CREATE INDEX requests_run_id_seq ON requests(run_id, seq);
CREATE TABLE scale_events (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    t_ms INTEGER NOT NULL,
    revision TEXT,
    desired INTEGER,
    actual INTEGER,
    ready INTEGER,
    pending INTEGER,
    terminating INTEGER,
    panic INTEGER
);
CREATE INDEX scale_events_run_id ON scale_events(run_id);
CREATE TABLE spans (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_id TEXT,
    service TEXT,
    name TEXT,
    kind TEXT,
    start_us INTEGER,
    duration_us INTEGER,
    tags_json TEXT
);
CREATE INDEX spans_run_id ON spans(run_id, trace_id);
CREATE TABLE pod_metrics (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    t_ms INTEGER NOT NULL,
    pod TEXT,
    cpu_millicores REAL,
    memory_bytes INTEGER
);
CREATE INDEX pod_metrics_run_id ON pod_metrics(run_id);
-- 0x46615742 "FaWB": marks the file as ours for tools such as file(1)
PRAGMA application_id = 1180784450;
)sql";

// Version 2 (issue 7): the sweep point and repetition of each run, the scenario's named metrics (NULL when the
// platform cannot reveal one) and the outcome of its thresholds. Runs stored by version 1 read as unswept,
// repetition 0, without metrics.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE runs ADD COLUMN sweep_json TEXT;
ALTER TABLE runs ADD COLUMN repeat INTEGER NOT NULL DEFAULT 0;
CREATE TABLE run_metrics (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value REAL,
    unit TEXT
);
CREATE INDEX run_metrics_run_id ON run_metrics(run_id, name);
CREATE TABLE run_thresholds (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    expression TEXT NOT NULL,
    metric TEXT NOT NULL,
    value REAL,
    passed INTEGER NOT NULL,
    note TEXT
);
CREATE INDEX run_thresholds_run_id ON run_thresholds(run_id);
)sql";

struct Migration {
    int version;
    const char* sql;
};

// Append only: a released step never changes, a schema change is a new step.
constexpr std::array kMigrations{Migration{1, kSchemaV1}, Migration{2, kSchemaV2}};

Result<bool> hasTables(sqlite3* db) {
    auto statement = sqlite::Statement::prepare(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
    if (!statement)
        return statement.error();
    auto row = statement->step();
    if (!row)
        return row.error();
    return statement->columnInt(0) > 0;
}

Error newerSchema(const std::string& path, int version) {
    return invalidInput("results database " + path + " has schema version " + std::to_string(version) +
                        ", newer than this faas-workbench supports (" + std::to_string(latestSchemaVersion()) +
                        "); open it with a newer faas-workbench");
}

Error notOurs(const std::string& path) {
    return invalidInput(path + " is a SQLite database but not a FaaS Workbench results database");
}

// Checked inside the step's write transaction: a second process migrating at the same time waits on the lock
// and then finds the step already applied.
Status applyStep(sqlite3* db, const Migration& step, const std::string& path) {
    auto transaction = sqlite::Transaction::begin(db);
    if (!transaction)
        return transaction.error();
    auto version = readSchemaVersion(db);
    if (!version)
        return version.error();
    if (*version >= step.version)
        return {};
    if (auto tables = hasTables(db); !tables || (*version == 0 && *tables))
        return tables ? notOurs(path) : tables.error();
    if (auto applied = sqlite::exec(db, step.sql, "cannot create the results schema in " + path); !applied)
        return applied;
    const std::string setVersion = "PRAGMA user_version = " + std::to_string(step.version);
    if (auto set = sqlite::exec(db, setVersion.c_str(), "cannot record the results schema version"); !set)
        return set;
    return transaction->commit();
}

} // namespace

int latestSchemaVersion() {
    return kMigrations.back().version;
}

Result<int> readSchemaVersion(sqlite3* db) {
    auto statement = sqlite::Statement::prepare(db, "PRAGMA user_version");
    if (!statement)
        return statement.error();
    auto row = statement->step();
    if (!row)
        return row.error();
    return static_cast<int>(statement->columnInt(0));
}

Status migrate(sqlite3* db, const std::string& path) {
    auto version = readSchemaVersion(db);
    if (!version)
        return version.error();
    if (*version > latestSchemaVersion())
        return newerSchema(path, *version);
    for (const Migration& step : kMigrations) {
        if (step.version <= *version)
            continue;
        if (auto applied = applyStep(db, step, path); !applied)
            return applied;
    }
    return {};
}

Status requireLatest(sqlite3* db, const std::string& path) {
    auto version = readSchemaVersion(db);
    if (!version)
        return version.error();
    if (*version > latestSchemaVersion())
        return newerSchema(path, *version);
    if (*version == 0)
        return invalidInput(path + " is not a FaaS Workbench results database (it has no results schema)");
    if (*version < latestSchemaVersion())
        return invalidInput("results database " + path + " has schema version " + std::to_string(*version) +
                            " and needs an upgrade, which a read-only open cannot do; open it once for writing");
    return {};
}

} // namespace faaswb::results
