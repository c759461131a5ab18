#!/usr/bin/env bash
# Sanitizer run (issue 8, "Builds"; nightly, too slow for the CI budget): configure and build a sanitizer preset,
# run its unit and integration suites one at a time, and count the sanitizer reports in their output.
#
#   tests/sanitizers.sh asan                    # ASan + UBSan: build/asan
#   tests/sanitizers.sh tsan                    # TSan: build/tsan
#   tests/sanitizers.sh asan -R 'tst_histogram' # only some suites (extra arguments go to ctest)
#
# Environment: JOBS (2, build parallelism), SKIP_BUILD (1: test what is built), LOG (where the ctest output goes,
# default build/<preset>/sanitizers.log).
# The tests' sanitizer options (halt on the first report, suppression files) come from tests/CMakeLists.txt, so a
# report fails its suite. Exit code: 0 only when every suite passed and no report was printed.
set -euo pipefail

preset=${1:-}
case "$preset" in
asan | tsan) shift ;;
*)
    echo "usage: $0 asan|tsan [ctest arguments...]" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build/$preset"
log=${LOG:-$build/sanitizers.log}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    start=$SECONDS
    cmake --preset "$preset" -S "$root" -DFAASWB_BUILD_GUI=OFF -DFAASWB_BUILD_PERF=OFF >/dev/null
    cmake --build "$build" -j"${JOBS:-2}"
    echo "build: $((SECONDS - start)) s"
fi

start=$SECONDS
set +e
# -j1: the suites start local platforms and measure time; running them side by side only adds sanitizer slowness.
ctest --test-dir "$build" -L 'unit|integration' --output-on-failure -j1 "$@" 2>&1 | tee "$log"
ctest_rc=${PIPESTATUS[0]}
set -e
echo "tests: $((SECONDS - start)) s"

# One line per report, whichever runtime printed it (child processes forward their stderr into the suite's output).
pattern='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|WARNING: ThreadSanitizer'
reports=$(grep -cE "$pattern" "$log" || true)
echo "sanitizer reports: $reports (details: grep -nE '$pattern' $log)"
if [[ "$reports" != 0 || "$ctest_rc" != 0 ]]; then
    exit 1
fi
