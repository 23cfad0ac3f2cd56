/**
 * Expanding states: the hot path, the same in the main thread and in every worker.
 *
 * For each state of a frontier chunk: decode it, apply every action instance, and for each successor encode,
 * fingerprint, and insert into the shared seen-table, then run the step checks (checker/model/steps.ts): a successor
 * outside the state or action constraint is counted as generated and checked against the invariants but never
 * stored or expanded; invariants are checked on every new state; action properties on every step; a deadlock is a
 * state with no successor at all.
 *
 * Violations are not reported as they are met: each is a candidate with a canonical key (./candidates.ts), and per
 * property only the smallest candidate of the level is kept.
 */
import { isChoice } from '../../src/spec.ts';
import { MemoryBudgetError } from '../errors.ts';
import { atState } from '../model/evaluation.ts';
import type { Model } from '../model/model.ts';
import { ChunkWriter, EntryCursor, type Chunk } from '../store/frontier.ts';
import { TABLE_FULL, type SeenTable } from '../store/seen-table.ts';
import { compareCandidates, STORED_STATE, type Candidate, type ViolationKind } from './candidates.ts';
import { GraphRecorder } from './recorder.ts';
import { Coord } from '../parallel/protocol.ts';

/** Words per staged successor in `batchMeta`. */
const META = 6;
const M_HIGH = 0, M_LOW = 1, M_INSTANCE = 2, M_INDEX = 3, M_AT = 4, M_HOME = 5;

/** Counters per action instance in `Expander.coverage`: COVERAGE words each. */
export const COVERAGE = 3;
export const C_ENABLED = 0, C_GENERATED = 1, C_DISTINCT = 2;

export class Expander {
  generated = 0;
  /**
   * Action coverage since the last `takeCoverage`: per instance, the states it was enabled in, the successors it
   * generated, and the new states it was the first to reach (TLC's "distinct states found" per action). Initial
   * states are counted in `initialDistinct`.
   */
  coverage: Float64Array;
  initialDistinct = 0;
  readonly candidates = new Map<string, Candidate>();
  readonly out: ChunkWriter;
  /** The level whose states are being expanded (their depth; initial states are depth 1). */
  private depth = 0;
  /** States first found in this level are marked in mark bitmap `markHalf` (checker/store/seen-table.ts). */
  private markHalf = 0;
  /** skipped[rank] = 1: the property was reported in an earlier level (--continue) and is not checked again. */
  private readonly skipped: Uint8Array;
  private readonly hasView: boolean;
  private readonly cursor: EntryCursor;
  /** Fingerprint of the state being expanded (0/0 while generating initial states). */
  private parentHigh = 0;
  private parentLow = 0;
  /** Records the behaviour graph when the model checks temporal properties. */
  readonly recorder: GraphRecorder | undefined;
  /** The initial states inside the model, as fingerprints (high, low, ...), in the order init gave them. */
  readonly initialFingerprints: number[] = [];

  constructor(private readonly model: Model, public table: SeenTable, private readonly coord: Int32Array, shared: boolean) {
    this.out = new ChunkWriter(model.codec.fixedWidth, shared);
    this.hasView = model.spec.view !== undefined;
    this.skipped = new Uint8Array(model.properties.list.length);
    this.cursor = new EntryCursor(model.codec.fixedWidth);
    this.recorder = model.liveness ? new GraphRecorder(model, shared) : undefined;
    this.coverage = new Float64Array(COVERAGE * model.instances.length);
  }

  /** The coverage counted since the last call, handed over (a worker sends it with each level). */
  takeCoverage(): Float64Array {
    const c = this.coverage;
    this.coverage = new Float64Array(c.length);
    return c;
  }

  /** Starts a level: its states have depth `depth`; `skip` holds the ranks of properties no longer checked. */
  beginLevel(depth: number, skip: Iterable<number>): void {
    this.depth = depth;
    this.markHalf = (depth + 1) & 1;
    this.generated = 0;
    this.candidates.clear();
    this.skipped.fill(0);
    for (const rank of skip) this.skipped[rank] = 1;
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
  expandChunk(chunk: Chunk, pos: number, budget: number): number {
    try {
      return this.expandEntries(chunk, pos, budget);
    } catch (e) {
      throw atState(e, { high: this.parentHigh, low: this.parentLow });
    } finally {
      this.table.flush();
    }
  }

  private expandEntries(chunk: Chunk, pos: number, budget: number): number {
    const m = this.model;
    const codec = m.codec;
    const instances = m.instances;
    const cursor = this.cursor;
    const end = chunk[0]!;
    const deadlockRank = m.properties.deadlockRank;
    let p = EntryCursor.first(pos);
    while (p < end && budget-- > 0) {
      if (this.mustPause()) break;
      const next = cursor.read(chunk, p);
      this.parentHigh = cursor.high;
      this.parentLow = cursor.low;
      const state = codec.decode(chunk, cursor.at, cursor.length);
      const slot = cursor.slot;
      p = next;
      let successors = 0;
      const coverage = this.coverage;
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
          if (r.length === 0) continue;
          for (let j = 0; j < r.length; j++) this.stage(state, r[j], i, j, inst.step.label);
          successors += r.length;
          coverage[COVERAGE * i + C_GENERATED] += r.length;
        } else {
          this.stage(state, r, i, 0, inst.step.label);
          successors++;
          coverage[COVERAGE * i + C_GENERATED]++;
        }
        coverage[COVERAGE * i + C_ENABLED]++;
      }
      this.commitBatch(state, slot);
      if (successors === 0 && deadlockRank >= 0 && this.skipped[deadlockRank] === 0) {
        this.offer('deadlock', 'deadlock', deadlockRank, this.depth, this.parentHigh, this.parentLow, -1, 0);
      }
    }
    return p;
  }

  private offer(property: string, kind: ViolationKind, rank: number, length: number, lastHigh: number, lastLow: number, instance: number, successor: number): void {
    const c: Candidate = { property, kind, length, rank, lastHigh, lastLow, instance, successor };
    const old = this.candidates.get(property);
    if (!old || compareCandidates(c, old) < 0) this.candidates.set(property, c);
  }

  /**
   * The successors of the state being expanded are handled in two passes: `stage` encodes and fingerprints each
   * one into a small batch, then `commitBatch` first touches every successor's home slot in the big seen-table
   * (plain reads whose results are dropped: the CPU overlaps those cache misses, where the inserts one by one
   * would wait for each in turn) and then inserts and checks each successor in order.
   */
  private batchStates: unknown[] = [];
  /** META words per staged successor: fingerprint high, low, action instance, successor index, offset of its
   * encoding in batchWords, home slot in the seen-table (filled by the touch pass). */
  private batchMeta = new Int32Array(META * 64);
  private batchWords = new Int32Array(1024);
  private batchCount = 0;
  private batchWordsUsed = 0;
  /** Keeps the touch pass's reads from being optimised away. */
  sink = 0;

  private stage(from: unknown, successor: unknown, instance: number, index: number, who: string): void {
    const m = this.model;
    // A labelled choice is one successor like any other: its label matters only to traces, which rebuild it.
    const to = isChoice(successor) ? successor.state : successor;
    if (to === null || typeof to !== 'object' || Array.isArray(to)) m.checkIsState(to, who);
    this.generated++;
    const n = m.encodeAndFingerprint(to, who, from);
    const k = this.batchCount++;
    if (META * k + META > this.batchMeta.length) {
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
    const b = META * k;
    meta[b + M_HIGH] = m.fp.high;
    meta[b + M_LOW] = m.fp.low;
    meta[b + M_INSTANCE] = instance;
    meta[b + M_INDEX] = index;
    meta[b + M_AT] = this.batchWordsUsed;
    const words = this.batchWords;
    const buf = m.symmetry === undefined ? m.codec.buf : m.symmetry.words;
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
      const home = table.home(meta[META * k + M_HIGH]!, meta[META * k + M_LOW]!);
      meta[META * k + M_HOME] = home;
      sink ^= entries[3 * home + 1]!;
    }
    this.sink = sink;
    const recorder = from !== undefined ? this.recorder : undefined;
    if (recorder) {
      recorder.begin(from, parent, count);
      for (let k = 0; k < count; k++) {
        if (meta[META * k + M_HIGH] !== this.parentHigh || meta[META * k + M_LOW] !== this.parentLow) recorder.enabledBy(meta[META * k + M_INSTANCE]!);
      }
    }
    for (let k = 0; k < count; k++) {
      this.successor(from, k, parent, recorder);
      this.batchStates[k] = undefined;
    }
    recorder?.end();
    this.batchCount = 0;
    this.batchWordsUsed = 0;
  }

  /** Staged successor `k` of `from` (the stored state in slot `parent`; none for initial states): insert and check. */
  private successor(from: unknown, k: number, parent: number, recorder: GraphRecorder | undefined): void {
    const m = this.model;
    const meta = this.batchMeta;
    const b = META * k;
    const high = meta[b + M_HIGH]!;
    const low = meta[b + M_LOW]!;
    const instance = meta[b + M_INSTANCE]!;
    const to = this.batchStates[k];
    const step = instance >= 0 ? m.instances[instance]!.step : undefined;
    const checks = m.checks;
    const inModel = checks.inModel(from, to, step);
    const table = this.table;
    let slot = -1;
    if (inModel) {
      const r = table.insert(high, low, parent, this.markHalf, meta[b + M_HOME]!);
      if (r >= 0) slot = r;
      else if (r === TABLE_FULL) {
        throw new MemoryBudgetError(`memory budget exhausted: the fingerprint table (${table.capacity.toLocaleString('en-US')} slots) filled up while states were being expanded (it grows only between states)`);
      }
      // Lower the parent to the smallest-fingerprint one (determinism). Not under a VIEW: there the state kept is
      // whichever full state was stored first, and its parent must stay the one that produced it.
      else if (parent >= 0 && !this.hasView && table.isMarked(-1 - r, this.markHalf)) {
        table.offerParent(-1 - r, parent, this.parentHigh, this.parentLow);
      }
      if (recorder !== undefined && (high !== this.parentHigh || low !== this.parentLow)) recorder.edge(r >= 0 ? r : -1 - r, instance, to, step!);
      if (!step && this.recorder) this.initialFingerprints.push(high, low);
    }
    const length = step ? this.depth + 1 : 1;
    const index = meta[b + M_INDEX]!;
    const skipped = this.skipped;
    if (!inModel || slot >= 0) {
      const invariants = m.properties.invariants;
      for (let i = 0; i < invariants.length; i++) {
        const rank = invariants[i]!.rank;
        if (skipped[rank] !== 0 || checks.invariantHolds(i, to)) continue;
        // A stored state is identified by its own fingerprint, not by the step that found it: only the first of
        // several same-level parents to reach it sees it as new, and which one that is depends on timing. Its
        // trace then follows its parent link, which is canonical once the level is done.
        if (slot >= 0) this.offer(invariants[i]!.name, 'invariant', rank, length, high, low, STORED_STATE, 0);
        else this.offer(invariants[i]!.name, 'invariant', rank, length, this.parentHigh, this.parentLow, instance, index);
      }
    }
    if (step) {
      const props = m.properties.actionProperties;
      for (let i = 0; i < props.length; i++) {
        const rank = props[i]!.rank;
        if (skipped[rank] !== 0 || checks.actionPropertyHolds(i, from, to, step)) continue;
        this.offer(props[i]!.name, 'actionProperty', rank, length, this.parentHigh, this.parentLow, instance, index);
      }
    }
    if (slot >= 0) {
      if (instance >= 0) this.coverage[COVERAGE * instance + C_DISTINCT]++;
      else this.initialDistinct++;
      const at = meta[b + M_AT]!;
      const end = k + 1 < this.batchCount ? meta[b + META + M_AT]! : this.batchWordsUsed;
      this.out.push(slot, high, low, this.batchWords, at, end - at);
    }
  }
}
