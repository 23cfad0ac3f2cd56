/**
 * Which node owns a state: its 64-bit fingerprint modulo the number of nodes. A stable function of the
 * fingerprint alone (never of the node that found the state, or of timing), so every node routes a successor to
 * the same owner, and the same run gives the same partition every time.
 */

const TWO_32 = 4294967296;

/** (high * 2^32 + low) mod nodes, both halves read as unsigned; exact in doubles (every term is below 2^53). */
export function ownerOf(high: number, low: number, nodes: number): number {
  if (nodes === 1) return 0;
  return (((high >>> 0) % nodes) * (TWO_32 % nodes) + ((low >>> 0) % nodes)) % nodes;
}
