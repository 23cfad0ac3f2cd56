/**
 * The behaviour graph a liveness check runs on: every state the search stored, each with its successors inside
 * the model (the state and action constraints) and the bits the check needs, as recorded by the expanders
 * (checker/store/edges.ts) and numbered densely once the search is complete.
 *
 * A state's record, in one of the chunks (Int32Arrays, in SharedArrayBuffers when workers read them):
 *
 *     [slot, successors k, node bits (nodeWords words), k × (successor id, edge bits (edgeWords words))]
 *
 * `slot` is the state's seen-table slot (its fingerprint is there, for rebuilding the lasso's states by replay).
 * Node bits: for each action group (checker/model/temporal.ts), whether it is ENABLED in the state, then each state
 * atom. Edge bits: for each action group, whether the step is one of its steps, then each step atom. A successor
 * equal to the state itself is not recorded (every state may stutter, and a stutter is never an `<<A>>` step), and
 * parallel steps to the same successor are one edge with their bits or-ed (`<<A>>_vars` is a property of the pair
 * of states, whichever action produced it). The successors keep the order the expander generated them in (action
 * instances in declaration order), which makes every search over the graph canonical: the same for any numbering.
 *
 * `recordAt[id]` is the record's address: chunk number << ADDRESS_BITS | offset.
 */
export const ADDRESS_BITS = 20;
export const RECORD_CHUNK_WORDS = 1 << ADDRESS_BITS;
const OFFSET_MASK = RECORD_CHUNK_WORDS - 1;
/** Words of a record before its node bits: slot, successor count. */
export const RECORD_HEAD = 2;

export interface GraphData {
  readonly n: number;
  readonly nodeWords: number;
  readonly edgeWords: number;
  readonly chunks: readonly Int32Array[];
  readonly recordAt: Int32Array;
  /** The initial states' ids, in the order `init` gave them (inside the constraint, without repeats). */
  readonly initial: Int32Array;
}

export class BehaviourGraph implements GraphData {
  readonly n: number;
  readonly nodeWords: number;
  readonly edgeWords: number;
  readonly chunks: readonly Int32Array[];
  readonly recordAt: Int32Array;
  readonly initial: Int32Array;
  /** Words per edge in a record. */
  readonly edgeStride: number;

  constructor(d: GraphData) {
    this.n = d.n;
    this.nodeWords = d.nodeWords;
    this.edgeWords = d.edgeWords;
    this.chunks = d.chunks;
    this.recordAt = d.recordAt;
    this.initial = d.initial;
    this.edgeStride = 1 + d.edgeWords;
  }

  chunkOf(u: number): Int32Array { return this.chunks[this.recordAt[u]! >>> ADDRESS_BITS]!; }
  /** Where u's record starts in its chunk. */
  baseOf(u: number): number { return this.recordAt[u]! & OFFSET_MASK; }
  slotOf(u: number): number { return this.chunkOf(u)[this.baseOf(u)]!; }
  degree(u: number): number { return this.chunkOf(u)[this.baseOf(u) + 1]!; }
  /** Word `w` of u's node bits. */
  nodeWord(u: number, w: number): number { return this.chunkOf(u)[this.baseOf(u) + RECORD_HEAD + w]!; }
  nodeBit(u: number, bit: number): boolean { return ((this.nodeWord(u, bit >>> 5) >>> (bit & 31)) & 1) !== 0; }
  /** Where u's first edge starts in its chunk. */
  edgesBase(u: number): number { return this.baseOf(u) + RECORD_HEAD + this.nodeWords; }
}
