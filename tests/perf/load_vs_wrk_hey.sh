#!/usr/bin/env bash
# Throughput of our load engine against wrk and hey: each drives nginx on loopback with one load thread and 64
# keep-alive connections for 10 s, closed loop. Prints each tool's requests/s, the requests per CPU-second the tool
# itself used (steadier than requests/s on a shared machine), and our ratios to wrk and to hey.
# Not part of ctest. Usage: tests/perf/load_vs_wrk_hey.sh
#   (environment: BIN_DIR=<build>/bin, DURATION=10, CONNECTIONS=64, USE_CLI=1)
set -euo pipefail
source "$(dirname "$0")/perf_common.sh"

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}

ensure_commands nginx wrk hey curl
# bench_load_engine runs the engine directly (same core code, no progress output); USE_CLI=1 measures
# `faas-workbench load` instead, which takes the same flags and prints the same "Requests/sec:" line.
if [[ ${USE_CLI:-0} == 1 ]]; then
    require_binary faas-workbench
    ours_command=("$BIN_DIR/faas-workbench" load)
else
    require_binary bench_load_engine
    ours_command=("$BIN_DIR/bench_load_engine")
fi
start_nginx

# Runs a load tool; prints "<requests/s> <requests per CPU-second>" (CPU = the tool's own user + system time).
measure() {
    local output cpu rate
    output=$({ TIMEFORMAT='%U %S'; time "$@" 2>/dev/null; } 2>&1)
    rate=$(awk '/Requests\/sec:/ { print $2 }' <<<"$output")
    cpu=$(tail -n 1 <<<"$output" | awk '{ print $1 + $2 }')
    awk -v r="$rate" -v c="$cpu" -v d="$DURATION" 'BEGIN { printf "%.0f %.0f\n", r, (c > 0 ? r * d / c : 0) }'
}

read -r ours ours_cpu < <(measure "${ours_command[@]}" "$NGINX_URL" --connections "$CONNECTIONS" --threads 1 \
    --duration "${DURATION}s")
read -r wrk wrk_cpu < <(measure wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$NGINX_URL")
read -r hey hey_cpu < <(measure hey -z "${DURATION}s" -c "$CONNECTIONS" -cpus 1 "$NGINX_URL")

printf '%-22s %12s %16s\n' "tool" "requests/s" "requests/CPU-s"
printf '%-22s %12s %16s\n' "faaswb load engine" "$ours" "$ours_cpu" "wrk -t1 -c$CONNECTIONS" "$wrk" "$wrk_cpu" \
    "hey -c$CONNECTIONS -cpus 1" "$hey" "$hey_cpu"
echo "ours / wrk: $(ratio "$ours" "$wrk") (per CPU-second: $(ratio "$ours_cpu" "$wrk_cpu"))"
echo "ours / hey: $(ratio "$ours" "$hey") (per CPU-second: $(ratio "$ours_cpu" "$hey_cpu"))"
