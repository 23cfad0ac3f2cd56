/**
 * The seen-set: an insert-only open-addressing hash table of 64-bit fingerprints with linear probing, in flat
 * typed arrays. Slot i holds the fingerprint in keys[2i] (high) and keys[2i+1] (low), and parents[i] holds the
 * slot of the state it was first reached from (-1 for an initial state). (0, 0) marks an empty slot; the
 * fingerprinter never produces it.
 *
 * Why slots as parent links: a counterexample is rebuilt by walking parents from the violating state back to an
 * initial state and replaying the fingerprints (checker/trace.ts), so the table is all that is kept per state:
 * 12 bytes a slot, 16–32 bytes a state at the 0.375–0.75 load factor it keeps. Growing rehashes every slot, so
 * slots move: `grow` returns the old-to-new map and the owner of any stored slot number (the frontier) remaps.
 */
export class SeenSet {
  keys: Int32Array;
  parents: Int32Array;
  mask: number;
  size = 0;
  private limit: number;

  constructor(capacityLog2 = 16) {
    const capacity = 2 ** capacityLog2;
    this.keys = new Int32Array(capacity * 2);
    this.parents = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.limit = Math.floor(capacity * 0.75);
  }

  get capacity(): number { return this.mask + 1; }
  get bytes(): number { return this.keys.byteLength + this.parents.byteLength; }

  /** True when the next insert would pass the load limit: call `grow` first. */
  get full(): boolean { return this.size >= this.limit; }

  /** Inserts a fingerprint; returns its new slot, or -1 if it was already there. */
  insert(high: number, low: number, parent: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
    for (;;) {
      const h = keys[2 * slot]!;
      const l = keys[2 * slot + 1]!;
      if (h === 0 && l === 0) {
        keys[2 * slot] = high;
        keys[2 * slot + 1] = low;
        this.parents[slot] = parent;
        this.size++;
        return slot;
      }
      if (h === high && l === low) return -1;
      slot = (slot + 1) & mask;
    }
  }

  /** Doubles the capacity. Returns, for each old slot, its new slot (-1 for empty ones). */
  grow(): Int32Array {
    const oldKeys = this.keys;
    const oldParents = this.parents;
    const oldCapacity = this.capacity;
    const capacity = oldCapacity * 2;
    this.keys = new Int32Array(capacity * 2);
    this.parents = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.limit = Math.floor(capacity * 0.75);
    this.size = 0;
    const moved = new Int32Array(oldCapacity).fill(-1);
    for (let i = 0; i < oldCapacity; i++) {
      const h = oldKeys[2 * i]!, l = oldKeys[2 * i + 1]!;
      if (h !== 0 || l !== 0) moved[i] = this.insert(h, l, oldParents[i]!);
    }
    for (let i = 0; i < capacity; i++) {
      const p = this.parents[i]!;
      if (p >= 0 && (this.keys[2 * i] !== 0 || this.keys[2 * i + 1] !== 0)) this.parents[i] = moved[p]!;
    }
    return moved;
  }

  /** The chain of slots from an initial state to `slot`, in behaviour order. */
  pathTo(slot: number): number[] {
    const path: number[] = [];
    for (let s = slot; s >= 0; s = this.parents[s]!) path.push(s);
    return path.reverse();
  }
}
