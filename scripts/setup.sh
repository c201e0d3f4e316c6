#!/usr/bin/env bash
# Installs every build and test dependency of Weft from Debian's repositories.
# Idempotent: when every package is already present it does nothing (no apt-get update).
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config
  antlr4 libantlr4-runtime-dev          # grammar tool 4.7.2 + C++ runtime 4.9
  flatbuffers-compiler libflatbuffers-dev
  liblmdb-dev
  libabsl-dev
  tzdata                                # time zones of schedules (absl::LoadTimeZone)
  libcli11-dev
  rapidjson-dev
  libssl-dev                            # SHA-256 for content-addressed bytecode
  libjq-dev                             # jq() in the standard library
  duktape-dev                           # the js system task (Conductor javascript evaluators)
  libcurl4-openssl-dev                  # the http system task
  libcpp-httplib-dev                    # loopback HTTP server in tests
  libboost1.74-dev                      # Boost.Beast + Asio: the HTTP server of `weft serve`
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-15 libfuzzer-15-dev             # sanitizer + fuzzing configuration (scripts/fuzz.sh, CI)
  libgraphviz-dev                       # `weft graph`: Graphviz's dot layout of workflow diagrams
  libnats-dev nats-server               # event handlers and `publish` on NATS; tests run a real nats-server
  chromium                              # browser tests of the web UI (driven by puppeteer-core)
  nodejs                                # the Node.js tests (npm comes with it): Conductor's JS client, puppeteer-core
)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Node.js packages of the end-to-end tests (tests/node/package.json), pinned by its
# package-lock.json. `npm ci` runs only when node_modules is missing or older than the lock.
node_dir=$(cd "$(dirname "$0")/.." && pwd)/tests/node
if [ ! -d "$node_dir/node_modules" ] || [ "$node_dir/package-lock.json" -nt "$node_dir/node_modules" ]; then
  (cd "$node_dir" && npm ci --legacy-peer-deps --no-audit --no-fund --loglevel=error)
  touch "$node_dir/node_modules"
fi
