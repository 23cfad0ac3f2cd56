/**
 * The two parts of the per-level merge past the spill (checker/search/spill.ts) that cost time in proportion to a
 * level and split cleanly, so that worker threads can share them (checker/parallel/worker.ts runs them when the
 * coordinator has workers; the main thread runs them alone otherwise):
 *
 * - `collectMarked`: the candidates of a level, read off the mark bitmap (a range of its words per thread) as
 *   records [fp low, fp high, parent's fp low, parent's fp high (0/0: none), slot];
 * - `markKnownRange`: which of the candidates, in fingerprint order, some sorted run on disk holds (a range of
 *   ranks per thread; each thread starts its pass over a run at its first candidate, found by binary search in the
 *   file, so the threads read disjoint parts of each run).
 */
import { FileReader } from './disk-files.ts';
import type { SeenTable } from './seen-table.ts';

/**
 * The arrays of a level's merge, in shared memory when worker threads share it: the candidate records, their
 * fingerprint order (order[k] = the record of rank k), `known` by rank, and the new states' keys and parent links.
 */
export interface MergeArrays { recs: Uint32Array; order: Uint32Array; known: Uint8Array; keys: Uint32Array; links: Uint32Array }

/** Words per candidate record. */
export const REC = 5;

/** Fingerprints per block read from a run (2 MiB). */
const BLOCK = 1 << 18;

/** Writes the record of the state in `slot` at record index i. */
export function writeRecord(table: SeenTable, slot: number, recs: Uint32Array, i: number): void {
  const r = REC * i;
  const parent = table.parentOf(slot);
  recs[r] = table.low(slot);
  recs[r + 1] = table.high(slot);
  recs[r + 2] = parent >= 0 ? table.low(parent) : 0;
  recs[r + 3] = parent >= 0 ? table.high(parent) : 0;
  recs[r + 4] = slot;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * The records of the stored states marked in bitmap `markHalf` within mark words [fromWord, toWord): 32 slots a
 * word, and a level's candidates are a small part of the table, so most words are zero.
 */
export function collectMarked(table: SeenTable, markHalf: number, fromWord: number, toWord: number): Uint32Array {
  let n = 0;
  for (let w = fromWord; w < toWord; w++) n += popcount(table.markWord(markHalf, w));
  const recs = new Uint32Array(REC * n);
  let i = 0;
  for (let w = fromWord; w < toWord; w++) {
    let bits = table.markWord(markHalf, w);
    while (bits !== 0) {
      const bit = 31 - Math.clz32(bits & -bits);
      bits &= bits - 1;
      const s = 32 * w + bit;
      if (table.low(s) !== 0) writeRecord(table, s, recs, i++);
    }
  }
  return i === n ? recs : recs.subarray(0, REC * i);
}

/** Streams a sorted run block by block, from a given fingerprint index on. */
export class RunCursor {
  private readonly reader: FileReader;
  private readonly bytes = new Uint8Array(BLOCK * 8);
  private readonly u = new Uint32Array(this.bytes.buffer);
  private n = 0;
  private j = 0;
  done = false;
  high = 0;
  low = 0;

  constructor(path: string, start = 0) {
    this.reader = new FileReader(path);
    this.reader.moveTo(start * 8);
    this.fill();
    this.load();
  }

  private fill(): void {
    this.n = this.reader.read(this.bytes) >>> 3;
    this.j = 0;
  }

  private load(): void {
    if (this.j >= this.n) {
      this.fill();
      if (this.n === 0) { this.done = true; this.reader.close(); return; }
    }
    this.low = this.u[2 * this.j]!;
    this.high = this.u[2 * this.j + 1]!;
  }

  next(): void { this.j++; this.load(); }

  /**
   * Moves to the first fingerprint at or above (high, low), unsigned: whole blocks below it are skipped without
   * looking at their entries, and the position within a block is found by galloping then binary search. A level's
   * candidates are far fewer than the fingerprints stored, so this is what keeps the per-level pass cheap.
   */
  seek(high: number, low: number): void {
    if (this.done) return;
    const u = this.u;
    for (;;) {
      const lh = u[2 * this.n - 1]!, ll = u[2 * this.n - 2]!;
      if (lh > high || (lh === high && ll >= low)) break;
      this.fill();
      if (this.n === 0) { this.done = true; this.reader.close(); return; }
    }
    // Galloping from the current position: the next candidate is usually a few dozen entries on.
    let lo = this.j, hi = this.n - 1;
    for (let step = 1; lo + step < hi; step *= 2) {
      const at = lo + step;
      const ah = u[2 * at + 1]!;
      if (ah > high || (ah === high && u[2 * at]! >= low)) { hi = at; break; }
      lo = at;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const mh = u[2 * mid + 1]!;
      if (mh < high || (mh === high && u[2 * mid]! < low)) lo = mid + 1; else hi = mid;
    }
    this.j = lo;
    this.low = u[2 * lo]!;
    this.high = u[2 * lo + 1]!;
  }

  close(): void { if (!this.done) { this.done = true; this.reader.close(); } }
}

/** The index of the first fingerprint at or above (high, low) in a sorted run of `count` (binary search on disk). */
function lowerBound(path: string, count: number, high: number, low: number): number {
  const r = new FileReader(path);
  const b = new Uint8Array(8);
  const u = new Uint32Array(b.buffer);
  try {
    let lo = 0, hi = count;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      r.readAt(b, mid * 8);
      if (u[1]! < high || (u[1] === high && u[0]! < low)) lo = mid + 1; else hi = mid;
    }
    return lo;
  } finally {
    r.close();
  }
}

/**
 * Marks in `known` (by rank) the candidates of ranks [from, to) that one of the runs holds; the k-th smallest
 * candidate is record order[k] of `recs` (REC words each). One pass per run, which skips what lies between
 * candidates and stops once they are used up.
 */
export function markKnownRange(
  runs: readonly { path: string; count: number }[], recs: Uint32Array, order: Uint32Array, from: number, to: number, known: Uint8Array,
): void {
  if (from >= to) return;
  for (const run of runs) {
    const first = REC * order[from]!;
    const start = from === 0 ? 0 : lowerBound(run.path, run.count, recs[first + 1]!, recs[first]!);
    if (start >= run.count) continue;
    const c = new RunCursor(run.path, start);
    for (let k = from; k < to && !c.done; k++) {
      const at = REC * order[k]!;
      const kh = recs[at + 1]!, kl = recs[at]!;
      c.seek(kh, kl);
      if (!c.done && c.high === kh && c.low === kl) known[k] = 1;
    }
    c.close();
  }
}

/**
 * The new candidates (not `known`) of ranks [from, to), in fingerprint order, written from index `from` on: their
 * fingerprints into `keys` (2 words each: the next run) and their parent links into `links` (4 words each: the next
 * link file). Returns how many there are; the caller closes the gaps between ranges.
 */
export function newOfRange(
  recs: Uint32Array, order: Uint32Array, from: number, to: number, known: Uint8Array, keys: Uint32Array, links: Uint32Array,
): number {
  let k = from;
  for (let i = from; i < to; i++) {
    if (known[i]) continue;
    const r = REC * order[i]!;
    keys[2 * k] = recs[r]!;
    keys[2 * k + 1] = recs[r + 1]!;
    links[4 * k] = recs[r]!;
    links[4 * k + 1] = recs[r + 1]!;
    links[4 * k + 2] = recs[r + 2]!;
    links[4 * k + 3] = recs[r + 3]!;
    k++;
  }
  return k - from;
}
