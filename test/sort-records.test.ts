import { describe, expect, it } from 'vitest';
import { sortRecords } from '../checker/store/sort-records.ts';

/** The reference: records as arrays, sorted by (word 1, word 0) as unsigned numbers with Array.prototype.sort. */
function reference(words: Uint32Array, count: number, stride: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < count; i++) rows.push(Array.from(words.subarray(stride * i, stride * (i + 1))));
  return rows.sort((a, b) => (a[1]! - b[1]!) || (a[0]! - b[0]!));
}

function rows(words: Uint32Array, count: number, stride: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < count; i++) out.push(Array.from(words.subarray(stride * i, stride * (i + 1))));
  return out;
}

/** A small deterministic generator (xorshift32), so a failure is reproducible. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

describe('sortRecords and sortedOrder (the per-level merge orders candidates with their parents and slots)', () => {
  it('sorts uniform fingerprints like a comparator sort, payload words travelling with their key', () => {
    for (const [count, stride, seed] of [[0, 5, 1], [1, 5, 2], [2, 2, 3], [7, 5, 4], [1000, 5, 5], [65_537, 4, 6]] as const) {
      const next = xorshift(seed);
      const words = new Uint32Array(stride * count + stride);
      for (let i = 0; i < words.length; i++) words[i] = next();
      const want = reference(words, count, stride);
      const tail = Array.from(words.subarray(stride * count));
      sortRecords(words, count, stride);
      expect(rows(words, count, stride)).toEqual(want);
      expect(Array.from(words.subarray(stride * count)), 'words past the records are left alone').toEqual(tail);
    }
  });

  it('is right when the keys are far from uniform: one high word for all (a single big bucket), equal high words, sign bits', () => {
    const next = xorshift(99);
    const cases: ((i: number) => [number, number])[] = [
      () => [next(), 0x8000_0000],
      (i) => [next(), i % 3 === 0 ? 0xffff_ffff : 0x7fff_ffff],
      (i) => [i % 5, 0],
    ];
    for (const key of cases) {
      const count = 3000;
      const words = new Uint32Array(3 * count);
      for (let i = 0; i < count; i++) {
        const [low, high] = key(i);
        words[3 * i] = low;
        words[3 * i + 1] = high;
        words[3 * i + 2] = i;
      }
      const want = reference(words, count, 3);
      sortRecords(words, count, 3);
      const got = rows(words, count, 3);
      // Equal keys may come in any order: compare the keys, and the payloads as sets per key.
      expect(got.map((r) => [r[0], r[1]])).toEqual(want.map((r) => [r[0], r[1]]));
      expect(got.map((r) => r[2]).sort((a, b) => a! - b!)).toEqual(want.map((r) => r[2]).sort((a, b) => a! - b!));
    }
  });
});
