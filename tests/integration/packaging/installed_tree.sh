#!/usr/bin/env bash
# The installed-tree test (issue 9): builds the .deb with CPack, unpacks it into a temporary root and runs the
# program from there, outside the source tree and without FAASWB_DATA_DIR, so it has to find its data relative to
# its own location. Also validates the desktop entry, the AppStream metainfo and the MIME type definition.
#   installed_tree.sh BUILD_DIR PROJECT_VERSION
# Exit 0: passed; 77: passed, but a validator was missing (ctest shows it as skipped, with the reason); else failed.
set -euo pipefail

build_dir=$(cd "$1" && pwd)
version=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/faaswb-packaging.XXXXXX")
trap 'rm -rf "$work"' EXIT
skipped=()

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }
milliseconds() { local now=$EPOCHREALTIME; echo $((10#${now/./} / 1000)); }
require_file() { [[ -f "$1" ]] || fail "not installed: ${1#"$root"}"; }

for tool in cpack dpkg-deb; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not found (install cmake / dpkg)"; exit 77; }
done

step "cpack -G DEB"
start=$(milliseconds)
(cd "$build_dir" && cpack -G DEB -B "$work/package" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
echo "cpack took $(($(milliseconds) - start)) ms"
deb=$(find "$work/package" -maxdepth 1 -name "faas-workbench_${version}_*.deb" -print -quit)
[[ -n "$deb" ]] || fail "no faas-workbench_${version}_*.deb in cpack's output: $(ls "$work/package")"

step "package metadata"
fields=$(dpkg-deb --field "$deb" Package Version Section Depends)
echo "$fields"
grep -qx "Package: faas-workbench" <<<"$fields" || fail "Package field"
grep -qx "Version: $version" <<<"$fields" || fail "Version field"
grep -qx "Section: devel" <<<"$fields" || fail "Section field"
for dep in libqt6widgets6 libqt6charts6 libqt6svg6 libcurl4 libsqlite3-0 libyaml-cpp0.7 libssl3 libpq5 zlib1g python3 nodejs; do
    grep -q "[ ,]$dep\b" <<<"$fields" || fail "Depends lacks $dep"
done

step "unpack into a temporary root"
root="$work/root"
dpkg-deb -x "$deb" "$root"
bin="$root/usr/bin"
share="$root/usr/share"
data="$share/faas-workbench"
for file in "$bin/faas-workbench" "$bin/faaswb-function-host" "$bin/faaswb-target" \
            "$data/benchmarks/000.noop/benchmark.yaml" "$data/benchmarks/wrappers/python/server.py" \
            "$data/benchmarks/wrappers/nodejs/server.js" "$data/resources/experiments/local-quickstart.yaml" \
            "$data/resources/datasets/tweets.csv" "$share/applications/dev.faaswb.Workbench.desktop" \
            "$share/metainfo/dev.faaswb.Workbench.metainfo.xml" "$share/mime/packages/dev.faaswb.Workbench.xml" \
            "$share/icons/hicolor/scalable/apps/dev.faaswb.Workbench.svg" "$share/doc/faas-workbench/README.md"; do
    require_file "$file"
done
for size in 16 32 48 64 128 256; do
    require_file "$share/icons/hicolor/${size}x${size}/apps/dev.faaswb.Workbench.png"
done
junk=$(find "$root" -name __pycache__ -o -name '*.pyc' -o -name CMakeCache.txt | head -5)
[[ -z "$junk" ]] || fail "build or interpreter leftovers installed: $junk"

# Run from the unpacked tree only: no data directory override, and a working directory outside the source tree.
unset FAASWB_DATA_DIR
cd "$work"
export XDG_DATA_HOME="$work/xdg-data"

step "faas-workbench --version"
out=$("$bin/faas-workbench" --version)
[[ "$out" == "faas-workbench $version"* ]] || fail "--version printed '$out'"

step "the data comes from the installed tree"
# A benchmark that exists only in the unpacked tree: listing it proves the program reads <exe>/../share, not the
# source tree compiled in as the last fallback.
cp -r "$data/benchmarks/000.noop" "$data/benchmarks/999.installed-probe"
sed -i 's/^id: .*/id: 999.installed-probe/' "$data/benchmarks/999.installed-probe/benchmark.yaml"
"$bin/faas-workbench" benchmarks >"$work/benchmarks.txt" || fail "benchmarks: $(cat "$work/benchmarks.txt")"
grep -q "^999.installed-probe " "$work/benchmarks.txt" || fail "benchmarks does not list the installed tree: $(cat "$work/benchmarks.txt")"
rm -rf "$data/benchmarks/999.installed-probe"

step "validate the installed local-quickstart.yaml"
"$bin/faas-workbench" validate "$data/resources/experiments/local-quickstart.yaml" || fail "validate"

step "headless quickstart from the installed files"
cat >"$work/quickstart.yaml" <<'YAML'
name: installed-quickstart
platform: local
benchmarks:
  - {id: 000.noop, languages: [cpp]}
scenarios:
  - {name: warm, type: warm-latency, rate: 20, duration: 2s}
YAML
start=$(milliseconds)
timeout --kill-after=5 60 "$bin/faas-workbench" run "$work/quickstart.yaml" --db "$work/results.db" \
    >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "run exited with $?"; }
cat "$work/run.log"
grep -q "000.noop · cpp  complete" "$work/run.log" || fail "the run did not complete"
echo "quickstart took $(($(milliseconds) - start)) ms"
"$bin/faas-workbench" runs --db "$work/results.db" | grep -q " complete " || fail "runs does not show a complete run"

step "desktop integration"
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$share/metainfo/dev.faaswb.Workbench.metainfo.xml" >"$work/appstream.log" 2>&1 ||
        { cat "$work/appstream.log"; fail "appstreamcli validate"; }
    grep -qE '^(E|W):' "$work/appstream.log" && { cat "$work/appstream.log"; fail "appstreamcli reports problems"; }
else
    skipped+=("appstreamcli not found (Debian package appstream)")
fi
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$share/applications/dev.faaswb.Workbench.desktop" || fail "desktop-file-validate"
else
    skipped+=("desktop-file-validate not found (Debian package desktop-file-utils)")
fi
if command -v update-mime-database >/dev/null; then
    # Compiling the unpacked tree's MIME database checks the XML and that the globs land under our type.
    # With the tree on XDG_DATA_DIRS it prints nothing unless the XML has problems.
    XDG_DATA_DIRS="$share" update-mime-database "$share/mime" >"$work/mime.log" 2>&1 || { cat "$work/mime.log"; fail "update-mime-database"; }
    [[ -s "$work/mime.log" ]] && { cat "$work/mime.log"; fail "update-mime-database reports problems"; }
    grep -qx "application/x-faas-workbench-experiment:\*.faaswb.yaml" <(cut -d: -f2- "$share/mime/globs2") ||
        fail "*.faaswb.yaml is not mapped to application/x-faas-workbench-experiment"
else
    skipped+=("update-mime-database not found (Debian package shared-mime-info)")
fi

if ((${#skipped[@]})); then
    printf 'SKIP: %s\n' "${skipped[@]}"
    exit 77
fi
echo "PASS"
