/**
 * Parallel search: every worker count gives the same answer. For every spec in specs/ and each of its
 * configurations, 1, 2, 3 and 4 workers must report the same verdict, distinct and generated counts, depth, states
 * left on the queue, and the same counterexamples state for state (the fewest-context-switch ones, with their actors
 * and switch counts), both when the search stops at the first
 * violation (1, 2 and 3 workers) and when it continues through the whole graph (1, 2 and 4). The parallel threshold is lowered to 1 so that every
 * level of these small models is really expanded by the worker threads (by default, small levels stay in the main
 * thread). Also: failures inside workers, and a memory budget too small.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { checkConfig, type CheckResult } from '../checker/run/check.ts';
import { shutdownCrews } from '../checker/parallel/crew.ts';
import { CheckerError, SpecEvalError } from '../checker/errors.ts';
import { ExitCode } from '../checker/exit-codes.ts';
import { loadSpec } from '../checker/run/load.ts';
import { specFiles } from '../checker/run/suite.ts';
import { livingWorkers } from '../checker/parallel/crew.ts';
import { tableBytes } from '../checker/store/seen-table.ts';

afterAll(shutdownCrews);

/** Everything a run reports that must not depend on the worker count. */
function observable(r: CheckResult): string {
  return JSON.stringify({
    generated: r.stats.generated,
    distinct: r.stats.distinct,
    depth: r.stats.depth,
    queue: r.stats.queue,
    exitCode: r.outcome.exitCode,
    violations: r.violations.map((v) => ({
      property: v.property,
      length: v.length,
      switches: v.switches,
      trace: v.trace.map((s) => [s.label, s.actor, JSON.stringify(s.state)]),
    })),
  });
}

/** Filter N5 (344,805 states; 17,149 orbits, each costing a canonicalisation) is left to the benchmark: N3 and N4 cover the same spec here. */
const skipped = [{ file: 'specs/filter.ts', config: 'N5' }, { file: 'specs/filter.ts', config: 'N5.symmetric' }];

test('every skipped configuration exists (a renamed one would silently be checked, or silently skipped)', async () => {
  for (const s of skipped) {
    expect(specFiles('specs')).toContain(s.file);
    expect(Object.keys((await loadSpec(s.file)).spec.configs ?? {})).toContain(s.config);
  }
});

describe('1, 2, 3 and 4 workers give identical results', () => {
  for (const file of specFiles('specs')) {
    test(file, async () => {
      const loaded = await loadSpec(file);
      const configs: (string | undefined)[] = Object.keys(loaded.spec.configs ?? {});
      if (configs.length === 0) configs.push(undefined);
      const runs = configs.filter((c) => !skipped.some((s) => s.file === file && s.config === c));
      const baseline = new Map<string, string>();
      for (const workers of [1, 2, 3, 4]) {
        for (const config of runs) {
          // Every worker count, each mode with two of them (CI time: this is the longest file): the stop at the
          // first violation with 2 and 3 workers, the whole graph (--continue) with 2 and 4.
          for (const continueAfterViolation of workers === 4 ? [true] : workers === 3 ? [false] : [false, true]) {
            const r = await checkConfig(loaded, { config, workers, parallelThreshold: 1, continueAfterViolation });
            const key = `${config} continue=${continueAfterViolation}`;
            const seen = observable(r);
            if (workers === 1) baseline.set(key, seen);
            else expect(seen, `${key} with ${workers} workers`).toBe(baseline.get(key));
          }
        }
      }
    });
  }
});

describe('workers build the model from the whole model options', () => {
  // verdicts.ts (its header has the hand analysis): MODE=both violates Small (3 states) and deadlocks at x = 3
  // (4 states). With the parallel threshold at 1 every level after the first is expanded by the workers, so each
  // option must reach them: the constants (MODE), --no-deadlock, and the invariants checked.
  const run = async (opts: Parameters<typeof checkConfig>[1]) => {
    const r = await checkConfig(await loadSpec('test/fixtures/verdicts.ts'), { workers: 2, parallelThreshold: 1, continueAfterViolation: true, ...opts });
    return Object.fromEntries(r.violations.map((v) => [v.property, v.length]));
  };

  test('constants, noDeadlock and invariants', async () => {
    expect(await run({ constants: { MODE: 'both' } })).toEqual({ Small: 3, deadlock: 4 });
    expect(await run({ constants: { MODE: 'both' }, noDeadlock: true })).toEqual({ Small: 3 });
    expect(await run({ constants: { MODE: 'deadlock' }, invariants: ['Small'] })).toEqual({ deadlock: 4 });
    expect(await run({ constants: { MODE: 'holds' } })).toEqual({});
  });

  test('workers are kept between runs and retired at shutdown', async () => {
    await shutdownCrews();
    expect(livingWorkers()).toBe(0);
    await run({ constants: { MODE: 'holds' } });
    expect(livingWorkers()).toBe(2);
    // Three wanted: the two kept ones and one new.
    await run({ constants: { MODE: 'holds' }, workers: 3 });
    expect(livingWorkers()).toBe(3);
    await shutdownCrews();
    expect(livingWorkers()).toBe(0);
  });
});

describe('a VIEW', () => {
  // Under a VIEW the state kept for a fingerprint is the first one found; threads racing to store two copies
  // would make the verdict depend on timing (test/fixtures/view-race.ts: the hand analysis, and the copy a second
  // thread stores while the first spins). Every worker count must give the one-thread answer.
  test('the state kept for a view, hence the verdict, is the one-thread one with any number of workers', async () => {
    const loaded = await loadSpec('test/fixtures/view-race.ts');
    for (const workers of [1, 2, 3, 2, 3, 2]) {
      const r = await checkConfig(loaded, { workers, parallelThreshold: 1 });
      expect([r.outcome.exitCode, r.stats.distinct, r.violations[0]?.length], `${workers} workers`).toEqual([ExitCode.invariant, 22_653, 5]);
    }
  });
});

describe('failures in parallel runs', () => {
  test('an action that throws inside a worker stops the run with the error and exit code 75', async () => {
    const loaded = await loadSpec('test/fixtures/throws-deep.ts');
    const err = await checkConfig(loaded, { workers: 2, parallelThreshold: 1 }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CheckerError);
    expect((err as CheckerError).exitCode).toBe(ExitCode.evaluation);
    expect((err as CheckerError).message).toContain('evaluating action step');
    expect((err as CheckerError).message).toContain('device lost at x = 30');
    // The behaviour up to the state whose expansion failed, rebuilt by the coordinator: x = 30 is first reached
    // along a shortest path of 30 steps, so 31 states from the initial one.
    const behaviour = (err as SpecEvalError).behaviour!;
    expect(behaviour).toHaveLength(31);
    expect(behaviour[0]!.label).toBe(null);
    expect((behaviour[30]!.state as { x: number }).x).toBe(30);
    // The crew was terminated, not left running: a new run starts fresh workers and completes.
    const ok = await checkConfig(await loadSpec('specs/diehard.ts'), { config: 'unreachableGoal', workers: 2, parallelThreshold: 1 });
    expect(ok.stats.distinct).toBe(16);
  });

  test('a worker thread that dies stops the run with exit code 153, and the next run starts fresh workers', async () => {
    const loaded = await loadSpec('test/fixtures/worker-exits.ts');
    const err = await checkConfig(loaded, { workers: 2, parallelThreshold: 1 }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CheckerError);
    expect((err as CheckerError).exitCode).toBe(ExitCode.system);
    expect((err as CheckerError).message).toMatch(/worker thread exited unexpectedly \(code 7\)/);
    const ok = await checkConfig(await loadSpec('specs/diehard.ts'), { config: 'unreachableGoal', workers: 2, parallelThreshold: 1 });
    expect(ok.stats.distinct).toBe(16);
  });

  test('a memory budget too small stops cleanly with the statistics so far (exit 152)', async () => {
    const loaded = await loadSpec('specs/filter.ts');
    for (const workers of [1, 2]) {
      const r = await checkConfig(loaded, { config: 'N4', workers, parallelThreshold: 1, memoryBytes: 64 * 1024, disk: false });
      expect(r.outcome.exitCode).toBe(ExitCode.memory);
      expect(r.memoryExhausted).toMatch(/memory budget exhausted/);
      expect(r.outcome.complete).toBe(false);
      // 64 KiB hold 64 KiB / 12.25 B = 5,350 slots, of which 3/4 may be used before the table must grow.
      expect(r.stats.distinct).toBeGreaterThan(3000);
      expect(r.stats.distinct).toBeLessThan(5350);
      expect(r.mismatches).toEqual([]);
    }
  });

  test('a table that grows many times, in main-thread and in parallel levels, still gives the exact answer', async () => {
    // Filter N4 has 14,844 states and 44,120 transitions (bench/peers README): from 256 slots the table doubles
    // seven times, during levels expanded by the main thread (threshold 500) and by the workers.
    const loaded = await loadSpec('specs/filter.ts');
    const seen = new Set<string>();
    for (const workers of [1, 2, 3]) {
      for (const parallelThreshold of [1, 500]) {
        const r = await checkConfig(loaded, { config: 'N4', workers, parallelThreshold, initialCapacity: 256, continueAfterViolation: true });
        expect(r.stats.distinct).toBe(14_844);
        expect(r.stats.generated).toBe(44_121);
        // From 256 slots the table doubles whenever it is 3/4 full: 14,844 states end in 32,768 slots (16,384 slots
        // allow only 12,288), so it grew exactly 7 times. A table that ignored initialCapacity would end elsewhere.
        expect(r.stats.tableBytes).toBe(tableBytes(256 * 2 ** 7));
        seen.add(observable(r));
      }
    }
    expect(seen.size).toBe(1);
  });

  test('a violation reached from many parents in one level gives the same trace on every run', async () => {
    // Repeated runs: a race between workers decides who first reaches each state; the answer must not change.
    const loaded = await loadSpec('test/fixtures/diamond.ts');
    const N = 14, K = 7; // the fixture's defaults; lengths from its header
    const seen = new Set<string>();
    for (const workers of [1, 2, 3, 4, 2, 2, 2, 3, 3, 4]) {
      for (const continueAfterViolation of [false, true]) {
        const r = await checkConfig(loaded, { workers, parallelThreshold: 1, continueAfterViolation });
        const lengths = Object.fromEntries(r.violations.map((v) => [v.property, v.length]));
        expect(lengths).toEqual(continueAfterViolation ? { fewerThanK: K + 1, noLastBit: N + 1 } : { fewerThanK: K + 1 });
        if (continueAfterViolation) expect(r.stats.distinct).toBe(2 ** N);
        seen.add(`${continueAfterViolation} ${observable(r)}`);
      }
    }
    expect(seen.size).toBe(2);
  });

  test('levels alternately expanded by the main thread and by workers while the table grows', async () => {
    const loaded = await loadSpec('test/fixtures/alternating.ts');
    const M = 300, R = 20; // the fixture's defaults; counts from its header
    const tableSizes = new Set<number>();
    for (const workers of [1, 2, 3]) {
      const r = await checkConfig(loaded, { workers, parallelThreshold: 2, initialCapacity: 1024, continueAfterViolation: true });
      expect(r.stats.distinct).toBe(R + 1 + R * M);
      expect(r.stats.generated).toBe(1 + 2 * R * M);
      expect(r.stats.depth).toBe(2 * R + 1);
      expect(r.violations.map((v) => [v.property, v.length])).toEqual([['notFinished', 2 * R + 1]]);
      // The table grows at the same sizes whoever inserts: a worker left on a stale table would make it differ.
      tableSizes.add(r.stats.tableBytes);
    }
    // 6,021 states from 1,024 slots: 4,096 slots allow 3,072, 8,192 allow 6,144, so 3 doublings.
    expect([...tableSizes]).toEqual([tableBytes(1024 * 2 ** 3)]);
  });
});
