/**
 * The single-threaded breadth-first search.
 *
 * Level by level: every state of the current level is decoded from the frontier, every action instance is applied
 * to it, and each successor is encoded, fingerprinted and looked up in the seen-set. TLC's semantics throughout
 * (tlc2/tool/Worker.java): a successor outside the state or action constraint is counted as generated and checked
 * against the invariants but never stored or expanded; invariants are checked on every new state, initial states
 * included; action properties on every step; a deadlock is an expanded state with no successor at all.
 *
 * Because levels are explored in order, the first violation of a property is found at its smallest depth, so its
 * counterexample (rebuilt by checker/trace.ts) is a shortest one.
 */
import type { Step } from '../src/spec.ts';
import { SpecEvalError } from './errors.ts';
import { LevelBuffer } from './frontier.ts';
import type { Model } from './model.ts';
import { SeenSet } from './seen-set.ts';
import { formatValue } from './values.ts';

export type ViolationKind = 'invariant' | 'actionProperty' | 'deadlock';

export interface Violation {
  readonly property: string;
  readonly kind: ViolationKind;
  /** Seen-set slot of the last stored state of the trace: the deadlocked state, or the parent of `state`. -1: none. */
  readonly lastSlot: number;
  /** The step and the state it produced, for invariant and action-property violations (not for deadlock). */
  readonly step?: Step;
  readonly state?: unknown;
  /** The number of states in the counterexample. */
  readonly length: number;
}

export interface Progress {
  generated: number;
  distinct: number;
  /** BFS levels so far; the initial states are depth 1 (as TLC counts). */
  depth: number;
  /** States waiting to be expanded. */
  queue: number;
  seconds: number;
  /** Bytes held by the seen-set and the frontier. */
  tableBytes: number;
  tableFill: number;
}

export interface RunResult {
  readonly stats: Progress;
  /** In the order found; with `continueAfterViolation`, at most one per property. */
  readonly violations: Violation[];
  /** The search stopped at maxDepth with states left to expand. */
  readonly bounded: boolean;
  readonly interrupted: boolean;
  readonly seen: SeenSet;
}

export interface EngineOptions {
  maxDepth?: number;
  /** Report every violated property (each with its own shortest trace) instead of stopping at the first. */
  continueAfterViolation?: boolean;
  /** Called every `progressEveryMs` (and at the end) with the statistics so far. */
  onProgress?: (p: Progress) => void;
  progressEveryMs?: number;
  /** Polled at the same points: return true to stop (SIGINT). */
  shouldStop?: () => boolean;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Engine {
  private readonly seen = new SeenSet(12);
  private cur: LevelBuffer;
  private next: LevelBuffer;
  private generated = 0;
  private depth = 0;
  private readonly violations: Violation[] = [];
  private readonly violated = new Set<string>();
  private stop = false;
  private readonly started = performance.now();
  /** Slot of the state being expanded (kept here so a seen-set growth can remap it). */
  private parentSlot = -1;
  private expandedInLevel = 0;

  constructor(private readonly model: Model, private readonly opts: EngineOptions = {}) {
    this.cur = new LevelBuffer(model.codec.fixedWidth);
    this.next = new LevelBuffer(model.codec.fixedWidth);
  }

  async run(): Promise<RunResult> {
    const m = this.model;
    const progressEvery = this.opts.progressEveryMs ?? 100;
    let interrupted = false;
    let bounded = false;

    this.parentSlot = -1;
    for (const s of m.initialStates()) {
      this.successor(undefined, s, undefined, 'the initial state');
      if (this.stop) break;
    }
    this.swapLevels();
    let lastTick = performance.now();

    while (!this.stop && this.cur.count > 0) {
      if (this.opts.maxDepth !== undefined && this.depth >= this.opts.maxDepth) { bounded = true; break; }
      const codec = m.codec;
      const fixed = codec.fixedWidth;
      const instances = m.instances;
      const checkDeadlock = m.checkDeadlock;
      this.expandedInLevel = 0;
      for (let p = 0; p < this.cur.length && !this.stop;) {
        const d = this.cur.data;
        this.parentSlot = d[p]!;
        const n = fixed >= 0 ? fixed : d[p + 1]!;
        const at = fixed >= 0 ? p + 1 : p + 2;
        const state = codec.decode(d, at, n);
        p = at + n;
        let successors = 0;
        for (let i = 0; i < instances.length; i++) {
          const inst = instances[i]!;
          let r: unknown;
          try {
            r = inst.run(state);
          } catch (e) {
            throw m.evalError(`evaluating action ${inst.step.label}`, e, state);
          }
          if (r === null || r === undefined || r === false) continue;
          if (Array.isArray(r)) {
            for (let j = 0; j < r.length; j++) this.successor(state, r[j], inst.step, inst.step.label);
            successors += r.length;
          } else {
            this.successor(state, r, inst.step, inst.step.label);
            successors++;
          }
          if (this.stop) break;
        }
        if (successors === 0 && checkDeadlock && !this.violated.has('deadlock')) {
          this.report({ property: 'deadlock', kind: 'deadlock', lastSlot: this.parentSlot, length: this.depth });
        }
        this.expandedInLevel++;
        if ((this.expandedInLevel & 1023) === 0) {
          const now = performance.now();
          if (now - lastTick >= progressEvery) {
            lastTick = now;
            this.opts.onProgress?.(this.progress());
            await yieldToEventLoop();
            if (this.opts.shouldStop?.()) { interrupted = true; this.stop = true; }
          }
        }
      }
      if (this.stop) break;
      this.swapLevels();
    }
    const stats = this.progress();
    if (!this.stop && !bounded) stats.queue = 0;
    this.opts.onProgress?.(stats);
    return { stats, violations: this.violations, bounded, interrupted, seen: this.seen };
  }

  private swapLevels(): void {
    const done = this.cur;
    this.cur = this.next;
    this.next = done;
    this.next.clear();
    if (this.cur.count > 0) this.depth++;
  }

  private progress(): Progress {
    return {
      generated: this.generated,
      distinct: this.seen.size,
      depth: this.depth,
      queue: this.cur.count - this.expandedInLevel + this.next.count,
      seconds: (performance.now() - this.started) / 1000,
      tableBytes: this.seen.bytes + this.cur.bytes + this.next.bytes,
      tableFill: this.seen.size / this.seen.capacity,
    };
  }

  private report(v: Violation): void {
    this.violations.push(v);
    this.violated.add(v.property);
    if (!this.opts.continueAfterViolation) this.stop = true;
  }

  private predicate(r: unknown, what: string, state: unknown): boolean {
    if (r === true) return true;
    if (r === false) return false;
    throw new SpecEvalError(`${what} returned ${formatValue(r)}, not a boolean, in the state\n${formatValue(state, 2)}`);
  }

  /** One generated state: `from` is its predecessor (undefined for an initial state). */
  private successor(from: unknown, to: unknown, step: Step | undefined, who: string): void {
    const m = this.model;
    if (to === null || typeof to !== 'object' || Array.isArray(to)) m.checkIsState(to, who);
    this.generated++;
    const n = m.encodeAndFingerprint(to, who, from);
    const spec = m.spec;
    const c = m.consts;
    let inModel = true;
    try {
      if (spec.constraint) inModel = this.predicate(spec.constraint(to, c), 'the state constraint', to);
      if (inModel && step && spec.actionConstraint) {
        inModel = this.predicate(spec.actionConstraint(from, to, step, c), `the action constraint on ${step.label}`, to);
      }
    } catch (e) {
      throw m.evalError('evaluating the constraint', e, to);
    }
    let slot = -1;
    if (inModel) {
      if (this.seen.full) this.growSeenSet();
      slot = this.seen.insert(m.fp.high, m.fp.low, this.parentSlot);
    }
    const unseen = !inModel || slot >= 0;
    const length = step ? this.depth + 1 : 1;
    if (unseen) {
      const invariants = m.invariants;
      for (let i = 0; i < invariants.length; i++) {
        const [name, inv] = invariants[i]!;
        if (this.violated.has(name)) continue;
        let ok: boolean;
        try {
          ok = this.predicate(inv(to, c), `invariant ${name}`, to);
        } catch (e) {
          throw m.evalError(`evaluating invariant ${name}`, e, to);
        }
        if (!ok) {
          this.report({ property: name, kind: 'invariant', lastSlot: this.parentSlot, step, state: to, length });
          if (this.stop) return;
        }
      }
    }
    if (step) {
      const props = m.actionProperties;
      for (let i = 0; i < props.length; i++) {
        const [name, prop] = props[i]!;
        if (this.violated.has(name)) continue;
        let ok: boolean;
        try {
          ok = this.predicate(prop(from, to, step, c), `action property ${name}`, to);
        } catch (e) {
          throw m.evalError(`evaluating action property ${name} on ${step.label}`, e, from);
        }
        if (!ok) {
          this.report({ property: name, kind: 'actionProperty', lastSlot: this.parentSlot, step, state: to, length });
          if (this.stop) return;
        }
      }
    }
    if (slot >= 0) this.next.push(slot, m.codec.buf, n);
  }

  private growSeenSet(): void {
    const moved = this.seen.grow();
    this.cur.remap(moved);
    this.next.remap(moved);
    if (this.parentSlot >= 0) this.parentSlot = moved[this.parentSlot]!;
    for (let i = 0; i < this.violations.length; i++) {
      const v = this.violations[i]!;
      if (v.lastSlot >= 0) this.violations[i] = { ...v, lastSlot: moved[v.lastSlot]! };
    }
  }
}

