/**
 * Actors: who takes each action instance, so that a trace can be read (and drawn) as lanes, one per CPU, thread or
 * device, and so that among the shortest counterexamples the one with the fewest switches between lanes can be
 * picked (checker/search/fewest-switches.ts). An instance's actor is computed once, when the instances are made.
 *
 * The default, for an action that declares none, is the instance's first parameter as `name=value` (`p=1`: in the
 * usual spec the first parameter is the process), or, for an action without parameters, one lane named after the
 * spec.
 */
import type { Step } from '../../src/spec.ts';
import { SpecEvalError, describeError } from '../errors.ts';
import { formatValue } from '../output/values.ts';
import { formatParam } from './actions.ts';
import type { Constants } from './constants.ts';

/** The lane of one instance of action `step.action`, whose definition is `def`. */
export function actorOf(specName: string, step: Step, def: Record<string, unknown>, c: Constants): string {
  const declared = def.actor;
  if (declared === undefined) {
    const first = Object.keys(step.params)[0];
    if (first === undefined) return specName;
    const value = step.params[first];
    return `${first}=${typeof value === 'string' ? value : formatParam(value)}`;
  }
  let actor: unknown = declared;
  if (typeof declared === 'function') {
    try {
      actor = (declared as (p: unknown, c: Constants) => unknown)(step.params, c);
    } catch (e) {
      throw new SpecEvalError(`action ${step.label}: its actor function threw ${describeError(e)}`);
    }
  }
  if (typeof actor !== 'string' || actor.length === 0) {
    throw new SpecEvalError(`action ${step.label}: its actor is ${formatValue(actor)}; an actor is a non-empty string, or a function of the action's parameters returning one, such as ({ cpu }) => \`CPU\${cpu}\``);
  }
  return actor;
}

/** The action's `doc`, checked: one line of text. */
export function docOf(name: string, def: Record<string, unknown>): string | undefined {
  const doc = def.doc;
  if (doc === undefined) return undefined;
  if (typeof doc !== 'string') throw new SpecEvalError(`action ${name}: its doc is ${formatValue(doc)}, not a string`);
  return doc;
}

/** The distinct actors of a model's instances, in the order the instances first name them: the lanes of a trace. */
export function lanesOf(instances: readonly { readonly actor: string }[]): { lanes: string[]; laneOf: Int32Array } {
  const lanes: string[] = [];
  const index = new Map<string, number>();
  const laneOf = new Int32Array(instances.length);
  instances.forEach((inst, i) => {
    let k = index.get(inst.actor);
    if (k === undefined) { k = lanes.length; lanes.push(inst.actor); index.set(inst.actor, k); }
    laneOf[i] = k;
  });
  return { lanes, laneOf };
}
