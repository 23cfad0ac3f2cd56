/**
 * Rebuilding a counterexample. The seen-set keeps only fingerprints and parent links, so the states of a trace
 * are found again the way TLC and Stateright do it: walk the parent links from the last stored state back to an
 * initial state, then replay forwards, at each step picking the successor whose fingerprint is the next one on
 * the chain. With a VIEW, several states can share a fingerprint; the replay backtracks if a pick leads nowhere.
 */
import type { Violation } from './engine.ts';
import type { Model } from './model.ts';
import type { SeenSet } from './seen-set.ts';

export interface TraceStep {
  /** The action that produced the state; null for the initial state. */
  readonly label: string | null;
  readonly state: unknown;
}

export function rebuildTrace(model: Model, seen: SeenSet, v: Violation): TraceStep[] {
  const chain = v.lastSlot >= 0 ? seen.pathTo(v.lastSlot) : [];
  const targets = chain.map((slot) => [seen.keys[2 * slot]!, seen.keys[2 * slot + 1]!] as const);

  const extend = (i: number, from: TraceStep | undefined): TraceStep[] | undefined => {
    if (i === chain.length) return [];
    const [high, low] = targets[i]!;
    const candidates: TraceStep[] = [];
    if (from === undefined) {
      for (const state of model.initialStates()) candidates.push({ label: null, state });
    } else {
      for (const inst of model.instances) {
        for (const state of model.successorList(inst.run(from.state), inst.step.label)) {
          candidates.push({ label: inst.step.label, state });
        }
      }
    }
    for (const c of candidates) {
      model.encodeAndFingerprint(c.state, c.label ?? 'the initial state');
      if (model.fp.high !== high || model.fp.low !== low) continue;
      const rest = extend(i + 1, c);
      if (rest) return [c, ...rest];
    }
    return undefined;
  };

  const prefix = extend(0, undefined);
  if (!prefix) throw new Error(`internal error: could not replay the trace of ${v.property} (${chain.length} stored states)`);
  if (v.state !== undefined) prefix.push({ label: v.step?.label ?? null, state: v.state });
  return prefix;
}
