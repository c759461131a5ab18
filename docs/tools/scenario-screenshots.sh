#!/bin/sh
# Scenario screenshots for the documentation: runs each example experiment resources/experiments/<type>.yaml in the
# real workbench window (offscreen, embedded local platform) and saves docs/screenshots/scenario-<type>.png.
#
#   docs/tools/scenario-screenshots.sh [BUILD_DIR] [TYPE...]
#
# BUILD_DIR (default build/dev) must hold bin/faaswb-doc-screenshots (target faaswb-doc-screenshots, built with the
# GUI on) and bin/faaswb-function-host. Without TYPEs it takes all nine (about 15 minutes: every experiment runs).
# Most pages are the live dashboard as the run left it (its last cell). Swept examples whose point is the comparison
# of cells show the Summary tab instead: workflow-chain (mechanism x payload), eventing (triggers) and perf-cost
# (memory limits). cold-start shows its last run on the Results page: the latency histogram's cold and warm modes say
# more than the dashboard, whose lines join the few intervals the separate cold requests leave.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/dev}
[ $# -gt 0 ] && shift
tool=$build/bin/faaswb-doc-screenshots
if [ ! -x "$tool" ]; then
    echo "missing $tool: cmake --build $build --target faaswb-doc-screenshots" >&2
    exit 2
fi
types=${*:-warm-latency cold-start concurrency-one autoscaling batch workflow-chain eventing trace-replay perf-cost}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

page_for() {
    case $1 in
    workflow-chain | eventing | perf-cost) echo summary ;;
    cold-start) echo results ;;
    *) echo dashboard ;;
    esac
}

failed=0
for type in $types; do
    page=$(page_for "$type")
    out=$root/docs/screenshots/scenario-$type.png
    echo "== $type ($page page)"
    # Exit code 4 (a threshold failed) still leaves a complete run to show.
    status=0
    QT_QPA_PLATFORM=offscreen "$tool" --experiment "$root/resources/experiments/$type.yaml" \
        --db "$work/$type.db" --out "$out" --theme light --page "$page" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 4 ]; then
        echo "$type: failed with exit code $status" >&2
        failed=1
    fi
done
exit $failed
