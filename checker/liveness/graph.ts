/**
 * The behaviour graph a liveness check runs on: every state the search stored, numbered densely in the order it
 * was expanded, with its successors inside the model (the state and action constraints) and the bits the check
 * needs, in compressed sparse rows (typed arrays, SharedArrayBuffers when workers read them):
 *
 *   offsets[u] .. offsets[u + 1]   u's edges, in the order the expander generated them (action instances in
 *                                  declaration order): every search over the graph follows it, which makes the
 *                                  results canonical, the same for any numbering
 *   targets[e]                     the successor of edge e
 *   edgeBits[e * edgeWords + w]    word w of edge e's bits: for each action group (checker/model/temporal.ts),
 *                                  whether the step is one of its steps, then each step atom (one byte an edge
 *                                  when there are at most 8 such bits, two when at most 16: most specs)
 *   nodeBits[u * nodeWords + w]    word w of u's bits: for each action group, whether it is ENABLED in u, then
 *                                  each state atom
 *   slots[u]                       u's seen-table slot (its fingerprint is there, for rebuilding a lasso by replay)
 *   initial                        the initial states, in the order `init` gave them, without repeats
 *
 * A successor equal to the state itself is not an edge (every state may stutter, and a stutter is never an
 * `<<A>>_vars` step), and parallel steps to the same successor are one edge with their bits or-ed (`<<A>>_vars` is
 * a property of the pair of states, whichever action produced it).
 */
export interface GraphData {
  readonly n: number;
  readonly nodeWords: number;
  readonly edgeWords: number;
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly edgeBits: EdgeBits;
  readonly nodeBits: Int32Array;
  readonly slots: Int32Array;
  readonly initial: Int32Array;
}

/** Edge bits: bytes, halfwords or words, whichever hold them (edgeWords is then 1 for bytes and halfwords). */
export type EdgeBits = Int32Array | Uint16Array | Uint8Array;

export class BehaviourGraph implements GraphData {
  readonly n: number;
  readonly nodeWords: number;
  readonly edgeWords: number;
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly edgeBits: EdgeBits;
  readonly nodeBits: Int32Array;
  readonly slots: Int32Array;
  readonly initial: Int32Array;

  constructor(d: GraphData) {
    this.n = d.n;
    this.nodeWords = d.nodeWords;
    this.edgeWords = d.edgeWords;
    this.offsets = d.offsets;
    this.targets = d.targets;
    this.edgeBits = d.edgeBits;
    this.nodeBits = d.nodeBits;
    this.slots = d.slots;
    this.initial = d.initial;
  }

  /** The plain data, to send to a worker (the arrays are shared, not copied, when they are SharedArrayBuffers). */
  data(): GraphData {
    const { n, nodeWords, edgeWords, offsets, targets, edgeBits, nodeBits, slots, initial } = this;
    return { n, nodeWords, edgeWords, offsets, targets, edgeBits, nodeBits, slots, initial };
  }

  get edges(): number { return this.offsets[this.n]!; }
  degree(u: number): number { return this.offsets[u + 1]! - this.offsets[u]!; }
  nodeBit(u: number, bit: number): boolean { return ((this.nodeBits[u * this.nodeWords + (bit >>> 5)]! >>> (bit & 31)) & 1) !== 0; }
  edgeBit(e: number, bit: number): boolean { return ((this.edgeBits[e * this.edgeWords + (bit >>> 5)]! >>> (bit & 31)) & 1) !== 0; }
}
