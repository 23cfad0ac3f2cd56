/**
 * Checkpoints of a breadth-first search, taken at level boundaries (docs/design.md, "Checkpoints").
 *
 *     DIR/checkpoint.json      the manifest: format, spec identity, counters, and every file with size and SHA-256
 *     DIR/gen-N/               the files of generation N: table.bin (seen-table entries), marks.bin, frontier.bin,
 *                              records.bin (behaviour-graph records), and hard links to the spill folder's runs
 *
 * Writing: the files of generation N+1 go into gen-(N+1)/ and are synced; the manifest is written to
 * checkpoint.json.tmp, synced and renamed over checkpoint.json (atomic on POSIX file systems); only then is gen-N
 * removed. A crash at any point leaves checkpoint.json naming a complete generation. Reading checks the manifest's
 * format, the spec's identity (the source's hash and the model's constants and options) and every file's size and
 * hash before anything is used, and refuses with the reason otherwise.
 */
import { copyFileSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CheckerError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { DiskIo, diskFailure, FileWriter } from './disk-files.ts';
import type { StoredFile } from './disk-seen.ts';

export const CHECKPOINT_FORMAT = 'tlats-checkpoint/1';
const MANIFEST = 'checkpoint.json';

/** A checkpoint that cannot be used: missing, corrupt, truncated, or of another spec or model. */
export class CheckpointError extends CheckerError {
  constructor(message: string) { super(message, ExitCode.usage); }
}

/** What must match for a checkpoint to be resumed. */
export interface CheckpointIdentity {
  readonly specFile: string;
  readonly specSha256: string;
  readonly specName: string;
  /** The model's constants and options, as JSON. */
  readonly model: string;
}

export interface CheckpointFile { readonly name: string; readonly bytes: number; readonly sha256: string }

export interface Manifest {
  readonly format: string;
  readonly generation: number;
  readonly written: string;
  readonly identity: CheckpointIdentity;
  /** The search's counters and lists (./../search/bfs.ts `Snapshot`). */
  readonly search: Record<string, unknown>;
  readonly files: CheckpointFile[];
}

export function specIdentity(specFile: string, specName: string, model: unknown): CheckpointIdentity {
  const source = readFileSync(specFile);
  return { specFile, specSha256: createHash('sha256').update(source).digest('hex'), specName, model: JSON.stringify(model) };
}

/** Arrays written as one file each; Int32Array chunks are written as [words, ...words] one after the other. */
export interface CheckpointData {
  readonly arrays: Record<string, Int32Array>;
  readonly chunkLists: Record<string, readonly Int32Array[]>;
  /** Spill files to link in (immutable: a hard link is a copy). */
  readonly spillDir?: string;
  readonly spillFiles?: readonly StoredFile[];
}

export function writeCheckpoint(dir: string, identity: CheckpointIdentity, search: Record<string, unknown>, data: CheckpointData, io: DiskIo): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw diskFailure(`cannot create the checkpoint folder ${dir}`, e);
  }
  const previous = readManifestIfAny(dir);
  const generation = (previous?.generation ?? 0) + 1;
  const gen = join(dir, `gen-${generation}`);
  rmSync(gen, { recursive: true, force: true });
  try {
    mkdirSync(gen);
  } catch (e) {
    throw diskFailure(`cannot write the checkpoint in ${dir}`, e);
  }
  const files: CheckpointFile[] = [];
  for (const [name, array] of Object.entries(data.arrays)) {
    const w = new FileWriter(join(gen, `${name}.bin`), io);
    w.write(array);
    files.push({ name: `${name}.bin`, ...w.close() });
  }
  for (const [name, list] of Object.entries(data.chunkLists)) {
    const w = new FileWriter(join(gen, `${name}.bin`), io);
    for (const c of list) {
      const used = c[0]!;
      w.write(Int32Array.of(c.length, used));
      w.write(c.subarray(0, used));
    }
    files.push({ name: `${name}.bin`, ...w.close() });
  }
  for (const f of data.spillFiles ?? []) {
    const to = join(gen, f.name);
    try {
      try { linkSync(join(data.spillDir!, f.name), to); } catch { io.charge(f.bytes, to); copyFileSync(join(data.spillDir!, f.name), to); }
    } catch (e) {
      throw diskFailure(`cannot write ${to}`, e);
    }
    files.push({ name: f.name, bytes: f.bytes, sha256: f.sha256 });
  }
  const manifest: Manifest = { format: CHECKPOINT_FORMAT, generation, written: new Date().toISOString(), identity, search, files };
  const tmp = join(dir, `${MANIFEST}.tmp`);
  try {
    const text = `${JSON.stringify(manifest, null, 1)}\n`;
    io.charge(text.length, tmp);
    writeFileSync(tmp, text);
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(dir, MANIFEST));
    const d = openSync(dir, 'r');
    try { fsyncSync(d); } catch { /* not every file system syncs folders */ }
    closeSync(d);
  } catch (e) {
    throw diskFailure(`cannot write the checkpoint manifest ${join(dir, MANIFEST)}`, e);
  }
  for (const old of readdirSync(dir)) if (/^gen-\d+$/.test(old) && old !== `gen-${generation}`) rmSync(join(dir, old), { recursive: true, force: true });
}

function readManifestIfAny(dir: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Manifest;
    return typeof m.generation === 'number' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The manifest of a checkpoint folder, checked whole (every file present, of its size and hash). */
export function readCheckpoint(dir: string): { manifest: Manifest; gen: string } {
  const where = `--resume ${dir}`;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CheckpointError(`${where}: no such folder`);
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) throw new CheckpointError(`${where}: no checkpoint there (no ${MANIFEST}; a run writes one with --checkpoint DIR)`);
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new CheckpointError(`${where}: the checkpoint manifest ${path} is corrupt (${(e as Error).message}); the checkpoint cannot be used`);
  }
  if (m === null || typeof m !== 'object' || m.format !== CHECKPOINT_FORMAT || typeof m.generation !== 'number' || !Array.isArray(m.files) || !m.identity || !m.search) {
    throw new CheckpointError(`${where}: ${path} is not a tlats checkpoint manifest of format ${CHECKPOINT_FORMAT}`);
  }
  const gen = join(dir, `gen-${m.generation}`);
  for (const f of m.files) {
    const file = join(gen, f.name);
    if (!existsSync(file)) throw new CheckpointError(`${where}: the checkpoint is incomplete: ${file} is missing`);
    const bytes = statSync(file).size;
    if (bytes !== f.bytes) throw new CheckpointError(`${where}: the checkpoint is truncated or corrupt: ${file} has ${bytes} bytes, the manifest says ${f.bytes}`);
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (sha !== f.sha256) throw new CheckpointError(`${where}: the checkpoint is corrupt: ${file} does not have the content the manifest records (SHA-256 differs)`);
  }
  return { manifest: m, gen };
}

/** Refuses a checkpoint of another spec, another version of its source, or other constants or options. */
export function checkIdentity(dir: string, saved: CheckpointIdentity, now: CheckpointIdentity): void {
  const where = `--resume ${dir}`;
  if (saved.specName !== now.specName) throw new CheckpointError(`${where}: the checkpoint is of spec ${saved.specName} (${saved.specFile}), not ${now.specName}`);
  if (saved.specSha256 !== now.specSha256) {
    throw new CheckpointError(`${where}: the spec's source changed since the checkpoint was written (${now.specFile} differs from the file checked then): its states may not be the same; start afresh`);
  }
  if (saved.model !== now.model) {
    throw new CheckpointError(`${where}: the constants or options differ from the checkpoint's (then ${saved.model}, now ${now.model}); resume with the same --config, --const, --invariant, --property and --deadlock`);
  }
}

export function readArray(gen: string, name: string, shared: boolean): Int32Array {
  const b = readFileSync(join(gen, `${name}.bin`));
  const out = new Int32Array(shared ? new SharedArrayBuffer(b.length) : new ArrayBuffer(b.length));
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function readChunks(gen: string, name: string, shared: boolean): Int32Array[] {
  const all = readArray(gen, name, false);
  const out: Int32Array[] = [];
  for (let p = 0; p < all.length;) {
    const length = all[p]!, used = all[p + 1]!;
    const c = new Int32Array(shared ? new SharedArrayBuffer(length * 4) : new ArrayBuffer(length * 4));
    c.set(all.subarray(p + 2, p + 2 + used));
    out.push(c);
    p += 2 + used;
  }
  return out;
}

/** Links (or copies) the checkpoint's spill files into a fresh spill folder. */
export function restoreSpillFiles(gen: string, files: readonly StoredFile[], into: string): void {
  for (const f of files) {
    try {
      try { linkSync(join(gen, f.name), join(into, f.name)); } catch { copyFileSync(join(gen, f.name), join(into, f.name)); }
    } catch (e) {
      throw diskFailure(`cannot restore ${f.name} into the spill folder ${into}`, e);
    }
  }
}
