/**
 * DiningPhilosophers: the Chandy-Misra solution, philosophers handing clean forks to each other.
 * Port of the TLA+ translation in tlaplus/Examples specifications/DiningPhilosophers/DiningPhilosophers.tla
 * (commit 32a32c7), checked as in DiningPhilosophers.cfg (NP = 5, SPECIFICATION Spec, INVARIANT TypeOK
 * ExclusiveAccess, PROPERTY NobodyStarves; deadlock checking on, TLC's default). TLC checks the translation as it
 * stands (it warns that the PlusCal text changed since the translation); so does this port.
 *
 * TLA+                                     -> here
 *   CONSTANT NP                            -> constant NP (default 5); philosophers and forks are 1..NP, stored
 *                                             at array index p - 1 (traces show philosopher p's entries as
 *                                             pc[p-1], ...; fork holders are 1..NP)
 *   ASSUME NP \in Nat \ {0}                -> checked in init (throws otherwise)
 *   VARIABLES forks, pc, hungry            -> state { forks: { holder, clean }[], pc: Label[], hungry: boolean[] }
 *   LeftFork, RightFork, LeftPhilosopher,
 *   RightPhilosopher, IsHoldingBothForks,
 *   BothForksAreClean, CanEat              -> functions of the same names
 *   Init                                   -> init: the one initial state (fork f held by IF f = 2 THEN 1 ELSE f,
 *                                             all dirty; everyone hungry at "Loop")
 *   Loop(self), Think(self), Eat(self)     -> actions Loop, Think, Eat, parameter self over 1..NP. Loop is
 *                                             one IF/ELSIF/ELSE and one IF: one successor, which is the state
 *                                             itself when self holds no dirty fork and is hungry and cannot eat
 *                                             (a stutter step: a successor, so no deadlock, but no
 *                                             <<Philosopher(self)>>_vars step)
 *   Philosopher(self), Next                -> the disjunction of the three actions' instances
 *   Spec's \A self \in 1..NP :
 *     WF_vars(Philosopher(self))           -> fairness perPhilosopher: wf(['Loop', 'Think', 'Eat'], { each: 'self' })
 *   (3a) WF_vars(\E self \in 1..NP :
 *     Philosopher(self)), i.e. WF_vars(Next) -> fairness next: wf(Next)
 *   TypeOK                                 -> invariant TypeOK (and the schema)
 *   ShareFork(p, q), ExclusiveAccess       -> invariant ExclusiveAccess
 *   NobodyStarves == \A p \in 1..NP : []<>(~hungry[p])
 *                                          -> forAll p in 1..NP: alwaysEventually(~hungry[p])
 *
 * Configurations (../shared/conformance/liveness.md rows 3 and 3a):
 *   DiningPhilosophers.cfg   NP = 5; fairness perPhilosopher; invariants TypeOK, ExclusiveAccess;
 *                            property NobodyStarves. TLC: holds; 67 distinct, 336 generated, depth 29.
 *   3a.wfNext                the same with Spec's fairness replaced by WF_vars(\E self \in 1..NP :
 *                            Philosopher(self)). TLC: holds; same counts (only fairness changes).
 *
 * Counts: every action has exactly one successor per instance whose pc guard holds, and in every state exactly one
 * of Loop(p), Think(p), Eat(p) is enabled for each p (pc[p] picks it), as in TLC, which evaluates the IF/ELSE
 * branches without splitting them. So generated = 1 initial + 67 * 5 = 336, TLC's figure, and it is claimed.
 */
import { alwaysEventually, defineSpec, forAll, interval, Next, t, wf } from '#tlats';

type Label = 'Loop' | 'Eat' | 'Think';

interface Fork {
  readonly holder: number;
  readonly clean: boolean;
}

interface State {
  readonly forks: readonly Fork[];
  readonly pc: readonly Label[];
  readonly hungry: readonly boolean[];
}

interface Consts { readonly NP: number }

/** [f EXCEPT ![p] = v] for a function on 1..NP stored at index p - 1. */
function at<T>(f: readonly T[], p: number, v: T): T[] {
  const copy = f.slice();
  copy[p - 1] = v;
  return copy;
}
const get = <T>(f: readonly T[], p: number): T => f[p - 1]!;

const LeftFork = (p: number) => p;
const RightFork = (p: number, c: Consts) => (p === c.NP ? 1 : p + 1);
const LeftPhilosopher = (p: number, c: Consts) => (p === 1 ? c.NP : p - 1);
const RightPhilosopher = (p: number, c: Consts) => (p === c.NP ? 1 : p + 1);
const IsHoldingBothForks = (s: State, p: number, c: Consts) =>
  get(s.forks, LeftFork(p)).holder === p && get(s.forks, RightFork(p, c)).holder === p;
const BothForksAreClean = (s: State, p: number, c: Consts) =>
  get(s.forks, LeftFork(p)).clean && get(s.forks, RightFork(p, c)).clean;
const CanEat = (s: State, p: number, c: Consts) => IsHoldingBothForks(s, p, c) && BothForksAreClean(s, p, c);

const SOURCE = 'TLC 2.19 on tlaplus/Examples 32a32c7 DiningPhilosophers.cfg, /work/shared/conformance/liveness.md';

export default defineSpec({
  name: 'DiningPhilosophers',
  description: 'Chandy-Misra dining philosophers (tlaplus/Examples DiningPhilosophers.tla, TLA+ translation).',
  constants: {
    NP: { default: 5 as number, doc: 'the number of philosophers (and forks)' },
  },
  schema: (c) => t.record({
    forks: t.array(t.record({ holder: t.int(1, c.NP), clean: t.bool() }), c.NP),
    pc: t.array(t.enum('Loop', 'Eat', 'Think'), c.NP),
    hungry: t.array(t.bool(), c.NP),
  }),
  init: (c): State => {
    if (!(Number.isInteger(c.NP) && c.NP >= 1)) throw new Error('ASSUME NP \\in Nat \\ {0} is false');
    return {
      forks: interval(1, c.NP).map((f) => ({ holder: f === 2 ? 1 : f, clean: false })),
      pc: interval(1, c.NP).map((): Label => 'Loop'),
      hungry: interval(1, c.NP).map(() => true),
    };
  },
  actions: {
    Loop: {
      params: (c) => ({ self: interval(1, c.NP) }),
      next: (s: State, { self }: { self: number }, c: Consts): State | null => {
        if (get(s.pc, self) !== 'Loop') return null;
        let forks = s.forks;
        const left = get(s.forks, LeftFork(self));
        const right = get(s.forks, RightFork(self, c));
        if (left.holder === self && !left.clean) {
          forks = at(s.forks, LeftFork(self), { holder: LeftPhilosopher(self, c), clean: true });
        } else if (right.holder === self && !right.clean) {
          forks = at(s.forks, RightFork(self, c), { holder: RightPhilosopher(self, c), clean: true });
        }
        // CanEat on the unprimed forks
        const label: Label = get(s.hungry, self) ? (CanEat(s, self, c) ? 'Eat' : 'Loop') : 'Think';
        return { forks, pc: at(s.pc, self, label), hungry: s.hungry };
      },
    },
    Think: {
      params: (c) => ({ self: interval(1, c.NP) }),
      next: (s: State, { self }: { self: number }): State | null =>
        get(s.pc, self) === 'Think'
          ? { forks: s.forks, pc: at(s.pc, self, 'Loop'), hungry: at(s.hungry, self, true) }
          : null,
    },
    Eat: {
      params: (c) => ({ self: interval(1, c.NP) }),
      next: (s: State, { self }: { self: number }, c: Consts): State | null => {
        if (get(s.pc, self) !== 'Eat') return null;
        // [forks EXCEPT ![LeftFork(self)].clean = FALSE, ![RightFork(self)].clean = FALSE]
        let forks = at(s.forks, LeftFork(self), { ...get(s.forks, LeftFork(self)), clean: false });
        forks = at(forks, RightFork(self, c), { ...get(forks, RightFork(self, c)), clean: false });
        return { forks, pc: at(s.pc, self, 'Loop'), hungry: at(s.hungry, self, false) };
      },
    },
  },
  invariants: {
    TypeOK: (s, c) =>
      s.forks.length === c.NP
      && s.forks.every((f) => Number.isInteger(f.holder) && f.holder >= 1 && f.holder <= c.NP && typeof f.clean === 'boolean')
      && s.hungry.length === c.NP && s.hungry.every((h) => typeof h === 'boolean')
      && s.pc.length === c.NP && s.pc.every((l) => l === 'Loop' || l === 'Eat' || l === 'Think'),
    ExclusiveAccess: (s, c) => {
      const forksOf = (p: number) => [LeftFork(p), RightFork(p, c)];
      const shareFork = (p: number, q: number) => forksOf(p).some((f) => forksOf(q).includes(f));
      for (let p = 1; p <= c.NP; p++) {
        for (let q = 1; q <= c.NP; q++) {
          if (p !== q && shareFork(p, q) && get(s.pc, p) === 'Eat' && get(s.pc, q) === 'Eat') return false;
        }
      }
      return true;
    },
  },
  fairness: {
    perPhilosopher: wf(['Loop', 'Think', 'Eat'], { each: 'self' }),
    next: wf(Next),
  },
  properties: {
    NobodyStarves: forAll((c: Consts) => ({ p: interval(1, c.NP) }), ({ p }: { p: number }) =>
      alwaysEventually((s: State) => !get(s.hungry, p))),
  },
  configs: {
    'DiningPhilosophers.cfg': {
      constants: { NP: 5 },
      invariants: ['TypeOK', 'ExclusiveAccess'],
      fairness: ['perPhilosopher'],
      properties: ['NobodyStarves'],
      expect: { source: `${SOURCE} row 3: NobodyStarves holds`, distinct: 67, generated: 336, depth: 29 },
    },
    '3a.wfNext': {
      constants: { NP: 5 },
      invariants: ['TypeOK', 'ExclusiveAccess'],
      fairness: ['next'],
      properties: ['NobodyStarves'],
      doc: 'liveness.md 3a: \\A self : WF_vars(Philosopher(self)) -> WF_vars(\\E self \\in 1..NP : Philosopher(self))',
      expect: { source: `${SOURCE} row 3a: NobodyStarves holds`, distinct: 67, generated: 336, depth: 29 },
    },
  },
});
