/**
 * The store's interfaces: what the search asks of the seen-set and what trace rebuilding asks of the parent links.
 * The in-memory implementation of both is `SeenTable` (./seen-table.ts), the frontier is `ChunkWriter` and its
 * chunks (./frontier.ts). A disk-backed seen-set, or the edge store of a liveness check, sits beside them behind the
 * same shapes.
 *
 * States are named by a *slot*: a number the store gives each stored state, stable until the store says otherwise
 * (a rehash returns the old-to-new map). Fingerprints are two int32 halves (high, low).
 */

/** The set of fingerprints seen, each stored with a parent link. */
export interface FingerprintSet {
  /** States stored (exact once every thread has flushed). */
  readonly size: number;
  /** Stores the fingerprint if new: its new slot; else -1 - (its slot); or TABLE_FULL. */
  insert(high: number, low: number, parent: number, markHalf: number, home?: number): number;
  /** The slot of a fingerprint, or -1. */
  lookup(high: number, low: number): number;
  /** Adds this thread's pending inserts to the shared count. */
  flush(): void;
}

/** The parent links, as trace rebuilding walks them. */
export interface ParentLinks {
  /** The slot of a fingerprint, or -1. */
  lookup(high: number, low: number): number;
  high(slot: number): number;
  low(slot: number): number;
  /** The slots from an initial state to `slot`, in behaviour order. */
  pathTo(slot: number): number[];
  /** The slot `slot` was reached from, or -1 for an initial state. */
  parent(slot: number): number;
  /**
   * True when only some chains are kept (checker/store/frozen-links.ts): enough to replay a known trace, not to
   * search among all the shortest ones (checker/search/fewest-switches.ts).
   */
  readonly partial?: boolean;
}
