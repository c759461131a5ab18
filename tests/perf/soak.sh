#!/usr/bin/env bash
# Soak benchmark (issue 8, "Long runs"; not part of ctest): a long open-loop run through the local platform with the
# autoscaler active, sampling every process of the platform, its instances and the load generator.
#
#   tests/perf/soak.sh                      # 30 minutes at 2000 req/s
#   SOAK_MINUTES=5 SOAK_RPS=500 tests/perf/soak.sh
#
# Environment: SOAK_MINUTES (30), SOAK_RPS (2000), SOAK_BENCHMARK (000.noop), SOAK_LANGUAGE (cpp),
# SOAK_TARGET (autoscaling concurrency target per instance, 1: several instances at any rate), SOAK_INTERVAL (10, s
# between samples), SOAK_MAX_REQUEST_RECORDS (100000: the load generator keeps per-request rows up to this cap by
# design, so a small cap keeps that planned growth out of the figures), SOAK_OUT (where samples.tsv, soak.db and the logs stay; default a new folder under /tmp),
# BIN_DIR (the build's bin/, default build/dev/bin).
# The daemon runs as `faas-workbench local-platform`, the load as `faas-workbench run` against it, so the platform,
# the instances and the load generator are separate processes. At the end tests/perf/soak_report.py prints, per
# process: RSS after 2 minutes and at the end, growth %, open fds at start and end; and whether the run was stored
# complete with intervals covering the whole duration. Exit code 1 when the results are incomplete.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/perf_common.sh"

MINUTES=${SOAK_MINUTES:-30}
MAX_RECORDS=${SOAK_MAX_REQUEST_RECORDS:-100000}
RPS=${SOAK_RPS:-2000}
BENCHMARK=${SOAK_BENCHMARK:-000.noop}
LANGUAGE=${SOAK_LANGUAGE:-cpp}
TARGET=${SOAK_TARGET:-1}
INTERVAL=${SOAK_INTERVAL:-10}
OUT=${SOAK_OUT:-$(mktemp -d /tmp/faaswb-soak.XXXXXX)}
mkdir -p "$OUT"
require_binary faas-workbench
require_binary faaswb-function-host

DAEMON_PID=
RUN_PID=
# kill -0 also succeeds on a zombie (the run before `wait` reaps it).
running() { [[ -r /proc/$1/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
soak_cleanup() {
    # No errexit here: `wait` returns the run's own exit status (130 after the kill), which would end the clean-up
    # before the daemon is stopped and leave it and its instances running.
    set +e
    [[ -n $RUN_PID ]] && kill "$RUN_PID" 2>/dev/null && wait "$RUN_PID" 2>/dev/null
    [[ -n $DAEMON_PID ]] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
    cleanup
}
trap soak_cleanup EXIT

# Every descendant of the given pids (instances are children of the daemon), one ps per sample.
descendants() {
    ps -e -o pid=,ppid= | awk -v roots="$*" '
        BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) keep[r[i]] = 1 }
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            do { added = 0
                 for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; added = 1 } }
            } while (added)
            for (p in keep) print p
        }'
}

# One line per live process: elapsed seconds, pid, role, name, VmRSS kB, open fds.
sample() {
    local elapsed=$1 pid role name rss fds
    for pid in $(descendants "$DAEMON_PID" "$RUN_PID"); do
        [[ -r /proc/$pid/status ]] || continue
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
        [[ -n $rss ]] || continue
        fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
        case $pid in
        "$DAEMON_PID") role=platform ;;
        "$RUN_PID") role=load ;;
        *) role=instance ;;
        esac
        # The instance's revision is its log file name; the wrapper's command line names the benchmark.
        # The program and, for ours, the subcommand or the benchmark (an instance's last argument).
        name=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | awk '{ n = split($1, a, "/"); m = split($(role == "instance" ? NF : 2), b, "/"); printf "%s %s", a[n], b[m] }' role="$role")
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$elapsed" "$pid" "$role" "${name:-?}" "$rss" "$fds"
    done
}

"$BIN_DIR/faas-workbench" local-platform --state-dir "$OUT/state" --autoscaler stable-window=6s \
    >"$OUT/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 200); do
    [[ -s $OUT/state/state.json ]] && break
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$OUT/daemon.log" >&2; exit 3; }
    sleep 0.05
done
[[ -s $OUT/state/state.json ]] || { echo "the local platform did not start" >&2; exit 3; }

cat >"$OUT/soak.yaml" <<YAML
name: soak
platform: local
platforms:
  local: {type: local, stateDir: $OUT/state}
settings: {maxRequestRecords: $MAX_RECORDS}
benchmarks:
  - id: $BENCHMARK
    languages: [$LANGUAGE]
    autoscaling: {metric: concurrency, target: $TARGET, maxScale: 20}
scenarios:
  - name: soak
    type: load
    rate: $RPS
    duration: ${MINUTES}m
YAML

echo "soak: $MINUTES min at $RPS req/s, $BENCHMARK ($LANGUAGE), samples every ${INTERVAL}s in $OUT" >&2
"$BIN_DIR/faas-workbench" run "$OUT/soak.yaml" --db "$OUT/soak.db" --quiet >"$OUT/run.log" 2>&1 &
RUN_PID=$!
START=$(date +%s)
printf 'elapsed_s\tpid\trole\tname\trss_kb\tfds\n' >"$OUT/samples.tsv"
while running "$RUN_PID"; do
    now=$(date +%s)
    sample $((now - START)) >>"$OUT/samples.tsv"
    # Samples on a fixed grid from the start (not drifting by the time a sample takes).
    next=$((START + ((now - START) / INTERVAL + 1) * INTERVAL))
    while ((($(date +%s) < next))) && running "$RUN_PID"; do sleep 0.5; done
done
set +e
wait "$RUN_PID"
RUN_STATUS=$?
RUN_PID=
set -e
echo "faas-workbench run exited with $RUN_STATUS" >&2
python3 "$ROOT_DIR/tests/perf/soak_report.py" "$OUT/samples.tsv" "$OUT/soak.db" "$((MINUTES * 60))" "$RPS"
