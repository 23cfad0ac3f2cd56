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
 *   Live (terminated ~> terminationDetected), WF_vars(DetectTermination)
 *                                          -> not ported: liveness is not supported yet
 */
import { defineSpec, except, range, t } from '#tlats';

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
  expect: {
    source: 'TLC, tlaplus/Examples specifications/ewd998/manifest.json (AsyncTerminationDetection.cfg)',
    distinct: 4097,
    generated: 53271,
    depth: 14,
  },
});
