/**
 * Expanding states: the hot path, the same in the main thread and in every worker.
 *
 * For each state of a frontier chunk: decode it, apply every action instance, and for each successor encode,
 * fingerprint, and insert into the shared seen-table. TLC's semantics (tlc2/tool/Worker.java): a successor outside
 * the state or action constraint is counted as generated and checked against the invariants but never stored or
 * expanded; invariants are checked on every new state; action properties on every step; a deadlock is a state
 * with no successor at all.
 *
 * Violations are not reported as they are met: each is a candidate with a canonical key (its length, then the
 * fingerprint of the state it was reached from, then the action instance and successor index), and per property
 * only the smallest candidate of the level is kept. The coordinator merges the candidates of all expanders at the
 * end of the level, so what is reported does not depend on which worker saw what first.
 */
import { MemoryBudgetError, SpecEvalError } from './errors.ts';
import { ChunkWriter, CHUNK_HEADER } from './chunks.ts';
import type { Model } from './model.ts';
import type { SeenTable } from './seen-table.ts';
import { formatValue } from './values.ts';

export type ViolationKind = 'invariant' | 'actionProperty' | 'deadlock';

/** A violation met during a level, identified canonically (plain data: it crosses threads). */
export interface Candidate {
  readonly property: string;
  readonly kind: ViolationKind;
  /** States in the counterexample. */
  readonly length: number;
  /** The property's rank (invariants, then action properties, then deadlock, in declaration order). */
  readonly rank: number;
  /** Fingerprint of the last stored state: the parent of the violating step, or the deadlocked state. 0/0: none. */
  readonly lastHigh: number;
  readonly lastLow: number;
  /**
   * The action instance and the index among its successors; -1: an initial state outside the constraint, or a
   * deadlock; STORED_STATE: the violation is the stored state with fingerprint (lastHigh, lastLow) itself.
   */
  readonly instance: number;
  readonly successor: number;
}

/** `Candidate.instance` for an invariant violated by a stored state: the candidate names the state itself. */
export const STORED_STATE = -2;

/** Orders candidates: shorter first, then by rank, then by the fingerprint and step that identify them. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return a.length - b.length || a.rank - b.rank
    || (a.lastHigh >>> 0) - (b.lastHigh >>> 0) || (a.lastLow >>> 0) - (b.lastLow >>> 0)
    || a.instance - b.instance || a.successor - b.successor;
}

/** Shared coordination words (an Int32Array over a SharedArrayBuffer in parallel runs). */
export const Coord = { stop: 0, claim: 1, pause: 2, generated: 3, words: 8 } as const;

export class Expander {
  generated = 0;
  readonly candidates = new Map<string, Candidate>();
  /** Properties already violated in an earlier level (with --continue): not checked again. */
  skip = new Set<string>();
  readonly out: ChunkWriter;
  /** The level whose states are being expanded (their depth; initial states are depth 1). */
  depth = 0;
  markHalf = 0;
  private readonly ranks = new Map<string, number>();
  private readonly hasView: boolean;
  /** Fingerprint of the state being expanded (0/0 while generating initial states). */
  private parentHigh = 0;
  private parentLow = 0;

  constructor(private readonly model: Model, public table: SeenTable, private readonly coord: Int32Array, shared: boolean) {
    this.out = new ChunkWriter(model.codec.fixedWidth, shared);
    this.hasView = model.spec.view !== undefined;
    let r = 0;
    for (const [name] of model.invariants) this.ranks.set(name, r++);
    for (const [name] of model.actionProperties) this.ranks.set(name, r++);
    this.ranks.set('deadlock', r);
  }

  /** Starts a level: its states have depth `depth`; states first found in it are marked in half (depth+1)%2. */
  beginLevel(depth: number, skip: Iterable<string>): void {
    this.depth = depth;
    this.markHalf = (depth + 1) & 1;
    this.generated = 0;
    this.candidates.clear();
    this.skip = new Set(skip);
  }

  /** Generates and checks the initial states (level 1). */
  expandInitial(): void {
    this.parentHigh = 0;
    this.parentLow = 0;
    const states = this.model.initialStates();
    for (let i = 0; i < states.length; i++) this.stage(undefined, states[i], -1, i, 'the initial state');
    this.commitBatch(undefined, -1);
    this.table.flush();
  }

  /** True when expansion must pause: the table needs to grow, or a stop was requested. */
  mustPause(): boolean {
    return this.table.size >= this.table.growAt || Atomics.load(this.coord, Coord.stop) !== 0
      || Atomics.load(this.coord, Coord.pause) !== 0;
  }

  /**
   * Expands the states of `chunk` from word `pos` on, at most `budget` of them; returns where it stopped (the
   * chunk's end when done). Stops early when `mustPause()`.
   */
  expandChunk(chunk: Int32Array, pos: number, budget: number): number {
    const m = this.model;
    const codec = m.codec;
    const fixed = codec.fixedWidth;
    const instances = m.instances;
    const end = chunk[0]!;
    let p = pos < CHUNK_HEADER ? CHUNK_HEADER : pos;
    while (p < end && budget-- > 0) {
      if (this.mustPause()) break;
      const slot = chunk[p]!;
      this.parentHigh = chunk[p + 1]!;
      this.parentLow = chunk[p + 2]!;
      const n = fixed >= 0 ? fixed : chunk[p + 3]!;
      const at = fixed >= 0 ? p + 3 : p + 4;
      const state = codec.decode(chunk, at, n);
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
          for (let j = 0; j < r.length; j++) this.stage(state, r[j], i, j, inst.step.label);
          successors += r.length;
        } else {
          this.stage(state, r, i, 0, inst.step.label);
          successors++;
        }
      }
      this.commitBatch(state, slot);
      if (successors === 0 && m.checkDeadlock && !this.skip.has('deadlock')) {
        this.offer('deadlock', 'deadlock', this.depth, this.parentHigh, this.parentLow, -1, 0);
      }
    }
    this.table.flush();
    return p;
  }

  private offer(property: string, kind: ViolationKind, length: number, lastHigh: number, lastLow: number, instance: number, successor: number): void {
    const c: Candidate = { property, kind, length, rank: this.ranks.get(property)!, lastHigh, lastLow, instance, successor };
    const old = this.candidates.get(property);
    if (!old || compareCandidates(c, old) < 0) this.candidates.set(property, c);
  }

  private predicate(r: unknown, what: string, state: unknown): boolean {
    if (r === true) return true;
    if (r === false) return false;
    throw new SpecEvalError(`${what} returned ${formatValue(r)}, not a boolean, in the state\n${formatValue(state, 2)}`);
  }

  /**
   * The successors of the state being expanded are handled in two passes: `stage` encodes and fingerprints each
   * one into a small batch, then `commitBatch` first touches every successor's home slot in the big seen-table
   * (plain reads whose results are dropped: the CPU overlaps those cache misses, where the inserts one by one
   * would wait for each in turn) and then inserts and checks each successor in order.
   */
  private batchStates: unknown[] = [];
  /** Six words per staged successor: fingerprint high, low, action instance, successor index, offset of its
   * encoding in batchWords, home slot in the seen-table (filled by the touch pass). */
  private batchMeta = new Int32Array(6 * 64);
  private batchWords = new Int32Array(1024);
  private batchCount = 0;
  private batchWordsUsed = 0;
  /** Keeps the touch pass's reads from being optimised away. */
  sink = 0;

  private stage(from: unknown, to: unknown, instance: number, index: number, who: string): void {
    const m = this.model;
    if (to === null || typeof to !== 'object' || Array.isArray(to)) m.checkIsState(to, who);
    this.generated++;
    const n = m.encodeAndFingerprint(to, who, from);
    const k = this.batchCount++;
    if (6 * k + 6 > this.batchMeta.length) {
      const bigger = new Int32Array(this.batchMeta.length * 2);
      bigger.set(this.batchMeta);
      this.batchMeta = bigger;
    }
    if (this.batchWordsUsed + n > this.batchWords.length) {
      const bigger = new Int32Array(Math.max(this.batchWords.length * 2, this.batchWordsUsed + n));
      bigger.set(this.batchWords.subarray(0, this.batchWordsUsed));
      this.batchWords = bigger;
    }
    const meta = this.batchMeta;
    meta[6 * k] = m.fp.high;
    meta[6 * k + 1] = m.fp.low;
    meta[6 * k + 2] = instance;
    meta[6 * k + 3] = index;
    meta[6 * k + 4] = this.batchWordsUsed;
    const words = this.batchWords;
    const buf = m.codec.buf;
    const at = this.batchWordsUsed;
    for (let i = 0; i < n; i++) words[at + i] = buf[i]!;
    this.batchWordsUsed += n;
    this.batchStates[k] = to;
  }

  private commitBatch(from: unknown, parent: number): void {
    const count = this.batchCount;
    const meta = this.batchMeta;
    const table = this.table;
    const entries = table.entries;
    let sink = 0;
    for (let k = 0; k < count; k++) {
      const home = table.home(meta[6 * k]!, meta[6 * k + 1]!);
      meta[6 * k + 5] = home;
      sink ^= entries[3 * home + 1]!;
    }
    this.sink = sink;
    for (let k = 0; k < count; k++) {
      const start = meta[6 * k + 4]!;
      const end = k + 1 < count ? meta[6 * k + 10]! : this.batchWordsUsed;
      this.successor(from, this.batchStates[k], meta[6 * k + 2]!, meta[6 * k + 3]!, parent, meta[6 * k]!, meta[6 * k + 1]!, meta[6 * k + 5]!, start, end - start);
      this.batchStates[k] = undefined;
    }
    this.batchCount = 0;
    this.batchWordsUsed = 0;
  }

  /** One generated state, already encoded (batchWords[at, at+n)), fingerprinted (high, low) and placed (home slot). */
  private successor(from: unknown, to: unknown, instance: number, index: number, parent: number, high: number, low: number, home: number, at: number, n: number): void {
    const m = this.model;
    const step = instance >= 0 ? m.instances[instance]!.step : undefined;
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
    const table = this.table;
    let slot = -1;
    if (inModel) {
      const r = table.insert(high, low, parent, this.markHalf, home);
      if (r >= 0) slot = r;
      else if (r === -0x80000000) {
        throw new MemoryBudgetError(`memory budget exhausted: the fingerprint table (${table.capacity.toLocaleString('en-US')} slots) filled up while states were being expanded (it grows only between states)`);
      }
      // Lower the parent to the smallest-fingerprint one (determinism). Not under a VIEW: there the state kept is
      // whichever full state was stored first, and its parent must stay the one that produced it.
      else if (parent >= 0 && !this.hasView && table.isMarked(-1 - r, this.markHalf)) {
        table.offerParent(-1 - r, parent, this.parentHigh, this.parentLow);
      }
    }
    const length = step ? this.depth + 1 : 1;
    const lastHigh = this.parentHigh;
    const lastLow = this.parentLow;
    if (!inModel || slot >= 0) {
      const invariants = m.invariants;
      for (let i = 0; i < invariants.length; i++) {
        const [name, inv] = invariants[i]!;
        if (this.skip.has(name)) continue;
        let ok: boolean;
        try {
          ok = this.predicate(inv(to, c), `invariant ${name}`, to);
        } catch (e) {
          throw m.evalError(`evaluating invariant ${name}`, e, to);
        }
        if (!ok) {
          // A stored state is identified by its own fingerprint, not by the step that found it: only the first of
          // several same-level parents to reach it sees it as new, and which one that is depends on timing. Its
          // trace then follows its parent link, which is canonical once the level is done.
          if (slot >= 0) this.offer(name, 'invariant', length, high, low, STORED_STATE, 0);
          else this.offer(name, 'invariant', length, lastHigh, lastLow, instance, index);
        }
      }
    }
    if (step) {
      const props = m.actionProperties;
      for (let i = 0; i < props.length; i++) {
        const [name, prop] = props[i]!;
        if (this.skip.has(name)) continue;
        let ok: boolean;
        try {
          ok = this.predicate(prop(from, to, step, c), `action property ${name}`, to);
        } catch (e) {
          throw m.evalError(`evaluating action property ${name} on ${step.label}`, e, from);
        }
        if (!ok) this.offer(name, 'actionProperty', length, lastHigh, lastLow, instance, index);
      }
    }
    if (slot >= 0) this.out.push(slot, high, low, this.batchWords, at, n);
  }
}
