/**
 * Prisoners: the Car Guys' puzzle of the prisoners and the two switches, with the counting solution.
 * Port of tlaplus/Examples specifications/Prisoners/Prisoners.tla (Leslie Lamport, commit 32a32c7), checked as in
 * Prisoners.cfg (Prisoner = {p1, p2, p3, p4}, Counter = p1, SPECIFICATION Spec, INVARIANT TypeOK CountInvariant,
 * PROPERTIES Safety Liveness; deadlock checking on, TLC's default).
 *
 * TLA+                                     -> here
 *   CONSTANTS Prisoner, Counter            -> constants Prisoner ("p1,p2,p3,p4": the model values, as a comma
 *                                             list, see members()) and Counter ("p1"); model values are
 *                                             strings here, equal only to themselves
 *   ASSUME Counter \in Prisoner /\ Cardinality(Prisoner) > 1
 *                                          -> checked in init (throws otherwise)
 *   OtherPrisoner == Prisoner \ {Counter}  -> others(c)
 *   VARIABLES switchAUp, switchBUp, timesSwitched, count
 *                                          -> state { switchAUp, switchBUp, timesSwitched, count };
 *                                             timesSwitched, a function on OtherPrisoner, is a record keyed by
 *                                             the prisoners' names
 *   TypeOK                                 -> invariant TypeOK (and the schema)
 *   Init                                   -> init: both switches over BOOLEAN, 4 initial states
 *   Done                                   -> done(s, c): count = 2 * (Cardinality(Prisoner) - 1)
 *   NonCounterStep(i)                      -> action NonCounterStep, parameter i over OtherPrisoner
 *   CounterStep                            -> action CounterStep
 *   Next                                   -> the disjunction of the actions' instances
 *   Fairness == WF_vars(CounterStep) /\ \A i \in OtherPrisoner : WF_vars(NonCounterStep(i))
 *                                          -> fairness counter: wf('CounterStep') and perOther:
 *                                             wf('NonCounterStep', { each: 'i' })
 *   (6a) WF_vars(Next)                     -> fairness next: wf(Next)
 *   (6b) WF_vars(\E i \in OtherPrisoner : NonCounterStep(i))
 *                                          -> fairness anyOther: wf('NonCounterStep')
 *   Safety == [](Done => \A i \in Prisoner \ {Counter} : timesSwitched[i] > 0)
 *                                          -> invariant Safety: [] of a state predicate, which TLC checks as an
 *                                             invariant (no liveness graph; "Invariant Safety is violated")
 *   Liveness == <>Done                     -> eventually(done)
 *   CountInvariant (the recursive sum over SUBSET OtherPrisoner, with CHOOSE)
 *                                          -> invariant CountInvariant: the sum of timesSwitched over
 *                                             OtherPrisoner, which is what the recursive function computes for
 *                                             any choice CHOOSE makes
 *
 * Configurations (../shared/conformance/liveness.md rows 6, 6a, 6b; all with Prisoner = {p1, p2, p3, p4},
 * Counter = p1, invariants TypeOK CountInvariant and Safety, property Liveness):
 *   Prisoners.cfg     fairness counter, perOther (Spec as shipped). TLC: Safety and Liveness hold.
 *   6a.wfNext         fairness next (Spec == Init /\ [][Next]_vars /\ WF_vars(Next)). TLC: Liveness violated,
 *                     Safety holds.
 *   6b.wfAnyOther     fairness counter, anyOther. TLC: Liveness violated, Safety holds.
 * TLC's counts for all three: 214 distinct, 860 generated, depth 14 (only fairness changes). Every action is an
 * IF/ELSE with one successor in every state, so generated = 4 initial + 214 * 4 instances = 860, and it is claimed.
 *
 * Shortest lassos, by hand (the expectations' numbers; TLC prints 11+2 for 6a and 10+2 for 6b, not the shortest):
 * - Every step of every action changes the state (both branches of both actions flip a switch), and every action
 *   is enabled in every state. So a behaviour that stutters for ever violates every WF condition here: no fair
 *   lasso ends in stuttering, and no cycle is a single state.
 * - 6a: 2 states. Lower bound: a cycle has at least 2 states (above). Lasso: the initial state with both switches
 *   down, count 0, a CounterStep flipping B up and a CounterStep flipping it back: count stays 0, Done never
 *   holds, and Next occurs infinitely often, which is all WF_vars(Next) asks.
 * - 6b: 6 states. Along the cycle count and timesSwitched cannot change (both only grow), so every step on it
 *   takes a switch-B branch. switchAUp is then constant on the cycle (only the other branches change it). The
 *   cycle contains a CounterStep (WF_vars(CounterStep), always enabled), whose B branch needs A down: A is down
 *   on the whole cycle. It also contains a NonCounterStep(i) for some i (WF of the disjunction, always
 *   enabled), whose B branch with A down needs timesSwitched[i] = 2. From an initial state (timesSwitched all 0)
 *   that takes two NonCounterStep(i) steps raising A, a CounterStep lowering A between them and another after
 *   the second (A is down on the cycle): at least 4 steps before the cycle, then at least 2 states on it, so at
 *   least 6 states. Lasso with 6: (A down, B down, count 0) -p2 raises A- -counter lowers A, count 1- -p2 raises
 *   A (timesSwitched[p2] = 2)- -counter lowers A, count 2- then the cycle: counter flips B, p2 flips B back.
 *   Count stays 2 < 6; CounterStep and NonCounterStep(p2) occur infinitely often.
 */
import { defineSpec, eventually, members, Next, t, wf } from '#tlats';

type Times = Readonly<Record<string, number>>;

interface State {
  readonly switchAUp: boolean;
  readonly switchBUp: boolean;
  readonly timesSwitched: Times;
  readonly count: number;
}

interface Consts { readonly Prisoner: string; readonly Counter: string }

const others = (c: Consts) => members(c.Prisoner).filter((p) => p !== c.Counter);
const cardinality = (c: Consts) => members(c.Prisoner).length;
const done = (s: State, c: Consts) => s.count === 2 * (cardinality(c) - 1);

const SOURCE = 'TLC 2.19 on tlaplus/Examples 32a32c7 Prisoners.cfg, /work/shared/conformance/liveness.md';
const COUNTS = { distinct: 214, generated: 860, depth: 14 } as const;

export default defineSpec({
  name: 'Prisoners',
  description: 'The prisoners and the two switches, with one counting prisoner (tlaplus/Examples Prisoners.tla).',
  constants: {
    Prisoner: { default: 'p1,p2,p3,p4' as string, doc: 'the set of prisoners (model values), as a comma list' },
    Counter: { default: 'p1' as string, doc: 'the prisoner who counts (a model value of Prisoner)' },
  },
  schema: (c) => t.record({
    switchAUp: t.bool(),
    switchBUp: t.bool(),
    timesSwitched: t.record(Object.fromEntries(others(c).map((p) => [p, t.int(0, 2)]))),
    count: t.int(0, 2 * cardinality(c) - 1),
  }),
  init: (c): State[] => {
    if (!members(c.Prisoner).includes(c.Counter)) throw new Error('ASSUME Counter \\in Prisoner is false');
    if (!(new Set(members(c.Prisoner)).size > 1)) throw new Error('ASSUME Cardinality(Prisoner) > 1 is false');
    const timesSwitched: Times = Object.fromEntries(others(c).map((p) => [p, 0]));
    const states: State[] = [];
    for (const switchAUp of [false, true]) {
      for (const switchBUp of [false, true]) states.push({ switchAUp, switchBUp, timesSwitched, count: 0 });
    }
    return states;
  },
  actions: {
    NonCounterStep: {
      params: (c: Consts) => ({ i: others(c) }),
      next: (s: State, { i }: { i: string }): State =>
        !s.switchAUp && s.timesSwitched[i]! < 2
          ? { switchAUp: true, switchBUp: s.switchBUp, timesSwitched: { ...s.timesSwitched, [i]: s.timesSwitched[i]! + 1 }, count: s.count }
          : { switchAUp: s.switchAUp, switchBUp: !s.switchBUp, timesSwitched: s.timesSwitched, count: s.count },
    },
    CounterStep: (s: State): State =>
      s.switchAUp
        ? { switchAUp: false, switchBUp: s.switchBUp, timesSwitched: s.timesSwitched, count: s.count + 1 }
        : { switchAUp: s.switchAUp, switchBUp: !s.switchBUp, timesSwitched: s.timesSwitched, count: s.count },
  },
  invariants: {
    TypeOK: (s, c) =>
      typeof s.switchAUp === 'boolean' && typeof s.switchBUp === 'boolean'
      && Object.keys(s.timesSwitched).length === others(c).length
      && others(c).every((p) => [0, 1, 2].includes(s.timesSwitched[p]!))
      && Number.isInteger(s.count) && s.count >= 0 && s.count <= 2 * cardinality(c) - 1,
    CountInvariant: (s, c) => {
      const totalSwitched = others(c).reduce((sum, p) => sum + s.timesSwitched[p]!, 0);
      const oneIfUp = s.switchAUp ? 1 : 0;
      return s.count === totalSwitched - oneIfUp || s.count === totalSwitched - oneIfUp + 1;
    },
    Safety: (s, c) => !done(s, c) || others(c).every((p) => s.timesSwitched[p]! > 0),
  },
  fairness: {
    counter: wf('CounterStep'),
    perOther: wf('NonCounterStep', { each: 'i' }),
    next: wf(Next),
    anyOther: wf('NonCounterStep'),
  },
  properties: {
    Liveness: eventually(done),
  },
  configs: {
    'Prisoners.cfg': {
      invariants: ['TypeOK', 'CountInvariant', 'Safety'],
      fairness: ['counter', 'perOther'],
      properties: ['Liveness'],
      expect: { source: `${SOURCE} row 6: Safety and Liveness hold`, ...COUNTS },
    },
    '6a.wfNext': {
      invariants: ['TypeOK', 'CountInvariant', 'Safety'],
      fairness: ['next'],
      properties: ['Liveness'],
      doc: 'liveness.md 6a: Spec == Init /\\ [][Next]_vars /\\ WF_vars(Next)',
      expect: {
        source: `${SOURCE} row 6a: Liveness violated, Safety holds; shortest lasso of 2 states by hand (header)`,
        ...COUNTS,
        violated: { Liveness: 2 },
      },
    },
    '6b.wfAnyOther': {
      invariants: ['TypeOK', 'CountInvariant', 'Safety'],
      fairness: ['counter', 'anyOther'],
      properties: ['Liveness'],
      doc: 'liveness.md 6b: \\A i \\in OtherPrisoner : WF_vars(NonCounterStep(i)) -> WF_vars(\\E i \\in OtherPrisoner : NonCounterStep(i))',
      expect: {
        source: `${SOURCE} row 6b: Liveness violated, Safety holds; shortest lasso of 6 states by hand (header)`,
        ...COUNTS,
        violated: { Liveness: 6 },
      },
    },
  },
});
