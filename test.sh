#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest.
set -euo pipefail
cd "$(dirname "$0")"

./packaging/install-deps.sh

# CI builds with -Werror and without debug info (the ci preset); developers get the dev preset's RelWithDebInfo.
preset=dev
[[ "${CI:-}" == "true" ]] && preset=ci
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j"$(nproc)"
ctest --preset "$preset" --no-tests=error --output-on-failure "$@"
