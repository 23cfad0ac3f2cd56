/**
 * The properties a run checks, in one ordered registry: the invariants, then the action properties, then deadlock.
 * A property's position is its rank: the canonical order of violations (checker/search/candidates.ts), the columns of
 * the verdict matrix, the header and the JSON all come from this one list.
 *
 * Which invariants: `--invariant` if given, else the configuration's own list (TLC's INVARIANT lines), else all.
 */
import type { Spec, Step } from '../../src/spec.ts';
import { SpecEvalError, UsageError } from '../errors.ts';

export type PropertyKind = 'invariant' | 'actionProperty' | 'temporal' | 'deadlock';

export interface PropertyInfo {
  readonly name: string;
  readonly kind: PropertyKind;
}

export type InvariantFn = (state: unknown, consts: unknown) => unknown;
export type ActionPropertyFn = (before: unknown, after: unknown, step: Step, consts: unknown) => unknown;

export interface Checked<F> {
  readonly name: string;
  /** The property's position in `Properties.list`. */
  readonly rank: number;
  readonly fn: F;
}

export interface PropertySelection {
  readonly config?: string;
  /** `--invariant`: check only these. */
  readonly invariants?: readonly string[];
  /** `--no-deadlock`. */
  readonly noDeadlock?: boolean;
}

export class Properties {
  readonly invariants: readonly Checked<InvariantFn>[];
  readonly actionProperties: readonly Checked<ActionPropertyFn>[];
  /** The rank of `deadlock`, or -1 when deadlock is not checked. */
  readonly deadlockRank: number;
  /** Every property checked, in rank order. */
  readonly list: readonly PropertyInfo[];

  /** The temporal properties checked (checker/model/temporal.ts), in declaration order. */
  readonly temporal: readonly Checked<null>[];

  constructor(spec: Spec, selection: PropertySelection, temporal: readonly string[] = []) {
    const fromConfig = selection.config !== undefined ? spec.configs?.[selection.config]?.invariants : undefined;
    const wanted = selection.invariants?.length ? selection.invariants : fromConfig;
    const all = Object.entries(spec.invariants ?? {});
    for (const w of wanted ?? []) {
      if (all.some(([n]) => n === w)) continue;
      const known = all.map(([n]) => n).join(', ') || '(none)';
      if (selection.invariants?.length) throw new UsageError(`--invariant ${w}: ${spec.name} has no such invariant. Its invariants: ${known}`);
      throw new SpecEvalError(`configuration ${selection.config} checks invariant ${w}, which ${spec.name} does not define. Its invariants: ${known}`);
    }
    let rank = 0;
    this.invariants = all.filter(([n]) => !wanted || wanted.includes(n))
      .map(([name, fn]) => ({ name, rank: rank++, fn: fn as InvariantFn }));
    this.actionProperties = Object.entries(spec.actionProperties ?? {})
      .map(([name, fn]) => ({ name, rank: rank++, fn: fn as ActionPropertyFn }));
    this.temporal = temporal.map((name) => ({ name, rank: rank++, fn: null }));
    this.deadlockRank = spec.deadlock !== false && !selection.noDeadlock ? rank++ : -1;
    this.list = [
      ...this.invariants.map(({ name }) => ({ name, kind: 'invariant' as const })),
      ...this.actionProperties.map(({ name }) => ({ name, kind: 'actionProperty' as const })),
      ...this.temporal.map(({ name }) => ({ name, kind: 'temporal' as const })),
      ...(this.deadlockRank >= 0 ? [{ name: 'deadlock', kind: 'deadlock' as const }] : []),
    ];
  }

  get checksDeadlock(): boolean { return this.deadlockRank >= 0; }

  rankOf(name: string): number { return this.list.findIndex((p) => p.name === name); }
}

/** Every property name a spec defines, whatever a run selects: what an expectation may name. */
export function definedProperties(spec: Spec): PropertyInfo[] {
  return [
    ...Object.keys(spec.invariants ?? {}).map((name) => ({ name, kind: 'invariant' as const })),
    ...Object.keys(spec.actionProperties ?? {}).map((name) => ({ name, kind: 'actionProperty' as const })),
    ...Object.keys(spec.properties ?? {}).map((name) => ({ name, kind: 'temporal' as const })),
    ...(spec.deadlock !== false ? [{ name: 'deadlock', kind: 'deadlock' as const }] : []),
  ];
}
