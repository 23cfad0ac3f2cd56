/**
 * Action coverage as a run reports it: the search's per-instance counters (checker/search/expander.ts) named and
 * summed per action, in declaration order. "enabled" counts the expanded states in which the instance had at least
 * one successor; "generated" its successors (constraint-cut ones included, as TLC counts them); "distinct" the new
 * states it was the first to reach, so that the distinct column sums, with the initial states, to the run's
 * distinct count. Which of two instances reaching one new state in the same level is first depends on the order of
 * expansion: with several workers, that column can differ between runs (as TLC's does); the other two cannot.
 */
import type { Model } from '../model/model.ts';
import { C_DISTINCT, C_ENABLED, C_GENERATED, COVERAGE } from '../search/expander.ts';
import type { Coverage } from '../search/types.ts';

export interface Counts {
  readonly enabled: number;
  readonly generated: number;
  readonly distinct: number;
}

export interface InstanceCoverage extends Counts { readonly label: string }

export interface ActionCoverage extends Counts {
  readonly action: string;
  readonly instances: readonly InstanceCoverage[];
}

export interface CoverageReport {
  readonly initial: { readonly generated: number; readonly distinct: number };
  readonly actions: readonly ActionCoverage[];
}

export function coverageReport(model: Model, c: Coverage): CoverageReport {
  const byAction = new Map<string, InstanceCoverage[]>();
  for (const name of Object.keys(model.spec.actions ?? {})) byAction.set(name, []);
  model.instances.forEach((inst, i) => {
    byAction.get(inst.step.action)!.push({
      label: inst.step.label,
      enabled: c.perInstance[COVERAGE * i + C_ENABLED]!,
      generated: c.perInstance[COVERAGE * i + C_GENERATED]!,
      distinct: c.perInstance[COVERAGE * i + C_DISTINCT]!,
    });
  });
  const sum = (xs: readonly Counts[], k: keyof Counts) => xs.reduce((n, x) => n + x[k], 0);
  return {
    initial: { generated: c.initialGenerated, distinct: c.initialDistinct },
    actions: [...byAction].map(([action, instances]) => ({
      action, instances, enabled: sum(instances, 'enabled'), generated: sum(instances, 'generated'), distinct: sum(instances, 'distinct'),
    })),
  };
}

/** The actions no explored state enabled (an action with no instances at all, an empty domain, counts too). */
export function neverEnabled(r: CoverageReport): string[] {
  return r.actions.filter((a) => a.enabled === 0).map((a) => a.action);
}
