/**
 * ChangRoberts: Chang and Roberts' leader election on a unidirectional ring (the smallest initiator id wins).
 * Port of the TLA+ translation in tlaplus/Examples specifications/chang_roberts/ChangRoberts.tla (Stephan Merz),
 * through MCChangRoberts.tla (commit 32a32c7), checked as in MCChangRoberts.cfg (N = 3, SPECIFICATION Spec,
 * INVARIANTS TypeOK Correctness, PROPERTY Liveness, CHECK_DEADLOCK FALSE).
 *
 * TLA+                                     -> here
 *   CONSTANT N                             -> constant N (default 3); Node == 1 .. N, stored at index n - 1
 *                                             (so traces show node n's entries as msgs[n-1], pc[n-1], ...)
 *   CONSTANT Id (MCChangRoberts: the definition Id == [i \in 1 .. N |-> i])
 *                                          -> Id(n) = n
 *   ASSUME N \in Nat \ {0}, Id \in Seq(Nat), Len(Id) = N, ids unique (and MC's N \in Nat)
 *                                          -> checked in init (throws otherwise); with Id(n) = n only the
 *                                             first can fail
 *   succ(n)                                -> succ(n, c)
 *   VARIABLES msgs, pc, initiator, state   -> state { msgs: Set<number>[] (Immutable.js sets of ids), pc,
 *                                             initiator, state }
 *   Init                                   -> init: initiator over [Node -> BOOLEAN] (8 initial states), state
 *                                             "cand" for initiators and "lost" otherwise, msgs empty, pc "n0"
 *   n0(self)                               -> action n0, parameter self over Node
 *   n1(self), with \E id \in msgs[self] and LET _msgs == ...
 *                                          -> action n1, parameter self over Node: one successor per id in
 *                                             msgs[self] (TLC's branches of the \E)
 *   node(self) == n0(self) \/ n1(self)     -> actions n0 and n1 of one self
 *   Terminating (all pc "Done" /\ UNCHANGED vars)
 *                                          -> action Terminating: never enabled here (pc never becomes "Done")
 *   Next                                   -> the disjunction of all the actions' instances
 *   Spec's \A self \in Node : WF_vars(node(self))
 *                                          -> fairness perNode: wf(['n0', 'n1'], { each: 'self' })
 *   TypeOK                                 -> invariant TypeOK (and the schema)
 *   Correctness                            -> invariant Correctness
 *   Liveness == (\E n : state[n] = "cand") => <>(\E n : state[n] = "won")
 *                                          -> implies(initially(some cand), eventually(some won)): the left
 *                                             side is a state predicate at the top of a temporal formula, so it
 *                                             is evaluated in the initial state only
 *   Termination == <>(\A self \in ProcSet : pc[self] = "Done")
 *                                          -> eventually(every pc "Done")
 *   (7b) n1's guard IF id < Id[self] -> IF id <= Id[self], edited in the translation
 *                                          -> constant variant = '7b' (default 'as shipped')
 *
 * Configurations (../shared/conformance/liveness.md rows 7, 7a, 7b; N = 3, invariants TypeOK Correctness,
 * fairness perNode, no deadlock check):
 *   MCChangRoberts.cfg  PROPERTY Liveness. TLC: holds; 137 distinct, 227 generated, depth 10.
 *   7a.Termination      PROPERTY Liveness Termination. TLC: Termination violated, Liveness holds; same counts.
 *   7b.lessOrEqual      variant '7b', PROPERTY Liveness. TLC: Liveness violated; 213 distinct, 407 generated,
 *                       depth 13.
 * Generated is claimed: n0 has one successor, n1 one per id in msgs[self], as TLC enumerates the \E.
 *
 * Shortest lassos, by hand (the expectations' numbers). pc only moves from "n0" to "n1", and state only from
 * "cand" to "lost" or "won", so both are constant on any cycle. n0(self) always changes pc, so a state with
 * pc[self] = "n0" has n0(self) enabled for good until it is taken: on the cycle of a fair lasso every pc is "n1",
 * and the 3 n0 steps come before it. Every n1 step changes msgs[self] (it removes id and never puts it back into
 * msgs[self], as succ(self) # self), so a state stutters only when no msgs[self] is non-empty.
 * - 7a, Termination: 4 states. No pc is ever "Done". Lower bound: 3 n0 steps before the cycle and at least one
 *   state on it. Lasso with 4: the initial state with no initiator, its 3 n0 steps (no message is sent), then
 *   every msgs[n] is empty, nothing is enabled, and the last state stutters for ever (fair). TLC prints 3+1.
 * - 7b, Liveness: 9 states. With `<=` no node ever wins: "won" needs id = Id[self] in the branch where
 *   id > Id[self]. So a fair behaviour violates Liveness iff some node starts as a candidate. Let m be the
 *   smallest initiator. Its id is never swallowed (only a non-lost node with a smaller id swallows, and nodes
 *   with smaller ids are not initiators, hence lost), and the single copy sent by n0(m) only moves to succ, so
 *   some msgs[n] is never empty: the cycle has no stuttering state. On the cycle either id m moves, and it must
 *   come back to where it was, 3 moves around the ring; or it stays at some node j, whose n1(j) is then enabled
 *   throughout and must be taken on some other id x, which must come back to j: forwarded 3 times around the
 *   ring. Either way the cycle has at least 3 states. In the second case x passes node m, which forwards
 *   x > m only when lost. In the first, node m receives id m and becomes lost (m <= m). As state is constant on
 *   the cycle, node m is lost before it, and it can only lose by receiving id m (the only id <= m): n0(m) puts
 *   m at succ(m), then 2 forwards and node m's own n1: 3 n1 steps plus the 3 n0 steps, at least 6 steps before
 *   the cycle. Total at least 7 + 2 = 9. Lasso with 9: only node 3 initiates; n0(1), n0(2), n0(3) (id 3 sent to
 *   node 1), node 1 forwards to 2, node 2 forwards to 3, node 3 receives its own id, turns lost and forwards it to
 *   1; then the cycle: 1, 2 and 3 forward id 3 in turn (3 states). TLC prints 6+3.
 */
import { Set as ISet } from 'immutable';
import { defineSpec, eventually, implies, initially, interval, oneOf, t, wf } from '#tlats';

type Label = 'n0' | 'n1' | 'Done';
type NodeState = 'cand' | 'lost' | 'won';

interface State {
  readonly msgs: readonly ISet<number>[];
  readonly pc: readonly Label[];
  readonly initiator: readonly boolean[];
  readonly state: readonly NodeState[];
}

interface Consts { readonly N: number; readonly variant: 'as shipped' | '7b' }

/** [f EXCEPT ![n] = v] for a function on 1..N stored at index n - 1. */
function at<T>(f: readonly T[], n: number, v: T): T[] {
  const copy = f.slice();
  copy[n - 1] = v;
  return copy;
}
const get = <T>(f: readonly T[], n: number): T => f[n - 1]!;

/** MCChangRoberts: Id == [i \in 1 .. N |-> i]. */
const Id = (n: number) => n;
const succ = (n: number, c: Consts) => (n === c.N ? 1 : n + 1);
const nodes = (c: Consts) => interval(1, c.N);

const SOURCE = 'TLC 2.19 on tlaplus/Examples 32a32c7 MCChangRoberts.cfg, /work/shared/conformance/liveness.md';

export default defineSpec({
  name: 'ChangRoberts',
  description: 'Chang-Roberts leader election on a unidirectional ring (tlaplus/Examples chang_roberts, MCChangRoberts).',
  constants: {
    N: { default: 3 as number, doc: 'the number of nodes (Id[i] = i, as in MCChangRoberts)' },
    variant: oneOf(['as shipped', '7b'], 'as shipped', "n1's comparison: 'as shipped' is id < Id[self], '7b' is id <= Id[self] (liveness.md 7b)"),
  },
  schema: (c) => t.record({
    msgs: t.array(t.set(nodes(c).map(Id)), c.N),
    pc: t.array(t.enum('n0', 'n1', 'Done'), c.N),
    initiator: t.array(t.bool(), c.N),
    state: t.array(t.enum('cand', 'lost', 'won'), c.N),
  }),
  init: (c): State[] => {
    if (!(Number.isInteger(c.N) && c.N >= 1)) throw new Error('ASSUME N \\in Nat \\ {0} is false');
    const states: State[] = [];
    const msgs = nodes(c).map(() => ISet<number>());
    const pc = nodes(c).map((): Label => 'n0');
    for (let bits = 0; bits < 2 ** c.N; bits++) {
      const initiator = nodes(c).map((n) => ((bits >> (n - 1)) & 1) === 1);
      states.push({ msgs, pc, initiator, state: initiator.map((i): NodeState => (i ? 'cand' : 'lost')) });
    }
    return states;
  },
  actions: {
    n0: {
      params: (c: Consts) => ({ self: nodes(c) }),
      next: (s: State, { self }: { self: number }, c: Consts): State | null => {
        if (get(s.pc, self) !== 'n0') return null;
        const msgs = get(s.initiator, self) ? at(s.msgs, succ(self, c), get(s.msgs, succ(self, c)).add(Id(self))) : s.msgs;
        return { msgs, pc: at(s.pc, self, 'n1'), initiator: s.initiator, state: s.state };
      },
    },
    n1: {
      params: (c: Consts) => ({ self: nodes(c) }),
      next: (s: State, { self }: { self: number }, c: Consts): State[] | null => {
        if (get(s.pc, self) !== 'n1') return null;
        const pc = at(s.pc, self, 'n1');
        const out: State[] = [];
        for (const id of get(s.msgs, self)) {
          const _msgs = at(s.msgs, self, get(s.msgs, self).remove(id));
          const forward = () => at(_msgs, succ(self, c), get(_msgs, succ(self, c)).add(id));
          const smaller = c.variant === '7b' ? id <= Id(self) : id < Id(self);
          if (get(s.state, self) === 'lost') {
            out.push({ msgs: forward(), pc, initiator: s.initiator, state: s.state });
          } else if (smaller) {
            out.push({ msgs: forward(), pc, initiator: s.initiator, state: at(s.state, self, 'lost') });
          } else {
            out.push({ msgs: _msgs, pc, initiator: s.initiator, state: id === Id(self) ? at(s.state, self, 'won') : s.state });
          }
        }
        return out;
      },
    },
    Terminating: (s: State): State | null => (s.pc.every((l) => l === 'Done') ? s : null),
  },
  invariants: {
    TypeOK: (s, c) => {
      const ids = nodes(c).map(Id);
      return s.pc.length === c.N && s.pc.every((l) => l === 'n0' || l === 'n1' || l === 'Done')
        && s.msgs.length === c.N && s.msgs.every((m) => m.every((id) => ids.includes(id)))
        && s.initiator.length === c.N && s.initiator.every((i) => typeof i === 'boolean')
        && s.state.length === c.N && s.state.every((x) => x === 'cand' || x === 'lost' || x === 'won');
    },
    Correctness: (s, c) => nodes(c).every((n) =>
      get(s.state, n) !== 'won'
      || (get(s.initiator, n)
        && nodes(c).every((m) => m === n || (get(s.state, m) === 'lost' && (!get(s.initiator, m) || Id(m) > Id(n)))))),
  },
  fairness: {
    perNode: wf(['n0', 'n1'], { each: 'self' }),
  },
  properties: {
    Liveness: implies(initially((s: State) => s.state.includes('cand')), eventually((s: State) => s.state.includes('won'))),
    Termination: eventually((s: State) => s.pc.every((l) => l === 'Done')),
  },
  deadlock: false,
  configs: {
    'MCChangRoberts.cfg': {
      constants: { N: 3, variant: 'as shipped' },
      invariants: ['TypeOK', 'Correctness'],
      fairness: ['perNode'],
      properties: ['Liveness'],
      expect: { source: `${SOURCE} row 7: Liveness holds`, distinct: 137, generated: 227, depth: 10 },
    },
    '7a.Termination': {
      constants: { N: 3, variant: 'as shipped' },
      invariants: ['TypeOK', 'Correctness'],
      fairness: ['perNode'],
      properties: ['Liveness', 'Termination'],
      doc: 'liveness.md 7a: cfg PROPERTY Liveness Termination',
      expect: {
        source: `${SOURCE} row 7a: Termination violated, Liveness holds; shortest lasso of 4 states by hand (header)`,
        distinct: 137, generated: 227, depth: 10,
        violated: { Termination: 4 },
      },
    },
    '7b.lessOrEqual': {
      constants: { N: 3, variant: '7b' },
      invariants: ['TypeOK', 'Correctness'],
      fairness: ['perNode'],
      properties: ['Liveness'],
      doc: 'liveness.md 7b: IF id < Id[self] -> IF id <= Id[self] in the translation of n1',
      expect: {
        source: `${SOURCE} row 7b: Liveness violated; shortest lasso of 9 states by hand (header)`,
        distinct: 213, generated: 407, depth: 13,
        violated: { Liveness: 9 },
      },
    },
  },
});
