/**
 * The seen-set of one node of a distributed run: the fingerprints this node owns (./partition.ts), each with its
 * BFS depth and the fingerprint of its parent (a state owned by any node). An open-addressing table of five int32
 * words a slot, grown by doubling at 3/4 full; a low word of 0 marks an empty slot (the fingerprinter never gives
 * one, checker/store/seen-table.ts).
 *
 * Parent links hold fingerprints, not slots, because the parent usually lives on another node. The parent kept is
 * the one with the smallest fingerprint among the parents met in the state's own level, exactly as the
 * single-machine table lowers it (SeenTable.offerParent): so the chains, and the traces, are those of a one-machine
 * run whatever the number of nodes and whatever order the messages arrive in.
 */

const W = 5;
const HIGH = 0, LOW = 1, P_HIGH = 2, P_LOW = 3, DEPTH = 4;

/** What `visit` says of a fingerprint. */
export const OLD = 0, NEW = 1, SAME_LEVEL = 2;

export class OwnedSet {
  private words: Int32Array;
  private capacity: number;
  size = 0;
  /** Slot of the last `visit`. */
  slot = 0;

  constructor(capacity = 1 << 14) {
    this.capacity = capacity;
    this.words = new Int32Array(capacity * W);
  }

  get bytes(): number { return this.words.byteLength; }

  private home(high: number, low: number): number {
    return Math.floor((((low ^ Math.imul(high, 0x9e3779b1)) >>> 0) * this.capacity) / 4294967296);
  }

  /**
   * Looks the fingerprint up as a state of BFS depth `depth`: OLD if it was stored at an earlier depth, SAME_LEVEL
   * if at this one, NEW if it was not stored (it is now, without a parent yet). `slot` is then its slot.
   */
  visit(high: number, low: number, depth: number): number {
    if (this.size * 4 >= this.capacity * 3) this.grow();
    const w = this.words;
    const cap = this.capacity;
    let s = this.home(high, low);
    for (;;) {
      const b = W * s;
      const l = w[b + LOW]!;
      if (l === 0) {
        w[b + HIGH] = high;
        w[b + LOW] = low;
        w[b + P_HIGH] = 0;
        w[b + P_LOW] = 0;
        w[b + DEPTH] = depth;
        this.size++;
        this.slot = s;
        return NEW;
      }
      if (l === low && w[b + HIGH] === high) {
        this.slot = s;
        return w[b + DEPTH] === depth ? SAME_LEVEL : OLD;
      }
      s = s + 1 === cap ? 0 : s + 1;
    }
  }

  /** Lowers the parent of `slot` to (high, low) if that is smaller (unsigned), or sets it if it has none. */
  offerParent(slot: number, high: number, low: number): void {
    const w = this.words;
    const b = W * slot;
    const cl = w[b + P_LOW]!;
    if (cl !== 0) {
      const ch = w[b + P_HIGH]! >>> 0, h = high >>> 0;
      if (ch < h || (ch === h && (cl >>> 0) <= (low >>> 0))) return;
    }
    w[b + P_HIGH] = high;
    w[b + P_LOW] = low;
  }

  /** Calls `f` for every stored state of depth at most `maxDepth` (parent 0/0: an initial state). */
  forEach(maxDepth: number, f: (high: number, low: number, parentHigh: number, parentLow: number, depth: number) => void): void {
    const w = this.words;
    for (let s = 0; s < this.capacity; s++) {
      const b = W * s;
      if (w[b + LOW] !== 0 && w[b + DEPTH]! <= maxDepth) f(w[b + HIGH]!, w[b + LOW]!, w[b + P_HIGH]!, w[b + P_LOW]!, w[b + DEPTH]!);
    }
  }

  /** Every stored state as 5 words (high, low, parent high, parent low, depth), in slot order: a checkpoint's part. */
  entries(): Int32Array {
    const out = new Int32Array(W * this.size);
    const w = this.words;
    let at = 0;
    for (let s = 0; s < this.capacity; s++) {
      const b = W * s;
      if (w[b + LOW] !== 0) { out.set(w.subarray(b, b + W), at); at += W; }
    }
    return out;
  }

  /** Stores entries as `entries` gives them (from a checkpoint): each with its depth and parent as saved. */
  restore(entries: Int32Array): void {
    for (let p = 0; p + W <= entries.length; p += W) {
      const low = entries[p + LOW]!;
      if (low === 0) throw new Error('a checkpoint entry with a low fingerprint word of 0');
      if (this.visit(entries[p + HIGH]!, low, entries[p + DEPTH]!) !== NEW) throw new Error('a checkpoint holds the same fingerprint twice');
      const b = W * this.slot;
      this.words[b + P_HIGH] = entries[p + P_HIGH]!;
      this.words[b + P_LOW] = entries[p + P_LOW]!;
    }
  }

  private grow(): void {
    const old = this.words;
    const oldCap = this.capacity;
    this.capacity = oldCap * 2;
    this.words = new Int32Array(this.capacity * W);
    const w = this.words;
    for (let s = 0; s < oldCap; s++) {
      const ob = W * s;
      const low = old[ob + LOW]!;
      if (low === 0) continue;
      let t = this.home(old[ob + HIGH]!, low);
      while (w[W * t + LOW] !== 0) t = t + 1 === this.capacity ? 0 : t + 1;
      w.set(old.subarray(ob, ob + W), W * t);
    }
  }
}
