/**
 * Rebuilding a counterexample. The seen-table keeps only fingerprints and parent links, so the states of a trace
 * are found again the way TLC and Stateright do it: walk the parent links from the last stored state back to an
 * initial state, then replay forwards, at each step picking the successor whose fingerprint is the next one on
 * the chain. Only states and steps inside the model (the state and action constraints) can be on the chain, so
 * only those are candidates. The violating step itself is identified by its action instance and successor index,
 * and must really violate the property: the replay judges it with the same step checks (checker/model/steps.ts)
 * as the search.
 *
 * Under symmetry the chain holds canonical fingerprints: each replayed state is matched by the fingerprint of its
 * canonical form (what encodeAndFingerprint computes), so the trace is a behaviour of the spec from one of its own
 * initial states, not a sequence of canonical forms.
 *
 * With a VIEW, several states can share a fingerprint, and the first pick may not be the state that was stored:
 * the replay then backtracks until the whole chain, and the violation at its end, are reproduced.
 */
import type { Step } from '../../src/spec.ts';
import { InternalError } from '../errors.ts';
import type { ActionInstance } from '../model/actions.ts';
import type { Model } from '../model/model.ts';
import type { ParentLinks } from '../store/types.ts';
import { STORED_STATE, type Candidate } from './candidates.ts';
import { fewestSwitchesApply, fewestSwitchTrace } from './fewest-switches.ts';

export interface TraceStep {
  /** The label of the step that produced the state (a choice's included); null for the initial state. */
  readonly label: string | null;
  readonly state: unknown;
  /** Who took the step (its lane in a swimlane view): the action's `actor`, or its default; absent for the initial state. */
  readonly actor?: string;
  /** The action's one-line `doc`, when it has one. */
  readonly doc?: string;
}

interface Pick extends TraceStep { readonly step?: Step }

/** The trace step of a successor made by `inst`: its label, state, actor and doc. */
export function stepOf(inst: ActionInstance, label: string, state: unknown): TraceStep {
  return inst.doc === undefined ? { label, state, actor: inst.actor } : { label, state, actor: inst.actor, doc: inst.doc };
}

/** How the replay must end, after the chain's last state. */
type Ending = (last: unknown) => TraceStep[] | undefined;

/** Replays the chain of stored states from an initial state to `slot`, then `ending`; backtracks on ties. */
function replay(model: Model, parents: ParentLinks, slot: number, ending: Ending, what: string): TraceStep[] {
  const chain = parents.pathTo(slot);
  return replayChain(model, chain.map((s) => [parents.high(s), parents.low(s)] as const), ending, what);
}

/** Replays states with these fingerprints, in order, from an initial state, then `ending`; backtracks on ties. */
function replayChain(model: Model, targets: readonly (readonly [number, number])[], ending: Ending, what: string): TraceStep[] {
  const chain = targets;
  const extend = (i: number, from: Pick | undefined): TraceStep[] | undefined => {
    if (i === chain.length) return ending(from!.state);
    const [high, low] = targets[i]!;
    const picks: Pick[] = [];
    if (from === undefined) {
      for (const state of model.initialStates()) picks.push({ label: null, state });
    } else {
      for (const inst of model.instances) {
        for (const { state, label } of model.labelledSuccessors(inst.run(from.state), inst.step)) {
          picks.push({ ...stepOf(inst, label, state), step: inst.step });
        }
      }
    }
    for (const pick of picks) {
      model.encodeAndFingerprint(pick.state, pick.label ?? 'the initial state');
      if (model.fp.high !== high || model.fp.low !== low) continue;
      if (!model.checks.inModel(from?.state, pick.state, pick.step)) continue;
      const rest = extend(i + 1, pick);
      if (rest) {
        const { step: _, ...traceStep } = pick;
        return [traceStep, ...rest];
      }
    }
    return undefined;
  };
  const trace = extend(0, undefined);
  if (!trace) {
    throw new InternalError(`could not replay ${what} (${chain.length} stored states): running the actions again did not give the `
      + 'states the search stored. Either an action is not a function of its state and the constants (it uses randomness, '
      + 'the clock, or something kept between calls), or this is a bug in tlats.');
  }
  return trace;
}

function slotOf(parents: ParentLinks, high: number, low: number, what: string): number {
  const slot = parents.lookup(high, low);
  if (slot < 0) throw new InternalError(`the last stored state of ${what} is not in the fingerprint table`);
  return slot;
}

/**
 * The shortest counterexample of a violation found by the search: with several actors, the one with the fewest
 * context switches (./fewest-switches.ts); otherwise the chain of parent links.
 */
export function rebuildTrace(model: Model, parents: ParentLinks, v: Candidate): TraceStep[] {
  const what = `the trace of ${v.property}`;
  const props = model.properties;
  const checks = model.checks;
  if (v.lastHigh === 0 && v.lastLow === 0) {
    // An initial state outside the constraint that violates an invariant: never stored, so no chain.
    return [{ label: null, state: model.initialStates()[v.successor] }];
  }
  const invariantIndex = props.invariants.findIndex((p) => p.name === v.property);
  const ending: Ending = (last) => {
    if (v.kind === 'deadlock') {
      return model.instances.every((inst) => model.successorList(inst.run(last), inst.step.label).length === 0) ? [] : undefined;
    }
    if (v.instance === STORED_STATE) return checks.invariantHolds(invariantIndex, last) ? undefined : [];
    const violates = (instance: number, successor: number): TraceStep[] | undefined => {
      const inst = model.instances[instance]!;
      const picked = model.labelledSuccessors(inst.run(last), inst.step)[successor];
      if (picked === undefined) return undefined;
      const to = picked.state;
      const violated = v.kind === 'invariant'
        ? !checks.invariantHolds(invariantIndex, to)
        : !checks.actionPropertyHolds(props.actionProperties.findIndex((p) => p.name === v.property), last, to, inst.step);
      return violated ? [stepOf(inst, picked.label, to)] : undefined;
    };
    const found = violates(v.instance, v.successor);
    if (found || !model.symmetry) return found;
    // Under symmetry the search expanded the canonical form of `last`, a permutation of it: the violating step's
    // instance and successor index name a step of that form. The first violating step of `last` itself, in
    // instance order, is its image (the property being symmetric), so the trace stays a behaviour of the spec.
    for (let i = 0; i < model.instances.length; i++) {
      const inst = model.instances[i]!;
      const count = model.successorList(inst.run(last), inst.step.label).length;
      for (let j = 0; j < count; j++) {
        const step = violates(i, j);
        if (step) return step;
      }
    }
    return undefined;
  };
  if (fewestSwitchesApply(model, v, parents)) return fewestSwitchTrace(model, parents, v);
  return replay(model, parents, slotOf(parents, v.lastHigh, v.lastLow, what), ending, what);
}

/**
 * The states of a path given by fingerprints, from an initial state, replayed through the actions (with a
 * backtracking search, as for a chain of parent links). With `closing`, one more step from the last state to the
 * state with that fingerprint is found too: its label is returned (null when no action takes it: a stutter).
 */
export function replayFingerprints(model: Model, targets: readonly (readonly [number, number])[], what: string, closing?: readonly [number, number]): { trace: TraceStep[]; closingLabel: string | null; closingStep?: TraceStep } {
  let closingStep: TraceStep | undefined;
  const ending: Ending = (last) => {
    if (!closing) return [];
    for (const inst of model.instances) {
      for (const { state, label } of model.labelledSuccessors(inst.run(last), inst.step)) {
        model.encodeAndFingerprint(state, label);
        if (model.fp.high === closing[0] && model.fp.low === closing[1] && model.checks.inModel(last, state, inst.step)) {
          closingStep = stepOf(inst, label, state);
          return [];
        }
      }
    }
    return undefined;
  };
  const trace = replayChain(model, targets, ending, what);
  return closingStep ? { trace, closingLabel: closingStep.label, closingStep } : { trace, closingLabel: null };
}

/** The behaviour from an initial state to the stored state with this fingerprint (for evaluation errors). */
export function behaviourTo(model: Model, parents: ParentLinks, high: number, low: number): TraceStep[] {
  const what = 'the behaviour up to the state where the error happened';
  return replay(model, parents, slotOf(parents, high, low, what), () => [], what);
}
