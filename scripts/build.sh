#!/usr/bin/env bash
# Configures and builds Weft into ./build (Release with assertions kept). Usage: scripts/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
"$PWD/scripts/setup.sh"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
