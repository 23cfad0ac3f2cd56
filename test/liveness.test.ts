/**
 * Hand-analysed liveness cases: TLC's semantics where the TLA+ books leave room (constraints, stuttering, self
 * loops of actions, deadlock), and the checker's interplay with the rest of a run (bounded and stopped searches,
 * VIEW, exit codes, quantified properties). Each case's expected verdict is worked out in its comment; the TLC
 * results quoted were obtained with TLC 2.19 on the same models written in TLA+ (the runs are described in
 * docs/design.md, "Liveness").
 */
import { describe, expect, it } from 'vitest';
import { checkConfig, type CheckOptions, type CheckResult } from '../checker/run/check.ts';
import { CheckerError } from '../checker/errors.ts';
import {
  defineSpec, eventually, forAll, leadsTo, alwaysEventually, Next, wf, sf, type Spec,
} from '../src/index.ts';

const check = (spec: Spec, opts: CheckOptions = {}): Promise<CheckResult> =>
  checkConfig({ spec, file: 'liveness.test.ts' }, { workers: 1, continueAfterViolation: true, ...opts });
const temporal = (r: CheckResult) => r.violations.filter((v) => v.kind === 'temporal');
const xs = (r: CheckResult, label: string) => {
  const v = r.violations.find((x) => x.label === label)!;
  // The loop's step as these tests compute it by hand: its place, label and stutter (its actor is tested elsewhere).
  const loop = v.loop && { index: v.loop.index, stutter: v.loop.stutter, label: v.loop.label };
  return { states: v.trace.map((s) => (s.state as { x: number }).x), loop };
};

describe('constraints (TLC: the graph keeps only states inside them, ENABLED counts every successor)', () => {
  /**
   * x' = x + 1 for ever, CONSTRAINT x < 3: the graph is 0, 1, 2. At x = 2 Next is enabled (its successor 3 exists
   * in the spec, outside the constraint), so under WF_vars(Next) no fair behaviour stops there, and none can go on:
   * there is no fair behaviour at all, and <>(x = 5) holds (TLC: "No error has been found"). Without fairness the
   * initial state may stutter for ever: violated by the lasso of one state (TLC prints x = 0, 1, 2, then stuttering;
   * the initial state stuttering is a shorter counterexample of the same property).
   */
  const counter = (fair: boolean) => defineSpec({
    name: 'Counter',
    init: () => ({ x: 0 }),
    actions: { Next: (s: { x: number }) => ({ x: s.x + 1 }) },
    constraint: (s) => s.x < 3,
    ...(fair ? { fairness: { all: wf(Next) } } : {}),
    properties: { Reach5: eventually((s: { x: number }) => s.x === 5) },
  });

  it('with WF_vars(Next): <>(x = 5) holds, as TLC says', async () => {
    const r = await check(counter(true));
    expect(temporal(r)).toEqual([]);
    expect(r.outcome.exitCode).toBe(0);
    expect([r.stats.distinct, r.stats.generated]).toEqual([3, 4]);
  });

  it('without fairness: violated by the initial state stuttering (exit 13)', async () => {
    const r = await check(counter(false));
    expect(xs(r, 'Reach5')).toEqual({ states: [0], loop: { index: 0, stutter: true, label: null } });
    expect(r.outcome.exitCode).toBe(13);
  });

  /**
   * A: x' = x + 1 (weakly fair), B: y' = 1 - y (not fair), CONSTRAINT x < 1: the graph is (0,0) <-> (0,1). A is
   * enabled in both (its successors are cut), never taken: no behaviour is fair, so []<>(y = 1) holds, which is what
   * TLC reports (the property is false of the spec without the constraint: A for ever, y stays 0). With A guarded by
   * x < 1 instead of the constraint, A is disabled at x = 1 and stuttering there is fair: (0,0), A, (1,0) stutters.
   */
  it('a weakly fair action whose successors are all cut makes every behaviour unfair (TLC\'s verdict)', async () => {
    type S = { x: number; y: number };
    const base = {
      name: 'CutWF',
      init: () => ({ x: 0, y: 0 }),
      fairness: { a: wf('A') },
      properties: { InfOftenY1: alwaysEventually((s: S) => s.y === 1) },
    };
    const cut = await check(defineSpec({ ...base, actions: { A: (s: S) => ({ ...s, x: s.x + 1 }), B: (s: S) => ({ ...s, y: 1 - s.y }) }, constraint: (s: S) => s.x < 1 }));
    expect(temporal(cut)).toEqual([]);
    const guarded = await check(defineSpec({ ...base, actions: { A: (s: S) => (s.x < 1 ? { ...s, x: s.x + 1 } : null), B: (s: S) => (s.x < 1 ? { ...s, y: 1 - s.y } : null) } }));
    const v = guarded.violations.find((x) => x.label === 'InfOftenY1')!;
    expect(v.trace.map((s) => s.state)).toEqual([{ x: 0, y: 0 }, { x: 1, y: 0 }]);
    expect(v.loop).toEqual({ index: 1, stutter: true, label: null });
  });
});

describe('stuttering', () => {
  /**
   * Next == x < 2 /\ x' = x + 1, WF_vars(Next), no deadlock check: the behaviour must go 0, 1, 2 and then
   * stutters (nothing is enabled at 2, so WF holds there). <>(x = 5) is violated by exactly that lasso: 2 states
   * before the stuttering state, 3 in all (TLC prints the same: x = 0, 1, 2, State 4: Stuttering). <>(x = 2) holds.
   */
  const term = defineSpec({
    name: 'Term',
    init: () => ({ x: 0 }),
    actions: { Next: (s: { x: number }) => (s.x < 2 ? { x: s.x + 1 } : null) },
    fairness: { all: wf(Next) },
    properties: { Reach5: eventually((s: { x: number }) => s.x === 5), Reach2: eventually((s: { x: number }) => s.x === 2) },
    deadlock: false,
  });

  it('a terminated state stutters for ever; fairness forbids stopping before', async () => {
    const r = await check(term);
    expect(temporal(r).map((v) => v.label)).toEqual(['Reach5']);
    expect(xs(r, 'Reach5')).toEqual({ states: [0, 1, 2], loop: { index: 2, stutter: true, label: null } });
  });

  /**
   * A1 == x = 0 /\ x' \in {0, 1} under WF: its step 0 -> 0 is a stutter, not an <<A1>> step, and A1 is enabled at
   * 0 (it can go to 1), so staying at 0 is unfair: <>(x = 1) holds (TLC agrees). A2 == x' = x (only stutters) under
   * WF, and B2 == x = 0 /\ x' = 1 unfair: ENABLED <<A2>> is false everywhere, so the WF is vacuous and x = 0 may stay
   * for ever: <>(x = 1) is violated by the lasso of one state (TLC: violated, 0+1).
   */
  it('an action\'s step to the same state is a stutter: it neither enables nor discharges fairness', async () => {
    const reach1 = { Reach1: eventually((s: { x: number }) => s.x === 1) };
    const spec1 = await check(defineSpec({
      name: 'SelfLoop1', init: () => ({ x: 0 }), deadlock: false,
      actions: { A1: (s: { x: number }) => (s.x === 0 ? [{ x: 0 }, { x: 1 }] : null) }, fairness: { a1: wf('A1') }, properties: reach1,
    }));
    expect(temporal(spec1)).toEqual([]);
    const spec2 = await check(defineSpec({
      name: 'SelfLoop2', init: () => ({ x: 0 }), deadlock: false,
      actions: { A2: (s: { x: number }) => s, B2: (s: { x: number }) => (s.x === 0 ? { x: 1 } : null) }, fairness: { a2: wf('A2') }, properties: reach1,
    }));
    expect(xs(spec2, 'Reach1')).toEqual({ states: [0], loop: { index: 0, stutter: true, label: null } });
    const spec3 = await check(defineSpec({
      name: 'SelfLoop3', init: () => ({ x: 0 }), deadlock: false,
      actions: { A2: (s: { x: number }) => s, B2: (s: { x: number }) => (s.x === 0 ? { x: 1 } : null) }, fairness: { a2: sf('A2') }, properties: reach1,
    }));
    expect(xs(spec3, 'Reach1')).toEqual({ states: [0], loop: { index: 0, stutter: true, label: null } });
  });
});

describe('the rest of a run', () => {
  /** x counts 0..3 and stops: with deadlock checking on, the deadlock at 3 is found by the search. */
  const stops = defineSpec({
    name: 'Stops',
    init: () => ({ x: 0 }),
    actions: { inc: (s: { x: number }) => (s.x < 3 ? { x: s.x + 1 } : null) },
    fairness: { inc: wf('inc') },
    properties: { Reach3: eventually((s: { x: number }) => s.x === 3), Reach4: eventually((s: { x: number }) => s.x === 4) },
  });

  it('a run stopped at its first (safety) violation leaves temporal properties unknown', async () => {
    const r = await check(stops, { continueAfterViolation: false });
    expect(r.violations.map((v) => v.property)).toEqual(['deadlock']);
    expect(r.outcome).toMatchObject({ complete: false, exitCode: 11 });
  });

  it('with --continue, both the deadlock (11 first) and the temporal violation are reported', async () => {
    const r = await check(stops);
    expect(r.violations.map((v) => v.property)).toEqual(['deadlock', 'Reach4']);
    expect(r.outcome.exitCode).toBe(11);
    expect(xs(r, 'Reach4').loop?.stutter).toBe(true);
  });

  it('a bounded search checks no temporal property (unknown, never holds)', async () => {
    const r = await check(stops, { maxDepth: 2 });
    expect(temporal(r)).toEqual([]);
    expect(r.outcome).toMatchObject({ verdict: 'bounded', complete: false });
  });

  it('a VIEW is refused together with temporal properties', async () => {
    const err = await check(defineSpec({ ...stops, view: (s: { x: number }) => s.x % 2 })).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CheckerError);
    expect((err as CheckerError).exitCode).toBe(75);
    expect((err as CheckerError).message).toMatch(/has a view and temporal properties/);
  });

  /**
   * Two processes i in {0, 1}: start(i) sets pc[i] to 1, finish(i) to 2. Only process 0's finish is weakly fair.
   * pc[i] = 1 ~> pc[i] = 2 holds for 0 and fails for 1: process 1 started, never finishes (after process 0 is done,
   * nothing fair is enabled, and the state may stutter).
   */
  it('a quantified property is reported per failing instance', async () => {
    type S = { pc: number[] };
    const r = await check(defineSpec({
      name: 'TwoProcs',
      init: () => ({ pc: [0, 0] }),
      actions: {
        start: { params: { i: [0, 1] }, next: (s: S, { i }: { i: number }) => (s.pc[i] === 0 ? { pc: s.pc.map((p, k) => (k === i ? 1 : p)) } : null) },
        finish: { params: { i: [0, 1] }, next: (s: S, { i }: { i: number }) => (s.pc[i] === 1 ? { pc: s.pc.map((p, k) => (k === i ? 2 : p)) } : null) },
      },
      fairness: { finish0: wf('finish', { when: (_s, p) => p.i === 0 }) },
      properties: { done: forAll({ i: [0, 1] }, ({ i }: { i: number }) => leadsTo((s: S) => s.pc[i] === 1, (s: S) => s.pc[i] === 2)) },
      deadlock: false,
    }));
    expect(temporal(r).map((v) => [v.property, v.label])).toEqual([['done', 'done(i=1)']]);
  });
});

describe('lassos with the fewest states', () => {
  const next = (succ: Record<number, number[]>) => (s: { x: number }) => succ[s.x]!.map((x) => ({ x }));

  /**
   * 0 -> 1 -> 2 -> 3 and 0 -> 10 -> 11 (3 and 11 have no successor), WF(Next), P == x \in {1, 11}, P ~> FALSE. Fair
   * behaviours end stuttering in 3 or 11: the shortest violating lasso is 0, 10, 11 then stuttering (3 states), not
   * through the first trigger state met, 1 (0, 1, 2, 3: 4 states). TLC reports the 3-state one.
   */
  it('P ~> Q: the shortest prefix through any trigger state, not through the first one met', async () => {
    const r = await check(defineSpec({
      name: 'LeadsToShortest', init: () => ({ x: 0 }), deadlock: false,
      actions: { Next: next({ 0: [1, 10], 1: [2], 2: [3], 3: [], 10: [11], 11: [] }) },
      fairness: { all: wf('Next') },
      properties: { Prop: leadsTo((s: { x: number }) => s.x === 1 || s.x === 11, () => false) },
    }));
    expect(xs(r, 'Prop')).toEqual({ states: [0, 10, 11], loop: { index: 2, stutter: true, label: null } });
  });

  /**
   * 0 -> 1 -> 2 -> 1 (a cycle of two), WF(Next), P == x = 2, P ~> FALSE. The cycle 1, 2 goes through the trigger 2
   * and never satisfies FALSE: entered at 1, before the trigger, the lasso is 0 then (1, 2) for ever: 3 states.
   * Entered only at or after the trigger, it would be 0, 1 then (2, 1): 4 states. (Found by the KVM range-aware
   * retry port, docs/mmu_notifier.md: the engine used to build the cycle from the trigger on.)
   */
  it('P ~> Q: the cycle may be entered before the trigger when the trigger lies on it', async () => {
    const r = await check(defineSpec({
      name: 'LeadsToCycleEntry', init: () => ({ x: 0 }), deadlock: false,
      actions: { Next: next({ 0: [1], 1: [2], 2: [1] }) },
      fairness: { all: wf('Next') },
      properties: { Prop: leadsTo((s: { x: number }) => s.x === 2, () => false) },
    }));
    expect(xs(r, 'Prop')).toEqual({ states: [0, 1, 2], loop: { index: 1, stutter: false, label: 'Next' } });
  });

  /**
   * 0 -> {1, 5}, 1 -> 2 -> 3 -> 1, 5 -> 6 (6 has no successor), WF(Next), <>(x = 7): the fair state met first, 1,
   * lies on a cycle of 3 states (a lasso of 4); one step further, 6 stutters (a lasso of 3: 0, 5, 6).
   */
  it('<>P: a longer prefix to a stuttering state beats a shorter one to a longer cycle', async () => {
    const r = await check(defineSpec({
      name: 'EventuallyShortest', init: () => ({ x: 0 }), deadlock: false,
      actions: { Next: next({ 0: [1, 5], 1: [2], 2: [3], 3: [1], 5: [6], 6: [] }) },
      fairness: { all: wf('Next') },
      properties: { Prop: eventually((s: { x: number }) => s.x === 7) },
    }));
    expect(xs(r, 'Prop')).toEqual({ states: [0, 5, 6], loop: { index: 2, stutter: true, label: null } });
  });
});
