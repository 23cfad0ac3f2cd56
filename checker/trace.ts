/**
 * Rebuilding a counterexample. The seen-table keeps only fingerprints and parent links, so the states of a trace
 * are found again the way TLC and Stateright do it: walk the parent links from the last stored state back to an
 * initial state, then replay forwards, at each step picking the successor whose fingerprint is the next one on
 * the chain. Only states and steps inside the model (the state and action constraints) can be on the chain, so
 * only those are candidates. The violating step itself is identified by its action instance and successor index,
 * and must really violate the property.
 *
 * With a VIEW, several states can share a fingerprint, and the first pick may not be the state that was stored:
 * the replay then backtracks until the whole chain, and the violation at its end, are reproduced.
 */
import type { Step } from '../src/spec.ts';
import type { Violation } from './engine.ts';
import { STORED_STATE } from './expander.ts';
import type { Model } from './model.ts';
import type { SeenTable } from './seen-table.ts';

export interface TraceStep {
  /** The action that produced the state; null for the initial state. */
  readonly label: string | null;
  readonly state: unknown;
}

interface Candidate extends TraceStep { readonly step?: Step }

export function rebuildTrace(model: Model, table: SeenTable, v: Violation): TraceStep[] {
  const spec = model.spec;
  const c = model.consts;
  const inModel = (from: unknown, to: unknown, step: Step | undefined): boolean =>
    (!spec.constraint || spec.constraint(to, c) === true)
    && (!step || !spec.actionConstraint || spec.actionConstraint(from, to, step, c) === true);

  if (v.lastHigh === 0 && v.lastLow === 0) {
    return [{ label: null, state: model.initialStates()[v.successor] }];
  }
  const last = table.lookup(v.lastHigh, v.lastLow);
  if (last < 0) throw new Error(`internal error: the last state of the ${v.property} trace is not in the table`);
  const chain = table.pathTo(last);
  const targets = chain.map((slot) => [table.high(slot), table.low(slot)] as const);

  /** The violating step from the last state of the chain, if it reproduces the violation. */
  const finalStep = (from: unknown): TraceStep | undefined => {
    if (v.kind === 'deadlock') {
      return model.instances.every((inst) => model.successorList(inst.run(from), inst.step.label).length === 0) ? { label: null, state: from } : undefined;
    }
    if (v.instance === STORED_STATE) {
      return model.invariants.find(([name]) => name === v.property)![1](from, c) === false ? { label: null, state: from } : undefined;
    }
    const inst = model.instances[v.instance]!;
    const to = model.successorList(inst.run(from), inst.step.label)[v.successor];
    if (to === undefined) return undefined;
    const violated = v.kind === 'invariant'
      ? model.invariants.find(([name]) => name === v.property)![1](to, c) === false
      : model.actionProperties.find(([name]) => name === v.property)![1](from, to, inst.step, c) === false;
    return violated ? { label: inst.step.label, state: to } : undefined;
  };

  const extend = (i: number, from: Candidate | undefined): TraceStep[] | undefined => {
    if (i === chain.length) {
      const end = finalStep(from!.state);
      if (!end) return undefined;
      // A deadlock or a violating stored state is the chain's own last state; a step adds one more.
      return v.kind === 'deadlock' || v.instance === STORED_STATE ? [] : [end];
    }
    const [high, low] = targets[i]!;
    const candidates: Candidate[] = [];
    if (from === undefined) {
      for (const state of model.initialStates()) candidates.push({ label: null, state });
    } else {
      for (const inst of model.instances) {
        for (const state of model.successorList(inst.run(from.state), inst.step.label)) {
          candidates.push({ label: inst.step.label, state, step: inst.step });
        }
      }
    }
    for (const cand of candidates) {
      model.encodeAndFingerprint(cand.state, cand.label ?? 'the initial state');
      if (model.fp.high !== high || model.fp.low !== low) continue;
      if (!inModel(from?.state, cand.state, cand.step)) continue;
      const rest = extend(i + 1, cand);
      if (rest) return [{ label: cand.label, state: cand.state }, ...rest];
    }
    return undefined;
  };

  const trace = extend(0, undefined);
  if (!trace) throw new Error(`internal error: could not replay the trace of ${v.property} (${chain.length} stored states)`);
  return trace;
}
