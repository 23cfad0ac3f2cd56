/**
 * The level protocol of distributed runs (checker/distributed/node-run.ts) without NATS: K nodes in this process,
 * their messages delivered after random delays, so in a different order on every run (only causality is kept: an
 * answer follows its query). Whatever the order and K, the counts must be TLC's for filter N = 4 (the spec's
 * expectation: 14,844 distinct, 44,121 generated, depth 37), and every state's parent link (the smallest-
 * fingerprint parent of its level) the same. Also: the partition function against BigInt arithmetic, and the
 * owned set against a Map.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Model } from '../checker/model/model.ts';
import { loadSpec } from '../checker/run/load.ts';
import { NodeRun } from '../checker/distributed/node-run.ts';
import { NEW, OLD, OwnedSet, SAME_LEVEL } from '../checker/distributed/owned-set.ts';
import { ownerOf } from '../checker/distributed/partition.ts';
import type { ToCoordinator } from '../checker/distributed/wire.ts';

async function explore(nodes: number, seed: number): Promise<{ distinct: number; generated: number; depth: number; links: string[] }> {
  const loaded = await loadSpec('specs/filter.ts');
  let rnd = seed >>> 0;
  const delay = () => { rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0; return rnd % 3; };
  const runs: NodeRun[] = [];
  const inbox: ToCoordinator[] = [];
  for (let i = 0; i < nodes; i++) {
    const model = new Model(loaded.spec, { config: 'N4', specFile: loaded.file });
    runs.push(new NodeRun(model, i, nodes, {
      sendData: (to, payload, used) => { const copy = payload.slice(0, used); setTimeout(() => runs[to]!.onData(copy), delay()); },
      toCoordinator: (m) => { inbox.push(m); },
    }));
  }
  let distinct = 0, generated = 0, depth = 0;
  for (let level = 0; ; level++) {
    inbox.length = 0;
    const done = runs.map((r) => r.level(level, []));
    while (inbox.filter((m) => m.type === 'sent').length < nodes) {
      const err = inbox.find((m) => m.type === 'error');
      if (err) throw new Error(JSON.stringify(err));
      await new Promise((r) => setTimeout(r, 1));
    }
    const expect = new Array<number>(nodes).fill(0);
    for (const m of inbox) if (m.type === 'sent') m.sentTo.forEach((n, i) => { expect[i]! += n; });
    for (const r of runs) r.close(expect);
    await Promise.all(done);
    let fresh = 0;
    for (const m of inbox) if (m.type === 'closed') { fresh += m.fresh; generated += m.generated; }
    distinct += fresh;
    if (fresh === 0) break;
    depth = level + 1;
  }
  const links: string[] = [];
  for (const r of runs) {
    const w = r.links(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < w.length; i += 5) links.push(`${w[i]}/${w[i + 1]}<-${w[i + 2]}/${w[i + 3]}@${w[i + 4]}`);
  }
  return { distinct, generated, depth, links: links.sort() };
}

describe('the level protocol, messages in random order', () => {
  it('gives TLC\'s counts and the same parent links for 1, 2, 3 and 5 nodes', async () => {
    const one = await explore(1, 1);
    expect({ distinct: one.distinct, generated: one.generated, depth: one.depth }).toEqual({ distinct: 14844, generated: 44121, depth: 37 });
    for (const [k, seed] of [[2, 7], [3, 11], [5, 13], [3, 99]] as const) {
      const r = await explore(k, seed);
      expect({ distinct: r.distinct, generated: r.generated, depth: r.depth }, `${k} nodes`).toEqual({ distinct: 14844, generated: 44121, depth: 37 });
      expect(r.links, `${k} nodes, seed ${seed}`).toEqual(one.links);
    }
  }, 60_000);
});

describe('partition and owned set', () => {
  it('ownerOf is the unsigned 64-bit fingerprint modulo the node count', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 5000 }), (h, l, k) => {
      const exact = Number(((BigInt(h >>> 0) << 32n) | BigInt(l >>> 0)) % BigInt(k));
      return ownerOf(h, l, k) === exact;
    }));
  });

  it('visit and offerParent agree with a Map (growth included)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 1000 })), { maxLength: 2000 }), (ops) => {
      const set = new OwnedSet(16);
      const ref = new Map<number, { depth: number; parent: number }>();
      for (const [fp, depth, parent] of ops) {
        const code = set.visit(fp * 7919, fp, depth);
        const known = ref.get(fp);
        const want = known === undefined ? NEW : known.depth === depth ? SAME_LEVEL : OLD;
        if (code !== want) return false;
        if (code === OLD) continue;
        set.offerParent(set.slot, 0, parent);
        if (known === undefined) ref.set(fp, { depth, parent });
        else known.parent = Math.min(known.parent, parent);
      }
      const got = new Map<number, number>();
      set.forEach(Number.MAX_SAFE_INTEGER, (_h, l, _ph, pl) => got.set(l, pl));
      return got.size === ref.size && [...ref].every(([fp, v]) => got.get(fp) === v.parent);
    }));
  });
});
