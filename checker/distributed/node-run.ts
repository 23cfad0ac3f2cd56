/**
 * One node's part of one distributed run (`tlats serve`, ./serve.ts): the states it owns (./owned-set.ts), its
 * frontier, and the level protocol.
 *
 * A level, on every node at once:
 *   1. expand the node's own frontier; each successor inside the model goes to its owner (./partition.ts): straight
 *      into this node's set when it is its own, else into a QUERY batch of fingerprints for that owner (thousands a
 *      message; at most WINDOW unanswered batches per owner, which is the flow control);
 *   2. the owner answers 2 bits per fingerprint: OLD (seen at an earlier depth), NEW (first seen now: send the whole
 *      state), SAME_LEVEL (already found in this level: send only the parent, for the smallest-parent rule);
 *   3. the sender answers the ANSWER with one STATES message: parent fingerprint, action instance and encoding for
 *      each NEW, the parent alone for each SAME_LEVEL; the owner stores the NEW ones in its next frontier and checks
 *      the invariants on them (the single-machine search checks them on new states only);
 *   4. when its frontier is expanded and every query answered, the node tells the coordinator how many STATES
 *      messages it sent to each node (`sent`); the coordinator sums them (`close`), and each node reports the level
 *      (`closed`: counts, violation candidates, coverage) once it has received all the STATES messages owed to it.
 *
 * Violation candidates are exactly the single-machine expander's (checker/search/expander.ts): the sender offers
 * those of steps (action properties, successors outside the constraint, deadlock), the owner those of new states
 * (named by their own fingerprint), and the coordinator keeps the canonical smallest per property.
 */
import { isChoice } from '../../src/spec.ts';
import { CheckerError, SpecEvalError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { atState } from '../model/evaluation.ts';
import type { Model } from '../model/model.ts';
import { compareCandidates, STORED_STATE, type Candidate, type ViolationKind } from '../search/candidates.ts';
import { COVERAGE, C_DISTINCT, C_ENABLED, C_GENERATED } from '../search/expander.ts';
import { ChunkWriter, EntryCursor, type Chunk } from '../store/frontier.ts';
import { NodeGraph } from './node-graph.ts';
import { NEW, OLD, OwnedSet, SAME_LEVEL } from './owned-set.ts';
import { ownerOf } from './partition.ts';
import { ANSWER, HEADER, QUERY, STATES, type LevelReport, type ToCoordinator } from './wire.ts';

/** Fingerprints per QUERY message at most, and encoding words per batch at most (a STATES message stays < 1 MB). */
export const BATCH_STATES = 4096;
const BATCH_WORDS = 1 << 16;
/** Unanswered QUERY batches per owner at most. */
export const WINDOW = 8;
/** States expanded between two turns of the event loop (messages are handled there). */
const SLICE = 256;

/** Successors of this node's states bound for one owner, until its answer comes back. */
class Batch {
  count = 0;
  fps = new Int32Array(2 * BATCH_STATES);
  parents = new Int32Array(2 * BATCH_STATES);
  instances = new Int32Array(BATCH_STATES);
  offsets = new Int32Array(BATCH_STATES + 1);
  words = new Int32Array(BATCH_WORDS + 1024);

  get full(): boolean { return this.count >= BATCH_STATES || this.offsets[this.count]! >= BATCH_WORDS; }

  add(high: number, low: number, ph: number, pl: number, instance: number, buf: Int32Array, n: number): void {
    const k = this.count++;
    this.fps[2 * k] = high;
    this.fps[2 * k + 1] = low;
    this.parents[2 * k] = ph;
    this.parents[2 * k + 1] = pl;
    this.instances[k] = instance;
    const at = this.offsets[k]!;
    if (at + n > this.words.length) {
      const bigger = new Int32Array(Math.max(this.words.length * 2, at + n));
      bigger.set(this.words.subarray(0, at));
      this.words = bigger;
    }
    for (let i = 0; i < n; i++) this.words[at + i] = buf[i]!;
    this.offsets[k + 1] = at + n;
  }

  reset(): void { this.count = 0; this.offsets[0] = 0; }
}

/** A query this node answered, kept until the sender's STATES message for it arrives. */
interface Answered { readonly fps: Int32Array; readonly codes: Uint8Array; readonly depth: number }

/** Thrown inside the expansion when the run is aborted. */
export class RunAborted extends Error {}

export interface NodeLink {
  /** Sends a binary message to partition `index` (published on NATS, or posted to a thread of the same node). */
  sendData(index: number, payload: Int32Array, used: number): void;
  /** True for a partition of the same node: its traffic does not go over NATS, so it is not counted as wire bytes. */
  isLocal?(index: number): boolean;
  toCoordinator(m: ToCoordinator): void;
}

export class NodeRun {
  readonly set = new OwnedSet();
  private frontier: Chunk[] = [];
  private readonly out: ChunkWriter;
  private readonly cursor: EntryCursor;
  private readonly variable: boolean;
  /** The level being expanded: its states have depth `depth`, their successors `depth + 1` (0: the initial states). */
  private depth = 0;
  private generated = 0;
  private fresh = 0;
  private initialDistinct = 0;
  private coverage: Float64Array;
  private readonly candidates = new Map<string, Candidate>();
  private skipped: Uint8Array;
  private bytes = 0;
  private messages = 0;
  private readonly current: (Batch | undefined)[];
  private readonly awaiting: Map<number, Batch>[];
  private readonly answered: Map<number, Answered>[];
  private readonly seq: number[];
  private readonly sentTo: number[];
  private received = 0;
  private expected = -1;
  private readonly spareBatches: Batch[] = [];
  private wake: (() => void) | undefined;
  aborted = false;
  failed = false;
  private parentHigh = 0;
  private parentLow = 0;
  private scratch = new Int32Array(1024);
  /** The behaviour graph's records of the states this node expands, when the run checks temporal properties. */
  readonly graph: NodeGraph | undefined;

  constructor(private readonly model: Model, readonly index: number, readonly nodes: number, private readonly link: NodeLink) {
    this.out = new ChunkWriter(model.codec.fixedWidth, false);
    this.cursor = new EntryCursor(model.codec.fixedWidth);
    this.variable = model.codec.fixedWidth < 0;
    this.coverage = new Float64Array(COVERAGE * model.instances.length);
    this.skipped = new Uint8Array(model.properties.list.length);
    this.current = new Array(nodes).fill(undefined);
    this.awaiting = Array.from({ length: nodes }, () => new Map());
    this.answered = Array.from({ length: nodes }, () => new Map());
    this.seq = new Array(nodes).fill(0);
    this.sentTo = new Array(nodes).fill(0);
    this.graph = model.liveness ? new NodeGraph(model) : undefined;
  }

  private notify(): void { const w = this.wake; this.wake = undefined; w?.(); }

  private async waitUntil(ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.aborted) throw new RunAborted();
      await new Promise<void>((r) => { this.wake = r; setTimeout(r, 200); });
    }
    if (this.aborted) throw new RunAborted();
  }

  abort(): void { this.aborted = true; this.notify(); }

  /** The coordinator says how many STATES messages this node is owed for the level. */
  close(expect: readonly number[]): void { this.expected = expect[this.index]!; this.notify(); }

  /** Expands one level (depth 0: generates the initial states) and reports it; errors go to the coordinator. */
  async level(depth: number, skip: readonly number[]): Promise<void> {
    try {
      this.depth = depth;
      this.skipped.fill(0);
      for (const r of skip) this.skipped[r] = 1;
      if (depth === 0) this.expandInitial();
      else await this.expandFrontier();
      for (let d = 0; d < this.nodes; d++) this.flushBatch(d);
      await this.waitUntil(() => this.awaiting.every((m) => m.size === 0));
      this.link.toCoordinator({ type: 'sent', index: this.index, depth, sentTo: [...this.sentTo] });
      await this.waitUntil(() => this.expected >= 0 && this.received >= this.expected);
      const report: LevelReport = {
        type: 'closed', index: this.index, depth, generated: this.generated, fresh: this.fresh,
        candidates: [...this.candidates.values()], coverage: Array.from(this.coverage), initialDistinct: this.initialDistinct,
        bytes: this.bytes, messages: this.messages, tableBytes: this.set.bytes, rssBytes: process.memoryUsage.rss(),
      };
      this.frontier = this.out.take();
      this.generated = 0;
      this.fresh = 0;
      this.initialDistinct = 0;
      this.coverage.fill(0);
      this.candidates.clear();
      this.bytes = 0;
      this.messages = 0;
      this.received = 0;
      this.expected = -1;
      this.sentTo.fill(0);
      this.link.toCoordinator(report);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Reports an error to the coordinator (once); the run then waits for its `abort` or `end`. */
  fail(e: unknown): void {
    if (e instanceof RunAborted || this.failed) return;
    this.failed = true;
    this.aborted = true;
    if (e instanceof CheckerError) {
      this.link.toCoordinator({ type: 'error', index: this.index, message: e.message, exitCode: e.exitCode, ...(e instanceof SpecEvalError && e.at ? { at: e.at } : {}) });
    } else {
      this.link.toCoordinator({ type: 'error', index: this.index, message: `a node failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, exitCode: ExitCode.system });
    }
  }

  private offer(property: string, kind: ViolationKind, rank: number, length: number, lastHigh: number, lastLow: number, instance: number, successor: number): void {
    const c: Candidate = { property, kind, length, rank, lastHigh, lastLow, instance, successor };
    const old = this.candidates.get(property);
    if (!old || compareCandidates(c, old) < 0) this.candidates.set(property, c);
  }

  /** Every node generates every initial state; each keeps those it owns, node 0 counts them and judges the rest. */
  private expandInitial(): void {
    const m = this.model;
    const states = m.initialStates();
    for (let i = 0; i < states.length; i++) {
      const to = states[i];
      if (to === null || typeof to !== 'object' || Array.isArray(to)) m.checkIsState(to, 'the initial state');
      const n = m.encodeAndFingerprint(to, 'the initial state');
      const high = m.fp.high, low = m.fp.low;
      if (m.checks.inModel(undefined, to, undefined)) {
        if (ownerOf(high, low, this.nodes) === this.index) this.arrive(high, low, 0, 0, -1, to, m.buf, 0, n, 1);
      } else if (this.index === 0) {
        this.checkInvariants(to, 1, 0, 0, -1, i);
      }
      if (this.index === 0) this.generated++;
    }
  }

  private async expandFrontier(): Promise<void> {
    const m = this.model;
    const codec = m.codec;
    const cursor = this.cursor;
    let sinceYield = 0;
    for (const chunk of this.frontier) {
      const end = chunk[0]!;
      for (let p = EntryCursor.first(0); p < end;) {
        p = cursor.read(chunk, p);
        this.parentHigh = cursor.high;
        this.parentLow = cursor.low;
        const state = codec.decode(chunk, cursor.at, cursor.length);
        try {
          this.expandState(state);
        } catch (e) {
          throw atState(e, { high: this.parentHigh, low: this.parentLow });
        }
        if (++sinceYield >= SLICE) {
          sinceYield = 0;
          await new Promise<void>((r) => setImmediate(r));
          if (this.aborted) throw new RunAborted();
          for (let d = 0; d < this.nodes; d++) {
            if (this.awaiting[d]!.size >= WINDOW) await this.waitUntil(() => this.awaiting[d]!.size < WINDOW);
          }
        }
      }
    }
  }

  private expandState(state: unknown): void {
    const m = this.model;
    const instances = m.instances;
    const coverage = this.coverage;
    let successors = 0;
    this.graph?.begin(state, this.parentHigh, this.parentLow);
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
        for (let j = 0; j < r.length; j++) this.successor(state, r[j], i, j);
        successors += r.length;
        coverage[COVERAGE * i + C_GENERATED] += r.length;
      } else {
        this.successor(state, r, i, 0);
        successors++;
        coverage[COVERAGE * i + C_GENERATED]++;
      }
      coverage[COVERAGE * i + C_ENABLED]++;
    }
    this.graph?.end();
    const deadlockRank = m.properties.deadlockRank;
    if (successors === 0 && deadlockRank >= 0 && this.skipped[deadlockRank] === 0) {
      this.offer('deadlock', 'deadlock', deadlockRank, this.depth, this.parentHigh, this.parentLow, -1, 0);
    }
  }

  /** One successor of the state being expanded: the step checks here, the state itself to its owner. */
  private successor(from: unknown, successor: unknown, instance: number, index: number): void {
    const m = this.model;
    const inst = m.instances[instance]!;
    const step = inst.step;
    const to = isChoice(successor) ? successor.state : successor;
    if (to === null || typeof to !== 'object' || Array.isArray(to)) m.checkIsState(to, step.label);
    this.generated++;
    const n = m.encodeAndFingerprint(to, step.label, from);
    const high = m.fp.high, low = m.fp.low;
    const length = this.depth + 1;
    const inModel = m.checks.inModel(from, to, step);
    this.graph?.successor(high, low, instance, inModel, to, step);
    if (!inModel) this.checkInvariants(to, length, this.parentHigh, this.parentLow, instance, index);
    const props = m.properties.actionProperties;
    for (let i = 0; i < props.length; i++) {
      const rank = props[i]!.rank;
      if (this.skipped[rank] !== 0 || m.checks.actionPropertyHolds(i, from, to, step)) continue;
      this.offer(props[i]!.name, 'actionProperty', rank, length, this.parentHigh, this.parentLow, instance, index);
    }
    if (!inModel) return;
    const owner = ownerOf(high, low, this.nodes);
    if (owner === this.index) {
      this.arrive(high, low, this.parentHigh, this.parentLow, instance, to, m.buf, 0, n, length);
      return;
    }
    let b = this.current[owner];
    if (b === undefined) { b = this.spareBatches.pop() ?? new Batch(); b.reset(); this.current[owner] = b; }
    b.add(high, low, this.parentHigh, this.parentLow, instance, m.buf, n);
    if (b.full) this.flushBatch(owner);
  }

  /** Invariants of a state: a new stored one is named by its own fingerprint, one outside the model by its step. */
  private checkInvariants(to: unknown, length: number, high: number, low: number, instance: number, index: number): void {
    const m = this.model;
    const invariants = m.properties.invariants;
    for (let i = 0; i < invariants.length; i++) {
      const rank = invariants[i]!.rank;
      if (this.skipped[rank] !== 0 || m.checks.invariantHolds(i, to)) continue;
      this.offer(invariants[i]!.name, 'invariant', rank, length, high, low, instance, index);
    }
  }

  /**
   * A successor (or initial state) this node owns, with its parent (0/0: none) and encoding: stored if new, its
   * parent lowered if found again in the same level. `to` is the state, or undefined (decoded here if needed).
   */
  private arrive(high: number, low: number, ph: number, pl: number, instance: number, to: unknown, buf: Int32Array, at: number, n: number, depth: number): void {
    const code = this.set.visit(high, low, depth);
    if (code === OLD) return;
    if (pl !== 0 || ph !== 0) this.set.offerParent(this.set.slot, ph, pl);
    if (code === NEW) this.store(high, low, instance, to, buf, at, n, depth);
  }

  /** A new state this node owns (its parent already offered): into the next frontier, and its invariants checked. */
  private store(high: number, low: number, instance: number, to: unknown, buf: Int32Array, at: number, n: number, depth: number): void {
    this.out.push(0, high, low, buf, at, n);
    this.fresh++;
    if (instance >= 0) this.coverage[COVERAGE * instance + C_DISTINCT]++;
    else this.initialDistinct++;
    const state = to ?? this.model.codec.decode(buf, at, n);
    this.checkInvariants(state, depth, high, low, STORED_STATE, 0);
  }

  private flushBatch(owner: number): void {
    const b = this.current[owner];
    if (b === undefined || b.count === 0) return;
    this.current[owner] = undefined;
    const seq = this.seq[owner]!++;
    const used = HEADER + 2 * b.count;
    const msg = this.message(used);
    msg[0] = QUERY; msg[1] = this.index; msg[2] = seq; msg[3] = this.depth + 1; msg[4] = b.count;
    msg.set(b.fps.subarray(0, 2 * b.count), HEADER);
    this.awaiting[owner]!.set(seq, b);
    this.send(owner, msg, used);
  }

  private message(words: number): Int32Array {
    if (this.scratch.length < words) this.scratch = new Int32Array(Math.max(words, this.scratch.length * 2));
    return this.scratch;
  }

  private send(to: number, msg: Int32Array, used: number): void {
    if (this.link.isLocal?.(to) !== true) {
      this.bytes += used * 4;
      this.messages++;
    }
    this.link.sendData(to, msg, used);
  }

  /** A binary message from another node. */
  onData(w: Int32Array): void {
    if (this.aborted) return;
    try {
      const kind = w[0]!;
      if (kind === QUERY) this.onQuery(w);
      else if (kind === ANSWER) this.onAnswer(w);
      else if (kind === STATES) this.onStates(w);
    } catch (e) {
      this.fail(e);
    }
    this.notify();
  }

  private onQuery(w: Int32Array): void {
    const from = w[1]!, seq = w[2]!, depth = w[3]!, count = w[4]!;
    const codes = new Uint8Array(count);
    const used = HEADER + Math.ceil(count / 16);
    const msg = this.message(used);
    msg.fill(0, 0, used);
    msg[0] = ANSWER; msg[1] = this.index; msg[2] = seq; msg[3] = depth; msg[4] = count;
    let follow = false;
    for (let k = 0; k < count; k++) {
      const code = this.set.visit(w[HEADER + 2 * k]!, w[HEADER + 2 * k + 1]!, depth);
      codes[k] = code;
      if (code !== OLD) { follow = true; msg[HEADER + (k >>> 4)]! |= code << (2 * (k & 15)); }
    }
    if (follow) this.answered[from]!.set(seq, { fps: w.slice(HEADER, HEADER + 2 * count), codes, depth });
    this.send(from, msg, used);
  }

  private onAnswer(w: Int32Array): void {
    const from = w[1]!, seq = w[2]!, count = w[4]!;
    const b = this.awaiting[from]!.get(seq);
    if (!b) throw new Error(`an answer to an unknown query ${seq} from node ${from}`);
    this.awaiting[from]!.delete(seq);
    let words = 0;
    let any = false;
    for (let k = 0; k < count; k++) {
      const code = (w[HEADER + (k >>> 4)]! >>> (2 * (k & 15))) & 3;
      if (code === NEW) { words += 4 + b.offsets[k + 1]! - b.offsets[k]!; any = true; }
      else if (code === SAME_LEVEL) { words += 2; any = true; }
    }
    if (any) {
      const used = HEADER + words;
      const msg = this.message(used);
      msg[0] = STATES; msg[1] = this.index; msg[2] = seq; msg[3] = w[3]!; msg[4] = count;
      let p = HEADER;
      for (let k = 0; k < count; k++) {
        const code = (w[HEADER + (k >>> 4)]! >>> (2 * (k & 15))) & 3;
        if (code === OLD) continue;
        msg[p++] = b.parents[2 * k]!;
        msg[p++] = b.parents[2 * k + 1]!;
        if (code !== NEW) continue;
        msg[p++] = b.instances[k]!;
        const at = b.offsets[k]!, n = b.offsets[k + 1]! - at;
        if (this.variable) msg[p++] = n;
        msg.set(b.words.subarray(at, at + n), p);
        p += n;
      }
      this.sentTo[from]!++;
      this.send(from, msg, p);
    }
    this.spareBatches.push(b);
  }

  private onStates(w: Int32Array): void {
    const from = w[1]!, seq = w[2]!;
    const a = this.answered[from]!.get(seq);
    if (!a) throw new Error(`states for an unknown query ${seq} from node ${from}`);
    this.answered[from]!.delete(seq);
    const fixed = this.model.codec.fixedWidth;
    let p = HEADER;
    for (let k = 0; k < a.codes.length; k++) {
      const code = a.codes[k]!;
      if (code === OLD) continue;
      const ph = w[p++]!, pl = w[p++]!;
      const high = a.fps[2 * k]!, low = a.fps[2 * k + 1]!;
      if (code === SAME_LEVEL) {
        this.set.visit(high, low, a.depth);
        this.set.offerParent(this.set.slot, ph, pl);
        continue;
      }
      const instance = w[p++]!;
      const n = this.variable ? w[p++]! : fixed;
      // Stored when the query was answered (NEW): now it gets its parent and its place in the frontier.
      this.set.visit(high, low, a.depth);
      this.set.offerParent(this.set.slot, ph, pl);
      try {
        this.store(high, low, instance, undefined, w, p, n, a.depth);
      } catch (e) {
        throw atState(e, { high: ph, low: pl });
      }
      p += n;
    }
    this.received++;
  }

  /** The next level's frontier, between two levels (what a checkpoint saves of it). */
  get frontierChunks(): readonly Chunk[] { return this.frontier; }

  /** A frontier chunk from a checkpoint (its used words): appended to the next level's frontier. */
  restoreChunk(length: number, used: Int32Array): void {
    const c = new Int32Array(Math.max(length, used.length));
    c.set(used);
    this.frontier.push(c);
  }

  /** The parent links of the states of depth at most `upTo`, as [high, low, parent high, parent low, depth] words. */
  links(upTo: number): Int32Array {
    const out: number[] = [];
    this.set.forEach(upTo, (h, l, ph, pl, d) => { out.push(h, l, ph, pl, d); });
    return Int32Array.from(out);
  }
}
