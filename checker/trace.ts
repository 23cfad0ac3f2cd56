/**
 * Rebuilding a counterexample. The seen-table keeps only fingerprints and parent links, so the states of a trace
 * are found again the way TLC and Stateright do it: walk the parent links from the last stored state back to an
 * initial state, then replay forwards, at each step picking the successor whose fingerprint is the next one on
 * the chain. With a VIEW, several states can share a fingerprint; the replay backtracks if a pick leads nowhere.
 * The violating step itself is identified by its action instance and successor index.
 */
import type { Violation } from './engine.ts';
import type { Model } from './model.ts';
import type { SeenTable } from './seen-table.ts';

export interface TraceStep {
  /** The action that produced the state; null for the initial state. */
  readonly label: string | null;
  readonly state: unknown;
}

export function rebuildTrace(model: Model, table: SeenTable, v: Violation): TraceStep[] {
  if (v.lastHigh === 0 && v.lastLow === 0) {
    return [{ label: null, state: model.initialStates()[v.successor] }];
  }
  const last = table.lookup(v.lastHigh, v.lastLow);
  if (last < 0) throw new Error(`internal error: the last state of the ${v.property} trace is not in the table`);
  const chain = table.pathTo(last);
  const targets = chain.map((slot) => [table.keys[2 * slot]!, table.keys[2 * slot + 1]!] as const);

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

  const trace = extend(0, undefined);
  if (!trace) throw new Error(`internal error: could not replay the trace of ${v.property} (${chain.length} stored states)`);
  if (v.kind !== 'deadlock') {
    const inst = model.instances[v.instance]!;
    const from = trace[trace.length - 1]!.state;
    trace.push({ label: inst.step.label, state: model.successorList(inst.run(from), inst.step.label)[v.successor] });
  }
  return trace;
}
