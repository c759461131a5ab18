#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60) on a copy of its seed corpus (tests/fuzz/corpus/<target>),
# printing executions and exec/s per target. A crash, sanitizer report, leak or hang fails the script; its input is
# saved to tests/fuzz/regressions/<target>/, which tst_fuzz_regressions replays in every normal build.
#   tests/fuzz/run.sh [SECONDS]
#   FAASWB_FUZZ_JOBS=2 (targets run side by side), FAASWB_FUZZ_TARGETS="spans kubeconfig" (a subset),
#   FAASWB_FUZZ_BUILD_DIR (default build/fuzz; configured with clang + ASan/UBSan when missing).
set -euo pipefail

seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${FAASWB_FUZZ_BUILD_DIR:-$root/build/fuzz}
jobs=${FAASWB_FUZZ_JOBS:-1}
read -r -a targets <<<"${FAASWB_FUZZ_TARGETS:-experiment_yaml kubeconfig cloudevent spans gateway_request watch_stream}"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
    # FAASWB_BUILD_TESTS=ON makes tests/CMakeLists.txt add this folder; only the fuzz targets get built.
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFAASWB_FUZZ=ON \
        -DFAASWB_BUILD_GUI=OFF -DFAASWB_BUILD_TESTS=ON -DFAASWB_BUILD_PERF=OFF -DFAASWB_SANITIZE=address,undefined
fi
cmake --build "$build" -j2 --target "${targets[@]/#/fuzz_}"

work=$(mktemp -d "${TMPDIR:-/tmp}/faaswb-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

# Runs one target; prints its line of the summary and returns non-zero on a finding.
fuzz_one() {
    local target=$1 log="$work/$1.log"
    mkdir -p "$work/corpus-$target" "$work/artifacts-$target"
    cp "$here/corpus/$target/"* "$work/corpus-$target/" 2>/dev/null || true
    local rc=0
    "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts-$target/" "$work/corpus-$target" >"$log" 2>&1 || rc=$?
    local execs rate
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if ((rc != 0)); then
        mkdir -p "$here/regressions/$target"
        cp "$work/artifacts-$target/"* "$here/regressions/$target/" 2>/dev/null || true
        grep -m3 -E 'ERROR: |runtime error|SUMMARY|fuzz property failed' "$log" | sed "s/^/  $target: /" || true
        mkdir -p "$build/fuzz/logs" && cp "$log" "$build/fuzz/logs/$target.log"
        printf '%-16s FAILED (exit %d) after %s executions; input saved to tests/fuzz/regressions/%s/, log %s\n' \
            "$target" "$rc" "${execs:-?}" "$target" "$build/fuzz/logs/$target.log"
        return 1
    fi
    printf '%-16s %12s executions %10s exec/s  (%ss)\n' "$target" "${execs:-?}" "${rate:-?}" "$seconds"
}

status=0
pids=()
for target in "${targets[@]}"; do
    fuzz_one "$target" &
    pids+=($!)
    if ((${#pids[@]} >= jobs)); then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done
exit $status
