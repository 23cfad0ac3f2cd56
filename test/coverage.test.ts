/**
 * Action coverage: per action and per action instance, the states it was enabled in, the successors it generated,
 * and the new states it reached first; the warning about actions never enabled; `--coverage`; the JSON. Expected
 * counts are hand counts, written out below for NaiveLock (specs/naive_lock.ts, whose header lists its 13 states)
 * and in the header of test/fixtures/misspelt-param.ts.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { check } from '../checker/api/check.ts';
import { shutdownCrews } from '../checker/parallel/crew.ts';
import { checkConfig } from '../checker/run/check.ts';
import { loadSpec } from '../checker/run/load.ts';
import naive from '../specs/naive_lock.ts';
import { fx, runCli } from './cli-helpers.ts';

afterAll(shutdownCrews);

/**
 * NaiveLock, N = 2. States (pc[0] pc[1] locked; i idle, c checked, s cs), by level:
 *   1 iiF | 2 ciF icF | 3 ccF siT isT | 4 scT csT | 5 ssT | 6 isF siF | 7 csF scF
 * check(p) is enabled where pc[p] = i and the lock is free: p=0 in iiF, icF, isF (3); p=1 in iiF, ciF, siF (3).
 * enter(p) where pc[p] = c: p=0 in ciF, ccF, csT, csF (4); p=1 in icF, ccF, scT, scF (4).
 * exit(p) where pc[p] = s: p=0 in siT, scT, ssT, siF, scF (5); p=1 in isT, csT, ssT, isF, csF (5).
 * Each enabled instance has one successor, so generated = enabled (1 + 6 + 8 + 10 = 25, the run's count).
 * New states, with one worker (instances tried in declaration order, levels expanded in the order found):
 *   level 2 from iiF: check(0) → ciF, check(1) → icF.
 *   level 3 from ciF: check(1) → ccF, enter(0) → siT; from icF: check(0) → ccF (seen), enter(1) → isT.
 *   level 4 from ccF: enter(0) → scT, enter(1) → csT; siT, isT: exit → iiF (seen).
 *   level 5 from scT: enter(1) → ssT; from csT: enter(0) → ssT (seen).
 *   level 6 from ssT: exit(0) → isF, exit(1) → siF.   level 7 from isF: check(0) → csF; from siF: check(1) → scF.
 *   check(0): ciF, csF = 2; check(1): icF, ccF, scF = 3; enter(0): siT, scT = 2; enter(1): isT, csT, ssT = 3;
 *   exit(0): isF = 1; exit(1): siF = 1; with the initial state, 13.
 */
const naiveCounts = {
  'check(p=0)': [3, 3, 2], 'check(p=1)': [3, 3, 3],
  'enter(p=0)': [4, 4, 2], 'enter(p=1)': [4, 4, 3],
  'exit(p=0)': [5, 5, 1], 'exit(p=1)': [5, 5, 1],
};

describe('coverage counts', () => {
  test('NaiveLock with one worker: every instance\'s enabled, generated and distinct, summed per action', async () => {
    const r = await check(naive);
    const perInstance = Object.fromEntries(r.coverage.actions.flatMap((a) => a.instances.map((i) => [i.label, [i.enabled, i.generated, i.distinct]])));
    expect(perInstance).toEqual(naiveCounts);
    expect(r.coverage.actions.map((a) => [a.action, a.enabled, a.generated, a.distinct])).toEqual([['check', 6, 6, 5], ['enter', 8, 8, 5], ['exit', 10, 10, 2]]);
    expect(r.coverage.initial).toEqual({ generated: 1, distinct: 1 });
  });

  test('with workers (every level forced onto them), enabled and generated are the same; distinct still sums to the distinct count', async () => {
    const loaded = await loadSpec('specs/filter.ts');
    const one = await checkConfig(loaded, { config: 'N3', workers: 1 });
    const two = await checkConfig(loaded, { config: 'N3', workers: 2, parallelThreshold: 1 });
    expect(two.stats.workers).toBe(2);
    const eg = (r: typeof one) => r.coverage.actions.flatMap((a) => a.instances.map((i) => [i.label, i.enabled, i.generated]));
    expect(eg(two)).toEqual(eg(one));
    for (const r of [one, two]) {
      const generated = r.coverage.actions.reduce((n, a) => n + a.generated, r.coverage.initial.generated);
      const distinct = r.coverage.actions.reduce((n, a) => n + a.distinct, r.coverage.initial.distinct);
      expect([generated, distinct]).toEqual([1726, 705]); // TLC's counts for N = 3 (specs/filter.ts)
    }
  });
});

describe.concurrent('coverage on the command line', () => {
  test('an action never enabled: a warning after the statistics (the misspelt parameter of the fixture)', async ({ expect }) => {
    const r = await runCli([fx('misspelt-param.ts'), '--continue', '-q']);
    expect(r.code).toBe(11);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe("Warning: action release was never enabled (a guard that never holds? a misspelt parameter?). --coverage shows every action's counts.");
    // Stopped at the deadlock, the same warning says how little it has seen.
    const first = await runCli([fx('misspelt-param.ts'), '-q']);
    expect(first.stdout).toContain('Warning: action release was never enabled in the states explored before the search stopped');
  });

  test('--coverage prints the table: the initial states, each action and each instance', async ({ expect }) => {
    const r = await runCli([fx('misspelt-param.ts'), '--coverage', '--no-deadlock', '-q']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain([
      'action            enabled  generated  distinct',
      '----------------  -------  ---------  --------',
      '<initial states>                   1         1',
      'acquire                 2          2         2',
      '  acquire(p=0)          1          1         1',
      '  acquire(p=1)          1          1         1',
      'release                 0          0         0',
      '  release(q=0)          0          0         0',
      '  release(q=1)          0          0         0',
    ].join('\n'));
  });

  test('--json always carries the coverage', async ({ expect }) => {
    const r = await runCli([fx('misspelt-param.ts'), '--no-deadlock', '-q', '--json', '-']);
    const cov = (JSON.parse(r.stdout) as { results: { coverage: { initial: unknown; actions: { action: string; enabled: number; instances: unknown[] }[] } }[] }).results[0]!.coverage;
    expect(cov.initial).toEqual({ generated: 1, distinct: 1 });
    expect(cov.actions.map((a) => [a.action, a.enabled, a.instances.length])).toEqual([['acquire', 2, 2], ['release', 0, 2]]);
  });

  test('a verdict matrix warns only about an action no configuration enables', async ({ expect }) => {
    const r = await runCli(['specs/chang-roberts.ts', '-q']);
    // Terminating (all pc = "Done") is never enabled in TLC's model either: the spec's header says so.
    expect(r.stdout).toContain('Warning: action Terminating was never enabled in any configuration');
    const filter = await runCli(['specs/filter.ts', '--config', 'N3', '-q']);
    expect(filter.stdout).not.toContain('Warning');
  });
});
