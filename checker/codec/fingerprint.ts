/**
 * The 64-bit state fingerprint: a hash of the encoded state's 32-bit words, in plain JS with Math.imul.
 *
 * Why hand-written: for the 2–8 word states of a typical spec, a JS hash costs ~15 ns, while calling native or
 * WASM xxhash costs 85–110 ns in call overhead alone (measured on Node 20, see docs/design.md).
 *
 * Construction: two 32-bit lanes in the style of MurmurHash3_x86_128 (Austin Appleby, public domain): each word is
 * mixed into both lanes with different constants and rotations, the lanes are cross-added after every word, and
 * each lane gets the fmix32 avalanche at the end followed by another cross-add. The word count is mixed in, so
 * encodings of different lengths differ. The low word is never 0 or -1 (the seen-table's "empty" and "busy"
 * marks): those two values are moved to 1 and -2, which costs about 2^-31 of the low word's range.
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Hashes words[start .. start+length) into a 64-bit fingerprint, kept as two int32 halves. */
export class Fingerprinter {
  /** The high 32 bits of the last fingerprint. */
  high = 0;
  /** The low 32 bits of the last fingerprint. */
  low = 0;

  hash(words: Int32Array, start: number, length: number): void {
    let h1 = 0x9747b28c ^ length;
    let h2 = 0x5bd1e995 ^ Math.imul(length, 0x27d4eb2d);
    const end = start + length;
    for (let i = start; i < end; i++) {
      const k = words[i]!;
      let k1 = Math.imul(k, C1);
      k1 = (k1 << 15) | (k1 >>> 17);
      k1 = Math.imul(k1, C2);
      h1 ^= k1;
      h1 = (h1 << 19) | (h1 >>> 13);
      h1 = (h1 + h2) | 0;
      h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;

      let k2 = Math.imul(k, C3);
      k2 = (k2 << 17) | (k2 >>> 15);
      k2 = Math.imul(k2, C4);
      h2 ^= k2;
      h2 = (h2 << 13) | (h2 >>> 19);
      h2 = (h2 + h1) | 0;
      h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    }
    h1 = (h1 + h2) | 0;
    h2 = (h2 + h1) | 0;
    h1 = fmix32(h1);
    h2 = fmix32(h2);
    h1 = (h1 + h2) | 0;
    h2 = (h2 + h1) | 0;
    // The seen-table reserves low words 0 (empty slot) and -1 (slot being written).
    if (h2 === 0) h2 = 1;
    else if (h2 === -1) h2 = -2;
    this.high = h1;
    this.low = h2;
  }
}

/** TLC's optimistic estimate of the probability that two distinct states shared a fingerprint: n·(g−n)/2^64. */
export function collisionProbability(distinct: number, generated: number): number {
  return (distinct * Math.max(0, generated - distinct)) / 2 ** 64;
}
