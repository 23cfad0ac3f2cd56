/**
 * Small hand-analysed cases for the engine's semantics (TLC's, tlc2/tool/Worker.java): state and action
 * constraints, VIEW, --max-depth, several initial states, a violation in an initial state, and a state space big
 * enough to make the fingerprint table grow (cross-checked against arithmetic). Every expected figure is worked
 * out by hand in the comment above its spec.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfig, type CheckOptions, type CheckResult } from '../checker/run/check.ts';
import { shutdownCrews } from '../checker/parallel/crew.ts';
import { loadSpec } from '../checker/run/load.ts';
import { defineSpec, t, type Spec } from '../src/index.ts';

afterAll(async () => { await shutdownCrews(); });

/** Checks an in-memory spec in the main thread (the parallel search needs a spec file; see the Grid test). */
function check(spec: Spec, opts: CheckOptions = {}): Promise<CheckResult> {
  return checkConfig({ spec, file: 'engine.test.ts' }, { workers: 1, ...opts });
}

const violationsOf = (r: CheckResult) => Object.fromEntries(r.violations.map((v) => [v.property, v.length]));
const traceOf = (r: CheckResult, property: string) => {
  const v = r.violations.find((x) => x.property === property);
  if (!v) throw new Error(`${property} not violated`);
  return v.trace.map((s) => [s.label, (s.state as { x: number }).x]);
};

describe('state constraint', () => {
  /**
   * x starts at 0; inc adds 1, jump2 adds 2, always; CONSTRAINT x <= 2; INVARIANT Below4 (x < 4).
   *   level 1: {0}                      generated 1
   *   expand 0: inc -> 1 (new), jump2 -> 2 (new)                       generated 2   level 2: {1, 2}
   *   expand 1: inc -> 2 (seen), jump2 -> 3 (outside: not stored)       generated 2
   *   expand 2: inc -> 3 (outside), jump2 -> 4 (outside; violates Below4: trace 0, 2, 4)   generated 2
   *   level 3: empty.
   * distinct 3 (0, 1, 2), generated 7, depth 2. Nothing beyond 3 and 4 is generated: outside states are not
   * expanded. No deadlock: every stored state has successors, even if they are all outside the constraint.
   */
  const spec = defineSpec({
    name: 'Constraint',
    init: () => ({ x: 0 }),
    actions: { inc: (s) => ({ x: s.x + 1 }), jump2: (s) => ({ x: s.x + 2 }) },
    invariants: { Below4: (s) => s.x < 4, Below5: (s) => s.x < 5 },
    constraint: (s) => s.x <= 2,
  });

  it('successors outside it are generated and checked, not stored; deadlock sees them', async () => {
    const r = await check(spec, { continueAfterViolation: true });
    expect(r.stats.distinct).toBe(3);
    expect(r.stats.generated).toBe(7);
    expect(r.stats.depth).toBe(2);
    expect(violationsOf(r)).toEqual({ Below4: 3 });
    expect(traceOf(r, 'Below4')).toEqual([[null, 0], ['jump2', 2], ['jump2', 4]]);
    expect(r.outcome.complete).toBe(true);
  });

  it('stopping at the first violation gives the same trace and exit code 12', async () => {
    const r = await check(spec);
    expect(r.outcome.exitCode).toBe(12);
    expect(traceOf(r, 'Below4')).toEqual([[null, 0], ['jump2', 2], ['jump2', 4]]);
  });

  /**
   * x = 0 has one successor, x = 1, which is outside CONSTRAINT x < 1. It still counts as a successor, so 0 is not
   * deadlocked; 1 is never expanded, so it is not deadlocked either. distinct 1, generated 2, depth 1, no deadlock.
   * Without the constraint: 0 -> 1 and 1 deadlocks (trace of 2 states).
   */
  it('a state whose only successor is outside the constraint is not deadlocked', async () => {
    const base = {
      name: 'DeadlockConstraint',
      init: () => ({ x: 0 }),
      actions: { inc: (s: { x: number }) => (s.x < 1 ? { x: s.x + 1 } : null) },
    };
    const constrained = await check(defineSpec({ ...base, constraint: (s) => s.x < 1 }));
    expect(constrained.violations).toEqual([]);
    expect(constrained.outcome.exitCode).toBe(0);
    expect([constrained.stats.distinct, constrained.stats.generated, constrained.stats.depth]).toEqual([1, 2, 1]);
    const free = await check(defineSpec(base));
    expect(free.outcome.exitCode).toBe(11);
    expect(violationsOf(free)).toEqual({ deadlock: 2 });
  });
});

describe('action constraint', () => {
  /**
   * x starts at 0; inc (x < 3) adds 1; jump (x = 0) goes to 3. ACTION_CONSTRAINT: the step is not a jump.
   * ACTION PROPERTY NoJump: the step is not a jump (checked on every step, dropped ones included).
   *   level 1 {0}: inc -> 1 (new); jump -> 3 (dropped by the action constraint; violates NoJump, trace 0, 3)
   *   level 2 {1}: inc -> 2;  level 3 {2}: inc -> 3 (new: the jump did not store it);  level 4 {3}: no successor
   * distinct 4, generated 1 + 2 + 1 + 1 = 5, depth 4; deadlock at 3 with the 4-state trace 0, 1, 2, 3 (had the jump
   * stored 3, the depth would be 3 and the deadlock trace 0, 3).
   */
  it('a dropped step is generated and checked, and its target is not stored', async () => {
    const spec = defineSpec({
      name: 'ActionConstraint',
      init: () => ({ x: 0 }),
      actions: { inc: (s) => (s.x < 3 ? { x: s.x + 1 } : null), jump: (s) => (s.x === 0 ? { x: 3 } : null) },
      actionProperties: { NoJump: (_b, _a, step) => step.action !== 'jump' },
      actionConstraint: (_b, _a, step) => step.action !== 'jump',
    });
    const r = await check(spec, { continueAfterViolation: true });
    expect([r.stats.distinct, r.stats.generated, r.stats.depth]).toEqual([4, 5, 4]);
    expect(violationsOf(r)).toEqual({ NoJump: 2, deadlock: 4 });
    expect(traceOf(r, 'NoJump')).toEqual([[null, 0], ['jump', 3]]);
    expect(traceOf(r, 'deadlock')).toEqual([[null, 0], ['inc', 1], ['inc', 2], ['inc', 3]]);
  });

  /**
   * hop(d) for d in {1, 2} adds d while the result stays <= 3; ACTION_CONSTRAINT: step.params.d = 1.
   *   level 1 {0}: hop(d=1) -> 1, hop(d=2) -> 2 (dropped)     level 2 {1}: -> 2, -> 3 (dropped)
   *   level 3 {2}: -> 3, hop(d=2) disabled                   level 4 {3}: nothing enabled
   * distinct 4, generated 1 + 2 + 2 + 1 = 6, depth 4. The constraint sees the parameters and the label.
   */
  it('sees the step\'s parameters and label', async () => {
    const labels = new Set<string>();
    const spec = defineSpec({
      name: 'ActionConstraintParams',
      init: () => ({ x: 0 }),
      actions: {
        hop: { params: { d: [1, 2] }, next: (s: { x: number }, p: { d: number }) => (s.x + p.d <= 3 ? { x: s.x + p.d } : null) },
      },
      actionConstraint: (_b, _a, step) => { labels.add(step.label); return step.params.d === 1; },
      deadlock: false,
    });
    const r = await check(spec);
    expect([r.stats.distinct, r.stats.generated, r.stats.depth]).toEqual([4, 6, 4]);
    expect([...labels].sort()).toEqual(['hop(d=1)', 'hop(d=2)']);
  });
});

describe('counterexamples are behaviours of the constrained model', () => {
  /**
   * a starts at 1; viaB and viaC both go from a = 1 to a = 0; up goes from 0 to 2. ACTION_CONSTRAINT: no viaB step.
   * INVARIANT NotTwo (a # 2).
   *   level 1 {1}: viaB -> 0 (generated, dropped by the action constraint), viaC -> 0 (stored)
   *   level 2 {0}: up -> 2, which violates NotTwo.
   * The only behaviour of the constrained model that reaches 2 is 1 -viaC-> 0 -up-> 2: a trace through viaB would
   * take a step the model excludes.
   */
  it('a trace takes no step that the action constraint excludes', async () => {
    const r = await check(defineSpec({
      name: 'TraceActionConstraint',
      init: () => ({ a: 1 }),
      actions: {
        viaB: (s) => (s.a === 1 ? { a: 0 } : null),
        viaC: (s) => (s.a === 1 ? { a: 0 } : null),
        up: (s) => (s.a === 0 ? { a: 2 } : null),
      },
      invariants: { NotTwo: (s) => s.a !== 2 },
      actionConstraint: (_b, _a, step) => step.action !== 'viaB',
      deadlock: false,
    }));
    expect(r.violations[0]!.trace.map((s) => [s.label, s.state])).toEqual([[null, { a: 1 }], ['viaC', { a: 0 }], ['up', { a: 2 }]]);
  });

  /**
   * Two initial states with the same VIEW (v): { v: 0, h: 1 } is outside CONSTRAINT h = 0 (generated, checked, not
   * stored), { v: 0, h: 0 } is stored. step goes from h = 0 to { v: 1, h: 0 }, which violates NotOne (v # 1).
   * The only trace is { v: 0, h: 0 } -step-> { v: 1, h: 0 }: the other initial state is outside the model (and step
   * is not even enabled in it).
   */
  it('under a view, a trace starts in an initial state inside the constraint', async () => {
    const r = await check(defineSpec({
      name: 'TraceViewConstraint',
      init: () => [{ v: 0, h: 1 }, { v: 0, h: 0 }],
      actions: { step: (s) => (s.v === 0 && s.h === 0 ? { v: 1, h: 0 } : null) },
      invariants: { NotOne: (s) => s.v !== 1 },
      constraint: (s) => s.h === 0,
      view: (s) => s.v,
      deadlock: false,
    }));
    expect(r.violations[0]!.trace.map((s) => [s.label, s.state])).toEqual([[null, { v: 0, h: 0 }], ['step', { v: 1, h: 0 }]]);
  });

  /**
   * VIEW v; hidden field h. From { v: 0 }, p1 goes to v = F and p2 to v = S (F, S are 1, 2 or 2, 1). At level 2, m
   * takes v = F to { v: 3, h: 1 } and v = S to { v: 3, h: 2 }: the same view, found twice in one level; the first
   * found, { v: 3, h: 1 } (F is expanded first), is the state kept and expanded. f takes { v: 3, h: 1 } to v = 4,
   * violating NotFour; { v: 3, h: 2 } has no successor. So NotFour is violated with the 4-state trace
   * { 0 } -p1-> { F } -m-> { 3, h: 1 } -f-> { 4 }, for both orders of F and S (in one of them the duplicate's parent
   * has the smaller fingerprint, which must not make the trace go through { v: 3, h: 2 }).
   */
  for (const [F, S] of [[1, 2], [2, 1]] as const) {
    it(`under a view, a state found twice in a level keeps the parent of the copy that was kept (F=${F}, S=${S})`, async () => {
      const r = await check(defineSpec({
        name: 'TraceViewDuplicate',
        init: () => ({ v: 0, h: 0 }),
        actions: {
          p1: (s) => (s.v === 0 ? { v: F as number, h: 0 } : null),
          p2: (s) => (s.v === 0 ? { v: S as number, h: 0 } : null),
          m: (s) => (s.v === F ? { v: 3, h: 1 } : s.v === S ? { v: 3, h: 2 } : null),
          f: (s) => (s.v === 3 && s.h === 1 ? { v: 4, h: 1 } : null),
        },
        invariants: { NotFour: (s) => s.v !== 4 },
        view: (s) => s.v,
        deadlock: false,
      }));
      expect(violationsOf(r)).toEqual({ NotFour: 4 });
      expect(r.violations[0]!.trace.map((s) => [s.label, s.state])).toEqual([
        [null, { v: 0, h: 0 }], ['p1', { v: F, h: 0 }], ['m', { v: 3, h: 1 }], ['f', { v: 4, h: 1 }],
      ]);
    });
  }
});

describe('view', () => {
  /**
   * State { x, junk }, init { 0, 0 }; inc (x < 2) adds 1 to x; toggle flips junk. VIEW: x only.
   * With the view, states with equal x are one state; the first one found is the one expanded:
   *   level 1 {(0,0)}: inc -> (1,0) new, toggle -> (0,1) same view as (0,0)          generated 1 + 2
   *   level 2 {(1,0)}: inc -> (2,0) new, toggle -> (1,1) seen                         generated 2
   *   level 3 {(2,0)}: toggle -> (2,1) seen                                            generated 1
   *   distinct 3, generated 6, depth 3.
   * Without the view: the 6 states (x, junk); level 1 {(0,0)}, 2 {(1,0),(0,1)}, 3 {(2,0),(1,1)}, 4 {(2,1)};
   *   generated 1 + 2 + (2 + 2) + (1 + 2) + 1 = 11, depth 4.
   */
  const base = {
    name: 'View',
    init: () => ({ x: 0, junk: 0 }),
    actions: {
      inc: (s: { x: number; junk: number }) => (s.x < 2 ? { x: s.x + 1, junk: s.junk } : null),
      toggle: (s: { x: number; junk: number }) => ({ x: s.x, junk: 1 - s.junk }),
    },
  };

  it('two states with the same view count once', async () => {
    const r = await check(defineSpec({ ...base, view: (s) => s.x }));
    expect([r.stats.distinct, r.stats.generated, r.stats.depth]).toEqual([3, 6, 3]);
    const plain = await check(defineSpec(base));
    expect([plain.stats.distinct, plain.stats.generated, plain.stats.depth]).toEqual([6, 11, 4]);
  });

  it('a trace under a view is made of whole states', async () => {
    const r = await check(defineSpec({ ...base, view: (s) => s.x, invariants: { Small: (s) => s.x < 2 } }));
    expect(r.violations[0]!.trace.map((s) => [s.label, s.state])).toEqual([
      [null, { x: 0, junk: 0 }], ['inc', { x: 1, junk: 0 }], ['inc', { x: 2, junk: 0 }],
    ]);
  });
});

describe('--max-depth', () => {
  /** x counts 0..9 (inc while x < 9): 10 states, one per level; deadlock checking off. Small: x < 3 (fails at level 4). */
  const counter = defineSpec({
    name: 'Counter',
    init: () => ({ x: 0 }),
    actions: { inc: (s) => (s.x < 9 ? { x: s.x + 1 } : null) },
    invariants: { Small: (s) => s.x < 3 },
    deadlock: false,
  });

  it('bounds the search: levels 1..3 only', async () => {
    const r = await check(counter, { maxDepth: 3 });
    // Levels 1..3 hold 0, 1, 2: stored; 0 and 1 were expanded (generated 1 + 2); 2 is left.
    expect(r.bounded).toBe(true);
    expect(r.outcome.complete).toBe(false);
    expect([r.stats.distinct, r.stats.generated, r.stats.depth]).toEqual([3, 3, 3]);
    expect(r.violations).toEqual([]);
    expect(r.outcome.exitCode).toBe(0);
  });

  it('one level more reaches the violation at level 4', async () => {
    const r = await check(counter, { maxDepth: 4 });
    expect(violationsOf(r)).toEqual({ Small: 4 });
  });

  it('a bound beyond the graph\'s depth changes nothing', async () => {
    const r = await check(defineSpec({ ...counter, invariants: {} }), { maxDepth: 11 });
    expect(r.bounded).toBe(false);
    expect(r.outcome.complete).toBe(true);
    expect([r.stats.distinct, r.stats.generated, r.stats.depth]).toEqual([10, 10, 10]);
  });
});

describe('initial states', () => {
  /**
   * init: 0, 5 and 0 again; inc while x < 9. Level 1 {0, 5} (3 generated), then {1, 6}, {2, 7}, {3, 8}, {4, 9};
   * expanding level 5: 4 -> 5 (seen), 9 has no successor. distinct 10, generated 3 + 2 + 2 + 2 + 2 + 1 = 12, depth 5.
   */
  it('several, with a duplicate', async () => {
    const r = await check(defineSpec({
      name: 'MultiInit',
      init: () => [{ x: 0 }, { x: 5 }, { x: 0 }],
      actions: { inc: (s) => (s.x < 9 ? { x: s.x + 1 } : null) },
      deadlock: false,
    }));
    expect([r.stats.distinct, r.stats.generated, r.stats.depth]).toEqual([10, 12, 5]);
  });

  /** init: 0 and 7; Small (x < 5) fails in the initial state 7: a 1-state trace. */
  it('an invariant violated in an initial state gives a 1-state trace', async () => {
    const spec = defineSpec({
      name: 'BadInit',
      init: () => [{ x: 0 }, { x: 7 }],
      actions: { inc: (s) => (s.x < 9 ? { x: s.x + 1 } : null) },
      invariants: { Small: (s) => s.x < 5 },
      deadlock: false,
    });
    for (const continueAfterViolation of [false, true]) {
      const r = await check(spec, { continueAfterViolation });
      expect(r.outcome.exitCode).toBe(12);
      expect(violationsOf(r)).toEqual({ Small: 1 });
      expect(r.violations[0]!.trace).toEqual([{ label: null, state: { x: 7 } }]);
    }
  });

  it('no initial state at all: nothing to explore, nothing violated', async () => {
    const r = await check(defineSpec({
      name: 'NoInit',
      init: () => [] as { x: number }[],
      actions: { inc: (s) => ({ x: s.x + 1 }) },
      invariants: { False: () => false },
    }));
    expect([r.stats.distinct, r.stats.generated, r.stats.depth]).toEqual([0, 0, 0]);
    expect(r.violations).toEqual([]);
  });
});

describe('a state space that makes the fingerprint table grow', () => {
  /**
   * All pairs (x, y) in 0..399, x and y incremented by incX and incY (test/fixtures/grid.ts has the analysis):
   * distinct 400^2 = 160,000, generated 1 + 2 * 399 * 400 = 319,201, depth 2 * 399 + 1 = 799, and NotCorner is
   * violated only at (399, 399), with a shortest trace of 799 states. 160,000 states are more than the table's
   * initial capacity holds, so it grows (at least twice) during the search, with frontier and parents remapped.
   */
  const L = 400;
  const expectGrid = (r: CheckResult) => {
    expect(r.stats.distinct).toBe(L * L);
    expect(r.stats.generated).toBe(1 + 2 * (L - 1) * L);
    expect(r.stats.depth).toBe(2 * (L - 1) + 1);
    expect(violationsOf(r)).toEqual({ NotCorner: 2 * (L - 1) + 1 });
    // The trace is a real behaviour: starts at (0, 0), each step adds 1 to one coordinate as its label says.
    const trace = r.violations[0]!.trace;
    expect(trace[0]!.state).toEqual({ x: 0, y: 0 });
    for (let i = 1; i < trace.length; i++) {
      const a = trace[i - 1]!.state as { x: number; y: number };
      const b = trace[i]!.state as { x: number; y: number };
      expect(['incX', 'incY']).toContain(trace[i]!.label);
      expect([b.x - a.x, b.y - a.y]).toEqual(trace[i]!.label === 'incX' ? [1, 0] : [0, 1]);
    }
    expect(trace[trace.length - 1]!.state).toEqual({ x: L - 1, y: L - 1 });
  };
  const grid = (schema: boolean) => defineSpec({
    name: 'Grid',
    ...(schema ? { schema: t.record({ x: t.int(0, L - 1), y: t.int(0, L - 1) }) } : {}),
    init: () => ({ x: 0, y: 0 }),
    actions: {
      incX: (s) => (s.x < L - 1 ? { x: s.x + 1, y: s.y } : null),
      incY: (s) => (s.y < L - 1 ? { x: s.x, y: s.y + 1 } : null),
    },
    invariants: { NotCorner: (s) => !(s.x === L - 1 && s.y === L - 1) },
    deadlock: false,
  });

  it('schema codec, main thread', async () => {
    const r = await check(grid(true), { continueAfterViolation: true });
    expect(r.stats.tableFill).toBeLessThanOrEqual(0.75);
    expectGrid(r);
  });

  it('generic codec, main thread', async () => {
    expectGrid(await check(grid(false), { continueAfterViolation: true }));
  });

  it('worker threads (test/fixtures/grid.ts, forced parallel from 64 states a level)', async () => {
    const loaded = await loadSpec(fileURLToPath(new URL('./fixtures/grid.ts', import.meta.url)));
    const r = await checkConfig(loaded, { workers: 2, parallelThreshold: 64, continueAfterViolation: true });
    expect(r.stats.workers).toBe(2);
    expectGrid(r);
  });
});

describe('a configuration chooses its invariants (TLC INVARIANT in a .cfg)', () => {
  /**
   * x counts 0..3. Small (x < 2) is violated at x = 2 (trace 0, 1, 2: 3 states), Tiny (x < 1) at x = 1 (2 states).
   * Configuration onlySmall lists just Small, so only Small may be reported; --invariant overrides the list.
   */
  const spec = defineSpec({
    name: 'ConfigInvariants',
    init: () => ({ x: 0 }),
    actions: { inc: (s) => (s.x < 3 ? { x: s.x + 1 } : null) },
    invariants: { Small: (s) => s.x < 2, Tiny: (s) => s.x < 1 },
    configs: { onlySmall: { invariants: ['Small'] }, typo: { invariants: ['Smal' as 'Small'] }, all: {} },
    deadlock: false,
  });

  it('checks only the listed invariants', async () => {
    expect(violationsOf(await check(spec, { config: 'onlySmall', continueAfterViolation: true }))).toEqual({ Small: 3 });
    expect(violationsOf(await check(spec, { config: 'all', continueAfterViolation: true }))).toEqual({ Small: 3, Tiny: 2 });
  });

  it('--invariant overrides the configuration\'s list', async () => {
    expect(violationsOf(await check(spec, { config: 'onlySmall', invariants: ['Tiny'], continueAfterViolation: true }))).toEqual({ Tiny: 2 });
  });

  it('an unknown name in a configuration is an evaluation error that lists the invariants', async () => {
    await expect(check(spec, { config: 'typo' })).rejects.toThrow(/configuration typo checks invariant Smal, which ConfigInvariants does not define\. Its invariants: Small, Tiny/);
  });
});
