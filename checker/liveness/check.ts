/**
 * Checking one temporal property on the behaviour graph (./graph.ts): is there a fair behaviour that violates it,
 * and if so, a lasso that shows one.
 *
 * Every property form is compiled (checker/model/temporal.ts) into the shape of its counterexample, a `Pattern`:
 *
 *   a behaviour that starts in an initial state satisfying `init`, reaches a *trigger* state (satisfying
 *   `trigger`; without one, the initial state itself), from there on stays in states satisfying `suffix`, and ends
 *   in a cycle whose states satisfy `cycle`, whose steps carry none of the `exclude` bits, which visits a state of
 *   every `buchiNodes` set and takes a step of every `buchiEdges` set, and which is fair: for every weak fairness
 *   condition, the action is disabled in some state of the cycle or occurs on it; for every strong one, it is
 *   disabled in every state of the cycle or occurs on it.
 *
 * Stuttering: every state may stutter, and a stutter step is no action's step. A cycle of one state is the state
 * stuttering for ever: fair when no fair action is enabled there.
 *
 * The algorithm (docs/design.md, "Liveness"): one Tarjan pass over the subgraph of `suffix` states. As each
 * strongly connected component completes, the fair components inside it are marked: the sub-components of its
 * `cycle` states over the allowed steps, refined for strong fairness as in Emerson–Lei / Streett emptiness (a
 * component where a strongly fair action is enabled but never occurs can only hold fair cycles among the states
 * where it is disabled, so the search recurses into those). Components complete sinks first, so whether a
 * component reaches a fair one is known from its successors. Then a breadth-first search from the initial states
 * finds the first trigger state that reaches a fair component, a second one the first fair state from there, and
 * the cycle is built inside that fair component by breadth-first searches that discharge each obligation in turn.
 * Every choice follows the initial states' order and each state's successor order, never the numbering, so the
 * lasso is the same for any worker count.
 */
import type { BehaviourGraph } from './graph.ts';

/** A node bit and the value it must have. */
export interface Literal { readonly bit: number; readonly value: boolean }

export interface FairnessBits {
  readonly kind: 'weak' | 'strong';
  /** Node bit: the action is enabled in the state. */
  readonly enabled: number;
  /** Edge bit: the step is one of the action's. */
  readonly occurs: number;
}

export interface Pattern {
  readonly init: readonly Literal[];
  /** null: the suffix starts at the initial state. */
  readonly trigger: readonly Literal[] | null;
  readonly suffix: readonly Literal[];
  /** Includes `suffix`. */
  readonly cycle: readonly Literal[];
  /** Edge bits no step of the cycle may carry. */
  readonly exclude: readonly number[];
  readonly buchiNodes: readonly (readonly Literal[])[];
  readonly buchiEdges: readonly number[];
}

export interface Lasso {
  /** From an initial state up to the first state of the cycle (excluded). */
  readonly prefix: number[];
  /** The cycle's states, from its first one; the behaviour goes back to the first after the last. */
  readonly cycle: number[];
  /** The cycle is one state stuttering for ever. */
  readonly stutter: boolean;
}

export type LivenessVerdict = { readonly violated: false } | { readonly violated: true; readonly lasso: Lasso };

const COMPLETED = 0x7fffffff;

/** Working memory of one Tarjan pass (one per nesting level, reused across checks on one graph). */
class TarjanSpace {
  readonly index: Int32Array;
  readonly low: Int32Array;
  readonly stack: Int32Array;
  readonly callNode: Int32Array;
  readonly callEdge: Int32Array;
  private counter = 1;
  private dirty: number[] | undefined;

  constructor(n: number) {
    this.index = new Int32Array(n);
    this.low = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.callNode = new Int32Array(n);
    this.callEdge = new Int32Array(n);
  }

  /** Starts a pass; `touched` lists the nodes a restricted pass may visit, so only they are reset afterwards. */
  begin(touched?: ArrayLike<number>): void {
    this.counter = 1;
    if (touched === undefined) { this.index.fill(0); this.dirty = undefined; return; }
    for (let i = 0; i < touched.length; i++) this.index[touched[i]!] = 0;
  }

  /**
   * Tarjan's algorithm, iterative, over the nodes `inSet` accepts, following the edges `allowed` accepts (a
   * successor equal to its state is never followed: it is a stutter). Calls `found(stack, from, to)` with each
   * component (stack[from..to)) as it completes: sinks first.
   */
  run(
    g: BehaviourGraph, roots: ArrayLike<number> | null, inSet: (u: number) => boolean,
    allowed: ((chunk: Int32Array, edgeAt: number) => boolean) | null, found: (stack: Int32Array, from: number, to: number) => void,
  ): void {
    const { index, low, stack, callNode, callEdge } = this;
    const stride = g.edgeStride;
    let sp = 0;
    const count = roots === null ? g.n : roots.length;
    for (let r = 0; r < count; r++) {
      const root = roots === null ? r : roots[r]!;
      if (index[root] !== 0 || !inSet(root)) continue;
      let depth = 0;
      callNode[0] = root;
      callEdge[0] = 0;
      index[root] = low[root] = this.counter++;
      stack[sp++] = root;
      while (depth >= 0) {
        const u = callNode[depth]!;
        const chunk = g.chunkOf(u);
        const k = chunk[g.baseOf(u) + 1]!;
        const base = g.edgesBase(u);
        let i = callEdge[depth]!;
        let descended = false;
        while (i < k) {
          const at = base + i * stride;
          i++;
          const v = chunk[at]!;
          if (v === u || !inSet(v) || (allowed !== null && !allowed(chunk, at))) continue;
          const iv = index[v]!;
          if (iv === 0) {
            callEdge[depth] = i;
            depth++;
            callNode[depth] = v;
            callEdge[depth] = 0;
            index[v] = low[v] = this.counter++;
            stack[sp++] = v;
            descended = true;
            break;
          }
          const lv = low[v]!;
          if (lv !== COMPLETED && iv < low[u]!) low[u] = iv;
        }
        if (descended) continue;
        depth--;
        if (low[u] === index[u]) {
          let from = sp - 1;
          while (stack[from] !== u) from--;
          found(stack, from, sp);
          for (let j = from; j < sp; j++) low[stack[j]!] = COMPLETED;
          sp = from;
        }
        if (depth >= 0) {
          const p = callNode[depth]!;
          if (low[u] !== COMPLETED && low[u]! < low[p]!) low[p] = low[u]!;
        }
      }
    }
  }
}

/** Working memory for checks on one graph (one per thread). */
export class Workspace {
  readonly outer: TarjanSpace;
  private innerSpaces: TarjanSpace[] = [];
  /** Fair component id of a state, or -1. */
  readonly fairComp: Int32Array;
  /** 1: a suffix state that reaches a fair component through suffix states. */
  readonly good: Uint8Array;
  /** Membership tags for restricted passes. */
  readonly tag: Int32Array;
  private nextTag = 1;

  constructor(readonly n: number) {
    this.outer = new TarjanSpace(n);
    this.fairComp = new Int32Array(n);
    this.good = new Uint8Array(n);
    this.tag = new Int32Array(n);
  }

  inner(level: number): TarjanSpace {
    while (this.innerSpaces.length <= level) this.innerSpaces.push(new TarjanSpace(this.n));
    return this.innerSpaces[level]!;
  }

  freshTag(): number { return this.nextTag++; }
}

function holds(g: BehaviourGraph, u: number, lits: readonly Literal[]): boolean {
  if (lits.length === 0) return true;
  const chunk = g.chunkOf(u);
  const at = g.baseOf(u) + 2;
  for (let i = 0; i < lits.length; i++) {
    const l = lits[i]!;
    if ((((chunk[at + (l.bit >>> 5)]! >>> (l.bit & 31)) & 1) === 1) !== l.value) return false;
  }
  return true;
}

const edgeHas = (chunk: Int32Array, edgeAt: number, bit: number): boolean => ((chunk[edgeAt + 1 + (bit >>> 5)]! >>> (bit & 31)) & 1) === 1;
const nodeHas = (g: BehaviourGraph, u: number, bit: number): boolean => g.nodeBit(u, bit);

/** Checks one property pattern under the fairness conditions. */
export function checkPattern(g: BehaviourGraph, p: Pattern, fairness: readonly FairnessBits[], ws: Workspace = new Workspace(g.n)): LivenessVerdict {
  const { fairComp, good } = ws;
  fairComp.fill(-1);
  good.fill(0);
  const excluded = p.exclude;
  const allowedStep = excluded.length === 0 ? null : (chunk: Int32Array, at: number): boolean => {
    for (let i = 0; i < excluded.length; i++) if (edgeHas(chunk, at, excluded[i]!)) return false;
    return true;
  };
  const inSuffix = (u: number) => holds(g, u, p.suffix);
  const sameRegion = p.cycle.length === p.suffix.length && excluded.length === 0;
  let components = 0;

  /** The fair components among `members` (all cycle states, in one SCC over the allowed steps), marked. */
  const markFair = (members: number[], level: number): void => {
    // What the component offers.
    const tag = ws.freshTag();
    for (const u of members) ws.tag[u] = tag;
    const stride = g.edgeStride;
    let internalEdges = 0;
    const buchiEdgeSeen = p.buchiEdges.map(() => false);
    const occurs = fairness.map(() => false);
    const enabledSome = fairness.map(() => false);
    const disabledSome = fairness.map(() => false);
    const buchiNodeSeen = p.buchiNodes.map(() => false);
    for (const u of members) {
      const chunk = g.chunkOf(u);
      const k = chunk[g.baseOf(u) + 1]!;
      const base = g.edgesBase(u);
      for (let i = 0; i < k; i++) {
        const at = base + i * stride;
        const v = chunk[at]!;
        if (v === u || ws.tag[v] !== tag || (allowedStep !== null && !allowedStep(chunk, at))) continue;
        internalEdges++;
        p.buchiEdges.forEach((b, j) => { if (edgeHas(chunk, at, b)) buchiEdgeSeen[j] = true; });
        fairness.forEach((f, j) => { if (edgeHas(chunk, at, f.occurs)) occurs[j] = true; });
      }
      fairness.forEach((f, j) => { if (nodeHas(g, u, f.enabled)) enabledSome[j] = true; else disabledSome[j] = true; });
      p.buchiNodes.forEach((lits, j) => { if (!buchiNodeSeen[j] && holds(g, u, lits)) buchiNodeSeen[j] = true; });
    }
    if (members.length === 1) {
      // One state with no internal step: it can only stutter, which is fair when no fair action is enabled.
      if (internalEdges > 0) throw new Error('a one-state component with an internal step');
      if (enabledSome.some((x) => x) || p.buchiEdges.length > 0 || !buchiNodeSeen.every((x) => x)) return;
      fairComp[members[0]!] = components++;
      return;
    }
    if (!buchiNodeSeen.every((x) => x) || !buchiEdgeSeen.every((x) => x)) return;
    for (let j = 0; j < fairness.length; j++) {
      if (fairness[j]!.kind === 'weak' && !disabledSome[j] && !occurs[j]) return; // monotone: no subset is fair
    }
    const bad = fairness.map((f, j) => (f.kind === 'strong' && enabledSome[j] && !occurs[j] ? j : -1)).filter((j) => j >= 0);
    if (bad.length === 0) {
      const id = components++;
      for (const u of members) fairComp[u] = id;
      return;
    }
    // Strong fairness refinement: a fair cycle here never takes the bad actions, so it stays where they are disabled.
    const rest = members.filter((u) => bad.every((j) => !nodeHas(g, u, fairness[j]!.enabled)));
    if (rest.length > 0) fairIn(rest, level + 1);
  };

  /** Splits `nodes` (cycle states) into components over the allowed steps and marks the fair ones. */
  const fairIn = (nodes: number[], level: number): void => {
    const space = ws.inner(level);
    const tag = ws.freshTag();
    for (const u of nodes) ws.tag[u] = tag;
    space.begin(nodes);
    space.run(g, nodes, (u) => ws.tag[u] === tag, allowedStep, (stack, from, to) => {
      markFair(Array.from(stack.subarray(from, to)), level);
    });
    // The tag of these nodes may have been overwritten by deeper levels: nothing reads it after this pass.
  };

  // The outer pass over the suffix states.
  ws.outer.begin();
  ws.outer.run(g, null, inSuffix, null, (stack, from, to) => {
    const members = Array.from(stack.subarray(from, to));
    if (sameRegion) markFair(members, 0);
    else {
      const cycleStates = members.filter((u) => holds(g, u, p.cycle));
      if (cycleStates.length > 0) fairIn(cycleStates, 0);
    }
    // Does the component reach a fair component (through suffix states)? Its successors are complete.
    let reaches = members.some((u) => fairComp[u]! >= 0);
    const stride = g.edgeStride;
    for (let m = 0; !reaches && m < members.length; m++) {
      const u = members[m]!;
      const chunk = g.chunkOf(u);
      const k = chunk[g.baseOf(u) + 1]!;
      const base = g.edgesBase(u);
      for (let i = 0; i < k; i++) if (good[chunk[base + i * stride]!] === 1) { reaches = true; break; }
    }
    if (reaches) for (const u of members) good[u] = 1;
  });

  return findLasso(g, p, fairness, ws, allowedStep);
}

/** Breadth-first search from `sources` (in order) through the nodes `through` accepts; the first node `target` accepts, with its path. */
function bfs(
  g: BehaviourGraph, sources: readonly number[], through: (u: number) => boolean, target: (u: number) => boolean,
  step: ((chunk: Int32Array, at: number, u: number, v: number) => boolean) | null,
  parent: Map<number, number>,
): number[] | undefined {
  const queue: number[] = [];
  for (const s of sources) {
    if (parent.has(s) || !through(s)) continue;
    parent.set(s, -1);
    if (target(s)) return [s];
    queue.push(s);
  }
  const stride = g.edgeStride;
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    const chunk = g.chunkOf(u);
    const k = chunk[g.baseOf(u) + 1]!;
    const base = g.edgesBase(u);
    for (let i = 0; i < k; i++) {
      const at = base + i * stride;
      const v = chunk[at]!;
      if (v === u || parent.has(v) || !through(v) || (step !== null && !step(chunk, at, u, v))) continue;
      parent.set(v, u);
      if (target(v)) {
        const path = [v];
        for (let x = u; x !== -1; x = parent.get(x)!) path.push(x);
        return path.reverse();
      }
      queue.push(v);
    }
  }
  return undefined;
}

function findLasso(
  g: BehaviourGraph, p: Pattern, fairness: readonly FairnessBits[], ws: Workspace,
  allowedStep: ((chunk: Int32Array, at: number) => boolean) | null,
): LivenessVerdict {
  const { fairComp, good } = ws;
  const starts = Array.from(g.initial).filter((u) => holds(g, u, p.init));
  // 1. The trigger state: the first initial state (or, with a trigger, the first state in BFS order) that reaches a
  //    fair component through suffix states.
  let prefix: number[] | undefined;
  if (p.trigger === null) {
    const r = starts.find((u) => good[u] === 1);
    prefix = r === undefined ? undefined : [r];
  } else {
    const trigger = p.trigger;
    prefix = bfs(g, starts, () => true, (u) => good[u] === 1 && holds(g, u, trigger), null, new Map());
  }
  if (prefix === undefined) return { violated: false };
  const r = prefix[prefix.length - 1]!;
  // 2. From there, through good states, the first fair state.
  const toFair = bfs(g, [r], (u) => good[u] === 1, (u) => fairComp[u]! >= 0, null, new Map())!;
  const c = toFair[toFair.length - 1]!;
  const comp = fairComp[c]!;
  const inComp = (u: number) => fairComp[u] === comp;
  const stem = [...prefix.slice(0, -1), ...toFair];
  // 3. The cycle inside the fair component.
  const cycle = buildCycle(g, p, fairness, c, inComp, allowedStep);
  return { violated: true, lasso: { prefix: stem.slice(0, -1), cycle: cycle.states, stutter: cycle.stutter } };
}

interface Obligation {
  /** Met by visiting this state (none: only a step meets it). */
  readonly node?: (u: number) => boolean;
  /** Met by taking this step. */
  readonly edge?: (chunk: Int32Array, at: number) => boolean;
}

/**
 * Breadth-first inside the fair component from `start`, over the allowed steps: the shortest path to the first
 * step (`edgeGoal`) or state (`nodeGoal`, not `start` itself) that is wanted. A step may lead back to a state
 * already seen (to `start` itself, to close a cycle).
 */
function searchIn(
  g: BehaviourGraph, start: number, inComp: (u: number) => boolean, step: (chunk: Int32Array, at: number) => boolean,
  edgeGoal: (chunk: Int32Array, at: number, v: number) => boolean, nodeGoal: (v: number) => boolean,
): number[] | undefined {
  const parent = new Map<number, number>([[start, -1]]);
  const path = (v: number, last?: number): number[] => {
    const out = last === undefined ? [] : [last];
    for (let x = v; x !== -1; x = parent.get(x)!) out.push(x);
    return out.reverse();
  };
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    const chunk = g.chunkOf(u);
    const k = chunk[g.baseOf(u) + 1]!;
    const base = g.edgesBase(u);
    for (let i = 0; i < k; i++) {
      const at = base + i * g.edgeStride;
      const v = chunk[at]!;
      if (v === u || !inComp(v) || !step(chunk, at)) continue;
      if (edgeGoal(chunk, at, v)) return path(u, v);
      if (parent.has(v)) continue;
      parent.set(v, u);
      if (nodeGoal(v)) return path(v);
      queue.push(v);
    }
  }
  return undefined;
}

function buildCycle(
  g: BehaviourGraph, p: Pattern, fairness: readonly FairnessBits[], c: number, inComp: (u: number) => boolean,
  allowedStep: ((chunk: Int32Array, at: number) => boolean) | null,
): { states: number[]; stutter: boolean } {
  const step = (chunk: Int32Array, at: number) => allowedStep === null || allowedStep(chunk, at);
  const members: number[] = [c];
  searchIn(g, c, inComp, step, () => false, (v) => { members.push(v); return false; });
  const obligations: Obligation[] = [];
  for (const lits of p.buchiNodes) obligations.push({ node: (u) => holds(g, u, lits) });
  for (const b of p.buchiEdges) obligations.push({ edge: (chunk, at) => edgeHas(chunk, at, b) });
  for (const f of fairness) {
    if (!members.some((u) => g.nodeBit(u, f.enabled))) continue; // never enabled here: nothing to do
    const occurs = (chunk: Int32Array, at: number) => edgeHas(chunk, at, f.occurs);
    obligations.push(f.kind === 'weak' ? { node: (u) => !g.nodeBit(u, f.enabled), edge: occurs } : { edge: occurs });
  }
  let pending = obligations.filter((o) => o.node?.(c) !== true);
  // Everything met by c alone, and no fair action enabled there: c stutters for ever.
  if (pending.length === 0 && fairness.every((f) => !g.nodeBit(c, f.enabled))) return { states: [c], stutter: true };
  const states = [c];
  let cur = c;
  while (pending.length > 0) {
    const segment = searchIn(g, cur, inComp, step,
      (chunk, at) => pending.some((o) => o.edge?.(chunk, at) === true),
      (v) => pending.some((o) => o.node?.(v) === true));
    if (!segment) throw new Error('internal: a fair component with an obligation it cannot meet');
    for (let i = 1; i < segment.length; i++) {
      const u = segment[i - 1]!, v = segment[i]!;
      const at = edgeBetween(g, u, v, step);
      const chunk = g.chunkOf(u);
      pending = pending.filter((o) => !(o.node?.(v) === true || o.edge?.(chunk, at) === true));
    }
    states.push(...segment.slice(1));
    cur = segment[segment.length - 1]!;
  }
  // Close the cycle: back to c (with at least one step when cur is c itself).
  if (cur !== c || states.length === 1) {
    const back = searchIn(g, cur, inComp, step, (_chunk, _at, v) => v === c, () => false);
    if (!back) throw new Error('internal: a fair component that is not strongly connected');
    states.push(...back.slice(1, -1));
  }
  if (states[states.length - 1] === c && states.length > 1) states.pop();
  return { states, stutter: false };
}

/** The position of the first allowed edge u → v in u's record. */
export function edgeBetween(g: BehaviourGraph, u: number, v: number, step: (chunk: Int32Array, at: number) => boolean = () => true): number {
  const chunk = g.chunkOf(u);
  const k = chunk[g.baseOf(u) + 1]!;
  const base = g.edgesBase(u);
  for (let i = 0; i < k; i++) {
    const at = base + i * g.edgeStride;
    if (chunk[at] === v && step(chunk, at)) return at;
  }
  throw new Error(`internal: no step from ${u} to ${v}`);
}
