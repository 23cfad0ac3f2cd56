#!/usr/bin/env bash
# The liveness peers of `npm run bench`: starvation freedom of the filter lock, \A i : pc[i] = 1 ~> pc[i] = 4 under
# weak fairness of each process' steps other than Start, checked by SPIN and by TLC on the same model as
# specs/filter.ts. Prints one line per run:
#   peer=<name> n=<N> states=<stored> wall_s=<seconds> rss_mib=<peak MiB> errors=<0: holds>
# Usage: bash bench/peers/peers-liveness.sh [N] [TLC_N]     (defaults 6 and 5; TLC_N=0 skips TLC)
#
# SPIN: filter.pml from ../shared/bench/peers with one more option at pc 0, an idle step (pc[_pid] == 0 -> skip):
# `pan -a -f` makes each *process* weakly fair, Start included, and the idle step lets a process stay in its
# non-critical section for ever while it still moves, which is weak fairness of every step but Start (for a
# property closed under stuttering). One claim, process 0's: the filter lock treats process ids alike (only
# last[l] = 0 in the initial state names one, and it is written before it is read), so it stands for all. SPIN's
# stored states count the product with the claim and its fairness copies, not the model's states.
# TLC: LiveFilter.tla (this folder), PROPERTY StarvationFree under LiveSpec, -lncheck final, 1 worker.
set -euo pipefail
N=${1:-6}
TLC_N=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
peers=${PEERS:-$here/../../../shared/bench/peers}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -f "$peers/filter.pml" ] || { echo "peers-liveness: $peers/filter.pml not found (set PEERS)" >&2; exit 2; }
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || { echo "peers-liveness: $1 is missing and only root can apt-get install it" >&2; exit 2; }
  (apt-get update -qq && apt-get install -y -qq "$2") >/dev/null 2>&1 || { echo "peers-liveness: could not install $2" >&2; exit 2; }
}
timed() {
  /usr/bin/time -v "$@" >"$work/out" 2>"$work/time" || true
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/time")
}
cd "$work"

need spin spin
sed 's|^  :: d_step { pc\[_pid\] == 0 -> pc\[_pid\] = 1 }|&\n  :: d_step { pc[_pid] == 0 -> skip }|' "$peers/filter.pml" >live.pml
grep -q 'pc\[_pid\] == 0 -> skip' live.pml || { echo "peers-liveness: could not add the idle step to filter.pml" >&2; exit 3; }
echo 'ltl s0 { [] ((pc[0] == 1) -> <> (pc[0] == 4)) }' >>live.pml
spin -DN="$N" -a live.pml >/dev/null
gcc -O2 -DNOREDUCE -DNFAIR=$((N > 5 ? 4 : 3)) -DMEMLIM=20000 -w -o pan pan.c
hashbits=$((N >= 6 ? 27 : N >= 5 ? 24 : 20))
timed ./pan -a -f -N s0 -m10000000 -w$hashbits
errors=$(awk '/errors:/ {print $NF; exit}' out)
stored=$(awk '/states, stored/ {print $1; exit}' out)
echo "peer=spin-live n=$N states=$stored wall_s=$wall rss_mib=$rss errors=$errors"

TLA2TOOLS=${TLA2TOOLS:-$peers/tla2tools.jar}
if [ "$TLC_N" != 0 ] && [ -f "$TLA2TOOLS" ]; then
  need java default-jre-headless
  cp "$peers/Filter.tla" "$here/LiveFilter.tla" .
  printf 'CONSTANT N = %s\nSPECIFICATION LiveSpec\nINVARIANT Mutex\nPROPERTY StarvationFree\n' "$TLC_N" >LiveFilter.cfg
  timed java -XX:+UseParallelGC -Xmx8g -cp "$TLA2TOOLS" tlc2.TLC -workers 1 -lncheck final -config LiveFilter.cfg \
    -metadir "$work/tlc" -cleanup LiveFilter.tla
  states=$(grep -oE '[0-9,]+ distinct states found' out | tail -1 | tr -d , | awk '{print $1}')
  errors=$(grep -c 'Temporal properties were violated' out || true)
  echo "peer=tlc-live-1w n=$TLC_N states=$states wall_s=$wall rss_mib=$rss errors=$errors"
fi
