#!/usr/bin/env bash
# Installs the Debian 12 packages FaaS Workbench needs to build, test and run. Idempotent and quick when
# everything is present: apt-get runs only for what is missing.
#   packaging/install-deps.sh          build + test dependencies
#   packaging/install-deps.sh --perf   also the peers the benchmarks in tests/perf compare against
#   packaging/install-deps.sh --fuzz   also clang and libFuzzer for tests/fuzz/run.sh (flags combine)
set -euo pipefail

packages=(
    cmake g++ make pkg-config ca-certificates
    qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libxkbcommon-dev libgl-dev libvulkan-dev
    libcurl4-openssl-dev libssl-dev libsqlite3-dev libyaml-cpp-dev nlohmann-json3-dev libboost1.81-dev zlib1g-dev
    libpq-dev   # the batch scenario's PostgreSQL source (the build works without it, refusing postgres sources)
    sqlite3 python3 nodejs
    appstream desktop-file-utils
    ccache      # optional: faster rebuilds (CMake uses it when present)
    fonts-dejavu-core
)
for option in "$@"; do
    case "$option" in
    --perf) packages+=(nginx-light wrk hey) ;;
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    *) echo "unknown option: $option (expected --perf or --fuzz)" >&2; exit 2 ;;
    esac
done

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "Installing missing packages: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
    sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
