/**
 * The spec language: what a spec module builds and exports. A spec is a plain object made by `defineSpec`; the
 * checker (checker/) loads it, resolves its constants and explores it. Nothing here runs the search.
 */
import type { Schema } from './schema.ts';
import type { Fairness, TemporalProperty } from './temporal.ts';
import type { SymmetryDecl, SymmetryMode } from './symmetry.ts';

/** A constant's value: constants are scalars so they can be given on the command line (`--const N=4`). */
export type ConstValue = number | string | boolean;

/** A constant declared with its default and, optionally, the only values it may take. */
export interface ConstDecl<T extends ConstValue = ConstValue> {
  readonly default: T;
  readonly values?: readonly T[];
  readonly doc?: string;
}

export type ConstInput = ConstValue | ConstDecl;
type Widen<T> = T extends number ? number : T extends string ? string : T extends boolean ? boolean : T;
/** The resolved constant values a spec's functions receive. */
export type ConstValues<CI extends Record<string, ConstInput>> = {
  readonly [K in keyof CI]: CI[K] extends { readonly values: readonly (infer T)[] }
    ? T
    : CI[K] extends ConstDecl<infer T> ? Widen<T> : Widen<CI[K]>;
};

/** Declares a constant whose value must be one of `values`: `version: oneOf(['V0', 'V1'], 'V1')`. */
export function oneOf<const T extends ConstValue>(values: readonly T[], defaultValue: T, doc?: string): ConstDecl<T> & { readonly values: readonly T[] } {
  if (!values.includes(defaultValue)) throw new Error(`oneOf: the default ${String(defaultValue)} is not among the values`);
  return doc === undefined ? { default: defaultValue, values } : { default: defaultValue, values, doc };
}

/**
 * One successor of a choice over the state (TLA+ `\E m \in msgs : Receive(m)`), with the values that tell it from
 * its siblings: the trace shows them after the instance's own parameters, `RcvPrepared(rm="r2")`. Made by `choice`.
 */
/**
 * Choices are recognised by this brand, not by `instanceof`: a spec loaded through another module instance of
 * tlats (a test harness, a second loader) makes Choices of another class object.
 */
const CHOICE_BRAND = Symbol.for('tlats.choice');

export class Choice<S> {
  readonly [CHOICE_BRAND] = true;
  constructor(readonly params: Params, readonly state: S) {}
}

/** True for a value made by `choice`, whichever copy of tlats made it. */
export function isChoice(x: unknown): x is Choice<unknown> {
  return typeof x === 'object' && x !== null && (x as { [CHOICE_BRAND]?: unknown })[CHOICE_BRAND] === true;
}

/** A successor labelled with the values chosen: `choice({ m }, { ...s, msgs: s.msgs.remove(m) })`. */
export function choice<S>(params: Params, state: S): Choice<S> {
  return new Choice(params, state);
}

/** What an action gives for one state: no successor (null, undefined, false), one state, or several. */
export type Successors<S> = S | Choice<S> | readonly (S | Choice<S>)[] | null | undefined | false;

/** A primitive parameter value. */
export type ParamPrimitive = string | number | boolean | null;
/** The value a parameter ranges over: a primitive, or a tuple (array) or record (plain object) of such values. */
export type ParamValue = ParamPrimitive | readonly ParamValue[] | { readonly [field: string]: ParamValue };
export type Params = Readonly<Record<string, ParamValue>>;

/** A step of a behaviour, as action properties and the action constraint see it. */
export interface Step {
  /** The action's name. */
  readonly action: string;
  /** The parameter values of this instance (empty for an action without parameters). */
  readonly params: Params;
  /** How traces show it: `fault(cpu=1)`. */
  readonly label: string;
}

/** An action without parameters: a function from a state to its successors. */
export type SimpleAction<S, C> = (state: S, consts: C) => Successors<S>;

type Domains<P> = { readonly [K in keyof P]: readonly P[K][] };

/**
 * Who takes an action, and what it does, for the people reading a trace. `actor` names the lane a step is drawn
 * in (a CPU, a thread, the device): a string, or a function of the instance's parameters, such as
 * `({ cpu }) => \`CPU${cpu}\``. Without it, the lane is the instance's first parameter (`p=1`), or, for an action
 * without parameters, one lane named after the spec. Among the shortest counterexamples, the one reported has the
 * fewest switches between actors. `doc` is one line shown beside the step: "try_to_unmap_one: clear the pte".
 */
export interface ActionInfo<C, P extends Params = Params> {
  readonly actor?: string | ((params: P, consts: C) => string);
  readonly doc?: string;
}

/**
 * An action over a product of finite parameter domains (TLA+ `\E p \in P, q \in Q : A(p, q)`); every combination
 * is one instance, or only those `where` accepts (`\E <<p, q>> \in P \X P : p # q /\ A(p, q)`).
 */
export interface ProductAction<S, C, P extends Params = Params> extends ActionInfo<C, P> {
  /** The parameters' domains; absent for an action without parameters written as `{ next, actor, doc }`. */
  readonly params?: Domains<P> | ((consts: C) => Domains<P>);
  /** Keeps only the combinations it accepts; evaluated once, when the instances are made. */
  readonly where?: (params: P, consts: C) => boolean;
  readonly instances?: never;
  readonly next: (state: S, params: P, consts: C) => Successors<S>;
}

/** An action whose instances are listed (TLA+ `\E x \in S : A(x)` for any finite set S of records or tuples). */
export interface ListAction<S, C, P extends Params = Params> extends ActionInfo<C, P> {
  /** One entry per instance, each a record of parameter values; no two may be equal. */
  readonly instances: readonly P[] | ((consts: C) => readonly P[]);
  readonly params?: never;
  readonly where?: never;
  readonly next: (state: S, params: P, consts: C) => Successors<S>;
}

export type ParamAction<S, C, P extends Params = Params> = ProductAction<S, C, P> | ListAction<S, C, P>;

export type ActionDef<S, C, P extends Params = Params> = SimpleAction<S, C> | ParamAction<S, C, P>;

/**
 * What checking one configuration must find: the invariant regression suite compares it with the run.
 * `violated` maps each property that must be violated (an invariant, an action property, a temporal property, or
 * `deadlock`) to the number of states of its shortest counterexample (for a temporal property, the states of its
 * lasso, prefix and cycle together), or to `true` when only the verdict is known (a temporal property whose shortest
 * lasso no independent source gives); every property not named must hold.
 */
export interface Expectation<P extends string = string> {
  /** Where the figures come from: TLC's published counts, or the path of a written hand analysis. Never the tool itself. */
  readonly source: string;
  readonly distinct?: number;
  readonly generated?: number;
  /** TLC's depth: the initial states are depth 1. */
  readonly depth?: number;
  readonly violated?: Readonly<Partial<Record<P | 'deadlock', number | true>>>;
}

/** A named configuration: constant values (like a TLC .cfg file) and, optionally, what checking it must find. */
export interface ConfigDef<C, I extends string = string, A extends string = string> {
  readonly constants?: Partial<C>;
  /** The invariants this configuration checks (TLC's INVARIANT list in a .cfg); all of them when absent. */
  readonly invariants?: readonly I[];
  /** The temporal properties it checks (TLC's PROPERTY list); all of them when absent. */
  readonly properties?: readonly string[];
  /** The fairness conditions of its behaviours (the fairness of TLC's SPECIFICATION formula); all when absent. */
  readonly fairness?: readonly string[];
  readonly expect?: Expectation<I | A>;
  /**
   * Symmetry reduction for this configuration (TLC's SYMMETRY line in a .cfg): `exact` or `fast` over the sets the
   * spec declares in `symmetry`; `off` (the default) explores every state. `--symmetry` overrides it.
   */
  readonly symmetry?: SymmetryMode;
  readonly doc?: string;
}

type OrFn<T, C> = T | ((consts: C) => T);

/** The property names a spec declares; none declared (or not known): any name, nothing to check against. */
type Names<P extends string> = [P] extends [never] ? string : P;

/**
 * A spec as written. `I` and `A` are the names of its invariants and action properties, inferred from the keys of
 * `invariants` and `actionProperties`, so that a configuration's `invariants` list and an expectation's `violated`
 * map naming a property that does not exist are type errors.
 */
export interface SpecDefinition<S, CI extends Record<string, ConstInput>, C = ConstValues<CI>, I extends string = string, A extends string = string, T extends string = string> {
  readonly name: string;
  readonly description?: string;
  readonly constants?: CI;
  /** Named configurations. A spec with several is checked as a verdict matrix when no `--config` is given. */
  readonly configs?: Readonly<Record<string, ConfigDef<C, NoInfer<Names<I>>, NoInfer<Names<I | A | T>>>>>;
  /** What checking the default constants must find (for a spec without configurations). */
  readonly expect?: Expectation<NoInfer<Names<I | A | T>>>;
  /** The typed shape of every state: checked on every state, and it selects the fast packed encoding. */
  readonly schema?: OrFn<Schema, C>;
  /** The initial state, or several. */
  readonly init: (consts: C) => S | readonly S[];
  readonly actions: Readonly<Record<string, ActionDef<S, C, any>>>;
  /** State predicates checked on every distinct state, initial states included (TLC INVARIANT). */
  readonly invariants?: Readonly<Record<I, (state: S, consts: C) => boolean>>;
  /** Predicates over every step (TLA+ `[][A]_v`, TLC action PROPERTY). */
  readonly actionProperties?: Readonly<Record<A, (before: S, after: S, step: Step, consts: C) => boolean>>;
  /** Fairness conditions (TLA+ `WF_vars(A)`, `SF_vars(A)` in the spec's formula): `wf(...)`, `sf(...)`. */
  readonly fairness?: Readonly<Record<string, Fairness<S, C>>>;
  /** Temporal properties (TLC PROPERTY): `leadsTo`, `eventually`, `alwaysEventually`, ... (src/temporal.ts). */
  readonly properties?: Readonly<Record<T, TemporalProperty<S, C>>>;
  /** TLC CONSTRAINT: a successor outside it is generated and checked, but never stored or expanded. */
  readonly constraint?: (state: S, consts: C) => boolean;
  /** TLC ACTION_CONSTRAINT: the same, for steps. */
  readonly actionConstraint?: (before: S, after: S, step: Step, consts: C) => boolean;
  /** TLC VIEW: what the fingerprint covers; states with equal views are one state. */
  readonly view?: (state: S, consts: C) => unknown;
  /**
   * Sets of interchangeable ids and where they occur in the state (src/symmetry.ts). Used only when the run asks
   * for it: a configuration's `symmetry`, or `--symmetry exact|fast`.
   */
  readonly symmetry?: SymmetryDecl<C>;
  /** Check for deadlock (a state with no successor at all). On unless set to false. */
  readonly deadlock?: boolean;
}

/**
 * A defined spec: the definition with a brand the loader recognises. Its property names are widened (`any`), so
 * that a defined spec can be spread into another `defineSpec` (a variant with other fairness or constants).
 */
export type Spec<S = any, C = any> = SpecDefinition<S, any, C, any, any, any> & { readonly __tlats: 1 };

/**
 * Defines a spec. The state type comes from `init`, the constants' types from their defaults, so a mistake in
 * an action or an invariant shows in the editor.
 */
export function defineSpec<S, const CI extends Record<string, ConstInput> = {}, I extends string = never, A extends string = never, T extends string = never>(
  def: SpecDefinition<S, CI, ConstValues<CI>, I, A, T>,
): Spec<S, ConstValues<CI>> {
  const spec = { ...def, __tlats: 1 } as Spec<S, ConstValues<CI>>;
  // The module that called defineSpec: a spec object handed to `check()` is checked by worker threads, which must
  // import that module themselves (no function crosses threads). Not enumerable: a spread copy (a variant) is made
  // in its own module, which records itself when it calls defineSpec in turn.
  const file = callerFile(new Error().stack);
  if (file) Object.defineProperty(spec, SPEC_FILE, { value: file, enumerable: false });
  return spec;
}

/** Where defineSpec records the file of the module that defined a spec (see specFileOf). */
const SPEC_FILE = Symbol.for('tlats.specFile');

/** The file of the module that defined `spec` with defineSpec, when the call stack showed it. */
export function specFileOf(spec: object): string | undefined {
  return (spec as { [SPEC_FILE]?: string })[SPEC_FILE];
}

const ownFile = decodeURIComponent(new URL(import.meta.url).pathname);

/** The first stack frame below defineSpec's own: `at file:///x/y.ts:3:14` or `at fn (/x/y.ts:3:14)`. */
function callerFile(stack: string | undefined): string | undefined {
  const frames = stack?.split('\n').slice(1) ?? [];
  for (const frame of frames) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/.exec(frame);
    if (!m) continue;
    const path = m[1]!.startsWith('file://') ? decodeURIComponent(new URL(m[1]!).pathname) : m[1]!;
    if (path === ownFile) continue;
    return path;
  }
  return undefined;
}

/** Declares a parameterised action with its parameter types inferred from the domains. */
export function action<S, C, P extends Params>(def: ProductAction<S, C, P>): ProductAction<S, C, P>;
export function action<S, C, P extends Params>(def: ListAction<S, C, P>): ListAction<S, C, P>;
export function action<S, C, P extends Params>(def: ParamAction<S, C, P>): ParamAction<S, C, P> {
  return def;
}

/** Every ordered pair of distinct elements of `xs` (TLA+ `{<<p, q>> \in S \X S : p # q}`), as `{ p, q }` records. */
export function distinctPairs<T extends ParamValue>(xs: readonly T[]): { p: T; q: T }[] {
  const out: { p: T; q: T }[] = [];
  for (const p of xs) for (const q of xs) if (p !== q) out.push({ p, q });
  return out;
}

/** 0..n-1, the usual process index set. */
export function range(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(i);
  return out;
}

/** lo..hi inclusive. */
export function interval(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) out.push(i);
  return out;
}

/** A copy of `array` with index `i` set to `value` (TLA+ `[f EXCEPT ![i] = v]` for plain arrays). */
export function except<T>(array: readonly T[], i: number, value: T): T[] {
  const copy = array.slice();
  copy[i] = value;
  return copy;
}

const membersCache = new Map<string, readonly string[]>();
/**
 * The members of a set-valued constant written as a comma-separated list (TLA+ `RM = {r1, r2, r3}` as the string
 * constant "r1,r2,r3", so it can be set with `--const RM=r1,r2`). Cached: cheap to call from actions.
 */
export function members(list: string): readonly string[] {
  let ids = membersCache.get(list);
  if (ids === undefined) {
    ids = list.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
    membersCache.set(list, ids);
  }
  return ids;
}
