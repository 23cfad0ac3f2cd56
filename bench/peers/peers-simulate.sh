#!/usr/bin/env bash
# The simulation peers of `npm run bench`: random behaviours of the filter lock at N processes (default 8), each of
# at most 100 states, checking Mutex on every state, by TLC 2.19 (-simulate, with 1 and 2 workers) and by Quint
# 0.33.1 (`quint run`, its TypeScript simulator: the default Rust backend downloads a binary, which cannot be done
# here). Prints one line per run:
#   peer=<name> n=<N> traces=<behaviours> steps=<steps> wall_s=<seconds> steps_per_s=<steps / wall>
# Usage: bash bench/peers/peers-simulate.sh [N] [TLC_TRACES] [QUINT_TRACES]   (defaults 8, 20000 per worker, 300)
#
# Steps: TLC prints "N states checked"; with `-depth 100` and `num` behaviours per worker it checks 100 states per
# behaviour (20,000 behaviours: 2,000,001 states checked), so its steps are states checked less one per behaviour
# (99 per behaviour; were its behaviours 101 states long, it would be 1 % more). Quint prints the trace lengths in
# states ("Trace length statistics: ... average=100.00") and its own time ("(7827ms at 26 traces/second)"): its
# steps are samples x (average length - 1), its rate is over its own time. `--max-steps 99` gives Quint behaviours
# of 100 states, as TLC's `-depth 100` and tlats' `--depth 100`. TLC's wall time includes the JVM's start-up and
# the parse (about 1 s).
set -euo pipefail
N=${1:-8}
TLC_TRACES=${2:-20000}
QUINT_TRACES=${3:-300}
here=$(cd "$(dirname "$0")" && pwd)
peers=${PEERS:-$here/../../../shared/bench/peers}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -f "$peers/Filter.tla" ] || { echo "peers-simulate: $peers/Filter.tla not found (set PEERS)" >&2; exit 2; }
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || { echo "peers-simulate: $1 is missing and only root can apt-get install it" >&2; exit 2; }
  (apt-get update -qq && apt-get install -y -qq "$2") >/dev/null 2>&1 || { echo "peers-simulate: could not install $2" >&2; exit 2; }
}
now() { date +%s.%N; }
cd "$work"

# TLC: the jar beside the peers unless TLA2TOOLS names another; PEERS_NO_TLC=1 skips it
TLA2TOOLS=${TLA2TOOLS:-$peers/tla2tools.jar}
if [ -z "${PEERS_NO_TLC:-}" ] && [ -f "$TLA2TOOLS" ]; then
  need java default-jre-headless
  cp "$peers/Filter.tla" . && printf 'CONSTANT N = %s\nINIT Init\nNEXT Next\nINVARIANT Mutex\n' "$N" >"Filter_N$N.cfg"
  for w in 1 2; do
    t0=$(now)
    java -XX:+UseParallelGC -Xmx4g -cp "$TLA2TOOLS" tlc2.TLC -simulate "num=$TLC_TRACES" -depth 100 -seed 1 -workers "$w" \
      -config "Filter_N$N.cfg" -metadir "$work/tlc$w" -cleanup Filter.tla >out 2>&1 || true
    t1=$(now)
    grep -q 'Finished in' out || { echo "peers-simulate: TLC did not finish:" >&2; tail -5 out >&2; exit 3; }
    checked=$(grep -oE '[0-9,]+ states checked' out | tail -1 | tr -d , | awk '{print $1}')
    traces=$((TLC_TRACES * w))
    awk -v w="$w" -v n="$N" -v t="$traces" -v c="$checked" -v a="$t0" -v b="$t1" \
      'BEGIN { s = c - t; printf "peer=tlc-sim-%dw n=%s traces=%d steps=%d wall_s=%.2f steps_per_s=%.0f\n", w, n, t, s, b - a, s / (b - a) }'
  done
fi

# Quint: installed on first use into bench/peers/quint (its package.json pins what Quint needs); PEERS_NO_QUINT=1 skips
if [ -z "${PEERS_NO_QUINT:-}" ]; then
  quint="$here/quint/node_modules/.bin/quint"
  if [ ! -x "$quint" ]; then
    npm ci --prefix "$here/quint" --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || { echo "peers-simulate: could not install Quint" >&2; exit 2; }
  fi
  sed "s/pure val N = [0-9]*/pure val N = $N/" "$peers/filter.qnt" >filter.qnt
  grep -q "pure val N = $N\$" filter.qnt || { echo "peers-simulate: could not set N in filter.qnt" >&2; exit 3; }
  t0=$(now)
  "$quint" run filter.qnt --main filter --invariant mutex --max-steps 99 --max-samples "$QUINT_TRACES" --seed 1 --backend typescript >out 2>&1 || true
  t1=$(now)
  grep -q 'No violation found' out || { echo "peers-simulate: Quint did not finish:" >&2; tail -5 out >&2; exit 3; }
  ms=$(grep -oE '\(([0-9]+)ms at' out | grep -oE '[0-9]+')
  avg=$(grep -oE 'average=[0-9.]+' out | cut -d= -f2)
  awk -v n="$N" -v t="$QUINT_TRACES" -v ms="$ms" -v avg="$avg" -v a="$t0" -v b="$t1" \
    'BEGIN { s = t * (avg - 1); printf "peer=quint-sim n=%s traces=%d steps=%d wall_s=%.2f own_s=%.2f steps_per_s=%.0f\n", n, t, s, b - a, ms / 1000, s / (ms / 1000) }'
fi
