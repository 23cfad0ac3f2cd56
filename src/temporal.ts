/**
 * Fairness and temporal properties: the liveness half of the spec language.
 *
 * Fairness (TLA+ WF/SF). `wf(actions)` and `sf(actions)` make a fairness condition on a set of actions: one action
 * by name, several (`['Raise', 'Wait']`), or every action (`Next`, TLA+ `WF_vars(Next)`). By default the condition
 * is on the disjunction of all their instances (`WF_vars(\E p \in P : A(p))`); `each: 'p'` makes one condition per
 * value of parameter p (`\A p \in P : WF_vars(A(p))`), `each: true` one per instance. `when` adds a guard (TLA+
 * `WF_vars(G /\ A)`). TLA+ semantics exactly: the action is *enabled* in a state when one of its instances (whose
 * guard holds) has a successor different from that state (`ENABLED <<A>>_vars`, counted over every successor,
 * also those a CONSTRAINT drops, as TLC does), and *occurs* on a step that changes the state and that one of its
 * instances can take.
 *
 * Temporal properties. Every behaviour may stutter forever (TLA+): a state where nothing fair is enabled can be the
 * end of a behaviour. The forms:
 *
 *   eventually(P)            <>P
 *   alwaysEventually(P)      []<>P
 *   eventuallyAlways(P)      <>[]P
 *   leadsTo(P, Q)            P ~> Q
 *   infinitelyOften(steps)   []<><<A>>_vars: steps of A occur infinitely often
 *   eventuallyNever(steps)   <>[][~A]_vars: from some point on, no step of A
 *   weaklyFair(a), stronglyFair(a)   WF_vars(A), SF_vars(A) as properties (of an action given by name, or by its
 *                            ENABLED predicate and its steps, as when the action belongs to a refined spec)
 *   implies(assumptions, φ)  (L1 /\ ... /\ Lk) => φ, where each Li is initially(P) (P holds in the initial state),
 *                            alwaysEventually, eventuallyAlways, infinitelyOften or eventuallyNever
 *   forAll(params, build)    \A p \in P : φ(p), checked and reported per value: `starvationFree(i=2)`
 *
 * P and Q are state predicates `(state, consts) => boolean`. Steps are action names (`'SendMsg'`), `Next`, or a
 * step predicate `(before, after, step, consts) => boolean`; a step that changes nothing is never one of them.
 */
import type { Step } from './spec.ts';

/** Every action of the spec: TLA+ `Next`. */
export const Next = '\u0000Next' as const;
export type AllActions = typeof Next;

export type StatePredicate<S, C> = (state: S, consts: C) => boolean;
export type StepPredicate<S, C> = (before: S, after: S, step: Step, consts: C) => boolean;

/** A set of actions: one name, several, or `Next`. */
export type ActionSet = string | readonly string[] | AllActions;

export interface FairnessOptions<S, C> {
  /** One condition per value of these parameters (`'p'`, `['c', 'r']`), or per instance (`true`). */
  readonly each?: string | readonly string[] | true;
  /** A guard: the fair action is `when /\ A` (TLA+ `WF_vars(unsat[c] = {} /\ Return(c))`). */
  readonly when?: (state: S, params: Readonly<Record<string, unknown>>, consts: C) => boolean;
}

export interface Fairness<S = any, C = any> {
  readonly kind: 'weak' | 'strong';
  readonly actions: ActionSet;
  readonly each?: string | readonly string[] | true;
  readonly when?: FairnessOptions<S, C>['when'];
}

/** Weak fairness (TLA+ `WF_vars(A)`): an action enabled forever from some point on eventually occurs. */
export function wf<S = any, C = any>(actions: ActionSet, options: FairnessOptions<S, C> = {}): Fairness<S, C> {
  return { kind: 'weak', actions, ...options };
}

/** Strong fairness (TLA+ `SF_vars(A)`): an action enabled infinitely often occurs infinitely often. */
export function sf<S = any, C = any>(actions: ActionSet, options: FairnessOptions<S, C> = {}): Fairness<S, C> {
  return { kind: 'strong', actions, ...options };
}

/** Steps: action names or `Next` (a step one of their instances can take), or a predicate on steps. */
export type Steps<S, C> = ActionSet | StepPredicate<S, C>;

/** An action given by its ENABLED predicate and its steps (for an action of a refined spec, TLC's `TD!Spec`). */
export interface ActionLike<S, C> {
  readonly enabled: StatePredicate<S, C>;
  readonly steps: Steps<S, C>;
}

export type Temporal<S = any, C = any> =
  | { readonly form: 'eventually'; readonly p: StatePredicate<S, C> }
  | { readonly form: 'alwaysEventually'; readonly p: StatePredicate<S, C> }
  | { readonly form: 'eventuallyAlways'; readonly p: StatePredicate<S, C> }
  | { readonly form: 'leadsTo'; readonly p: StatePredicate<S, C>; readonly q: StatePredicate<S, C> }
  | { readonly form: 'infinitelyOften'; readonly steps: Steps<S, C> }
  | { readonly form: 'eventuallyNever'; readonly steps: Steps<S, C> }
  | { readonly form: 'fair'; readonly kind: 'weak' | 'strong'; readonly action: ActionSet | ActionLike<S, C> }
  | { readonly form: 'implies'; readonly assumptions: readonly Assumption<S, C>[]; readonly then: Temporal<S, C> };

/** What `implies` may assume. */
export type Assumption<S = any, C = any> =
  | { readonly form: 'initially'; readonly p: StatePredicate<S, C> }
  | Extract<Temporal<S, C>, { form: 'alwaysEventually' | 'eventuallyAlways' | 'infinitelyOften' | 'eventuallyNever' }>;

/**
 * A temporal property, or a family of them (one per value of its parameters), or a function of the constants that
 * gives one (when its shape depends on them, e.g. a conjunction over 0..N-1).
 */
export type TemporalProperty<S = any, C = any> =
  | Temporal<S, C>
  | ((consts: C) => Temporal<S, C>)
  | {
    readonly form: 'forAll';
    readonly params: Readonly<Record<string, readonly unknown[]>> | ((consts: C) => Readonly<Record<string, readonly unknown[]>>);
    readonly body: (params: any) => Temporal<S, C>;
  };

/** TLA+ `<>P`: every behaviour reaches a state where P holds. */
export const eventually = <S, C = any>(p: StatePredicate<S, C>): Temporal<S, C> => ({ form: 'eventually', p });
/** TLA+ `[]<>P`: P holds infinitely often. */
export const alwaysEventually = <S, C = any>(p: StatePredicate<S, C>): Temporal<S, C> & Assumption<S, C> => ({ form: 'alwaysEventually', p });
/** TLA+ `<>[]P`: from some point on, P holds for ever. */
export const eventuallyAlways = <S, C = any>(p: StatePredicate<S, C>): Temporal<S, C> & Assumption<S, C> => ({ form: 'eventuallyAlways', p });
/** TLA+ `P ~> Q`: whenever P holds, Q holds then or later. */
export const leadsTo = <S, C = any>(p: StatePredicate<S, C>, q: StatePredicate<S, C>): Temporal<S, C> => ({ form: 'leadsTo', p, q });
/** TLA+ `[]<><<A>>_vars`: steps of A occur infinitely often. */
export const infinitelyOften = <S, C = any>(steps: Steps<S, C>): Temporal<S, C> & Assumption<S, C> => ({ form: 'infinitelyOften', steps });
/** TLA+ `<>[][~A]_vars`: from some point on, no step is a step of A. */
export const eventuallyNever = <S, C = any>(steps: Steps<S, C>): Temporal<S, C> & Assumption<S, C> => ({ form: 'eventuallyNever', steps });
/** TLA+ `WF_vars(A)` as a property to check (not an assumption). */
export const weaklyFair = <S, C = any>(action: ActionSet | ActionLike<S, C>): Temporal<S, C> => ({ form: 'fair', kind: 'weak', action });
/** TLA+ `SF_vars(A)` as a property to check. */
export const stronglyFair = <S, C = any>(action: ActionSet | ActionLike<S, C>): Temporal<S, C> => ({ form: 'fair', kind: 'strong', action });
/** An assumption of `implies`: P holds in the initial state. */
export const initially = <S, C = any>(p: StatePredicate<S, C>): Assumption<S, C> => ({ form: 'initially', p });
/** `(L1 /\ ... /\ Lk) => φ`. */
export const implies = <S, C = any>(assumptions: Assumption<S, C> | readonly Assumption<S, C>[], then: Temporal<S, C>): Temporal<S, C> =>
  ({ form: 'implies', assumptions: Array.isArray(assumptions) ? assumptions : [assumptions as Assumption<S, C>], then });

/** TLA+ `\A p \in P : φ(p)`, checked per value (each failing one is reported with its values). */
export function forAll<S, C, P extends Record<string, unknown>>(
  params: { readonly [K in keyof P]: readonly P[K][] } | ((consts: C) => { readonly [K in keyof P]: readonly P[K][] }),
  body: (params: P) => Temporal<S, C>,
): TemporalProperty<S, C> {
  return { form: 'forAll', params, body } as unknown as TemporalProperty<S, C>;
}
