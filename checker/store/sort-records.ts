/**
 * The fingerprint order of fixed-size records of u32 words whose first two words are a 64-bit fingerprint
 * ([low, high, ...]), for the disk store's per-level merge (checker/search/spill.ts): a level's candidates travel
 * with their parent link and their slot, so that nothing has to be looked up again once they are in order.
 *
 * Nothing native sorts records, but `BigUint64Array.prototype.sort` sorts u64 keys without a comparator call. So
 * each record gets the key (high word << 32 | record index), written as two u32 words (no BigInt is made); sorted
 * natively, the keys list the records in order of their high words. Records whose high words are equal (a few a
 * level: the high words are hash values) then come in index order, and an insertion sort of each such run puts
 * them in order of their low words. The records themselves are not moved: the callers read them through the order,
 * while copying out what they keep.
 */

/** The indices of the first `count` records of `stride` words each, in order of (word 1, word 0) unsigned. */
export function sortedOrder(records: Uint32Array, count: number, stride: number): Uint32Array {
  const keys = new Uint32Array(2 * count);
  for (let i = 0; i < count; i++) {
    keys[2 * i] = i;
    keys[2 * i + 1] = records[stride * i + 1]!;
  }
  new BigUint64Array(keys.buffer, 0, count).sort();
  const order = new Uint32Array(count);
  for (let k = 0; k < count; k++) order[k] = keys[2 * k]!;
  for (let k = 1; k < count; k++) {
    if (keys[2 * k + 1] === keys[2 * k - 1]) insertByLow(records, order, k, stride);
  }
  return order;
}

/** Moves order[k] back past the entries before it whose records have the same high word and a larger low word. */
function insertByLow(r: Uint32Array, order: Uint32Array, k: number, stride: number): void {
  const moving = order[k]!;
  const high = r[stride * moving + 1]!, low = r[stride * moving]!;
  let j = k;
  for (; j > 0; j--) {
    const before = stride * order[j - 1]!;
    if (r[before + 1] !== high || r[before]! <= low) break;
    order[j] = order[j - 1]!;
  }
  order[j] = moving;
}

/** Sorts the records themselves in place (a copy through `sortedOrder`): for callers that want them moved. */
export function sortRecords(records: Uint32Array, count: number, stride: number): void {
  if (count < 2) return;
  const order = sortedOrder(records, count, stride);
  const sorted = new Uint32Array(stride * count);
  for (let k = 0; k < count; k++) {
    const from = stride * order[k]!, to = stride * k;
    for (let w = 0; w < stride; w++) sorted[to + w] = records[from + w]!;
  }
  records.set(sorted, 0);
}
