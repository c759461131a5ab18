#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: the local-quickstart experiment on the embedded local
# platform (a miniature Knative on this machine). With a display, the workbench window opens with the experiment
# loaded (press Run); without one, the experiment runs headless and the script prints where the report went.
set -euo pipefail
cd "$(dirname "$0")"

./packaging/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j"$(nproc)"

bin="$PWD/build/dev/bin"
results="${FAASWB_RESULTS_DIR:-$PWD/results}"
mkdir -p "$results"

experiment=resources/experiments/local-quickstart.yaml
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -z "${FAASWB_HEADLESS:-}" ]]; then
    exec "$bin/faas-workbench" gui "$experiment" --db "$results/local-quickstart.db"
fi

# Deploys 010.sleep (C++ and Python) on the local platform, measures warm latency, cold starts and an autoscaling
# step, and stores everything; about 2.5 minutes.
"$bin/faas-workbench" run resources/experiments/local-quickstart.yaml \
    --db "$results/local-quickstart.db" --out "$results/local-quickstart"

echo
echo "Results database: $results/local-quickstart.db  (list runs: $bin/faas-workbench runs --db $results/local-quickstart.db)"
echo "CSV, HdrHistogram logs and PNG charts: $results/local-quickstart/"
echo "Report: $results/local-quickstart/report.html"
