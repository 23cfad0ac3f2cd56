/**
 * Parent links kept in memory for a few chains only: what the traces of a finished run still need once its spill
 * folder is removed (checker/search/bfs.ts). Built by walking the chains on disk once.
 */
import type { ParentLinks } from './types.ts';

export function frozenLinks(from: ParentLinks, ends: readonly (readonly [number, number])[]): ParentLinks {
  const fps: number[] = [];
  const index = new Map<string, number>();
  const parent: number[] = [];
  const key = (h: number, l: number) => `${h | 0}/${l | 0}`;
  const add = (h: number, l: number): number => {
    const k = key(h, l);
    let id = index.get(k);
    if (id === undefined) { id = fps.length / 2; fps.push(h | 0, l | 0); parent.push(-1); index.set(k, id); }
    return id;
  };
  for (const [h, l] of ends) {
    const slot = from.lookup(h, l);
    if (slot < 0) continue;
    let prev = -1;
    for (const s of from.pathTo(slot)) {
      const id = add(from.high(s), from.low(s));
      if (prev >= 0) parent[id] = prev;
      prev = id;
    }
  }
  return {
    partial: true,
    parent: (s) => parent[s]!,
    lookup: (h, l) => index.get(key(h, l)) ?? -1,
    high: (s) => fps[2 * s]!,
    low: (s) => fps[2 * s + 1]!,
    pathTo(s) {
      const path: number[] = [];
      for (let at = s; at >= 0; at = parent[at]!) path.push(at);
      return path.reverse();
    },
  };
}
