/**
 * The search past its memory budget: what the coordinator (./bfs.ts) does with the in-memory seen-table once the
 * fingerprints live on disk (checker/store/disk-seen.ts). docs/design.md, "Past RAM", has the whole argument.
 *
 * From the spill on, while level k is expanded the table holds the level's own states F_k (the parents: the
 * frontier chunks name them by slot) and the candidates the expansion inserts (marked in the level's mark bitmap).
 * A candidate that is not in the table may still be an older state: that is decided at the end of the level, by
 * sorting the candidates and merging them against the runs on disk. Nothing else changes: an old state met again is
 * dropped before anything depends on it being new (it is not expanded, and its invariants held when it was new),
 * and a new state's parent link is lowered within the level exactly as in memory, so counts, depth, parent links
 * and traces are those of an in-memory run.
 *
 * When the table fills in the middle of a level, the candidates are checked against the disk early (`purge`) and
 * the old ones dropped; the true new ones stay, with their marks, so that their parents can still be lowered.
 */
import { MemoryBudgetError } from '../errors.ts';
import { filterChunk, type Chunk } from '../store/frontier.ts';
import type { SeenTable } from '../store/seen-table.ts';
import { DiskSeenStore, sortFingerprints } from '../store/disk-seen.ts';
import { formatBytes } from '../units.ts';

export class Spill {
  /** How many of the table's states are the level being expanded (already on disk). */
  frontierInTable = 0;
  private moved: Int32Array | undefined;

  constructor(readonly store: DiskSeenStore) {}

  /** States stored so far: those on disk and the candidates of the level (some may turn out to be old). */
  distinct(table: SeenTable): number { return this.store.states + table.size - this.frontierInTable; }

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
    const cap = table.capacity;
    let n = 0;
    for (let s = 0; s < cap; s++) if (table.low(s) !== 0 && !table.isMarked(s, markHalf)) n++;
    const keys = new Uint32Array(2 * n + 2);
    let i = 0;
    for (let s = 0; s < cap; s++) {
      if (table.low(s) === 0 || table.isMarked(s, markHalf)) continue;
      keys[2 * i] = table.low(s);
      keys[2 * i + 1] = table.high(s);
      i++;
    }
    this.store.addLevel(...this.withLinks(table, keys, n, undefined));
    let frontier = 0;
    this.rebuild(table, markHalf, chunkLists, fixedWidth, (s) => {
      if (table.isMarked(s, markHalf)) return 1;
      if (table.isMarked(s, other)) { frontier++; return 2; }
      return 0;
    });
    this.frontierInTable = frontier;
    this.checkRoom(table, 'the states of the level being expanded and the new states it found so far');
  }

  /** The sorted fingerprints with their parent links (the parent's fingerprint, 0/0 for an initial state). */
  private withLinks(table: SeenTable, keys: Uint32Array, count: number, known: Uint8Array | undefined): [Uint32Array, Uint32Array, number] {
    sortFingerprints(keys, count);
    const links = new Uint32Array(4 * count + 4);
    let k = 0;
    for (let i = 0; i < count; i++) {
      if (known && known[i]) continue;
      const low = keys[2 * i]!, high = keys[2 * i + 1]!;
      const slot = table.lookup(high | 0, low | 0);
      const parent = table.parentOf(slot);
      keys[2 * k] = low;
      keys[2 * k + 1] = high;
      links[4 * k] = low;
      links[4 * k + 1] = high;
      links[4 * k + 2] = parent >= 0 ? table.low(parent) : 0;
      links[4 * k + 3] = parent >= 0 ? table.high(parent) : 0;
      k++;
    }
    return [keys, links, k];
  }

  /** The candidates of the level (marked in `markHalf`), sorted, and which of them the disk already holds. */
  private candidates(table: SeenTable, markHalf: number): { keys: Uint32Array; count: number; known: Uint8Array } {
    const cap = table.capacity;
    const count = table.size - this.frontierInTable;
    const keys = new Uint32Array(2 * count + 2);
    let i = 0;
    for (let s = 0; s < cap && i < count; s++) {
      if (table.low(s) === 0 || !table.isMarked(s, markHalf)) continue;
      keys[2 * i] = table.low(s);
      keys[2 * i + 1] = table.high(s);
      i++;
    }
    sortFingerprints(keys, i);
    const known = new Uint8Array(i + 1);
    this.store.markKnown(keys, i, known);
    return { keys, count: i, known };
  }

  /** Drops, in the middle of a level, the candidates that the disk already holds. */
  purge(table: SeenTable, markHalf: number, chunkLists: Chunk[][], fixedWidth: number): void {
    const before = table.size;
    const { keys, count, known } = this.candidates(table, markHalf);
    const drop = new Uint8Array(table.capacity);
    for (let i = 0; i < count; i++) if (known[i]) drop[table.lookup(keys[2 * i + 1]! | 0, keys[2 * i]! | 0)] = 1;
    this.rebuild(table, markHalf, chunkLists, fixedWidth, (s) => (drop[s] ? 0 : table.isMarked(s, markHalf) ? 1 : 2));
    // Each purge reads every run: insist that it frees a useful part of the table, or the level cannot be done.
    if (before - table.size < table.capacity / 16) this.checkRoom(table, 'the states of the level being expanded and its new states', true);
  }

  /**
   * The end of a level: its new states (the candidates the disk does not hold) go to disk as a run and a link
   * file, and become the whole table (the next level); the frontier chunks of the next level are filtered to them.
   * Returns how many there are.
   */
  endLevel(table: SeenTable, markHalf: number, chunkLists: Chunk[][], fixedWidth: number): number {
    const { keys, count, known } = this.candidates(table, markHalf);
    const [k, links, added] = this.withLinks(table, keys, count, known);
    this.store.addLevel(k, links, added);
    const keep = new Uint8Array(table.capacity);
    for (let i = 0; i < added; i++) keep[table.lookup(k[2 * i + 1]! | 0, k[2 * i]! | 0)] = 1;
    this.rebuild(table, markHalf, chunkLists, fixedWidth, (s) => (keep[s] ? 2 : 0));
    this.frontierInTable = added;
    return added;
  }

  /**
   * Empties the table and puts back the states `keep` says (0: drop, 1: keep as a candidate of this level, with its
   * mark and its parent, 2: keep as a state of the level being expanded); remaps the frontier chunks.
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
      if (kinds[saved[4 * j + 3]!] === 1) table.mark(slot, markHalf);
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
