/**
 * TwoPhase, the same model as specs/twophase.ts, written the faster way: plain arrays indexed by the RM's position
 * instead of Immutable.js Maps and Sets, and the message set as one flag per message. Same behaviours, same labels
 * (`RMPrepare(rm="r2")`, `TMRcvPrepared(rm="r2")`), same counts as TLC: see docs/spec-api.md, "Writing a spec
 * for speed", for the figures that say when this is worth it.
 *
 * TLA+                                     -> here
 *   rmState \in [RM -> RMStates]            -> rmState[i], i the position of the RM in the constant RM
 *   tmPrepared \subseteq RM                 -> tmPrepared[i]: a boolean per RM
 *   msgs \subseteq Message                  -> prepared[i] ([type |-> "Prepared", rm |-> RM i] \in msgs),
 *                                             commit ([type |-> "Commit"] \in msgs), abort ([type |-> "Abort"] \in msgs)
 */
import { choice, defineSpec, except, members, t, type Choice } from '#tlats';

const RMStates = ['working', 'prepared', 'committed', 'aborted'] as const;
type RMState = (typeof RMStates)[number];
const TMStates = ['init', 'committed', 'aborted'] as const;
type TMState = (typeof TMStates)[number];

const rms = (RM: string): readonly string[] => members(RM);

interface State {
  readonly rmState: readonly RMState[];
  readonly tmState: TMState;
  readonly tmPrepared: readonly boolean[];
  readonly prepared: readonly boolean[];
  readonly commit: boolean;
  readonly abort: boolean;
}

/** The position of each RM in the constant RM, per value of the constant. */
const positions = new Map<string, ReadonlyMap<string, number>>();
const at = (RM: string, rm: string): number => {
  let p = positions.get(RM);
  if (p === undefined) positions.set(RM, p = new Map(rms(RM).map((x, i) => [x, i])));
  return p.get(rm)!;
};
const perRM = (c: { RM: string }) => ({ rm: rms(c.RM) });
type PerRM = { rm: string };

export default defineSpec({
  name: 'TwoPhasePlain',
  description: 'Two-Phase Commit (tlaplus/Examples TwoPhase.tla) with plain arrays: specs/twophase.ts written for speed.',
  constants: {
    RM: { default: 'r1,r2,r3' as string, doc: 'the resource managers, comma-separated' },
  },
  schema: (c) => t.record({
    rmState: t.array(t.enum(...RMStates), rms(c.RM).length),
    tmState: t.enum(...TMStates),
    tmPrepared: t.array(t.bool(), rms(c.RM).length),
    prepared: t.array(t.bool(), rms(c.RM).length),
    commit: t.bool(),
    abort: t.bool(),
  }),
  init: (c): State => {
    const n = rms(c.RM).length;
    return {
      rmState: Array<RMState>(n).fill('working'), tmState: 'init', tmPrepared: Array<boolean>(n).fill(false),
      prepared: Array<boolean>(n).fill(false), commit: false, abort: false,
    };
  },
  actions: {
    TMCommit: (s): State | null => (s.tmState === 'init' && s.tmPrepared.every((p) => p) ? { ...s, tmState: 'committed', commit: true } : null),
    TMAbort: (s): State | null => (s.tmState === 'init' ? { ...s, tmState: 'aborted', abort: true } : null),
    // \E rm \in RM : TMRcvPrepared(rm): a choice among the Prepared messages sent, labelled with the RM.
    TMRcvPrepared: (s: State, c) => {
      if (s.tmState !== 'init') return null;
      const names = rms(c.RM);
      const received: Choice<State>[] = [];
      for (let i = 0; i < s.prepared.length; i++) {
        if (s.prepared[i]) received.push(choice({ rm: names[i]! }, { ...s, tmPrepared: except(s.tmPrepared, i, true) }));
      }
      return received;
    },
    RMPrepare: {
      params: perRM,
      next: (s: State, { rm }: PerRM, c: { RM: string }) =>
        s.rmState[at(c.RM, rm)] === 'working'
          ? { ...s, rmState: except(s.rmState, at(c.RM, rm), 'prepared'), prepared: except(s.prepared, at(c.RM, rm), true) }
          : null,
    },
    RMChooseToAbort: {
      params: perRM,
      next: (s: State, { rm }: PerRM, c: { RM: string }) => (s.rmState[at(c.RM, rm)] === 'working' ? { ...s, rmState: except(s.rmState, at(c.RM, rm), 'aborted') } : null),
    },
    RMRcvCommitMsg: {
      params: perRM,
      next: (s: State, { rm }: PerRM, c: { RM: string }) => (s.commit ? { ...s, rmState: except(s.rmState, at(c.RM, rm), 'committed') } : null),
    },
    RMRcvAbortMsg: {
      params: perRM,
      next: (s: State, { rm }: PerRM, c: { RM: string }) => (s.abort ? { ...s, rmState: except(s.rmState, at(c.RM, rm), 'aborted') } : null),
    },
  },
  invariants: {
    // TPTypeOK is what the schema checks on every state (an out-of-type value is refused with its path).
    TPTypeOK: (s, c) => s.rmState.length === rms(c.RM).length && s.rmState.every((x) => RMStates.includes(x)) && TMStates.includes(s.tmState),
  },
  expect: {
    source: 'TLC, tlaplus/Examples specifications/transaction_commit/manifest.json (TwoPhase.cfg)',
    distinct: 288,
    generated: 1146,
    depth: 11,
  },
});
