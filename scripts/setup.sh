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
  libcli11-dev
  rapidjson-dev
  libssl-dev                            # SHA-256 for content-addressed bytecode
  libjq-dev                             # jq() in the standard library
  libcurl4-openssl-dev                  # the http system task
  libcpp-httplib-dev                    # loopback HTTP server in tests
  libgtest-dev libgmock-dev libbenchmark-dev
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
