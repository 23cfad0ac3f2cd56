/**
 * AsyncTerminationDetection: the abstract termination detection problem on a ring with asynchronous messages
 * (the high-level spec that EWD998 refines). Port of tlaplus/Examples
 * specifications/ewd998/AsyncTerminationDetection.tla (Stephan Merz, Markus Kuppe), checked as in
 * AsyncTerminationDetection.cfg (N = 4, INVARIANTS TypeOK Safe, PROPERTIES Quiescence Live,
 * CONSTRAINT StateConstraint; deadlock checking on, TLC's default).
 *
 * TLA+                                     -> here
 *   CONSTANT N                             -> constant N (default 4)
 *   VARIABLES active, pending,
 *             terminationDetected          -> state { active: boolean[], pending: number[], terminationDetected }
 *   Init                                   -> init: every active vector, no pending message, and
 *                                             terminationDetected \in {FALSE, terminated} (one initial state
 *                                             when that set is {FALSE}, two when it is {FALSE, TRUE})
 *   Terminate(i)                           -> action Terminate, parameter i over Node; terminationDetected'
 *                                             \in {terminationDetected, terminated'} gives one successor when
 *                                             the two are equal and two otherwise, as TLC enumerates the set
 *   SendMsg(i, j)                          -> action SendMsg, parameters i and j over Node (j = i allowed)
 *   RcvMsg(i)                              -> action RcvMsg, parameter i over Node
 *   DetectTermination                      -> action DetectTermination
 *   Next                                   -> the disjunction of all the actions' instances
 *   StateConstraint                        -> constraint (every pending[n] <= 3)
 *   TypeOK                                 -> invariant TypeOK (and the schema; pending's bound 4 covers the
 *                                             successors that the constraint drops but TLC still checks)
 *   Safe                                   -> invariant Safe
 *   Quiescence == [](terminated => []terminated)
 *                                          -> action property Quiescence, in its equivalent step form
 *                                             terminated => terminated' (QuiescenceAsActionInv in the module)
 *   Live == terminated ~> terminationDetected
 *                                          -> temporal property Live (leadsTo)
 *   Spec's WF_vars(DetectTermination)      -> fairness DetectTerminationWF = wf('DetectTermination'): ENABLED
 *                                             <<DetectTermination>>_vars is terminated /\ ~terminationDetected,
 *                                             the TRUE -> TRUE step being a stutter, which the checker never
 *                                             counts as enabling or taking the action
 *
 * Configurations (both N = 4, INVARIANTS TypeOK Safe, CONSTRAINT StateConstraint, deadlock checking on; the action
 * property Quiescence is checked in both):
 *   AsyncTerminationDetection.cfg  SPECIFICATION Spec, PROPERTIES Quiescence Live: fairness DetectTerminationWF,
 *                                  property Live. Both hold (../shared/conformance/liveness.md row 2).
 *   2a.noFairness                  Spec without WF_vars(DetectTermination): no fairness, property Live. Live is
 *                                  violated, Quiescence holds (row 2a).
 * Fairness changes no count: both have 4,097 distinct states, 53,271 generated, depth 14 (TLC; the figures of
 * tlaplus/Examples specifications/ewd998/manifest.json, and of liveness.md rows 2 and 2a).
 *
 * The constraint and liveness (TLC warns that they are "dangerous" together): successors with a pending count of
 * 4 are not in the behaviour graph. DetectTermination never changes pending, so its ENABLED is the same over the
 * constrained graph and over the spec, and the verdicts are not affected.
 *
 * Lasso length for 2a, by hand: 1 state. The initial state with every node inactive and terminationDetected =
 * FALSE is terminated and not detected; with no fairness it may stutter for ever, and then terminated holds and
 * terminationDetected never does. A lasso has at least one state.
 */
import { defineSpec, except, leadsTo, range, t, wf } from '#tlats';

interface State {
  readonly active: readonly boolean[];
  readonly pending: readonly number[];
  readonly terminationDetected: boolean;
}

const terminated = (active: readonly boolean[], pending: readonly number[]) => {
  for (let n = 0; n < active.length; n++) if (active[n] || pending[n] !== 0) return false;
  return true;
};

/** The maximum of pending[n] inside StateConstraint. */
const MaxPending = 3;

export default defineSpec({
  name: 'AsyncTerminationDetection',
  description: 'Abstract termination detection with asynchronous messages (tlaplus/Examples ewd998/AsyncTerminationDetection.tla).',
  constants: {
    N: { default: 4 as number, doc: 'the number of nodes' },
  },
  schema: (c) => t.record({
    active: t.array(t.bool(), c.N),
    pending: t.array(t.int(0, MaxPending + 1), c.N),
    terminationDetected: t.bool(),
  }),
  init: (c) => {
    const states: State[] = [];
    const pending = range(c.N).map(() => 0);
    for (let bits = 0; bits < 2 ** c.N; bits++) {
      const active = range(c.N).map((n) => ((bits >> n) & 1) === 1);
      states.push({ active, pending, terminationDetected: false });
      if (terminated(active, pending)) states.push({ active, pending, terminationDetected: true });
    }
    return states;
  },
  actions: {
    RcvMsg: {
      params: (c) => ({ i: range(c.N) }),
      next: (s: State, { i }: { i: number }): State | null =>
        s.pending[i]! > 0
          ? {
            active: except(s.active, i, true),
            pending: except(s.pending, i, s.pending[i]! - 1),
            terminationDetected: s.terminationDetected,
          }
          : null,
    },
    Terminate: {
      params: (c) => ({ i: range(c.N) }),
      next: (s: State, { i }: { i: number }): State | State[] | null => {
        if (!s.active[i]) return null;
        const active = except(s.active, i, false);
        const detectedNow = terminated(active, s.pending); // terminated'
        const keep: State = { active, pending: s.pending, terminationDetected: s.terminationDetected };
        if (detectedNow === s.terminationDetected) return keep; // {td, terminated'} has one element
        return [keep, { active, pending: s.pending, terminationDetected: detectedNow }];
      },
    },
    SendMsg: {
      params: (c) => ({ i: range(c.N), j: range(c.N) }),
      next: (s: State, { i, j }: { i: number; j: number }): State | null =>
        s.active[i]
          ? { active: s.active, pending: except(s.pending, j, s.pending[j]! + 1), terminationDetected: s.terminationDetected }
          : null,
    },
    DetectTermination: (s): State | null =>
      terminated(s.active, s.pending) ? { active: s.active, pending: s.pending, terminationDetected: true } : null,
  },
  constraint: (s) => s.pending.every((p) => p <= MaxPending),
  invariants: {
    TypeOK: (s, c) =>
      s.active.length === c.N && s.active.every((a) => typeof a === 'boolean')
      && s.pending.length === c.N && s.pending.every((p) => Number.isInteger(p) && p >= 0)
      && typeof s.terminationDetected === 'boolean',
    Safe: (s) => !s.terminationDetected || terminated(s.active, s.pending),
  },
  actionProperties: {
    Quiescence: (s, u) => !terminated(s.active, s.pending) || terminated(u.active, u.pending),
  },
  fairness: {
    DetectTerminationWF: wf('DetectTermination'),
  },
  properties: {
    Live: leadsTo((s: State) => terminated(s.active, s.pending), (s: State) => s.terminationDetected),
  },
  configs: {
    'AsyncTerminationDetection.cfg': {
      fairness: ['DetectTerminationWF'],
      properties: ['Live'],
      doc: 'liveness.md row 2: SPECIFICATION Spec',
      expect: {
        source: 'TLC, tlaplus/Examples specifications/ewd998/manifest.json (AsyncTerminationDetection.cfg); '
          + 'Quiescence and Live hold (../shared/conformance/liveness.md row 2)',
        distinct: 4097,
        generated: 53271,
        depth: 14,
      },
    },
    '2a.noFairness': {
      fairness: [],
      properties: ['Live'],
      doc: 'liveness.md row 2a: Spec without WF_vars(DetectTermination)',
      expect: {
        source: 'TLC, ../shared/conformance/liveness.md row 2a: Live violated, Quiescence holds; counts of row 2; a '
          + 'lasso of 1 state by the hand analysis in the header of specs/async-termination-detection.ts',
        distinct: 4097,
        generated: 53271,
        depth: 14,
        violated: { Live: 1 },
      },
    },
  },
});
