/**
 * The floor under a spec's checking time: how long the spec's own next-state code takes on its reachable states,
 * with no engine around it. It answers "how fast could any engine check this spec?": whatever the search costs comes
 * on top.
 *
 *   npx tsx bench/spec-floor.ts SPEC [NAME=VALUE ...]     e.g. specs/twophase.ts RM=r1,r2,r3,r4,r5,r6,r7,r8
 *
 * First (not timed) every reachable state is collected, by a plain breadth-first search over the engine's own
 * encoding, and decoded as the engine decodes it before expanding it (the spec's actions see exactly the values they
 * see in a check). Then (timed, best of three rounds) every action instance is run on every state, which is all the
 * spec's code a check runs for its successors: `{ ...s }`, the Immutable.js calls, the guards. Invariants are not
 * included (they run on new states only, a tenth of the successors here).
 */
import { loadSpec } from '../checker/run/load.ts';
import { Model } from '../checker/model/model.ts';
import { isChoice } from '../src/spec.ts';

const [file, ...assignments] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/spec-floor.ts SPEC [NAME=VALUE ...]');
  process.exit(64);
}
const constants = Object.fromEntries(assignments.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
const loaded = await loadSpec(file);
const model = new Model(loaded.spec, { constants, specFile: loaded.file });
const codec = model.codec;

/** Every distinct state's encoding, in BFS order (one Int32Array each: this is a measuring tool, not the engine). */
const seen = new Set<string>();
const encodings: Int32Array[] = [];
const keep = (state: unknown): void => {
  const n = model.encodeAndFingerprint(state, 'bench');
  const key = `${model.fp.high}:${model.fp.low}`;
  if (seen.has(key)) return;
  seen.add(key);
  encodings.push(codec.buf.slice(0, n));
};
let generated = 0;
for (const s of model.initialStates()) { generated++; keep(s); }
for (let i = 0; i < encodings.length; i++) {
  const e = encodings[i]!;
  const state = codec.decode(e, 0, e.length);
  for (const inst of model.instances) {
    const r = inst.run(state);
    if (r === null || r === undefined || r === false) continue;
    for (const x of Array.isArray(r) ? r : [r]) {
      generated++;
      keep(isChoice(x) ? x.state : x);
    }
  }
}
console.log(`${loaded.spec.name}: ${encodings.length.toLocaleString('en-US')} distinct states, ${generated.toLocaleString('en-US')} generated`);

// Each state is decoded just before its actions run, as in a check (holding every decoded state at once would
// measure the garbage collector on a heap of millions of objects instead): only the actions are timed.
let best = Infinity;
let bestDecode = Infinity;
let successors = 0;
for (let round = 0; round < 3; round++) {
  successors = 0;
  let spent = 0;
  let decoding = 0;
  for (const e of encodings) {
    const t0 = performance.now();
    const state = codec.decode(e, 0, e.length);
    const t1 = performance.now();
    for (const inst of model.instances) {
      const r = inst.run(state);
      if (r === null || r === undefined || r === false) continue;
      successors += Array.isArray(r) ? r.length : 1;
    }
    spent += performance.now() - t1;
    decoding += t1 - t0;
  }
  best = Math.min(best, spent / 1000);
  bestDecode = Math.min(bestDecode, decoding / 1000);
}
console.log(`decoding each state: ${bestDecode.toFixed(2)} s`);
console.log(`the spec's next-state code on every state (best of 3): ${best.toFixed(2)} s for ${successors.toLocaleString('en-US')} successors (${(best * 1e9 / successors).toFixed(0)} ns each)`);
