/**
 * TwoPhase: the Two-Phase Commit protocol (Gray and Lamport, "Consensus on Transaction Commit").
 * Port of tlaplus/Examples specifications/transaction_commit/TwoPhase.tla, checked as in TwoPhase.cfg
 * (CONSTANT RM = {r1, r2, r3}, INVARIANT TPTypeOK; deadlock checking on, TLC's default).
 *
 * TLA+                                     -> here
 *   CONSTANT RM                            -> constant RM, a comma-separated list of ids ("r1,r2,r3")
 *   VARIABLES rmState, tmState,
 *             tmPrepared, msgs             -> state { rmState: Immutable Map RM -> state, tmState,
 *                                             tmPrepared: Immutable Set of RM ids, msgs: Immutable Set }
 *   Message: [type |-> "Prepared", rm |-> r] -> the string "Prepared:r"
 *            [type |-> "Commit"], [type |-> "Abort"] -> the strings "Commit", "Abort"
 *   TPInit                                 -> init
 *   TMCommit, TMAbort                      -> actions TMCommit, TMAbort
 *   \E rm \in RM : TMRcvPrepared(rm)      -> action TMRcvPrepared: a labelled choice among the Prepared messages
 *                                             in msgs (only those enable it), traced as TMRcvPrepared(rm="r2")
 *   RMPrepare(rm), RMChooseToAbort(rm),
 *   RMRcvCommitMsg(rm), RMRcvAbortMsg(rm)  -> actions of the same names, parameter rm over RM
 *   TPNext                                 -> the disjunction of all the actions' instances
 *   TPTypeOK                               -> invariant TPTypeOK (and the schema)
 *
 * As in TLC, an action whose step changes nothing (TMRcvPrepared of an RM already in tmPrepared, RMRcvCommitMsg
 * of a committed RM...) still yields its successor, which is counted as generated.
 */
import { Map as IMap, Set as ISet } from 'immutable';
import { choice, defineSpec, members, t, type Choice } from '#tlats';

const RMStates = ['working', 'prepared', 'committed', 'aborted'] as const;
type RMState = (typeof RMStates)[number];
const TMStates = ['init', 'committed', 'aborted'] as const;
type TMState = (typeof TMStates)[number];

/** The RM ids of the constant RM ("r1,r2,r3" is {r1, r2, r3}). */
const rms = (RM: string): readonly string[] => members(RM);
/** The set Message, as strings. */
const PREPARED = 'Prepared:';
const messages = (RM: string): string[] => [...rms(RM).map((rm) => `${PREPARED}${rm}`), 'Commit', 'Abort'];

interface State {
  readonly rmState: IMap<string, RMState>;
  readonly tmState: TMState;
  readonly tmPrepared: ISet<string>;
  readonly msgs: ISet<string>;
}

export default defineSpec({
  name: 'TwoPhase',
  description: 'Two-Phase Commit: a transaction manager coordinates the resource managers (tlaplus/Examples TwoPhase.tla).',
  constants: {
    RM: { default: 'r1,r2,r3' as string, doc: 'the resource managers, comma-separated' },
  },
  schema: (c) => t.record({
    rmState: t.map(rms(c.RM), t.enum(...RMStates)),
    tmState: t.enum(...TMStates),
    tmPrepared: t.set(rms(c.RM)),
    msgs: t.set(messages(c.RM)),
  }),
  init: (c): State => ({
    rmState: IMap(rms(c.RM).map((rm) => [rm, 'working' as RMState])),
    tmState: 'init',
    tmPrepared: ISet<string>(),
    msgs: ISet<string>(),
  }),
  actions: {
    // The transaction manager's actions are drawn in the TM lane; each RM's in its own (the default: rm=r1, ...).
    TMCommit: {
      actor: 'TM',
      next: (s: State, _: {}, c: { readonly RM: string }): State | null =>
        s.tmState === 'init' && s.tmPrepared.size === rms(c.RM).length && rms(c.RM).every((rm) => s.tmPrepared.has(rm))
          ? { ...s, tmState: 'committed', msgs: s.msgs.add('Commit') }
          : null,
    },
    TMAbort: { actor: 'TM', next: (s: State): State | null => (s.tmState === 'init' ? { ...s, tmState: 'aborted', msgs: s.msgs.add('Abort') } : null) },
    // TLA+ \E rm \in RM : TMRcvPrepared(rm), enabled only by [type |-> "Prepared", rm |-> rm] \in msgs: a choice
    // among the Prepared messages in the state, each successor labelled with its RM (`TMRcvPrepared(rm="r2")`).
    TMRcvPrepared: {
      actor: 'TM',
      next: (s: State) => {
        if (s.tmState !== 'init') return null;
        const received: Choice<State>[] = [];
        for (const m of s.msgs) {
          if (!m.startsWith(PREPARED)) continue;
          const rm = m.slice(PREPARED.length);
          received.push(choice({ rm }, { ...s, tmPrepared: s.tmPrepared.add(rm) }));
        }
        return received;
      },
    },
    RMPrepare: {
      params: (c) => ({ rm: rms(c.RM) }),
      next: (s: State, { rm }: { rm: string }) =>
        s.rmState.get(rm) === 'working'
          ? { ...s, rmState: s.rmState.set(rm, 'prepared'), msgs: s.msgs.add(`Prepared:${rm}`) }
          : null,
    },
    RMChooseToAbort: {
      params: (c) => ({ rm: rms(c.RM) }),
      next: (s: State, { rm }: { rm: string }) =>
        s.rmState.get(rm) === 'working' ? { ...s, rmState: s.rmState.set(rm, 'aborted') } : null,
    },
    RMRcvCommitMsg: {
      params: (c) => ({ rm: rms(c.RM) }),
      next: (s: State, { rm }: { rm: string }) =>
        s.msgs.has('Commit') ? { ...s, rmState: s.rmState.set(rm, 'committed') } : null,
    },
    RMRcvAbortMsg: {
      params: (c) => ({ rm: rms(c.RM) }),
      next: (s: State, { rm }: { rm: string }) =>
        s.msgs.has('Abort') ? { ...s, rmState: s.rmState.set(rm, 'aborted') } : null,
    },
  },
  invariants: {
    TPTypeOK: (s, c) => {
      const ids = rms(c.RM);
      const msgSet = messages(c.RM);
      return s.rmState.size === ids.length
        && ids.every((rm) => s.rmState.has(rm) && RMStates.includes(s.rmState.get(rm)!))
        && TMStates.includes(s.tmState)
        && s.tmPrepared.every((rm) => ids.includes(rm))
        && s.msgs.every((m) => msgSet.includes(m));
    },
  },
  expect: {
    source: 'TLC, tlaplus/Examples specifications/transaction_commit/manifest.json (TwoPhase.cfg)',
    distinct: 288,
    generated: 1146,
    depth: 11,
  },
});
