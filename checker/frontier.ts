/**
 * The BFS frontier, one level at a time: a flat, growable Int32Array of encoded states. Each entry is the
 * state's seen-set slot (its identity, and the parent link of its successors) followed by its encoding; with a
 * variable-width codec the word count sits between them. No per-state objects: a level of a million 2-word
 * states is one 12 MB array.
 */
export class LevelBuffer {
  data: Int32Array;
  /** Words used. */
  length = 0;
  /** States held. */
  count = 0;

  constructor(readonly fixedWidth: number, initialWords = 1024) {
    this.data = new Int32Array(initialWords);
  }

  push(slot: number, words: Int32Array, n: number): void {
    const need = this.length + n + 2;
    if (need > this.data.length) {
      let size = this.data.length * 2;
      while (size < need) size *= 2;
      const bigger = new Int32Array(size);
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
    const d = this.data;
    let p = this.length;
    d[p++] = slot;
    if (this.fixedWidth < 0) d[p++] = n;
    for (let i = 0; i < n; i++) d[p++] = words[i]!;
    this.length = p;
    this.count++;
  }

  clear(): void {
    this.length = 0;
    this.count = 0;
  }

  /** Rewrites the stored slots after the seen-set grew. */
  remap(moved: Int32Array): void {
    const d = this.data;
    for (let p = 0; p < this.length;) {
      d[p] = moved[d[p]!]!;
      p += this.fixedWidth < 0 ? 2 + d[p + 1]! : 1 + this.fixedWidth;
    }
  }

  get bytes(): number { return this.data.byteLength; }
}
