/**
 * The search past its memory budget: what the coordinator (./bfs.ts) does with the in-memory seen-table once the
 * fingerprints live on disk (checker/store/disk-seen.ts). docs/design.md, "Past RAM", has the whole argument.
 *
 * From the spill on, the table holds three kinds of states, told apart by the two mark bitmaps:
 * - the level being expanded, F_k (marked in the other half: the frontier chunks name them by slot);
 * - the candidates the expansion inserts (marked in the level's half);
 * - a cache of older states, already on disk (unmarked): the states of the previous levels that are still in the
 *   table. A successor that hits one is old, as in memory, and costs nothing more; most duplicates of a BFS are
 *   states of the last few levels, so the cache keeps most of them from becoming candidates.
 * A candidate not in the table may still be an older state: that is decided at the end of the level, by sorting
 * the candidates and merging them against the runs on disk. Nothing else changes: an old state met again is dropped
 * before anything depends on it being new (it is not expanded, and its invariants held when it was new), and a new
 * state's parent link is lowered within the level exactly as in memory, so counts, depth, parent links and traces
 * are those of an in-memory run.
 *
 * At the end of a level nothing is moved: the new states stay where they are (the next F), the old candidates are
 * unmarked (they join the cache) and dropped from the next frontier. The table is emptied and refilled (`rebuild`)
 * only when it fills: first by dropping the cache; if that is not enough, the candidates are also checked against
 * the disk early and the old ones dropped; the new ones stay, with their marks, so their parents can still be lowered.
 * With worker threads, collecting the candidates and the pass over the runs are shared with them (`MergeCrew`).
 */
import { MemoryBudgetError } from '../errors.ts';
import { dropEntries, filterChunk, type Chunk } from '../store/frontier.ts';
import type { SeenTable } from '../store/seen-table.ts';
import { DiskSeenStore } from '../store/disk-seen.ts';
import { sortedOrder } from '../store/sort-records.ts';
import { collectMarked, markKnownRange, newOfRange, REC, writeRecord, type MergeArrays } from '../store/disk-merge.ts';
import { formatBytes } from '../units.ts';

/**
 * Worker threads that can share the per-level merge (bfs.ts gives one when the run has workers): each runs
 * checker/store/disk-merge.ts on the part it is given, while the main thread waits.
 */
export interface MergeCrew {
  readonly size: number;
  /** Fewer candidates than this are merged by the main thread alone (handing out work costs a round trip). */
  readonly minCandidates: number;
  /** The candidate records of mark words [from, to) of each part, one array per part, in part order. */
  collect(markHalf: number, parts: [number, number][]): Promise<Uint32Array[]>;
  /**
   * markKnownRange then newOfRange over each part (ranks [from, to)), every array in shared memory; resolves to how
   * many new states each part has.
   */
  markKnown(runs: { path: string; count: number }[], arrays: MergeArrays, parts: [number, number][]): Promise<number[]>;
}

interface Candidates { recs: Uint32Array; order: Uint32Array; count: number; known: Uint8Array }

/** A level's merge: its candidates, and the new ones as the next run's keys and link file. */
interface Merged extends Candidates { keys: Uint32Array; links: Uint32Array; added: number }

/** [0, n) cut into `k` consecutive ranges. */
function split(n: number, k: number): [number, number][] {
  return Array.from({ length: k }, (_, i) => [Math.floor((n * i) / k), Math.floor((n * (i + 1)) / k)] as [number, number]);
}


export class Spill {
  /** How many of the table's states are on disk already (the level being expanded and the cache); the rest are candidates. */
  onDiskInTable = 0;
  private moved: Int32Array | undefined;

  constructor(readonly store: DiskSeenStore) {}

  /** States stored so far: those on disk and the candidates of the level (some may turn out to be old). */
  distinct(table: SeenTable): number { return this.store.states + table.size - this.onDiskInTable; }

  private movedFor(table: SeenTable): Int32Array {
    if (!this.moved || this.moved.length !== table.capacity) this.moved = new Int32Array(table.capacity);
    return this.moved.fill(-1);
  }

  /**
   * The first spill, in the middle of the expansion of a level (`markHalf`: its mark bitmap): every stored state
   * but this level's candidates goes to disk, with its parent link; the table keeps this level's states and its
   * candidates. Remaps (and filters) the frontier chunks given.
   */
  begin(table: SeenTable, markHalf: number, chunkLists: Chunk[][], fixedWidth: number): void {
    const other = markHalf ^ 1;
    const { recs, order, count } = this.recordsWhere(table, (s) => !table.isMarked(s, markHalf));
    this.store.addLevel(...this.withLinks(recs, order, count, undefined));
    let frontier = 0;
    this.rebuild(table, markHalf, chunkLists, fixedWidth, (s) => {
      if (table.isMarked(s, markHalf)) return 1;
      if (table.isMarked(s, other)) { frontier++; return 2; }
      return 0;
    });
    this.onDiskInTable = frontier;
    this.checkRoom(table, 'the states of the level being expanded and the new states it found so far');
  }

  /** The records (REC words: fingerprint, parent's fingerprint, slot) of the stored states `pick` says, and their order. */
  private recordsWhere(table: SeenTable, pick: (slot: number) => boolean): { recs: Uint32Array; order: Uint32Array; count: number } {
    const cap = table.capacity;
    let n = 0;
    for (let s = 0; s < cap; s++) if (table.low(s) !== 0 && pick(s)) n++;
    const recs = new Uint32Array(REC * n + REC);
    let i = 0;
    for (let s = 0; s < cap; s++) if (table.low(s) !== 0 && pick(s)) writeRecord(table, s, recs, i++);
    return { recs, order: sortedOrder(recs, i, REC), count: i };
  }

  /**
   * The new states among the records (those not `known`, by rank), in fingerprint order: their fingerprints (the
   * next run) and their parent links (the next link file: the parent's fingerprint, 0/0 for an initial state), and
   * how many there are.
   */
  private withLinks(recs: Uint32Array, order: Uint32Array, count: number, known: Uint8Array | undefined): [Uint32Array, Uint32Array, number] {
    const keys = new Uint32Array(2 * count + 2);
    const links = new Uint32Array(4 * count + 4);
    return [keys, links, newOfRange(recs, order, 0, count, known ?? new Uint8Array(count), keys, links)];
  }

  /**
   * The candidates of the level (marked in `markHalf`) as records, their fingerprint order, and which of them (by
   * rank in that order) the disk already holds.
   */
  private candidates(table: SeenTable, markHalf: number): Candidates {
    const recs = collectMarked(table, markHalf, 0, table.markWordCount);
    const count = recs.length / REC;
    const order = sortedOrder(recs, count, REC);
    const known = new Uint8Array(count + 1);
    markKnownRange(this.store.runFiles(), recs, order, 0, count, known);
    return { recs, order, count, known };
  }

  /** The level's merge by the main thread alone. */
  private merged(table: SeenTable, markHalf: number): Merged {
    const c = this.candidates(table, markHalf);
    const [keys, links, added] = this.withLinks(c.recs, c.order, c.count, c.known);
    return { ...c, keys, links, added };
  }

  /** The same, with worker threads sharing the collection, the pass over the runs and picking the new ones. */
  private async mergedShared(table: SeenTable, markHalf: number, crew: MergeCrew): Promise<Merged> {
    const parts = await crew.collect(markHalf, split(table.markWordCount, crew.size));
    const words = parts.reduce((n, p) => n + p.length, 0);
    const count = words / REC;
    const { recs, order, known, keys, links } = this.sharedArrays(count);
    let at = 0;
    for (const p of parts) { recs.set(p, at); at += p.length; }
    order.set(sortedOrder(recs, count, REC));
    const ranges = split(count, crew.size);
    const addedPer = await crew.markKnown(this.store.runFiles(), { recs, order, known, keys, links }, ranges);
    // Each range wrote its new states from its first rank on: close the gaps.
    let added = 0;
    ranges.forEach(([from], i) => {
      const n = addedPer[i]!;
      if (added !== from) {
        keys.copyWithin(2 * added, 2 * from, 2 * (from + n));
        links.copyWithin(4 * added, 4 * from, 4 * (from + n));
      }
      added += n;
    });
    return { recs, order, count, known, keys, links, added };
  }

  /**
   * The table is full in the middle of a level (or at its start): drops the cache, and if that does not leave room
   * for a good part of a level, also the candidates that the disk already holds (a pass over every run).
   */
  purge(table: SeenTable, markHalf: number, chunkLists: Chunk[][], fixedWidth: number): void {
    const other = markHalf ^ 1;
    const cap = table.capacity;
    let frontier = 0, candidates = 0;
    for (let s = 0; s < cap; s++) {
      if (table.low(s) === 0) continue;
      if (table.isMarked(s, markHalf)) candidates++;
      else if (table.isMarked(s, other)) frontier++;
    }
    this.onDiskInTable = frontier;
    const kind = (s: number) => (table.isMarked(s, markHalf) ? 1 : table.isMarked(s, other) ? 2 : 0);
    if (frontier + candidates <= table.growAt / 2) {
      this.rebuild(table, markHalf, chunkLists, fixedWidth, kind);
      return;
    }
    const before = frontier + candidates;
    const { recs, order, count, known } = this.candidates(table, markHalf);
    const drop = new Uint8Array(cap);
    for (let i = 0; i < count; i++) if (known[i]) drop[recs[REC * order[i]! + 4]!] = 1;
    this.rebuild(table, markHalf, chunkLists, fixedWidth, (s) => (drop[s] ? 0 : kind(s)));
    // Each such purge reads every run: insist that it frees a useful part of the table, or the level cannot be done.
    if (before - table.size < cap / 16) this.checkRoom(table, 'the states of the level being expanded and its new states', true);
  }

  /**
   * The end of a level: its new states (the candidates the disk does not hold) go to disk as a run and a link
   * file, and stay in the table as the next level; the old candidates are unmarked (they join the cache) and the
   * frontier chunks of the next level are filtered to the new ones. Returns how many there are.
   */
  async endLevel(table: SeenTable, markHalf: number, chunkLists: Chunk[][], fixedWidth: number, crew?: MergeCrew): Promise<number> {
    const shared = crew && crew.size > 1 && table.size - this.onDiskInTable >= crew.minCandidates;
    const { recs, order, count, known, keys, links, added } = shared ? await this.mergedShared(table, markHalf, crew) : this.merged(table, markHalf);
    if (added < count) {
      const drop = this.dropBitmap(table);
      for (let i = 0; i < count; i++) {
        if (!known[i]) continue;
        const slot = recs[REC * order[i]! + 4]!;
        table.unmark(slot, markHalf);
        drop[slot >>> 5]! |= 1 << (slot & 31);
      }
      for (const list of chunkLists) for (const c of list) dropEntries(c, fixedWidth, drop);
      for (let i = 0; i < count; i++) if (known[i]) drop[recs[REC * order[i]! + 4]! >>> 5] = 0;
    }
    this.store.addLevel(keys, links, added);
    this.onDiskInTable = table.size;
    return added;
  }

  /**
   * The shared arrays of a merge for `count` candidates, `known` cleared: kept from level to level and grown when a
   * level needs more, because shared memory is freed only once every thread has collected it, so a fresh set each
   * level would pile up (it cost 200 MiB of peak RSS on filter N=6).
   */
  private shared: MergeArrays | undefined;

  private sharedArrays(count: number): MergeArrays {
    if (!this.shared || this.shared.order.length < count) {
      const room = Math.max(1024, Math.ceil(count * 1.25));
      const words = (n: number) => new Uint32Array(new SharedArrayBuffer(4 * n));
      this.shared = { recs: words(REC * room), order: words(room), known: new Uint8Array(new SharedArrayBuffer(room + 1)), keys: words(2 * room + 2), links: words(4 * room + 4) };
    }
    const a = this.shared;
    a.known.fill(0, 0, count + 1);
    return {
      recs: a.recs.subarray(0, REC * count), order: a.order.subarray(0, count), known: a.known.subarray(0, count + 1),
      keys: a.keys.subarray(0, 2 * count + 2), links: a.links.subarray(0, 4 * count + 4),
    };
  }

  /** A bit a slot, all clear between uses (kept, so that a level does not allocate one). */
  private drop: Uint32Array | undefined;

  private dropBitmap(table: SeenTable): Uint32Array {
    if (!this.drop || this.drop.length !== table.markWordCount) this.drop = new Uint32Array(table.markWordCount);
    return this.drop;
  }

  /**
   * Empties the table and puts back the states `keep` says (0: drop, 1: keep as a candidate of this level, with its
   * mark and its parent, 2: keep as a state of the level being expanded, marked in the other half); remaps the
   * frontier chunks.
   */
  private rebuild(table: SeenTable, markHalf: number, chunkLists: Chunk[][], fixedWidth: number, keep: (slot: number) => number): void {
    const cap = table.capacity;
    const kinds = new Uint8Array(cap);
    let n = 0;
    for (let s = 0; s < cap; s++) if (table.low(s) !== 0 && (kinds[s] = keep(s)) !== 0) n++;
    const saved = new Int32Array(4 * n);
    let i = 0;
    for (let s = 0; s < cap; s++) {
      if (kinds[s] === 0) continue;
      saved[4 * i] = table.high(s);
      saved[4 * i + 1] = table.low(s);
      saved[4 * i + 2] = kinds[s] === 1 ? table.parentOf(s) : -1;
      saved[4 * i + 3] = s;
      i++;
    }
    const moved = this.movedFor(table);
    table.clear();
    for (let j = 0; j < n; j++) {
      const slot = table.insert(saved[4 * j]!, saved[4 * j + 1]!, -1, -1);
      moved[saved[4 * j + 3]!] = slot;
      // The marks say which kind a state is: the next purge and the end of the level read them.
      table.mark(slot, kinds[saved[4 * j + 3]!] === 1 ? markHalf : markHalf ^ 1);
    }
    table.flush();
    for (let j = 0; j < n; j++) {
      const p = saved[4 * j + 2]!;
      table.setParent(moved[saved[4 * j + 3]!]!, p >= 0 ? moved[p]! : -1);
    }
    for (const list of chunkLists) for (const c of list) filterChunk(c, fixedWidth, moved);
  }

  private checkRoom(table: SeenTable, what: string, force = false): void {
    if (force || table.size >= table.growAt) {
      throw new MemoryBudgetError(`memory budget exhausted even with the fingerprints on disk: ${what} (${table.size.toLocaleString('en-US')}) `
        + `fill the fingerprint table of ${formatBytes(table.bytes)} (--memory): the budget must hold the widest BFS level`);
    }
  }
}
