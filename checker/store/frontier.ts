/**
 * The BFS frontier as chunks: fixed-size blocks of Int32 words, in SharedArrayBuffers when workers share them. A
 * level is a list of chunks; workers claim chunks (or, with fixed-width entries, eighths of chunks) from a shared
 * counter. No per-state objects.
 *
 * This module alone knows the layout. Word 0 of a chunk is the number of words used, word 1 the number of states;
 * then the entries, each
 *
 *     [seen-table slot, fingerprint high, fingerprint low, (word count, variable width only), encoding ...]
 *
 * The fingerprint is kept here so that expanding a state does not have to read it back from a random place in the
 * big seen-table (a cache miss per state). Writers append with `ChunkWriter`, readers walk entries with
 * `EntryCursor`, the seen-table's growth rewrites slots with `remapChunk`.
 */
export type Chunk = Int32Array;

export const CHUNK_WORDS = 1 << 16;
/** Words before the first entry: [words used, states]. */
export const CHUNK_HEADER = 2;

/** Words an entry takes before its encoding. */
function prefixWords(fixedWidth: number): number { return fixedWidth < 0 ? 4 : 3; }

/** Words a whole entry takes with a fixed-width codec. */
export function fixedEntryWords(fixedWidth: number): number { return fixedWidth + prefixWords(fixedWidth); }

export function newChunk(shared: boolean, minWords = CHUNK_WORDS): Chunk {
  const words = Math.max(CHUNK_WORDS, minWords + CHUNK_HEADER);
  const chunk = new Int32Array(shared ? new SharedArrayBuffer(words * 4) : new ArrayBuffer(words * 4));
  chunk[0] = CHUNK_HEADER;
  return chunk;
}

export function chunkStates(chunk: Chunk): number { return chunk[1]!; }

export function statesIn(chunks: readonly Chunk[]): number {
  let n = 0;
  for (const c of chunks) n += c[1]!;
  return n;
}

/** One entry of a chunk, read in place: the cursor is reused, so walking a level allocates nothing. */
export class EntryCursor {
  slot = 0;
  high = 0;
  low = 0;
  /** Where the encoding starts in the chunk, and its word count. */
  at = 0;
  length = 0;

  constructor(private readonly fixedWidth: number) {}

  /** The position of the first entry at or after `pos`. */
  static first(pos: number): number { return pos < CHUNK_HEADER ? CHUNK_HEADER : pos; }

  /** Reads the entry at `pos`; returns the position of the next one. */
  read(chunk: Chunk, pos: number): number {
    this.slot = chunk[pos]!;
    this.high = chunk[pos + 1]!;
    this.low = chunk[pos + 2]!;
    if (this.fixedWidth >= 0) {
      this.length = this.fixedWidth;
      this.at = pos + 3;
    } else {
      this.length = chunk[pos + 3]!;
      this.at = pos + 4;
    }
    return this.at + this.length;
  }
}

/** Appends states to a growing list of chunks. */
export class ChunkWriter {
  chunks: Chunk[] = [];
  /**
   * Chunks of levels already expanded, to be written again: without reuse, every level's chunks would stay
   * allocated until a garbage collection in every thread that saw them, and a thread that is mostly idle (the
   * coordinator) rarely collects.
   */
  readonly spares: Chunk[] = [];
  private cur: Chunk | undefined;

  constructor(private readonly fixedWidth: number, private readonly shared: boolean) {}

  /** Appends the state in seen-table slot `slot` with fingerprint (high, low) and encoding words[from, from+n). */
  push(slot: number, high: number, low: number, words: Int32Array, from: number, n: number): void {
    const need = n + prefixWords(this.fixedWidth);
    let c = this.cur;
    if (c === undefined || c[0]! + need > c.length) {
      const spare = this.spares.pop();
      if (spare !== undefined && spare.length >= need + CHUNK_HEADER) {
        spare[0] = CHUNK_HEADER;
        spare[1] = 0;
        c = spare;
      } else {
        c = newChunk(this.shared, need);
      }
      this.chunks.push(c);
      this.cur = c;
    }
    let p = c[0]!;
    c[p++] = slot;
    c[p++] = high;
    c[p++] = low;
    if (this.fixedWidth < 0) c[p++] = n;
    for (let i = 0; i < n; i++) c[p++] = words[from + i]!;
    c[0] = p;
    c[1]!++;
  }

  /** Hands over the chunks written so far and starts afresh. */
  take(): Chunk[] {
    const out = this.chunks;
    this.chunks = [];
    this.cur = undefined;
    return out;
  }
}

/** Rewrites the slots stored in a chunk after the seen-table was rehashed (`moved[old slot]` = new slot). */
export function remapChunk(chunk: Chunk, fixedWidth: number, moved: Int32Array): void {
  const cursor = new EntryCursor(fixedWidth);
  const end = chunk[0]!;
  for (let p = CHUNK_HEADER; p < end;) {
    const next = cursor.read(chunk, p);
    chunk[p] = moved[cursor.slot]!;
    p = next;
  }
}

/**
 * Keeps the entries of a chunk whose state is still stored (`moved[old slot]` >= 0), with their new slots, moving
 * them together in place (the disk store drops states found to be old: checker/search/spill.ts).
 */
export function filterChunk(chunk: Chunk, fixedWidth: number, moved: Int32Array): void {
  const cursor = new EntryCursor(fixedWidth);
  const end = chunk[0]!;
  let to = CHUNK_HEADER;
  let kept = 0;
  for (let p = CHUNK_HEADER; p < end;) {
    const next = cursor.read(chunk, p);
    const slot = moved[cursor.slot]!;
    if (slot >= 0) {
      if (to !== p) chunk.copyWithin(to, p, next);
      chunk[to] = slot;
      to += next - p;
      kept++;
    }
    p = next;
  }
  chunk[0] = to;
  chunk[1] = kept;
}

/**
 * Drops, in place, the entries of a chunk whose slot has its bit set in `drop` (one bit a slot); the others keep
 * their slots (the disk store's end of a level: states found to be old. checker/search/spill.ts). A bitmap rather
 * than a slot map, and entries moved word by word, because this runs over the whole next frontier every level.
 */
export function dropEntries(chunk: Chunk, fixedWidth: number, drop: Uint32Array): void {
  const cursor = new EntryCursor(fixedWidth);
  const end = chunk[0]!;
  let to = CHUNK_HEADER;
  let kept = 0;
  for (let p = CHUNK_HEADER; p < end;) {
    const next = cursor.read(chunk, p);
    const slot = cursor.slot;
    if ((drop[slot >>> 5]! & (1 << (slot & 31))) === 0) {
      if (to !== p) for (let w = p; w < next; w++) chunk[to + w - p] = chunk[w]!;
      to += next - p;
      kept++;
    }
    p = next;
  }
  chunk[0] = to;
  chunk[1] = kept;
}

/** Parts a chunk of fixed-width entries is cut into when workers claim work. */
export const PIECES = 8;

/** How many claimable units a level of `chunks` chunks has: eighths of chunks with fixed-width entries. */
export function piecesPerChunk(fixedWidth: number): number { return fixedWidth >= 0 ? PIECES : 1; }

/**
 * The word range [start, end) of piece `piece` of a chunk (whole entries; with variable-width entries, one piece:
 * the whole chunk).
 */
export function pieceBounds(chunk: Chunk, piece: number, fixedWidth: number): [number, number] {
  const used = chunk[0]!;
  const pieces = piecesPerChunk(fixedWidth);
  if (pieces === 1) return [CHUNK_HEADER, used];
  const entryWords = fixedEntryWords(fixedWidth);
  const states = chunk[1]!;
  const per = Math.ceil(states / pieces);
  const start = CHUNK_HEADER + Math.min(states, piece * per) * entryWords;
  const end = Math.min(used, CHUNK_HEADER + Math.min(states, (piece + 1) * per) * entryWords);
  return [start, end];
}

/** The number of entries between two positions of a chunk of fixed-width entries. */
export function entriesBetween(start: number, end: number, fixedWidth: number): number {
  return (end - start) / fixedEntryWords(fixedWidth);
}
