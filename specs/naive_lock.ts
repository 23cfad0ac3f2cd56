/**
 * NaiveLock: the README's first spec. Test the lock, then take it: two steps, so both processes can get in.
 *
 * Hand analysis (N = 2; a state is pc[0], pc[1], locked, with i = idle, c = checked, s = cs):
 *   level 1: iiF
 *   level 2: ciF, icF                  (check)
 *   level 3: ccF, siT, isT             (check; enter)
 *   level 4: scT, csT                  (enter after both checked)
 *   level 5: ssT                       (the second enter: mutex violated, a trace of 5 states)
 *   level 6: isF, siF                  (exit clears `locked` although the other is still in cs)
 *   level 7: csF, scF                  (check again while the other is in cs)
 * 13 distinct states, depth 7. Successors per state: 2 each except siT and isT (1 each: exit only), so
 * generated = 1 + 11 * 2 + 2 * 1 = 25. Every state has a successor: no deadlock.
 */
import { defineSpec, except, range, t } from '#tlats';   // outside this repository: from 'tlats'

type Pc = 'idle' | 'checked' | 'cs';
interface State { readonly pc: readonly Pc[]; readonly locked: boolean }

export default defineSpec({
  name: 'NaiveLock',
  description: 'Test the lock, then take it: two steps, so two processes can both get in.',
  constants: { N: 2 },
  schema: (c) => t.record({ pc: t.array(t.enum('idle', 'checked', 'cs'), c.N), locked: t.bool() }),
  init: (c): State => ({ pc: range(c.N).map((): Pc => 'idle'), locked: false }),
  actions: {
    check: {                                   // TLA+: \E p \in 0..N-1 : check(p)
      params: (c) => ({ p: range(c.N) }),
      next: (s: State, { p }: { p: number }) =>
        s.pc[p] === 'idle' && !s.locked ? { ...s, pc: except(s.pc, p, 'checked') } : null,
    },
    enter: {
      params: (c) => ({ p: range(c.N) }),
      next: (s: State, { p }: { p: number }) =>
        s.pc[p] === 'checked' ? { pc: except(s.pc, p, 'cs'), locked: true } : null,
    },
    exit: {
      params: (c) => ({ p: range(c.N) }),
      next: (s: State, { p }: { p: number }) =>
        s.pc[p] === 'cs' ? { pc: except(s.pc, p, 'idle'), locked: false } : null,
    },
  },
  invariants: {
    mutex: (s) => s.pc.filter((x) => x === 'cs').length <= 1,
  },
  expect: {
    source: 'the hand analysis in the header of specs/naive_lock.ts',
    distinct: 13, generated: 25, depth: 7,
    violated: { mutex: 5 },
  },
});
