/**
 * Violation candidates: a violation met during a level, identified canonically, as plain numbers (it crosses
 * threads). Expanders keep the smallest candidate per property; the coordinator takes the smallest over all
 * expanders at the end of the level, so what is reported does not depend on which thread saw what first.
 */
import type { PropertyKind } from '../model/properties.ts';

export type ViolationKind = PropertyKind;

export interface Candidate {
  readonly property: string;
  readonly kind: ViolationKind;
  /** States in the counterexample. */
  readonly length: number;
  /** The property's rank in the model's property registry (checker/model/properties.ts). */
  readonly rank: number;
  /** Fingerprint of the last stored state: the parent of the violating step, or the deadlocked state. 0/0: none. */
  readonly lastHigh: number;
  readonly lastLow: number;
  /**
   * The action instance and the index among its successors; -1: an initial state outside the constraint, or a
   * deadlock; STORED_STATE: the violation is the stored state with fingerprint (lastHigh, lastLow) itself.
   */
  readonly instance: number;
  readonly successor: number;
}

/** `Candidate.instance` for an invariant violated by a stored state: the candidate names the state itself. */
export const STORED_STATE = -2;

/** Orders candidates: shorter first, then by rank, then by the fingerprint and step that identify them. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return a.length - b.length || a.rank - b.rank
    || (a.lastHigh >>> 0) - (b.lastHigh >>> 0) || (a.lastLow >>> 0) - (b.lastLow >>> 0)
    || a.instance - b.instance || a.successor - b.successor;
}

/**
 * The violations a finished level reports: per property its smallest candidate, leaving out the properties
 * already reported, in canonical order; all of them with --continue, else the first. One rule for every search
 * (one machine or many), so that they report the same violations.
 */
export function acceptedCandidates(candidates: Iterable<Candidate>, reported: ReadonlySet<number>, continueAfterViolation: boolean): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const c of candidates) {
    const old = best.get(c.property);
    if (!old || compareCandidates(c, old) < 0) best.set(c.property, c);
  }
  const sorted = [...best.values()].filter((c) => !reported.has(c.rank)).sort(compareCandidates);
  return continueAfterViolation ? sorted : sorted.slice(0, 1);
}
