/**
 * Random simulation (`--simulate`, TLC's -simulate): behaviours of at most `depth` states, each step chosen
 * uniformly among all successors of all action instances that stay inside the model (the state and action
 * constraints), checking the invariants on every state, the action properties on every step, and deadlock (a state
 * with no successor at all). Behaviour number i draws its random numbers from a generator seeded by (seed, i) alone,
 * so it is the same whoever runs it: the behaviours are split among the callers by index, and the violation
 * reported is the one of the smallest behaviour index, found by running every smaller index to its end. For a
 * given seed and behaviour count the result is the same for any number of workers and any run.
 *
 * A violating behaviour is then shortened: blocks of steps are dropped (halves, quarters, ... single steps, as in
 * delta debugging), the rest replayed (each later step re-takes its action instance and its successor's index
 * among that instance's successors, and is itself dropped when that instance no longer has it), and the shorter
 * behaviour kept while it still violates the same property. What is printed is a real behaviour of the spec:
 * only the steps actually taken in the replay are kept.
 */
import type { Step } from '../../src/spec.ts';
import type { Model } from '../model/model.ts';

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
  /** Distinct states seen (by 53 bits of their fingerprint). */
  distinct: number;
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

interface Candidate { readonly to: unknown; readonly choice: Choice; readonly step: Step }

interface Replayed {
  readonly states: { label: string | null; state: unknown }[];
  /** The choices actually taken (those still possible). */
  readonly taken: Choice[];
  readonly violated: boolean;
}

export class Simulator {
  readonly stats: SimStats = { behaviours: 0, steps: 0, distinct: 0, deepest: 0, seconds: 0 };
  private readonly seen = new Set<number>();
  private readonly initial: unknown[];

  constructor(private readonly model: Model, private readonly seed: number, private readonly depth: number) {
    this.initial = model.initialStates().filter((s) => model.checks.inModel(undefined, s, undefined));
  }

  private see(state: unknown, who: string): void {
    this.model.encodeAndFingerprint(state, who);
    const key = (this.model.fp.high >>> 0) * 2 ** 21 + (this.model.fp.low >>> 11);
    if (!this.seen.has(key)) { this.seen.add(key); this.stats.distinct++; }
  }

  /** Every successor of `from` inside the model, in instance order. */
  successors(from: unknown): Candidate[] {
    const m = this.model;
    const out: Candidate[] = [];
    m.instances.forEach((inst, i) => {
      let r: unknown;
      try {
        r = inst.run(from);
      } catch (e) {
        throw m.evalError(`evaluating action ${inst.step.label}`, e, from);
      }
      m.successorList(r, inst.step.label).forEach((to, index) => {
        if (m.checks.inModel(from, to, inst.step)) out.push({ to, choice: { instance: i, index }, step: inst.step });
      });
    });
    return out;
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

  /** Runs behaviour number `n`; returns its violation, if any. */
  run(n: number): SimViolation | undefined {
    const rng = new Random(this.seed, n);
    const m = this.model;
    this.stats.behaviours++;
    if (this.initial.length === 0) return undefined;
    const initial = rng.below(this.initial.length);
    let state = this.initial[initial];
    this.see(state, 'the initial state');
    const choices: Choice[] = [];
    const bad0 = this.violated(undefined, state, undefined);
    if (bad0) return { ...bad0, initial, choices, behaviour: n };
    let length = 1;
    while (length < this.depth) {
      const next = this.successors(state);
      if (next.length === 0) {
        if (m.properties.deadlockRank >= 0) return { property: 'deadlock', kind: 'deadlock', initial, choices, behaviour: n };
        break;
      }
      const pick = next[rng.below(next.length)]!;
      choices.push(pick.choice);
      this.stats.steps++;
      this.see(pick.to, pick.step.label);
      const bad = this.violated(state, pick.to, pick.step);
      state = pick.to;
      length++;
      if (bad) { this.stats.deepest = Math.max(this.stats.deepest, length); return { ...bad, initial, choices, behaviour: n }; }
    }
    this.stats.deepest = Math.max(this.stats.deepest, length);
    return undefined;
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
    if (property === 'deadlock') return { states, taken, violated: this.successors(state).length === 0 };
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
