/**
 * The BFS frontier as chunks: fixed-size blocks of Int32 words, in SharedArrayBuffers when workers share them.
 * Word 0 of a chunk is the number of words used, word 1 the number of states; then entries, each the state's
 * seen-table slot and fingerprint (high, low) followed by its encoding (with a variable-width codec, the word
 * count sits between them). The fingerprint is kept here so that expanding a state does not have to read it back
 * from a random place in the big seen-table (a cache miss per state).
 * A level is a list of chunks; workers claim whole chunks from a shared counter. No per-state objects.
 */
export const CHUNK_WORDS = 1 << 16;
const HEADER = 2;

export function newChunk(shared: boolean, minWords = CHUNK_WORDS): Int32Array {
  const words = Math.max(CHUNK_WORDS, minWords + HEADER);
  const chunk = new Int32Array(shared ? new SharedArrayBuffer(words * 4) : new ArrayBuffer(words * 4));
  chunk[0] = HEADER;
  return chunk;
}

export function chunkStates(chunk: Int32Array): number { return chunk[1]!; }

/** Appends states to a growing list of chunks. */
export class ChunkWriter {
  chunks: Int32Array[] = [];
  /**
   * Chunks of levels already expanded, to be written again: without reuse, every level's chunks would stay
   * allocated until a garbage collection in every thread that saw them, and a thread that is mostly idle (the
   * coordinator) rarely collects.
   */
  readonly spares: Int32Array[] = [];
  private cur: Int32Array | undefined;
  states = 0;

  constructor(private readonly fixedWidth: number, private readonly shared: boolean) {}

  push(slot: number, high: number, low: number, words: Int32Array, from: number, n: number): void {
    const need = n + (this.fixedWidth < 0 ? 4 : 3);
    let c = this.cur;
    if (c === undefined || c[0]! + need > c.length) {
      const spare = this.spares.pop();
      if (spare !== undefined && spare.length >= need + HEADER) {
        spare[0] = HEADER;
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
    this.states++;
  }

  /** Hands over the chunks written so far and starts afresh. */
  take(): Int32Array[] {
    const out = this.chunks;
    this.chunks = [];
    this.cur = undefined;
    this.states = 0;
    return out;
  }
}

/** Rewrites the slots stored in chunks after the seen-table was rehashed. */
export function remapChunk(chunk: Int32Array, fixedWidth: number, moved: Int32Array): void {
  const end = chunk[0]!;
  for (let p = HEADER; p < end;) {
    chunk[p] = moved[chunk[p]!]!;
    p += fixedWidth < 0 ? 4 + chunk[p + 3]! : 3 + fixedWidth;
  }
}

export const CHUNK_HEADER = HEADER;

/** Parts a chunk of fixed-width entries is cut into when workers claim work. */
export const PIECES = 8;

/**
 * The word range [start, end) of piece `piece` of `pieces` of a chunk whose entries are `entryWords` long (whole
 * entries; with one piece, the whole chunk).
 */
export function pieceBounds(chunk: Int32Array, piece: number, pieces: number, entryWords: number): [number, number] {
  const used = chunk[0]!;
  if (pieces === 1) return [HEADER, used];
  const states = chunk[1]!;
  const per = Math.ceil(states / pieces);
  const start = HEADER + Math.min(states, piece * per) * entryWords;
  const end = Math.min(used, HEADER + Math.min(states, (piece + 1) * per) * entryWords);
  return [start, end];
}
