#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite; then the same suite under
# ASan+UBSan (clang) and a short run of every fuzz target (scripts/sanitize.sh).
# WEFT_SKIP_SANITIZE=1 stops after the normal suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
if [ "${WEFT_SKIP_SANITIZE:-0}" != 1 ]; then
  scripts/sanitize.sh
fi
