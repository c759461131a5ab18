#!/usr/bin/env bash
# Throughput of our load engine against wrk and hey: each drives nginx on loopback with one load thread and 64
# keep-alive connections for 10 s, closed loop. Prints each tool's requests/s and our ratio to wrk and to hey.
# Not part of ctest. Usage: tests/perf/load_vs_wrk_hey.sh   (BIN_DIR=<build>/bin, DURATION=10, CONNECTIONS=64)
set -euo pipefail
source "$(dirname "$0")/perf_common.sh"

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}

ensure_commands nginx wrk hey curl
require_binary bench_load_engine
start_nginx

# Until `faas-workbench load` is the agreed driver, bench_load_engine runs the engine directly (same core code).
ours=$("$BIN_DIR/bench_load_engine" "$NGINX_URL" --connections "$CONNECTIONS" --threads 1 --duration "${DURATION}s" |
    awk '/^Requests\/sec:/ { print $2 }')
wrk=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$NGINX_URL" | awk '/^Requests\/sec:/ { print $2 }')
hey=$(hey -z "${DURATION}s" -c "$CONNECTIONS" -cpus 1 "$NGINX_URL" | awk '/Requests\/sec:/ { print $2 }')

printf '%-22s %12s\n' "tool" "requests/s"
printf '%-22s %12.0f\n' "faaswb load engine" "$ours" "wrk -t1 -c$CONNECTIONS" "$wrk" "hey -c$CONNECTIONS -cpus 1" "$hey"
echo "ours / wrk: $(ratio "$ours" "$wrk")"
echo "ours / hey: $(ratio "$ours" "$hey")"
