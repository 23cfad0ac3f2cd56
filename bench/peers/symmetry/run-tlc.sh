#!/usr/bin/env bash
# TLC 2.19's counts for the symmetry expectations: runs TLC on each configuration named (a .cfg here, without
# .cfg; its module is the name up to the first underscore) and prints one line each: generated, distinct, depth.
#   bash run-tlc.sh FilterSym_N3 FilterSym_N3_nosym
#   TLA_EXAMPLES=/path/to/tlaplus/Examples bash run-tlc.sh SimpleAllocator_sym SchedulingAllocator_sym MCVoting_sym
# FilterSym.tla is here; the Examples modules (allocator/, Paxos/) are read from a tlaplus/Examples checkout
# (commit 32a32c7 for the figures in the specs). TLAPS.tla and FiniteSetTheorems.tla here are parse stubs for the
# modules that extend them for their proofs. The jar: $TLA2TOOLS, else ../shared/bench/peers/tla2tools.jar.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${TLA2TOOLS:-$here/../../../../shared/bench/peers/tla2tools.jar}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here"/*.cfg "$here"/*.tla "$work"/
if [ -n "${TLA_EXAMPLES:-}" ]; then
  for f in allocator/SimpleAllocator allocator/SchedulingAllocator Paxos/Voting Paxos/MCVoting Paxos/Consensus; do
    cp "$TLA_EXAMPLES/specifications/$f.tla" "$work/"
  done
fi
for cfg in "$@"; do
  module=${cfg%%_*}
  if [ ! -f "$work/$module.tla" ]; then echo "$cfg: $module.tla not found (set TLA_EXAMPLES to a tlaplus/Examples checkout)"; continue; fi
  out=$(cd "$work" && java -XX:+UseParallelGC -Xmx2g -cp "$jar" tlc2.TLC -workers 1 -config "$cfg.cfg" -metadir "$(mktemp -d)" -cleanup "$module.tla" 2>&1)
  line=$(grep -E 'states generated' <<<"$out" | tail -1)
  depth=$(grep -oE 'depth of the complete state graph search is [0-9]+' <<<"$out" | grep -oE '[0-9]+$')
  err=$(grep -E '^Error' <<<"$out" | head -1)
  echo "$cfg: $line depth=${depth:-?} ${err}"
done
