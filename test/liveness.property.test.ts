/**
 * Property-based cross-check of the liveness check against the naive reference (test/reference-liveness.ts).
 *
 * fast-check builds a thousand small random specs: a counter x in 0..K-1 (K up to 4) moved by 1–3 actions (some with a
 * parameter p in {0, 1}) through random transition tables (a successor can be x itself: a stutter step of that
 * action), one or two initial states, sometimes a state constraint that cuts some successors; random weak and
 * strong fairness on random sets of actions (on the disjunction, per value of p, sometimes guarded); and one random
 * temporal property of every form, over random state predicates (bit masks over x), sometimes quantified over p.
 *
 * For each: the engine's verdict equals the reference's, and every lasso the engine reports is checked with the
 * reference's semantics, not the engine's: it starts in an initial state, each step (and the one closing the cycle)
 * is a step of the spec inside the model, the fairness conditions hold on its cycle, and the property fails on it;
 * and no violating fair lasso with fewer states exists (every shorter one is tried).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConfig, type FoundViolation } from '../checker/run/check.ts';
import {
  alwaysEventually, defineSpec, eventually, eventuallyAlways, eventuallyNever, forAll, implies, infinitelyOften, initially, leadsTo,
  Next, sf, stronglyFair, weaklyFair, wf, type Fairness, type Spec, type Temporal,
} from '../src/index.ts';
import { canonical } from './reference-search.ts';
import { fairOn, referenceFairness, referenceGraph, referenceInstances, referenceViolation, violates, type RefGraph } from './reference-liveness.ts';

interface S { readonly x: number }

type Pred = number; // a bit mask over x
type StepsDesc = { kind: 'actions'; actions: number[] } | { kind: 'next' } | { kind: 'pred'; from: Pred; to: Pred };
type FormDesc =
  | { form: 'eventually' | 'alwaysEventually' | 'eventuallyAlways'; p: Pred }
  | { form: 'leadsTo'; p: Pred; q: Pred }
  | { form: 'infinitelyOften' | 'eventuallyNever'; steps: StepsDesc }
  | { form: 'fair'; kind: 'weak' | 'strong'; actions: number[] | null; enabled: Pred; steps: StepsDesc }
  | { form: 'implies'; assume: ({ kind: 'initially' | 'alwaysEventually' | 'eventuallyAlways'; p: Pred } | { kind: 'infinitelyOften' | 'eventuallyNever'; steps: StepsDesc })[]; then: FormDesc };

interface Desc {
  k: number;
  actions: { param: boolean; table: number[][][] }[]; // table[p][x] = successors
  inits: number[];
  cut: number | null;
  fairness: { kind: 'weak' | 'strong'; actions: number[] | null; each: boolean; guard: Pred | null }[];
  property: FormDesc;
  quantified: boolean;
}

const pred = (k: number) => fc.integer({ min: 0, max: (1 << k) - 1 });

function stepsArb(k: number, actions: number): fc.Arbitrary<StepsDesc> {
  return fc.oneof(
    fc.record({ kind: fc.constant('actions' as const), actions: fc.uniqueArray(fc.nat(actions - 1), { minLength: 1, maxLength: actions }) }),
    fc.constant({ kind: 'next' as const }),
    fc.record({ kind: fc.constant('pred' as const), from: pred(k), to: pred(k) }),
  );
}

function formArb(k: number, actions: number, depth = 0): fc.Arbitrary<FormDesc> {
  const base: fc.Arbitrary<FormDesc>[] = [
    fc.record({ form: fc.constantFrom('eventually' as const, 'alwaysEventually' as const, 'eventuallyAlways' as const), p: pred(k) }),
    fc.record({ form: fc.constant('leadsTo' as const), p: pred(k), q: pred(k) }),
    fc.record({ form: fc.constantFrom('infinitelyOften' as const, 'eventuallyNever' as const), steps: stepsArb(k, actions) }),
    fc.record({
      form: fc.constant('fair' as const), kind: fc.constantFrom('weak' as const, 'strong' as const),
      actions: fc.option(fc.uniqueArray(fc.nat(actions - 1), { minLength: 1, maxLength: actions }), { nil: null }), enabled: pred(k), steps: stepsArb(k, actions),
    }),
  ];
  if (depth > 0) return fc.oneof(...base);
  const assumption = fc.oneof(
    fc.record({ kind: fc.constantFrom('initially' as const, 'alwaysEventually' as const, 'eventuallyAlways' as const), p: pred(k) }),
    fc.record({ kind: fc.constantFrom('infinitelyOften' as const, 'eventuallyNever' as const), steps: stepsArb(k, actions) }),
  );
  return fc.oneof(...base, fc.record({ form: fc.constant('implies' as const), assume: fc.array(assumption, { minLength: 1, maxLength: 2 }), then: formArb(k, actions, 1) }));
}

const descArb: fc.Arbitrary<Desc> = fc.integer({ min: 2, max: 4 }).chain((k) => fc.integer({ min: 1, max: 3 }).chain((na) => fc.record({
  k: fc.constant(k),
  actions: fc.array(fc.record({
    param: fc.boolean(),
    table: fc.array(fc.array(fc.array(fc.nat(k - 1), { maxLength: 2 }), { minLength: k, maxLength: k }), { minLength: 2, maxLength: 2 }),
  }), { minLength: na, maxLength: na }),
  inits: fc.uniqueArray(fc.nat(k - 1), { minLength: 1, maxLength: 2 }),
  cut: fc.option(fc.nat(k - 1), { nil: null, freq: 3 }),
  fairness: fc.array(fc.record({
    kind: fc.constantFrom('weak' as const, 'strong' as const),
    actions: fc.option(fc.uniqueArray(fc.nat(na - 1), { minLength: 1, maxLength: na }), { nil: null }),
    each: fc.boolean(),
    guard: fc.option(pred(k), { nil: null, freq: 3 }),
  }), { maxLength: 2 }),
  property: formArb(k, na),
  quantified: fc.boolean(),
})));

const bit = (m: Pred, x: number) => ((m >>> x) & 1) === 1;

function buildSpec(d: Desc): Spec<S> {
  const names = d.actions.map((_, i) => `a${i}`);
  const actions: Record<string, unknown> = {};
  d.actions.forEach((a, i) => {
    const succ = (x: number, p: number) => a.table[p]![x]!.map((y) => ({ x: y }));
    actions[names[i]!] = a.param ? { params: { p: [0, 1] }, next: (s: S, { p }: { p: number }) => succ(s.x, p) } : (s: S) => succ(s.x, 0);
  });
  const stepsOf = (st: StepsDesc) => (st.kind === 'next' ? Next : st.kind === 'actions' ? st.actions.map((i) => names[i]!)
    : (s: S, t: S) => bit(st.from, s.x) && bit(st.to, t.x));
  // Predicates get fresh functions per use, as a spec would write them (the plan must not depend on identity).
  const P = (m: Pred, flip = 0) => (s: S) => bit(m, s.x) !== (flip === 1 && s.x === 0);
  const form = (f: FormDesc, flip: number): Temporal<S> => {
    switch (f.form) {
      case 'eventually': return eventually(P(f.p, flip));
      case 'alwaysEventually': return alwaysEventually(P(f.p, flip));
      case 'eventuallyAlways': return eventuallyAlways(P(f.p, flip));
      case 'leadsTo': return leadsTo(P(f.p, flip), P(f.q));
      case 'infinitelyOften': return infinitelyOften(stepsOf(f.steps));
      case 'eventuallyNever': return eventuallyNever(stepsOf(f.steps));
      case 'fair': {
        const action = f.actions === null ? { enabled: P(f.enabled, flip), steps: stepsOf(f.steps) } : f.actions.map((i) => names[i]!);
        return f.kind === 'weak' ? weaklyFair(action) : stronglyFair(action);
      }
      case 'implies': return implies(f.assume.map((a) => {
        switch (a.kind) {
          case 'initially': return initially(P(a.p, flip));
          case 'alwaysEventually': return alwaysEventually(P(a.p));
          case 'eventuallyAlways': return eventuallyAlways(P(a.p));
          case 'infinitelyOften': return infinitelyOften(stepsOf(a.steps));
          case 'eventuallyNever': return eventuallyNever(stepsOf(a.steps));
        }
      }), form(f.then, flip));
    }
  };
  const fairness: Record<string, Fairness> = {};
  d.fairness.forEach((f, i) => {
    const acts = f.actions === null ? Next : f.actions.map((j) => names[j]!);
    const each = f.each && (f.actions ?? d.actions.map((_, j) => j)).every((j) => d.actions[j]!.param) ? 'p' : undefined;
    const when = f.guard === null ? undefined : (s: S) => bit(f.guard!, s.x);
    const opts = { ...(each ? { each } : {}), ...(when ? { when } : {}) };
    fairness[`f${i}`] = f.kind === 'weak' ? wf(acts, opts) : sf(acts, opts);
  });
  return defineSpec({
    name: 'RandomLive',
    init: () => d.inits.map((x) => ({ x })),
    actions: actions as never,
    ...(d.cut === null ? {} : { constraint: (s: S) => s.x !== d.cut || d.inits.includes(s.x) }),
    fairness,
    properties: { prop: d.quantified ? forAll({ flip: [0, 1] }, ({ flip }: { flip: number }) => form(d.property, flip)) : form(d.property, 0) },
    deadlock: false,
  }) as Spec<S>;
}

/** Checks a lasso the engine printed with the reference's own semantics. */
function checkLasso(g: RefGraph, spec: Spec, t: Temporal, v: FoundViolation): string | undefined {
  const ids = v.trace.map((s) => g.keys.indexOf(canonical(s.state)));
  if (ids.some((id) => id < 0)) return 'a lasso state is not a reachable state';
  if (!g.initial.includes(ids[0]!)) return 'the lasso does not start in an initial state';
  const step = (u: number, w: number) => g.steps.some(([a, b]) => a === u && b === w);
  for (let i = 1; i < ids.length; i++) if (!step(ids[i - 1]!, ids[i]!)) return `step ${i} is not a step of the spec`;
  const loop = v.loop!;
  const cycle = ids.slice(loop.index);
  const E: [number, number][] = [];
  if (loop.stutter) {
    if (cycle.length !== 1) return 'a stuttering cycle of more than one state';
  } else {
    if (!step(ids[ids.length - 1]!, ids[loop.index]!)) return 'the step closing the cycle is not a step of the spec';
    for (let i = 0; i < cycle.length; i++) E.push([cycle[i]!, cycle[(i + 1) % cycle.length]!]);
  }
  const inf = { I: [...new Set(cycle)], E, entry: ids[loop.index]! };
  if (!fairOn(g, referenceFairness(g, spec), inf)) return 'the cycle is not fair';
  if (!violates(g, spec, t, ids.slice(0, loop.index), inf)) return 'the lasso does not violate the property';
  return undefined;
}

/**
 * A violating fair lasso with fewer than `states` states, found by trying every one (every path from an initial
 * state, every loop index, stuttering or stepping back): the engine's lassos must have the fewest states.
 */
function shorterLasso(g: RefGraph, spec: Spec, t: Temporal, states: number): number[] | undefined {
  const fairness = referenceFairness(g, spec);
  const step = (u: number, w: number) => g.steps.some(([a, b]) => a === u && b === w);
  const judge = (ids: number[]): boolean => {
    for (let j = 0; j < ids.length; j++) {
      const cycle = ids.slice(j);
      const tries: [number, number][][] = [];
      if (j === ids.length - 1) tries.push([]); // the last state stutters for ever
      if (step(ids.at(-1)!, ids[j]!)) tries.push(cycle.map((u, i) => [u, cycle[(i + 1) % cycle.length]!]));
      for (const E of tries) {
        const inf = { I: [...new Set(cycle)], E, entry: ids[j]! };
        if (fairOn(g, fairness, inf) && violates(g, spec, t, ids.slice(0, j), inf)) return true;
      }
    }
    return false;
  };
  const extend = (ids: number[]): number[] | undefined => {
    if (judge(ids)) return ids;
    if (ids.length + 1 >= states) return undefined;
    for (let v = 0; v < g.states.length; v++) if (step(ids.at(-1)!, v)) { const r = extend([...ids, v]); if (r) return r; }
    return undefined;
  };
  for (const i of g.initial) { if (states > 1) { const r = extend([i]); if (r) return r; } }
  return undefined;
}

async function crossCheck(d: Desc): Promise<void> {
  const spec = buildSpec(d);
  const g = referenceGraph(spec);
  const fairness = referenceFairness(g, spec);
  const instances = referenceInstances(g, spec.properties!.prop!);
  const expected = instances.map((t) => referenceViolation(g, spec, t, fairness) !== undefined);
  const r = await checkConfig({ spec, file: 'liveness.property.test.ts' }, { workers: 1, continueAfterViolation: true });
  const got = r.violations.filter((v) => v.kind === 'temporal');
  const labels = got.map((v) => v.label);
  const want = instances.map((_, i) => (d.quantified ? `prop(flip=${i})` : 'prop')).filter((_, i) => expected[i]);
  expect(labels, JSON.stringify(d)).toEqual(want);
  for (const v of got) {
    const i = d.quantified ? Number(/flip=(\d)/.exec(v.label)![1]) : 0;
    expect(checkLasso(g, spec, instances[i]!, v), JSON.stringify(d)).toBeUndefined();
    expect(shorterLasso(g, spec, instances[i]!, v.length), `a shorter lasso than the engine's ${v.length} states: ${JSON.stringify(d)}`).toBeUndefined();
  }
}

describe('liveness: the check against the naive reference', () => {
  it('random specs, fairness and properties: the same verdicts; every lasso real, fair and violating', async () => {
    await fc.assert(fc.asyncProperty(descArb, crossCheck), { numRuns: 1000, seed: 20261202 });
  });

  it('a spec whose only fair cycle needs strong fairness refinement twice', async () => {
    // x: 0 -> 1 -> 0 (a), 0 -> 2 (b), 1 -> 3 (c), 2 and 3 absorbing-ish; SF on b and on c: the 0-1 cycle has b
    // enabled at 0 and c at 1, neither taken: no fair cycle there; stuttering at 2 or 3 is fair.
    await crossCheck({
      k: 4, inits: [0], cut: null, quantified: false,
      actions: [
        { param: false, table: [[[1], [0], [], []], [[], [], [], []]] },
        { param: false, table: [[[2], [], [], []], [[], [], [], []]] },
        { param: false, table: [[[], [3], [], []], [[], [], [], []]] },
      ],
      fairness: [{ kind: 'strong', actions: [1], each: false, guard: null }, { kind: 'strong', actions: [2], each: false, guard: null }],
      property: { form: 'eventually', p: 0b1100 },
    });
  });
});
