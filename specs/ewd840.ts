/**
 * EWD840: Dijkstra's termination detection on a ring (EWD 840, with Feijen and van Gasteren).
 * Port of tlaplus/Examples specifications/ewd840/EWD840.tla (Stephan Merz), checked as in EWD840.cfg
 * (N = 3, CHECK_DEADLOCK FALSE, INVARIANTS TypeOK TerminationDetection Inv, PROPERTIES Liveness TDSpec).
 *
 * TLA+                                     -> here
 *   CONSTANT N                             -> constant N (default 3)
 *   VARIABLES active, color, tpos, tcolor  -> state { active: boolean[], color: Color[], tpos, tcolor }
 *   Init                                   -> init: all 2^N * 2^N * N type-correct states with a black token
 *   InitiateProbe                          -> action InitiateProbe
 *   PassToken(i), i \in Node \ {0}         -> action PassToken, parameter i over 1..N-1
 *   System                                 -> InitiateProbe and PassToken
 *   SendMsg(i)                             -> action SendMsg, parameter i over Node; its \E j \in Node \ {i}
 *                                             gives one successor per j
 *   Deactivate(i)                          -> action Deactivate, parameter i over Node
 *   Environment, Next                      -> the disjunction of all the actions' instances
 *   TypeOK                                 -> invariant TypeOK (and the schema)
 *   TerminationDetection                   -> invariant TerminationDetection
 *   Inv (P0 \/ P1 \/ P2)                   -> invariant Inv
 *   TDSpec == TD!Spec (refinement of
 *     SyncTerminationDetection)            -> its safety part: TD!Init is implied by the invariant
 *                                             TerminationDetection on initial states; [][TD!Next]_<<active,
 *                                             terminationDetected>> is the action property TDSpecNext; its
 *                                             WF_TDvars(DetectTermination) is the temporal property TDSpec,
 *                                             weaklyFair of TD's action given by its ENABLED (TLC evaluates it
 *                                             over TD's own variables: terminated /\ ~terminationDetected) and
 *                                             its steps (terminated, active unchanged, terminationDetected
 *                                             becoming true)
 *   Spec's WF_vars(System)                 -> fairness system: wf(['InitiateProbe', 'PassToken'])
 *   SpecWFNext's WF_vars(Next)             -> fairness next: wf(Next)
 *   Liveness == terminated ~> terminationDetected          -> leadsTo
 *   FalseLiveness == (\A i : []<> ~active[i]) ~> terminationDetected
 *                                          -> (\A i : []<> ~active[i]) => []<> terminationDetected, the same
 *                                             property: its left side holds of a behaviour or of none of its
 *                                             suffixes, so "whenever it holds, eventually Q" is "infinitely
 *                                             often Q" when it holds
 *   AllNodesTerminateIfNoMessages == <>[][\A i : ~SendMsg(i)]_vars => <>(\A i : ~active[i])
 *                                          -> implies(eventuallyNever('SendMsg'), eventually(terminated))
 *
 * Configurations: EWD840.cfg (Spec; Liveness, TDSpec hold) and the variants of
 * ../shared/conformance/liveness.md rows 1a (no fairness: both violated), 1b (FalseLiveness violated) and 1c
 * (SpecWFNext: AllNodesTerminateIfNoMessages, Liveness and TDSpec hold), with TLC's verdicts.
 *
 * Expectation, and where it differs from the manifest's figures (302 distinct, 2001 generated, depth 10):
 * - generated is omitted. TLC turns a disjunction that comes before an action's primed assignments into
 *   separate branches and produces the successor once per true disjunct (see the test model
 *   MinimalSetOfNextStates.tla in tlaplus/tlaplus, case N1b). InitiateProbe's guard
 *   `tcolor = "black" \/ color[0] = "black"` and PassToken's guard `~active[i] \/ color[i] = "black" \/
 *   tcolor = "black"` are such disjunctions. This port gives one successor per enabled instance. Counting the
 *   true disjuncts beyond the first over the 302 reachable states gives 184, and 1817 + 184 = 2001.
 * - depth is 9, as TLC recorded it in tlaplus/Examples manifest.json at commit b7d2d8c (PR #122, the same
 *   Init/Next with N = 3). The current manifest's 10 comes from a run with several workers. With several
 *   workers TLC's reported depth varies from run to run (tlaplus/tlaplus#883), so the Examples CI does not
 *   compare depth (.github/scripts/tla_utils.py).
 */
import {
  alwaysEventually, defineSpec, eventually, eventuallyNever, except, implies, interval, leadsTo, Next, range, t, weaklyFair, wf,
} from '#tlats';

type Color = 'white' | 'black';

interface State {
  readonly active: readonly boolean[];
  readonly color: readonly Color[];
  readonly tpos: number;
  readonly tcolor: Color;
}

const terminated = (active: readonly boolean[]) => active.every((a) => !a);
const terminationDetected = (s: State) =>
  s.tpos === 0 && s.tcolor === 'white' && s.color[0] === 'white' && !s.active[0];

const SOURCE = 'TLC, tlaplus/Examples specifications/ewd840/manifest.json (EWD840.cfg): distinct 302; depth 9 as '
  + 'recorded by TLC in tlaplus/Examples manifest.json at b7d2d8c (the current 10 is a multi-worker figure, '
  + 'tlaplus/tlaplus#883); generated omitted (TLC 2001 counts one successor per true guard disjunct; see header)';

/** All functions from 0..n-1 to `values`, as arrays. */
function allFunctions<T>(n: number, values: readonly T[]): T[][] {
  let out: T[][] = [[]];
  for (let i = 0; i < n; i++) out = out.flatMap((f) => values.map((v) => [...f, v]));
  return out;
}

export default defineSpec({
  name: 'EWD840',
  description: "Dijkstra's token-based termination detection on a ring (tlaplus/Examples EWD840.tla).",
  constants: {
    N: { default: 3 as number, doc: 'the number of nodes on the ring' },
  },
  schema: (c) => t.record({
    active: t.array(t.bool(), c.N),
    color: t.array(t.enum('white', 'black'), c.N),
    tpos: t.int(0, c.N - 1),
    tcolor: t.enum('white', 'black'),
  }),
  init: (c) => {
    const states: State[] = [];
    for (const active of allFunctions(c.N, [false, true])) {
      for (const color of allFunctions<Color>(c.N, ['white', 'black'])) {
        for (const tpos of range(c.N)) states.push({ active, color, tpos, tcolor: 'black' });
      }
    }
    return states;
  },
  actions: {
    InitiateProbe: (s, c): State | null => {
      if (s.tpos !== 0 || !(s.tcolor === 'black' || s.color[0] === 'black')) return null;
      return { active: s.active, color: except(s.color, 0, 'white'), tpos: c.N - 1, tcolor: 'white' };
    },
    PassToken: {
      params: (c) => ({ i: interval(1, c.N - 1) }),
      next: (s: State, { i }: { i: number }): State | null => {
        if (s.tpos !== i || !(!s.active[i] || s.color[i] === 'black' || s.tcolor === 'black')) return null;
        return {
          active: s.active,
          color: except(s.color, i, 'white'),
          tpos: i - 1,
          tcolor: s.color[i] === 'black' ? 'black' : s.tcolor,
        };
      },
    },
    SendMsg: {
      params: (c) => ({ i: range(c.N) }),
      next: (s: State, { i }: { i: number }, c): State[] | null => {
        if (!s.active[i]) return null;
        const out: State[] = [];
        for (let j = 0; j < c.N; j++) {
          if (j === i) continue;
          out.push({
            active: except(s.active, j, true),
            color: j > i ? except(s.color, i, 'black') : s.color,
            tpos: s.tpos,
            tcolor: s.tcolor,
          });
        }
        return out;
      },
    },
    Deactivate: {
      params: (c) => ({ i: range(c.N) }),
      next: (s: State, { i }: { i: number }): State | null =>
        s.active[i] ? { ...s, active: except(s.active, i, false) } : null,
    },
  },
  invariants: {
    TypeOK: (s, c) =>
      s.active.length === c.N && s.active.every((a) => typeof a === 'boolean')
      && s.color.length === c.N && s.color.every((x) => x === 'white' || x === 'black')
      && Number.isInteger(s.tpos) && s.tpos >= 0 && s.tpos < c.N
      && (s.tcolor === 'white' || s.tcolor === 'black'),
    TerminationDetection: (s) => !terminationDetected(s) || terminated(s.active),
    Inv: (s, c) => {
      let p0 = true; // \A i \in Node : tpos < i => ~ active[i]
      for (let i = s.tpos + 1; i < c.N; i++) if (s.active[i]) p0 = false;
      let p1 = false; // \E j \in 0 .. tpos : color[j] = "black"
      for (let j = 0; j <= s.tpos; j++) if (s.color[j] === 'black') p1 = true;
      const p2 = s.tcolor === 'black';
      return p0 || p1 || p2;
    },
  },
  actionProperties: {
    /** [][TD!Next]_<<active, terminationDetected>>, TD!Next being SyncTerminationDetection's Next. */
    TDSpecNext: (s, u, _step, c) => {
      const td = terminationDetected(s);
      const td2 = terminationDetected(u);
      const sameActive = s.active.every((a, k) => a === u.active[k]);
      if (sameActive && td === td2) return true; // stuttering step of <<active, terminationDetected>>
      for (let i = 0; i < c.N; i++) {
        if (!s.active[i]) continue;
        const differsOnlyAt = (k: number) => u.active.every((a, m) => (m === k ? true : a === s.active[m]));
        // Terminate(i): active' = [active EXCEPT ![i] = FALSE], td' \in {td, terminated'}
        if (!u.active[i] && differsOnlyAt(i) && (td2 === td || td2 === terminated(u.active))) return true;
        // Wakeup(i, j): active' = [active EXCEPT ![j] = TRUE], UNCHANGED td
        for (let j = 0; j < c.N; j++) if (u.active[j] && differsOnlyAt(j) && td2 === td) return true;
      }
      // DetectTermination: terminated /\ td' = TRUE /\ UNCHANGED active
      return terminated(s.active) && td2 && sameActive;
    },
  },
  fairness: {
    system: wf(['InitiateProbe', 'PassToken']),
    next: wf(Next),
  },
  properties: {
    Liveness: leadsTo((s) => terminated(s.active), terminationDetected),
    TDSpec: weaklyFair({
      enabled: (s: State) => terminated(s.active) && !terminationDetected(s),
      steps: (s: State, u: State) => terminated(s.active) && s.active.every((a, k) => a === u.active[k]) && !terminationDetected(s) && terminationDetected(u),
    }),
    FalseLiveness: (c) => implies(range(c.N).map((i) => alwaysEventually((s: State) => !s.active[i])), alwaysEventually(terminationDetected)),
    AllNodesTerminateIfNoMessages: implies(eventuallyNever('SendMsg'), eventually((s: State) => terminated(s.active))),
  },
  deadlock: false,
  configs: {
    'EWD840.cfg': {
      fairness: ['system'],
      properties: ['Liveness', 'TDSpec'],
      expect: {
        source: `${SOURCE}; Liveness and TDSpec hold (../shared/conformance/liveness.md row 1)`,
        distinct: 302, depth: 9,
      },
    },
    '1a.noFairness': {
      fairness: [],
      properties: ['Liveness', 'TDSpec'],
      doc: 'liveness.md 1a: Spec without WF_vars(System)',
      expect: {
        source: `${SOURCE}; liveness.md row 1a: both violated. Lassos of 1 state by hand: an initial state with every `
          + 'node inactive and the token black is terminated and undetected, and with no fairness it may stutter for ever',
        distinct: 302, depth: 9,
        violated: { Liveness: 1, TDSpec: 1 },
      },
    },
    '1b.FalseLiveness': {
      fairness: ['system'],
      properties: ['FalseLiveness'],
      doc: 'liveness.md 1b: PROPERTIES FalseLiveness',
      expect: { source: `${SOURCE}; liveness.md row 1b: FalseLiveness violated (lasso length not fixed by TLC)`, distinct: 302, depth: 9, violated: { FalseLiveness: true } },
    },
    '1c.SpecWFNext': {
      fairness: ['next'],
      properties: ['AllNodesTerminateIfNoMessages', 'Liveness', 'TDSpec'],
      doc: 'liveness.md 1c: SPECIFICATION SpecWFNext',
      expect: { source: `${SOURCE}; liveness.md row 1c: all three hold`, distinct: 302, depth: 9 },
    },
  },
});
