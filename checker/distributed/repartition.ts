/**
 * A distributed checkpoint's partitions dealt out again to another number of nodes (`--resume DIR --nodes K'`
 * for a checkpoint of K nodes). Every owned entry and every frontier state carries its fingerprint, and its owner is
 * a function of the fingerprint and the node count alone (./partition.ts), so re-dealing is one pass over the
 * data: nothing about the search depends on which node held a state before.
 */
import { ChunkWriter, EntryCursor, type Chunk } from '../store/frontier.ts';
import { ownerOf } from './partition.ts';

/** One node's part: its owned-set entries (5 words each: high, low, parent high, parent low, depth), its frontier. */
export interface Part {
  readonly owned: Int32Array;
  readonly frontier: Chunk[];
}

const W = 5;

export function repartition(parts: readonly Part[], nodes: number, fixedWidth: number): Part[] {
  const counts = new Array<number>(nodes).fill(0);
  for (const p of parts) for (let e = 0; e < p.owned.length; e += W) counts[ownerOf(p.owned[e]!, p.owned[e + 1]!, nodes)]!++;
  const owned = counts.map((n) => new Int32Array(W * n));
  const at = new Array<number>(nodes).fill(0);
  for (const p of parts) {
    for (let e = 0; e < p.owned.length; e += W) {
      const to = ownerOf(p.owned[e]!, p.owned[e + 1]!, nodes);
      owned[to]!.set(p.owned.subarray(e, e + W), at[to]!);
      at[to]! += W;
    }
  }
  const writers = Array.from({ length: nodes }, () => new ChunkWriter(fixedWidth, false));
  const cursor = new EntryCursor(fixedWidth);
  for (const p of parts) {
    for (const chunk of p.frontier) {
      const end = chunk[0]!;
      for (let pos = EntryCursor.first(0); pos < end;) {
        pos = cursor.read(chunk, pos);
        writers[ownerOf(cursor.high, cursor.low, nodes)]!.push(0, cursor.high, cursor.low, chunk, cursor.at, cursor.length);
      }
    }
  }
  return owned.map((o, i) => ({ owned: o, frontier: writers[i]!.take() }));
}
