#!/usr/bin/env bash
# Open-loop accuracy of our load engine. 1) 20k req/s for 30 s against nginx: the achieved rate must be within 1%
# of the target. 2) 1k req/s for 30 s against faaswb-target stalling 1 s in every 10: our corrected p99 (from the
# intended send time) and uncorrected p99 (service time, what a naive closed-loop tool sees) beside wrk's p99 with
# the same connections. wrk 4 does not time requests from an intended send time, but after the run it back-fills
# coordinated omission (stats_correct: synthetic samples for every latency above twice its mean per-connection
# interval), so its p99 shows the stall too, approximately.
# Not part of ctest. Usage: tests/perf/constant_rate_check.sh   (BIN_DIR=<build>/bin, DURATION=30, THREADS=N)
set -euo pipefail
source "$(dirname "$0")/perf_common.sh"

DURATION=${DURATION:-30}
RATE=${RATE:-20000}
STALL_RATE=${STALL_RATE:-1000}
CONNECTIONS=${CONNECTIONS:-64}

ensure_commands nginx wrk curl
require_binary bench_load_engine
start_nginx

echo "== constant rate: $RATE req/s for ${DURATION}s against nginx"
# Load threads as the product defaults them (one per core) unless THREADS says otherwise: one thread on a busy
# two-core machine can fall behind 20k req/s, which this check would then (rightly) report as saturation.
threads=()
[[ -n ${THREADS:-} ]] && threads=(--threads "$THREADS")
report=$("$BIN_DIR/bench_load_engine" "$NGINX_URL" --rate "$RATE" --connections "$CONNECTIONS" "${threads[@]}" \
    --duration "${DURATION}s")
echo "$report"
read -r target achieved < <(awk '/^Target rate:/ { print $3, $5 }' <<<"$report")
accuracy=$(ratio "$achieved" "$target")
echo "achieved $achieved req/s, target $target req/s, ratio $accuracy"
status=0
if awk -v r="$accuracy" 'BEGIN { exit !(r >= 0.99 && r <= 1.01) }'; then
    echo "PASS: achieved rate within 1% of target"
else
    echo "FAIL: achieved rate off by more than 1%"
    status=1
fi

echo "== stall: $STALL_RATE req/s for ${DURATION}s against faaswb-target --stall-every 10 --stall-for 1"
start_target --threads 1 --stall-every 10 --stall-for 1
report=$("$BIN_DIR/bench_load_engine" "$TARGET_URL" --rate "$STALL_RATE" --connections "$CONNECTIONS" --threads 1 \
    --duration "${DURATION}s")
echo "$report"
ours_corrected=$(awk '/^Latency p50/ { print $5 }' <<<"$report")
ours_uncorrected=$(awk '/^Service time p50/ { print $6 }' <<<"$report")
kill "$TARGET_PID" && wait "$TARGET_PID" 2>/dev/null || true
TARGET_PID=
start_target --threads 1 --stall-every 10 --stall-for 1
wrk_p99=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$TARGET_URL" | awk '$1 == "99%" { print $2 }')
echo "p99: ours corrected $ours_corrected, ours uncorrected $ours_uncorrected," \
    "wrk $wrk_p99 (back-filled by stats_correct)"
echo "ours corrected / wrk: $(ratio "$(to_micros "$ours_corrected")" "$(to_micros "$wrk_p99")")"
echo "ours corrected / ours uncorrected: $(ratio "$(to_micros "$ours_corrected")" "$(to_micros "$ours_uncorrected")")"
exit $status
