/**
 * The seen-set: an insert-only, lock-free open-addressing table of 64-bit fingerprints with linear probing, in
 * flat Int32Arrays that live in a SharedArrayBuffer when worker threads share it (a plain ArrayBuffer otherwise:
 * the same Atomics calls work on both).
 *
 * Layout: slot s is three int32 words, entries[3s] = the fingerprint's high word, entries[3s+1] = its low word,
 * entries[3s+2] = the slot of the state it was reached from (-1 for an initial state): the parent link sits in
 * the same cache line as the key, so an insert touches one line of the big array, not two. ctrl[SIZE] counts the
 * used slots. A low word of 0 marks an empty slot and BUSY (-1) a slot being written; the fingerprinter never
 * produces either (checker/hash.ts).
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
 * The mark bitmaps are small (a bit a slot: 2 MiB for 16 Mi slots) and stay in cache.
 *
 * 12.25 bytes a slot; growth (rehash into a bigger table) is done by the coordinator while no worker runs.
 */
import type { FingerprintSet, ParentLinks } from './types.ts';

export const BUSY = -1;
const SIZE = 0;
/** What `insert` returns when the table is past its hard limit. */
export const TABLE_FULL = -0x80000000;

export interface TableBuffers {
  readonly capacity: number;
  readonly entries: ArrayBufferLike;
  readonly marks: ArrayBufferLike;
  readonly ctrl: ArrayBufferLike;
}

export function tableBytes(capacity: number): number {
  return capacity * 12 + Math.ceil(capacity / 32) * 8 + 64;
}

/** The most slots whose table fits in `bytes` (the inverse of tableBytes). */
export function capacityFor(bytes: number): number {
  let capacity = Math.floor((bytes - 64) / 12.25);
  while (capacity > 0 && tableBytes(capacity) > bytes) capacity--;
  return capacity;
}

function allocate(bytes: number, shared: boolean): ArrayBufferLike {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

export class SeenTable implements FingerprintSet, ParentLinks {
  readonly capacity: number;
  readonly entries: Int32Array;
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

  /**
   * Inserts not yet added to ctrl[SIZE]: each thread has its own SeenTable object over the shared buffers and adds
   * its count in batches, so that two workers do not bounce the counter's cache line on every insert. `flush`
   * before anyone needs the exact size (the expander does at every return).
   */
  private pending = 0;
  private readonly flushEvery: number;
  private full = false;

  constructor(readonly buffers: TableBuffers) {
    this.capacity = buffers.capacity;
    this.entries = new Int32Array(buffers.entries);
    this.marks = new Int32Array(buffers.marks);
    this.ctrl = new Int32Array(buffers.ctrl);
    this.markWords = Math.ceil(this.capacity / 32);
    this.growAt = Math.floor(this.capacity * 0.75);
    this.flushEvery = Math.max(1, Math.min(64, this.capacity >> 14));
    // Up to flushEvery - 1 inserts per thread (at most 256 threads) may not be counted yet: keep room for them.
    this.hardLimit = this.capacity - 2 - (this.flushEvery - 1) * 256;
  }

  static create(capacity: number, shared: boolean): SeenTable {
    const t = new SeenTable({
      capacity,
      entries: allocate(capacity * 12, shared),
      marks: allocate(Math.ceil(capacity / 32) * 8, shared),
      ctrl: allocate(64, shared),
    });
    // Touch every page once up front, so the memory is really there before the search relies on it.
    t.entries.fill(0);
    return t;
  }

  /** Slots used: exact once every thread has flushed; this thread's own pending inserts included. */
  get size(): number { return Atomics.load(this.ctrl, SIZE) + this.pending; }

  flush(): void {
    if (this.pending === 0) return;
    const total = Atomics.add(this.ctrl, SIZE, this.pending) + this.pending;
    this.pending = 0;
    if (total >= this.hardLimit) this.full = true;
  }
  get bytes(): number { return tableBytes(this.capacity); }

  /** The slot where the probe for a fingerprint starts. */
  home(high: number, low: number): number {
    return Math.floor((((low ^ Math.imul(high, 0x9e3779b1)) >>> 0) * this.capacity) / 4294967296);
  }

  /**
   * Inserts a fingerprint, probing from `home` (its home slot, if the caller has it already). Returns its new slot;
   * or -1 - slot when it was there already; or TABLE_FULL when the table is past its hard limit.
   */
  insert(high: number, low: number, parent: number, markHalf: number, home = this.home(high, low)): number {
    const e = this.entries;
    const cap = this.capacity;
    let s = home;
    for (;;) {
      const li = 3 * s + 1;
      let l = Atomics.load(e, li);
      if (l === 0) {
        if (this.full) return TABLE_FULL;
        if (Atomics.compareExchange(e, li, 0, BUSY) === 0) {
          if (++this.pending >= this.flushEvery) this.flush();
          e[li - 1] = high;
          e[li + 1] = parent;
          if (markHalf >= 0) Atomics.or(this.marks, markHalf * this.markWords + (s >>> 5), 1 << (s & 31));
          Atomics.store(e, li, low);
          return s;
        }
        l = Atomics.load(e, li);
      }
      while (l === BUSY) l = Atomics.load(e, li);
      if (l === low && e[li - 1] === high) return -1 - s;
      s = s + 1 === cap ? 0 : s + 1;
    }
  }

  high(slot: number): number { return this.entries[3 * slot]!; }
  low(slot: number): number { return this.entries[3 * slot + 1]!; }

  /** The slot holding a fingerprint, or -1. */
  lookup(high: number, low: number): number {
    let s = this.home(high, low);
    for (;;) {
      const l = Atomics.load(this.entries, 3 * s + 1);
      if (l === 0) return -1;
      if (l === low && this.entries[3 * s] === high) return s;
      s = s + 1 === this.capacity ? 0 : s + 1;
    }
  }

  isMarked(slot: number, markHalf: number): boolean {
    return (Atomics.load(this.marks, markHalf * this.markWords + (slot >>> 5)) & (1 << (slot & 31))) !== 0;
  }

  /** Mark words a bitmap has (32 slots each), and word `w` of bitmap `markHalf`: for scanning the marked slots fast. */
  get markWordCount(): number { return this.markWords; }
  markWord(markHalf: number, w: number): number { return this.marks[markHalf * this.markWords + w]!; }

  clearMarks(markHalf: number): void {
    this.marks.fill(0, markHalf * this.markWords, (markHalf + 1) * this.markWords);
  }

  /** Lowers the parent of `slot` to `candidate` if the candidate's fingerprint (high, low) is smaller (lock-free). */
  offerParent(slot: number, candidate: number, high: number, low: number): void {
    const e = this.entries;
    const at = 3 * slot + 2;
    const h = high >>> 0, l = low >>> 0;
    for (;;) {
      const current = Atomics.load(e, at);
      if (current === candidate) return;
      const ch = e[3 * current]! >>> 0;
      if (ch < h || (ch === h && (e[3 * current + 1]! >>> 0) <= l)) return;
      if (Atomics.compareExchange(e, at, current, candidate) === current) return;
    }
  }

  /** Copies every entry into a table of `capacity` slots; returns it and, for each old slot, its new slot. */
  rehash(capacity: number, shared: boolean): { table: SeenTable; moved: Int32Array } {
    const next = SeenTable.create(capacity, shared);
    const moved = new Int32Array(this.capacity).fill(-1);
    const e = this.entries;
    for (let s = 0; s < this.capacity; s++) {
      const low = e[3 * s + 1]!;
      if (low !== 0) moved[s] = next.insert(e[3 * s]!, low, e[3 * s + 2]!, -1);
    }
    for (let s = 0; s < this.capacity; s++) {
      const to = moved[s]!;
      if (to < 0) continue;
      const p = e[3 * s + 2]!;
      next.entries[3 * to + 2] = p >= 0 ? moved[p]! : -1;
      for (let half = 0; half < 2; half++) {
        if (this.isMarked(s, half)) next.marks[half * next.markWords + (to >>> 5)]! |= 1 << (to & 31);
      }
    }
    next.flush();
    return { table: next, moved };
  }

  /** Empties the table in place (the disk store refills it with the states it keeps: checker/search/spill.ts). */
  clear(): void {
    this.entries.fill(0);
    this.marks.fill(0);
    Atomics.store(this.ctrl, SIZE, 0);
    this.pending = 0;
    this.full = false;
  }

  /** Sets the parent link of a slot (the disk store's rebuild). */
  setParent(slot: number, parent: number): void { this.entries[3 * slot + 2] = parent; }

  parentOf(slot: number): number { return this.entries[3 * slot + 2]!; }

  /** Marks a slot in mark bitmap `markHalf` (the disk store's rebuild; no worker runs then). */
  mark(slot: number, markHalf: number): void { this.marks[markHalf * this.markWords + (slot >>> 5)]! |= 1 << (slot & 31); }

  /** Clears a slot's mark in mark bitmap `markHalf` (the disk store's end of a level; no worker runs then). */
  unmark(slot: number, markHalf: number): void { this.marks[markHalf * this.markWords + (slot >>> 5)]! &= ~(1 << (slot & 31)); }

  /** The chain of slots from an initial state to `slot`, in behaviour order. */
  parent(slot: number): number { return this.entries[3 * slot + 2]!; }

  pathTo(slot: number): number[] {
    const path: number[] = [];
    for (let s = slot; s >= 0; s = this.entries[3 * s + 2]!) path.push(s);
    return path.reverse();
  }
}
