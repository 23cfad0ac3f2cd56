/**
 * Voting: the abstract voting algorithm under Paxos (Lamport, "Byzantizing Paxos by Refinement"), in which acceptors
 * vote for values in numbered ballots and a value is chosen when a quorum votes for it in one ballot.
 * Port of tlaplus/Examples specifications/Paxos/Voting.tla (commit 32a32c7), checked as in MCVoting.cfg: Acceptor =
 * {a1, a2, a3}, Value = {v1, v2}, Quorum = {{a1, a2}, {a1, a3}, {a2, a3}}, Ballot = 0..1, INVARIANT Inv,
 * SYMMETRY MCSymmetry (Permutations(MCAcceptor) \cup Permutations(MCValue)), CHECK_DEADLOCK FALSE. The cfg's
 * PROPERTY ConsensusSpecBar (refinement of Consensus) is not ported: tlats has no refinement check.
 *
 * TLA+                                     -> here
 *   CONSTANTS Value, Acceptor              -> constants Value ("v1,v2") and Acceptor ("a1,a2,a3"), comma lists of
 *                                             model values (members())
 *   Quorum                                 -> the majorities of Acceptor (for three acceptors, MCQuorum's pairs)
 *   Ballot == Nat, MCBallot == 0..1        -> constant MaxBallot (1): ballots 0..MaxBallot
 *   VARIABLES votes, maxBal                -> state { votes, maxBal }, records keyed by the acceptors
 *   votes[a] \in SUBSET (Ballot \X Value)  -> votes[a][b]: the value a voted for in ballot b, or null. VoteFor(a, b, v)
 *                                             requires \A vt \in votes[a] : vt[1] # b, so a votes at most once per
 *                                             ballot and this is a one-to-one image of the reachable votes
 *   maxBal[a] \in Ballot \cup {-1}         -> maxBal[a], an integer from -1
 *   VotedFor, ChosenAt, DidNotVoteAt, CannotVoteAt, NoneOtherChoosableAt, SafeAt, ShowsSafeAt
 *                                          -> functions of the same names
 *   Init                                   -> init (no votes, every maxBal -1)
 *   IncreaseMaxBal(a, b), VoteFor(a, b, v) -> actions of the same names, parameters over Acceptor, 0..MaxBallot, Value
 *   Inv == TypeOK /\ VotesSafe /\ OneValuePerBallot
 *                                          -> invariant Inv (TypeOK is the schema's)
 *   MCSymmetry                             -> symmetry Acceptor (the keys of votes and maxBal) and Value (the
 *                                             values in votes)
 */
import { defineSpec, members, range, t } from '#tlats';

type Votes = Readonly<Record<string, readonly (string | null)[]>>;
interface State {
  readonly votes: Votes;
  readonly maxBal: Readonly<Record<string, number>>;
}

interface K { readonly Acceptor: string; readonly Value: string; readonly MaxBallot: number }

const quorumCache = new Map<string, readonly (readonly string[])[]>();
/** Every majority of the acceptors (the subsets of more than half of them). */
function quorums(k: K): readonly (readonly string[])[] {
  let qs = quorumCache.get(k.Acceptor);
  if (!qs) {
    const as = members(k.Acceptor);
    const out: string[][] = [];
    for (let mask = 1; mask < 1 << as.length; mask++) {
      const q = as.filter((_, i) => (mask >> i) & 1);
      if (2 * q.length > as.length) out.push(q);
    }
    quorumCache.set(k.Acceptor, qs = out);
  }
  return qs;
}

const votedFor = (s: State, a: string, b: number, v: string) => s.votes[a]![b] === v;
const didNotVoteAt = (s: State, a: string, b: number) => s.votes[a]![b] === null;
const cannotVoteAt = (s: State, a: string, b: number) => s.maxBal[a]! > b && didNotVoteAt(s, a, b);
const noneOtherChoosableAt = (s: State, b: number, v: string, k: K) =>
  quorums(k).some((q) => q.every((a) => votedFor(s, a, b, v) || cannotVoteAt(s, a, b)));
const safeAt = (s: State, b: number, v: string, k: K) => range(b).every((c) => noneOtherChoosableAt(s, c, v, k));
/** ShowsSafeAt(Q, b, v) */
function showsSafeAt(s: State, q: readonly string[], b: number, v: string): boolean {
  if (!q.every((a) => s.maxBal[a]! >= b)) return false;
  for (let c = -1; c <= b - 1; c++) {
    if (c !== -1 && !q.some((a) => votedFor(s, a, c, v))) continue;
    let none = true;
    for (let d = c + 1; d <= b - 1 && none; d++) none = q.every((a) => didNotVoteAt(s, a, d));
    if (none) return true;
  }
  return false;
}

/**
 * generatedNote: generated is not compared. TLC reports 3,124 (451 with SYMMETRY) where this port, one successor
 * per action instance, generates 2,080 (280). TLC counts a successor per witness of some existentials in an action;
 * counting one per quorum Q of VoteFor's \E Q \in Quorum : ShowsSafeAt(Q, b, v) (and per c inside it) gives 2,836,
 * not 3,124, so the difference is not fully explained here. Distinct states and depth agree.
 */
export default defineSpec({
  name: 'Voting',
  description: 'The voting algorithm under Paxos (tlaplus/Examples Paxos/Voting.tla), with MCVoting.cfg\'s symmetry.',
  constants: {
    Acceptor: { default: 'a1,a2,a3' as string, doc: 'the acceptors, comma-separated model values' },
    Value: { default: 'v1,v2' as string, doc: 'the values, comma-separated model values' },
    MaxBallot: { default: 1 as number, doc: 'ballots are 0..MaxBallot (MCBallot == 0..1)' },
  },
  schema: (k) => t.record({
    votes: t.record(Object.fromEntries(members(k.Acceptor).map((a) => [a, t.array(t.enum(null, ...members(k.Value)), k.MaxBallot + 1)]))),
    maxBal: t.record(Object.fromEntries(members(k.Acceptor).map((a) => [a, t.int(-1, k.MaxBallot)]))),
  }),
  symmetry: {
    Acceptor: { ids: (k) => members(k.Acceptor), index: ['votes', 'maxBal'] },
    Value: { ids: (k) => members(k.Value), values: ['votes[*][*]'] },
  },
  init: (k): State => ({
    votes: Object.fromEntries(members(k.Acceptor).map((a) => [a, range(k.MaxBallot + 1).map(() => null)])),
    maxBal: Object.fromEntries(members(k.Acceptor).map((a) => [a, -1])),
  }),
  actions: {
    IncreaseMaxBal: {
      params: (k) => ({ a: [...members(k.Acceptor)], b: range(k.MaxBallot + 1) }),
      next: (s: State, { a, b }: { a: string; b: number }): State | null =>
        b > s.maxBal[a]! ? { votes: s.votes, maxBal: { ...s.maxBal, [a]: b } } : null,
    },
    VoteFor: {
      params: (k) => ({ a: [...members(k.Acceptor)], b: range(k.MaxBallot + 1), v: [...members(k.Value)] }),
      next: (s: State, { a, b, v }: { a: string; b: number; v: string }, k): State | null => {
        if (!(s.maxBal[a]! <= b)) return null;
        if (s.votes[a]![b] !== null) return null; // \A vt \in votes[a] : vt[1] # b
        for (const c of members(k.Acceptor)) {
          if (c !== a && s.votes[c]![b] !== null && s.votes[c]![b] !== v) return null;
        }
        if (!quorums(k).some((q) => showsSafeAt(s, q, b, v))) return null;
        const mine = s.votes[a]!.slice();
        mine[b] = v;
        return { votes: { ...s.votes, [a]: mine }, maxBal: { ...s.maxBal, [a]: b } };
      },
    },
  },
  invariants: {
    /** TypeOK (the schema) /\ VotesSafe /\ OneValuePerBallot */
    Inv: (s, k) => {
      const as = members(k.Acceptor);
      for (const a of as) {
        for (let b = 0; b <= k.MaxBallot; b++) {
          const v = s.votes[a]![b];
          if (v === null || v === undefined) continue;
          if (!safeAt(s, b, v, k)) return false; // VotesSafe
          for (const a2 of as) { // OneValuePerBallot
            const w = s.votes[a2]![b];
            if (w !== null && w !== v) return false;
          }
        }
      }
      return true;
    },
  },
  deadlock: false,
  configs: {
    'MCVoting.cfg': {
      symmetry: 'exact',
      doc: 'MCVoting.cfg without its PROPERTY: INVARIANT Inv, SYMMETRY MCSymmetry, CHECK_DEADLOCK FALSE',
      expect: {
        source: 'TLC 2.19 on tlaplus/Examples Paxos/MCVoting.tla (commit 32a32c7), MCVoting.cfg without PROPERTY: '
          + 'TLA_EXAMPLES=<checkout> bash bench/peers/symmetry/run-tlc.sh MCVoting_sym',
        distinct: 77, depth: 11, // TLC: 451 generated (see generatedNote)
      },
    },
    nosym: {
      doc: 'the same without SYMMETRY',
      expect: {
        source: 'TLC 2.19, MCVoting.cfg without PROPERTY and SYMMETRY: TLA_EXAMPLES=<checkout> bash bench/peers/symmetry/run-tlc.sh MCVoting_nosym',
        distinct: 599, depth: 11, // TLC: 3124 generated (see generatedNote)
      },
    },
  },
});
