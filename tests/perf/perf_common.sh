# Shared helpers for the tests/perf scripts (sourced, not run): tool installation, a throwaway nginx on loopback,
# and locating the project's binaries. Not part of ctest.

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN_DIR=${BIN_DIR:-$ROOT_DIR/build/dev/bin}
PERF_TMP=$(mktemp -d /tmp/faaswb-perf.XXXXXX)
NGINX_PID=
TARGET_PID=

cleanup() {
    [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    [[ -n $TARGET_PID ]] && kill "$TARGET_PID" 2>/dev/null && wait "$TARGET_PID" 2>/dev/null
    rm -rf "$PERF_TMP"
}
trap cleanup EXIT

# Installs the Debian packages whose commands are missing (apt-get needs root, as on our machines and CI).
ensure_commands() {
    local missing=()
    for command in "$@"; do
        command -v "$command" >/dev/null || missing+=("$command")
    done
    ((${#missing[@]} == 0)) && return 0
    echo "installing ${missing[*]} with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

require_binary() {
    if [[ ! -x $BIN_DIR/$1 ]]; then
        echo "missing $BIN_DIR/$1: build it first (cmake --build <dir> --target $1) or set BIN_DIR" >&2
        exit 2
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
        shuf -i 20000-60000 -n 1
}

wait_for_http() {
    for _ in $(seq 100); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.05
    done
    echo "nothing answers at $1" >&2
    exit 3
}

# nginx with one worker answering 200 "ok" on 127.0.0.1; sets NGINX_URL. Keep-alive connections are never closed
# by request count, so every tool keeps its connections for the whole run.
start_nginx() {
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
    server {
        listen 127.0.0.1:$port;
        location / { return 200 "ok"; }
    }
}
CONF
    nginx -p "$PERF_TMP/nginx" -c "$PERF_TMP/nginx/nginx.conf" &
    NGINX_PID=$!
    NGINX_URL="http://127.0.0.1:$port/"
    wait_for_http "$NGINX_URL"
}

# faaswb-target with the given options on an ephemeral port; sets TARGET_URL.
start_target() {
    require_binary faaswb-target
    coproc TARGET { exec "$BIN_DIR/faaswb-target" --port 0 "$@"; }
    # coproc sets TARGET_PID; cleanup() stops it.
    local line
    read -r line <&"${TARGET[0]}"
    TARGET_URL="http://${line#listening on }/"
    wait_for_http "$TARGET_URL"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }

# "1.23ms" / "850us" / "1.20s" (wrk and our tools) -> microseconds.
to_micros() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; unit = v; sub(/^[0-9.]+/, "", unit)
        if (unit == "s") n *= 1e6; else if (unit == "ms") n *= 1e3; else if (unit == "m") n *= 6e7
        printf "%.0f", n }'
}
