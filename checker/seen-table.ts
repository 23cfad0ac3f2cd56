/**
 * The seen-set: an insert-only, lock-free open-addressing table of 64-bit fingerprints with linear probing, in
 * flat Int32Arrays that live in a SharedArrayBuffer when worker threads share it (a plain ArrayBuffer otherwise:
 * the same Atomics calls work on both).
 *
 * Layout: slot s holds the fingerprint in keys[2s] (high) and keys[2s+1] (low), and parents[s] the slot of the
 * state it was reached from (-1 for an initial state). ctrl[SIZE] counts the used slots. A low word of 0 marks an
 * empty slot and BUSY (-1) a slot being written; the fingerprinter never produces either (checker/hash.ts).
 *
 * Insert: claim an empty slot by CAS-ing its low word from 0 to BUSY, write the high word and the parent, then
 * publish the low word with Atomics.store (sequentially consistent, so a thread that reads the published low
 * word also sees the rest). A reader that meets BUSY spins for the few nanoseconds the writer needs.
 *
 * Marks: two bitmaps of one bit per slot. During the expansion of level k, every state first inserted is marked
 * in bitmap (k+1) mod 2; a duplicate that is marked there was found in this same level, and its parent link is
 * then lowered to the candidate parent with the smallest fingerprint (a CAS loop). That makes every parent link,
 * and so every trace, independent of which worker got there first (docs/design.md, "Determinism").
 *
 * 12.25 bytes a slot; growth (rehash into a bigger table) is done by the coordinator while no worker runs.
 */
export const BUSY = -1;
const SIZE = 0;

export interface TableBuffers {
  readonly capacity: number;
  readonly keys: ArrayBufferLike;
  readonly parents: ArrayBufferLike;
  readonly marks: ArrayBufferLike;
  readonly ctrl: ArrayBufferLike;
}

export function tableBytes(capacity: number): number {
  return capacity * 12 + Math.ceil(capacity / 32) * 8 + 64;
}

function allocate(bytes: number, shared: boolean): ArrayBufferLike {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

export class SeenTable {
  readonly capacity: number;
  readonly keys: Int32Array;
  readonly parents: Int32Array;
  readonly marks: Int32Array;
  readonly ctrl: Int32Array;
  private readonly markWords: number;
  /** The coordinator grows the table once this many slots are used. */
  readonly growAt: number;
  /**
   * Past this, inserts are refused (the probe loop needs an empty slot to end). Growth happens between states, so
   * the quarter of the table above `growAt` is the room for the successors of the states being expanded.
   */
  private readonly hardLimit: number;

  constructor(readonly buffers: TableBuffers) {
    this.capacity = buffers.capacity;
    this.keys = new Int32Array(buffers.keys);
    this.parents = new Int32Array(buffers.parents);
    this.marks = new Int32Array(buffers.marks);
    this.ctrl = new Int32Array(buffers.ctrl);
    this.markWords = Math.ceil(this.capacity / 32);
    this.growAt = Math.floor(this.capacity * 0.75);
    this.hardLimit = this.capacity - 2;
  }

  static create(capacity: number, shared: boolean): SeenTable {
    const t = new SeenTable({
      capacity,
      keys: allocate(capacity * 8, shared),
      parents: allocate(capacity * 4, shared),
      marks: allocate(Math.ceil(capacity / 32) * 8, shared),
      ctrl: allocate(64, shared),
    });
    // Touch every page once up front, so the memory is really there before the search relies on it.
    t.keys.fill(0);
    t.parents.fill(-1);
    return t;
  }

  get size(): number { return Atomics.load(this.ctrl, SIZE); }
  get bytes(): number { return tableBytes(this.capacity); }

  private home(high: number, low: number): number {
    return Math.floor((((low ^ Math.imul(high, 0x9e3779b1)) >>> 0) * this.capacity) / 4294967296);
  }

  /**
   * Inserts a fingerprint. Returns its new slot; or -1 - slot when it was there already; or -2^31 when the table
   * is past its hard limit.
   */
  insert(high: number, low: number, parent: number, markHalf: number): number {
    const keys = this.keys;
    const cap = this.capacity;
    let s = this.home(high, low);
    for (;;) {
      const li = 2 * s + 1;
      let l = Atomics.load(keys, li);
      if (l === 0) {
        if (Atomics.load(this.ctrl, SIZE) >= this.hardLimit) return -0x80000000;
        if (Atomics.compareExchange(keys, li, 0, BUSY) === 0) {
          Atomics.add(this.ctrl, SIZE, 1);
          keys[2 * s] = high;
          this.parents[s] = parent;
          if (markHalf >= 0) Atomics.or(this.marks, markHalf * this.markWords + (s >>> 5), 1 << (s & 31));
          Atomics.store(keys, li, low);
          return s;
        }
        l = Atomics.load(keys, li);
      }
      while (l === BUSY) l = Atomics.load(keys, li);
      if (l === low && keys[2 * s] === high) return -1 - s;
      s = s + 1 === cap ? 0 : s + 1;
    }
  }

  /** The slot holding a fingerprint, or -1. */
  lookup(high: number, low: number): number {
    let s = this.home(high, low);
    for (;;) {
      const l = Atomics.load(this.keys, 2 * s + 1);
      if (l === 0) return -1;
      if (l === low && this.keys[2 * s] === high) return s;
      s = s + 1 === this.capacity ? 0 : s + 1;
    }
  }

  isMarked(slot: number, markHalf: number): boolean {
    return (Atomics.load(this.marks, markHalf * this.markWords + (slot >>> 5)) & (1 << (slot & 31))) !== 0;
  }

  clearMarks(markHalf: number): void {
    this.marks.fill(0, markHalf * this.markWords, (markHalf + 1) * this.markWords);
  }

  /** -1, 0 or 1: the order of two slots' fingerprints (unsigned high word, then unsigned low word). */
  compareSlots(a: number, b: number): number {
    const ha = this.keys[2 * a]! >>> 0, hb = this.keys[2 * b]! >>> 0;
    if (ha !== hb) return ha < hb ? -1 : 1;
    const la = this.keys[2 * a + 1]! >>> 0, lb = this.keys[2 * b + 1]! >>> 0;
    return la < lb ? -1 : la > lb ? 1 : 0;
  }

  /** Lowers the parent of `slot` to `candidate` if the candidate's fingerprint is smaller (lock-free). */
  offerParent(slot: number, candidate: number): void {
    for (;;) {
      const current = Atomics.load(this.parents, slot);
      if (current === candidate || this.compareSlots(candidate, current) >= 0) return;
      if (Atomics.compareExchange(this.parents, slot, current, candidate) === current) return;
    }
  }

  /** Copies every entry into a table of `capacity` slots; returns it and, for each old slot, its new slot. */
  rehash(capacity: number, shared: boolean): { table: SeenTable; moved: Int32Array } {
    const next = SeenTable.create(capacity, shared);
    const moved = new Int32Array(this.capacity).fill(-1);
    for (let s = 0; s < this.capacity; s++) {
      const low = this.keys[2 * s + 1]!;
      if (low !== 0) moved[s] = next.insert(this.keys[2 * s]!, low, this.parents[s]!, -1);
    }
    for (let s = 0; s < this.capacity; s++) {
      const to = moved[s]!;
      if (to < 0) continue;
      const p = this.parents[s]!;
      next.parents[to] = p >= 0 ? moved[p]! : -1;
      for (let half = 0; half < 2; half++) {
        if (this.isMarked(s, half)) next.marks[half * next.markWords + (to >>> 5)]! |= 1 << (to & 31);
      }
    }
    return { table: next, moved };
  }

  /** The chain of slots from an initial state to `slot`, in behaviour order. */
  pathTo(slot: number): number[] {
    const path: number[] = [];
    for (let s = slot; s >= 0; s = this.parents[s]!) path.push(s);
    return path.reverse();
  }
}
