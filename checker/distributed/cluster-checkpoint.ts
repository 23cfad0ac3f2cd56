/**
 * The checkpoint of a distributed run (`--nats … --checkpoint DIR`), written by the coordinator from the parts its
 * nodes stream to it at a level boundary (docs/design.md, "Many machines", "Checkpoints and recovery").
 *
 *     DIR/checkpoint.json      the manifest of checker/store/checkpoint.ts (same format, read by the same reader):
 *                              the spec's identity, the coordinator's counters under `search`, with `search.nats`
 *                              naming the node count, and every file with its size and SHA-256
 *     DIR/gen-N/owned-I.bin    partition I's owned set (a node with N threads has N partitions): 5 int32 words a state (high, low, parent high, parent low, depth)
 *     DIR/gen-N/frontier-I.bin node I's part of the next frontier: its chunks, each as [length, used, ...used words]
 *                              (the layout of the one-machine checkpoint's frontier.bin, read by readChunks)
 *
 * The files of generation N+1 are written into gen-(N+1)/ as the parts arrive, each synced when closed; the
 * manifest goes last, written to checkpoint.json.tmp, synced and renamed over checkpoint.json; only then is gen-N
 * removed. So a coordinator killed in the middle leaves checkpoint.json naming a complete generation, exactly as
 * the one-machine writer does (its rename-last code is repeated here rather than reshaped, since the one-machine
 * writer takes whole arrays in memory and this one streams).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_FORMAT, CheckpointError, type CheckpointFile, type CheckpointIdentity, type Manifest } from '../store/checkpoint.ts';
import { DiskIo, diskFailure, FileWriter } from '../store/disk-files.ts';

const MANIFEST = 'checkpoint.json';

/** What a distributed checkpoint's manifest keeps under `search`. */
export interface ClusterSnapshot {
  /**
   * K, the partitions (the sum of the nodes' threads; absent: K) and the spec's path as the first coordinator was
   * given it (what `--resume` sends the nodes by default).
   */
  readonly nats: { readonly nodes: number; readonly partitions?: number; readonly specPath?: string };
  readonly depth: number;
  readonly queue: number;
  readonly generated: number;
  readonly distinct: number;
  readonly seconds: number;
  readonly initialGenerated: number;
  readonly initialDistinct: number;
  readonly coverage: number[];
  readonly reported: number[];
  readonly violations: unknown[];
  readonly wireBytes: number;
  readonly messages: number;
  /** Per node: the states of its owned set and of its frontier part (checked again when a node is restored). */
  readonly parts: { readonly owned: number; readonly frontier: number }[];
  /** Payload bytes the nodes sent to the coordinator for this checkpoint. */
  readonly checkpointBytes: number;
}

export const ownedFile = (i: number) => `owned-${i}`;
export const frontierFile = (i: number) => `frontier-${i}`;

/** One generation being written: a file per node and kind, opened on first use, appended to as parts arrive. */
export class ClusterCheckpointWriter {
  readonly generation: number;
  private readonly gen: string;
  private readonly open = new Map<string, FileWriter>();

  constructor(private readonly dir: string, private readonly io: DiskIo, nodes: number) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw diskFailure(`cannot create the checkpoint folder ${dir}`, e);
    }
    let previous = 0;
    try {
      const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { generation?: unknown };
      if (typeof m.generation === 'number') previous = m.generation;
    } catch { /* none yet, or unreadable: this one replaces it */ }
    this.generation = previous + 1;
    this.gen = join(dir, `gen-${this.generation}`);
    rmSync(this.gen, { recursive: true, force: true });
    try {
      mkdirSync(this.gen);
    } catch (e) {
      throw diskFailure(`cannot write the checkpoint in ${dir}`, e);
    }
    // Every node has both files, empty or not, so the manifest always names 2K files.
    for (let i = 0; i < nodes; i++) { this.file(ownedFile(i)); this.file(frontierFile(i)); }
  }

  private file(name: string): FileWriter {
    let w = this.open.get(name);
    if (!w) { w = new FileWriter(join(this.gen, `${name}.bin`), this.io); this.open.set(name, w); }
    return w;
  }

  /** Appends owned-set entries (5 words each) of node `i`. */
  owned(i: number, entries: Int32Array): void { this.file(ownedFile(i)).write(entries); }

  /** Appends one frontier chunk of node `i`: its allocated length, then its used words. */
  frontier(i: number, length: number, used: Int32Array): void {
    const w = this.file(frontierFile(i));
    w.write(Int32Array.of(length, used.length));
    w.write(used);
  }

  /** Closes (syncs) every file, then writes the manifest and renames it into place; then drops older generations. */
  commit(identity: CheckpointIdentity, search: ClusterSnapshot): void {
    const files: CheckpointFile[] = [];
    for (const [name, w] of [...this.open.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      files.push({ name: `${name}.bin`, ...w.close() });
      this.open.delete(name);
    }
    const manifest: Manifest = {
      format: CHECKPOINT_FORMAT, generation: this.generation, written: new Date().toISOString(), identity,
      search: search as unknown as Record<string, unknown>, files,
    };
    const tmp = join(this.dir, `${MANIFEST}.tmp`);
    try {
      const text = `${JSON.stringify(manifest, null, 1)}\n`;
      this.io.charge(text.length, tmp);
      writeFileSync(tmp, text);
      const fd = openSync(tmp, 'r+');
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, join(this.dir, MANIFEST));
      const d = openSync(this.dir, 'r');
      try { fsyncSync(d); } catch { /* not every file system syncs folders */ }
      closeSync(d);
    } catch (e) {
      throw diskFailure(`cannot write the checkpoint manifest ${join(this.dir, MANIFEST)}`, e);
    }
    for (const old of readdirSync(this.dir)) if (/^gen-\d+$/.test(old) && old !== `gen-${this.generation}`) rmSync(join(this.dir, old), { recursive: true, force: true });
  }

  /** A checkpoint abandoned half-way (a node lost while streaming): its folder goes, the previous one stays valid. */
  abandon(): void {
    for (const w of this.open.values()) { try { w.close(false); } catch { /* going anyway */ } }
    this.open.clear();
    rmSync(this.gen, { recursive: true, force: true });
  }
}

/** The distributed part of a checkpoint's manifest, or a refusal saying what the checkpoint is instead. */
export function clusterSnapshotOf(dir: string, manifest: Manifest): ClusterSnapshot {
  const s = manifest.search as unknown as Partial<ClusterSnapshot>;
  if (!s.nats || typeof s.nats.nodes !== 'number' || !Array.isArray(s.parts) || s.parts.length !== (s.nats.partitions ?? s.nats.nodes)) {
    throw new CheckpointError(`--resume ${dir}: this checkpoint was written by a one-machine run: resume it without --nats`);
  }
  return s as ClusterSnapshot;
}
