#!/usr/bin/env bash
# What the local platform's gateway costs on the hot path (issue 3 targets in brackets):
#   - added latency at 1,000 req/s open loop, direct vs through the gateway [p50 <= +50 us, p99 <= +200 us],
#   - closed-loop throughput with 64 connections, direct vs gateway [gateway >= 50% of direct],
#   - 1,000 concurrent connections through the gateway without errors.
# The upstream is `faaswb-function-host 000.noop` (falls back to faaswb-target when the host is not built); the
# gateway is faaswb-gateway-bench (one revision, one ready instance, activator out of the path). Load comes from
# `faas-workbench load`. Not part of ctest; build a Release tree with -DFAASWB_BUILD_PERF=ON first.
# Usage: tests/perf/gateway_overhead.sh [seconds per run, default 10]   (BIN_DIR=<build>/bin)
set -euo pipefail
# shellcheck source=tests/perf/perf_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/perf_common.sh"

DURATION=${1:-10}
UPSTREAM_PID=
GATEWAY_PID=

stop_children() {
    for pid in $GATEWAY_PID $UPSTREAM_PID; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true # the status of a process we killed says nothing
    done
}
trap 'stop_children; cleanup' EXIT

require_binary faas-workbench
require_binary faaswb-gateway-bench

# Waits for "listening on 127.0.0.1:PORT" in file $1 and prints PORT.
port_from() {
    for _ in $(seq 200); do
        if grep -q '^listening on ' "$1"; then
            sed -n 's/^listening on 127\.0\.0\.1://p' "$1" | head -n 1
            return 0
        fi
        sleep 0.05
    done
    echo "no port line in $1" >&2
    exit 3
}

printf '{}' >"$PERF_TMP/body.json"
if [[ -x $BIN_DIR/faaswb-function-host ]]; then
    UPSTREAM_NAME="faaswb-function-host 000.noop"
    PORT=0 "$BIN_DIR/faaswb-function-host" 000.noop >"$PERF_TMP/upstream.out" &
else
    UPSTREAM_NAME="faaswb-target"
    "$BIN_DIR/faaswb-target" --port 0 --threads 1 >"$PERF_TMP/upstream.out" &
fi
UPSTREAM_PID=$!
UPSTREAM_PORT=$(port_from "$PERF_TMP/upstream.out")
"$BIN_DIR/faaswb-gateway-bench" --upstream-port "$UPSTREAM_PORT" >"$PERF_TMP/gateway.out" &
GATEWAY_PID=$!
GATEWAY_PORT=$(port_from "$PERF_TMP/gateway.out")
DIRECT_URL="http://127.0.0.1:$UPSTREAM_PORT/"
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT/default/bench/"

# For scale: nginx (one worker, kept-alive upstream connections) proxying to the same upstream, i.e. what one more
# loopback hop through a mature proxy costs on this machine. Sets PROXY_URL; empty when nginx is missing.
PROXY_URL=
start_nginx_proxy() {
    command -v nginx >/dev/null || return 0
    local port
    port=$(free_port)
    mkdir -p "$PERF_TMP/nginx/logs"
    cat >"$PERF_TMP/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $PERF_TMP/nginx/nginx.pid;
error_log $PERF_TMP/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 100000000;
    client_body_temp_path $PERF_TMP/nginx/body;
    proxy_temp_path $PERF_TMP/nginx/proxy;
    fastcgi_temp_path $PERF_TMP/nginx/fastcgi;
    uwsgi_temp_path $PERF_TMP/nginx/uwsgi;
    scgi_temp_path $PERF_TMP/nginx/scgi;
    upstream function { server 127.0.0.1:$UPSTREAM_PORT; keepalive 256; }
    server {
        listen 127.0.0.1:$port;
        location / { proxy_pass http://function; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
CONF
    nginx -p "$PERF_TMP/nginx" -c "$PERF_TMP/nginx/nginx.conf" &
    NGINX_PID=$!
    PROXY_URL="http://127.0.0.1:$port/"
    for _ in $(seq 100); do # any HTTP answer will do: the function host may not serve GET /
        [[ $(curl -s -o /dev/null -w '%{http_code}' "$PROXY_URL") != 000 ]] && return 0
        sleep 0.05
    done
    echo "nginx did not start; see $PERF_TMP/nginx/logs/error.log" >&2
    PROXY_URL=
}

load() {
    "$BIN_DIR/faas-workbench" load "$@" --duration "${DURATION}s" --body "$PERF_TMP/body.json" \
        --header 'Content-Type: application/json' 2>&1 || true
}
# "Latency p50/p90/p99/p99.9/max: 0.288ms 7.683ms ..." -> field N (1 = p50, 3 = p99) in microseconds.
field_after() { awk -v label="$2" 'index($0, label) { sub(/.*: /, ""); print $1; exit }' <<<"$1"; }
pick() { # $1 report, $2 "Latency" or "Service time", $3 index 1..5
    local line
    line=$(grep -m1 "  $2 p50" <<<"$1" | sed 's/.*max: //; s/  (from.*//')
    to_micros "$(awk -v n="$3" '{ print $n }' <<<"$line")"
}
errors_of() { local e; e=$(grep -m1 'Errors:' <<<"$1" | awk '{ print $2 }'); echo "${e:-0}"; }

echo "upstream: $UPSTREAM_NAME on :$UPSTREAM_PORT, gateway on :$GATEWAY_PORT, ${DURATION}s per run"

start_nginx_proxy
echo "== 1,000 req/s open loop"
DIRECT=$(load "$DIRECT_URL" --rate 1000)
GATEWAY=$(load "$GATEWAY_URL" --rate 1000)
PROXY=
[[ -z $PROXY_URL ]] || PROXY=$(load "$PROXY_URL" --rate 1000)
for kind in Latency "Service time"; do
    d50=$(pick "$DIRECT" "$kind" 1)
    d99=$(pick "$DIRECT" "$kind" 3)
    g50=$(pick "$GATEWAY" "$kind" 1)
    g99=$(pick "$GATEWAY" "$kind" 3)
    printf '  %-13s direct p50 %6d us p99 %6d us | gateway p50 %6d us p99 %6d us | added p50 %+6d us [<= +50] p99 %+6d us [<= +200]\n' \
        "$kind" "$d50" "$d99" "$g50" "$g99" $((g50 - d50)) $((g99 - d99))
done
if [[ -n $PROXY ]]; then
    printf '  for scale, nginx as the proxy: service time p50 %+d us, p99 %+d us over direct\n' \
        $(($(pick "$PROXY" "Service time" 1) - $(pick "$DIRECT" "Service time" 1))) \
        $(($(pick "$PROXY" "Service time" 3) - $(pick "$DIRECT" "Service time" 3)))
fi
echo "  errors: direct $(errors_of "$DIRECT"), gateway $(errors_of "$GATEWAY")"

echo "== closed loop, 64 connections"
DIRECT=$(load "$DIRECT_URL" --connections 64)
GATEWAY=$(load "$GATEWAY_URL" --connections 64)
DIRECT_RPS=$(field_after "$DIRECT" "Requests/sec:")
GATEWAY_RPS=$(field_after "$GATEWAY" "Requests/sec:")
echo "  direct $DIRECT_RPS req/s, gateway $GATEWAY_RPS req/s, ratio $(ratio "$GATEWAY_RPS" "$DIRECT_RPS") [>= 0.5]"
echo "  errors: direct $(errors_of "$DIRECT"), gateway $(errors_of "$GATEWAY")"

echo "== 1,000 connections through the gateway"
ulimit -n 8192 2>/dev/null || true
MANY=$(load "$GATEWAY_URL" --connections 1000)
echo "  $(field_after "$MANY" "Requests/sec:") req/s, p99 $(pick "$MANY" "Service time" 3) us, errors $(errors_of "$MANY") [0]"
grep -m1 'Errors:' <<<"$MANY" || true
