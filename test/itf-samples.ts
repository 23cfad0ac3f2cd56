/**
 * ITF traces as other tools write them, made by hand after the ITF ADR (apalache-mc.org/docs/adr/015adr-trace.html)
 * and Quint's writer (`toItf` in @informalsystems/quint, with its `mbt::` variables), for test/html.test.ts and
 * test/html-browser.test.ts.
 */
export const big = (n: bigint | number) => ({ '#bigint': String(n) });

/** A trace as `quint run --mbt --out-itf` writes it (Quint's toItf with mbt metadata): picks are Option variants. */
export function quintStyleTrace(steps: number): Record<string, unknown> {
  const some = (v: unknown) => ({ tag: 'Some', value: v });
  const none = { tag: 'None', value: { '#tup': [] } };
  const states = [];
  for (let i = 0; i <= steps; i++) {
    const p = i % 2;
    states.push({
      '#meta': { index: i },
      counter: big(i),
      owner: { '#map': [[big(0), i % 3 === 0 ? 'idle' : 'busy'], [big(1), 'idle']] },
      'mbt::actionTaken': i === 0 ? 'init' : i % 3 === 0 ? 'tick' : 'step',
      'mbt::nondetPicks': i === 0 || i % 3 === 0 ? { p: none } : { p: some(big(p)) },
    });
  }
  return { '#meta': { format: 'ITF', source: 'counter.qnt' }, vars: ['counter', 'owner', 'mbt::actionTaken', 'mbt::nondetPicks'], states };
}

