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
import { actorOf, docOf } from './actors.ts';

export interface ActionInstance {
  readonly step: Step;
  readonly run: (state: unknown) => unknown;
  /** Who takes it: its lane in a trace (the action's `actor`, or the default of ./actors.ts). */
  readonly actor: string;
  /** The action's one-line `doc`, if any. */
  readonly doc?: string;
}

function cartesian(names: string[], domains: Record<string, readonly unknown[]>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const name of names) {
    const next: Record<string, unknown>[] = [];
    for (const partial of out) for (const value of domains[name]!) next.push({ ...partial, [name]: value });
    out = next;
  }
  return out;
}

/**
 * A parameter value as a label shows it, whole (never elided, so two instances' labels differ when their values
 * do): `1`, `"r1"`, `[0, 1]`, `{type: "2a", bal: 1}`.
 */
export function formatParam(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(formatParam).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${formatParam(x)}`).join(', ')}}`;
  }
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** The label of an instance: `fault(cpu=1, addr=0)`, or the bare name of an action without parameters. */
export function instanceLabel(action: string, params: Params): string {
  const names = Object.keys(params);
  return names.length ? `${action}(${names.map((k) => `${k}=${formatParam(params[k])}`).join(', ')})` : action;
}

/** The label of a successor made by `choice`: the instance's parameters, then the chosen values. */
export function choiceLabel(step: Step, chosen: Params): string {
  return instanceLabel(step.action, { ...step.params, ...chosen });
}

/**
 * Why `v` cannot be a parameter value (undefined when it can): parameters are primitives, and tuples (arrays) and
 * records (plain objects) of them, so that a label shows them and two instances can be compared.
 */
export function paramProblem(v: unknown, at: string): string | undefined {
  switch (typeof v) {
    case 'string': case 'boolean': return undefined;
    case 'number': return Number.isNaN(v) ? `${at} is NaN, which equals nothing` : undefined;
    case 'undefined': return `${at} is undefined`;
    case 'function': case 'symbol': case 'bigint': return `${at} is a ${typeof v}`;
  }
  if (v === null) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = paramProblem(v[i], `${at}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return `${at} is a ${proto?.constructor?.name ?? 'non-plain'} object, not a plain record`;
  for (const [k, x] of Object.entries(v as object)) {
    const p = paramProblem(x, `${at}.${k}`);
    if (p) return p;
  }
  return undefined;
}

/** A canonical key of a parameter value: equal for equal values, whatever a record's field order. */
export function paramKey(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(paramKey).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${paramKey((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** The parameter records of a `{ params, where?, next }` or `{ instances, next }` action, checked. */
function instanceParams(name: string, def: Record<string, unknown>, c: Constants): Record<string, unknown>[] {
  const listed = 'instances' in def && def.instances !== undefined;
  if (listed && def.params !== undefined) throw new SpecEvalError(`action ${name}: give either params (a product of domains) or instances (a list), not both`);
  if (listed && def.where !== undefined) throw new SpecEvalError(`action ${name}: where filters a product of params; filter the instances list itself`);
  if (def.where !== undefined && typeof def.where !== 'function') throw new SpecEvalError(`action ${name}: where must be a function of the parameters`);
  const source = listed ? def.instances : def.params;
  let given: unknown;
  try {
    given = typeof source === 'function' ? (source as (c: Constants) => unknown)(c) : source;
  } catch (e) {
    if (e instanceof SpecEvalError) throw e;
    throw new SpecEvalError(`action ${name}: computing its ${listed ? 'instances' : 'parameter domains'} threw ${describeError(e)}`);
  }
  let list: Record<string, unknown>[];
  if (listed) {
    if (!Array.isArray(given)) throw new SpecEvalError(`action ${name}: instances must be an array of parameter records, got ${formatValue(given)}`);
    given.forEach((p, i) => {
      if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new SpecEvalError(`action ${name}: instance ${i} is ${formatValue(p)}, not a record of parameter values such as { p: 1, q: 2 }`);
    });
    list = (given as Record<string, unknown>[]).map((p) => ({ ...p }));
  } else {
    const domains = (given ?? {}) as Record<string, readonly unknown[]>;
    const names = Object.keys(domains);
    for (const p of names) {
      if (!Array.isArray(domains[p])) throw new SpecEvalError(`action ${name}: the domain of parameter ${p} is not an array`);
    }
    list = cartesian(names, domains);
    const where = def.where as ((p: unknown, c: Constants) => unknown) | undefined;
    if (where) {
      list = list.filter((p) => {
        try {
          return where(p, c) === true;
        } catch (e) {
          throw new SpecEvalError(`action ${name}: its where filter threw ${describeError(e)} on ${instanceLabel(name, p as Params)}`);
        }
      });
    }
  }
  const seen = new Set<string>();
  for (const p of list) {
    for (const [k, v] of Object.entries(p)) {
      const problem = paramProblem(v, k);
      if (problem) throw new SpecEvalError(`action ${name}: parameter ${problem}; a parameter value is a string, number, boolean or null, or an array or plain record of them`);
    }
    const key = paramKey(p);
    if (seen.has(key)) throw new SpecEvalError(`action ${name}: the instance ${instanceLabel(name, p as Params)} is listed twice; every instance must differ from the others in some parameter`);
    seen.add(key);
  }
  return list;
}

export function actionInstances(spec: Spec, c: Constants): ActionInstance[] {
  const instances: ActionInstance[] = [];
  for (const [name, def] of Object.entries(spec.actions ?? {})) {
    if (typeof def === 'function') {
      const step: Step = Object.freeze({ action: name, params: Object.freeze({}), label: name });
      instances.push({ step, run: (s) => def(s, c), actor: spec.name });
      continue;
    }
    if (typeof def !== 'object' || def === null || typeof def.next !== 'function') {
      throw new SpecEvalError(`action ${name}: expected a function, { params, next } or { instances, next }`);
    }
    const next = def.next as (s: unknown, p: Params, c: Constants) => unknown;
    const info = def as unknown as Record<string, unknown>;
    const doc = docOf(name, info);
    for (const p of instanceParams(name, info, c)) {
      const params = deepFreeze(p) as Params;
      const step: Step = Object.freeze({ action: name, params, label: instanceLabel(name, params) });
      const actor = actorOf(spec.name, step, info, c);
      instances.push(doc === undefined ? { step, run: (s) => next(s, params, c), actor } : { step, run: (s) => next(s, params, c), actor, doc });
    }
  }
  return instances;
}
