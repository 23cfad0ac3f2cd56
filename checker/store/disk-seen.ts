/**
 * The fingerprints and parent links of a search that outgrew its memory budget, on disk (docs/design.md, "Past
 * RAM"). Level-synchronous BFS is the shape disk-based checking wants (Stern & Dill's disk-based Murφ): the
 * in-memory seen-table then holds only the level being expanded and the candidates it finds, and once per level the
 * candidates, sorted, are checked against every fingerprint seen before in one sequential pass over the runs.
 *
 * Files in the spill folder, all append-only and never rewritten:
 *
 *     run-N.fp      a sorted run of 64-bit fingerprints (little-endian u64, high word most significant)
 *     links-N.pl    the parent links of the states a level added, sorted by fingerprint: 16-byte records
 *                   [fp low, fp high, parent low, parent high] (u32 each); parent 0/0 for an initial state
 *
 * Runs are compacted as they accumulate, LSM-style: a new run is merged with the previous one while that one is
 * at most twice its size, so there are O(log n) runs and each fingerprint is rewritten O(log n) times. Link files are
 * kept one per level (a trace walks them backwards, one binary search per step).
 */
import { existsSync, mkdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ParentLinks } from './types.ts';
import { diskFailure, DiskIo, FileReader, FileWriter } from './disk-files.ts';
import { RunCursor } from './disk-merge.ts';

/** Fingerprints per block written by a merge (2 MiB). */
const BLOCK = 1 << 18;

export interface StoredFile { readonly name: string; readonly count: number; readonly bytes: number; readonly sha256: string }

export class DiskSeenStore {
  runs: StoredFile[] = [];
  links: StoredFile[] = [];
  private nextId = 0;

  constructor(readonly dir: string, readonly io: DiskIo, private readonly removeAtEnd: boolean) {}

  /** Opens (creates) the spill folder. */
  static open(dir: string, io: DiskIo, removeAtEnd: boolean): DiskSeenStore {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw diskFailure(`cannot create the spill folder ${dir}`, e);
    }
    return new DiskSeenStore(dir, io, removeAtEnd);
  }

  /** States on disk (every run together). */
  get states(): number { return this.runs.reduce((n, r) => n + r.count, 0); }
  get bytes(): number { return this.runs.reduce((n, r) => n + r.bytes, 0) + this.links.reduce((n, r) => n + r.bytes, 0); }

  path(name: string): string { return join(this.dir, name); }

  /** The runs as the per-level merge reads them (checker/store/disk-merge.ts), possibly from worker threads. */
  runFiles(): { path: string; count: number }[] { return this.runs.map((r) => ({ path: this.path(r.name), count: r.count })); }

  /**
   * Adds a level's new states: their sorted fingerprints (u32 pairs) become a run, and their parent links
   * (`links`: 4 u32 a state, same order) a link file. Then compacts the runs.
   */
  addLevel(keys: Uint32Array, links: Uint32Array, count: number): void {
    if (count === 0) return;
    const id = this.nextId++;
    this.runs.push(this.writeFile(`run-${id}.fp`, keys.subarray(0, 2 * count), count));
    this.links.push(this.writeFile(`links-${id}.pl`, links.subarray(0, 4 * count), count));
    while (this.runs.length >= 2 && this.runs[this.runs.length - 2]!.count <= 2 * this.runs[this.runs.length - 1]!.count) {
      const b = this.runs.pop()!;
      const a = this.runs.pop()!;
      this.runs.push(this.merge(a, b));
    }
  }

  private writeFile(name: string, data: Uint32Array, count: number): StoredFile {
    const w = new FileWriter(this.path(name), this.io);
    w.write(data);
    const { bytes, sha256 } = w.close(false);
    return { name, count, bytes, sha256 };
  }

  /** Merges two runs (disjoint: a fingerprint is added once) into a new one; removes the old names. */
  private merge(a: StoredFile, b: StoredFile): StoredFile {
    const name = `run-${this.nextId++}.fp`;
    const w = new FileWriter(this.path(name), this.io);
    const out = new Uint32Array(2 * BLOCK);
    let k = 0;
    const ca = new RunCursor(this.path(a.name));
    const cb = new RunCursor(this.path(b.name));
    for (;;) {
      let c: RunCursor;
      if (ca.done && cb.done) break;
      if (ca.done) c = cb;
      else if (cb.done) c = ca;
      else c = ca.high < cb.high || (ca.high === cb.high && ca.low < cb.low) ? ca : cb;
      out[2 * k] = c.low;
      out[2 * k + 1] = c.high;
      c.next();
      if (++k === BLOCK) { w.write(out); k = 0; }
    }
    w.write(out.subarray(0, 2 * k));
    const { bytes, sha256 } = w.close(false);
    for (const old of [a, b]) unlinkSync(this.path(old.name));
    return { name, count: a.count + b.count, bytes, sha256 };
  }

  /** The files a checkpoint must keep (all of them immutable, so a hard link is a copy). */
  files(): StoredFile[] { return [...this.runs, ...this.links]; }

  /** Restores the lists (from a checkpoint whose files were linked back into this folder). */
  restore(runs: StoredFile[], links: StoredFile[], nextId: number): void {
    this.runs = runs;
    this.links = links;
    this.nextId = nextId;
  }

  get idCounter(): number { return this.nextId; }

  parents(): DiskParentLinks { return new DiskParentLinks(this); }

  /** Removes the folder at the end of the run (only a folder the store made itself). */
  close(): void {
    if (this.removeAtEnd && existsSync(this.dir) && statSync(this.dir).isDirectory()) rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The parent links on disk, behind the interface trace rebuilding uses. Slots are handed out as states are looked
 * up (an index into `found`); a walk back searches the link file of the level before the one the state was in
 * first, so a trace costs one binary search a step.
 */
export class DiskParentLinks implements ParentLinks {
  private readonly found: number[] = [];
  private readonly rec = new Uint8Array(16);
  private readonly recU = new Uint32Array(this.rec.buffer);

  constructor(private readonly store: DiskSeenStore) {}

  /** Finds a fingerprint's link record: the file index and the parent's (high, low), or undefined. */
  private find(high: number, low: number, hint: number): { file: number; ph: number; pl: number } | undefined {
    const files = this.store.links;
    const h = high >>> 0, l = low >>> 0;
    const order = [hint, ...files.keys()].filter((i, k, all) => i >= 0 && i < files.length && all.indexOf(i) === k);
    for (const f of order) {
      const file = files[f]!;
      const r = new FileReader(this.store.path(file.name));
      try {
        let lo = 0, hi = file.count - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          r.readAt(this.rec, mid * 16);
          const mh = this.recU[1]!, ml = this.recU[0]!;
          if (mh === h && ml === l) return { file: f, ph: this.recU[3]! | 0, pl: this.recU[2]! | 0 };
          if (mh < h || (mh === h && ml < l)) lo = mid + 1; else hi = mid - 1;
        }
      } finally {
        r.close();
      }
    }
    return undefined;
  }

  /** One id per fingerprint, so that callers can memoise by slot (the fewest-switch search does). */
  private readonly ids = new Map<string, number>();

  private id(high: number, low: number): number {
    const key = `${high | 0}/${low | 0}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      this.found.push(high | 0, low | 0);
      id = this.found.length / 2 - 1;
      this.ids.set(key, id);
    }
    return id;
  }

  parent(slot: number): number {
    const r = this.find(this.high(slot), this.low(slot), this.store.links.length - 1);
    return !r || (r.ph === 0 && r.pl === 0) ? -1 : this.id(r.ph, r.pl);
  }

  lookup(high: number, low: number): number {
    return this.find(high, low, this.store.links.length - 1) ? this.id(high, low) : -1;
  }

  high(slot: number): number { return this.found[2 * slot]!; }
  low(slot: number): number { return this.found[2 * slot + 1]!; }

  pathTo(slot: number): number[] {
    const path = [slot];
    let h = this.high(slot), l = this.low(slot);
    let hint = this.store.links.length - 1;
    for (;;) {
      const r = this.find(h, l, hint);
      if (!r || (r.ph === 0 && r.pl === 0)) break;
      h = r.ph; l = r.pl;
      hint = r.file - 1;
      path.push(this.id(h, l));
    }
    return path.reverse();
  }
}
