#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest.
set -euo pipefail
cd "$(dirname "$0")"

./packaging/install-deps.sh

werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON
cmake --preset dev -DFAASWB_WERROR="$werror" >/dev/null
cmake --build --preset dev -j"$(nproc)"
ctest --preset dev --no-tests=error --output-on-failure "$@"
