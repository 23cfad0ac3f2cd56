/**
 * The programmatic API (`check`, `checkAll` from 'tlats'; checker/api/check.ts): a spec object or a file, the
 * CLI's options under program names, a typed report, errors as the checker's error classes, an AbortSignal
 * honoured, worker threads loading the spec from the module that defined it. Expected figures come from the hand
 * analyses in the specs' headers (naive_lock.ts, test/fixtures/two-specs.ts) and TLC's counts (filter.ts).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { shutdownCrews } from '../checker/parallel/crew.ts';
import { check, checkAll, defineSpec } from '../src/index.ts';
import { specFileOf } from '../src/spec.ts';
import { SpecLoadError, UsageError } from '../checker/api/check.ts';
import naive from '../specs/naive_lock.ts';
import { avoid, leaves } from './fixtures/two-specs.ts';

afterAll(shutdownCrews);

describe('check(spec object)', () => {
  test('reports the verdict, counts, property verdicts and the counterexample (NaiveLock, hand analysis: 13 states, mutex in 5)', async () => {
    const r = await check(naive);
    expect(r.verdict).toBe('violated');
    expect(r.exitCode).toBe(12);
    expect(r.complete).toBe(true);
    expect(r.stats).toMatchObject({ distinct: 13, generated: 25, depth: 7, queue: 0 });
    expect(r.properties).toEqual([
      { name: 'mutex', kind: 'invariant', verdict: 'violated' },
      { name: 'deadlock', kind: 'deadlock', verdict: 'holds' },
    ]);
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0]!;
    expect([v.property, v.kind, v.states, v.steps]).toEqual(['mutex', 'invariant', 5, 4]);
    expect(v.trace[0]).toEqual({ label: null, state: { pc: ['idle', 'idle'], locked: false } });
    expect(v.trace.at(-1)!.state).toEqual({ pc: ['cs', 'cs'], locked: true });
    // Both processes must check before either enters (enter takes the lock), so every shortest trace is two checks
    // then two enters: at least 2 switches (p0 p1 | p1 p0); the first in instance order is check 0, check 1, enter 1, enter 0.
    expect(v.switches).toBe(2);
    expect(v.lanes).toEqual(['p=0', 'p=1']);
    expect(v.trace.map((s) => s.label)).toEqual([null, 'check(p=0)', 'check(p=1)', 'enter(p=1)', 'enter(p=0)']);
    expect(v.trace.map((s) => s.actor)).toEqual([undefined, 'p=0', 'p=1', 'p=1', 'p=0']);
    expect(v.text).toMatch(/^Error: Invariant mutex is violated\.\nThe shortest behavior that violates it has 5 states, 2 context switches \(the fewest of any shortest behavior\):\nState 1: <initial state>\n(.|\n)*State 2: \[p=0\] check\(p=0\)\n/);
    expect((v.itf.states as unknown[]).length).toBe(5);
    expect(r.expectation).toEqual({ source: 'the hand analysis in the header of specs/naive_lock.ts', met: true, mismatches: [] });
    expect(r.file).toMatch(/specs\/naive_lock\.ts$/);
    expect(r.text).toContain('13 distinct states found');
  });

  test('defineSpec records the module that defined the spec; a copy made elsewhere records its own', () => {
    expect(specFileOf(naive)).toMatch(/specs\/naive_lock\.ts$/);
    const copy = defineSpec({ ...naive, name: 'Copy' });
    expect(specFileOf(copy)).toMatch(/test\/api\.test\.ts$/);
    expect(Object.keys(copy)).not.toContain('__file');
  });

  test('options: constants, invariants, deadlock, continue (default on), maxDepth', async () => {
    // N = 3: still violated, by two of the three processes, after the same 4 steps.
    const n3 = await check(naive, { constants: { N: 3 } });
    expect(n3.violations.map((v) => [v.property, v.states])).toEqual([['mutex', 5]]);
    expect(n3.expectation).toBeUndefined();
    // Depth 4 stops one level short of the violation: nothing found, nothing proven.
    const bounded = await check(naive, { maxDepth: 4 });
    expect([bounded.verdict, bounded.complete, bounded.properties[0]!.verdict]).toEqual(['bounded', false, 'unknown']);
    expect((await check(naive, { deadlock: false })).properties.map((p) => p.name)).toEqual(['mutex']);
    // Leaves: deadlock at the first leaf, level 15 (fixture header).
    const w = await check(leaves);
    expect(w.violations.map((v) => [v.property, v.states])).toEqual([['deadlock', 15]]);
    expect(w.stats).toMatchObject({ distinct: 32_767, generated: 32_767, depth: 15 });
  });

  test('an AbortSignal stops the run like SIGINT: verdict interrupted, statistics so far', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await check(leaves, { signal: ac.signal });
    expect([r.verdict, r.complete, r.exitCode]).toEqual(['interrupted', false, 130]);
    expect(r.stats.distinct).toBeLessThan(32_767);
  });

  test('bad options are UsageErrors that say what is allowed; a bad spec is a SpecLoadError', async () => {
    await expect(check(naive, { wokers: 2 } as never)).rejects.toThrow(new UsageError('check(): unknown option wokers; the options are config, constants, invariants, properties, deadlock, maxDepth, continue, workers, memory, signal, onProgress, symmetry'));
    await expect(check(naive, { config: 'N3' })).rejects.toThrow(/NaiveLock has no configuration "N3"; it has none/);
    await expect(check(naive, { workers: 0 })).rejects.toThrow(/workers must be a whole number from 1 to 256, not 0/);
    await expect(check(naive, { memory: '12' })).rejects.toThrow(/check\(\): memory 12: 12 bytes is too small/);
    await expect(check(naive, { constants: { M: 1 } })).rejects.toBeInstanceOf(UsageError);
    await expect(check({ name: 'x' } as never)).rejects.toBeInstanceOf(SpecLoadError);
    await expect(check('no/such/spec.ts')).rejects.toThrow(new SpecLoadError('spec file not found: no/such/spec.ts'));
  });
});

describe('worker threads', () => {
  test('a spec object that is a named export, checked by 2 workers, gives what 1 worker gives (and the hand analysis)', async () => {
    const one = await check(avoid, { workers: 1 });
    const two = await check(avoid, { workers: 2 });
    expect(two.stats.workers).toBe(2);
    for (const r of [one, two]) {
      expect(r.violations.map((v) => [v.property, v.states])).toEqual([['avoid12345', 14]]);
      expect(r.violations[0]!.trace.map((s) => (s.state as { n: number }).n)).toEqual([1, 3, 6, 12, 24, 48, 96, 192, 385, 771, 1543, 3086, 6172, 12345]);
      expect(r.stats).toMatchObject({ distinct: 32_767, generated: 32_767, depth: 15 });
    }
    expect(two.violations[0]!.trace).toEqual(one.violations[0]!.trace);
  });

  test('a spec object with no module to load it from is refused for workers, with the way out', async () => {
    const anonymous = { ...leaves } as typeof leaves; // a spread copy, not made by defineSpec: no module recorded
    await expect(check(anonymous, { workers: 2 })).rejects.toThrow(/worker threads load the spec from the module that defined it.*or use workers: 1/);
  });
});

describe('checkAll and files', () => {
  test('every configuration of filter.ts, one report each, with TLC\'s counts met', async () => {
    const reports = await checkAll('specs/filter.ts', { workers: 2 });
    expect(reports.map((r) => r.config)).toEqual(['N3', 'N4', 'N5', 'N3.symmetric', 'N4.symmetric', 'N5.symmetric', 'N3.starvationFree', 'N4.starvationFree']);
    // TLC 2.19 on Filter.tla (the spec's expectations cite it): N=3 705, N=4 14,844, N=5 344,805 distinct states;
    // with SYMMETRY (bench/peers/symmetry/FilterSym.tla): 366, 2,747, 17,149.
    expect(reports.map((r) => r.stats.distinct)).toEqual([705, 14_844, 344_805, 366, 2_747, 17_149, 705, 14_844]);
    for (const r of reports) expect([r.verdict, r.expectation?.met]).toEqual(['holds', true]);
  }, 120_000);

  test('checkAll refuses a config option', async () => {
    await expect(checkAll(naive, { config: 'x' } as never)).rejects.toThrow(/checkAll checks every configuration/);
  });
});
