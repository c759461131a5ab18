-- The results schema as version 1 (the first release) created it, kept to test the migrations from it.
-- Never edit: it is what databases in the field hold.
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
PRAGMA user_version = 1;
