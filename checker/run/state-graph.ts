/**
 * The explored state graph as values, for `--dot`: every state the search stored, every step between them with its
 * action label, the initial states. It is explored again here, by a plain breadth-first search over the same model
 * (same constraints, same view, same depth bound), rather than kept during the main search: the main search stores
 * only fingerprints and parent links, and a graph small enough to draw costs nothing to explore twice. Refused
 * beyond `limit` states, before drawing would become unreadable (and before memory matters).
 */
import { UsageError } from '../errors.ts';
import type { Model } from '../model/model.ts';

export interface GraphNode {
  readonly id: number;
  readonly state: unknown;
  readonly initial: boolean;
}

export interface GraphEdge {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

export interface StateGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Node id by fingerprint (`high:low`), to find a trace's states. */
  readonly idOf: ReadonlyMap<string, number>;
}

/** The largest graph `--dot` draws. */
export const DOT_MAX_STATES = 10_000;

export function fingerprintKey(model: Model, state: unknown, who: string): string {
  model.encodeAndFingerprint(state, who);
  return `${model.fp.high}:${model.fp.low}`;
}

export function exploreStateGraph(model: Model, maxDepth: number | undefined, limit = DOT_MAX_STATES): StateGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const idOf = new Map<string, number>();
  const tooBig = () => new UsageError(`--dot: the state graph has more than ${limit.toLocaleString('en-US')} states, too many to draw; give smaller constants or --max-depth (it draws the levels explored)`);
  const add = (state: unknown, initial: boolean, who: string): number | undefined => {
    const key = fingerprintKey(model, state, who);
    const seen = idOf.get(key);
    if (seen !== undefined) return seen;
    if (nodes.length >= limit) throw tooBig();
    const id = nodes.length;
    idOf.set(key, id);
    nodes.push({ id, state, initial });
    return id;
  };
  let level: number[] = [];
  for (const s of model.initialStates()) {
    if (!model.checks.inModel(undefined, s, undefined)) continue;
    const before = nodes.length;
    const id = add(s, true, 'the initial state')!;
    if (nodes.length > before) level.push(id);
  }
  for (let depth = 1; level.length > 0 && (maxDepth === undefined || depth < maxDepth); depth++) {
    const next: number[] = [];
    for (const id of level) {
      const from = nodes[id]!.state;
      for (const inst of model.instances) {
        let r: unknown;
        try {
          r = inst.run(from);
        } catch (e) {
          throw model.evalError(`evaluating action ${inst.step.label}`, e, from);
        }
        for (const { state: to, label } of model.labelledSuccessors(r, inst.step)) {
          if (!model.checks.inModel(from, to, inst.step)) continue;
          const before = nodes.length;
          const target = add(to, false, label)!;
          if (nodes.length > before) next.push(target);
          edges.push({ from: id, to: target, label });
        }
      }
    }
    level = next;
  }
  return { nodes, edges, idOf };
}
