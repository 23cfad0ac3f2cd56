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

/** The arrays of one Tarjan pass (one per nesting level of the strong-fairness refinement). */
class TarjanSpace {
  /** For node v: [2v] its DFS index (0: not visited), [2v + 1] its low link (COMPLETED once its component is done). */
  readonly indexLow: Int32Array;
  readonly stack: Int32Array;
  readonly callNode: Int32Array;
  readonly callEdge: Int32Array;
  counter = 1;

  constructor(n: number) {
    this.indexLow = new Int32Array(2 * n);
    this.stack = new Int32Array(n);
    this.callNode = new Int32Array(n);
    this.callEdge = new Int32Array(n);
  }
}

/** Working memory for checks on one graph (one per thread), reused from one check to the next. */
export class Workspace {
  readonly outer: TarjanSpace;
  private readonly inners: TarjanSpace[] = [];
  /** 0: outside the suffix; 1: a suffix state; 2: a suffix state that may be on the cycle. */
  readonly region: Uint8Array;
  /** The fair component of a state, or -1. */
  readonly fairComp: Int32Array;
  /** 1: a suffix state that reaches a fair component through suffix states. */
  readonly good: Uint8Array;
  /**
   * Membership stamps: of the set an inner pass runs on, of the component being analysed, of the states a
   * breadth-first search has seen. One array serves all three: a component is analysed (and a refinement re-stamps
   * part of it) only once all its states are complete in the pass that found it, which never looks at them again.
   */
  readonly mark: Int32Array;
  stamp = 0;

  constructor(readonly n: number) {
    this.outer = new TarjanSpace(n);
    this.region = new Uint8Array(n);
    this.fairComp = new Int32Array(n);
    this.good = new Uint8Array(n);
    this.mark = new Int32Array(n);
  }

  inner(level: number): TarjanSpace {
    while (this.inners.length <= level) this.inners.push(new TarjanSpace(this.n));
    return this.inners[level]!;
  }
}

function holds(g: BehaviourGraph, u: number, lits: readonly Literal[]): boolean {
  const bits = g.nodeBits;
  const at = u * g.nodeWords;
  for (let i = 0; i < lits.length; i++) {
    const l = lits[i]!;
    if ((((bits[at + (l.bit >>> 5)]! >>> (l.bit & 31)) & 1) === 1) !== l.value) return false;
  }
  return true;
}

const hasBit = (words: Int32Array, bit: number): boolean => ((words[bit >>> 5]! >>> (bit & 31)) & 1) === 1;

function maskOf(bits: readonly number[], words: number): Int32Array {
  const m = new Int32Array(words);
  for (const b of bits) m[b >>> 5]! |= 1 << (b & 31);
  return m;
}

/** Whether edge e carries none of the bits of `exclude`. */
function allowed(g: BehaviourGraph, e: number, exclude: Int32Array): boolean {
  const w0 = e * g.edgeWords;
  for (let w = 0; w < g.edgeWords; w++) if ((g.edgeBits[w0 + w]! & exclude[w]!) !== 0) return false;
  return true;
}

/**
 * Tarjan's algorithm, iterative, over the nodes of a set (members[v] === member, or for member 0 members[v] !== 0;
 * roots: those of `roots`, or all nodes in order), following the edges that carry none of the `exclude` bits (null:
 * every edge). Calls `found(stack, from, to)` with each component, stack[from..to), as it completes: sinks first.
 *
 * With `reach`: reach[v] = 1 for a completed node whose component reaches a fair one; a node on the stack gets 2 when
 * it has an edge to such a node. `found` reads the 2s of its component and settles it to 1 or 0 (one pass over the
 * edges serves both the components and what they reach).
 */
function tarjan(
  g: BehaviourGraph, t: TarjanSpace, roots: ArrayLike<number> | null, members: Uint8Array | Int32Array, member: number,
  exclude: Int32Array | null, reach: Uint8Array | null, found: (stack: Int32Array, from: number, to: number) => void,
): void {
  const { indexLow: il, stack, callNode, callEdge } = t;
  const { offsets, targets } = g;
  const any = member === 0;
  let sp = 0;
  const count = roots === null ? g.n : roots.length;
  for (let r = 0; r < count; r++) {
    const root = roots === null ? r : roots[r]!;
    if (il[2 * root] !== 0 || (any ? members[root] === 0 : members[root] !== member)) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = offsets[root]!;
    il[2 * root] = il[2 * root + 1] = t.counter++;
    stack[sp++] = root;
    while (depth >= 0) {
      const u = callNode[depth]!;
      const end = offsets[u + 1]!;
      let e = callEdge[depth]!;
      let descended = false;
      while (e < end) {
        const v = targets[e]!;
        const edge = e++;
        const mv = members[v]!;
        if ((any ? mv === 0 : mv !== member) || (exclude !== null && !allowed(g, edge, exclude))) continue;
        const iv = il[2 * v]!;
        if (iv === 0) {
          callEdge[depth] = e;
          depth++;
          callNode[depth] = v;
          callEdge[depth] = offsets[v]!;
          il[2 * v] = il[2 * v + 1] = t.counter++;
          stack[sp++] = v;
          descended = true;
          break;
        }
        const lv = il[2 * v + 1]!;
        if (lv !== COMPLETED) { if (iv < il[2 * u + 1]!) il[2 * u + 1] = iv; }
        else if (reach !== null && reach[v] === 1) reach[u] = 2;
      }
      if (descended) continue;
      depth--;
      if (il[2 * u + 1] === il[2 * u]) {
        let from = sp - 1;
        while (stack[from] !== u) from--;
        found(stack, from, sp);
        for (let j = from; j < sp; j++) il[2 * stack[j]! + 1] = COMPLETED;
        sp = from;
        if (depth >= 0 && reach !== null && reach[u] === 1) reach[callNode[depth]!] = 2;
      } else {
        const p = callNode[depth]!;
        if (il[2 * u + 1]! < il[2 * p + 1]!) il[2 * p + 1] = il[2 * u + 1]!;
      }
    }
  }
}

/** Checks one property pattern under the fairness conditions. */
export function checkPattern(g: BehaviourGraph, p: Pattern, fairness: readonly FairnessBits[], ws: Workspace = new Workspace(g.n)): LivenessVerdict {
  const { region, fairComp, good, mark } = ws;
  const { offsets, targets, nodeBits, edgeBits, nodeWords, edgeWords, n } = g;
  for (let u = 0; u < n; u++) region[u] = holds(g, u, p.suffix) ? (holds(g, u, p.cycle) ? 2 : 1) : 0;
  fairComp.fill(-1);
  good.fill(0);
  ws.outer.indexLow.fill(0);
  ws.outer.counter = 1;
  const exclude = p.exclude.length ? maskOf(p.exclude, edgeWords) : null;
  const enabledMask = maskOf(fairness.map((f) => f.enabled), nodeWords);
  const weak = fairness.filter((f) => f.kind === 'weak');
  const strong = fairness.filter((f) => f.kind === 'strong');
  const sameRegion = p.cycle.length === p.suffix.length && exclude === null;
  const orNode = new Int32Array(nodeWords), andNode = new Int32Array(nodeWords), orEdge = new Int32Array(edgeWords);
  let components = 0;

  const someHolds = (stack: Int32Array, from: number, to: number, lits: readonly Literal[]) => {
    for (let j = from; j < to; j++) if (holds(g, stack[j]!, lits)) return true;
    return false;
  };

  /** Marks the fair components among stack[from..to): one component over the allowed steps, of cycle states. */
  const analyse = (stack: Int32Array, from: number, to: number, level: number): void => {
    if (to - from === 1) {
      // One state and no step inside: it can only stutter, fair when no fair action is enabled there.
      const u = stack[from]!;
      for (let w = 0; w < nodeWords; w++) if ((nodeBits[u * nodeWords + w]! & enabledMask[w]!) !== 0) return;
      if (p.buchiEdges.length > 0) return;
      for (const lits of p.buchiNodes) if (!holds(g, u, lits)) return;
      fairComp[u] = components++;
      return;
    }
    const stamp = ++ws.stamp;
    for (let j = from; j < to; j++) mark[stack[j]!] = stamp;
    orNode.fill(0); andNode.fill(-1); orEdge.fill(0);
    for (let j = from; j < to; j++) {
      const u = stack[j]!;
      for (let w = 0; w < nodeWords; w++) { const x = nodeBits[u * nodeWords + w]!; orNode[w]! |= x; andNode[w]! &= x; }
      const end = offsets[u + 1]!;
      for (let e = offsets[u]!; e < end; e++) {
        if (mark[targets[e]!] !== stamp || (exclude !== null && !allowed(g, e, exclude))) continue;
        for (let w = 0; w < edgeWords; w++) orEdge[w]! |= edgeBits[e * edgeWords + w]!;
      }
    }
    for (const b of p.buchiEdges) if (!hasBit(orEdge, b)) return;
    // Weak fairness is monotone: a component where the action is always enabled and never occurs has no fair subset.
    for (const f of weak) if (hasBit(andNode, f.enabled) && !hasBit(orEdge, f.occurs)) return;
    for (const lits of p.buchiNodes) if (!someHolds(stack, from, to, lits)) return;
    const bad = strong.filter((f) => hasBit(orNode, f.enabled) && !hasBit(orEdge, f.occurs));
    if (bad.length === 0) {
      const id = components++;
      for (let j = from; j < to; j++) fairComp[stack[j]!] = id;
      return;
    }
    // Strong fairness: a fair cycle here never takes the bad actions, so it keeps to the states where they are disabled.
    const rest: number[] = [];
    for (let j = from; j < to; j++) if (bad.every((f) => !g.nodeBit(stack[j]!, f.enabled))) rest.push(stack[j]!);
    if (rest.length > 0) fairAmong(rest, level + 1);
  };

  /** Splits `nodes` (cycle states) into components over the allowed steps and marks the fair ones. */
  const fairAmong = (nodes: readonly number[], level: number): void => {
    const t = ws.inner(level);
    const stamp = ++ws.stamp;
    for (const u of nodes) { mark[u] = stamp; t.indexLow[2 * u] = 0; }
    t.counter = 1;
    tarjan(g, t, nodes, mark, stamp, exclude, null, (stack, from, to) => {
      // A deeper level reuses this pass's stack: copy the component first.
      const members = stack.slice(from, to);
      analyse(members, 0, members.length, level);
    });
  };

  tarjan(g, ws.outer, null, region, 0, null, good, (stack, from, to) => {
    if (sameRegion) analyse(stack, from, to, 0);
    else {
      const cycleStates: number[] = [];
      for (let j = from; j < to; j++) if (region[stack[j]!] === 2) cycleStates.push(stack[j]!);
      if (cycleStates.length > 0) fairAmong(cycleStates, 0);
    }
    // Does the component reach a fair one through suffix states? Its members' edges to completed components were
    // seen by the pass (good = 2 on the member).
    let reaches = false;
    for (let j = from; j < to && !reaches; j++) if (fairComp[stack[j]!]! >= 0 || good[stack[j]!] === 2) reaches = true;
    for (let j = from; j < to; j++) good[stack[j]!] = reaches ? 1 : 0;
  });

  return findLasso(g, p, fairness, ws, exclude);
}

/** Fair states whose cycles are built and compared when looking for the shortest lasso (a bound on the work). */
const LASSO_CANDIDATES = 256;

/**
 * The lasso: among the behaviours the pattern describes, one with the fewest states. A breadth-first search over
 * (state, phase) pairs, phase 0 before the trigger (any state) and phase 1 from the trigger on (good states only; the
 * switch takes no step, and without a trigger the search starts in phase 1 at the good initial states), meets the
 * fair states in order of the length of the shortest prefix to them. For each, the cycle built in its fair component
 * gives the lasso's length; the search stops once no later fair state can give a shorter one (a cycle has at least
 * one state). Ties go to the shorter prefix, then to the first met: the initial states' order and each state's
 * successor order, never the numbering.
 *
 * A cycle may also be entered *before* the trigger, when the trigger lies on it: a fair component's states are all
 * suffix states, so a fair cycle through a trigger state in it is a violation wherever it is entered. So a fair
 * state met in phase 0, whose component holds a trigger state, is a candidate too, with a cycle that must also visit
 * a trigger state (P ~> Q: the prefix reaches the cycle at a state before P, the cycle goes through P and never Q).
 */
function findLasso(g: BehaviourGraph, p: Pattern, fairness: readonly FairnessBits[], ws: Workspace, exclude: Int32Array | null): LivenessVerdict {
  const { fairComp, good } = ws;
  // Every state of the graph is reachable: a violation exists exactly when some trigger state (without a trigger,
  // an initial state satisfying init) is good. Only then is a lasso searched for.
  let any = false;
  if (p.trigger === null) for (const u of g.initial) { if (good[u] === 1 && holds(g, u, p.init)) { any = true; break; } }
  else for (let u = 0; u < g.n && !any; u++) if (good[u] === 1 && holds(g, u, p.trigger)) any = true;
  if (!any) return { violated: false };
  const trigger = p.trigger;
  const n = g.n;
  // Product node x = phase * n + u; parent[x] = the product node it was reached from (-1: a start).
  const parent = new Int32Array(2 * n).fill(-2);
  const depth = new Int32Array(2 * n);
  const queue = new Int32Array(2 * n);
  let tail = 0;
  const visit = (x: number, from: number, d: number): void => {
    if (parent[x] !== -2) return;
    parent[x] = from;
    depth[x] = d;
    queue[tail++] = x;
    // Entering phase 1 takes no step: the trigger state is where the suffix starts.
    if (x < n && trigger !== null && good[x] === 1 && holds(g, x, trigger)) visit(n + x, x, d);
  };
  for (const u of g.initial) {
    if (!holds(g, u, p.init)) continue;
    if (trigger === null) { if (good[u] === 1) visit(n + u, -1, 0); } else visit(u, -1, 0);
  }
  const pathTo = (x: number): number[] => {
    const out: number[] = [];
    for (let y = x; y !== -1; y = parent[y]!) { const u = y % n; if (out[out.length - 1] !== u) out.push(u); }
    return out.reverse();
  };
  let best: { prefix: number[]; cycle: { states: number[]; stutter: boolean }; total: number } | undefined;
  let candidates = 0;
  // The fair components that hold a trigger state: their cycles may be entered before the trigger.
  const triggerComps = new Set<number>();
  if (trigger !== null) for (let u = 0; u < n; u++) if (fairComp[u]! >= 0 && holds(g, u, trigger)) triggerComps.add(fairComp[u]!);
  const visitTrigger: Obligation[] = trigger === null ? [] : [{ node: (v) => holds(g, v, trigger) }];
  for (let q = 0; q < tail; q++) {
    const x = queue[q]!;
    const d = depth[x]!;
    if (best && d + 1 >= best.total) break;
    const u = x % n;
    const phase1 = x >= n;
    if (fairComp[u]! >= 0 && (phase1 || triggerComps.has(fairComp[u]!))) {
      const comp = fairComp[u]!;
      const cycle = buildCycle(g, p, fairness, u, (v) => fairComp[v] === comp, exclude, phase1 ? [] : visitTrigger);
      const total = d + cycle.states.length;
      if (!best || total < best.total) best = { prefix: pathTo(x).slice(0, -1), cycle, total };
      if (++candidates >= LASSO_CANDIDATES) break;
    }
    const end = g.offsets[u + 1]!;
    for (let e = g.offsets[u]!; e < end; e++) {
      const v = g.targets[e]!;
      if (phase1) { if (good[v] === 1) visit(n + v, x, d + 1); } else visit(v, x, d + 1);
    }
  }
  if (!best) return { violated: false }; // the good trigger states are not reachable from the initial states satisfying init
  return { violated: true, lasso: { prefix: best.prefix, cycle: best.cycle.states, stutter: best.cycle.stutter } };
}

interface Obligation {
  /** Met by visiting this state (none: only a step meets it). */
  readonly node?: (u: number) => boolean;
  /** Met by taking this edge. */
  readonly edge?: (e: number) => boolean;
}

/**
 * Breadth-first inside the fair component from `start`, over the allowed edges: the shortest path to the first
 * edge (`edgeGoal`) or state (`nodeGoal`, not `start` itself) that is wanted. An edge may lead back to a state
 * already seen (to `start` itself, to close a cycle).
 */
function searchIn(
  g: BehaviourGraph, start: number, inComp: (u: number) => boolean, step: (e: number) => boolean,
  edgeGoal: (e: number, v: number) => boolean, nodeGoal: (v: number) => boolean,
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
    const end = g.offsets[u + 1]!;
    for (let e = g.offsets[u]!; e < end; e++) {
      const v = g.targets[e]!;
      if (!inComp(v) || !step(e)) continue;
      if (edgeGoal(e, v)) return path(u, v);
      if (parent.has(v)) continue;
      parent.set(v, u);
      if (nodeGoal(v)) return path(v);
      queue.push(v);
    }
  }
  return undefined;
}

function buildCycle(
  g: BehaviourGraph, p: Pattern, fairness: readonly FairnessBits[], c: number, inComp: (u: number) => boolean, exclude: Int32Array | null,
  extra: readonly Obligation[] = [],
): { states: number[]; stutter: boolean } {
  const step = (e: number) => exclude === null || allowed(g, e, exclude);
  const members: number[] = [c];
  searchIn(g, c, inComp, step, () => false, (v) => { members.push(v); return false; });
  const obligations: Obligation[] = [...extra];
  for (const lits of p.buchiNodes) obligations.push({ node: (u) => holds(g, u, lits) });
  for (const b of p.buchiEdges) obligations.push({ edge: (e) => g.edgeBit(e, b) });
  for (const f of fairness) {
    if (!members.some((u) => g.nodeBit(u, f.enabled))) continue; // never enabled here: nothing to do
    const occurs = (e: number) => g.edgeBit(e, f.occurs);
    obligations.push(f.kind === 'weak' ? { node: (u) => !g.nodeBit(u, f.enabled), edge: occurs } : { edge: occurs });
  }
  let pending = obligations.filter((o) => o.node?.(c) !== true);
  // c stutters for ever when that alone is a fair violating behaviour: it is in every Büchi set (and a trigger
  // state, if one must be visited), no step is required, and no fair action is enabled there (the obligations a
  // fair action puts on the component, enabled elsewhere in it, do not bind a behaviour that stays in c).
  const stutters = p.buchiEdges.length === 0 && p.buchiNodes.every((lits) => holds(g, c, lits))
    && extra.every((o) => o.node?.(c) === true) && fairness.every((f) => !g.nodeBit(c, f.enabled));
  if (stutters) return { states: [c], stutter: true };
  const exact = shortestCycle(g, c, members, inComp, step, obligations);
  if (exact) return { states: exact, stutter: false };
  const states = [c];
  let cur = c;
  while (pending.length > 0) {
    const segment = searchIn(g, cur, inComp, step, (e) => pending.some((o) => o.edge?.(e) === true), (v) => pending.some((o) => o.node?.(v) === true));
    if (!segment) throw new Error('internal: a fair component with an obligation it cannot meet');
    for (let i = 1; i < segment.length; i++) {
      const e = edgeBetween(g, segment[i - 1]!, segment[i]!, step);
      pending = pending.filter((o) => !(o.node?.(segment[i]!) === true || o.edge?.(e) === true));
    }
    states.push(...segment.slice(1));
    cur = segment[segment.length - 1]!;
  }
  // Close the cycle: back to c (with at least one step when cur is c itself).
  if (cur !== c || states.length === 1) {
    const back = searchIn(g, cur, inComp, step, (_e, v) => v === c, () => false);
    if (!back) throw new Error('internal: a fair component that is not strongly connected');
    states.push(...back.slice(1, -1));
  }
  if (states[states.length - 1] === c && states.length > 1) states.pop();
  return { states, stutter: false };
}

/** Above this many (state, obligations met) pairs, a cycle is built greedily instead (shorter to find, not shortest). */
const EXACT_CYCLE_PRODUCT = 1 << 22;

/**
 * The shortest cycle through `c` inside the component that meets every obligation: a breadth-first search over
 * (state, set of obligations met so far), from (c, what c meets) back to c with all of them met, in successor
 * order (so the same cycle for any numbering). Undefined when the product would be too big: the caller then builds
 * one greedily (nearest obligation first), which is a fair cycle too but not always the shortest.
 */
function shortestCycle(
  g: BehaviourGraph, c: number, members: readonly number[], inComp: (u: number) => boolean, step: (e: number) => boolean,
  obligations: readonly Obligation[],
): number[] | undefined {
  const k = obligations.length;
  if (k > 16 || members.length * 2 ** k > EXACT_CYCLE_PRODUCT) return undefined;
  const width = 1 << k;
  const full = width - 1;
  const index = new Map<number, number>();
  members.forEach((u, i) => index.set(u, i));
  const nodeMask = (v: number) => { let m = 0; for (let i = 0; i < k; i++) if (obligations[i]!.node?.(v) === true) m |= 1 << i; return m; };
  const edgeMask = (e: number) => { let m = 0; for (let i = 0; i < k; i++) if (obligations[i]!.edge?.(e) === true) m |= 1 << i; return m; };
  const parent = new Int32Array(members.length * width).fill(-2);
  const start = index.get(c)! * width + nodeMask(c);
  parent[start] = -1;
  const queue = [start];
  const statesOf = (x: number): number[] => {
    const out: number[] = [];
    for (let y = x; y !== -1; y = parent[y]!) out.push(members[Math.floor(y / width)]!);
    return out.reverse();
  };
  for (let q = 0; q < queue.length; q++) {
    const x = queue[q]!;
    const u = members[Math.floor(x / width)]!;
    const m = x % width;
    const end = g.offsets[u + 1]!;
    for (let e = g.offsets[u]!; e < end; e++) {
      const v = g.targets[e]!;
      if (!inComp(v) || !step(e)) continue;
      const m2 = m | edgeMask(e) | nodeMask(v);
      if (v === c && m2 === full) return statesOf(x);
      const y = index.get(v)! * width + m2;
      if (parent[y] !== -2) continue;
      parent[y] = x;
      queue.push(y);
    }
  }
  throw new Error('internal: a fair component with no cycle through its state meeting every obligation');
}

/** The first allowed edge u → v. */
export function edgeBetween(g: BehaviourGraph, u: number, v: number, step: (e: number) => boolean = () => true): number {
  const end = g.offsets[u + 1]!;
  for (let e = g.offsets[u]!; e < end; e++) if (g.targets[e] === v && step(e)) return e;
  throw new Error(`internal: no step from ${u} to ${v}`);
}
