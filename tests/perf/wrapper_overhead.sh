#!/usr/bin/env bash
# What the language wrappers cost (benchmarks/wrappers): for each language,
#   - throughput and median latency of 000.noop under wrk (one thread, 32 keep-alive connections),
#   - concurrency: 010.sleep {"ms": 100} under 100 connections (ideal: 1000 req/s at a 100 ms median),
#   - cold start: spawn to the first 200 from /healthz, median of N spawns.
# Not part of ctest. Usage: tests/perf/wrapper_overhead.sh [seconds per wrk run, default 5] [spawns, default 10]
#   BIN_DIR=<build>/bin for faaswb-function-host; PYTHON / NODE choose the interpreters.
set -euo pipefail
# shellcheck source=tests/perf/perf_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/perf_common.sh"

DURATION=${1:-5}
SPAWNS=${2:-10}
if [[ -z ${PYTHON:-} ]]; then
    PYTHON=/usr/bin/python3 # Debian's: the one that sees python3-* packages
    [[ -x $PYTHON ]] || PYTHON=$(command -v python3)
fi
NODE=${NODE:-$(command -v node || command -v nodejs || true)}
WRAPPER_PID=
WRAPPER_ARGV=()
WRAPPERS=$ROOT_DIR/benchmarks/wrappers

ensure_commands wrk curl
require_binary faaswb-function-host
[[ -n $NODE ]] || { echo "node is missing: packaging/install-deps.sh installs nodejs" >&2; exit 2; }

stop_wrapper() {
    if [[ -n $WRAPPER_PID ]]; then
        kill "$WRAPPER_PID" 2>/dev/null || true
        wait "$WRAPPER_PID" 2>/dev/null || true # the status of a process we killed says nothing
    fi
    WRAPPER_PID=
}
trap 'stop_wrapper; cleanup' EXIT

# Sets WRAPPER_ARGV to the command that serves benchmark $2 in language $1 (benchmarks/README.md).
wrapper_argv() {
    case $1 in
        cpp) WRAPPER_ARGV=("$BIN_DIR/faaswb-function-host" "$2") ;;
        python) WRAPPER_ARGV=("$PYTHON" "$WRAPPERS/python/server.py" "$ROOT_DIR/benchmarks/$2/python/function.py") ;;
        nodejs) WRAPPER_ARGV=("$NODE" "$WRAPPERS/nodejs/server.js" "$ROOT_DIR/benchmarks/$2/nodejs/function.js") ;;
    esac
}

# Starts a wrapper on an ephemeral port; sets WRAPPER_PID and WRAPPER_URL.
start_wrapper() {
    local out=$PERF_TMP/wrapper.out
    : >"$out"
    wrapper_argv "$1" "$2"
    PORT=0 "${WRAPPER_ARGV[@]}" >"$out" &
    WRAPPER_PID=$!
    for _ in $(seq 200); do
        grep -q '^listening on ' "$out" && break
        sleep 0.05
    done
    WRAPPER_URL="http://$(sed -n 's/^listening on //p' "$out" | head -n 1)/"
    wait_for_http "${WRAPPER_URL}healthz"
}

# wrk POSTing the JSON body $1 for DURATION seconds with $2 connections: prints "<req/s> <p50 µs>".
measure() {
    local script=$PERF_TMP/post.lua
    printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' "$1" >"$script"
    local report
    report=$(wrk -t1 -c"$2" -d"${DURATION}s" --latency -s "$script" "$WRAPPER_URL")
    local rate p50
    rate=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$report")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$report")
    local errors
    errors=$(awk '/Non-2xx|Socket errors/' <<<"$report")
    [[ -z $errors ]] || echo "  $errors" >&2
    echo "$rate $(to_micros "$p50")"
}

# Median over SPAWNS of spawn -> first 200 from /healthz, in milliseconds (timed in one process, without curl's
# own start-up in the measurement).
cold_start_ms() {
    wrapper_argv "$1" 000.noop
    "$PYTHON" - "$SPAWNS" "${WRAPPER_ARGV[@]}" <<'PY'
import http.client, os, statistics, subprocess, sys, time
spawns, command = int(sys.argv[1]), sys.argv[2:]
samples = []
for _ in range(spawns):
    start = time.perf_counter()
    child = subprocess.Popen(command, env=dict(os.environ, PORT='0'), stdout=subprocess.PIPE, text=True)
    port = int(child.stdout.readline().rsplit(':', 1)[1])
    while True:
        try:
            connection = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
            connection.request('GET', '/healthz')
            if connection.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.001)
    samples.append((time.perf_counter() - start) * 1000)
    child.terminate()
    child.wait()
print(f'{statistics.median(samples):.1f}')
PY
}

ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }

printf '%-8s %12s %10s   %16s %14s   %14s\n' \
    language "noop req/s" "noop p50" "sleep100 req/s" "sleep100 p50" "cold start"
for language in cpp python nodejs; do
    start_wrapper "$language" 000.noop
    read -r noop_rate noop_p50 < <(measure '{}' 32)
    stop_wrapper
    start_wrapper "$language" 010.sleep
    read -r sleep_rate sleep_p50 < <(measure '{"ms":100}' 100)
    stop_wrapper
    cold=$(cold_start_ms "$language")
    printf '%-8s %12s %8s ms   %16s %11s ms   %11s ms\n' "$language" "$noop_rate" "$(ms "$noop_p50")" \
        "$sleep_rate" "$(ms "$sleep_p50")" "$cold"
done
