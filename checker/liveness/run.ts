/**
 * The liveness phase of a run: once the search has explored the whole graph, every temporal property instance of
 * the model's liveness plan is checked on the behaviour graph (./check.ts), and each violated one gets its lasso as
 * a list of states (./graph.ts ids).
 */
import type { LivenessPlan } from '../model/temporal.ts';
import { checkPattern, Workspace, type Lasso } from './check.ts';
import type { BehaviourGraph } from './graph.ts';

export interface TemporalFinding {
  /** The index of the instance in plan.properties. */
  readonly instance: number;
  readonly lasso: Lasso;
}

/** Checks the instances numbered `which` (all by default), in order. */
export function checkInstances(graph: BehaviourGraph, plan: LivenessPlan, which?: readonly number[]): TemporalFinding[] {
  const fairness = plan.fairnessBits();
  const ws = new Workspace(graph.n);
  const out: TemporalFinding[] = [];
  for (const i of which ?? plan.properties.map((_, j) => j)) {
    const v = checkPattern(graph, plan.properties[i]!.pattern, fairness, ws);
    if (v.violated) out.push({ instance: i, lasso: v.lasso });
  }
  return out;
}
