/**
 * Random simulation (`--simulate`): reproducible from its seed, finds planted violations, and prints a shortened
 * behaviour that is still a behaviour of the spec and still violates the property. Expected figures: NaiveLock's
 * mutex needs both processes to check and both to enter, so any violating behaviour shortens to those 4 steps (5
 * states: specs/naive_lock.ts); DieHard's shortest solution has 7 states (TLC's figure in specs/diehard.ts), so a
 * shortened one has at least 7.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, test } from 'vitest';
import { Model } from '../checker/model/model.ts';
import { loadSpec } from '../checker/run/load.ts';
import { simulate, type SimResult } from '../checker/run/simulate.ts';
import { runCli } from './cli-helpers.ts';

/** Each step of the trace is a step of the spec: the labelled instance, applied to the state before, yields it. */
async function isBehaviour(file: string, config: string | undefined, r: SimResult): Promise<boolean> {
  const loaded = await loadSpec(file);
  const model = new Model(loaded.spec, { config });
  const trace = r.violation!.trace;
  if (!model.initialStates().some((s) => isDeepStrictEqual(s, trace[0]!.state))) return false;
  for (let i = 1; i < trace.length; i++) {
    const inst = model.instances.find((x) => x.step.label === trace[i]!.label);
    if (!inst || !model.successorList(inst.run(trace[i - 1]!.state), 'test').some((s) => isDeepStrictEqual(s, trace[i]!.state))) return false;
  }
  return true;
}

describe('simulation', () => {
  test('the same seed gives the same behaviours, violation and statistics; another seed other behaviours', async () => {
    const loaded = await loadSpec('specs/filter.ts');
    const run = (seed: number) => simulate(loaded, { config: 'N3', seed, depth: 60, traces: 300 });
    const a = await run(42), b = await run(42), c = await run(43);
    expect(b.stats.steps).toBe(a.stats.steps);
    expect(b.stats.distinct).toBe(a.stats.distinct);
    expect(a.stats.behaviours).toBe(300);
    expect(a.violation).toBeUndefined(); // the filter lock is correct: no sample breaks Mutex
    expect(c.stats.distinct === a.stats.distinct && c.stats.steps === a.stats.steps).toBe(false);
  });

  test('NaiveLock: the planted race is found and shortened to its 5 states, a real behaviour', async () => {
    const loaded = await loadSpec('specs/naive_lock.ts');
    for (const seed of [1, 2, 3, 99]) {
      const r = await simulate(loaded, { seed, depth: 100, traces: 1000 });
      expect(r.violation?.property).toBe('mutex');
      expect(r.violation!.trace).toHaveLength(5);
      expect(r.violation!.foundLength).toBeGreaterThanOrEqual(5);
      expect(r.exitCode).toBe(12);
      expect(await isBehaviour('specs/naive_lock.ts', undefined, r)).toBe(true);
      // Found again by running exactly up to its behaviour.
      const again = await simulate(loaded, { seed, depth: 100, traces: r.violation!.behaviour + 1 });
      expect(again.violation).toEqual(r.violation);
    }
  });

  test('DieHard: a solution found at random, shortened, is still a solution of at least 7 states', async () => {
    const loaded = await loadSpec('specs/diehard.ts');
    const r = await simulate(loaded, { config: 'solve', seed: 5, depth: 100, traces: 10_000 });
    expect(r.violation?.property).toBe('NotSolved');
    const last = r.violation!.trace.at(-1)!.state as { big: number };
    expect(last.big).toBe(4);
    expect(r.violation!.trace.length).toBeGreaterThanOrEqual(7);
    expect(r.violation!.trace.length).toBeLessThanOrEqual(r.violation!.foundLength);
    expect(await isBehaviour('specs/diehard.ts', 'solve', r)).toBe(true);
  });

  test('deadlock is found by simulation too (the misspelt-parameter fixture deadlocks after one step)', async () => {
    const loaded = await loadSpec('test/fixtures/misspelt-param.ts');
    const r = await simulate(loaded, { seed: 1, depth: 10, traces: 5 });
    expect([r.violation?.property, r.violation?.trace.length, r.exitCode]).toEqual(['deadlock', 2, 11]);
  });
});

describe.concurrent('--simulate on the command line', () => {
  test('prints the seed, the shortened behaviour and the command that finds it again', async ({ expect }) => {
    const r = await runCli(['specs/naive_lock.ts', '--simulate', '--seed', '7']);
    expect(r.code).toBe(12);
    expect(r.stdout).toMatch(/^Simulating NaiveLock \(specs\/naive_lock\.ts\): random behaviours of at most 100 states, seed 7\nError: Invariant mutex is violated\.\nBehaviour \d+ of the simulation \(seed 7\) violates it after \d+ states/);
    const again = /Again: npx tlats (.*)\n/.exec(r.stdout)![1]!.split(' ');
    const r2 = await runCli(again);
    expect(r2.stdout.replace(/Finished in .*/, '')).toBe(r.stdout.replace(/Finished in .*/, ''));
  });

  test('no violation: exit 0, and the verdict says what a sample proves', async ({ expect }) => {
    const r = await runCli(['specs/filter.ts', '--config', 'N3', '--simulate', '--seed', '1', '--traces', '50', '-q']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No error found in 50 behaviours (a simulation samples behaviours: it proves nothing about the others).');
  });

  test('bad combinations are usage errors', async ({ expect }) => {
    const cases: [string[], string][] = [
      [['specs/naive_lock.ts', '--depth', '5'], '--depth is an option of --simulate (the exhaustive search is bounded by --max-depth)'],
      [['specs/naive_lock.ts', '--traces', '5'], '--traces is an option of --simulate'],
      [['specs/naive_lock.ts', '--simulate', '--json', '-'], '--simulate does not go with --json'],
      [['specs/naive_lock.ts', '--simulate', '--max-depth', '3'], '--simulate does not go with --max-depth (use --depth)'],
      [['specs/naive_lock.ts', '--simulate', '--seed', '-1'], '--seed -1: give a whole number from 0 to 4294967295'],
      [['specs/filter.ts', '--simulate', '--config', 'all'], '--simulate runs one configuration: give --config NAME'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect([r.code, r.stderr.trim().split('\n')[0]], args.join(' ')).toEqual([64, message]);
    }
  });
});
