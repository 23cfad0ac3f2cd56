/**
 * Among all shortest counterexamples, the one with the fewest context switches (steps whose actor differs from the
 * previous step's), ties broken canonically. A person follows a race more easily when each actor runs as long as
 * it can; the parent links alone give an arbitrary shortest trace (the smallest-fingerprint parent at each level).
 *
 * The graph: every shortest counterexample of length L is a path s1 -> s2 -> ... through states at BFS depths
 * 1, 2, ..., whose last step (from depth L-1) is an ending step (it violates the property, or reaches a deadlock).
 * A state's depth is the length of its parent-link chain (links always point one level up), so no level needs to
 * be stored. The edges between depths k and k+1 are found again by running the actions (the seen-table keeps no
 * edges): a depth-first walk from the initial states, through successors one level deeper only, expands each state
 * of depths 1..L-1 at most once.
 *
 * The cost-to-go of a state s entered by a step of actor a is h(s, a) = min over s's edges e (actor b, to t) of
 * [a != b] + h(t, b), with h = 0 after an ending step. It compresses exactly into two numbers per state:
 * H(s) = min over edges of h(t, b_e), and the set B(s) of the actors b_e of the edges achieving it, since
 * h(s, a) = H(s) when a is in B(s) and H(s) + 1 otherwise (an edge of another actor costs one switch, at best
 * H(s) + 1; one of actor a costs its own value, at least H(s)). So the walk memoises H and a bitmask of B per slot.
 *
 * The trace is then built forwards: the first initial state (in init's order) with the smallest H, and at each
 * state the first edge (in instance order, then successor order) that keeps the remaining cost. That is the
 * lexicographically smallest of the fewest-switch shortest counterexamples: it depends only on the graph, never
 * on the worker count or on timing.
 *
 * Cost: one single-threaded re-expansion of depths 1..L-1 (each state once, each successor fingerprinted and
 * looked up), plus 8 + 4*ceil(lanes/32) bytes per seen-table slot for the memo while it runs. Under a VIEW a slot
 * stands for several states whose actions may differ, so there the parent-link trace is kept (./trace.ts).
 */
import type { Step } from '../../src/spec.ts';
import { InternalError } from '../errors.ts';
import type { Model } from '../model/model.ts';
import type { ParentLinks } from '../store/types.ts';
import type { Candidate } from './candidates.ts';
import { stepOf, type TraceStep } from './trace.ts';

const UNSEEN = -1;
const NONE = 0x3fffffff;

/** One out-edge of a state: the successor, its instance and lane, and its slot (-1 for an ending step). */
interface Edge {
  readonly instance: number;
  readonly label: string;
  readonly state: unknown;
  readonly lane: number;
  readonly slot: number;
}

interface Frame {
  readonly slot: number;
  readonly state: unknown;
  readonly depth: number;
  readonly edges: Edge[];
  pos: number;
  best: number;
  mask: Int32Array;
}

/** The number of steps whose actor differs from the previous step's (the initial state has none). */
export function contextSwitches(trace: readonly { readonly actor?: string }[]): number {
  let n = 0;
  for (let i = 2; i < trace.length; i++) if (trace[i]!.actor !== trace[i - 1]!.actor) n++;
  return n;
}

/**
 * Whether the fewest-switch search applies: a trace with a step, several lanes, no VIEW and no symmetry reduction
 * (the stored states are then canonical forms, and a step between two of them is not a step of the spec).
 */
export function fewestSwitchesApply(model: Model, v: Candidate, parents: ParentLinks): boolean {
  return !parents.partial && v.length >= 2 && model.lanes.length > 1 && model.spec.view === undefined && model.symmetry === undefined;
}

/**
 * The fewest-switch shortest counterexample of the violation `v` (of v.length states, ending like v: a step that
 * violates the same property, or a step into a deadlocked state).
 */
export function fewestSwitchTrace(model: Model, parents: ParentLinks, v: Candidate): TraceStep[] {
  const length = v.length;
  const last = length - 1;
  const words = Math.ceil(model.lanes.length / 32);
  // Per slot, only for the states the walk reaches (maps, not arrays of the table's size: the table may be on disk,
  // where slots are handed out as states are looked up).
  const depth = new Map<number, number>();
  const cost = new Map<number, number>();
  const masks = new Map<number, Int32Array>();
  const costOf = (slot: number): number => cost.get(slot) ?? UNSEEN;
  const laneOf = model.laneOf;

  const depthOf = (slot: number): number => {
    let d = depth.get(slot) ?? 0;
    if (d !== 0) return d;
    const chain: number[] = [];
    let s = slot;
    while (s >= 0 && !depth.has(s)) { chain.push(s); s = parents.parent(s); }
    d = s < 0 ? 0 : depth.get(s)!;
    for (let i = chain.length - 1; i >= 0; i--) depth.set(chain[i]!, ++d);
    return depth.get(slot)!;
  };

  /** The slot of `to` when it is a stored state at depth `d` reached by a step inside the model, else -1. */
  const slotAt = (from: unknown, to: unknown, step: Step | undefined, d: number): number => {
    if (!model.checks.inModel(from, to, step)) return -1;
    model.encodeAndFingerprint(to, step?.label ?? 'the initial state');
    const slot = parents.lookup(model.fp.high, model.fp.low);
    return slot >= 0 && depthOf(slot) === d ? slot : -1;
  };

  const checks = model.checks;
  const props = model.properties;
  const deadlocked = new Map<number, boolean>();
  const isDeadlocked = (slot: number, state: unknown): boolean => {
    let d = deadlocked.get(slot);
    if (d === undefined) {
      d = model.instances.every((inst) => model.successorList(inst.run(state), inst.step.label).length === 0);
      deadlocked.set(slot, d);
    }
    return d;
  };
  const invariant = props.invariants.findIndex((p) => p.name === v.property);
  const actionProperty = props.actionProperties.findIndex((p) => p.name === v.property);
  /** Whether the step from `from` (at depth L-1) to `to` ends a counterexample like v. */
  const ending = (from: unknown, to: unknown, step: Step): boolean => {
    switch (v.kind) {
      case 'invariant': return !checks.invariantHolds(invariant, to);
      case 'actionProperty': return !checks.actionPropertyHolds(actionProperty, from, to, step);
      case 'deadlock': {
        const slot = slotAt(from, to, step, length);
        return slot >= 0 && isDeadlocked(slot, to);
      }
      default: throw new InternalError(`no shortest-trace ending for a ${v.kind} property`);
    }
  };

  const edgesOf = (state: unknown, d: number): Edge[] => {
    const out: Edge[] = [];
    const instances = model.instances;
    for (let i = 0; i < instances.length; i++) {
      const inst = instances[i]!;
      const successors = model.labelledSuccessors(inst.run(state), inst.step);
      for (const { state: to, label } of successors) {
        if (d === last) {
          if (ending(state, to, inst.step)) out.push({ instance: i, label, state: to, lane: laneOf[i]!, slot: -1 });
        } else {
          const slot = slotAt(state, to, inst.step, d + 1);
          if (slot >= 0) out.push({ instance: i, label, state: to, lane: laneOf[i]!, slot });
        }
      }
    }
    return out;
  };

  const has = (slot: number, lane: number) => (masks.get(slot)![lane >>> 5]! & (1 << (lane & 31))) !== 0;
  /** h(t, lane): the fewest switches from t on, entered by a step of `lane`; NONE when no ending is reachable. */
  const after = (e: Edge): number => {
    if (e.slot < 0) return 0;
    const c = costOf(e.slot);
    return c === NONE ? NONE : c + (has(e.slot, e.lane) ? 0 : 1);
  };

  /** Computes H and B of `slot` (and of everything below it), iteratively: a trace can be thousands of steps. */
  const solve = (slot: number, state: unknown): void => {
    const stack: Frame[] = [{ slot, state, depth: 1, edges: edgesOf(state, 1), pos: 0, best: NONE, mask: new Int32Array(words) }];
    cost.set(slot, NONE); // in progress (no state is reachable from itself one level down)
    while (stack.length) {
      const f = stack[stack.length - 1]!;
      if (f.pos < f.edges.length) {
        const e = f.edges[f.pos]!;
        if (e.slot >= 0 && costOf(e.slot) === UNSEEN) {
          cost.set(e.slot, NONE);
          stack.push({ slot: e.slot, state: e.state, depth: f.depth + 1, edges: edgesOf(e.state, f.depth + 1), pos: 0, best: NONE, mask: new Int32Array(words) });
          continue;
        }
        const v = after(e);
        if (v < f.best) { f.best = v; f.mask.fill(0); }
        if (v === f.best && v !== NONE) f.mask[e.lane >>> 5]! |= 1 << (e.lane & 31);
        f.pos++;
        continue;
      }
      cost.set(f.slot, f.best);
      masks.set(f.slot, f.mask);
      stack.pop();
    }
  };

  // The initial states, in init's order: each stored one at depth 1 is solved once.
  const initial: { slot: number; state: unknown }[] = [];
  for (const state of model.initialStates()) {
    const slot = slotAt(undefined, state, undefined, 1);
    if (slot < 0) continue;
    if (costOf(slot) === UNSEEN) solve(slot, state);
    initial.push({ slot, state });
  }
  let start: { slot: number; state: unknown } | undefined;
  for (const s of initial) if (costOf(s.slot) !== NONE && (!start || costOf(s.slot) < costOf(start.slot))) start = s;
  const lost = () => new InternalError(`the fewest-switch search found no shortest trace of ${v.property} (${length} states), `
    + 'though the search found one: an action is not a function of its state and the constants, or this is a bug in tlats.');
  if (!start) throw lost();

  // Forwards: the first edge that keeps the remaining cost, at every state.
  const trace: TraceStep[] = [{ label: null, state: start.state }];
  let state = start.state;
  let remaining = costOf(start.slot);
  let lane = -1;
  for (let d = 1; d <= last; d++) {
    let next: Edge | undefined;
    for (const e of edgesOf(state, d)) {
      const v = after(e);
      if (v === NONE) continue;
      const switched = lane >= 0 && lane !== e.lane ? 1 : 0;
      if (switched + v === remaining) { next = e; remaining = v; break; }
    }
    if (!next) throw lost();
    trace.push(stepOf(model.instances[next.instance]!, next.label, next.state));
    state = next.state;
    lane = next.lane;
  }
  return trace;
}
