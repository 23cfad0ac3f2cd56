/**
 * A node's part of the behaviour graph (only when the run checks temporal properties): for every state the node
 * expands, the record the one-machine expander makes (checker/search/recorder.ts: which action groups are ENABLED,
 * which state atoms hold, each successor inside the model with its edge bits, in generation order, parallel steps
 * one edge), keyed by fingerprint instead of seen-table slot since the successors live on other nodes:
 *
 *     [high, low, successors k, node bits (nodeWords), k × (successor high, successor low, edge bits (edgeWords))]
 *
 * in chunks of at most CHUNK_WORDS words (word 0: words used), which are what the node sends the coordinator once
 * the search is complete (./graph-gather.ts turns them into the one-machine records and the graph).
 */
import { InternalError } from '../errors.ts';
import type { Model } from '../model/model.ts';
import type { Step } from '../../src/spec.ts';
import { GraphRecorder, type RecordSink } from '../search/recorder.ts';

/** Words per chunk (512 KiB: one NATS message, below the server's default 1 MB payload limit). */
export const CHUNK_WORDS = 1 << 17;
/** Words of a record before its node bits: high, low, successor count. */
export const FP_RECORD_HEAD = 3;

/** The RecordSink of a node: a record is built in a scratch buffer (its size is not known up front), then copied. */
class FingerprintRecords implements RecordSink {
  readonly chunks: Int32Array[] = [];
  records = 0;
  private cur: Int32Array | undefined;
  private rec = new Int32Array(256);
  private count = 0;
  private readonly stride: number;
  /** The fingerprint the next begin or successor is about (set just before the recorder's call). */
  high = 0;
  low = 0;

  constructor(private readonly nodeWords: number, private readonly edgeWords: number) {
    this.stride = 2 + edgeWords;
  }

  private room(words: number): void {
    if (words <= this.rec.length) return;
    const bigger = new Int32Array(Math.max(words, 2 * this.rec.length));
    bigger.set(this.rec);
    this.rec = bigger;
  }

  begin(_slot: number, _max: number): void {
    this.room(FP_RECORD_HEAD + this.nodeWords);
    this.rec[0] = this.high;
    this.rec[1] = this.low;
    this.rec.fill(0, 2, FP_RECORD_HEAD + this.nodeWords);
    this.count = 0;
  }

  orNodeBit(bit: number): void { this.rec[FP_RECORD_HEAD + (bit >>> 5)]! |= 1 << (bit & 31); }

  successor(_slot: number): number {
    const r = this.rec, stride = this.stride;
    const first = FP_RECORD_HEAD + this.nodeWords;
    for (let i = 0, p = first; i < this.count; i++, p += stride) if (r[p] === this.high && r[p + 1] === this.low) return p;
    const p = first + this.count * stride;
    this.room(p + stride);
    const w = this.rec;
    w[p] = this.high;
    w[p + 1] = this.low;
    w.fill(0, p + 2, p + stride);
    this.count++;
    return p;
  }

  orEdgeBit(edgeAt: number, bit: number): void { this.rec[edgeAt + 2 + (bit >>> 5)]! |= 1 << (bit & 31); }

  end(): void {
    this.rec[2] = this.count;
    const n = FP_RECORD_HEAD + this.nodeWords + this.count * this.stride;
    if (n > CHUNK_WORDS - 1) {
      throw new InternalError(`a state with ${this.count.toLocaleString('en-US')} successors does not fit one message of the behaviour graph's records (at most ${Math.floor((CHUNK_WORDS - 1 - FP_RECORD_HEAD - this.nodeWords) / this.stride).toLocaleString('en-US')})`);
    }
    let c = this.cur;
    if (c === undefined || c[0]! + n > CHUNK_WORDS) {
      c = this.cur = new Int32Array(CHUNK_WORDS);
      c[0] = 1;
      this.chunks.push(c);
    }
    c.set(this.rec.subarray(0, n), c[0]!);
    c[0]! += n;
    this.records++;
  }
}

/** The recorder of a node, driven by node-run.ts's expansion. */
export class NodeGraph {
  private readonly sink: FingerprintRecords;
  private readonly recorder: GraphRecorder<FingerprintRecords>;
  private high = 0;
  private low = 0;

  constructor(model: Model) {
    const plan = model.liveness!;
    this.sink = new FingerprintRecords(plan.nodeWords, plan.edgeWords);
    this.recorder = new GraphRecorder(model, false, this.sink);
  }

  /** Starts the record of the state being expanded, `state` with fingerprint (high, low). */
  begin(state: unknown, high: number, low: number): void {
    this.high = high;
    this.low = low;
    this.sink.high = high;
    this.sink.low = low;
    this.recorder.begin(state, 0, 0);
  }

  /**
   * A successor (fingerprint high, low) made by `instance`: as the one-machine expander, one other than the state
   * itself makes its groups ENABLED, and is an edge if it is inside the model.
   */
  successor(high: number, low: number, instance: number, inModel: boolean, to: unknown, step: Step): void {
    if (high === this.high && low === this.low) return;
    this.recorder.enabledBy(instance);
    if (!inModel) return;
    this.sink.high = high;
    this.sink.low = low;
    this.recorder.edge(0, instance, to, step);
  }

  end(): void { this.recorder.end(); }

  /** The records so far, in chunks (word 0 of each: its used words). */
  get chunks(): readonly Int32Array[] { return this.sink.chunks; }
  get records(): number { return this.sink.records; }
}
