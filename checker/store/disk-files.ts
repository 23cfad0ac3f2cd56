/**
 * Writing and reading the spill folder's files, with every failure turned into a DiskError (a full or unwritable
 * disk is the user's problem to fix, not a crash). All writes of the disk store and of checkpoints go through
 * `DiskIo`, so that a test can make the disk "fill up" after a given number of bytes (`limitBytes`) without a
 * real tmpfs.
 */
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { DiskError } from '../errors.ts';

/** Bytes of the buffer a file is written through. */
const WRITE_BUFFER = 1 << 20;

export function diskFailure(what: string, e: unknown): DiskError {
  if (e instanceof DiskError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EROFS' ? 'the file system is read-only' : code === 'EDQUOT' ? 'the disk quota is exceeded' : (e as Error).message;
  return new DiskError(`${what}: ${why}${code ? ` (${code})` : ''}`);
}

export class DiskIo {
  written = 0;
  constructor(readonly limitBytes = Infinity) {}

  /** Counts `bytes` about to be written; past the (testing) limit, fails as a full disk does. */
  charge(bytes: number, file: string): void {
    if (this.written + bytes > this.limitBytes) {
      const e = Object.assign(new Error('no space left on device (simulated: the testing write limit was reached)'), { code: 'ENOSPC' });
      throw diskFailure(`cannot write ${file}`, e);
    }
    this.written += bytes;
  }
}

/** An append-only file written through a buffer, hashed (SHA-256) as it is written. */
export class FileWriter {
  private fd: number;
  private readonly buf = Buffer.allocUnsafe(WRITE_BUFFER);
  private used = 0;
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(readonly path: string, private readonly io: DiskIo) {
    try {
      this.fd = openSync(path, 'w');
    } catch (e) {
      throw diskFailure(`cannot create ${path}`, e);
    }
  }

  /** Appends the bytes of a typed array's range. */
  write(view: ArrayBufferView): void {
    let src = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    while (src.length > 0) {
      const n = Math.min(src.length, WRITE_BUFFER - this.used);
      src.copy(this.buf, this.used, 0, n);
      this.used += n;
      src = src.subarray(n);
      if (this.used === WRITE_BUFFER) this.drain();
    }
  }

  private drain(): void {
    if (this.used === 0) return;
    try {
      this.io.charge(this.used, this.path);
      let off = 0;
      while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    } catch (e) {
      this.abandon();
      throw diskFailure(`cannot write ${this.path}`, e);
    }
    this.hash.update(this.buf.subarray(0, this.used));
    this.bytes += this.used;
    this.used = 0;
  }

  private abandon(): void {
    try { closeSync(this.fd); } catch { /* already failing */ }
    this.fd = -1;
  }

  /** Flushes, syncs to the disk, closes; returns the size and SHA-256 of what was written. */
  close(sync = true): { bytes: number; sha256: string } {
    this.drain();
    try {
      if (sync) fsyncSync(this.fd);
      closeSync(this.fd);
    } catch (e) {
      throw diskFailure(`cannot write ${this.path}`, e);
    }
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/** Reads a file block by block into a caller-owned buffer. */
export class FileReader {
  private readonly fd: number;
  private pos = 0;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw diskFailure(`cannot read ${path}`, e);
    }
  }

  /** Fills `into` from the current position (whole 8-byte units); returns the bytes read (0 at the end). */
  read(into: Uint8Array): number {
    let got = 0;
    try {
      while (got < into.length) {
        const n = readSync(this.fd, into, got, into.length - got, this.pos + got);
        if (n === 0) break;
        got += n;
      }
    } catch (e) {
      throw diskFailure(`cannot read ${this.path}`, e);
    }
    this.pos += got;
    return got;
  }

  /** Moves the position of the next `read` to byte `position`. */
  moveTo(position: number): void { this.pos = position; }

  /** Reads `into.length` bytes at `position`. */
  readAt(into: Uint8Array, position: number): number {
    try {
      return readSync(this.fd, into, 0, into.length, position);
    } catch (e) {
      throw diskFailure(`cannot read ${this.path}`, e);
    }
  }

  close(): void { closeSync(this.fd); }
}
