/**
 * The distinct states a simulation has seen: 64-bit fingerprints in the seen-table of the exhaustive search
 * (checker/store/seen-table.ts), shared by every thread of the run (a SharedArrayBuffer), so the count is the size
 * of the union of what every walk visited, whoever walked it. A JS Set would not do: it stops at 2^24 entries and
 * costs ~40 bytes an entry; this table costs 12.25 bytes a slot and is lock-free.
 *
 * A walker never waits for the table to grow in the middle of a behaviour: a fingerprint that finds the table past
 * its hard limit is kept in a local overflow list, and between behaviours the walker asks for growth (the
 * coordinator rehashes while every walker is paused, checker/run/simulate.ts) and then inserts its overflow. When
 * the memory budget allows no growth, counting stops (`capped`): the count is then a lower bound, said so in the
 * output, and the walks go on.
 */
import { SeenTable, TABLE_FULL } from '../store/seen-table.ts';

export class DistinctStates {
  /** Fingerprints (high, low pairs) refused by a full table, inserted after the next growth. */
  private overflow: number[] = [];
  capped = false;

  constructor(public table: SeenTable) {}

  add(high: number, low: number): void {
    if (this.capped) return;
    if (this.table.insert(high, low, -1, -1) === TABLE_FULL) this.overflow.push(high, low);
  }

  /** Whether the table should grow before the next behaviour (this walker's view; other walkers' inserts count). */
  get wantsGrowth(): boolean {
    return !this.capped && (this.overflow.length > 0 || this.table.size >= this.table.growAt);
  }

  /** After growth (a new table over the shared buffers) or when growth is refused (`table` undefined). */
  retable(table: SeenTable | undefined): void {
    if (!table) { this.capped = true; this.overflow = []; return; }
    this.table = table;
    const o = this.overflow;
    this.overflow = [];
    for (let i = 0; i < o.length; i += 2) this.add(o[i]!, o[i + 1]!);
  }

  /** Publishes this thread's pending count (the table batches its size updates). */
  flush(): void { this.table.flush(); }
}
