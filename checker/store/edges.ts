/**
 * The behaviour graph's store while the search runs: each expander appends one record per state it expands,
 *
 *     [slot, successors k, node bits (nodeWords), k × (successor slot, edge bits (edgeWords))]
 *
 * to chunks of its own (Int32Arrays of RECORD_CHUNK_WORDS words, shared when workers write them; word 0 of a chunk
 * is the number of words used, published after each record). Slots are the seen-table's: when the table is
 * rehashed the coordinator rewrites them (`remapRecords`), as it does the frontier's. Once the search is complete,
 * `finishGraph` numbers the states densely in the order of their records and copies the records into the compressed
 * sparse rows of checker/liveness/graph.ts, releasing each chunk once it is copied.
 */
import { InternalError } from '../errors.ts';
import { BehaviourGraph } from '../liveness/graph.ts';

/** Words of a record chunk (4 MiB): a record must fit in one. */
export const RECORD_CHUNK_WORDS = 1 << 20;
/** Words of a record before its node bits: slot, successor count. */
export const RECORD_HEAD = 2;
import type { SeenTable } from './seen-table.ts';

export class EdgeWriter {
  /** Chunks written since the last `takeNew` (the coordinator collects them). */
  private fresh: Int32Array[] = [];
  private cur: Int32Array | undefined;
  private at = 0;
  private count = 0;
  private successorsAt = 0;
  readonly edgeStride: number;

  constructor(readonly nodeWords: number, readonly edgeWords: number, private readonly shared: boolean) {
    this.edgeStride = 1 + edgeWords;
  }

  private newChunk(): Int32Array {
    const c = new Int32Array(this.shared ? new SharedArrayBuffer(RECORD_CHUNK_WORDS * 4) : new ArrayBuffer(RECORD_CHUNK_WORDS * 4));
    c[0] = 1;
    this.fresh.push(c);
    return c;
  }

  /**
   * Starts the record of the state in `slot`, with room for up to `maxSuccessors` successors; returns the view and
   * offset where its node bits go (`nodeWords` words, zeroed).
   */
  begin(slot: number, maxSuccessors: number): void {
    const need = RECORD_HEAD + this.nodeWords + maxSuccessors * this.edgeStride;
    if (need > RECORD_CHUNK_WORDS - 1) {
      throw new InternalError(`a state with ${maxSuccessors.toLocaleString('en-US')} successors does not fit the behaviour graph's records (at most ${Math.floor((RECORD_CHUNK_WORDS - 1 - RECORD_HEAD - this.nodeWords) / this.edgeStride).toLocaleString('en-US')})`);
    }
    let c = this.cur;
    if (c === undefined || c[0]! + need > RECORD_CHUNK_WORDS) c = this.cur = this.newChunk();
    this.at = c[0]!;
    c[this.at] = slot;
    c[this.at + 1] = 0;
    c.fill(0, this.at + RECORD_HEAD, this.at + RECORD_HEAD + this.nodeWords);
    this.successorsAt = this.at + RECORD_HEAD + this.nodeWords;
    this.count = 0;
  }

  orNodeBit(bit: number): void { this.cur![this.at + RECORD_HEAD + (bit >>> 5)]! |= 1 << (bit & 31); }

  /** Adds a successor (or finds it, if this state already has it: parallel steps are one edge); returns its offset. */
  successor(slot: number): number {
    const c = this.cur!;
    const stride = this.edgeStride;
    for (let i = 0, p = this.successorsAt; i < this.count; i++, p += stride) if (c[p] === slot) return p;
    const p = this.successorsAt + this.count * stride;
    c[p] = slot;
    c.fill(0, p + 1, p + stride);
    this.count++;
    return p;
  }

  orEdgeBit(edgeAt: number, bit: number): void { this.cur![edgeAt + 1 + (bit >>> 5)]! |= 1 << (bit & 31); }

  /** Ends the record: publishes its successor count and the chunk's used words. */
  end(): void {
    const c = this.cur!;
    c[this.at + 1] = this.count;
    c[0] = this.successorsAt + this.count * this.edgeStride;
  }

  /** The chunks started since the last call (each is handed over once; writing into them goes on). */
  takeNew(): Int32Array[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

/** Walks every record of a chunk. */
function eachRecord(chunk: Int32Array, nodeWords: number, edgeStride: number, visit: (at: number, count: number) => void): void {
  const used = chunk[0]!;
  for (let at = 1; at < used;) {
    const count = chunk[at + 1]!;
    visit(at, count);
    at += RECORD_HEAD + nodeWords + count * edgeStride;
  }
}

/** Rewrites the slots in the records after the seen-table was rehashed (`moved[old slot]` = new slot). */
export function remapRecords(chunks: readonly Int32Array[], nodeWords: number, edgeWords: number, moved: Int32Array): void {
  const stride = 1 + edgeWords;
  for (const c of chunks) {
    eachRecord(c, nodeWords, stride, (at, count) => {
      c[at] = moved[c[at]!]!;
      for (let i = 0, p = at + RECORD_HEAD + nodeWords; i < count; i++, p += stride) c[p] = moved[c[p]!]!;
    });
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Numbers the stored states densely, in the order of their records (the order they were expanded in, level by
 * level: neighbours in the graph get near numbers, which keeps the liveness passes' memory accesses local), and
 * copies the records into compressed sparse rows, successor slots rewritten into numbers. The records are read
 * twice: once to number the states (a state's number is found from its slot by rank among the used slots), once
 * to copy them, after which each chunk is dropped from `chunks` (so that it can be collected while the rows grow).
 * Every stored state must have exactly one record (the search was complete). `initialSlots`: the initial states'
 * slots in init order.
 */
export function finishGraph(
  chunks: (Int32Array | undefined)[], table: SeenTable, nodeWords: number, edgeWords: number, edgeBitCount: number,
  initialSlots: readonly number[], shared: boolean,
): BehaviourGraph {
  const capacity = table.capacity;
  const words = Math.ceil(capacity / 32);
  const used = new Int32Array(words);
  const before = new Int32Array(words + 1);
  for (let s = 0; s < capacity; s++) if (table.entries[3 * s + 1] !== 0) used[s >>> 5]! |= 1 << (s & 31);
  for (let w = 0; w < words; w++) before[w + 1] = before[w]! + popcount(used[w]!);
  const n = before[words]!;
  const rank = (s: number) => before[s >>> 5]! + popcount(used[s >>> 5]! & ((1 << (s & 31)) - 1));
  const alloc = (count: number) => new Int32Array(shared ? new SharedArrayBuffer(Math.max(1, count) * 4) : new ArrayBuffer(Math.max(1, count) * 4));
  const stride = 1 + edgeWords;
  // Pass 1: number the states in record order, count the edges.
  const idOfRank = new Int32Array(Math.max(1, n)).fill(-1);
  const slots = alloc(n);
  let next = 0;
  let edges = 0;
  for (const c of chunks) {
    eachRecord(c!, nodeWords, stride, (at, count) => {
      const r = rank(c![at]!);
      if (idOfRank[r] !== -1) throw new InternalError(`a state of the behaviour graph was expanded twice (slot ${c![at]})`);
      if (next >= n) throw new InternalError('the behaviour graph has more records than stored states');
      slots[next] = c![at]!;
      idOfRank[r] = next++;
      edges += count;
    });
  }
  if (next !== n) throw new InternalError(`${(n - next).toLocaleString('en-US')} stored states of the behaviour graph were never expanded`);
  // Pass 2: copy into the rows.
  const offsets = alloc(n + 1);
  const targets = alloc(edges);
  // Edge bits in bytes or halfwords when they fit (the records keep whole words).
  const narrow = edgeBitCount <= 8 ? 1 : edgeBitCount <= 16 ? 2 : 0;
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(Math.max(1, bytes)) : new ArrayBuffer(Math.max(1, bytes)));
  const edgeBits = narrow === 1 ? new Uint8Array(buffer(edges)) : narrow === 2 ? new Uint16Array(buffer(edges * 2)) : alloc(edges * edgeWords);
  const bitWords = narrow ? 1 : edgeWords;
  const nodeBits = alloc(n * nodeWords);
  let u = 0;
  let e = 0;
  for (let ci = 0; ci < chunks.length; ci++) {
    const c = chunks[ci]!;
    eachRecord(c, nodeWords, stride, (at, count) => {
      offsets[u] = e;
      for (let w = 0; w < nodeWords; w++) nodeBits[u * nodeWords + w] = c[at + RECORD_HEAD + w]!;
      for (let i = 0, p = at + RECORD_HEAD + nodeWords; i < count; i++, p += stride, e++) {
        targets[e] = idOfRank[rank(c[p]!)]!;
        for (let w = 0; w < bitWords; w++) edgeBits[e * bitWords + w] = c[p + 1 + w]!;
      }
      u++;
    });
    chunks[ci] = undefined;
  }
  offsets[n] = e;
  const seen = new Set<number>();
  const initial = Int32Array.from(initialSlots.map((s) => idOfRank[rank(s)]!).filter((id) => (seen.has(id) ? false : (seen.add(id), true))));
  return new BehaviourGraph({ n, nodeWords, edgeWords: bitWords, offsets, targets, edgeBits, nodeBits, slots, initial });
}
