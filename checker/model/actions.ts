/**
 * Action instances: the spec's actions flattened into one list, one entry per action without parameters and one
 * per combination of parameter values (TLA+ `\E p \in P : A(p)`), each with its trace label computed once. The
 * list's order (declaration order, then the parameters' domains in order) is the order in which every expander
 * tries the instances, so a state's successors always come in the same order.
 */
import type { Params, Spec, Step } from '../../src/spec.ts';
import { SpecEvalError, describeError } from '../errors.ts';
import { formatValue } from '../output/values.ts';
import type { Constants } from './constants.ts';

export interface ActionInstance {
  readonly step: Step;
  readonly run: (state: unknown) => unknown;
}

function cartesian(names: string[], domains: Record<string, readonly unknown[]>): Params[] {
  let out: Record<string, unknown>[] = [{}];
  for (const name of names) {
    const next: Record<string, unknown>[] = [];
    for (const partial of out) for (const value of domains[name]!) next.push({ ...partial, [name]: value });
    out = next;
  }
  return out.map((p) => Object.freeze(p) as Params);
}

/** The label of an instance: `fault(cpu=1, addr=0)`, or the bare name of an action without parameters. */
export function instanceLabel(action: string, params: Params): string {
  const names = Object.keys(params);
  return names.length ? `${action}(${names.map((k) => `${k}=${formatValue(params[k])}`).join(', ')})` : action;
}

export function actionInstances(spec: Spec, c: Constants): ActionInstance[] {
  const instances: ActionInstance[] = [];
  for (const [name, def] of Object.entries(spec.actions ?? {})) {
    if (typeof def === 'function') {
      const step: Step = Object.freeze({ action: name, params: Object.freeze({}), label: name });
      instances.push({ step, run: (s) => def(s, c) });
      continue;
    }
    if (typeof def !== 'object' || def === null || typeof def.next !== 'function') {
      throw new SpecEvalError(`action ${name}: expected a function or { params, next }`);
    }
    let domains: Record<string, readonly unknown[]>;
    try {
      domains = (typeof def.params === 'function' ? def.params(c) : def.params) as Record<string, readonly unknown[]>;
    } catch (e) {
      if (e instanceof SpecEvalError) throw e;
      throw new SpecEvalError(`action ${name}: computing its parameter domains threw ${describeError(e)}`);
    }
    const names = Object.keys(domains ?? {});
    for (const p of names) {
      if (!Array.isArray(domains[p])) throw new SpecEvalError(`action ${name}: the domain of parameter ${p} is not an array`);
    }
    const next = def.next;
    for (const params of cartesian(names, domains)) {
      const step: Step = Object.freeze({ action: name, params, label: instanceLabel(name, params) });
      instances.push({ step, run: (s) => next(s, params, c) });
    }
  }
  return instances;
}
