#!/usr/bin/env bash
# Runs TLC 2.19 (../../../../shared/bench/peers/tla2tools.jar, or $TLA2TOOLS) on each symmetry model given
# (NAME.tla with NAME_*.cfg beside it) and prints one line per configuration: distinct, generated, depth.
# Usage: bash run-tlc.sh FilterSym_N3 FilterSym_N3_nosym ...   (each argument is a .cfg name without .cfg)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${TLA2TOOLS:-$here/../../../../shared/bench/peers/tla2tools.jar}
for cfg in "$@"; do
  module=${cfg%%_*}
  out=$(cd "$here" && java -XX:+UseParallelGC -Xmx2g -cp "$jar" tlc2.TLC -workers 1 -config "$cfg.cfg" -metadir "$(mktemp -d)" -cleanup "$module.tla" 2>&1) || true
  line=$(grep -E 'states generated' <<<"$out" | tail -1)
  depth=$(grep -oE 'depth of the complete state graph search is [0-9]+' <<<"$out" | grep -oE '[0-9]+$' || echo '?')
  err=$(grep -E '^Error' <<<"$out" | head -1 || true)
  echo "$cfg: $line depth=$depth ${err}"
done
