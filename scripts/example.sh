#!/usr/bin/env bash
# Installs the dependencies, builds Weft, and runs examples/shipping.wf end to end: the `weft`
# CLI deploys the workflow to a fresh store, starts it for order o-1 shipped by UPS, runs the
# shell workers in examples/workers/ as its tasks, and prints the workflow's output.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
store="$(mktemp -d)/store"
input='{"order_id":"o-1","vendor":"ups"}'
echo "\$ weft run examples/shipping.wf --input '$input' --worker ..." >&2
build/cli/weft --store "$store" run examples/shipping.wf \
  --input "$input" \
  --worker shipping_info=examples/workers/shipping_info.sh \
  --worker ship_fedex=examples/workers/ship_fedex.sh \
  --worker ship_ups=examples/workers/ship_ups.sh \
  --worker ship_dhl=examples/workers/ship_dhl.sh
echo "(the store is in $store; look inside with: build/cli/weft --store $store list)" >&2
