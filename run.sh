#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: the local-quickstart experiment, headless, on the
# embedded local platform (a miniature Knative on this machine); prints where the results went.
set -euo pipefail
cd "$(dirname "$0")"

./packaging/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j"$(nproc)"

bin="$PWD/build/dev/bin"
results="${FAASWB_RESULTS_DIR:-$PWD/results}"
mkdir -p "$results"

# Deploys 010.sleep (C++ and Python) on the local platform, measures warm latency, cold starts and an autoscaling
# step, and stores everything; about 2.5 minutes.
"$bin/faas-workbench" run resources/experiments/local-quickstart.yaml \
    --db "$results/local-quickstart.db" --out "$results/local-quickstart"

echo
echo "Results database: $results/local-quickstart.db  (list runs: $bin/faas-workbench runs --db $results/local-quickstart.db)"
echo "CSV and HdrHistogram logs: $results/local-quickstart/"
