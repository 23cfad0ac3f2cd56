/**
 * Random simulation (`--simulate`, TLC's -simulate): behaviours of at most `depth` states, each step chosen
 * uniformly among all successors of all action instances that stay inside the model (the state and action
 * constraints), checking the invariants on every state, the action properties on every step, and deadlock (a state
 * with no successor at all). Behaviour number i draws its random numbers from a generator seeded by (seed, i) alone,
 * so it is the same whoever runs it: the threads claim behaviours by number (checker/run/simulate.ts), and the
 * violation reported is the one of the smallest number, found by running every smaller number to its end. For a
 * given seed and behaviour count the result is the same for any number of workers and any run.
 *
 * A violating behaviour is then shortened: blocks of steps are dropped (halves, quarters, ... single steps, as in
 * delta debugging), the rest replayed (each later step re-takes its action instance and its successor's index
 * among that instance's successors, and is itself dropped when that instance no longer has it), and the shorter
 * behaviour kept while it still violates the same property. What is printed is a real behaviour of the spec:
 * only the steps actually taken in the replay are kept.
 */
import { Choice as SpecChoice, type Step } from '../../src/spec.ts';
import type { Model } from '../model/model.ts';
import { SimCoord } from '../parallel/protocol.ts';
import type { DistinctStates } from './sim-distinct.ts';

/** One step of a behaviour: which instance, and which of its successors (index in what it returned). */
export interface Choice { readonly instance: number; readonly index: number }

export interface SimViolation {
  readonly property: string;
  readonly kind: 'invariant' | 'actionProperty' | 'deadlock';
  /** The initial state chosen (index among the initial states) and the steps, up to and including the bad one. */
  readonly initial: number;
  readonly choices: readonly Choice[];
  readonly behaviour: number;
}

export interface SimStats {
  behaviours: number;
  steps: number;
  /** Distinct states seen (by their 64-bit fingerprint, in one table shared by every thread). */
  distinct: number;
  /** The fingerprint table reached the memory budget: `distinct` is a lower bound. */
  distinctCapped?: boolean;
  /** The most states in one behaviour. */
  deepest: number;
  seconds: number;
}

/** sfc32: a small, fast generator with a 128-bit state (a library for 15 lines of arithmetic is not worth it). */
export class Random {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number, stream: number) {
    this.a = seed | 0; this.b = stream | 0; this.c = 0x9e3779b9; this.d = (seed ^ Math.imul(stream, 0x85ebca6b)) | 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** A uniform integer in [0, n). */
  below(n: number): number { return Math.floor((this.next() / 2 ** 32) * n); }
}

/** Per-thread statistics slots in a shared Float64Array: each thread writes only its own slot. */
export const STAT_BEHAVIOURS = 0, STAT_STEPS = 1, STAT_DEEPEST = 2, STAT_WORDS = 4;

interface Replayed {
  readonly states: { label: string | null; state: unknown }[];
  /** The choices actually taken (those still possible). */
  readonly taken: Choice[];
  readonly violated: boolean;
}

/**
 * One thread's walker. `run(n)` is the hot loop: per step it applies every action instance to the current state,
 * keeps the successors inside the model in reused buffers (no object per candidate: the spec's own successor
 * objects are the only garbage), picks one uniformly, fingerprints it into the shared distinct-state table and
 * checks it. The walk stops early when `coord` says stop, or when a smaller behaviour index has already violated
 * (what this one finds could not be reported).
 */
export class Simulator {
  /** This thread's counts; in `slot` of the shared statistics array after every behaviour. */
  behaviours = 0;
  steps = 0;
  deepest = 0;
  private readonly initial: unknown[];
  private succ: unknown[] = [];
  private succInstance = new Int32Array(64);
  private succIndex = new Int32Array(64);
  private readonly constrained: boolean;

  constructor(
    private readonly model: Model,
    private readonly seed: number,
    private readonly depth: number,
    readonly distinct: DistinctStates | undefined,
    private readonly coord: Int32Array,
    private readonly stats?: Float64Array,
    private readonly slot = 0,
  ) {
    this.initial = model.initialStates().filter((s) => model.checks.inModel(undefined, s, undefined));
    this.constrained = model.spec.constraint !== undefined || model.spec.actionConstraint !== undefined;
  }

  private see(state: unknown, who: string): void {
    const d = this.distinct;
    if (!d) return;
    this.model.encodeAndFingerprint(state, who);
    d.add(this.model.fp.high, this.model.fp.low);
  }

  /** Collects every successor of `from` inside the model, in instance order, into the buffers; returns how many. */
  private collect(from: unknown): number {
    const m = this.model;
    const instances = m.instances;
    let count = 0;
    let i = 0;
    // One try for the whole loop (not one per instance): `i` says which instance threw.
    try {
      for (; i < instances.length; i++) {
        const r: unknown = instances[i]!.run(from);
        if (r === null || r === undefined || r === false) continue;
        if (Array.isArray(r)) {
          for (let k = 0; k < r.length; k++) count = this.keep(from, r[k], i, k, count);
        } else {
          count = this.keep(from, r, i, 0, count);
        }
      }
    } catch (e) {
      // A SpecEvalError from keep (not a state, a failing constraint) passes through evalError unchanged.
      throw m.evalError(`evaluating action ${instances[i]!.step.label}`, e, from);
    }
    return count;
  }

  private keep(from: unknown, x: unknown, instance: number, index: number, count: number): number {
    const to = x instanceof SpecChoice ? x.state : x;
    if (to === null || typeof to !== 'object' || Array.isArray(to)) this.model.checkIsState(to, this.model.instances[instance]!.step.label);
    if (this.constrained && !this.model.checks.inModel(from, to, this.model.instances[instance]!.step)) return count;
    if (count === this.succInstance.length) {
      const grow = (a: Int32Array) => { const b = new Int32Array(a.length * 2); b.set(a); return b; };
      this.succInstance = grow(this.succInstance);
      this.succIndex = grow(this.succIndex);
    }
    this.succ[count] = to;
    this.succInstance[count] = instance;
    this.succIndex[count] = index;
    return count + 1;
  }

  /** Every successor of `from` inside the model, in instance order (off the hot path: deadlock after a replay). */
  successors(from: unknown): number {
    const n = this.collect(from);
    this.succ.fill(undefined, 0, n);
    return n;
  }

  /** The first property `state` (reached by `step` from `from`) violates, by rank; undefined if none. */
  private violated(from: unknown, to: unknown, step: Step | undefined): { property: string; kind: SimViolation['kind'] } | undefined {
    const m = this.model;
    const inv = m.properties.invariants;
    for (let i = 0; i < inv.length; i++) if (!m.checks.invariantHolds(i, to)) return { property: inv[i]!.name, kind: 'invariant' };
    if (step) {
      const props = m.properties.actionProperties;
      for (let i = 0; i < props.length; i++) if (!m.checks.actionPropertyHolds(i, from, to, step)) return { property: props[i]!.name, kind: 'actionProperty' };
    }
    return undefined;
  }

  /** Whether the walk of behaviour `n` should stop now: a stop, or a smaller index has violated already. */
  private abandoned(n: number): boolean {
    const c = this.coord;
    return c[SimCoord.stop] !== 0 || c[SimCoord.best]! < n;
  }

  private publish(): void {
    const s = this.stats;
    if (!s) return;
    const at = this.slot * STAT_WORDS;
    s[at + STAT_BEHAVIOURS] = this.behaviours;
    s[at + STAT_STEPS] = this.steps;
    s[at + STAT_DEEPEST] = this.deepest;
  }

  /**
   * Runs behaviour number `n`; returns its violation, if any. With `record`, the violation carries the choices
   * made (the coordinator re-runs the violating behaviour so, to shorten it; the walkers do not record).
   */
  run(n: number, record = false): SimViolation | undefined {
    const rng = new Random(this.seed, n);
    const m = this.model;
    this.behaviours++;
    if (this.initial.length === 0) { this.publish(); return undefined; }
    const initial = rng.below(this.initial.length);
    let state = this.initial[initial];
    this.see(state, 'the initial state');
    const choices: Choice[] = [];
    const bad0 = this.violated(undefined, state, undefined);
    let found: SimViolation | undefined;
    let length = 1;
    if (bad0) found = { ...bad0, initial, choices, behaviour: n };
    while (!found && length < this.depth) {
      if (this.abandoned(n)) break;
      const count = this.collect(state);
      if (count === 0) {
        if (m.properties.deadlockRank >= 0) found = { property: 'deadlock', kind: 'deadlock', initial, choices, behaviour: n };
        break;
      }
      const k = rng.below(count);
      const to = this.succ[k];
      const step = m.instances[this.succInstance[k]!]!.step;
      if (record) choices.push({ instance: this.succInstance[k]!, index: this.succIndex[k]! });
      this.steps++;
      this.see(to, step.label);
      const bad = this.violated(state, to, step);
      state = to;
      length++;
      if (bad) found = { ...bad, initial, choices, behaviour: n };
    }
    // Drop the references to this step's successors: they must not outlive the walk.
    this.succ.fill(undefined);
    if (length > this.deepest) this.deepest = length;
    this.publish();
    return found;
  }

  /**
   * Replays a behaviour: the states it visits, each with the step that produced it; undefined if a choice is not
   * available (the instance disabled, or fewer successors). Stops at the first violation of `property`.
   */
  replay(initial: number, choices: readonly Choice[], property: string): Replayed | undefined {
    const m = this.model;
    let state = this.initial[initial];
    if (state === undefined) return undefined;
    const states: { label: string | null; state: unknown }[] = [{ label: null, state }];
    const taken: Choice[] = [];
    if (this.violated(undefined, state, undefined)?.property === property) return { states, taken, violated: true };
    for (const c of choices) {
      const inst = m.instances[c.instance]!;
      let r: unknown;
      try {
        r = inst.run(state);
      } catch (e) {
        throw m.evalError(`evaluating action ${inst.step.label}`, e, state);
      }
      const picked = m.labelledSuccessors(r, inst.step)[c.index];
      // No longer possible after an earlier step was dropped: drop this one too.
      if (picked === undefined || !m.checks.inModel(state, picked.state, inst.step)) continue;
      const to = picked.state;
      const bad = this.violated(state, to, inst.step);
      states.push({ label: picked.label, state: to });
      taken.push(c);
      state = to;
      if (bad?.property === property) return { states, taken, violated: true };
    }
    if (property === 'deadlock') return { states, taken, violated: this.successors(state) === 0 };
    return { states, taken, violated: false };
  }

  /** Drops steps while the behaviour still violates its property; returns the shortest found (greedy, deterministic). */
  shorten(v: SimViolation): { initial: number; choices: Choice[]; states: { label: string | null; state: unknown }[] } {
    let best = this.replay(v.initial, v.choices, v.property)!;
    for (let block = Math.max(1, best.taken.length >> 1); block >= 1; block >>= 1) {
      // Drop each block of this size, from the end backwards, keeping every drop that still violates.
      for (let at = best.taken.length - block; at >= 0; at -= 1) {
        if (at + block > best.taken.length) continue;
        const fewer = [...best.taken.slice(0, at), ...best.taken.slice(at + block)];
        const r = this.replay(v.initial, fewer, v.property);
        if (r?.violated && r.taken.length < best.taken.length) best = r;
      }
    }
    return { initial: v.initial, choices: best.taken, states: best.states };
  }
}
