/**
 * TCommit: the Transaction Commit specification (Gray and Lamport, "Consensus on Transaction Commit").
 * Port of tlaplus/Examples specifications/transaction_commit/TCommit.tla, checked as in TCommit.cfg
 * (CONSTANT RM = {r1, r2, r3}, INVARIANTS TCTypeOK TCConsistent, CHECK_DEADLOCK FALSE).
 *
 * TLA+                                     -> here
 *   CONSTANT RM                            -> constant RM, a comma-separated list of ids ("r1,r2,r3")
 *   VARIABLE rmState                       -> state { rmState: Immutable Map from RM id to its state }
 *   TCInit                                 -> init
 *   Prepare(rm)                            -> action Prepare, parameter rm over RM
 *   Decide(rm)                             -> action Decide, parameter rm over RM; its two disjuncts (commit,
 *                                             abort) give up to two successors
 *   canCommit, notCommitted                -> helpers canCommit, notCommitted
 *   TCNext == \E rm \in RM : ...           -> the parameter domains of the two actions
 *   TCTypeOK                               -> invariant TCTypeOK (and the schema)
 *   TCConsistent                           -> invariant TCConsistent
 * Deadlock checking is off, as in TCommit.cfg (every behaviour ends when all RMs have decided).
 */
import { Map as IMap } from 'immutable';
import { defineSpec, members, t } from '#tlats';

const RMStates = ['working', 'prepared', 'committed', 'aborted'] as const;
type RMState = (typeof RMStates)[number];

/** The RM ids of the constant RM ("r1,r2,r3" is {r1, r2, r3}). */
const rms = (RM: string): readonly string[] => members(RM);

interface State { readonly rmState: IMap<string, RMState> }

const canCommit = (s: State) => s.rmState.every((st) => st === 'prepared' || st === 'committed');
const notCommitted = (s: State) => s.rmState.every((st) => st !== 'committed');

export default defineSpec({
  name: 'TCommit',
  description: 'Transaction Commit: resource managers agree to commit or abort (tlaplus/Examples TCommit.tla).',
  constants: {
    RM: { default: 'r1,r2,r3' as string, doc: 'the resource managers, comma-separated' },
  },
  schema: (c) => t.record({ rmState: t.map(rms(c.RM), t.enum(...RMStates)) }),
  init: (c): State => ({ rmState: IMap(rms(c.RM).map((rm) => [rm, 'working' as RMState])) }),
  actions: {
    Prepare: {
      params: (c) => ({ rm: rms(c.RM) }),
      next: (s: State, { rm }: { rm: string }) =>
        s.rmState.get(rm) === 'working' ? { rmState: s.rmState.set(rm, 'prepared') } : null,
    },
    Decide: {
      params: (c) => ({ rm: rms(c.RM) }),
      next: (s: State, { rm }: { rm: string }) => {
        const st = s.rmState.get(rm);
        const out: State[] = [];
        if (st === 'prepared' && canCommit(s)) out.push({ rmState: s.rmState.set(rm, 'committed') });
        if ((st === 'working' || st === 'prepared') && notCommitted(s)) out.push({ rmState: s.rmState.set(rm, 'aborted') });
        return out;
      },
    },
  },
  invariants: {
    TCTypeOK: (s, c) => {
      const ids = rms(c.RM);
      return s.rmState.size === ids.length
        && ids.every((rm) => s.rmState.has(rm) && RMStates.includes(s.rmState.get(rm)!));
    },
    TCConsistent: (s) => !(s.rmState.includes('aborted') && s.rmState.includes('committed')),
  },
  deadlock: false,
  expect: {
    source: 'TLC, tlaplus/Examples specifications/transaction_commit/manifest.json (TCommit.cfg)',
    distinct: 34,
    generated: 94,
    depth: 7,
  },
});
