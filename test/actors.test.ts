/**
 * Actors and docs per action (src/spec.ts, checker/model/actors.ts) and how traces show them: default lanes, the
 * `[actor]` and doc of a text trace, the switch count of the summary, ITF's #meta, refused actors, lassos, and the
 * same fewest-switch trace with 1 and 2 workers. Expected traces are worked out by hand in each test.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { shutdownCrews } from '../checker/parallel/crew.ts';
import { SpecEvalError } from '../checker/errors.ts';
import { ExitCode } from '../checker/exit-codes.ts';
import { checkConfig } from '../checker/run/check.ts';
import { loadSpec } from '../checker/run/load.ts';
import { formatViolation } from '../checker/output/text.ts';
import { toItfTrace } from '../checker/output/itf.ts';
import { action, defineSpec, range, wf, eventually } from '../src/index.ts';

afterAll(shutdownCrews);

type S = { readonly a: number; readonly b: number };

/**
 * Two threads, A and B, each counting to 2; the invariant a + b < 3 fails after three steps. Every shortest
 * counterexample takes three increments with a + b = 3: AAB, ABA, BAA, ABB, BAB, BBA (the steps of a thread that is
 * at 2 are disabled). Switches: AAB 1, ABA 2, BAA 1, ABB 1, BAB 2, BBA 1. The fewest is 1, and the first in the
 * canonical order (incA before incB at each step) is A, A, B.
 */
const twoThreads = defineSpec({
  name: 'TwoThreads',
  init: (): S => ({ a: 0, b: 0 }),
  actions: {
    incB: action({ actor: 'B', doc: 'thread B counts', next: (s: S) => (s.b < 2 ? { ...s, b: s.b + 1 } : null) }),
    incA: action({ actor: 'A', next: (s: S) => (s.a < 2 ? { ...s, a: s.a + 1 } : null) }),
  },
  invariants: { small: (s) => s.a + s.b < 3 },
  deadlock: false,
});

const loaded = (spec: unknown) => ({ spec: spec as never, file: 'actors-test' });

describe('actors', () => {
  test('declared actors: the fewest-switch trace, its actors and docs, as text, JSON-ready and ITF', async () => {
    const r = await checkConfig(loaded(twoThreads), { workers: 1 });
    const v = r.violations[0]!;
    // Lanes in the order the instances first name them: incB is declared first.
    expect(v.lanes).toEqual(['B', 'A']);
    // Canonical order is declaration order: incB before incA. Fewest switches 1: BBA (B B then A) comes first.
    expect(v.trace.map((s) => s.label)).toEqual([null, 'incB', 'incB', 'incA']);
    expect(v.trace.map((s) => s.actor)).toEqual([undefined, 'B', 'B', 'A']);
    expect(v.trace[1]!.doc).toBe('thread B counts');
    expect(v.trace[3]!.doc).toBeUndefined();
    expect(v.switches).toBe(1);
    const text = formatViolation(v, false);
    expect(text).toContain('The shortest behavior that violates it has 4 states, 1 context switch (the fewest of any shortest behavior):');
    expect(text).toContain('State 2: [B] incB — thread B counts\n');
    expect(text).toContain('State 4: [A] incA\n');
    const itf = toItfTrace(v.trace, {}) as { states: { '#meta': Record<string, unknown> }[] };
    expect(itf.states.map((s) => s['#meta'])).toEqual([
      { index: 0, action: 'init' },
      { index: 1, action: 'incB', actor: 'B', doc: 'thread B counts' },
      { index: 2, action: 'incB', actor: 'B', doc: 'thread B counts' },
      { index: 3, action: 'incA', actor: 'A' },
    ]);
  });

  test('default lanes: the first parameter as name=value (a string unquoted), or the spec\'s name', async () => {
    const spec = defineSpec({
      name: 'Defaults',
      init: () => ({ n: 0 }),
      actions: {
        tick: (s: { n: number }) => (s.n < 1 ? { n: s.n + 1 } : null),
        step: action({ params: { p: [1, 2], q: ['x'] }, next: (s: { n: number }) => (s.n < 1 ? { n: s.n + 1 } : null) }),
        named: action({ params: { who: ['r1'] }, next: (_: { n: number }) => null }),
      },
      deadlock: false,
    });
    const r = await checkConfig(loaded(spec), { workers: 1 });
    expect(r.violations).toEqual([]);
    const { Model } = await import('../checker/model/model.ts');
    const m = new Model(spec);
    expect(m.instances.map((i) => i.actor)).toEqual(['Defaults', 'p=1', 'p=2', 'who=r1']);
    expect(m.lanes).toEqual(['Defaults', 'p=1', 'p=2', 'who=r1']);
  });

  test('one lane: no [actor] and no switch count in the text (DieHard, every action in the DieHard lane)', async () => {
    const r = await checkConfig(await loadSpec('specs/diehard.ts'), { config: 'solve', workers: 1 });
    const v = r.violations[0]!;
    expect(v.lanes).toEqual(['DieHard']);
    const text = formatViolation(v, false);
    expect(text).toContain('The shortest behavior that violates it has 7 states:\nState 1: <initial state>');
    expect(text).toContain('State 2: FillBigJug\n');
    expect(v.trace[1]!.actor).toBe('DieHard');
  });

  test.each([
    ['a number', { actor: 7 }, 'action A: its actor is 7; an actor is a non-empty string'],
    ['an empty string', { actor: '' }, 'action A: its actor is ""; an actor is a non-empty string'],
    ['a function returning undefined', { params: { p: [1] }, actor: () => undefined }, 'action A(p=1): its actor is undefined'],
    ['a function that throws', { params: { p: [1] }, actor: () => { throw new Error('no lane'); } }, 'action A(p=1): its actor function threw Error: no lane'],
    ['a doc that is not a string', { doc: 3 }, 'action A: its doc is 3, not a string'],
  ])('an actor or doc that is %s is an evaluation error naming the action (exit 75)', async (_, extra, message) => {
    const spec = defineSpec({ name: 'Bad', init: () => ({ x: 0 }), actions: { A: { next: () => null, ...extra } as never }, deadlock: false });
    const err = await checkConfig(loaded(spec), { workers: 1 }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SpecEvalError);
    expect((err as SpecEvalError).exitCode).toBe(ExitCode.evaluation);
    expect((err as Error).message).toContain(message);
  });

  test('a lasso counts its switches along the cycle, the closing step included', async () => {
    // x goes 0 -> 1 (A) -> 0 (B) -> 1 ... for ever under fairness of both; <>(x = 2) never holds. The lasso is the
    // 2-state cycle 0 -A-> 1 -B-> back to 0: steps A, then B closing it: 1 switch.
    const spec = defineSpec({
      name: 'Loop',
      init: () => ({ x: 0 }),
      actions: {
        up: action({ actor: 'A', next: (s: { x: number }) => (s.x === 0 ? { x: 1 } : null) }),
        down: action({ actor: 'B', doc: 'back down', next: (s: { x: number }) => (s.x === 1 ? { x: 0 } : null) }),
      },
      fairness: { both: wf(['up', 'down']) },
      properties: { reachesTwo: eventually((s: { x: number }) => s.x === 2) },
    });
    const r = await checkConfig(loaded(spec), { workers: 1 });
    const v = r.violations.find((x) => x.kind === 'temporal')!;
    expect(v.loop).toMatchObject({ index: 0, stutter: false, label: 'down', actor: 'B', doc: 'back down' });
    expect(v.trace.map((s) => s.actor)).toEqual([undefined, 'A']);
    expect(v.switches).toBe(1);
    expect(formatViolation(v, false)).toContain('Back to state 1: [B] down — back down');
    expect(formatViolation(v, false)).toContain('in the lasso, 1 context switch):');
  });

  test('the same fewest-switch trace with 1 and 2 workers (NaiveLock N=3, every level in the workers)', async () => {
    const spec = await loadSpec('specs/naive_lock.ts');
    const runs = [];
    for (const workers of [1, 2]) {
      const r = await checkConfig(spec, { workers, parallelThreshold: 1, constants: { N: 3 } });
      runs.push(JSON.stringify(r.violations.map((v) => [v.switches, v.trace.map((s) => [s.label, s.actor])])));
    }
    expect(runs[1]).toBe(runs[0]);
    // Two checks then two enters, as for N = 2 (api.test.ts): 2 switches, the first being p=0, p=1, p=1, p=0.
    expect(runs[0]).toBe(JSON.stringify([[2, [[null, null], ['check(p=0)', 'p=0'], ['check(p=1)', 'p=1'], ['enter(p=1)', 'p=1'], ['enter(p=0)', 'p=0']]]]));
  });
});
