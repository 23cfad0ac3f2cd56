/**
 * The fewest-context-switch counterexample (checker/search/fewest-switches.ts) against brute force.
 *
 * fast-check builds small random specs with actors: a state of two fields in 0..3, two to four guarded actions,
 * some with a parameter, some with two successors, each with a fixed actor, an actor computed from its parameter,
 * or the default lane; an invariant, maybe an action property, maybe a state constraint, deadlock on or off. The
 * engine checks each (stopping at the first violation, and continuing through all of them). For every violation
 * reported, an independent enumeration (a BFS over canonical strings for the depths, then every path through the
 * levels in the documented canonical order: initial states in init's order, then at each step the instances in
 * declaration order, their parameters in domain order, then the successors in the order the action returned them)
 * lists *all* shortest counterexamples that end like it. The engine's trace must have the brute force's fewest
 * switches, be the first such path in that order, and the reported length must be the shortest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConfig } from '../checker/run/check.ts';
import { action, defineSpec, type Spec } from '../src/index.ts';
import { canonical } from './reference-search.ts';

type S = { readonly a: number; readonly b: number };
const FIELDS = ['a', 'b'] as const;

interface ActDesc {
  field: 0 | 1;
  delta: number;
  guard: { field: 0 | 1; below: number } | null;
  param: boolean;
  second: boolean;
  actor: 'A' | 'B' | 'C' | 'byParam' | 'default';
}

interface Desc {
  inits: [number, number][];
  actions: ActDesc[];
  invariant: { field: 0 | 1; not: number } | { sumNot: number };
  actionProperty: { field: 0 | 1 } | null;
  constraint: number | null;
  deadlock: boolean;
}

const actArb: fc.Arbitrary<ActDesc> = fc.record({
  field: fc.constantFrom(0 as const, 1 as const),
  delta: fc.integer({ min: 1, max: 3 }),
  guard: fc.option(fc.record({ field: fc.constantFrom(0 as const, 1 as const), below: fc.integer({ min: 1, max: 3 }) }), { freq: 2 }),
  param: fc.boolean(),
  second: fc.boolean(),
  actor: fc.constantFrom('A' as const, 'B' as const, 'C' as const, 'byParam' as const, 'default' as const),
});

const descArb: fc.Arbitrary<Desc> = fc.record({
  inits: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 2 }),
  actions: fc.array(actArb, { minLength: 2, maxLength: 4 }),
  invariant: fc.oneof(
    fc.record({ field: fc.constantFrom(0 as const, 1 as const), not: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ sumNot: fc.integer({ min: 1, max: 6 }) }),
  ),
  actionProperty: fc.option(fc.record({ field: fc.constantFrom(0 as const, 1 as const) }), { freq: 3 }),
  constraint: fc.option(fc.integer({ min: 2, max: 6 }), { freq: 3 }),
  deadlock: fc.boolean(),
});

/** One action instance as the brute force sees it: built from the description, not from the engine. */
interface RefInstance { label: string; actor: string; run: (s: S) => S[] }

function stepOf(d: ActDesc, s: S, p: number): S[] {
  if (d.guard && s[FIELDS[d.guard.field]] >= d.guard.below) return [];
  const f = FIELDS[d.field];
  const one = { ...s, [f]: (s[f] + d.delta + p) % 4 };
  return d.second ? [one, { ...s, [f]: (s[f] + 1) % 4 }] : [one];
}

function actorOf(d: ActDesc, name: string, p: number | undefined): string {
  if (d.actor === 'byParam') return p === undefined ? 'solo' : `T${p % 2}`;
  if (d.actor === 'default') return p === undefined ? 'Switches' : `p=${p}`;
  return d.actor;
}

function build(d: Desc): Spec {
  const actions: Record<string, unknown> = {};
  d.actions.forEach((a, i) => {
    const name = `act${i}`;
    const actor = a.actor === 'default' ? undefined : a.actor === 'byParam' ? ({ p }: { p?: number }) => (p === undefined ? 'solo' : `T${p % 2}`) : a.actor;
    actions[name] = a.param
      ? action({ params: { p: [0, 1, 2] }, next: (s: S, { p }: { p: number }) => stepOf(a, s, p), ...(actor ? { actor } : {}) })
      : action({ next: (s: S) => stepOf(a, s, 0), ...(actor ? { actor } : {}), doc: `action ${i}` });
  });
  const inv = d.invariant;
  return defineSpec({
    name: 'Switches',
    init: () => d.inits.map(([a, b]) => ({ a, b })),
    actions: actions as never,
    invariants: { inv: (s: S) => ('sumNot' in inv ? s.a + s.b !== inv.sumNot : s[FIELDS[inv.field]] !== inv.not) },
    ...(d.actionProperty ? { actionProperties: { grows: (x: S, y: S) => y[FIELDS[d.actionProperty!.field]] >= x[FIELDS[d.actionProperty!.field]] || y.a + y.b > 4 } } : {}),
    ...(d.constraint !== null ? { constraint: (s: S) => s.a + s.b <= d.constraint! } : {}),
    deadlock: d.deadlock,
  }) as Spec;
}

function refInstances(d: Desc): RefInstance[] {
  const out: RefInstance[] = [];
  d.actions.forEach((a, i) => {
    const name = `act${i}`;
    if (!a.param) out.push({ label: name, actor: actorOf(a, name, undefined), run: (s) => stepOf(a, s, 0) });
    else for (const p of [0, 1, 2]) out.push({ label: `${name}(p=${p})`, actor: actorOf(a, name, p), run: (s) => stepOf(a, s, p) });
  });
  return out;
}

interface Best { switches: number; labels: (string | null)[]; states: string[] }

/** Every shortest path ending like `kind`, in canonical order: the fewest switches, and the first path with them. */
function bruteForce(d: Desc, kind: string, length: number): { best: Best | undefined; shorter: boolean; paths: number; most: number } {
  const insts = refInstances(d);
  const inModel = (s: S) => d.constraint === null || s.a + s.b <= d.constraint;
  const inv = d.invariant;
  const invHolds = (s: S) => ('sumNot' in inv ? s.a + s.b !== inv.sumNot : s[FIELDS[inv.field]] !== inv.not);
  const apHolds = (x: S, y: S) => !d.actionProperty || y[FIELDS[d.actionProperty.field]] >= x[FIELDS[d.actionProperty.field]] || y.a + y.b > 4;
  const inits = d.inits.map(([a, b]) => ({ a, b }));
  // BFS depths of the stored states (initial states are depth 1).
  const depth = new Map<string, number>();
  let level = inits.filter(inModel);
  for (const s of level) if (!depth.has(canonical(s))) depth.set(canonical(s), 1);
  for (let k = 1; level.length; k++) {
    const next: S[] = [];
    for (const s of level) for (const inst of insts) for (const t of inst.run(s)) {
      if (inModel(t) && !depth.has(canonical(t))) { depth.set(canonical(t), k + 1); next.push(t); }
    }
    level = next;
  }
  const depthOf = (s: S) => depth.get(canonical(s));
  const ends = (s: S, t: S): boolean => {
    if (kind === 'invariant') return !invHolds(t);
    if (kind === 'actionProperty') return !apHolds(s, t);
    return inModel(t) && insts.every((i) => i.run(t).length === 0);
  };
  let best: Best | undefined;
  let shorter = false;
  let paths = 0;
  let most = 0;
  const walk = (path: S[], labels: (string | null)[], actors: string[], switches: number): void => {
    const s = path[path.length - 1]!;
    const k = path.length;
    for (const inst of insts) for (const t of inst.run(s)) {
      const sw = switches + (actors.length && actors[actors.length - 1] !== inst.actor ? 1 : 0);
      if (ends(s, t) && (kind !== 'deadlock' || depthOf(t) === k + 1)) {
        if (k + 1 < length) shorter = true;
        if (k + 1 === length) {
          paths++;
          most = Math.max(most, sw);
          if (!best || sw < best.switches) best = { switches: sw, labels: [...labels, inst.label], states: [...path, t].map(canonical) };
        }
      }
      if (k + 1 < length && inModel(t) && depthOf(t) === k + 1) walk([...path, t], [...labels, inst.label], [...actors, inst.actor], sw);
    }
  };
  for (const s of inits) if (inModel(s)) walk([s], [null], [], 0);
  return { best, shorter, paths, most };
}

/** Violations compared, and among them those where some shortest counterexample has more switches than the fewest. */
const counts = { compared: 0, choice: 0 };

async function crossCheck(d: Desc): Promise<void> {
  const spec = build(d);
  const loaded = { spec, file: 'random-spec' };
  for (const continueAfterViolation of [false, true]) {
    const r = await checkConfig(loaded, { workers: 1, continueAfterViolation });
    for (const v of r.violations) {
      if (v.length < 2) continue;
      const { best, shorter, paths, most } = bruteForce(d, v.kind, v.length);
      expect(shorter, `${v.property}: a shorter counterexample than ${v.length} states exists`).toBe(false);
      expect(best, `${v.property}: the brute force finds no counterexample of ${v.length} states`).toBeDefined();
      expect(paths).toBeGreaterThan(0);
      expect(v.switches).toBe(best!.switches);
      if (v.lanes.length > 1) {
        expect(v.trace.map((s) => s.label)).toEqual(best!.labels);
        expect(v.trace.map((s) => canonical(s.state))).toEqual(best!.states);
      }
      counts.compared++;
      if (most > best!.switches) counts.choice++;
    }
  }
}

describe('fewest context switches, against brute force', () => {
  it('random specs with actors', async () => {
    await fc.assert(fc.asyncProperty(descArb, crossCheck), { numRuns: 800, seed: 11 });
    // The property must have had something to compare, and real choices to make, or it proves nothing.
    expect(counts.compared).toBeGreaterThan(200);
    expect(counts.choice).toBeGreaterThan(60);
    console.log(`fewest switches: ${counts.compared} violations compared, ${counts.choice} with a choice of switch counts`);
  });
});
