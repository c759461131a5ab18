#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: the quickstart experiment, headless, against a local
# loopback endpoint; prints where the results went.
set -euo pipefail
cd "$(dirname "$0")"

./packaging/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j"$(nproc)"

bin="$PWD/build/dev/bin"
results="${FAASWB_RESULTS_DIR:-$PWD/results}"
mkdir -p "$results"

# The quickstart's `demo` platform is a plain HTTP endpoint; until the local platform lands, a loopback target
# server stands in for the function (ephemeral port, 1 ms of work per request).
coproc TARGET { exec "$bin/faaswb-target" --port 0 --delay-ms 1 --instance-header demo-1 --cold-first; }
target_pid=$TARGET_PID
trap 'kill "$target_pid" 2>/dev/null || true' EXIT
read -r -t 10 first_line <&"${TARGET[0]}"
port="${first_line##*:}"

FAASWB_DEMO_URL="http://127.0.0.1:${port}/" "$bin/faas-workbench" run resources/experiments/quickstart.yaml \
    --db "$results/quickstart.db" --out "$results/quickstart"

echo
echo "Results database: $results/quickstart.db  (list runs: $bin/faas-workbench runs --db $results/quickstart.db)"
echo "CSV and HdrHistogram logs: $results/quickstart/"
