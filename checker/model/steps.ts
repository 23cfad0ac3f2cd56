/**
 * The checks made on every generated state and step, in one place for every driver (the main thread's and the
 * workers' expanders) and for trace replay, so that a replayed counterexample is judged by exactly the rules that
 * found it. Each spec predicate must return exactly true or false; anything else, or a throw, is an evaluation
 * error that names the predicate.
 *
 * TLC's semantics (tlc2/tool/Worker.java): a successor is *in the model* when it satisfies the state constraint and
 * its step satisfies the action constraint; invariants are checked on new states and on successors outside the
 * model; action properties on every step.
 */
import type { Spec, Step } from '../../src/spec.ts';
import { SpecEvalError } from '../errors.ts';
import { formatValue } from '../output/values.ts';
import type { Constants } from './constants.ts';
import { evaluationError } from './evaluation.ts';
import type { Properties } from './properties.ts';

export class StepChecks {
  private readonly constraint: Spec['constraint'];
  private readonly actionConstraint: Spec['actionConstraint'];

  constructor(spec: Spec, private readonly consts: Constants, readonly properties: Properties, private readonly specFile?: string) {
    this.constraint = spec.constraint;
    this.actionConstraint = spec.actionConstraint;
  }

  private predicate(r: unknown, what: string, state: unknown): boolean {
    if (r === true) return true;
    if (r === false) return false;
    throw new SpecEvalError(`${what} returned ${formatValue(r)}, not a boolean, in the state\n${formatValue(state, { indent: 2 })}`);
  }

  /** Whether the successor `to` (reached by `step` from `from`; no step for an initial state) is inside the model. */
  inModel(from: unknown, to: unknown, step: Step | undefined): boolean {
    const c = this.consts;
    try {
      if (this.constraint && !this.predicate(this.constraint(to, c), 'the state constraint', to)) return false;
      if (step && this.actionConstraint) {
        return this.predicate(this.actionConstraint(from, to, step, c), `the action constraint on ${step.label}`, to);
      }
      return true;
    } catch (e) {
      throw evaluationError('evaluating the constraint', e, this.specFile, to);
    }
  }

  /** Whether invariant number `i` (of properties.invariants) holds in `state`. */
  invariantHolds(i: number, state: unknown): boolean {
    const inv = this.properties.invariants[i]!;
    try {
      return this.predicate(inv.fn(state, this.consts), `invariant ${inv.name}`, state);
    } catch (e) {
      throw evaluationError(`evaluating invariant ${inv.name}`, e, this.specFile, state);
    }
  }

  /** Whether action property number `i` holds on the step `from` → `to`. */
  actionPropertyHolds(i: number, from: unknown, to: unknown, step: Step): boolean {
    const prop = this.properties.actionProperties[i]!;
    try {
      return this.predicate(prop.fn(from, to, step, this.consts), `action property ${prop.name}`, to);
    } catch (e) {
      throw evaluationError(`evaluating action property ${prop.name} on ${step.label}`, e, this.specFile, from);
    }
  }
}
