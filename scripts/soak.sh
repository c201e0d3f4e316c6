#!/usr/bin/env bash
# Kill soak: runs a mixed workload (tasks, parallel, sleep, await signal, child workflows) in
# the weft_soak driver, SIGKILLs it at random intervals and restarts it on the same store, then
# checks the final histories against the workers' fsynced ledger: every execution COMPLETED
# with the right output, every completed task performed (0 lost), nothing applied twice (0
# doubled). Exits non-zero on any loss or duplicate. See docs/reliability.md "Kill soak".
# Usage: scripts/soak.sh [--executions N] [--kills K] [--interval-ms MS] [--keep]
#   --interval-ms MS: each kill comes MS/2 .. 3*MS/2 after the (re)start it kills, or sooner
#   once that run has completed its share, executions/(K+2), so every kill lands mid-run.
set -euo pipefail
cd "$(dirname "$0")/.."

executions=10000
kills=20
interval_ms=2000
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --executions) executions="$2"; shift 2 ;;
    --kills) kills="$2"; shift 2 ;;
    --interval-ms) interval_ms="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: scripts/soak.sh [--executions N] [--kills K] [--interval-ms MS] [--keep]" >&2
       exit 2 ;;
  esac
done
for v in "$executions" "$kills" "$interval_ms"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "soak: not a number: $v" >&2; exit 2; }
done

if [ -f build/build.ninja ]; then
  cmake --build build -j2 --target weft_soak >/dev/null
else
  scripts/build.sh
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/weft-soak-XXXXXX")"
if [ "$keep" = 1 ]; then echo "soak: store kept in $work"; else trap 'rm -rf "$work"' EXIT; fi
# A copy, so a rebuild during a long soak does not pull the binary from under it.
bin="$work/weft_soak"
cp build/tests/soak/weft_soak "$bin"
store="$work/store"
ledger="$work/ledger"
start_ns=$(date +%s%N)

delivered=0
run=0
while [ "$delivered" -lt "$kills" ]; do
  run=$((run + 1))
  "$bin" run --store "$store" --ledger "$ledger" --executions "$executions" --run "$run" &
  pid=$!
  # Kill after a random MS/2 .. 3MS/2, or sooner once this run has completed its share
  # (run/(K+2) of the executions), so all K kills land mid-run however fast the engine is.
  wait_ms=$((interval_ms / 2 + RANDOM % (interval_ms + 1)))
  target=$((run * executions / (kills + 2)))
  t0=$(date +%s%N)
  why="timer"
  while kill -0 "$pid" 2>/dev/null; do
    now=$(date +%s%N)
    [ $(((now - t0) / 1000000)) -ge "$wait_ms" ] && break
    read -r _ completed < <("$bin" progress --store "$store")
    if [ "$completed" -ge "$target" ]; then why="progress $completed >= $target"; break; fi
    sleep 0.05
  done
  waited_ms=$((($(date +%s%N) - t0) / 1000000))
  if ! kill -0 "$pid" 2>/dev/null; then
    rc=0; wait "$pid" || rc=$?
    echo "soak: run $run finished on its own (exit $rc) after $delivered kills"
    [ "$rc" = 0 ] || { echo "soak: FAILED: the driver exited $rc" >&2; exit 1; }
    break
  fi
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  delivered=$((delivered + 1))
  read -r started completed < <("$bin" progress --store "$store")
  echo "soak: kill $delivered after ${waited_ms} ms ($why): $started started, $completed completed"
done
if [ "$delivered" -eq "$kills" ]; then
  run=$((run + 1))
  rc=0
  "$bin" run --store "$store" --ledger "$ledger" --executions "$executions" --run "$run" || rc=$?
  [ "$rc" = 0 ] || { echo "soak: FAILED: the final driver exited $rc" >&2; exit 1; }
fi
end_ns=$(date +%s%N)

rc=0
report="$("$bin" check --store "$store" --ledger "$ledger" --executions "$executions")" || rc=$?
echo "== kill soak: $executions executions, $delivered kills (SIGKILL), $run driver runs"
echo "$report"
printf 'wall time %d.%03d s (run; the check is not counted)\n' \
  $(((end_ns - start_ns) / 1000000000)) $((((end_ns - start_ns) / 1000000) % 1000))
if [ "$rc" != 0 ]; then echo "soak: FAILED: something was lost or doubled" >&2; exit 1; fi
if [ "$delivered" -lt "$kills" ]; then
  echo "soak: FAILED: only $delivered of $kills kills landed before the work ran out" >&2
  exit 1
fi
echo "soak: OK"
