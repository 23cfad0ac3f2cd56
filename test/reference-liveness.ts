/**
 * A deliberately naive reference for temporal properties under fairness, independent of checker/liveness: no
 * Tarjan, no patterns, no refinement. It states the semantics directly over *infinity sets*:
 *
 * An ultimately periodic behaviour is a path from an initial state to a set I of states that it visits infinitely
 * often, taking the steps of a set E ⊆ I×I infinitely often (the stutter loop of a single state when E is empty);
 * every such (I, E) with E strongly connected on I, or I a single stuttering state, is the infinite part of some
 * behaviour. Fairness and the temporal forms are judged on (I, E) and on the path, straight from their LTL
 * definitions. The reference enumerates every subset I of the reachable states and every subset E of the steps
 * inside I: exponential, meant for graphs of a few states.
 *
 * The graph: states inside the constraint, steps inside the model; ENABLED <<A>>_vars counts every successor of
 * the spec (also those a constraint cuts), as TLC does.
 */
import type { Spec, Step } from '../src/index.ts';
import type { Fairness, StatePredicate, Steps, Temporal, TemporalProperty } from '../src/temporal.ts';
import { Next } from '../src/temporal.ts';
import { canonical, referenceConstants } from './reference-search.ts';

interface Instance { step: Step; run: (s: unknown) => unknown }

export interface RefGraph {
  states: unknown[];
  keys: string[];
  initial: number[];
  /** Steps between distinct states inside the model: [from, to, instance]. */
  steps: [number, number, number][];
  /** Every successor of each state (also outside the constraint), with the instance: for ENABLED. */
  allSuccessors: { key: string; instance: number }[][];
  instances: Instance[];
  consts: Record<string, unknown>;
  config?: string;
}

const list = (r: unknown): unknown[] => (r === null || r === undefined || r === false ? [] : Array.isArray(r) ? r : [r]);

/**
 * The reference graph: every reachable state (or, with `only`, just those states: enough to judge a given lasso),
 * its steps inside the model and all its successors.
 */
export function referenceGraph(spec: Spec, config?: string, only?: readonly unknown[]): RefGraph {
  const consts = referenceConstants(spec, config);
  const instances: Instance[] = [];
  for (const [name, def] of Object.entries(spec.actions)) {
    if (typeof def === 'function') { instances.push({ step: { action: name, params: {}, label: name }, run: (s) => def(s, consts) }); continue; }
    const domains = (typeof def.params === 'function' ? def.params(consts) : def.params) ?? {}; // `{ next }`: no parameters
    let combos: Record<string, unknown>[] = [{}];
    for (const [k, vs] of Object.entries(domains as Record<string, unknown[]>)) combos = combos.flatMap((c) => vs.map((v) => ({ ...c, [k]: v })));
    for (const p of combos) instances.push({ step: { action: name, params: p as never, label: name }, run: (s) => def.next(s, p as never, consts) });
  }
  const inModel = (from: unknown, to: unknown, step?: Step) =>
    (!spec.constraint || spec.constraint(to, consts)) && (!step || !spec.actionConstraint || spec.actionConstraint(from, to, step, consts));
  const states: unknown[] = [];
  const keys: string[] = [];
  const index = new Map<string, number>();
  const add = (s: unknown) => {
    const k = canonical(s);
    if (!index.has(k)) { index.set(k, states.length); states.push(s); keys.push(k); }
    return index.get(k)!;
  };
  const initial: number[] = [];
  const initKeys = new Set(list(spec.init(consts)).filter((s) => inModel(undefined, s)).map(canonical));
  if (only) {
    for (const s of only) add(s);
    keys.forEach((k, i) => { if (initKeys.has(k)) initial.push(i); });
  } else {
    for (const s of list(spec.init(consts))) if (inModel(undefined, s)) { const i = add(s); if (!initial.includes(i)) initial.push(i); }
  }
  const steps: [number, number, number][] = [];
  const allSuccessors: { key: string; instance: number }[][] = [];
  for (let u = 0; u < states.length; u++) {
    const all: { key: string; instance: number }[] = [];
    instances.forEach((inst, i) => {
      for (const t of list(inst.run(states[u]))) {
        all.push({ key: canonical(t), instance: i });
        if (!inModel(states[u], t, inst.step)) continue;
        const k = canonical(t);
        if (only && !index.has(k)) continue;
        const v = add(t);
        if (v !== u) steps.push([u, v, i]);
      }
    });
    allSuccessors.push(all);
  }
  return { states, keys, initial, steps, allSuccessors, instances, consts, config };
}

/** A set of action instances (with a guard): a fairness condition's action, or the steps a property names. */
interface Group { members: Set<number>; when?: (s: unknown, p: unknown, c: unknown) => boolean }

function groupOf(g: RefGraph, spec: Spec, actions: Fairness['actions'], filter: (i: number) => boolean, when?: Group['when']): Group {
  const names = actions === Next ? Object.keys(spec.actions) : typeof actions === 'string' ? [actions] : [...actions];
  return { members: new Set(g.instances.map((_, i) => i).filter((i) => names.includes(g.instances[i]!.step.action) && filter(i))), when };
}

/** The fairness conditions, each a group and a kind (`each` splits one condition into one per parameter value). */
export function referenceFairness(g: RefGraph, spec: Spec, selected?: readonly string[]): { kind: 'weak' | 'strong'; group: Group }[] {
  selected ??= (g.config !== undefined ? (spec.configs?.[g.config] as { fairness?: readonly string[] } | undefined)?.fairness : undefined);
  const out: { kind: 'weak' | 'strong'; group: Group }[] = [];
  for (const [name, f] of Object.entries((spec.fairness ?? {}) as Record<string, Fairness>)) {
    if (selected && !selected.includes(name)) continue;
    if (f.each === undefined) { out.push({ kind: f.kind, group: groupOf(g, spec, f.actions, () => true, f.when as Group['when']) }); continue; }
    const keysOf = (i: number) => (f.each === true ? Object.keys(g.instances[i]!.step.params) : typeof f.each === 'string' ? [f.each] : [...f.each!]);
    const values = new Map<string, (i: number) => boolean>();
    for (const i of g.instances.keys()) {
      const key = JSON.stringify(keysOf(i).map((k) => (g.instances[i]!.step.params as Record<string, unknown>)[k]));
      values.set(key, (j) => JSON.stringify(keysOf(j).map((k) => (g.instances[j]!.step.params as Record<string, unknown>)[k])) === key);
    }
    for (const same of values.values()) out.push({ kind: f.kind, group: groupOf(g, spec, f.actions, same, f.when as Group['when']) });
  }
  return out;
}

const guardOk = (g: RefGraph, group: Group, u: unknown, i: number) => !group.when || group.when(u, g.instances[i]!.step.params, g.consts) === true;

function enabled(g: RefGraph, group: Group, u: number): boolean {
  return g.allSuccessors[u]!.some((x) => x.key !== g.keys[u] && group.members.has(x.instance) && guardOk(g, group, g.states[u], x.instance));
}

/** Whether the pair (u, v), v ≠ u, is a step of the group: some instance in it, guard true in u, goes from u to v. */
function isStep(g: RefGraph, group: Group, u: number, v: number): boolean {
  return u !== v && g.allSuccessors[u]!.some((x) => x.key === g.keys[v] && group.members.has(x.instance) && guardOk(g, group, g.states[u], x.instance));
}

/** A step descriptor as a predicate on pairs of states (never true on a pair that changes nothing). */
function stepPred(g: RefGraph, spec: Spec, steps: Steps<unknown, unknown>): (u: number, v: number) => boolean {
  if (typeof steps === 'function') {
    return (u, v) => u !== v && g.steps.some(([a, b, i]) => a === u && b === v && (steps as (...a: unknown[]) => boolean)(g.states[u], g.states[v], g.instances[i]!.step, g.consts) === true);
  }
  const group = groupOf(g, spec, steps, () => true);
  return (u, v) => isStep(g, group, u, v);
}

/** An infinite part of a behaviour: the states visited infinitely often and the steps taken infinitely often. */
export interface Infinity { I: number[]; E: [number, number][]; /** The first state of the infinite part. */ entry: number }

/** The fairness conditions hold on a behaviour whose infinite part is (I, E). */
export function fairOn(g: RefGraph, fairness: ReturnType<typeof referenceFairness>, inf: Infinity): boolean {
  return fairness.every(({ kind, group }) => {
    const taken = inf.E.some(([u, v]) => isStep(g, group, u, v));
    const en = inf.I.map((u) => enabled(g, group, u));
    return taken || (kind === 'weak' ? en.some((x) => !x) : en.every((x) => !x));
  });
}

const sat = (g: RefGraph, p: StatePredicate<unknown, unknown>, u: number) => p(g.states[u], g.consts) === true;

/**
 * Whether a behaviour with prefix `path` (from an initial state to the first state of I, which is `path`'s last)
 * and infinite part (I, E) violates the property. Straight from the definitions.
 */
export function violates(g: RefGraph, spec: Spec, t: Temporal, path: number[], inf: Infinity): boolean {
  return !holdsOn(g, spec, t, path, inf);
}

function holdsOn(g: RefGraph, spec: Spec, t: Temporal, path: number[], inf: Infinity): boolean {
  const all = [...path, ...inf.I];
  switch (t.form) {
    case 'eventually': return all.some((u) => sat(g, t.p, u));
    case 'alwaysEventually': return inf.I.some((u) => sat(g, t.p, u));
    case 'eventuallyAlways': return inf.I.every((u) => sat(g, t.p, u));
    case 'leadsTo': {
      // Every P state is followed (then or later) by a Q state: on the path, by a later Q on the path or in I; in I, by
      // a Q in I (I is visited for ever).
      const qInI = inf.I.some((u) => sat(g, t.q, u));
      for (let k = 0; k < path.length; k++) {
        if (!sat(g, t.p, path[k]!)) continue;
        if (!path.slice(k).some((u) => sat(g, t.q, u)) && !qInI) return false;
      }
      return !inf.I.some((u) => sat(g, t.p, u)) || qInI;
    }
    case 'infinitelyOften': { const a = stepPred(g, spec, t.steps); return inf.E.some(([u, v]) => a(u, v)); }
    case 'eventuallyNever': { const a = stepPred(g, spec, t.steps); return !inf.E.some(([u, v]) => a(u, v)); }
    case 'fair': {
      const action = t.action;
      const isLike = typeof action === 'object' && action !== null && !Array.isArray(action);
      const en = isLike ? (u: number) => sat(g, (action as { enabled: StatePredicate<unknown, unknown> }).enabled, u)
        : (u: number) => enabled(g, groupOf(g, spec, action as Fairness['actions'], () => true), u);
      const a = isLike ? stepPred(g, spec, (action as { steps: Steps<unknown, unknown> }).steps) : stepPred(g, spec, action as Fairness['actions']);
      const taken = inf.E.some(([u, v]) => a(u, v));
      return taken || (t.kind === 'weak' ? inf.I.some((u) => !en(u)) : inf.I.every((u) => !en(u)));
    }
    case 'implies': {
      const assumed = t.assumptions.every((a) => (a.form === 'initially' ? sat(g, a.p, path[0] ?? inf.entry) : holdsOn(g, spec, a as Temporal, path, inf)));
      return !assumed || holdsOn(g, spec, t.then, path, inf);
    }
  }
}

/** Strongly connected over E, covering I (I of one state with E empty: a stutter). */
function stronglyConnected(I: number[], E: [number, number][]): boolean {
  if (I.length === 1) return E.length === 0 || E.every(([u, v]) => u === I[0] && v === I[0]);
  const reach = (from: number, forward: boolean) => {
    const seen = new Set([from]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [u, v] of E) {
        const [a, b] = forward ? [u, v] : [v, u];
        if (seen.has(a) && !seen.has(b)) { seen.add(b); grew = true; }
      }
    }
    return seen;
  };
  return I.every((u) => reach(I[0]!, true).has(u) && reach(I[0]!, false).has(u));
}

/** All simple paths from `from` to `target` (short graphs only). */
function simplePaths(g: RefGraph, from: number, target: number, limit = 500): number[][] {
  const out: number[][] = [];
  const walk = (path: number[]) => {
    if (out.length >= limit) return;
    const u = path[path.length - 1]!;
    if (u === target) out.push([...path]);
    for (const [a, b] of g.steps) if (a === u && !path.includes(b)) { path.push(b); walk(path); path.pop(); }
  };
  walk([from]);
  return out;
}

/** A shortest path from `from` to `to` (breadth-first), or undefined. */
function shortestPath(g: RefGraph, from: number, to: number): number[] | undefined {
  const parent = new Map<number, number>([[from, -1]]);
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    if (u === to) { const path = [u]; for (let x = parent.get(u)!; x !== -1; x = parent.get(x)!) path.push(x); return path.reverse(); }
    for (const [a, b] of g.steps) if (a === u && !parent.has(b)) { parent.set(b, u); queue.push(b); }
  }
  return undefined;
}

const hasLeadsTo = (t: Temporal): boolean => t.form === 'leadsTo' || (t.form === 'implies' && hasLeadsTo(t.then));

/**
 * The prefixes to try before entering I at `entry`. Simple paths from an initial state suffice for every form but
 * leadsTo (removing a loop from a prefix only removes states, which can only help `[]~P`); for leadsTo the state
 * where P holds must stay on the prefix, so the prefixes are: any initial state, a shortest path to some state s,
 * then a simple path from s to the entry.
 */
function stems(g: RefGraph, t: Temporal, entry: number): number[][] {
  const out: number[][] = [];
  if (!hasLeadsTo(t)) {
    for (const i of g.initial) for (const path of simplePaths(g, i, entry)) out.push(path.slice(0, -1));
    return out;
  }
  for (const i of g.initial) {
    for (let s = 0; s < g.states.length; s++) {
      const head = shortestPath(g, i, s);
      if (!head) continue;
      for (const tail of simplePaths(g, s, entry)) out.push([...head, ...tail.slice(1)].slice(0, -1));
    }
  }
  return out;
}

/** Whether some fair behaviour violates the property, and one such (prefix, I, E). */
export function referenceViolation(g: RefGraph, spec: Spec, t: Temporal, fairness: ReturnType<typeof referenceFairness>): { path: number[]; inf: Infinity } | undefined {
  const n = g.states.length;
  if (n > 12) throw new Error('reference liveness: graph too big');
  for (let mask = 1; mask < 1 << n; mask++) {
    const I = [...Array(n).keys()].filter((u) => (mask >>> u) & 1);
    const pairs = [...new Map(g.steps.filter(([u, v]) => I.includes(u) && I.includes(v)).map(([u, v]) => [`${u},${v}`, [u, v] as [number, number]])).values()];
    if (pairs.length > 16) throw new Error('reference liveness: too many steps inside a set of states');
    for (let em = 0; em < 1 << pairs.length; em++) {
      const E = pairs.filter((_, j) => (em >>> j) & 1);
      if (I.length > 1 && E.length === 0) continue;
      if (!stronglyConnected(I, E)) continue;
      if (!fairOn(g, fairness, { I, E, entry: I[0]! })) continue;
      for (const entry of I) {
        const inf = { I, E, entry };
        for (const stem of stems(g, t, entry)) if (violates(g, spec, t, stem, inf)) return { path: stem, inf };
      }
    }
  }
  return undefined;
}

/** The instances of a declared property (a forAll gives one per value; a function of the constants is applied). */
export function referenceInstances(g: RefGraph, def: TemporalProperty): Temporal[] {
  const d = typeof def === 'function' ? (def as (c: unknown) => Temporal)(g.consts) : def;
  if (d.form !== 'forAll') return [d as Temporal];
  const domains = (typeof d.params === 'function' ? d.params(g.consts) : d.params) as Record<string, unknown[]>;
  let combos: Record<string, unknown>[] = [{}];
  for (const [k, vs] of Object.entries(domains)) combos = combos.flatMap((c) => vs.map((v) => ({ ...c, [k]: v })));
  return combos.map((p) => d.body(p));
}

/**
 * Judges a lasso the checker reported, with this file's semantics only: it starts in an initial state, each step
 * (and the one closing the cycle) is a step of the spec inside the model, the fairness conditions hold on its
 * cycle, and the property fails on it. Returns what is wrong, or undefined.
 */
export function judgeLasso(
  spec: Spec, config: string | undefined, t: Temporal,
  lasso: { trace: readonly { state: unknown }[]; loop?: { index: number; stutter: boolean } },
): string | undefined {
  if (!lasso.loop) return 'not a lasso';
  const g = referenceGraph(spec, config, lasso.trace.map((s) => s.state));
  const ids = lasso.trace.map((s) => g.keys.indexOf(canonical(s.state)));
  if (!g.initial.includes(ids[0]!)) return 'the lasso does not start in an initial state';
  const step = (u: number, w: number) => g.steps.some(([a, b]) => a === u && b === w);
  for (let i = 1; i < ids.length; i++) if (!step(ids[i - 1]!, ids[i]!)) return `step ${i} is not a step of the spec inside the model`;
  const { index, stutter } = lasso.loop;
  const cycle = ids.slice(index);
  const E: [number, number][] = [];
  if (stutter) {
    if (cycle.length !== 1) return 'a stuttering cycle of more than one state';
  } else {
    if (!step(ids[ids.length - 1]!, ids[index]!)) return 'the step closing the cycle is not a step of the spec';
    for (let i = 0; i < cycle.length; i++) E.push([cycle[i]!, cycle[(i + 1) % cycle.length]!]);
  }
  const inf = { I: [...new Set(cycle)], E, entry: ids[index]! };
  if (!fairOn(g, referenceFairness(g, spec), inf)) return 'the cycle is not fair';
  if (!violates(g, spec, t, ids.slice(0, index), inf)) return 'the lasso does not violate the property';
  return undefined;
}
