/**
 * Paxos: Lamport's single-decree Paxos consensus algorithm, the message-passing version.
 * Port of tlaplus/Examples specifications/Paxos/Paxos.tla, checked with 3 acceptors, 2 values, majority quorums
 * and ballots 0..MaxBallot, without symmetry (the Examples' MCPaxos.cfg uses 1 acceptor, 1 value and symmetry).
 *
 * TLA+                                     -> here
 *   CONSTANTS Value, Acceptor, Quorum      -> constants V, A ("v1,v2", "a1,a2,a3"); Quorum: the smallest
 *                                             majorities of A
 *   Ballot (Nat, MC: 0..MaxBallot)         -> constant MaxBallot
 *   None == CHOOSE v : v \notin Value      -> null
 *   Message == [type: {"1a"}, bal] \cup ...-> type Msg and the schema's t.union of four t.records
 *   VARIABLES maxBal, maxVBal, maxVal      -> Immutable Maps Acceptor -> ballot (or -1) / value (or null)
 *   VARIABLE msgs                          -> an Immutable Set of message records (plain objects): the schema
 *                                             t.set(Message) encodes it as a bitset over the messages
 *   Send(m) == msgs' = msgs \cup {m}       -> addValue(msgs, m): an Immutable Set compares plain objects by
 *                                             reference, so a message already sent must not be added twice
 *   \E b \in Ballot : Phase1a(b)           -> action Phase1a, parameter b
 *   \E b, v : Phase2a(b, v)                -> action Phase2a, parameters b and v; its \E Q \in Quorum and the
 *                                             \E m \in Q1bv inside are labelled choices, Phase2a(b=1, v="v2",
 *                                             Q=["a1", "a2"], m={type: "1b", ...}), one per witness as in TLC
 *   \E a \in Acceptor : Phase1b(a)         -> action Phase1b, parameter a; \E m \in msgs a choice, (m={...})
 *   \E a \in Acceptor : Phase2b(a)         -> action Phase2b, the same
 *   TypeOK                                 -> the schema (and invariant TypeOK)
 *   (not in Paxos.tla)                     -> invariant Consistency: at most one value is chosen (Cardinality of
 *                                             V!chosen, with chosen as in Voting.tla: a quorum voted for it in
 *                                             one ballot, a vote being a 2b message)
 *
 * Expected counts: TLC 2.19, run here on Paxos.tla (its part above `V == INSTANCE Voting`, which the model does
 * not use) with this model (MCPaxosTlats.tla):
 *
 *   EXTENDS Paxos, TLC, FiniteSets
 *   CONSTANTS a1, a2, a3, v1, v2, MaxBallot
 *   MCAcceptor == {a1, a2, a3}   MCValue == {v1, v2}   MCQuorum == {{a1, a2}, {a1, a3}, {a2, a3}}
 *   MCBallot == 0..MaxBallot
 *   Chosen == {v \in Value : \E b \in Ballot, Q \in Quorum :
 *                \A a \in Q : [type |-> "2b", acc |-> a, bal |-> b, val |-> v] \in msgs}
 *   Consistency == Cardinality(Chosen) <= 1
 *
 * and MC_B<k>.cfg: CONSTANTS a1=a1 a2=a2 a3=a3 v1=v1 v2=v2 None=None MaxBallot=<k>, Acceptor <- MCAcceptor,
 * Value <- MCValue, Quorum <- MCQuorum, Ballot <- MCBallot; INIT Init NEXT Next; INVARIANT TypeOK Consistency.
 * No error: MaxBallot = 0: 73 distinct, 314 generated, depth 9; MaxBallot = 1: 3,921 / 23,563 / 17;
 * MaxBallot = 2: 185,369 / 1,361,380 / 25 (left to --const runs: the suite keeps to the two small ones).
 */
import { Map as IMap, Set as ISet } from 'immutable';
import { action, addValue, choice, defineSpec, members, range, t, type Choice } from '#tlats';

type Msg =
  | { readonly type: '1a'; readonly bal: number }
  | { readonly type: '1b'; readonly acc: string; readonly bal: number; readonly mbal: number; readonly mval: string | null }
  | { readonly type: '2a'; readonly bal: number; readonly val: string }
  | { readonly type: '2b'; readonly acc: string; readonly bal: number; readonly val: string };

interface State {
  readonly maxBal: IMap<string, number>;
  readonly maxVBal: IMap<string, number>;
  readonly maxVal: IMap<string, string | null>;
  readonly msgs: ISet<Msg>;
}

interface Consts { readonly A: string; readonly V: string; readonly MaxBallot: number }

const acceptors = (c: Consts) => members(c.A);
const values = (c: Consts) => members(c.V);
const ballots = (c: Consts) => range(c.MaxBallot + 1);

/**
 * TLA+ Quorum: the smallest majorities of the acceptors (for 3, the pairs, as MCQuorum), each a list in the
 * order of A. Any two intersect, as QuorumAssumption requires. (Adding the larger majorities would change no
 * state, but would add Phase2a witnesses, so TLC's generated count would differ.)
 */
const quorumCache = new Map<string, readonly (readonly string[])[]>();
function quorums(c: Consts): readonly (readonly string[])[] {
  let qs = quorumCache.get(c.A);
  if (!qs) {
    const as = acceptors(c);
    const all: string[][] = [];
    for (let bits = 0; bits < 1 << as.length; bits++) {
      const q = as.filter((_, i) => (bits >> i) & 1);
      if (q.length === Math.floor(as.length / 2) + 1) all.push(q);
    }
    qs = all;
    quorumCache.set(c.A, qs);
  }
  return qs;
}

/** Message, as a schema: one record per message type (TLA+ Message, with Ballot = 0..MaxBallot). */
const message = (c: Consts) => {
  const bal = t.int(0, c.MaxBallot);
  const acc = t.enum(...acceptors(c));
  const val = t.enum(...values(c));
  return t.union(
    t.record({ type: t.enum('1a'), bal }),
    t.record({ type: t.enum('1b'), acc, bal, mbal: t.int(-1, c.MaxBallot), mval: t.enum(...values(c), null) }),
    t.record({ type: t.enum('2a'), bal, val }),
    t.record({ type: t.enum('2b'), acc, bal, val }),
  );
};

export default defineSpec({
  name: 'Paxos',
  description: 'Single-decree Paxos with messages as a set of records (tlaplus/Examples Paxos.tla).',
  constants: {
    A: { default: 'a1,a2,a3' as string, doc: 'the acceptors, comma-separated' },
    V: { default: 'v1,v2' as string, doc: 'the values that may be proposed, comma-separated' },
    MaxBallot: { default: 1, doc: 'ballots are 0..MaxBallot' },
  },
  schema: (c) => t.record({
    maxBal: t.map(acceptors(c), t.int(-1, c.MaxBallot)),
    maxVBal: t.map(acceptors(c), t.int(-1, c.MaxBallot)),
    maxVal: t.map(acceptors(c), t.enum(...values(c), null)),
    msgs: t.set(message(c)),
  }),
  init: (c): State => ({
    maxBal: IMap(acceptors(c).map((a) => [a, -1])),
    maxVBal: IMap(acceptors(c).map((a) => [a, -1])),
    maxVal: IMap(acceptors(c).map((a) => [a, null])),
    msgs: ISet<Msg>(),
  }),
  actions: {
    Phase1a: action({
      params: (c: Consts) => ({ b: ballots(c) }),
      next: (s: State, { b }) => ({ ...s, msgs: addValue(s.msgs, { type: '1a', bal: b }) }),
    }),
    Phase1b: action({
      params: (c: Consts) => ({ a: acceptors(c) }),
      next: (s: State, { a }) => {
        const out: Choice<State>[] = [];
        for (const m of s.msgs) {
          if (m.type !== '1a' || !(m.bal > s.maxBal.get(a)!)) continue;
          out.push(choice({ m }, {
            ...s,
            maxBal: s.maxBal.set(a, m.bal),
            msgs: addValue(s.msgs, { type: '1b', acc: a, bal: m.bal, mbal: s.maxVBal.get(a)!, mval: s.maxVal.get(a)! }),
          }));
        }
        return out;
      },
    }),
    Phase2a: action({
      params: (c: Consts) => ({ b: ballots(c), v: values(c) }),
      // TLC enumerates \E Q \in Quorum, and \E m \in Q1bv inside it, as it does any \E of an action: one
      // successor (the same state) per witness. So does this: one labelled choice per quorum and witness.
      next: (s: State, { b, v }, c: Consts) => {
        for (const m of s.msgs) if (m.type === '2a' && m.bal === b) return null;
        const next: State = { ...s, msgs: addValue(s.msgs, { type: '2a', bal: b, val: v }) };
        const out: Choice<State>[] = [];
        for (const Q of quorums(c)) {
          const q1b: Extract<Msg, { type: '1b' }>[] = [];
          for (const m of s.msgs) if (m.type === '1b' && m.bal === b && Q.includes(m.acc)) q1b.push(m);
          if (!Q.every((a) => q1b.some((m) => m.acc === a))) continue;
          const q1bv = q1b.filter((m) => m.mbal >= 0);
          if (q1bv.length === 0) { out.push(choice({ Q }, next)); continue; }
          for (const m of q1bv) {
            if (m.mval === v && q1bv.every((mm) => m.mbal >= mm.mbal)) out.push(choice({ Q, m }, next));
          }
        }
        return out;
      },
    }),
    Phase2b: action({
      params: (c: Consts) => ({ a: acceptors(c) }),
      next: (s: State, { a }) => {
        const out: Choice<State>[] = [];
        for (const m of s.msgs) {
          if (m.type !== '2a' || !(m.bal >= s.maxBal.get(a)!)) continue;
          out.push(choice({ m }, {
            maxBal: s.maxBal.set(a, m.bal),
            maxVBal: s.maxVBal.set(a, m.bal),
            maxVal: s.maxVal.set(a, m.val),
            msgs: addValue(s.msgs, { type: '2b', acc: a, bal: m.bal, val: m.val }),
          }));
        }
        return out;
      },
    }),
  },
  invariants: {
    TypeOK: (s, c) => acceptors(c).every((a) => s.maxBal.has(a) && s.maxVBal.has(a) && s.maxVal.has(a))
      && s.maxBal.size === acceptors(c).length && s.msgs.every((m) => m.bal >= 0 && m.bal <= c.MaxBallot),
    Consistency: (s, c) => {
      // chosen: the values v such that some quorum Q sent 2b for v in one ballot b
      const votes = new Set<string>();
      for (const m of s.msgs) if (m.type === '2b') votes.add(`${m.acc}\u0000${m.bal}\u0000${m.val}`);
      const chosen = values(c).filter((v) => ballots(c).some((b) => quorums(c).some((Q) => Q.every((a) => votes.has(`${a}\u0000${b}\u0000${v}`)))));
      return chosen.length <= 1;
    },
  },
  configs: {
    B0: { constants: { MaxBallot: 0 }, expect: { source: 'TLC 2.19 on Paxos.tla with MCPaxosTlats (specs/paxos.ts header), MaxBallot = 0', distinct: 73, generated: 314, depth: 9 } },
    B1: { constants: { MaxBallot: 1 }, expect: { source: 'TLC 2.19 on Paxos.tla with MCPaxosTlats (specs/paxos.ts header), MaxBallot = 1', distinct: 3921, generated: 23563, depth: 17 } },
  },
});
