/**
 * TokenRing: Dijkstra's self-stabilizing token ring (EWD 426), with N nodes whose counters take M values.
 * Port of tlaplus/Examples specifications/ewd426/TokenRing.tla (commit 32a32c7), checked as in TokenRing.cfg
 * without its ALIAS lines (N = 6, M = 6, CHECK_DEADLOCK FALSE, SPECIFICATION Spec, INVARIANT TypeOK, PROPERTIES
 * Stab). TLC 2.19 does not know ALIAS and stops on it; ALIAS only changes how traces are printed.
 *
 * TLA+                                     -> here
 *   CONSTANTS N, M                         -> constants N (default 6) and M (default 6)
 *   ASSUME NAssumption, MAssumption, NMAssumption (N, M \in Nat \ {0}, N <= M + 1)
 *                                          -> checked in init (throws otherwise)
 *   Node == 0 .. N-1                       -> array indices 0..N-1
 *   VARIABLE c                             -> state { c: number[] }
 *   TypeOK                                 -> invariant TypeOK (and the schema)
 *   Init == c \in [Node -> 0 .. M-1]       -> init: all M^N functions (46,656), every reachable state
 *   CreateToken                            -> action CreateToken: c[0] = c[N-1], c[0]' = (c[N-1] + 1) % M
 *   PassToken(i), i \in Node \ {0}         -> action PassToken, parameter i over 1..N-1
 *   Next                                   -> the disjunction of the actions' instances
 *   Spec's WF_vars(Next)                   -> fairness next: wf(Next)
 *   UniqueToken                            -> uniqueToken(s, c): \E i \in 0..N with c[j] = c[0] for j in 0..i-1
 *                                             (empty for i = 0) and c[j] = (c[0]-1) % M for j in i..N-1 (empty
 *                                             for i = N). TLA+'s % is floor modulo and 0 - 1 = -1 under
 *                                             Naturals in TLC, so (c[0]-1) % M is M-1 when c[0] = 0: mod()
 *   Stab == <>[]UniqueToken                -> eventuallyAlways(uniqueToken)
 *   Alias                                  -> not ported (a trace format)
 *
 * Configurations (../shared/conformance/liveness.md rows 8 and 8a; N = 6, M = 6, invariant TypeOK, property Stab,
 * no deadlock check):
 *   TokenRing.cfg   fairness next. TLC: Stab holds; 46,656 distinct, 248,832 generated, depth 1.
 *   8a.noFairness   no fairness (Spec == Init /\ [][Next]_vars). TLC: Stab violated; same counts.
 * Generated is claimed: each action instance has at most one successor, as in TLC (no disjunction in a guard).
 *
 * Shortest lasso of 8a, by hand: 1 state. Without fairness every state may stutter for ever, and an initial state
 * where UniqueToken is false, stuttering, violates <>[]UniqueToken. c = <<0,0,0,0,0,1>> is one (TLC's at -fp 0):
 * (c[0]-1) % 6 = 5, so i = 0 needs c[0] = 5, i in 1..5 needs c[5] = 5 (it is 1), and i = 6 needs c[5] = 0.
 */
import { defineSpec, eventuallyAlways, except, interval, t, wf, Next } from '#tlats';

interface State {
  readonly c: readonly number[];
}

interface Consts { readonly N: number; readonly M: number }

/** TLA+ a % b (b > 0): floor modulo, never negative. */
const mod = (a: number, b: number) => ((a % b) + b) % b;

const uniqueToken = (s: State, k: Consts): boolean => {
  const { c } = s;
  const after = mod(c[0]! - 1, k.M);
  for (let i = 0; i <= k.N; i++) {
    let ok = true;
    for (let j = 0; j <= i - 1 && ok; j++) if (c[j] !== c[0]) ok = false;
    for (let j = i; j <= k.N - 1 && ok; j++) if (c[j] !== after) ok = false;
    if (ok) return true;
  }
  return false;
};

const SOURCE = 'TLC 2.19 on tlaplus/Examples 32a32c7 TokenRing.cfg without ALIAS, /work/shared/conformance/liveness.md';

export default defineSpec({
  name: 'TokenRing',
  description: "Dijkstra's self-stabilizing token ring, EWD 426 (tlaplus/Examples ewd426/TokenRing.tla).",
  constants: {
    N: { default: 6 as number, doc: 'the number of nodes' },
    M: { default: 6 as number, doc: 'the number of counter values (0..M-1)' },
  },
  schema: (k) => t.record({ c: t.array(t.int(0, k.M - 1), k.N) }),
  init: (k): State[] => {
    if (!(Number.isInteger(k.N) && k.N >= 1)) throw new Error('ASSUME NAssumption (N \\in Nat \\ {0}) is false');
    if (!(Number.isInteger(k.M) && k.M >= 1)) throw new Error('ASSUME MAssumption (M \\in Nat \\ {0}) is false');
    if (!(k.N <= k.M + 1)) throw new Error('ASSUME NMAssumption (N <= M + 1) is false');
    let out: number[][] = [[]];
    for (let n = 0; n < k.N; n++) out = out.flatMap((f) => interval(0, k.M - 1).map((v) => [...f, v]));
    return out.map((c) => ({ c }));
  },
  actions: {
    CreateToken: (s: State, k: Consts): State | null =>
      s.c[0] === s.c[k.N - 1] ? { c: except(s.c, 0, mod(s.c[k.N - 1]! + 1, k.M)) } : null,
    PassToken: {
      params: (k: Consts) => ({ i: interval(1, k.N - 1) }),
      next: (s: State, { i }: { i: number }): State | null =>
        i !== 0 && s.c[i] !== s.c[i - 1] ? { c: except(s.c, i, s.c[i - 1]!) } : null,
    },
  },
  invariants: {
    TypeOK: (s, k) => s.c.length === k.N && s.c.every((v) => Number.isInteger(v) && v >= 0 && v <= k.M - 1),
  },
  fairness: {
    next: wf(Next),
  },
  properties: {
    Stab: eventuallyAlways(uniqueToken),
  },
  deadlock: false,
  configs: {
    'TokenRing.cfg': {
      constants: { N: 6, M: 6 },
      fairness: ['next'],
      properties: ['Stab'],
      expect: { source: `${SOURCE} row 8: Stab holds`, distinct: 46656, generated: 248832, depth: 1 },
    },
    '8a.noFairness': {
      constants: { N: 6, M: 6 },
      fairness: [],
      properties: ['Stab'],
      doc: 'liveness.md 8a: Spec without WF_vars(Next)',
      expect: {
        source: `${SOURCE} row 8a: Stab violated; shortest lasso of 1 state by hand (header)`,
        distinct: 46656, generated: 248832, depth: 1,
        violated: { Stab: 1 },
      },
    },
  },
});
